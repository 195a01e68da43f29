/*
 * The conversation list and the message window: loading the list, switching
 * between conversations, reading the window from history.db and keeping it
 * up to date (timeline.c merges what is new), the unread marker and where
 * the launch's news came from, local notices, scrolling and paging back to
 * older messages, and the read position and focus row the notifier reads.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "natter.h"
#include "text.h"

/* The index of conversation id in the list, or SIZE_MAX. */
size_t
window_conv_index(const char *id)
{
	for (size_t i = 0; id && i < ui.nconvs; i++) {
		if (strcmp(ui.convs[i].id, id) == 0)
			return i;
	}
	return SIZE_MAX;
}

/* The conversation shown, or NULL. */
struct conversation *
window_current(void)
{
	size_t i = window_conv_index(ui.cur);
	return i == SIZE_MAX ? NULL : &ui.convs[i];
}

/* Adds a local notice to the current conversation's window. */
void
window_notice(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	ui.notices = xreallocarray(ui.notices, ui.nnotices + 1, sizeof(*ui.notices));
	struct notice *n = &ui.notices[ui.nnotices++];
	n->ts = now_ms();
	n->conv = ui.cur ? xstrdup(ui.cur) : NULL;
	n->text = text;
	if (ui.anchor.id != 0)
		window_follow(); /* it shows at the bottom, under the newest messages */
	else
		view_append(&ui.view, n->ts, "", text, strlen(text), VIEW_INFO);
	ui.scroll = 0;
	ui.dirty = true;
}

/* Takes the current conversation's notices out of its window. */
void
window_clear_notices(void)
{
	size_t k = 0;
	for (size_t i = 0; i < ui.nnotices; i++) {
		struct notice *n = &ui.notices[i];
		bool here = n->conv == NULL || (ui.cur && strcmp(n->conv, ui.cur) == 0);
		if (here) {
			free(n->conv);
			free(n->text);
		} else {
			ui.notices[k++] = *n;
		}
	}
	ui.nnotices = k;
	window_load();
	ui.scroll = 0;
}

/* The history.db key that holds a closed conversation's message count when closed. */
static char *
closed_key(const char *id)
{
	return xasprintf("closed:%s", id);
}

/* True when conversation c was closed and nothing came in it since. */
static bool
is_closed(const struct conversation *c)
{
	struct err e = {0};
	char *key = closed_key(c->id);
	char *v = history_meta_get(ui.hist, key, &e);
	free(key);
	bool closed = v && *v && strtoull(v, NULL, 10) >= c->messages;
	free(v);
	return closed;
}

/* Unread messages read back to find a mention (the newest ones). */
#define MENTION_SCAN 200

/* Marks @ the conversations not shown whose unread messages name the user. */
void
window_scan_mentions(void)
{
	for (size_t i = 0; i < ui.nconvs; i++) {
		const struct conversation *c = &ui.convs[i];
		if (c->unread == 0 || ui.mentioned[i] || (ui.cur && strcmp(c->id, ui.cur) == 0))
			continue;
		struct message *v = NULL;
		size_t n = 0;
		struct err e = {0};
		size_t want = c->unread < MENTION_SCAN ? (size_t)c->unread : MENTION_SCAN;
		if (history_messages(ui.hist, c->id, 0, want, &v, &n, &e) == 0) {
			for (size_t k = 0; k < n && !ui.mentioned[i]; k++)
				ui.mentioned[i] =
				    strcmp(v[k].sender, ui.me) != 0 && names_user(v[k].body, ui.me);
		}
		messages_free(v, n);
	}
}

/* Hides conversation id from the list until something new arrives in it. */
int
window_close(const char *id, struct err *e)
{
	size_t i = window_conv_index(id);
	if (i == SIZE_MAX)
		return err_set(e, ERR_NOTFOUND, "that conversation is already closed");
	char *title = xstrdup(ui.convs[i].title);
	char *key = closed_key(id);
	char count[24];
	snprintf(count, sizeof(count), "%llu", (unsigned long long)ui.convs[i].messages);
	int rc = history_meta_set(ui.hist, key, count, e);
	free(key);
	if (rc == 0) {
		bool shown = ui.cur && strcmp(ui.cur, id) == 0;
		window_load_convs();
		if (shown) {
			free(ui.cur);
			ui.cur = NULL;
			view_clear(&ui.view);
			window_switch(window_first());
		}
		window_notice("closed %s: it comes back when something new arrives in it, or with "
			      "/go %s",
		    title, title);
	}
	free(title);
	return rc;
}

/* Puts a closed conversation back in the list. */
void
window_reopen(const char *id)
{
	struct err e = {0};
	char *key = closed_key(id);
	char *v = history_meta_get(ui.hist, key, &e);
	if (v && *v) {
		history_meta_set(ui.hist, key, "", &e);
		window_load_convs();
	}
	free(v);
	free(key);
}

/* Reloads the conversation list from history.db, keeping activity marks. */
void
window_load_convs(void)
{
	struct conversation *v = NULL;
	size_t n = 0;
	struct err e = {0};
	if (history_list_convs(ui.hist, ui.me, &v, &n, &e) < 0) {
		snprintf(ui.note, sizeof(ui.note), "%s", e.msg);
		return;
	}
	/* Closed ones stay out until something new arrives in them. */
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_closed(&v[i]))
			conversation_free(&v[i]);
		else
			v[kept++] = v[i];
	}
	n = kept;
	bool *act = xcalloc(n + 1, sizeof(*act));
	bool *men = xcalloc(n + 1, sizeof(*men));
	for (size_t i = 0; i < n; i++) {
		size_t old = window_conv_index(v[i].id);
		if (old != SIZE_MAX) {
			act[i] = ui.activity[old];
			men[i] = ui.mentioned[old];
		}
	}
	conversations_free(ui.convs, ui.nconvs);
	free(ui.activity);
	free(ui.mentioned);
	ui.convs = v;
	ui.nconvs = n;
	ui.activity = act;
	ui.mentioned = men;
	char **titles = xcalloc(n + 1, sizeof(*titles));
	for (size_t i = 0; i < n; i++)
		titles[i] = v[i].title;
	complete_set_titles(&ui.comp, titles, n);
	free(titles);
	ui.dirty = true;
}

/*
 * Marks what the view shows as read (in history.db, then on the server for
 * the other devices) and as shown in sync.db, when the user is there to see it.
 */
void
window_mark_seen(void)
{
	struct err e = {0};
	/*
	 * In a detached session, or with no key for a while (the user left the
	 * terminal open and went away), nothing is seen: it stays unread, may be
	 * announced, and is marked when the user is back.
	 */
	if (ui.cur == NULL || ui.scroll != 0 || ui.anchor.id != 0 || ui.detached ||
	    mono_ms() - ui.input_at > READ_IDLE_MS)
		return;
	struct conversation *c = window_current();
	if (c && c->unread > 0) {
		history_mark_read(ui.hist, ui.cur, &e);
		c->unread = 0;
		if (ui.net.started)
			net_flush(&ui.net); /* before it, the launch sends them */
	}
	if (ui.have_ss) {
		struct vector v = {0};
		if (history_vector(ui.hist, ui.cur, &v, &e) == 0)
			syncstore_mark_shown(&ui.ss, ui.cur, &v, &e);
		vector_free(&v);
	}
}

/* Refreshes the focus row so the notifier stays quiet for what is on screen. */
void
window_heartbeat(bool force)
{
	struct err e = {0};
	int64_t now = mono_ms();
	if (!ui.have_ss || (!force && now - ui.focus_at < SYNCSTORE_FOCUS_HEARTBEAT_MS - 1000))
		return;
	/* Nobody watches a detached session: the notifier should speak. */
	syncstore_set_focus(&ui.ss, ui.detached ? NULL : ui.cur, &e);
	ui.focus_at = now;
}

/* True when conversation id was shown before in this run. */
static bool
was_shown(const char *id)
{
	for (size_t i = 0; i < ui.nshown; i++) {
		if (strcmp(ui.shown[i], id) == 0)
			return true;
	}
	return false;
}

/* True when the conversation shown had been shown before this visit (window_switch). */
static bool shown_before;

/* Puts the unread marker above the first message after what was read. */
static void
place_marker(void)
{
	size_t at = SIZE_MAX;
	for (size_t i = 0; i < ui.view.n && at == SIZE_MAX; i++) {
		if (ui.marker_first && ui.view.msgs[i]->id == ui.marker_first)
			at = i;
		else if (ui.marker_after && ui.view.msgs[i]->id == ui.marker_after)
			at = i + 1;
	}
	/* What arrives once the launch is over came while the user watched: not counted. */
	if (ui.launched && ui.marker_until == 0) {
		for (size_t i = 0; i < ui.view.n; i++) {
			if (ui.view.msgs[i]->id > ui.marker_until)
				ui.marker_until = ui.view.msgs[i]->id;
		}
	}
	/* Directly above the first new message: not above notices or own lines. */
	while (at < ui.view.n &&
	    (ui.view.msgs[at]->flags & (VIEW_OWN | VIEW_INFO) || ui.view.msgs[at]->id == 0))
		at++;
	size_t news = 0;
	for (size_t i = at; i < ui.view.n; i++) {
		const struct view_msg *m = ui.view.msgs[i];
		if (!(m->flags & (VIEW_OWN | VIEW_INFO)) && m->id != 0 &&
		    (ui.marker_until == 0 || m->id <= ui.marker_until))
			news++;
	}
	if (news == 0) {
		view_mark_unread(&ui.view, SIZE_MAX, NULL);
		return;
	}
	char *text;
	if (ui.fresh && !shown_before) {
		/* The first run on this device, a first look: nobody left, it is unread. */
		text = xasprintf("%zu unread", news);
	} else if (ui.marker_launch && ui.split_done && ui.launch_conv &&
	    strcmp(ui.launch_conv, ui.cur) == 0 && ui.from_store + ui.from_server > 0) {
		/*
		 * Where they came from, in the user's words: the desktop notifier
		 * received some while natter was closed, the launch downloaded the
		 * others now; the rest were downloaded before (natter sync, or an
		 * earlier run that did not show them).
		 */
		uint64_t known = ui.from_store + ui.from_server;
		struct buf b = {0};
		buf_printf(&b, "%zu new since you left: ", news);
		const char *sep = "";
		if (ui.from_store) {
			buf_printf(&b, "%llu received while natter was closed",
			    (unsigned long long)ui.from_store);
			sep = ", ";
		}
		if (ui.from_server) {
			buf_printf(
			    &b, "%s%llu downloaded now", sep, (unsigned long long)ui.from_server);
			sep = ", ";
		}
		if (news > known)
			buf_printf(&b, "%s%llu downloaded earlier", sep,
			    (unsigned long long)(news - known));
		text = b.data;
	} else
		text = xasprintf("%zu new since you left", news);
	view_mark_unread(&ui.view, at, text);
	free(text);
}

/* What the window shows besides history rows, for timeline.c. */
static struct timeline
extras(const struct outbox_item *ob, size_t nob, bool anchored)
{
	return (struct timeline){.me = ui.me,
	    .conv = ui.cur,
	    .notices = ui.notices,
	    .nnotices = ui.nnotices,
	    .outbox = ob,
	    .noutbox = nob,
	    .hit = anchored && ui.anchor_hit ? ui.anchor.id : 0,
	    .until = anchored ? ui.anchor.ts : 0,
	    .mention = ui.me};
}

/* Adds the senders of rows (the newest last) to the names Tab completes. */
static void
touch_senders(const struct message *rows, size_t n, int64_t hit)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].sender, ui.me) != 0 && (hit == 0 || rows[i].id != hit))
			complete_touch(&ui.comp, rows[i].sender);
	}
}

/* How rows of the current conversation are shown (edits, deletes, reactions); NULL on error. */
static struct folded *
fold_rows(const struct message *rows, size_t n)
{
	struct folded *f = NULL;
	struct err e = {0};
	if (ui.cur == NULL || n == 0 || history_fold(ui.hist, ui.cur, rows, n, &f, &e) < 0) {
		if (e.msg[0])
			snprintf(ui.note, sizeof(ui.note), "%s", e.msg);
		return NULL;
	}
	return f;
}

/* Reads the window of the current conversation anew, with its pending sends. */
void
window_load(void)
{
	struct err e = {0};
	struct conversation *c = window_current();
	struct message *v = NULL;
	size_t n = 0;
	struct outbox_item *ob = NULL;
	size_t nob = 0;
	complete_clear(&ui.comp);
	ui.held = c ? c->messages : 0;
	for (size_t i = 0; c && i < c->nmembers; i++) {
		if (strcmp(c->members[i], ui.me) != 0)
			complete_touch(&ui.comp, c->members[i]);
	}
	bool anchored = ui.anchor.id != 0 && ui.cur && strcmp(ui.anchor.conv, ui.cur) == 0;
	if (ui.cur &&
	    history_messages(ui.hist, ui.cur, anchored ? ui.anchor.id : 0,
		anchored ? VIEW_WINDOW - 1 : VIEW_WINDOW, &v, &n, &e) < 0)
		snprintf(ui.note, sizeof(ui.note), "%s", e.msg);
	if (anchored) {
		/* The anchor itself closes the window. */
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n].id = ui.anchor.id;
		v[n] = (struct message){.id = v[n].id,
		    .conv = xstrdup(ui.anchor.conv),
		    .sender = xstrdup(ui.anchor.sender),
		    .seq = ui.anchor.seq,
		    .ts = ui.anchor.ts,
		    .body = xstrdup(ui.anchor.body)};
		n++;
	} else if (ui.cur) {
		history_outbox_list(ui.hist, &ob, &nob, &e);
	}
	struct timeline t = extras(ob, nob, anchored);
	struct folded *f = fold_rows(v, n);
	t.folds = f;
	timeline_fill(&ui.view, v, n, &t);
	touch_senders(v, n, t.hit);
	folds_free(f, f ? n : 0);
	messages_free(v, n);
	outbox_items_free(ob, nob);
	if (ui.cur)
		place_marker();
	select_refresh();
	ui.dirty = true;
}

/*
 * Brings the window up to date after news or a send: reads only the newest
 * rows and merges them in, so the messages kept keep their wrapping. Reads
 * it anew when anchored in the past or when more came than the merge reads.
 */
void
window_update(void)
{
	struct conversation *c = window_current();
	if (c == NULL || ui.anchor.id != 0 || c->messages < ui.held ||
	    c->messages - ui.held > VIEW_WINDOW / 2) {
		window_load();
		return;
	}
	size_t fresh = (size_t)(c->messages - ui.held);
	struct err e = {0};
	struct message *v = NULL;
	size_t n = 0;
	struct outbox_item *ob = NULL;
	size_t nob = 0;
	int rc = -1;
	if (history_messages(ui.hist, ui.cur, 0, fresh + TIMELINE_OVERLAP, &v, &n, &e) == 0 &&
	    history_outbox_list(ui.hist, &ob, &nob, &e) == 0) {
		struct timeline t = extras(ob, nob, false);
		struct folded *f = fold_rows(v, n);
		t.folds = f;
		rc = timeline_merge(&ui.view, v, n, fresh, &t);
		folds_free(f, f ? n : 0);
	}
	if (rc >= 0) {
		ui.held = c->messages;
		touch_senders(v, n, 0);
		place_marker();
		select_refresh();
		ui.dirty = true;
	}
	messages_free(v, n);
	outbox_items_free(ob, nob);
	if (rc < 0)
		window_load();
}

/* Shows the window ending at message a (a search hit when hit); takes a. */
void
window_anchor(struct message *a, bool hit)
{
	message_free(&ui.anchor);
	ui.anchor = *a;
	ui.anchor_hit = hit;
	window_load();
}

/* Leaves a search hit or older messages: the window follows the newest again. */
void
window_follow(void)
{
	message_free(&ui.anchor);
	memset(&ui.anchor, 0, sizeof(ui.anchor));
	ui.anchor_hit = false;
	window_load();
	window_mark_seen();
}

/* Shows conversation id, with the unread marker where its unread messages start. */
void
window_switch(const char *id)
{
	if (id == NULL)
		return;
	if (ui.mode != MODE_NONE)
		select_cancel();
	free(ui.cur);
	ui.cur = xstrdup(id);
	ui.scroll = 0;
	message_free(&ui.anchor);
	memset(&ui.anchor, 0, sizeof(ui.anchor));
	ui.anchor_hit = false;
	ui.marker_first = ui.marker_after = ui.marker_until = 0;
	ui.marker_launch = !ui.launched;
	shown_before = was_shown(id);
	if (!shown_before) {
		ui.shown = xreallocarray(ui.shown, ui.nshown + 1, sizeof(*ui.shown));
		ui.shown[ui.nshown++] = xstrdup(id);
	}
	size_t i = window_conv_index(id);
	if (i != SIZE_MAX) {
		ui.activity[i] = false;
		ui.mentioned[i] = false;
		/* The last read message: the one before the unread ones (or the newest). */
		size_t unread = (size_t)ui.convs[i].unread;
		struct message *v = NULL;
		size_t n = 0;
		struct err e = {0};
		if ((unread > 0 || ui.marker_launch) && unread < VIEW_WINDOW &&
		    history_messages(ui.hist, id, 0, unread + 1, &v, &n, &e) == 0 && n > 0) {
			if (n == unread + 1)
				ui.marker_after = v[0].id;
			else
				ui.marker_first = v[0].id;
		}
		messages_free(v, n);
	}
	window_load();
	if (ui.painted) {
		window_mark_seen();
		window_heartbeat(true);
	}
}

/* Picks the conversation to open first: the one with the newest message. */
const char *
window_first(void)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < ui.nconvs; i++) {
		if (best == SIZE_MAX || ui.convs[i].last_ts > ui.convs[best].last_ts)
			best = i;
	}
	return best == SIZE_MAX ? NULL : ui.convs[best].id;
}

/* True when the view already shows the oldest row of its window. */
static bool
at_top(void)
{
	size_t h, w;
	if (ui.view.n == 0 || !screen_window_size(&h, &w))
		return false;
	size_t want = ui.scroll + 1;
	struct view_row *rows = xcalloc(h, sizeof(*rows));
	view_layout(&ui.view, w, h, &want, rows);
	free(rows);
	return want <= ui.scroll;
}

/*
 * Moves the window back in time: the message at the top of the view becomes
 * the last of a window of older ones. Returns false when there is nothing
 * older in history.db.
 */
static bool
page_older(void)
{
	struct view_msg *top = NULL;
	for (size_t i = 0; i < ui.view.n && top == NULL; i++) {
		if (ui.view.msgs[i]->id != 0)
			top = ui.view.msgs[i];
	}
	if (top == NULL || ui.cur == NULL)
		return false;
	struct message *v = NULL;
	size_t n = 0;
	struct err e = {0};
	bool older = history_messages(ui.hist, ui.cur, top->id, 1, &v, &n, &e) == 0 && n > 0;
	messages_free(v, n);
	if (!older)
		return false;
	struct message a = {.id = top->id};
	a = (struct message){.id = a.id,
	    .conv = xstrdup(ui.cur),
	    .sender = xstrdup(top->sender),
	    .seq = top->seq,
	    .ts = top->ts,
	    .body = xstrdup(top->body)};
	window_anchor(&a, false);
	/* Keep the old top row where the eye was: at the bottom of the new window. */
	ui.scroll = 0;
	ui.dirty = true;
	return true;
}

/* Scrolls the view by delta rows (positive: back in time). */
void
window_scroll(long delta)
{
	if (delta < 0 && ui.scroll == 0 && ui.anchor.id != 0) {
		/* Past the bottom of a search hit: back to the newest messages. */
		ui.note[0] = '\0';
		window_follow();
		return;
	}
	if (delta > 0 && at_top()) {
		/* Older history still on its way: this conversation's next window goes first. */
		if (ui.filling && ui.cur != NULL) {
			net_older(&ui.net, ui.cur);
			snprintf(ui.note, sizeof(ui.note), "fetching older messages");
		}
		if (page_older())
			return;
	}
	if (delta < 0 && (size_t)-delta >= ui.scroll)
		ui.scroll = 0;
	else
		ui.scroll += (size_t)delta;
	/* view_layout clamps it to what exists on the next draw. */
	if (ui.scroll == 0)
		window_mark_seen();
	ui.dirty = true;
}

/* Switches to the conversation delta places away in the list. */
void
window_cycle(int delta)
{
	if (ui.nconvs == 0)
		return;
	size_t i = window_conv_index(ui.cur);
	if (i == SIZE_MAX)
		i = 0;
	else
		i = (i + ui.nconvs + (size_t)(delta > 0 ? 1 : ui.nconvs - 1)) % ui.nconvs;
	window_switch(ui.convs[i].id);
}

/* Records the state of the conversation on screen before the launch sync. */
void
window_before_launch(void)
{
	struct err e = {0};
	if (ui.cur == NULL)
		return;
	ui.launch_conv = xstrdup(ui.cur);
	history_vector(ui.hist, ui.cur, &ui.launch_held, &e);
	if (ui.have_ss)
		syncstore_vector(&ui.ss, ui.cur, &ui.launch_store, &e);
}

/*
 * Splits what the first launch added to that conversation: held by the
 * notifier's store before (merged from it) or not (from the server).
 */
void
window_split_launch(void)
{
	struct err e = {0};
	struct vector after = {0}, added = {0}, server = {0};
	ui.split_done = true;
	if (ui.launch_conv == NULL || history_vector(ui.hist, ui.launch_conv, &after, &e) < 0)
		goto out;
	vector_diff(&added, &after, &ui.launch_held);
	vector_diff(&server, &added, &ui.launch_store);
	ui.from_server = vector_count(&server);
	ui.from_store = vector_count(&added) - ui.from_server;
out:
	vector_free(&after);
	vector_free(&added);
	vector_free(&server);
}
