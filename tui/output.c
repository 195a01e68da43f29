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
			json_array_append_new(arr,
			    json_pack("{s:s, s:s?, s:o, s:I, s:I, s:I}", "id", v[i].id, "title",
				v[i].title, "members", mem, "unread", (json_int_t)v[i].unread,
				"messages", (json_int_t)v[i].messages, "created",
				(json_int_t)v[i].created));
		}
		print_json(arr);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char *title = text_sanitize(v[i].title, strlen(v[i].title), 0);
		struct buf mem = {0};
		for (size_t j = 0; j < v[i].nmembers; j++)
			buf_printf(&mem, "%s%s", j ? "," : "", v[i].members[j]);
		printf("%s\t%s\t%s\t%llu\n", v[i].id, title, mem.data ? mem.data : "",
		    (unsigned long long)v[i].unread);
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
 * at each change of day, "ISO-TIME sender: body", or their fields in JSON.
 */
void
output_messages(const struct message *v, size_t n, enum output_format f)
{
	if (f == OUTPUT_JSON) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr,
			    json_pack("{s:s, s:s, s:I, s:I, s:s}", "conv", v[i].conv, "sender",
				v[i].sender, "seq", (json_int_t)v[i].seq, "ts", (json_int_t)v[i].ts,
				"body", v[i].body));
		print_json(arr);
		return;
	}
	int day = -2;
	for (size_t i = 0; i < n; i++) {
		char t[32], line[48];
		if (f == OUTPUT_ISO) {
			when_iso(v[i].ts, t);
		} else {
			int d = day_of(v[i].ts, line);
			if (d != day || d == -1)
				printf("%s\n", line);
			day = d;
			hhmm(v[i].ts, t);
		}
		char *who = text_sanitize(v[i].sender, strlen(v[i].sender), 0);
		char *body = text_sanitize(v[i].body, strlen(v[i].body), 0);
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
		print_json(
		    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:b}",
			"merged_from_store", (json_int_t)r->merged_from_store,
			"fetched_from_server", (json_int_t)r->fetched_from_server, "bytes_received",
			(json_int_t)r->bytes_received, "duration_ms", (json_int_t)r->duration_ms,
			"sent", (json_int_t)r->outbox.sent, "queued", (json_int_t)r->outbox.queued,
			"dropped", (json_int_t)r->outbox.dropped, "conversations",
			(json_int_t)r->conversations, "conversations_changed",
			(json_int_t)r->conversations_changed, "offline", r->offline, "requests",
			(json_int_t)r->requests, "bytes_sent", (json_int_t)r->bytes_sent,
			"incomplete", r->incomplete));
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
