/*
 * The message view of one conversation: a bounded window of messages (never
 * the whole history), laid out bottom-up into screen rows with a hanging
 * indent, day separators and the marker line where unread messages start.
 * Each message keeps its wrapping until the width changes; a reflow is
 * lazy: view_layout wraps again only the messages it lays out. A message
 * may carry a one-line quote of the message it replies to (above it) and
 * its reactions (below it, packed into lines). Pure: no curses, no stores;
 * the caller (timeline.c) feeds it messages.
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
	VIEW_EDITED = 1 << 6, /* its text is an edit: " (edited)" is drawn after it */
	VIEW_DELETED = 1 << 7, /* deleted: "(deleted)" is drawn instead of a text */
	VIEW_ACTION = 1 << 8, /* an action (/me): drawn "* sender text" */
	VIEW_EVENT = 1 << 9, /* a membership or title change: a notice line from history */
	VIEW_SELECTED = 1 << 10, /* the message selected for an operation */
	VIEW_MENTION = 1 << 11, /* names the user: highlighted */
	VIEW_LOST = 1 << 12, /* kept here, lost by the server in a restore: a mark after it */
};

/* The mark after an edited text and the text of a deleted message. */
#define VIEW_EDITED_MARK " (edited)"
#define VIEW_DELETED_MARK "(deleted)"
/* The mark after a message the server lost in a restore (docs/protocol.md, "Server epoch"). */
#define VIEW_LOST_MARK "(lost in a server restore)"

struct view_msg {
	int64_t ts; /* milliseconds since the epoch */
	int64_t id; /* the caller's key (history row), or 0 */
	uint64_t seq; /* the sender's sequence number of a history row, or 0 */
	char *cid; /* client id of an own message, or NULL */
	char *sender; /* sanitised */
	char *body; /* sanitised; '\n' separates lines; ends with the mark */
	size_t bodylen;
	size_t marklen; /* the last marklen bytes of body are a mark: " (edited)", "(deleted)" */
	size_t prefixw; /* columns of "HH:MM <sender> " */
	int flags;
	struct wrap wrap; /* cached wrapping for wrapw columns */
	char *quote; /* "alice: first words" of the message replied to, sanitised; or NULL */
	size_t quotelen;
	char *react; /* the reactions, sanitised, two spaces between them; or NULL */
	size_t reactlen;
	struct wrap rwrap; /* the reactions packed into lines for wrapw columns */
	size_t wrapw;
};

/* One reaction under a message: who reacted with emoji. */
struct view_reaction {
	const char *emoji;
	const char *const *who; /* the reactors, in the order to show */
	size_t n;
};

/* Names shown after a reaction's count; more are summed up as "+N". */
#define VIEW_REACT_NAMES 3
/* Columns of "HH:MM ", where a quote line starts. */
#define VIEW_TIME_COLS 6

struct view {
	struct view_msg **msgs; /* oldest first */
	size_t n, cap, max;
	char *marker; /* text of the unread marker line */
};

enum view_row_kind {
	VIEW_ROW_TEXT, /* a line of a message */
	VIEW_ROW_QUOTE, /* the quote above a reply: bytes off, len of msg->quote */
	VIEW_ROW_REACT, /* a line of reactions: bytes off, len of msg->react */
	VIEW_ROW_DAY, /* a day separator: text holds the date */
	VIEW_ROW_UNREAD, /* the unread marker line: view->marker */
};

struct view_row {
	enum view_row_kind kind;
	struct view_msg *msg; /* for TEXT rows; the message below for the others */
	size_t index; /* of msg in the window */
	bool first; /* the message's first row: draw time and sender */
	size_t indent; /* columns before the text */
	size_t off, len; /* the text: bytes of msg->body (or quote, react) */
	bool cut; /* a quote cut at the edge: draw "…" after it */
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
 * Replaces m's text with body (raw network text, sanitised here) and its
 * VIEW_EDITED, VIEW_DELETED and VIEW_ACTION flags with those of flags; the
 * text is wrapped again when next laid out.
 */
void view_msg_set_text(struct view_msg *m, const char *body, size_t bodylen, int flags);
/*
 * Sets the quote above m: sender and the first line of text (raw); text
 * NULL: the sender alone (a name such as "alice:3"); sender NULL: none.
 */
void view_msg_set_quote(struct view_msg *m, const char *sender, const char *text);
/* Sets the reactions under m ("👍 2 alice, bob"); n 0: none. */
void view_msg_set_reactions(struct view_msg *m, const struct view_reaction *r, size_t n);
/*
 * Packs the units of text (separated by two spaces, as the reactions are)
 * into lines of at most width columns; a unit wider than a line stands
 * alone (the screen clips it). Each line of w covers whole units.
 */
void view_pack_units(struct wrap *w, const char *text, size_t len, size_t width);
/* The text of m without its mark, as a new string. */
char *view_msg_text(const struct view_msg *m);

/* True when message i can be selected: a history row of a message, not a notice. */
bool view_selectable(const struct view *v, size_t i);
/* The selectable message nearest to i in direction dir (-1 older, 1 newer), or SIZE_MAX. */
size_t view_select_step(const struct view *v, size_t i, int dir);
/* The newest selectable message, or SIZE_MAX. */
size_t view_select_newest(const struct view *v);
/* Finds the message with history id, or SIZE_MAX. */
size_t view_find(const struct view *v, int64_t id);
/*
 * The scroll (rows up from the bottom) nearest to scroll that shows all of
 * message i on a screen of width x height (its top when it is taller).
 */
size_t view_scroll_to(struct view *v, size_t i, size_t width, size_t height, size_t scroll);
/* Formats the "HH:MM" of ts in local time into out (6 bytes). */
void view_time(int64_t ts, char out[6]);

#endif
