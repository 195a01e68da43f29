/* The message view: a bounded window of messages laid out bottom-up. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"
#include "util.h"
#include "view.h"
#include "width.h"

/* Columns of "HH:MM " and of an info line's "-!- ". */
#define TIME_COLS VIEW_TIME_COLS
#define INFO_MARK "-!- "
/* What starts the quote above a reply. */
#define QUOTE_MARK "↱ "
/* Characters of the replied-to text kept for its quote (the screen cuts it at the edge). */
#define QUOTE_CHARS 200

/* An empty view keeping at most max messages (0: VIEW_WINDOW). */
void
view_init(struct view *v, size_t max)
{
	memset(v, 0, sizeof(*v));
	v->max = max ? max : VIEW_WINDOW;
}

/* Frees one message. */
void
view_msg_free(struct view_msg *m)
{
	free(m->cid);
	free(m->sender);
	free(m->body);
	free(m->quote);
	free(m->react);
	wrap_free(&m->wrap);
	wrap_free(&m->rwrap);
	free(m);
}

/* Empties the window. */
void
view_clear(struct view *v)
{
	for (size_t i = 0; i < v->n; i++)
		view_msg_free(v->msgs[i]);
	v->n = 0;
}

/* Frees the view. */
void
view_free(struct view *v)
{
	view_clear(v);
	free(v->msgs);
	free(v->marker);
	memset(v, 0, sizeof(*v));
}

/* Appends message m, now owned by the view; drops the oldest when full. */
void
view_push(struct view *v, struct view_msg *m)
{
	if (v->n == v->max) {
		size_t drop = v->max / 4 ? v->max / 4 : 1;
		for (size_t i = 0; i < drop; i++)
			view_msg_free(v->msgs[i]);
		memmove(v->msgs, v->msgs + drop, (v->n - drop) * sizeof(*v->msgs));
		v->n -= drop;
	}
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		if (v->cap > v->max)
			v->cap = v->max;
		v->msgs = xreallocarray(v->msgs, v->cap, sizeof(*v->msgs));
	}
	v->msgs[v->n++] = m;
}

/* Appends a message, sanitising its text; drops the oldest when full. */
struct view_msg *
view_append(
    struct view *v, int64_t ts, const char *sender, const char *body, size_t bodylen, int flags)
{
	struct view_msg *m = xcalloc(1, sizeof(*m));
	m->ts = ts;
	m->flags = flags;
	m->sender = text_sanitize(sender, strlen(sender), 0);
	view_msg_set_text(m, body, bodylen, flags);
	view_push(v, m);
	return m;
}

/* Replaces m's text and its text flags; it is wrapped again when next laid out. */
void
view_msg_set_text(struct view_msg *m, const char *body, size_t bodylen, int flags)
{
	int text = VIEW_EDITED | VIEW_DELETED | VIEW_ACTION | VIEW_LOST;
	m->flags = (m->flags & ~text) | (flags & text);
	free(m->body);
	struct buf b = {0};
	if (m->flags & VIEW_DELETED) {
		buf_puts(&b, VIEW_DELETED_MARK);
		m->marklen = b.len;
	} else {
		char *clean = text_sanitize(body, bodylen, TEXT_KEEP_NEWLINE | TEXT_TAB_SPACES);
		buf_puts(&b, clean);
		free(clean);
		m->marklen = 0;
		if (m->flags & VIEW_EDITED) {
			buf_puts(&b, VIEW_EDITED_MARK);
			m->marklen = strlen(VIEW_EDITED_MARK);
		}
	}
	if (m->flags & VIEW_LOST) {
		buf_puts(&b, " " VIEW_LOST_MARK);
		m->marklen += strlen(" " VIEW_LOST_MARK);
	}
	m->body = b.data;
	m->bodylen = b.len;
	size_t sw = utf8_width(m->sender, strlen(m->sender));
	if (m->flags & (VIEW_INFO | VIEW_EVENT))
		m->prefixw = TIME_COLS + strlen(INFO_MARK);
	else if (m->flags & VIEW_ACTION)
		m->prefixw = TIME_COLS + 2 + sw + 1; /* "* sender " */
	else
		m->prefixw = TIME_COLS + 1 + sw + 2; /* "<sender> " */
	m->wrapw = 0;
}

/* Sets the quote above m, from the replied-to message's sender and text. */
void
view_msg_set_quote(struct view_msg *m, const char *sender, const char *text)
{
	free(m->quote);
	m->quote = NULL;
	m->quotelen = 0;
	if (sender == NULL)
		return;
	char *who = text_sanitize(sender, strlen(sender), 0);
	m->wrapw = 0;
	if (text == NULL) {
		m->quote = xasprintf("%s%s", QUOTE_MARK, who);
		m->quotelen = strlen(m->quote);
		free(who);
		return;
	}
	size_t line = strcspn(text, "\n");
	char *clean = text_sanitize(text, line, 0);
	char *cut = text_truncate(clean, QUOTE_CHARS);
	m->quote = xasprintf(
	    "%s%s: %s%s", QUOTE_MARK, who, cut, text[line] && strcmp(cut, clean) == 0 ? "…" : "");
	m->quotelen = strlen(m->quote);
	free(who);
	free(cut);
	free(clean);
	m->wrapw = 0;
}

/* Sets the reactions under m: "👍 2 alice, bob", two spaces between reactions. */
void
view_msg_set_reactions(struct view_msg *m, const struct view_reaction *r, size_t n)
{
	free(m->react);
	m->react = NULL;
	m->reactlen = 0;
	m->wrapw = 0;
	struct buf b = {0};
	for (size_t i = 0; i < n; i++) {
		if (r[i].n == 0)
			continue;
		char *emoji = text_sanitize(r[i].emoji, strlen(r[i].emoji), 0);
		buf_printf(&b, "%s%s %zu ", b.len ? "  " : "", emoji, r[i].n);
		free(emoji);
		for (size_t k = 0; k < r[i].n && k < VIEW_REACT_NAMES; k++) {
			char *who = text_sanitize(r[i].who[k], strlen(r[i].who[k]), 0);
			buf_printf(&b, "%s%s", k ? ", " : "", who);
			free(who);
		}
		if (r[i].n > VIEW_REACT_NAMES)
			buf_printf(&b, " +%zu", r[i].n - VIEW_REACT_NAMES);
	}
	m->react = b.data;
	m->reactlen = b.len;
}

/* The end of the unit of text that starts at i: the next two spaces, or len. */
static size_t
unit_end(const char *text, size_t len, size_t i)
{
	for (; i < len; i++) {
		if (text[i] == ' ' && i + 1 < len && text[i + 1] == ' ')
			return i;
	}
	return len;
}

/* Appends the line [off, end) to w. */
static void
add_line(struct wrap *w, size_t off, size_t end)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 4;
		w->v = xreallocarray(w->v, w->cap, sizeof(*w->v));
	}
	w->v[w->n].off = off;
	w->v[w->n].len = end - off;
	w->n++;
}

/* Packs whole units, two spaces apart, into lines of width columns. */
void
view_pack_units(struct wrap *w, const char *text, size_t len, size_t width)
{
	w->n = 0;
	size_t start = 0, cols = 0, i = 0;
	bool open = false; /* a line holds units */
	while (i < len) {
		size_t end = unit_end(text, len, i);
		size_t uw = utf8_width(text + i, end - i);
		if (open && cols + 2 + uw > width) {
			add_line(w, start, i - 2);
			open = false;
		}
		if (!open) {
			start = i;
			cols = uw;
			open = true;
		} else {
			cols += 2 + uw;
		}
		i = end < len ? end + 2 : len;
	}
	if (open)
		add_line(w, start, len);
}

/* The text of m without its mark. */
char *
view_msg_text(const struct view_msg *m)
{
	return xstrndup(m->body, m->bodylen - m->marklen);
}

/* Takes messages [from, n) out of the window; the caller owns them (view_msg_free). */
struct view_msg **
view_detach(struct view *v, size_t from, size_t *n)
{
	*n = from < v->n ? v->n - from : 0;
	struct view_msg **out = xcalloc(*n + 1, sizeof(*out));
	if (*n > 0)
		memcpy(out, v->msgs + from, *n * sizeof(*out));
	v->n -= *n;
	return out;
}

/* Puts the unread marker above message i. */
void
view_mark_unread(struct view *v, size_t i, const char *text)
{
	for (size_t k = 0; k < v->n; k++)
		v->msgs[k]->flags &= ~VIEW_UNREAD;
	if (i < v->n)
		v->msgs[i]->flags |= VIEW_UNREAD;
	free(v->marker);
	v->marker = xstrdup(text ? text : "");
}

/* Formats HH:MM of ts in local time. */
void
view_time(int64_t ts, char out[6])
{
	time_t t = (time_t)(ts / 1000);
	struct tm tm;
	if (!localtime_r(&t, &tm) || strftime(out, 6, "%H:%M", &tm) == 0)
		strcpy(out, "--:--");
}

/* A number naming ts's local calendar day. */
static long
day_of(int64_t ts)
{
	time_t t = (time_t)(ts / 1000);
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return 0;
	return (long)tm.tm_year * 400 + tm.tm_yday;
}

/* Continuation indent of m on a screen width columns wide. */
static size_t
indent_of(const struct view_msg *m, size_t width)
{
	return m->prefixw <= width / 2 ? m->prefixw : width / 2;
}

/* Wraps m for width columns, reusing the last wrapping when it fits. */
static void
wrap_msg(struct view_msg *m, size_t width)
{
	if (m->wrapw == width && m->wrap.n > 0)
		return;
	size_t first = width > m->prefixw ? width - m->prefixw : 0;
	size_t rest = width - indent_of(m, width);
	wrap_text(&m->wrap, m->body, m->bodylen, first, rest);
	view_pack_units(&m->rwrap, m->react ? m->react : "", m->reactlen, rest);
	m->wrapw = width;
}

/* Rows of m's own content: quote, text lines and reaction lines. */
static size_t
content_rows(const struct view_msg *m)
{
	return (m->quote ? 1 : 0) + m->wrap.n + m->rwrap.n;
}

/* True when message i starts a new day in the window. */
static bool
new_day(const struct view *v, size_t i)
{
	return i == 0 || day_of(v->msgs[i]->ts) != day_of(v->msgs[i - 1]->ts);
}

/* Rows message i takes, separators included. */
static size_t
msg_rows(struct view *v, size_t i, size_t width)
{
	struct view_msg *m = v->msgs[i];
	wrap_msg(m, width);
	return content_rows(m) + (new_day(v, i) ? 1 : 0) + ((m->flags & VIEW_UNREAD) ? 1 : 0);
}

/* The bytes of s[0..len) that fit in cols columns. */
static size_t
fit(const char *s, size_t len, size_t cols)
{
	size_t i = 0, used = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		size_t cw = (size_t)cp_width(cp);
		if (used + cw > cols)
			break;
		used += cw;
		i += n;
	}
	return i;
}

/* Fills r with the quote row of message m. */
static void
fill_quote(struct view_msg *m, size_t width, struct view_row *r)
{
	r->kind = VIEW_ROW_QUOTE;
	r->indent = TIME_COLS < width / 2 ? TIME_COLS : 0;
	size_t room = width - r->indent;
	r->len = m->quotelen;
	if (utf8_width(m->quote, m->quotelen) > room) {
		r->len = fit(m->quote, m->quotelen, room > 0 ? room - 1 : 0);
		r->cut = true;
	}
}

/*
 * Fills row r with row j of message i from its top: separators (seps of
 * them), then the quote, the lines of text and the lines of reactions.
 */
static void
fill(struct view *v, size_t i, size_t j, size_t seps, size_t width, struct view_row *r)
{
	struct view_msg *m = v->msgs[i];
	memset(r, 0, sizeof(*r));
	r->msg = m;
	r->index = i;
	long k = -2; /* a day separator */
	if (j >= seps)
		k = (long)(j - seps);
	else if ((seps == 2 && j == 1) || (seps == 1 && (m->flags & VIEW_UNREAD)))
		k = -1;
	if (k >= 0 && m->quote) {
		if (k == 0) {
			fill_quote(m, width, r);
			return;
		}
		k--;
	}
	if (k == -1) {
		r->kind = VIEW_ROW_UNREAD;
	} else if (k == -2) {
		r->kind = VIEW_ROW_DAY;
		time_t t = (time_t)(m->ts / 1000);
		struct tm tm;
		if (!localtime_r(&t, &tm) ||
		    strftime(r->text, sizeof(r->text), "%a %d %b %Y", &tm) == 0)
			r->text[0] = '\0';
	} else if (k >= (long)m->wrap.n) {
		size_t line = (size_t)k - m->wrap.n;
		r->kind = VIEW_ROW_REACT;
		r->indent = indent_of(m, width);
		r->off = m->rwrap.v[line].off;
		r->len = m->rwrap.v[line].len;
	} else {
		r->kind = VIEW_ROW_TEXT;
		r->first = k == 0;
		r->indent = k == 0 ? m->prefixw : indent_of(m, width);
		r->off = m->wrap.v[k].off;
		r->len = m->wrap.v[k].len;
	}
}

/* Lays out the rows shown when scrolled *scroll rows up from the bottom. */
size_t
view_layout(struct view *v, size_t width, size_t height, size_t *scroll, struct view_row *rows)
{
	if (width == 0 || height == 0)
		return 0;
	size_t need = *scroll + height;
	size_t below = 0; /* rows counted from the bottom so far */
	size_t filled = 0;
	for (size_t i = v->n; i-- > 0 && below < need;) {
		size_t nr = msg_rows(v, i, width);
		if (below + nr <= *scroll) {
			below += nr;
			continue;
		}
		/* Row j of this message, from its top: separators, then its content. */
		size_t seps = nr - content_rows(v->msgs[i]);
		for (size_t j = nr; j-- > 0 && below < need; below++) {
			if (below < *scroll)
				continue;
			fill(v, i, j, seps, width, &rows[height - 1 - (below - *scroll)]);
			filled++;
		}
	}
	if (below < need) {
		/* Less than a screen above the scroll point: clamp and lay out again. */
		size_t total = below;
		size_t clamped = total > height ? total - height : 0;
		if (clamped != *scroll) {
			*scroll = clamped;
			return view_layout(v, width, height, scroll, rows);
		}
		/* Shorter than the screen: move the rows to the top. */
		memmove(rows, rows + (height - filled), filled * sizeof(*rows));
	}
	return filled;
}

/* True when message i is a history row of a message that can be acted on. */
bool
view_selectable(const struct view *v, size_t i)
{
	const struct view_msg *m = v->msgs[i];
	return m->id != 0 && m->seq != 0 &&
	    !(m->flags & (VIEW_INFO | VIEW_EVENT | VIEW_PENDING | VIEW_DELETED));
}

/* The selectable message nearest to i in direction dir, or SIZE_MAX. */
size_t
view_select_step(const struct view *v, size_t i, int dir)
{
	if (i > v->n)
		i = v->n;
	while (dir < 0 ? i-- > 0 : ++i < v->n) {
		if (view_selectable(v, i))
			return i;
	}
	return SIZE_MAX;
}

/* The newest selectable message, or SIZE_MAX. */
size_t
view_select_newest(const struct view *v)
{
	return view_select_step(v, v->n, -1);
}

/* The message with history id, or SIZE_MAX. */
size_t
view_find(const struct view *v, int64_t id)
{
	for (size_t i = v->n; id != 0 && i-- > 0;) {
		if (v->msgs[i]->id == id)
			return i;
	}
	return SIZE_MAX;
}

/* The scroll nearest to scroll that shows message i whole (its top when taller). */
size_t
view_scroll_to(struct view *v, size_t i, size_t width, size_t height, size_t scroll)
{
	if (i >= v->n || width == 0 || height == 0)
		return scroll;
	size_t below = 0;
	for (size_t k = i + 1; k < v->n; k++)
		below += msg_rows(v, k, width);
	size_t top = below + msg_rows(v, i, width); /* rows from the bottom to its top */
	if (below < scroll)
		scroll = below;
	if (top > scroll + height)
		scroll = top - height;
	return scroll;
}
