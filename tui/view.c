/* The message view: a bounded window of messages laid out bottom-up. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"
#include "util.h"
#include "view.h"
#include "width.h"

/* Columns of "HH:MM " and of an info line's "-!- ". */
#define TIME_COLS 6
#define INFO_MARK "-!- "

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
	wrap_free(&m->wrap);
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
	m->body = text_sanitize(body, bodylen, TEXT_KEEP_NEWLINE | TEXT_TAB_SPACES);
	m->bodylen = strlen(m->body);
	if (flags & VIEW_INFO)
		m->prefixw = TIME_COLS + strlen(INFO_MARK);
	else
		m->prefixw = TIME_COLS + 1 + utf8_width(m->sender, strlen(m->sender)) + 2;
	view_push(v, m);
	return m;
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
	m->wrapw = width;
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
	return m->wrap.n + (new_day(v, i) ? 1 : 0) + ((m->flags & VIEW_UNREAD) ? 1 : 0);
}

/* Fills row r with line k of message i, or with a separator (k < 0: -1 marker, -2 day). */
static void
fill(struct view *v, size_t i, long k, size_t width, struct view_row *r)
{
	struct view_msg *m = v->msgs[i];
	memset(r, 0, sizeof(*r));
	r->msg = m;
	r->index = i;
	if (k == -1) {
		r->kind = VIEW_ROW_UNREAD;
	} else if (k == -2) {
		r->kind = VIEW_ROW_DAY;
		time_t t = (time_t)(m->ts / 1000);
		struct tm tm;
		if (!localtime_r(&t, &tm) ||
		    strftime(r->text, sizeof(r->text), "%a %d %b %Y", &tm) == 0)
			r->text[0] = '\0';
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
		/* Row j of this message, from its top: separators, then lines. */
		size_t seps = nr - v->msgs[i]->wrap.n;
		for (size_t j = nr; j-- > 0 && below < need; below++) {
			if (below < *scroll)
				continue;
			long k;
			if (j >= seps)
				k = (long)(j - seps);
			else if (seps == 2 && j == 1)
				k = -1;
			else if (seps == 1 && (v->msgs[i]->flags & VIEW_UNREAD))
				k = -1;
			else
				k = -2;
			fill(v, i, k, width, &rows[height - 1 - (below - *scroll)]);
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
