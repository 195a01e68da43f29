/*
 * The input line: a pure line editor over wchar_t with Emacs keys, a kill
 * ring of one, input history, bracketed-paste insertion and a maximum length
 * in UTF-8 bytes (the protocol's message body limit). No I/O, no curses.
 *
 * The cursor never rests between a character and the zero-width marks that
 * follow it (combining accents, ZWJ, variation selectors): moving and
 * deleting work on such clusters.
 */
#ifndef NATTER_EDIT_H
#define NATTER_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* Default maximum of a line: the protocol's message body limit in bytes. */
#define EDIT_MAX_BYTES 16384
/* Lines kept in the input history. */
#define EDIT_HISTORY 100

enum edit_fn {
	EDIT_HOME, /* C-a, Home */
	EDIT_END, /* C-e, End */
	EDIT_LEFT, /* C-b, Left */
	EDIT_RIGHT, /* C-f, Right */
	EDIT_WORD_LEFT, /* M-b */
	EDIT_WORD_RIGHT, /* M-f */
	EDIT_BACKSPACE, /* Backspace, C-h */
	EDIT_DELETE, /* Delete, C-d */
	EDIT_KILL_WORD_BACK, /* C-w: back to the previous whitespace */
	EDIT_KILL_WORD_FWD, /* M-d */
	EDIT_KILL_HEAD, /* C-u */
	EDIT_KILL_TAIL, /* C-k */
	EDIT_YANK, /* C-y */
	EDIT_HISTORY_PREV, /* Up */
	EDIT_HISTORY_NEXT, /* Down */
};

struct edit {
	wchar_t *buf; /* not NUL-terminated */
	size_t len; /* characters in buf */
	size_t cap;
	size_t pos; /* cursor, 0..len */
	size_t bytes; /* UTF-8 length of buf */
	size_t max; /* maximum UTF-8 length */
	wchar_t *kill; /* the kill ring of one */
	size_t killlen;
	char **hist; /* UTF-8 lines, oldest first */
	size_t nhist;
	size_t histpos; /* nhist while editing a fresh line */
	char *draft; /* the fresh line, saved while browsing history */
};

/* An empty editor refusing lines longer than max UTF-8 bytes (0: EDIT_MAX_BYTES). */
void edit_init(struct edit *e, size_t max);
void edit_free(struct edit *e);
/* Empties the line (the kill ring and history stay). */
void edit_clear(struct edit *e);
/*
 * Inserts c at the cursor. Returns -1 (and changes nothing) when the line
 * would exceed its maximum or c is not a character the line can hold.
 */
int edit_insert(struct edit *e, wchar_t c);
/*
 * Inserts pasted UTF-8 text at the cursor: invalid bytes become U+FFFD, a
 * line break (CR, LF, CRLF) becomes '\n', tab becomes a space, and other
 * control characters are dropped. Stops at the maximum length, never in the
 * middle of a character. Returns the number of characters inserted.
 */
size_t edit_paste(struct edit *e, const char *s, size_t len);
/* Performs an editing function; returns -1 when it could not (e.g. at the edge). */
int edit_fn(struct edit *e, enum edit_fn fn);
/* Replaces characters [from, to) with UTF-8 s and leaves the cursor after it. */
int edit_replace(struct edit *e, size_t from, size_t to, const char *s);
/* The line as a new UTF-8 string. */
char *edit_string(const struct edit *e);
/* Characters [from, to) of the line as a new UTF-8 string. */
char *edit_substring(const struct edit *e, size_t from, size_t to);
/*
 * The line as a new UTF-8 string, recorded in the history (unless empty or
 * equal to the last entry); the line is emptied.
 */
char *edit_take(struct edit *e);
/* Columns from the start of the line to the cursor. */
size_t edit_cursor_col(const struct edit *e);
/*
 * For an input field `width` columns wide, the first character to draw so
 * the cursor is visible; sets *col to the cursor's column within the field.
 */
size_t edit_scroll(const struct edit *e, size_t width, size_t *col);

#endif
