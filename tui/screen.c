/*
 * The screen, on ncursesw: setting the terminal up and giving it back, the
 * layout of the four windows (the conversation list on the left, the
 * message window, the status line and the input line) for any size, and
 * drawing them from the state in struct ui. Everything on screen from the
 * network went through text_sanitize (view.c) and is drawn character by
 * character inside its window, so nothing a message holds can reach the
 * terminal raw.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "color.h"
#include "natter.h"
#include "text.h"
#include "width.h"

/* Width of the conversation list, and the screen width below which it hides. */
#define LIST_COLS 20
#define LIST_MIN_SCREEN 50
/* Colour pairs: 1..COLOR_NAMES_MAX for names, then one for each part of the theme. */
#define PAIR_PART(p) ((short)(COLOR_NAMES_MAX + 1 + (p)))

/* The curses windows and the terminal's size: the screen's alone. */
static struct {
	WINDOW *list, *main, *status, *input;
	int rows, cols;
} scr;

/* The curses attributes of a theme part. */
static attr_t
part_attrs(enum color_part p)
{
	unsigned a = ui.theme.part[p].attrs;
	return ((a & COLOR_BOLD) ? A_BOLD : 0) | ((a & COLOR_DIM) ? A_DIM : 0) |
	    ((a & COLOR_REVERSE) ? A_REVERSE : 0) | ((a & COLOR_UNDERLINE) ? A_UNDERLINE : 0);
}

/* The colour pair of a theme part: 0 when it sets no colour. */
static short
part_pair(enum color_part p)
{
	const struct color_style *s = &ui.theme.part[p];
	return s->fg == COLOR_KEEP && s->bg == COLOR_KEEP ? 0 : PAIR_PART(p);
}

/* Starts drawing w in the style of part p; pair, when not 0, is the colour to use instead. */
static void
style_on(WINDOW *w, enum color_part p, short pair)
{
	wattr_on(w, part_attrs(p), NULL);
	short pp = part_pair(p);
	if (pair == 0 || ui.theme.part[p].fg != COLOR_KEEP)
		pair = pp;
	wcolor_set(w, pair, NULL);
}

/* Ends drawing in the style of part p. */
static void
style_off(WINDOW *w, enum color_part p)
{
	wattr_off(w, part_attrs(p), NULL);
	wcolor_set(w, 0, NULL);
}

/* Sets the colour pairs from ui.theme. */
void
screen_theme(void)
{
	if (!has_colors())
		return;
	for (size_t i = 0; i < ui.theme.nnames; i++)
		init_pair((short)(i + 1), ui.theme.names[i], -1);
	for (int p = 0; p < COLOR_PARTS; p++) {
		const struct color_style *s = &ui.theme.part[p];
		init_pair(PAIR_PART(p), s->fg == COLOR_KEEP ? -1 : s->fg,
		    s->bg == COLOR_KEEP ? -1 : s->bg);
	}
	ui.dirty = true;
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

/* The first conversation the list shows: scrolled so that the one shown is in it. */
static size_t
list_first(int h)
{
	size_t first = 0, at = window_conv_index(ui.cur);
	if (h > 0 && at != SIZE_MAX && at >= (size_t)h)
		first = at - (size_t)h + 1;
	return first;
}

/* The conversation at screen cell (y, x) of the list, or SIZE_MAX. */
size_t
screen_list_at(int y, int x)
{
	if (scr.list == NULL)
		return SIZE_MAX;
	int top, left;
	getbegyx(scr.list, top, left);
	int h = getmaxy(scr.list), w = getmaxx(scr.list);
	if (y < top || y >= top + h || x < left || x >= left + w - 1)
		return SIZE_MAX;
	size_t i = list_first(h) + (size_t)(y - top);
	return i < ui.nconvs ? i : SIZE_MAX;
}

/* Draws the conversation list. */
static void
draw_list(void)
{
	if (scr.list == NULL)
		return;
	int h = getmaxy(scr.list), w = getmaxx(scr.list);
	werase(scr.list);
	size_t first = list_first(h);
	for (size_t i = first; i < ui.nconvs && (int)(i - first) < h; i++) {
		const struct conversation *c = &ui.convs[i];
		bool cur = ui.cur && strcmp(c->id, ui.cur) == 0;
		wmove(scr.list, (int)(i - first), 0);
		if (cur)
			wattron(scr.list, A_REVERSE);
		else if (c->unread > 0)
			wattron(scr.list, A_BOLD);
		char lead[32];
		/*
		 * "@": news naming the user, "+": other news. After the number:
		 * "~" muted, no desktop notifications; "?" an invitation (natter
		 * accept); "-" a conversation left.
		 */
		snprintf(lead, sizeof(lead), "%c%zu%s%s ",
		    ui.mentioned[i]      ? '@'
			: ui.activity[i] ? '+'
					 : ' ',
		    i + 1, ui_is_muted(c->id) ? "~" : "",
		    c->state == CONV_INVITED    ? "?"
			: c->state == CONV_LEFT ? "-"
						: "");
		draw_text(scr.list, lead, strlen(lead), w - 1);
		char count[32] = "";
		if (c->unread > 0 && !cur)
			snprintf(count, sizeof(count), " %llu%s", (unsigned long long)c->unread,
			    c->unread >= HISTORY_UNREAD_CAP ? "+" : "");
		int room = w - 1 - getcurx(scr.list) - (int)strlen(count);
		/* A direct conversation is named after the other member. */
		const char *name = c->title;
		const char *me = ui.ctx && ui.ctx->cred ? ui.ctx->cred->user : "";
		if (c->direct && c->nmembers == 2)
			name = c->members[strcmp(c->members[0], me) == 0 ? 1 : 0];
		char *title = text_sanitize(name, strlen(name), 0);
		int x0 = getcurx(scr.list);
		draw_text(scr.list, title, strlen(title), x0 + (room > 0 ? room : 0));
		free(title);
		draw_text(scr.list, count, strlen(count), w - 1);
		while (cur && getcurx(scr.list) < w - 1)
			waddch(scr.list, ' ');
		wattroff(scr.list, A_REVERSE | A_BOLD);
	}
	for (int y = 0; y < h; y++) {
		wmove(scr.list, y, w - 1);
		draw_text(scr.list, "│", strlen("│"), w);
	}
	wnoutrefresh(scr.list);
}

/* Draws a centred separator line with text in the middle, in the style of part. */
static void
draw_rule(WINDOW *w, int y, const char *text, enum color_part part)
{
	int width = getmaxx(w);
	size_t tw = utf8_width(text, strlen(text)) + 2;
	int side = width > (int)tw ? (width - (int)tw) / 2 : 0;
	wmove(w, y, 0);
	style_on(w, part, 0);
	for (int x = 0; x < side; x++)
		draw_text(w, "─", strlen("─"), width - 1);
	draw_text(w, " ", 1, width - 1);
	draw_text(w, text, strlen(text), width - 1);
	draw_text(w, " ", 1, width - 1);
	/* Never into the last column: the cursor would wrap onto the next row. */
	while (getcury(w) == y && getcurx(w) < width - 1)
		draw_text(w, "─", strlen("─"), width - 1);
	style_off(w, part);
}

/* Draws a message's text bytes [off, off + len), its mark (" (edited)") dimmed. */
static void
draw_body(const struct view_msg *m, size_t off, size_t len, attr_t base, int w)
{
	size_t mark = m->bodylen - m->marklen;
	size_t plain = off >= mark ? 0 : (off + len <= mark ? len : mark - off);
	draw_text(scr.main, m->body + off, plain, w);
	if (plain < len) {
		wattr_on(scr.main, A_DIM, NULL);
		draw_text(scr.main, m->body + off + plain, len - plain, w);
		wattr_off(scr.main, A_DIM, NULL);
		wattr_on(scr.main, base, NULL);
	}
}

/* Draws the time, then the sender as "<name> ", "* name " or the notice mark. */
static void
draw_lead(const struct view_msg *m, attr_t base, int w)
{
	char hm[6];
	view_time(m->ts, hm);
	wattr_on(scr.main, base & A_REVERSE, NULL);
	style_on(scr.main, COLOR_TIME, 0);
	draw_text(scr.main, hm, strlen(hm), w);
	style_off(scr.main, COLOR_TIME);
	draw_text(scr.main, " ", 1, w);
	wattr_off(scr.main, A_REVERSE, NULL);
	if (m->flags & (VIEW_INFO | VIEW_EVENT)) {
		style_on(scr.main, COLOR_INFO, 0);
		draw_text(scr.main, "-!- ", 4, w);
		style_off(scr.main, COLOR_INFO);
		return;
	}
	short pair = (short)(1 + color_of_name(m->sender, ui.theme.nnames));
	bool action = m->flags & VIEW_ACTION;
	wattr_on(scr.main, base, NULL);
	if (action)
		draw_text(scr.main, "* ", 2, w);
	if (m->flags & VIEW_OWN)
		style_on(scr.main, COLOR_OWN, pair);
	else
		wcolor_set(scr.main, pair, NULL);
	if (!action)
		draw_text(scr.main, "<", 1, w);
	draw_text(scr.main, m->sender, strlen(m->sender), w);
	if (!action)
		draw_text(scr.main, ">", 1, w);
	style_off(scr.main, COLOR_OWN);
	wcolor_set(scr.main, 0, NULL);
	draw_text(scr.main, " ", 1, w);
	wattr_off(scr.main, base, NULL);
}

/* Draws the quote above a reply or a line of reactions. */
static void
draw_extra(const struct view_row *r, attr_t base, int y, int w)
{
	const struct view_msg *m = r->msg;
	if ((int)r->indent >= w)
		return;
	wmove(scr.main, y, (int)r->indent);
	if (r->kind == VIEW_ROW_QUOTE) {
		wattr_on(scr.main, base | A_DIM, NULL);
		draw_text(scr.main, m->quote, r->len, w);
		if (r->cut)
			draw_text(scr.main, "…", strlen("…"), w);
		wattr_off(scr.main, base | A_DIM, NULL);
		return;
	}
	wattr_on(scr.main, base, NULL);
	draw_text(scr.main, m->react + r->off, r->len, w);
	wattr_off(scr.main, base, NULL);
}

/* Draws the mode line at row y: what the keys do now (selection, edit, reply, react). */
static void
draw_mode(int y, int w, const char *text)
{
	char *clean = text_sanitize(text, strlen(text), 0);
	wmove(scr.main, y, 0);
	wattr_on(scr.main, A_BOLD, NULL);
	style_on(scr.main, COLOR_INFO, 0);
	draw_text(scr.main, clean, strlen(clean), w);
	style_off(scr.main, COLOR_INFO);
	wattr_off(scr.main, A_BOLD, NULL);
	free(clean);
}

/* Draws the message view. */
static void
draw_main(void)
{
	int h = getmaxy(scr.main), w = getmaxx(scr.main);
	werase(scr.main);
	if (h <= 0 || w <= 0)
		return;
	char *mode = select_mode_line();
	if (mode && h > 1) {
		draw_mode(h - 1, w, mode);
		h--;
	}
	free(mode);
	struct view_row *rows = xcalloc((size_t)h, sizeof(*rows));
	size_t n = view_layout(&ui.view, (size_t)w, (size_t)h, &ui.scroll, rows);
	if (ui.view.n == 0 && h > 0) {
		const char *hint = ui.nconvs == 0
		    ? "No conversations yet: /new TITLE MEMBER... starts one; /help lists the keys."
		    : "No messages here yet: type one and press Enter.";
		wmove(scr.main, 0, 0);
		wattron(scr.main, A_DIM);
		draw_text(scr.main, hint, strlen(hint), w);
		wattroff(scr.main, A_DIM);
	}
	/* Short histories sit at the bottom, next to the input line. */
	int top = h - (int)n;
	for (size_t i = 0; i < n; i++) {
		const struct view_row *r = &rows[i];
		int y = top + (int)i;
		wmove(scr.main, y, 0);
		if (r->kind == VIEW_ROW_DAY) {
			draw_rule(scr.main, y, r->text, COLOR_DAY);
			continue;
		}
		if (r->kind == VIEW_ROW_UNREAD) {
			draw_rule(
			    scr.main, y, ui.view.marker ? ui.view.marker : "new", COLOR_MARKER);
			continue;
		}
		const struct view_msg *m = r->msg;
		attr_t base = (m->flags & VIEW_PENDING) ? part_attrs(COLOR_PENDING) : A_NORMAL;
		if (m->flags & VIEW_HIT)
			base |= A_STANDOUT;
		if (m->flags & VIEW_SELECTED)
			base |= A_REVERSE;
		if (r->kind == VIEW_ROW_QUOTE || r->kind == VIEW_ROW_REACT) {
			draw_extra(r, base, y, w);
			continue;
		}
		if (r->first)
			draw_lead(m, base, w);
		if ((int)r->indent < w)
			wmove(scr.main, y, (int)r->indent);
		else
			continue;
		/* A message that names the user stands out, as in irssi. */
		enum color_part part = COLOR_PARTS;
		if (m->flags & (VIEW_INFO | VIEW_EVENT))
			part = COLOR_INFO;
		else if (m->flags & VIEW_PENDING)
			part = COLOR_PENDING;
		else if (m->flags & VIEW_MENTION)
			part = COLOR_MENTION;
		wattr_on(scr.main, base, NULL);
		if (part != COLOR_PARTS)
			style_on(scr.main, part, 0);
		draw_body(m, r->off, r->len, base, w);
		if (part != COLOR_PARTS)
			style_off(scr.main, part);
		wattr_off(scr.main, base, NULL);
	}
	free(rows);
	wnoutrefresh(scr.main);
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
	if (scr.status == NULL)
		return;
	int w = getmaxx(scr.status);
	werase(scr.status);
	wbkgd(scr.status, part_attrs(COLOR_STATUS) | COLOR_PAIR(part_pair(COLOR_STATUS)));
	struct conversation *c = window_current();
	struct buf b = {0};
	buf_printf(&b, " %s@%s | %s", ui.me, ui.ctx->server, state_words());
	if (ui.filling)
		buf_printf(&b, " | loading older messages");
	if (ui.queued > 0)
		buf_printf(&b, " | %zu queued", ui.queued);
	if (c)
		buf_printf(&b, " | %s", c->title);
	if (ui.scroll > 0)
		buf_printf(&b, " | scrolled up %zu", ui.scroll);
	/* The window ends in the past: say so, or it looks as if nothing came since. */
	if (ui.anchor.id != 0 && ui.anchor_hit)
		buf_printf(&b,
		    " | match %zu of %zu: PageDown for the newest, /search again for older",
		    ui.match, ui.matches);
	else if (ui.anchor.id != 0)
		buf_printf(&b, " | older messages: PageDown at the bottom for the newest");
	if (ui.creating)
		buf_printf(&b, " | creating %s...", ui.creating);
	if (ui.note[0])
		buf_printf(&b, " | %s", ui.note);
	char *clean = text_sanitize(b.data, b.len, 0);
	wmove(scr.status, 0, 0);
	draw_text(scr.status, clean, strlen(clean), w);
	free(clean);
	buf_free(&b);
	wnoutrefresh(scr.status);
}

/* Draws the input line and places the cursor. */
static void
draw_input(void)
{
	int w = getmaxx(scr.input);
	werase(scr.input);
	const char *prompt = w > 20 ? select_prompt() : w > 10 ? "> " : "";
	int pw = (int)strlen(prompt);
	wmove(scr.input, 0, 0);
	draw_text(scr.input, prompt, strlen(prompt), w);
	if (ui.edit.len == 0 && w > pw + 10) {
		/* The first screen's hint, and every empty line's: where help is. */
		const char *hint = "type a message; /help or F1 for commands and keys";
		wattron(scr.input, A_DIM);
		draw_text(scr.input, hint, strlen(hint), w - 1);
		wattroff(scr.input, A_DIM);
	}
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
		waddnwstr(scr.input, &c, 1);
		x += cw;
	}
	x = pw + (int)col;
	wmove(scr.input, 0, x < w ? x : w - 1);
	wnoutrefresh(scr.input);
}

/* Draws everything and clears ui.dirty. */
void
screen_draw(void)
{
	if (scr.rows <= 0 || scr.cols <= 0)
		return;
	draw_list();
	if (scr.main)
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
	WINDOW **ws[] = {&scr.list, &scr.main, &scr.status, &scr.input};
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
	getmaxyx(stdscr, scr.rows, scr.cols);
	if (scr.rows < 1 || scr.cols < 1)
		return;
	int listw = scr.cols >= LIST_MIN_SCREEN ? LIST_COLS : 0;
	int mainh = scr.rows - 2;
	scr.input = newwin(1, scr.cols, scr.rows - 1, 0);
	if (scr.rows >= 2)
		scr.status = newwin(1, scr.cols, scr.rows - 2, 0);
	if (mainh > 0) {
		if (listw > 0)
			scr.list = newwin(mainh, listw, 0, 0);
		scr.main = newwin(mainh, scr.cols - listw, 0, listw);
	}
	keypad(scr.input, TRUE);
	nodelay(scr.input, TRUE);
	ui.dirty = true;
}

/* Takes the terminal's new size after SIGWINCH and lays the windows out again. */
void
screen_resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clear();
	wnoutrefresh(stdscr);
	layout();
}

/* Takes the terminal: colours, keys, bracketed paste, mouse wheel. */
int
screen_start(struct err *e)
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
		screen_theme();
	}
	define_key("\033[200~", KEY_PASTE_START);
	define_key("\033[201~", KEY_PASTE_END);
	/* C-Left, C-Right as xterm, tmux and most others send them. */
	define_key("\033[1;5D", KEY_WORD_LEFT);
	define_key("\033[1;5C", KEY_WORD_RIGHT);
	define_key("\033[1;3D", KEY_CONV_PREV);
	define_key("\033[1;3C", KEY_CONV_NEXT);
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		| BUTTON5_PRESSED
#endif
	    ,
	    NULL);
	mouseinterval(0);
	/* Bracketed paste on; mouse reports in SGR form (input.c reads them) where it is known. */
	putp("\033[?2004h");
	putp("\033[?1006h");
	fflush(stdout);
	layout();
	return 0;
}

/* Gives the terminal back. */
void
screen_stop(void)
{
	free_windows();
	putp("\033[?1006l");
	putp("\033[?2004l");
	endwin();
}

/* Repaints the whole terminal on the next draw. */
void
screen_repaint(void)
{
	clearok(curscr, TRUE);
}

/* Reads a waiting key from the input line. */
int
screen_key(wint_t *c)
{
	if (scr.input == NULL)
		return ERR;
	return wget_wch(scr.input, c);
}

/* The size of the message window. */
bool
screen_window_size(size_t *height, size_t *width)
{
	if (scr.main == NULL)
		return false;
	int h = getmaxy(scr.main), w = getmaxx(scr.main);
	if (ui.mode != MODE_NONE && h > 1)
		h--; /* the mode line */
	if (h <= 0 || w <= 0)
		return false;
	*height = (size_t)h;
	*width = (size_t)w;
	return true;
}
