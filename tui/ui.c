/*
 * The chat interface on ncursesw: the conversation list, the message view,
 * the status line and the input line. The first screen is painted from
 * history.db before any network call; net.c fills in the rest while the
 * user types. Everything on screen from the network went through
 * text_sanitize (view.c) and is drawn character by character inside its
 * window, so nothing a message holds can reach the terminal raw.
 */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "color.h"
#include "command.h"
#include "complete.h"
#include "edit.h"
#include "syncstore.h"
#include "text.h"
#include "ui.h"
#include "util.h"
#include "view.h"
#include "width.h"

/* Width of the conversation list, and the screen width below which it hides. */
#define LIST_COLS 20
#define LIST_MIN_SCREEN 50
/* Rows PageUp and PageDown move, as a share of the view; rows per wheel step. */
#define WHEEL_ROWS 3
/* Messages indexed for /search per idle turn of the loop (a few ms). */
#define INDEX_BATCH 500
/* Key codes for bracketed paste (defined with define_key). */
#define KEY_PASTE_START (KEY_MAX + 1)
#define KEY_PASTE_END (KEY_MAX + 2)
/* Colour pairs: 1..NAME_COLORS for names, then the fixed ones. */
#define NAME_COLORS 6
enum { PAIR_INFO = NAME_COLORS + 1, PAIR_MARKER, PAIR_STATUS, PAIR_DAY };

static volatile sig_atomic_t got_winch, got_term;

/* The whole state of the interface. */
static struct {
	struct ctx *ctx;
	struct history *hist;
	struct syncstore ss;
	bool have_ss;
	struct net net;
	const char *me;
	struct conversation *convs;
	size_t nconvs;
	bool *activity; /* per conversation: news since it was last shown */
	char *cur; /* id of the conversation shown, or NULL */
	struct view view;
	size_t scroll;
	int64_t marker_first; /* history id of the first unread message, or 0 */
	int64_t marker_after; /* or: of the last message read before them, or 0 */
	int64_t marker_until; /* the newest message counted as new, 0 until the launch ends */
	bool marker_launch; /* the conversation shown at launch: say where news came from */
	/* Where the launch's news for the conversation first shown came from. */
	char *launch_conv;
	struct vector launch_held, launch_store; /* its vectors before the launch */
	bool split_done;
	uint64_t from_store, from_server;
	struct message anchor; /* the last message of the window (id 0: follow the newest) */
	bool anchor_hit; /* the anchor is a search hit */
	char *last_search; /* to find the next older hit with /search again */
	size_t search_skip;
	struct edit edit;
	struct complete comp;
	WINDOW *list, *main, *status, *input;
	int rows, cols;
	bool dirty;
	bool quit;
	bool pasting;
	struct buf paste;
	enum net_state state;
	bool was_online; /* a later connecting is a reconnecting */
	bool painted; /* the first screen is up: stores may be written */
	struct search search;
	bool index_behind; /* messages wait to enter the search index */
	size_t queued;
	char note[512]; /* a transient line for the status bar */
	struct launch_report report;
	bool launched;
	int64_t focus_at;
	/* Local notices (help, errors): kept apart from history, merged by time. */
	struct notice {
		int64_t ts;
		char *conv;
		char *text;
	} * notices;
	size_t nnotices;
} ui;

/* Signal handlers only set flags; the main loop acts on them. */
static void
on_winch(int sig)
{
	(void)sig;
	got_winch = 1;
}

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

/* The index of conversation id in the list, or SIZE_MAX. */
static size_t
conv_index(const char *id)
{
	for (size_t i = 0; id && i < ui.nconvs; i++) {
		if (strcmp(ui.convs[i].id, id) == 0)
			return i;
	}
	return SIZE_MAX;
}

/* The conversation shown, or NULL. */
static struct conversation *
current(void)
{
	size_t i = conv_index(ui.cur);
	return i == SIZE_MAX ? NULL : &ui.convs[i];
}

/* Adds a local notice to the current conversation's view. */
static void notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
notice(const char *fmt, ...)
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
	view_append(&ui.view, n->ts, "", text, strlen(text), VIEW_INFO);
	ui.scroll = 0;
	ui.dirty = true;
}

/* True when notice n belongs in the view of the current conversation. */
static bool
notice_here(const struct notice *n)
{
	if (n->conv == NULL || ui.cur == NULL)
		return true;
	return strcmp(n->conv, ui.cur) == 0;
}

/* Reloads the conversation list from history.db, keeping activity marks. */
static void
load_convs(void)
{
	struct conversation *v = NULL;
	size_t n = 0;
	struct err e = {0};
	if (history_list_convs(ui.hist, ui.me, &v, &n, &e) < 0) {
		snprintf(ui.note, sizeof(ui.note), "%s", e.msg);
		return;
	}
	bool *act = xcalloc(n + 1, sizeof(*act));
	for (size_t i = 0; i < n; i++) {
		size_t old = conv_index(v[i].id);
		if (old != SIZE_MAX)
			act[i] = ui.activity[old];
	}
	conversations_free(ui.convs, ui.nconvs);
	free(ui.activity);
	ui.convs = v;
	ui.nconvs = n;
	ui.activity = act;
	ui.dirty = true;
}

/* Marks what the view shows as read in history.db and as shown in sync.db. */
static void
mark_seen(void)
{
	struct err e = {0};
	if (ui.cur == NULL || ui.scroll != 0 || ui.anchor.id != 0)
		return;
	struct conversation *c = current();
	if (c && c->unread > 0) {
		history_mark_read(ui.hist, ui.cur, &e);
		c->unread = 0;
	}
	if (ui.have_ss) {
		struct vector v = {0};
		if (history_vector(ui.hist, ui.cur, &v, &e) == 0)
			syncstore_mark_shown(&ui.ss, ui.cur, &v, &e);
		vector_free(&v);
	}
}

/* Refreshes the focus row so the notifier stays quiet for what is on screen. */
static void
heartbeat(bool force)
{
	struct err e = {0};
	int64_t now = mono_ms();
	if (!ui.have_ss || (!force && now - ui.focus_at < SYNCSTORE_FOCUS_HEARTBEAT_MS - 1000))
		return;
	syncstore_set_focus(&ui.ss, ui.cur, &e);
	ui.focus_at = now;
}

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
	if (ui.marker_launch && ui.split_done && ui.launch_conv &&
	    strcmp(ui.launch_conv, ui.cur) == 0 && ui.from_store + ui.from_server > 0) {
		/* Live messages and ones a `natter sync` already fetched make up the rest. */
		uint64_t known = ui.from_store + ui.from_server;
		char more[48] = "";
		if (news > known)
			snprintf(
			    more, sizeof(more), ", %llu more", (unsigned long long)(news - known));
		text = xasprintf("%zu new since you left: %llu from the notifier, %llu from the "
				 "server%s",
		    news, (unsigned long long)ui.from_store, (unsigned long long)ui.from_server,
		    more);
	} else
		text = xasprintf("%zu new since you left", news);
	view_mark_unread(&ui.view, at, text);
	free(text);
}

/* Reloads the window of messages of the current conversation (and its pending sends). */
static void
load_view(void)
{
	struct err e = {0};
	view_clear(&ui.view);
	complete_clear(&ui.comp);
	if (ui.cur == NULL) {
		for (size_t i = 0; i < ui.nnotices; i++) {
			struct notice *n = &ui.notices[i];
			view_append(&ui.view, n->ts, "", n->text, strlen(n->text), VIEW_INFO);
		}
		ui.dirty = true;
		return;
	}
	struct conversation *c = current();
	for (size_t i = 0; c && i < c->nmembers; i++) {
		if (strcmp(c->members[i], ui.me) != 0)
			complete_touch(&ui.comp, c->members[i]);
	}
	struct message *v = NULL;
	size_t n = 0;
	bool anchored = ui.anchor.id != 0 && strcmp(ui.anchor.conv, ui.cur) == 0;
	if (history_messages(ui.hist, ui.cur, anchored ? ui.anchor.id : 0,
		anchored ? VIEW_WINDOW - 1 : VIEW_WINDOW, &v, &n, &e) < 0)
		snprintf(ui.note, sizeof(ui.note), "%s", e.msg);
	if (anchored) {
		/* The hit itself closes the window. */
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n].id = ui.anchor.id;
		v[n] = (struct message){.id = v[n].id,
		    .conv = xstrdup(ui.anchor.conv),
		    .sender = xstrdup(ui.anchor.sender),
		    .seq = ui.anchor.seq,
		    .ts = ui.anchor.ts,
		    .body = xstrdup(ui.anchor.body)};
		n++;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		while (k < ui.nnotices && ui.notices[k].ts <= v[i].ts) {
			if (notice_here(&ui.notices[k]))
				view_append(&ui.view, ui.notices[k].ts, "", ui.notices[k].text,
				    strlen(ui.notices[k].text), VIEW_INFO);
			k++;
		}
		int flags = strcmp(v[i].sender, ui.me) == 0 ? VIEW_OWN : 0;
		if (anchored && ui.anchor_hit && v[i].id == ui.anchor.id)
			flags |= VIEW_HIT;
		struct view_msg *m = view_append(
		    &ui.view, v[i].ts, v[i].sender, v[i].body, strlen(v[i].body), flags);
		m->id = v[i].id;
		if (!flags)
			complete_touch(&ui.comp, v[i].sender);
	}
	messages_free(v, n);
	struct outbox_item *ob = NULL;
	size_t nob = 0;
	if (!anchored && history_outbox_list(ui.hist, &ob, &nob, &e) == 0) {
		for (size_t i = 0; i < nob; i++) {
			if (strcmp(ob[i].conv, ui.cur) != 0)
				continue;
			struct view_msg *m = view_append(&ui.view, ob[i].created, ui.me, ob[i].body,
			    strlen(ob[i].body), VIEW_OWN | VIEW_PENDING);
			m->cid = xstrdup(ob[i].client_id);
		}
		outbox_items_free(ob, nob);
	}
	for (; k < ui.nnotices; k++) {
		if (notice_here(&ui.notices[k]))
			view_append(&ui.view, ui.notices[k].ts, "", ui.notices[k].text,
			    strlen(ui.notices[k].text), VIEW_INFO);
	}
	place_marker();
	ui.dirty = true;
}

/* Shows conversation id, with the unread marker where its unread messages start. */
static void
switch_to(const char *id)
{
	if (id == NULL)
		return;
	free(ui.cur);
	ui.cur = xstrdup(id);
	ui.scroll = 0;
	message_free(&ui.anchor);
	memset(&ui.anchor, 0, sizeof(ui.anchor));
	ui.marker_first = ui.marker_after = ui.marker_until = 0;
	ui.marker_launch = !ui.launched;
	size_t i = conv_index(id);
	if (i != SIZE_MAX) {
		ui.activity[i] = false;
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
	load_view();
	if (ui.painted) {
		mark_seen();
		heartbeat(true);
	}
}

/* Picks the conversation to open first: the one with the newest message. */
static const char *
first_conv(void)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < ui.nconvs; i++) {
		if (best == SIZE_MAX || ui.convs[i].last_ts > ui.convs[best].last_ts)
			best = i;
	}
	return best == SIZE_MAX ? NULL : ui.convs[best].id;
}

/* Draws UTF-8 s[0..len) at the cursor, clipped at column maxx of w. */
static void
draw_text(WINDOW *w, const char *s, size_t len, int maxx)
{
	/* Count columns here: at the last column curses no longer moves the cursor. */
	int x = getcurx(w);
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
		int cw = cp_width(cp);
		if (x + cw > maxx || (cw == 0 && x >= maxx))
			break;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			cp = 0xfffd; /* never a control, whatever the caller passed */
		wchar_t wc = (wchar_t)cp;
		waddnwstr(w, &wc, 1);
		x += cw;
	}
}

/* Draws the conversation list. */
static void
draw_list(void)
{
	if (ui.list == NULL)
		return;
	int h = getmaxy(ui.list), w = getmaxx(ui.list);
	werase(ui.list);
	/* Scrolled so that the conversation shown is in the list. */
	size_t first = 0, at = conv_index(ui.cur);
	if (h > 0 && at != SIZE_MAX && at >= (size_t)h)
		first = at - (size_t)h + 1;
	for (size_t i = first; i < ui.nconvs && (int)(i - first) < h; i++) {
		const struct conversation *c = &ui.convs[i];
		bool cur = ui.cur && strcmp(c->id, ui.cur) == 0;
		wmove(ui.list, (int)(i - first), 0);
		if (cur)
			wattron(ui.list, A_REVERSE);
		else if (c->unread > 0)
			wattron(ui.list, A_BOLD);
		char lead[32];
		snprintf(lead, sizeof(lead), "%c%zu ", ui.activity[i] ? '+' : ' ', i + 1);
		draw_text(ui.list, lead, strlen(lead), w - 1);
		char count[32] = "";
		if (c->unread > 0 && !cur)
			snprintf(count, sizeof(count), " %llu%s", (unsigned long long)c->unread,
			    c->unread >= HISTORY_UNREAD_CAP ? "+" : "");
		int room = w - 1 - getcurx(ui.list) - (int)strlen(count);
		char *title = text_sanitize(c->title, strlen(c->title), 0);
		int x0 = getcurx(ui.list);
		draw_text(ui.list, title, strlen(title), x0 + (room > 0 ? room : 0));
		free(title);
		draw_text(ui.list, count, strlen(count), w - 1);
		while (cur && getcurx(ui.list) < w - 1)
			waddch(ui.list, ' ');
		wattroff(ui.list, A_REVERSE | A_BOLD);
	}
	for (int y = 0; y < h; y++) {
		wmove(ui.list, y, w - 1);
		draw_text(ui.list, "│", strlen("│"), w);
	}
	wnoutrefresh(ui.list);
}

/* Draws a centred separator line with text in the middle. */
static void
draw_rule(WINDOW *w, int y, const char *text, attr_t attr, short pair)
{
	int width = getmaxx(w);
	size_t tw = utf8_width(text, strlen(text)) + 2;
	int side = width > (int)tw ? (width - (int)tw) / 2 : 0;
	wmove(w, y, 0);
	wattr_on(w, attr, NULL);
	wcolor_set(w, pair, NULL);
	for (int x = 0; x < side; x++)
		draw_text(w, "─", strlen("─"), width - 1);
	draw_text(w, " ", 1, width - 1);
	draw_text(w, text, strlen(text), width - 1);
	draw_text(w, " ", 1, width - 1);
	/* Never into the last column: the cursor would wrap onto the next row. */
	while (getcury(w) == y && getcurx(w) < width - 1)
		draw_text(w, "─", strlen("─"), width - 1);
	wattr_off(w, attr, NULL);
	wcolor_set(w, 0, NULL);
}

/* Draws the message view. */
static void
draw_main(void)
{
	int h = getmaxy(ui.main), w = getmaxx(ui.main);
	werase(ui.main);
	if (h <= 0 || w <= 0)
		return;
	struct view_row *rows = xcalloc((size_t)h, sizeof(*rows));
	size_t n = view_layout(&ui.view, (size_t)w, (size_t)h, &ui.scroll, rows);
	if (ui.view.n == 0 && h > 0) {
		const char *hint = ui.nconvs == 0
		    ? "No conversations yet: /new TITLE MEMBER... starts one; /help lists the keys."
		    : "No messages here yet: type one and press Enter.";
		wmove(ui.main, 0, 0);
		wattron(ui.main, A_DIM);
		draw_text(ui.main, hint, strlen(hint), w);
		wattroff(ui.main, A_DIM);
	}
	/* Short histories sit at the bottom, next to the input line. */
	int top = h - (int)n;
	for (size_t i = 0; i < n; i++) {
		const struct view_row *r = &rows[i];
		int y = top + (int)i;
		wmove(ui.main, y, 0);
		if (r->kind == VIEW_ROW_DAY) {
			draw_rule(ui.main, y, r->text, A_DIM, PAIR_DAY);
			continue;
		}
		if (r->kind == VIEW_ROW_UNREAD) {
			draw_rule(ui.main, y, ui.view.marker ? ui.view.marker : "new", A_BOLD,
			    PAIR_MARKER);
			continue;
		}
		const struct view_msg *m = r->msg;
		attr_t base = (m->flags & VIEW_PENDING) ? A_DIM : A_NORMAL;
		if (m->flags & VIEW_HIT)
			base |= A_STANDOUT;
		if (r->first) {
			char hm[6];
			view_time(m->ts, hm);
			wattr_on(ui.main, A_DIM, NULL);
			draw_text(ui.main, hm, strlen(hm), w);
			draw_text(ui.main, " ", 1, w);
			wattr_off(ui.main, A_DIM, NULL);
			if (m->flags & VIEW_INFO) {
				wcolor_set(ui.main, PAIR_INFO, NULL);
				draw_text(ui.main, "-!- ", 4, w);
				wcolor_set(ui.main, 0, NULL);
			} else {
				short pair = (short)(1 + color_of_name(m->sender, NAME_COLORS));
				wattr_on(
				    ui.main, base | ((m->flags & VIEW_OWN) ? A_BOLD : 0), NULL);
				wcolor_set(ui.main, pair, NULL);
				draw_text(ui.main, "<", 1, w);
				draw_text(ui.main, m->sender, strlen(m->sender), w);
				draw_text(ui.main, ">", 1, w);
				wcolor_set(ui.main, 0, NULL);
				wattr_off(ui.main, A_BOLD, NULL);
				draw_text(ui.main, " ", 1, w);
			}
		}
		if ((int)r->indent < w)
			wmove(ui.main, y, (int)r->indent);
		else
			continue;
		wattr_on(ui.main, base, NULL);
		if (m->flags & VIEW_INFO)
			wcolor_set(ui.main, PAIR_INFO, NULL);
		draw_text(ui.main, m->body + r->off, r->len, w);
		wcolor_set(ui.main, 0, NULL);
		wattr_off(ui.main, base, NULL);
	}
	free(rows);
	wnoutrefresh(ui.main);
}

/* Words for the connection state. */
static const char *
state_words(void)
{
	switch (ui.state) {
	case NET_CONNECTING:
		return ui.was_online ? "reconnecting" : "connecting";
	case NET_ONLINE:
		return "online";
	case NET_OFFLINE:
		return "offline (retrying)";
	case NET_REFUSED:
		return "login refused";
	}
	return "";
}

/* Draws the status line. */
static void
draw_status(void)
{
	if (ui.status == NULL)
		return;
	int w = getmaxx(ui.status);
	werase(ui.status);
	wbkgd(ui.status, A_REVERSE);
	struct conversation *c = current();
	struct buf b = {0};
	buf_printf(&b, " %s@%s | %s", ui.me, ui.ctx->server, state_words());
	if (ui.queued > 0)
		buf_printf(&b, " | %zu queued", ui.queued);
	if (c)
		buf_printf(&b, " | %s", c->title);
	if (ui.scroll > 0)
		buf_printf(&b, " | scrolled up %zu", ui.scroll);
	if (ui.note[0])
		buf_printf(&b, " | %s", ui.note);
	char *clean = text_sanitize(b.data, b.len, 0);
	wmove(ui.status, 0, 0);
	draw_text(ui.status, clean, strlen(clean), w);
	free(clean);
	buf_free(&b);
	wnoutrefresh(ui.status);
}

/* Draws the input line and places the cursor. */
static void
draw_input(void)
{
	int w = getmaxx(ui.input);
	werase(ui.input);
	const char *prompt = w > 10 ? "> " : "";
	int pw = (int)strlen(prompt);
	wmove(ui.input, 0, 0);
	draw_text(ui.input, prompt, strlen(prompt), w);
	size_t col = 0;
	size_t field = w > pw + 1 ? (size_t)(w - pw) : 1;
	size_t start = edit_scroll(&ui.edit, field, &col);
	int x = pw;
	for (size_t i = start; i < ui.edit.len; i++) {
		wchar_t c = ui.edit.buf[i];
		if (c == L'\n')
			c = 0x21b5; /* ↵: a line break of a pasted text */
		int cw = cp_width((uint32_t)c);
		if (x + cw > w)
			break;
		waddnwstr(ui.input, &c, 1);
		x += cw;
	}
	x = pw + (int)col;
	wmove(ui.input, 0, x < w ? x : w - 1);
	wnoutrefresh(ui.input);
}

/* Draws everything that changed. */
static void
draw(void)
{
	if (ui.rows <= 0 || ui.cols <= 0)
		return;
	draw_list();
	if (ui.main)
		draw_main();
	draw_status();
	draw_input();
	doupdate();
	ui.dirty = false;
}

/* Deletes the windows. */
static void
free_windows(void)
{
	WINDOW **ws[] = {&ui.list, &ui.main, &ui.status, &ui.input};
	for (size_t i = 0; i < nitems(ws); i++) {
		if (*ws[i])
			delwin(*ws[i]);
		*ws[i] = NULL;
	}
}

/* Lays out the windows for the terminal's size; any size, even 1x1, works. */
static void
layout(void)
{
	free_windows();
	getmaxyx(stdscr, ui.rows, ui.cols);
	if (ui.rows < 1 || ui.cols < 1)
		return;
	int listw = ui.cols >= LIST_MIN_SCREEN ? LIST_COLS : 0;
	int mainh = ui.rows - 2;
	ui.input = newwin(1, ui.cols, ui.rows - 1, 0);
	if (ui.rows >= 2)
		ui.status = newwin(1, ui.cols, ui.rows - 2, 0);
	if (mainh > 0) {
		if (listw > 0)
			ui.list = newwin(mainh, listw, 0, 0);
		ui.main = newwin(mainh, ui.cols - listw, 0, listw);
	}
	keypad(ui.input, TRUE);
	nodelay(ui.input, TRUE);
	ui.dirty = true;
}

/* Takes the terminal's new size after SIGWINCH and reflows everything. */
static void
resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clear();
	wnoutrefresh(stdscr);
	layout();
}

/* Shows /help: the commands and the keys. */
static void
show_help(const char *which)
{
	if (which) {
		const struct command_info *ci = command_lookup(which, strlen(which));
		if (ci == NULL) {
			notice("no command /%s: /help lists them", which);
			return;
		}
		notice("%s: %s", ci->usage, ci->help);
		return;
	}
	struct buf b = {0};
	buf_puts(&b, "Commands:");
	for (size_t i = 0; i < command_count; i++)
		buf_printf(&b, "\n  %-22s %s", command_table[i].usage, command_table[i].help);
	buf_puts(&b,
	    "\nKeys: Enter sends; Tab completes names and commands; Up/Down recall "
	    "what you typed; PageUp/PageDown or the mouse wheel scroll; C-n/C-p or M-1..M-9 "
	    "switch conversations; C-a C-e C-b C-f M-b M-f move; C-w C-u C-k cut, C-y "
	    "pastes back; C-l redraws; C-c or /quit leaves.");
	notice("%s", b.data);
	buf_free(&b);
}

/* Sends text to the current conversation through the outbox. */
static void
say(const char *text)
{
	struct err e = {0};
	if (ui.cur == NULL) {
		notice("no conversation open: /new TITLE MEMBER... starts one, /go NAME opens one");
		return;
	}
	if (!text_acceptable(text, strlen(text))) {
		notice("that message holds characters that cannot be sent");
		return;
	}
	struct outbox_item it = {0};
	if (history_outbox_add(ui.hist, ui.cur, text, &it, &e) < 0) {
		notice("not sent: %s", e.msg);
		return;
	}
	outbox_item_free(&it);
	ui.queued++;
	net_flush(&ui.net);
	load_view();
	ui.scroll = 0;
}

/* Switches by name: an id, a title, or a list number. */
static void
go(const char *name)
{
	char *end;
	unsigned long k = strtoul(name, &end, 10);
	if (*end == '\0' && k >= 1 && k <= ui.nconvs) {
		switch_to(ui.convs[k - 1].id);
		return;
	}
	struct err e = {0};
	char *id = NULL;
	if (history_resolve_conv(ui.hist, name, &id, &e) == 0) {
		switch_to(id);
		free(id);
		return;
	}
	/* Then a unique title prefix, ignoring case. */
	size_t found = SIZE_MAX, n = 0;
	for (size_t i = 0; i < ui.nconvs; i++) {
		if (strncasecmp(ui.convs[i].title, name, strlen(name)) == 0) {
			found = i;
			n++;
		}
	}
	if (n == 1)
		switch_to(ui.convs[found].id);
	else
		notice("%s", n > 1 ? "several conversations match: be more precise" : e.msg);
}

/* Mutes or unmutes notifications of a conversation through sync.db. */
static void
mute(const char *name, bool on)
{
	struct err e = {0};
	char *id = NULL;
	if (name && history_resolve_conv(ui.hist, name, &id, &e) < 0) {
		notice("%s", e.msg);
		return;
	}
	const char *conv = id ? id : ui.cur;
	if (conv == NULL || !ui.have_ss) {
		notice("%s", conv ? "the sync store is not available" : "no conversation open");
	} else if (syncstore_set_muted(&ui.ss, conv, on, &e) < 0) {
		notice("%s", e.msg);
	} else {
		size_t i = conv_index(conv);
		notice("%s %s: %s", on ? "muted" : "unmuted",
		    i != SIZE_MAX ? ui.convs[i].title : conv,
		    on ? "no desktop notifications" : "desktop notifications again");
	}
	free(id);
}

/* Jumps to the newest message containing text, or to the next older one when repeated. */
static void
search(const char *text)
{
	struct err e = {0};
	if (ui.last_search && strcmp(ui.last_search, text) == 0) {
		ui.search_skip++;
	} else {
		free(ui.last_search);
		ui.last_search = xstrdup(text);
		ui.search_skip = 0;
	}
	struct message hit;
	size_t total;
	int rc = search_messages(&ui.search, ui.hist, text, ui.search_skip, &hit, &total, &e);
	if (rc < 0) {
		notice("%s", e.msg);
		return;
	}
	if (rc == 0) {
		notice(ui.search_skip ? "no older message contains \"%s\""
				      : "no message contains \"%s\"",
		    text);
		ui.search_skip = 0;
		return;
	}
	switch_to(hit.conv);
	ui.anchor = hit;
	ui.anchor_hit = true;
	load_view();
	snprintf(ui.note, sizeof(ui.note),
	    "match %zu of %zu: /search again for an older one, PageDown to return",
	    ui.search_skip + 1, total);
}

/* Acts on a line the user entered. */
static void
enter(void)
{
	char *line = edit_take(&ui.edit);
	struct command c;
	command_parse(line, &c);
	free(line);
	switch (c.kind) {
	case CMD_EMPTY:
		break;
	case CMD_SAY:
		say(c.text);
		break;
	case CMD_ERROR:
		notice("%s", c.text);
		break;
	case CMD_NEW:
		net_new_conversation(&ui.net, c.argv[0], c.argv + 1, c.argc - 1);
		snprintf(ui.note, sizeof(ui.note), "creating %s...", c.argv[0]);
		break;
	case CMD_GO:
		go(c.text);
		break;
	case CMD_SEARCH:
		search(c.text);
		break;
	case CMD_MUTE:
	case CMD_UNMUTE:
		mute(c.text, c.kind == CMD_MUTE);
		break;
	case CMD_HELP:
		show_help(c.text);
		break;
	case CMD_QUIT:
		ui.quit = true;
		break;
	}
	command_free(&c);
	ui.dirty = true;
}

/* True when the view already shows the oldest row of its window. */
static bool
at_top(void)
{
	if (ui.main == NULL || ui.view.n == 0)
		return false;
	int h = getmaxy(ui.main), w = getmaxx(ui.main);
	if (h <= 0 || w <= 0)
		return false;
	size_t want = ui.scroll + 1;
	struct view_row *rows = xcalloc((size_t)h, sizeof(*rows));
	view_layout(&ui.view, (size_t)w, (size_t)h, &want, rows);
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
	    .ts = top->ts,
	    .body = xstrdup(top->body)};
	message_free(&ui.anchor);
	ui.anchor = a;
	ui.anchor_hit = false;
	load_view();
	/* Keep the old top row where the eye was: at the bottom of the new window. */
	ui.scroll = 0;
	snprintf(ui.note, sizeof(ui.note), "older messages: PageDown at the bottom returns");
	ui.dirty = true;
	return true;
}

/* Scrolls the view by delta rows (positive: back in time). */
static void
scroll_by(long delta)
{
	if (delta < 0 && ui.scroll == 0 && ui.anchor.id != 0) {
		/* Past the bottom of a search hit: back to the newest messages. */
		message_free(&ui.anchor);
		memset(&ui.anchor, 0, sizeof(ui.anchor));
		ui.note[0] = '\0';
		load_view();
		mark_seen();
		return;
	}
	if (delta > 0 && at_top() && page_older())
		return;
	if (delta < 0 && (size_t)-delta >= ui.scroll)
		ui.scroll = 0;
	else
		ui.scroll += (size_t)delta;
	/* view_layout clamps it to what exists on the next draw. */
	if (ui.scroll == 0)
		mark_seen();
	ui.dirty = true;
}

/* Switches to the conversation delta places away in the list. */
static void
cycle(int delta)
{
	if (ui.nconvs == 0)
		return;
	size_t i = conv_index(ui.cur);
	if (i == SIZE_MAX)
		i = 0;
	else
		i = (i + ui.nconvs + (size_t)(delta > 0 ? 1 : ui.nconvs - 1)) % ui.nconvs;
	switch_to(ui.convs[i].id);
}

/* Handles an Alt/Meta key (ESC then c). */
static void
meta_key(wint_t c)
{
	if (c >= '1' && c <= '9') {
		size_t i = (size_t)(c - '1');
		if (i < ui.nconvs)
			switch_to(ui.convs[i].id);
		return;
	}
	switch (c) {
	case 'b':
		edit_fn(&ui.edit, EDIT_WORD_LEFT);
		break;
	case 'f':
		edit_fn(&ui.edit, EDIT_WORD_RIGHT);
		break;
	case 'd':
		edit_fn(&ui.edit, EDIT_KILL_WORD_FWD);
		break;
	case 127:
	case KEY_BACKSPACE:
		edit_fn(&ui.edit, EDIT_KILL_WORD_BACK);
		break;
	}
}

/* Handles one function key from wget_wch. */
static void
function_key(wint_t k)
{
	int page = ui.main ? getmaxy(ui.main) - 1 : 1;
	if (page < 1)
		page = 1;
	switch (k) {
	case KEY_RESIZE:
		/* resizeterm's echo of our own SIGWINCH handling: already done. */
		break;
	case KEY_PASTE_START:
		ui.pasting = true;
		ui.paste.len = 0;
		break;
	case KEY_PASTE_END:
		ui.pasting = false;
		edit_paste(&ui.edit, ui.paste.data ? ui.paste.data : "", ui.paste.len);
		ui.paste.len = 0;
		break;
	case KEY_LEFT:
		edit_fn(&ui.edit, EDIT_LEFT);
		break;
	case KEY_RIGHT:
		edit_fn(&ui.edit, EDIT_RIGHT);
		break;
	case KEY_HOME:
		edit_fn(&ui.edit, EDIT_HOME);
		break;
	case KEY_END:
		edit_fn(&ui.edit, EDIT_END);
		break;
	case KEY_BACKSPACE:
		edit_fn(&ui.edit, EDIT_BACKSPACE);
		break;
	case KEY_DC:
		edit_fn(&ui.edit, EDIT_DELETE);
		break;
	case KEY_UP:
		edit_fn(&ui.edit, EDIT_HISTORY_PREV);
		break;
	case KEY_DOWN:
		edit_fn(&ui.edit, EDIT_HISTORY_NEXT);
		break;
	case KEY_PPAGE:
		scroll_by(page);
		break;
	case KEY_NPAGE:
		scroll_by(-page);
		break;
	case KEY_ENTER:
		enter();
		break;
	case KEY_BTAB:
		complete_tab(&ui.comp, &ui.edit, -1);
		break;
	case KEY_MOUSE: {
		MEVENT me;
		if (getmouse(&me) == OK) {
			if (me.bstate & BUTTON4_PRESSED)
				scroll_by(WHEEL_ROWS);
#ifdef BUTTON5_PRESSED
			else if (me.bstate & BUTTON5_PRESSED)
				scroll_by(-WHEEL_ROWS);
#endif
		}
		break;
	}
	}
}

/* Handles one typed character. */
static void
char_key(wint_t c, bool meta)
{
	if (ui.pasting) {
		char u[4];
		buf_append(&ui.paste, u, utf8_encode((uint32_t)c, u));
		return;
	}
	if (meta) {
		meta_key(c);
		return;
	}
	switch (c) {
	case 1: /* C-a */
		edit_fn(&ui.edit, EDIT_HOME);
		break;
	case 2: /* C-b */
		edit_fn(&ui.edit, EDIT_LEFT);
		break;
	case 3: /* C-c */
		ui.quit = true;
		break;
	case 4: /* C-d */
		edit_fn(&ui.edit, EDIT_DELETE);
		break;
	case 5: /* C-e */
		edit_fn(&ui.edit, EDIT_END);
		break;
	case 6: /* C-f */
		edit_fn(&ui.edit, EDIT_RIGHT);
		break;
	case 8: /* C-h */
	case 127: /* Backspace on most terminals */
		edit_fn(&ui.edit, EDIT_BACKSPACE);
		break;
	case '\t':
		complete_tab(&ui.comp, &ui.edit, 1);
		return;
	case '\n':
	case '\r':
		enter();
		break;
	case 11: /* C-k */
		edit_fn(&ui.edit, EDIT_KILL_TAIL);
		break;
	case 12: /* C-l */
		clearok(curscr, TRUE);
		break;
	case 14: /* C-n */
		cycle(1);
		break;
	case 16: /* C-p */
		cycle(-1);
		break;
	case 21: /* C-u */
		edit_fn(&ui.edit, EDIT_KILL_HEAD);
		break;
	case 23: /* C-w */
		edit_fn(&ui.edit, EDIT_KILL_WORD_BACK);
		break;
	case 25: /* C-y */
		edit_fn(&ui.edit, EDIT_YANK);
		break;
	default:
		if (edit_insert(&ui.edit, (wchar_t)c) < 0 && ui.edit.bytes + 4 > ui.edit.max)
			snprintf(ui.note, sizeof(ui.note), "a message holds at most %zu bytes",
			    ui.edit.max);
		break;
	}
	complete_reset(&ui.comp);
}

/* Reads every key waiting on the terminal. */
static void
read_keys(void)
{
	/* Alt sends ESC and the key together; a lone ESC then a key later is no Alt. */
	bool esc = false;
	wint_t c;
	int rc;
	if (ui.input == NULL)
		return;
	while ((rc = wget_wch(ui.input, &c)) != ERR) {
		ui.dirty = true;
		if (rc == KEY_CODE_YES) {
			if (c != KEY_BTAB)
				complete_reset(&ui.comp);
			if (esc && (c == KEY_BACKSPACE)) {
				meta_key(c);
			} else if (!ui.pasting || c == KEY_PASTE_END) {
				function_key(c);
			} else if (c == KEY_ENTER) {
				buf_append(&ui.paste, "\n", 1);
			}
			esc = false;
			if (ui.input == NULL)
				return; /* a resize with no room left */
			continue;
		}
		if (c == 27 && !ui.pasting) {
			esc = true;
			continue;
		}
		char_key(c, esc);
		esc = false;
	}
}

/* Records the state of the conversation on screen before the launch sync. */
static void
before_launch(void)
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
static void
split_launch(void)
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

/* Applies what the network threads report. */
static void
apply_news(void)
{
	struct net_news nw;
	net_take(&ui.net, &nw);
	if (nw.state != ui.state || nw.status[0])
		snprintf(ui.note, sizeof(ui.note), "%s", nw.status);
	ui.state = nw.state;
	ui.queued = nw.queued;
	if (nw.state == NET_ONLINE)
		ui.was_online = true;
	if (nw.launched) {
		ui.launched = true;
		ui.report = nw.report;
		if (!ui.split_done)
			split_launch();
	}
	bool reload = nw.all;
	for (size_t i = 0; i < nw.nconvs; i++) {
		if (ui.cur && strcmp(nw.convs[i], ui.cur) == 0)
			reload = true;
	}
	if (reload || nw.nconvs > 0)
		load_convs();
	for (size_t i = 0; i < nw.nconvs; i++) {
		size_t k = conv_index(nw.convs[i]);
		if (k != SIZE_MAX && (!ui.cur || strcmp(nw.convs[i], ui.cur) != 0))
			ui.activity[k] = true;
	}
	if (ui.cur == NULL && ui.nconvs > 0)
		switch_to(first_conv());
	else if (reload) {
		/* Keep the reader's place when scrolled up. */
		size_t before = ui.view.n;
		size_t keep = ui.scroll;
		load_view();
		if (keep > 0 && ui.view.n > before)
			keep += ui.view.n - before;
		ui.scroll = keep;
		mark_seen();
	}
	if (nw.opened) {
		load_convs();
		switch_to(nw.opened);
	}
	if (nw.error)
		notice("%s", nw.error);
	net_news_free(&nw);
	ui.index_behind = ui.search.open;
	ui.dirty = true;
}

/* Sets up curses: colours, keys, bracketed paste, mouse wheel. */
static int
start_curses(struct err *e)
{
	/* newterm, unlike initscr, lets an unknown $TERM be an error we can word. */
	if (newterm(NULL, stdout, stdin) == NULL) {
		const char *term = getenv("TERM");
		return err_set(e, ERR_USAGE,
		    "cannot use the terminal type %s; set TERM (e.g. xterm)",
		    term ? term : "(unset)");
	}
	raw();
	noecho();
	nonl();
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
		static const short names[NAME_COLORS] = {
		    COLOR_RED, COLOR_GREEN, COLOR_YELLOW, COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN};
		for (short i = 0; i < NAME_COLORS; i++)
			init_pair((short)(i + 1), names[i], -1);
		init_pair(PAIR_INFO, COLOR_CYAN, -1);
		init_pair(PAIR_MARKER, COLOR_RED, -1);
		init_pair(PAIR_STATUS, -1, -1);
		init_pair(PAIR_DAY, -1, -1);
	}
	define_key("\033[200~", KEY_PASTE_START);
	define_key("\033[201~", KEY_PASTE_END);
	mousemask(BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		| BUTTON5_PRESSED
#endif
	    ,
	    NULL);
	mouseinterval(0);
	/* Bracketed paste on. */
	putp("\033[?2004h");
	fflush(stdout);
	layout();
	return 0;
}

/* Gives the terminal back. */
static void
stop_curses(void)
{
	free_windows();
	putp("\033[?2004l");
	endwin();
}

/* Checks there is a server and a login, with advice a newcomer can follow. */
static int
check_setup(struct ctx *c, struct err *e)
{
	if (ctx_open(c, true, e) == 0)
		return 0;
	if (e->kind == ERR_AUTH || c->server == NULL) {
		char was[sizeof(e->msg)];
		snprintf(was, sizeof(was), "%s", e->msg);
		return err_set(e, e->kind ? e->kind : ERR_AUTH,
		    "%s\n"
		    "To start:  natter -s URL register NAME   (a new account), or\n"
		    "           natter -s URL login NAME      (an existing one), then run natter.\n"
		    "To try natter on this machine: make run   (a local demo server and a bot)",
		    was);
	}
	return -1;
}

/* Runs the interface until the user quits. */
int
ui_run(struct ctx *c, struct err *e)
{
	if (check_setup(c, e) < 0)
		return -1;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return err_set(e, ERR_USAGE,
		    "the interactive interface needs a terminal; "
		    "see natter --help for the commands");
	memset(&ui, 0, sizeof(ui));
	ui.ctx = c;
	ui.hist = &c->hist;
	ui.me = c->cred->user;
	ui.state = NET_CONNECTING;
	view_init(&ui.view, 0);
	edit_init(&ui.edit, 0);
	complete_init(&ui.comp);
	struct err se = {0};

	struct sigaction sa = {0};
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/* The first paint: only history.db, no network yet. */
	setlocale(LC_ALL, "");
	if (start_curses(e) < 0)
		return -1;
	load_convs();
	if (ui.nconvs > 0)
		switch_to(first_conv());
	draw();
	/* Only now the writes: read position, ledger and focus row. */
	ui.have_ss = syncstore_open(&ui.ss, c->paths.sync_db, 0, &se) == 0;
	char *index_path = xasprintf("%s/search.db", c->paths.data_dir);
	ui.index_behind = search_open(&ui.search, index_path, &se) == 0;
	free(index_path);
	ui.painted = true;
	mark_seen();
	heartbeat(true);

	before_launch();
	if (net_start(&ui.net, c, e) < 0) {
		stop_curses();
		return -1;
	}
	struct pollfd fds[2] = {
	    {.fd = STDIN_FILENO, .events = POLLIN},
	    {.fd = ui.net.pipe[0], .events = POLLIN},
	};
	while (!ui.quit && !got_term) {
		if (ui.dirty)
			draw();
		/* Idle time goes to the search index while it is behind. */
		int rc = poll(fds, 2, ui.index_behind ? 0 : SYNCSTORE_FOCUS_HEARTBEAT_MS / 2);
		if (rc == 0 && ui.index_behind) {
			struct err ie = {0};
			ui.index_behind =
			    search_index(&ui.search, ui.hist, INDEX_BATCH, &ie) == INDEX_BATCH;
		}
		if (rc < 0 && errno != EINTR)
			break;
		if (got_winch) {
			got_winch = 0;
			resize();
		}
		if (rc > 0 && (fds[0].revents & (POLLIN | POLLHUP)))
			read_keys();
		if (rc > 0 && (fds[1].revents & POLLIN))
			apply_news();
		if (fds[0].revents & (POLLHUP | POLLERR))
			break;
		heartbeat(false);
	}
	stop_curses();
	net_stop(&ui.net);
	if (ui.have_ss) {
		syncstore_clear_focus(&ui.ss, &se);
		syncstore_close(&ui.ss);
	}
	search_close(&ui.search);
	view_free(&ui.view);
	edit_free(&ui.edit);
	complete_free(&ui.comp);
	conversations_free(ui.convs, ui.nconvs);
	free(ui.activity);
	free(ui.cur);
	for (size_t i = 0; i < ui.nnotices; i++) {
		free(ui.notices[i].conv);
		free(ui.notices[i].text);
	}
	free(ui.notices);
	buf_free(&ui.paste);
	message_free(&ui.anchor);
	free(ui.last_search);
	free(ui.launch_conv);
	vector_free(&ui.launch_held);
	vector_free(&ui.launch_store);
	return 0;
}
