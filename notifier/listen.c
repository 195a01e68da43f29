/* The events loop: long-poll, store, advance the cursor, notify; reconnect with backoff. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include "notifyd.h"
#include "proto.h"
#include "text.h"

/* Reconnect backoff: from 1 s doubling up to 60 s, with jitter. */
#define BACKOFF_BASE_MS 1000
#define BACKOFF_MAX_MS 60000
/* Headroom of the HTTP timeout over the long-poll's. */
#define POLL_SLACK_MS 15000
/* Ask for conversation titles at most this often. */
#define CONVS_REFETCH_MS 30000

/* Prints a line on stderr when -v was given. */
static void verbose(struct notifyd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
verbose(struct notifyd *d, const char *fmt, ...)
{
	if (!d->verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("natter-notifyd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Delay before reconnect attempt n (0-based): half fixed, half random. */
static long
backoff_ms(int attempt, long retry_after_s)
{
	if (retry_after_s >= 0)
		return (retry_after_s > 60 ? 60 : retry_after_s) * 1000 + 100;
	long cap = BACKOFF_BASE_MS;
	for (int i = 0; i < attempt && cap < BACKOFF_MAX_MS; i++)
		cap *= 2;
	if (cap > BACKOFF_MAX_MS)
		cap = BACKOFF_MAX_MS;
	uint32_t r;
	random_bytes(&r, sizeof(r));
	return cap / 2 + (long)(r % (uint32_t)(cap / 2 + 1));
}

/*
 * Sleeps ms, or less when a signal raises *wake. The signals are blocked
 * between the check and the wait, and pselect unblocks them atomically, so
 * a SIGTERM arriving just before the wait still ends it at once.
 */
static void
wait_ms(struct notifyd *d, long ms)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (!*d->wake) {
		struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
		pselect(0, NULL, NULL, NULL, &ts, &old);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Titles looked up for one batch; they live until the batch is shown. */
struct titles {
	struct notifyd *d;
	char **owned;
	size_t n;
};

/* Title lookup for coalesce: the cached title of a conversation. */
static const char *
cached_title(void *arg, const char *conv)
{
	struct titles *t = arg;
	struct conversation c;
	struct err e;
	char *title = NULL;
	if (syncstore_get_conversation(&t->d->store, conv, &c, &e) == 1 && c.title) {
		title = c.title;
		c.title = NULL;
		t->owned = xreallocarray(t->owned, t->n + 1, sizeof(*t->owned));
		t->owned[t->n++] = title;
	}
	conversation_free(&c);
	return title;
}

/* Fetches GET /v1/conversations into the title cache (rarely; errors ignored). */
static void
fetch_titles(struct notifyd *d)
{
	int64_t now = mono_ms();
	if (d->convs_fetched_ms && now - d->convs_fetched_ms < CONVS_REFETCH_MS)
		return;
	d->convs_fetched_ms = now;
	struct http_response r;
	struct err e = {0};
	if (http_request(&d->http, "GET", "/v1/conversations", NULL, 10000, &r, &e) < 0 ||
	    r.status != 200) {
		verbose(d, "cannot fetch conversation titles: %s", r.status ? "refused" : e.msg);
		http_response_free(&r);
		return;
	}
	struct conversation *v = NULL;
	size_t n = 0;
	if (proto_parse_conversations(r.body.data, r.body.len, &v, &n, &e) == 0) {
		for (size_t i = 0; i < n; i++)
			if (v[i].state != CONV_INVITED &&
			    syncstore_put_conversation(&d->store, &v[i], &e) < 0)
				verbose(d, "%s", e.msg);
		conversations_free(v, n);
	} else
		verbose(d, "conversation list: %s", e.msg);
	http_response_free(&r);
}

/*
 * The conversation a running natter shows, or NULL: its focus row must be
 * fresh and its process alive, so a killed natter silences nothing.
 */
static int
live_focus(struct notifyd *d, char **focus, struct err *e)
{
	int64_t pid;
	if (syncstore_get_focus(&d->store, SYNCSTORE_FOCUS_STALE_MS, focus, &pid, e) < 0)
		return -1;
	if (*focus && pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
		verbose(d, "the focus of natter (pid %lld) is ignored: it is gone", (long long)pid);
		free(*focus);
		*focus = NULL;
	}
	return 0;
}

/* True when conv is known to have two members: a direct conversation. */
static bool
is_direct(struct notifyd *d, const char *conv)
{
	struct conversation c;
	struct err ignored;
	bool two =
	    syncstore_get_conversation(&d->store, conv, &c, &ignored) == 1 && c.nmembers == 2;
	conversation_free(&c);
	return two;
}

/* How urgent a message is: a mention or a direct message more than the rest. */
static enum urgency
urgency_of(struct notifyd *d, const struct message *m)
{
	if (names_user(m->body, d->user) || is_direct(d, m->conv))
		return d->notifier.mention_urgency;
	return URGENCY_LOW;
}

/*
 * Picks the messages worth announcing, with their urgency: not ours, not
 * muted (unless urgent and notify.mention_unmutes), not focused, not in the
 * ledger, and none during do not disturb.
 */
static int
select_new(struct notifyd *d, const struct message *m, size_t n, struct message **out,
    enum urgency **urg, size_t *nout, struct err *e)
{
	char *focus = NULL;
	*out = NULL;
	*urg = NULL;
	*nout = 0;
	int64_t until;
	int dnd = syncstore_get_dnd(&d->store, &until, e);
	if (dnd < 0)
		return -1;
	if (dnd == 1) {
		verbose(d, "do not disturb: %zu messages not announced", n);
		return 0;
	}
	if (live_focus(d, &focus, e) < 0)
		return -1;
	blocks_refresh(d);
	for (size_t i = 0; i < n; i++) {
		bool muted, done;
		/* Edits, deletes and reactions are no new lines (issue 14); nothing from the blocked. */
		if (strcmp(m[i].sender, d->user) == 0 || !message_is_line(&m[i]) ||
		    blocks_has(d, m[i].sender))
			continue;
		bool focused = focus && strcmp(focus, m[i].conv) == 0;
		if (syncstore_is_muted(&d->store, m[i].conv, &muted, e) < 0 ||
		    syncstore_was_notified(&d->store, m[i].conv, m[i].sender, m[i].seq, &done, e) <
			0) {
			free(focus);
			free(*out);
			free(*urg);
			return -1;
		}
		/* Read on some device already (or shown here): nothing to announce. */
		if (focused || done || reads_covers(d, &m[i]))
			continue;
		enum urgency u = urgency_of(d, &m[i]);
		if (muted && !(d->notifier.mention_unmutes && u != URGENCY_LOW))
			continue;
		*out = xreallocarray(*out, *nout + 1, sizeof(**out));
		*urg = xreallocarray(*urg, *nout + 1, sizeof(**urg));
		(*urg)[*nout] = u;
		(*out)[(*nout)++] = m[i];
	}
	free(focus);
	return 0;
}

/* Looks the titles of m up on the server when one is not cached. */
static void
need_titles(struct notifyd *d, const struct message *pick, size_t npick)
{
	for (size_t i = 0; i < npick; i++) {
		struct conversation c;
		struct err ignored;
		int known = syncstore_get_conversation(&d->store, pick[i].conv, &c, &ignored);
		bool titled = known == 1 && c.title;
		conversation_free(&c);
		if (!titled) {
			fetch_titles(d);
			return;
		}
	}
}

/*
 * After an events gap: the messages of each (conversation, sender) in the
 * batch between what sync.db held before and what arrived, which the server
 * dropped. Adds them to the live notes; a gap it cannot size (a sender never
 * seen before, or nothing countable) is said as "some messages were missed".
 */
static int
count_missed(struct notifyd *d, const struct message *m, size_t n, struct err *e)
{
	size_t total = 0;
	int64_t until;
	int dnd = syncstore_get_dnd(&d->store, &until, e);
	if (dnd != 0)
		return dnd < 0 ? -1 : 0;
	for (size_t i = 0; i < n; i++) {
		bool first = true;
		for (size_t k = 0; k < i && first; k++)
			first = strcmp(m[k].conv, m[i].conv) != 0;
		bool muted = false;
		if (first && syncstore_is_muted(&d->store, m[i].conv, &muted, e) < 0)
			return -1;
		if (!first || muted || strcmp(m[i].sender, d->user) == 0)
			continue;
		struct vector held = {0}, got = {0};
		if (syncstore_vector(&d->store, m[i].conv, &held, e) < 0)
			return -1;
		for (size_t k = i; k < n; k++)
			if (strcmp(m[k].conv, m[i].conv) == 0 && strcmp(m[k].sender, d->user) != 0)
				vector_add(&got, m[k].sender, m[k].seq);
		size_t missed = 0;
		for (size_t r = 0; r < got.n; r++) {
			const struct seqset *had = vector_get(&held, got.rows[r].sender);
			const struct seqset *now = &got.rows[r].set;
			if (!had || had->n == 0)
				continue;
			uint64_t from = had->r[had->n - 1].hi, to = now->r[now->n - 1].hi;
			for (uint64_t q = from + 1; q <= to; q++)
				missed += !seqset_contains(now, q);
		}
		vector_free(&held);
		vector_free(&got);
		if (missed)
			coalesce_missed(&d->co, m[i].conv, missed, mono_ms());
		total += missed;
	}
	if (total == 0)
		coalesce_missed(&d->co, NULL, 0, mono_ms());
	return 0;
}

/* Turns what the live notes gained into notes and shows them. */
static void
show_changes(struct notifyd *d)
{
	struct note_list notes = {0};
	struct titles titles = {d, NULL, 0};
	coalesce_take(&d->co, mono_ms(), cached_title, &titles, &notes);
	for (size_t i = 0; i < titles.n; i++)
		free(titles.owned[i]);
	free(titles.owned);
	for (size_t i = 0; i < notes.n; i++)
		notify_show(&d->notifier, &notes.v[i]);
	if (notes.n)
		verbose(d,
		    "%zu notes; on the desktop so far %lld created, %lld replaced, %lld closed",
		    notes.n, (long long)d->notifier.created, (long long)d->notifier.replaced,
		    (long long)d->notifier.closed);
	note_list_free(&notes);
}

int
listen_batch(
    struct notifyd *d, const struct message *m, size_t n, int64_t cursor, bool gap, struct err *e)
{
	size_t added = 0;
	bool announce = d->notifier.kind != BACKEND_NONE;
	/* Sized against what sync.db held before this batch. */
	if (gap && announce && count_missed(d, m, n, e) < 0)
		return -1;
	/* Messages first, then the cursor: a crash never skips a message. */
	if (syncstore_insert(&d->store, m, n, NULL, &added, e) < 0)
		return -1;
	if (gap) {
		if (syncstore_set_gap(&d->store, e) < 0)
			return -1;
		fprintf(stderr,
		    "natter-notifyd: the server dropped events while we were away; "
		    "natter's next sync fetches what is missing\n");
	}
	if (syncstore_set_cursor(&d->store, d->origin, cursor, e) < 0)
		return -1;
	if (n)
		verbose(d, "%zu messages (%zu new), cursor %lld", n, added, (long long)cursor);

	/* Store only: nothing is announced, so the ledger is left to natter. */
	if (!announce || (n == 0 && !gap))
		return 0;
	/* Edits and deletes of what a note shows: its line changes or goes. */
	notify_drain(&d->notifier, &d->co);
	for (size_t i = 0; i < n; i++) {
		enum coalesce_change ch = coalesce_item(&d->co, &m[i]);
		if (ch == COALESCE_EMPTIED) {
			notify_withdraw(&d->notifier, m[i].conv);
			verbose(d, "%s: the message of its notification was deleted: withdrawn",
			    m[i].conv);
		}
	}
	struct message *pick;
	enum urgency *urg;
	size_t npick;
	/* Titles for the summaries, members to tell direct conversations. */
	need_titles(d, m, n);
	if (select_new(d, m, n, &pick, &urg, &npick, e) < 0)
		return -1;
	/* Ledger before showing: a crash costs a notification, never a repeat. */
	int rc = syncstore_mark_announced(&d->store, pick, npick, e);
	if (rc == 0) {
		notify_drain(&d->notifier, &d->co);
		coalesce_add(&d->co, pick, urg, npick, mono_ms());
		show_changes(d);
	}
	free(pick);
	free(urg);
	return rc;
}

/* Handles one events answer. */
static int
handle_events(struct notifyd *d, const struct events_reply *r, struct err *e)
{
	struct message *m = xcalloc(r->nevents ? r->nevents : 1, sizeof(*m));
	size_t n = 0;
	/* Reads first: what the answer shows read is not announced at all. */
	for (size_t i = 0; i < r->nevents; i++)
		if (r->events[i].type == EVENT_READ)
			reads_apply(d, r->events[i].conv.id, &r->events[i].conv.read);
	for (size_t i = 0; i < r->nevents; i++) {
		const struct event *ev = &r->events[i];
		if (ev->type == EVENT_CONVERSATION) {
			invite_announce(d, &ev->conv);
			/* natter would take an invitation found in sync.db for a conversation. */
			if (ev->conv.state != CONV_INVITED &&
			    syncstore_put_conversation(&d->store, &ev->conv, e) < 0) {
				free(m);
				return -1;
			}
			continue;
		}
		if (ev->type != EVENT_MESSAGE)
			continue; /* read events: taken above */
		m[n++] = ev->msg;
	}
	int rc = listen_batch(d, m, n, (int64_t)r->cursor, r->gap, e);
	free(m);
	return rc;
}

/*
 * One request: GET path. Returns 0 with a parsed reply, 1 for "try again
 * later" (with *retry_after), or -1 with e set on a fatal error.
 */
static int
get_events(struct notifyd *d, const char *path, long timeout_ms, struct events_reply *out,
    long *retry_after, struct err *e)
{
	struct http_response r;
	struct err he = {0};
	*retry_after = -1;
	if (http_request(&d->http, "GET", path, NULL, timeout_ms, &r, &he) < 0) {
		http_response_free(&r);
		if (*d->wake)
			return 1;
		if (he.kind == ERR_OFFLINE || he.kind == ERR_SYSTEM) {
			*e = he;
			return 1;
		}
		*e = he;
		return 1;
	}
	if (r.status == 401) {
		http_response_free(&r);
		return err_set(e, ERR_AUTH,
		    "%s refused the saved login of %s; run 'natter login %s -s %s'", d->url,
		    d->user, d->user, d->url);
	}
	if (r.status != 200) {
		struct api_error ae;
		proto_parse_error(r.body.data, r.body.len, &ae);
		if (r.status >= 300 && r.status <= 399)
			err_set(e, ERR_OFFLINE,
			    "%s answered with a redirect (HTTP %ld), which is not followed: check "
			    "the server URL",
			    d->url, r.status);
		else {
			char *code = text_sanitize(ae.code, strlen(ae.code), 0);
			err_set(e, ERR_OFFLINE, "%s answered HTTP %ld%s%s", d->url, r.status,
			    *code ? " " : "", code);
			free(code);
		}
		*retry_after = r.retry_after;
		http_response_free(&r);
		return 1;
	}
	memset(out, 0, sizeof(*out));
	int rc = proto_parse_events(r.body.data, r.body.len, out, e);
	http_response_free(&r);
	if (rc < 0) {
		events_reply_free(out);
		return 1;
	}
	return 0;
}

/* One desktop notification that the login was refused and the notifier stops. */
static void
say_refused(struct notifyd *d)
{
	struct note n = {.kind = NOTE_PROBLEM, .urgency = URGENCY_CRITICAL};
	char *text = xasprintf(
	    "natter-notifyd has stopped. Log in again: natter login %s -s %s", d->user, d->url);
	n.summary = xasprintf("natter: the server refused %s's login", d->user);
	n.body = text_sanitize(text, strlen(text), 0);
	n.title = xstrdup("natter");
	n.sender = xstrdup("");
	if (d->notifier.kind != BACKEND_NONE)
		notify_show(&d->notifier, &n);
	free(text);
	free(n.summary);
	free(n.body);
	free(n.title);
	free(n.sender);
}

int
listen_run(struct notifyd *d, struct err *e)
{
	int64_t cursor = 0;
	int have = syncstore_get_cursor(&d->store, d->origin, &cursor, e);
	if (have < 0)
		return -1;
	if (have)
		verbose(d, "resuming from cursor %lld", (long long)cursor);
	int failures = 0, empties = 0;
	bool said_down = false;
	/* Resuming, or back after a failure: first learn what was read meanwhile. */
	bool learn = true;
	while (!*d->stop) {
		if (*d->hup) {
			*d->hup = 0;
			*d->wake = *d->stop;
			if (d->reload)
				d->reload(d);
			continue;
		}
		char *path;
		long timeout_ms;
		if (have && learn) {
			reads_learn(d, cursor);
			learn = false;
		}
		struct epoch held;
		if (syncstore_epoch_get(&d->store, &held, e) < 0)
			return -1;
		if (have && held.known) {
			/* With the epoch: after a restore the server answers at once. */
			path = xasprintf("/v1/events?after=%lld&timeout=%d&epoch=%s:%lld",
			    (long long)cursor, d->poll_s, held.server, (long long)held.generation);
			timeout_ms = d->poll_s * 1000L + POLL_SLACK_MS;
		} else if (have) {
			path = xasprintf(
			    "/v1/events?after=%lld&timeout=%d", (long long)cursor, d->poll_s);
			timeout_ms = d->poll_s * 1000L + POLL_SLACK_MS;
		} else {
			/* First start: the current cursor, and nothing old is announced. */
			path = xstrdup("/v1/events");
			timeout_ms = POLL_SLACK_MS;
		}
		struct events_reply r;
		long retry_after;
		struct err fe = {0};
		int64_t t0 = mono_ms();
		bool polled = have;
		int rc = get_events(d, path, timeout_ms, &r, &retry_after, &fe);
		free(path);
		if (rc < 0) {
			if (fe.kind == ERR_AUTH)
				say_refused(d);
			*e = fe;
			return -1;
		}
		if (rc > 0) {
			if (*d->wake)
				continue;
			if (!said_down) {
				fprintf(stderr, "natter-notifyd: %s; retrying\n", fe.msg);
				said_down = true;
			} else
				verbose(d, "%s", fe.msg);
			learn = true;
			wait_ms(d, backoff_ms(failures++, retry_after));
			continue;
		}
		if (said_down)
			fprintf(stderr, "natter-notifyd: connected to %s again\n", d->url);
		said_down = false;
		failures = 0;
		int moved = listen_epoch(d, &r.epoch, r.cursor, &cursor, e);
		if (moved != 0) {
			events_reply_free(&r);
			if (moved < 0)
				return -1;
			if (moved == 2)
				wait_ms(d, backoff_ms(failures++, -1));
			else
				have = 1;
			continue;
		}
		if (!have) {
			if (syncstore_set_cursor(&d->store, d->origin, (int64_t)r.cursor, e) < 0) {
				events_reply_free(&r);
				return -1;
			}
			verbose(d, "first start at cursor %llu", (unsigned long long)r.cursor);
			have = 1;
			learn = false; /* nothing before now is announced: nothing to learn */
		} else if (handle_events(d, &r, e) < 0) {
			events_reply_free(&r);
			return -1;
		}
		/*
		 * A server that answers long-polls at once with nothing would
		 * make this loop spin: space such answers out with the backoff.
		 */
		bool early =
		    polled && r.nevents == 0 && !r.gap && mono_ms() - t0 < d->poll_s * 1000L / 2;
		cursor = (int64_t)r.cursor;
		events_reply_free(&r);
		notify_reap(&d->notifier);
		if (early && ++empties >= 2) {
			verbose(
			    d, "the server answers long-polls at once with nothing; slowing down");
			wait_ms(d, backoff_ms(empties - 2, -1));
		} else if (!early)
			empties = 0;
	}
	return 0;
}
