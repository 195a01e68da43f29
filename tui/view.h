/*
 * The message view of one conversation: a bounded window of messages (never
 * the whole history), laid out bottom-up into screen rows with a hanging
 * indent, day separators and the marker line where unread messages start.
 * Each message keeps its wrapping until the width changes; a reflow is
 * lazy: view_layout wraps again only the messages it lays out. Pure: no
 * curses, no stores; the caller (timeline.c) feeds it messages.
 */
#ifndef NATTER_VIEW_H
#define NATTER_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrap.h"

/* Messages a view keeps by default; older ones are dropped from the window. */
#define VIEW_WINDOW 1000

enum view_flags {
	VIEW_PENDING = 1 << 0, /* sent, not yet acknowledged: drawn dimmed */
	VIEW_OWN = 1 << 1, /* written by the user */
	VIEW_INFO = 1 << 2, /* a local notice (help, errors, search results) */
	VIEW_UNREAD = 1 << 3, /* the first unread message: the marker goes above */
	VIEW_FAILED = 1 << 4, /* the server refused it */
	VIEW_HIT = 1 << 5, /* the message a search jumped to */
	VIEW_MENTION = 1 << 6, /* names the user: highlighted */
};

struct view_msg {
	int64_t ts; /* milliseconds since the epoch */
	int64_t id; /* the caller's key (history row), or 0 */
	char *cid; /* client id of an own message, or NULL */
	char *sender; /* sanitised */
	char *body; /* sanitised; '\n' separates lines */
	size_t bodylen;
	size_t prefixw; /* columns of "HH:MM <sender> " */
	int flags;
	struct wrap wrap; /* cached wrapping for wrapw columns */
	size_t wrapw;
};

struct view {
	struct view_msg **msgs; /* oldest first */
	size_t n, cap, max;
	char *marker; /* text of the unread marker line */
};

enum view_row_kind {
	VIEW_ROW_TEXT, /* a line of a message */
	VIEW_ROW_DAY, /* a day separator: text holds the date */
	VIEW_ROW_UNREAD, /* the unread marker line: view->marker */
};

struct view_row {
	enum view_row_kind kind;
	struct view_msg *msg; /* for TEXT rows; the message below for the others */
	size_t index; /* of msg in the window */
	bool first; /* the message's first row: draw time and sender */
	size_t indent; /* columns before the text */
	size_t off, len; /* the text: bytes of msg->body */
	char text[64]; /* for DAY rows */
};

void view_init(struct view *v, size_t max);
void view_free(struct view *v);
/* Empties the window. */
void view_clear(struct view *v);
/*
 * Appends a message (sender and body are raw network text; they are
 * sanitised here). When the window is full the oldest messages go.
 * Returns the message, owned by the view.
 */
struct view_msg *view_append(
    struct view *v, int64_t ts, const char *sender, const char *body, size_t bodylen, int flags);
/* Appends message m (made by view_append or detached), now owned by the view. */
void view_push(struct view *v, struct view_msg *m);
/* Takes messages [from, n) out of the window into an array the caller frees. */
struct view_msg **view_detach(struct view *v, size_t from, size_t *n);
/* Frees one message taken out of a view. */
void view_msg_free(struct view_msg *m);
/* Puts the unread marker above message i (SIZE_MAX: no marker) with the given text. */
void view_mark_unread(struct view *v, size_t i, const char *text);
/*
 * Lays out the view for a screen `width` columns wide and `height` rows
 * high, scrolled *scroll rows up from the bottom (clamped here to what
 * exists). Fills rows[0..height) top to bottom and returns how many it
 * filled. Costs O(what is shown + scroll), not O(window).
 */
size_t view_layout(
    struct view *v, size_t width, size_t height, size_t *scroll, struct view_row *rows);
/*
 * Rows from the top of message i (with its separators) to the bottom of the
 * view: the scroll that brings message i to the top is this minus height.
 */
/* Formats the "HH:MM" of ts in local time into out (6 bytes). */
void view_time(int64_t ts, char out[6]);

#endif
