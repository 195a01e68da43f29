/* The input line editor: Emacs keys, kill ring of one, history, paste. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "edit.h"
#include "text.h"
#include "util.h"
#include "width.h"

/* UTF-8 length of one character. */
static size_t
wc_bytes(wchar_t c)
{
	uint32_t u = (uint32_t)c;
	if (u < 0x80)
		return 1;
	if (u < 0x800)
		return 2;
	if (u < 0x10000)
		return 3;
	return 4;
}

/* UTF-8 length of n characters. */
static size_t
wcs_bytes(const wchar_t *s, size_t n)
{
	size_t b = 0;
	for (size_t i = 0; i < n; i++)
		b += wc_bytes(s[i]);
	return b;
}

/* True for a zero-width mark that belongs to the character before it. */
static bool
is_mark(wchar_t c)
{
	return c != L'\n' && cp_width((uint32_t)c) == 0;
}

/* True for a character of a word (M-b, M-f, M-d). */
static bool
is_word(wchar_t c)
{
	return iswalnum((wint_t)c) || is_mark(c);
}

/* Decodes UTF-8 into a new wchar_t array; *n gets its length. */
static wchar_t *
decode(const char *s, size_t len, size_t *n)
{
	wchar_t *w = xreallocarray(NULL, len + 1, sizeof(*w));
	size_t i = 0, k = 0;
	while (i < len) {
		uint32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
		w[k++] = (wchar_t)cp;
	}
	*n = k;
	return w;
}

/* An empty editor with a maximum line length in UTF-8 bytes. */
void
edit_init(struct edit *e, size_t max)
{
	memset(e, 0, sizeof(*e));
	e->max = max ? max : EDIT_MAX_BYTES;
	e->cap = 64;
	e->buf = xreallocarray(NULL, e->cap, sizeof(*e->buf));
}

/* Frees everything the editor holds. */
void
edit_free(struct edit *e)
{
	free(e->buf);
	free(e->kill);
	for (size_t i = 0; i < e->nhist; i++)
		free(e->hist[i]);
	free(e->hist);
	free(e->draft);
	memset(e, 0, sizeof(*e));
}

/* Empties the line. */
void
edit_clear(struct edit *e)
{
	e->len = e->pos = e->bytes = 0;
}

/* Makes room for n characters at index at; false when over the maximum. */
static bool
reserve(struct edit *e, size_t at, size_t n, size_t bytes)
{
	if (e->bytes + bytes > e->max)
		return false;
	if (e->len + n > e->cap) {
		size_t cap = e->cap ? e->cap : 64;
		while (cap < e->len + n)
			cap *= 2;
		e->buf = xreallocarray(e->buf, cap, sizeof(*e->buf));
		e->cap = cap;
	}
	memmove(e->buf + at + n, e->buf + at, (e->len - at) * sizeof(*e->buf));
	e->len += n;
	e->bytes += bytes;
	return true;
}

/* Inserts n characters at the cursor, all or none. */
static int
insert_n(struct edit *e, const wchar_t *s, size_t n)
{
	if (!reserve(e, e->pos, n, wcs_bytes(s, n)))
		return -1;
	memcpy(e->buf + e->pos, s, n * sizeof(*s));
	e->pos += n;
	return 0;
}

/* Cuts characters [from, to), optionally into the kill ring. */
static int
cut(struct edit *e, size_t from, size_t to, bool kill)
{
	if (from >= to)
		return -1;
	if (kill) {
		free(e->kill);
		e->kill = xreallocarray(NULL, to - from, sizeof(*e->kill));
		memcpy(e->kill, e->buf + from, (to - from) * sizeof(*e->kill));
		e->killlen = to - from;
	}
	e->bytes -= wcs_bytes(e->buf + from, to - from);
	memmove(e->buf + from, e->buf + to, (e->len - to) * sizeof(*e->buf));
	e->len -= to - from;
	if (e->pos >= to)
		e->pos -= to - from;
	else if (e->pos > from)
		e->pos = from;
	return 0;
}

/* Inserts a typed character at the cursor. */
int
edit_insert(struct edit *e, wchar_t c)
{
	uint32_t u = (uint32_t)c;
	if (u < 0x20 || (u >= 0x7f && u < 0xa0) || (u >= 0xd800 && u < 0xe000) || u > 0x10ffff)
		return -1;
	return insert_n(e, &c, 1);
}

/* Inserts pasted UTF-8 text, normalising line breaks and controls. */
size_t
edit_paste(struct edit *e, const char *s, size_t len)
{
	size_t n = 0;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
		if (cp == '\r') {
			if (i < len && s[i] == '\n')
				i++;
			cp = '\n';
		} else if (cp == '\t') {
			cp = ' ';
		} else if (cp != '\n' && (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))) {
			continue;
		}
		wchar_t c = (wchar_t)cp;
		if (insert_n(e, &c, 1) < 0)
			break;
		n++;
	}
	return n;
}

/* Index of the cluster start before pos. */
static size_t
prev_cluster(const struct edit *e, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && is_mark(e->buf[pos]))
		pos--;
	return pos;
}

/* Index just past the cluster at pos. */
static size_t
next_cluster(const struct edit *e, size_t pos)
{
	if (pos >= e->len)
		return e->len;
	pos++;
	while (pos < e->len && is_mark(e->buf[pos]))
		pos++;
	return pos;
}

/* Start of the word before pos (M-b). */
static size_t
word_left(const struct edit *e, size_t pos)
{
	while (pos > 0 && !is_word(e->buf[pos - 1]))
		pos--;
	while (pos > 0 && is_word(e->buf[pos - 1]))
		pos--;
	return pos;
}

/* End of the word after pos (M-f). */
static size_t
word_right(const struct edit *e, size_t pos)
{
	while (pos < e->len && !is_word(e->buf[pos]))
		pos++;
	while (pos < e->len && is_word(e->buf[pos]))
		pos++;
	return pos;
}

/* Start of the whitespace-delimited word before pos (C-w). */
static size_t
space_word_left(const struct edit *e, size_t pos)
{
	while (pos > 0 && iswspace((wint_t)e->buf[pos - 1]))
		pos--;
	while (pos > 0 && !iswspace((wint_t)e->buf[pos - 1]))
		pos--;
	return pos;
}

/* Replaces the whole line with UTF-8 s, cursor at the end. */
static void
load(struct edit *e, const char *s)
{
	edit_clear(e);
	edit_replace(e, 0, 0, s);
}

/* Moves through the input history; dir is -1 (older) or +1 (newer). */
static int
history(struct edit *e, int dir)
{
	if (dir < 0) {
		if (e->histpos == 0)
			return -1;
		if (e->histpos == e->nhist) {
			free(e->draft);
			e->draft = edit_string(e);
		}
		e->histpos--;
		load(e, e->hist[e->histpos]);
		return 0;
	}
	if (e->histpos >= e->nhist)
		return -1;
	e->histpos++;
	if (e->histpos == e->nhist) {
		load(e, e->draft ? e->draft : "");
		free(e->draft);
		e->draft = NULL;
	} else {
		load(e, e->hist[e->histpos]);
	}
	return 0;
}

/* Performs one editing function. */
int
edit_fn(struct edit *e, enum edit_fn fn)
{
	size_t to;
	switch (fn) {
	case EDIT_HOME:
		e->pos = 0;
		return 0;
	case EDIT_END:
		e->pos = e->len;
		return 0;
	case EDIT_LEFT:
		if (e->pos == 0)
			return -1;
		e->pos = prev_cluster(e, e->pos);
		return 0;
	case EDIT_RIGHT:
		if (e->pos == e->len)
			return -1;
		e->pos = next_cluster(e, e->pos);
		return 0;
	case EDIT_WORD_LEFT:
		if (e->pos == 0)
			return -1;
		e->pos = word_left(e, e->pos);
		return 0;
	case EDIT_WORD_RIGHT:
		if (e->pos == e->len)
			return -1;
		e->pos = word_right(e, e->pos);
		return 0;
	case EDIT_BACKSPACE:
		return cut(e, prev_cluster(e, e->pos), e->pos, false);
	case EDIT_DELETE:
		return cut(e, e->pos, next_cluster(e, e->pos), false);
	case EDIT_KILL_WORD_BACK:
		return cut(e, space_word_left(e, e->pos), e->pos, true);
	case EDIT_KILL_WORD_FWD:
		to = word_right(e, e->pos);
		return cut(e, e->pos, to, true);
	case EDIT_KILL_HEAD:
		return cut(e, 0, e->pos, true);
	case EDIT_KILL_TAIL:
		return cut(e, e->pos, e->len, true);
	case EDIT_YANK:
		if (e->killlen == 0)
			return -1;
		return insert_n(e, e->kill, e->killlen);
	case EDIT_HISTORY_PREV:
		return history(e, -1);
	case EDIT_HISTORY_NEXT:
		return history(e, +1);
	}
	return -1;
}

/* Replaces characters [from, to) with UTF-8 s; the cursor goes after it. */
int
edit_replace(struct edit *e, size_t from, size_t to, const char *s)
{
	if (from > to || to > e->len)
		return -1;
	size_t n;
	wchar_t *w = decode(s, strlen(s), &n);
	size_t removed = wcs_bytes(e->buf + from, to - from);
	if (e->bytes - removed + wcs_bytes(w, n) > e->max) {
		free(w);
		return -1;
	}
	cut(e, from, to, false);
	e->pos = from;
	insert_n(e, w, n);
	free(w);
	return 0;
}

/* Characters [from, to) of the line as a new UTF-8 string. */
char *
edit_substring(const struct edit *e, size_t from, size_t to)
{
	if (to > e->len)
		to = e->len;
	if (from > to)
		from = to;
	char *s = xmalloc(wcs_bytes(e->buf + from, to - from) + 1);
	size_t k = 0;
	for (size_t i = from; i < to; i++)
		k += utf8_encode((uint32_t)e->buf[i], s + k);
	s[k] = '\0';
	return s;
}

/* The line as a new UTF-8 string. */
char *
edit_string(const struct edit *e)
{
	return edit_substring(e, 0, e->len);
}

/* Takes the line out of the editor and records it in the history. */
char *
edit_take(struct edit *e)
{
	char *s = edit_string(e);
	if (*s != '\0' && (e->nhist == 0 || strcmp(e->hist[e->nhist - 1], s) != 0)) {
		if (e->nhist == EDIT_HISTORY) {
			free(e->hist[0]);
			memmove(e->hist, e->hist + 1, (e->nhist - 1) * sizeof(*e->hist));
			e->nhist--;
		}
		e->hist = xreallocarray(e->hist, e->nhist + 1, sizeof(*e->hist));
		e->hist[e->nhist++] = xstrdup(s);
	}
	e->histpos = e->nhist;
	free(e->draft);
	e->draft = NULL;
	edit_clear(e);
	return s;
}

/* Columns from the start of the line to the cursor. */
size_t
edit_cursor_col(const struct edit *e)
{
	size_t col = 0;
	for (size_t i = 0; i < e->pos; i++)
		col += (size_t)cp_width((uint32_t)e->buf[i]);
	return col;
}

/* First character to draw in a field of width columns so the cursor shows. */
size_t
edit_scroll(const struct edit *e, size_t width, size_t *col)
{
	size_t cur = edit_cursor_col(e);
	if (width == 0) {
		*col = 0;
		return e->pos;
	}
	if (cur < width) {
		*col = cur;
		return 0;
	}
	/* Keep the cursor in the last column: the text before it fills width - 1. */
	size_t start = e->pos;
	size_t used = 0;
	while (start > 0) {
		size_t w = (size_t)cp_width((uint32_t)e->buf[start - 1]);
		if (used + w > width - 1)
			break;
		used += w;
		start--;
	}
	while (start < e->pos && is_mark(e->buf[start]))
		start++;
	*col = used;
	return start;
}
