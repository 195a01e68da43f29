/*
 * What the commands print: on stdout, lines of text for people or one line
 * of compact JSON for scripts (--json); on stderr, the outbox's drops.
 * Jansson stays in this file.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fold.h"
#include "launch.h"
#include "natter.h"
#include "outbox.h"
#include "text.h"
#include "when.h"

/* Prints a JSON value on one line and frees it. */
static void
print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s != NULL)
		printf("%s\n", s);
	free(s);
}

/* Prints the conversation list: id, title, members and unread count. */
void
output_convs(const struct conversation *v, size_t n, bool json)
{
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *mem = json_array();
			for (size_t j = 0; j < v[i].nmembers; j++)
				json_array_append_new(mem, json_string(v[i].members[j]));
			json_t *o = json_pack("{s:s, s:s?, s:o, s:I, s:I, s:I}", "id", v[i].id,
			    "title", v[i].title, "members", mem, "unread", (json_int_t)v[i].unread,
			    "messages", (json_int_t)v[i].messages, "created",
			    (json_int_t)v[i].created);
			if (v[i].direct)
				json_object_set_new(o, "direct", json_true());
			if (v[i].state == CONV_INVITED)
				json_object_set_new(o, "invited", json_true());
			if (v[i].inviter != NULL)
				json_object_set_new(o, "inviter", json_string(v[i].inviter));
			if (v[i].state == CONV_LEFT)
				json_object_set_new(o, "left", json_true());
			json_array_append_new(arr, o);
		}
		print_json(arr);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char *title = text_sanitize(v[i].title, strlen(v[i].title), 0);
		struct buf mem = {0};
		for (size_t j = 0; j < v[i].nmembers; j++)
			buf_printf(&mem, "%s%s", j ? "," : "", v[i].members[j]);
		/* A fifth column only for invitations and conversations left. */
		char mark[64] = "";
		if (v[i].state == CONV_INVITED)
			snprintf(mark, sizeof(mark), "\tinvited by %s",
			    v[i].inviter ? v[i].inviter : "someone");
		else if (v[i].state == CONV_LEFT)
			snprintf(mark, sizeof(mark), "\tleft");
		printf("%s\t%s\t%s\t%llu%s\n", v[i].id, title, mem.data ? mem.data : "",
		    (unsigned long long)v[i].unread, mark);
		free(title);
		buf_free(&mem);
	}
}

/* Formats a timestamp as local HH:MM. */
static void
hhmm(int64_t ts, char out[16])
{
	time_t t = (time_t)(ts / 1000);
	struct tm tm;
	if (localtime_r(&t, &tm) == NULL || strftime(out, 16, "%H:%M", &tm) == 0)
		snprintf(out, 16, "--:--");
}

/* A folded line's fields for log --json: id, shown body, edited, deleted, reactions, reply. */
static json_t *
message_json(const struct message *m, const struct folded *f)
{
	char *id = xasprintf("%s:%llu", m->sender, (unsigned long long)m->seq);
	const char *body = f != NULL ? (f->text != NULL ? f->text : "") : m->body;
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "id", id, "conv", m->conv, "sender",
	    m->sender, "seq", (json_int_t)m->seq, "ts", (json_int_t)m->ts, "body",
	    body != NULL ? body : "");
	free(id);
	if (message_kind(m) != ITEM_MESSAGE && m->kind != NULL)
		json_object_set_new(o, "kind", json_string(m->kind));
	if (m->lost)
		json_object_set_new(o, "lost", json_true());
	if (f == NULL)
		return o;
	if (f->notice != NULL)
		json_object_set_new(o, "notice", json_string(f->notice));
	if (message_kind(m) != ITEM_MESSAGE)
		return o;
	json_object_set_new(o, "edited", json_boolean(f->edited));
	json_object_set_new(o, "deleted", json_boolean(f->deleted));
	if (f->action)
		json_object_set_new(o, "action", json_true());
	json_t *rs = json_array();
	for (size_t i = 0; i < f->nreactions; i++) {
		json_t *who = json_array();
		for (size_t j = 0; j < f->reactions[i].n; j++)
			json_array_append_new(who, json_string(f->reactions[i].who[j]));
		json_array_append_new(rs,
		    json_pack("{s:s, s:I, s:o}", "reaction", f->reactions[i].text, "count",
			(json_int_t)f->reactions[i].n, "users", who));
	}
	json_object_set_new(o, "reactions", rs);
	if (f->reply) {
		char *rid = xasprintf("%s:%llu", f->quote.sender, (unsigned long long)f->quote.seq);
		json_t *r = json_pack("{s:s}", "id", rid);
		free(rid);
		if (f->quote.known && !f->quote.deleted && f->quote.text != NULL)
			json_object_set_new(r, "body", json_string(f->quote.text));
		if (f->quote.deleted)
			json_object_set_new(r, "deleted", json_true());
		json_object_set_new(o, "reply", r);
	}
	return o;
}

/* Prints a sanitised text, cut to max characters (0: whole). */
static void
put_text(const char *s, size_t max)
{
	char *cut = max > 0 ? text_truncate(s, max) : xstrdup(s);
	char *clean = text_sanitize(cut, strlen(cut), 0);
	fputs(clean, stdout);
	free(clean);
	free(cut);
}

/* Prints one folded line for people, at time t: quote, line, reactions below. */
static void
print_folded(const struct message *m, const struct folded *f, const char *t)
{
	if (f->notice != NULL) {
		printf("%s -- ", t);
		put_text(f->notice, 0);
		putchar('\n');
		return;
	}
	if (message_kind(m) != ITEM_MESSAGE)
		return;
	if (f->reply) {
		printf("      > ");
		put_text(f->quote.sender, 0);
		if (!f->quote.known)
			printf(":%llu", (unsigned long long)f->quote.seq);
		else if (f->quote.deleted)
			printf(": (deleted)");
		else {
			printf(": ");
			put_text(f->quote.text != NULL ? f->quote.text : "", 60);
		}
		putchar('\n');
	}
	printf("%s %s", t, f->action ? "* " : "");
	put_text(m->sender, 0);
	printf(f->action ? " " : ": ");
	if (f->deleted)
		printf("(deleted)");
	else {
		put_text(f->text != NULL ? f->text : "", 0);
		if (f->edited)
			printf(" (edited)");
	}
	if (m->lost)
		printf(" " VIEW_LOST_MARK);
	putchar('\n');
	for (size_t i = 0; i < f->nreactions; i++) {
		printf("      ");
		put_text(f->reactions[i].text, 0);
		printf(" %zu (", f->reactions[i].n);
		for (size_t j = 0; j < f->reactions[i].n; j++) {
			printf("%s", j > 0 ? ", " : "");
			put_text(f->reactions[i].who[j], 0);
		}
		printf(")\n");
	}
}

/* The local day of ts as a number that changes at local midnight, and its date line. */
static int
day_of(int64_t ts, char line[48])
{
	time_t t = (time_t)(ts / 1000);
	struct tm tm;
	if (localtime_r(&t, &tm) == NULL || strftime(line, 48, "--- %a %d %b %Y", &tm) == 0) {
		snprintf(line, 48, "--- ?");
		return -1;
	}
	return (tm.tm_year + 1900) * 400 + tm.tm_yday;
}

/*
 * Prints messages: "HH:MM sender: body" under a date line at the start and
 * at each change of day, "ISO-TIME sender: body", or their fields in JSON;
 * folded (f[i] for v[i]) unless f is NULL.
 */
void
output_messages(const struct message *v, const struct folded *f, size_t n, enum output_format fmt)
{
	if (fmt == OUTPUT_JSON) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, message_json(&v[i], f != NULL ? &f[i] : NULL));
		print_json(arr);
		return;
	}
	int day = -2;
	for (size_t i = 0; i < n; i++) {
		/* Edits, deletions and reactions are not lines: no date line for them. */
		if (f != NULL && message_kind(&v[i]) != ITEM_MESSAGE && f[i].notice == NULL)
			continue;
		char t[32], line[48];
		if (fmt == OUTPUT_ISO) {
			when_iso(v[i].ts, t);
		} else {
			int d = day_of(v[i].ts, line);
			if (d != day || d == -1)
				printf("%s\n", line);
			day = d;
			hhmm(v[i].ts, t);
		}
		if (f != NULL) {
			print_folded(&v[i], &f[i], t);
			continue;
		}
		char *who = text_sanitize(v[i].sender, strlen(v[i].sender), 0);
		const char *text = v[i].body != NULL ? v[i].body : "";
		char *body = text_sanitize(text, strlen(text), 0);
		printf("%s %s: %s\n", t, who, body);
		free(who);
		free(body);
	}
}

/* Prints what a launch sync did. */
void
output_sync(const struct launch_report *r, bool json)
{
	if (json) {
		print_json(json_pack(
		    "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:b, s:I}",
		    "merged_from_store", (json_int_t)r->merged_from_store, "fetched_from_server",
		    (json_int_t)r->fetched_from_server, "bytes_received",
		    (json_int_t)r->bytes_received, "duration_ms", (json_int_t)r->duration_ms,
		    "sent", (json_int_t)r->outbox.sent, "queued", (json_int_t)r->outbox.queued,
		    "dropped", (json_int_t)r->outbox.dropped, "conversations",
		    (json_int_t)r->conversations, "conversations_changed",
		    (json_int_t)r->conversations_changed, "offline", r->offline, "requests",
		    (json_int_t)r->requests, "bytes_sent", (json_int_t)r->bytes_sent, "incomplete",
		    r->incomplete, "lost", (json_int_t)r->lost));
		return;
	}
	printf("merged %llu from the sync store, fetched %llu from the server "
	       "(%zu of %zu conversations changed), sent %zu queued, %zu still queued; "
	       "%llu bytes received in %llu ms%s, %llu bytes sent\n",
	    (unsigned long long)r->merged_from_store, (unsigned long long)r->fetched_from_server,
	    r->conversations_changed, r->conversations, r->outbox.sent, r->outbox.queued,
	    (unsigned long long)r->bytes_received, (unsigned long long)r->duration_ms,
	    r->offline ? " (offline)" : "", (unsigned long long)r->bytes_sent);
	if (r->incomplete)
		printf("older messages were left on the server: natter sync brings them\n");
}

/* Prints what happened to sends refused for good. */
void
output_drops(const struct outbox_report *r)
{
	if (r->dropped > 0)
		fprintf(stderr,
		    "natter: %zu queued message%s refused by the server and dropped: %s\n",
		    r->dropped, r->dropped == 1 ? "" : "s", r->first_drop.msg);
}
