/*
 * What the message window of one conversation holds: its history rows
 * merged by time with the local notices, then the sends still waiting in
 * the outbox. timeline_fill builds it from scratch; timeline_merge brings
 * it up to date with the newest rows, so the messages already there keep
 * their sanitised text and their wrapping (catgirl's bufferPush), and only
 * what is new is built. Each row is drawn as folded (edited, deleted,
 * reactions, reply quote, notice lines). Pure: no curses, no stores; the
 * caller reads them.
 */
#ifndef NATTER_TIMELINE_H
#define NATTER_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "fold.h"
#include "history.h"
#include "view.h"

/* Rows already in the window read with the new ones, so they join it. */
#define TIMELINE_OVERLAP 8

/* A local notice (help, errors, search results): kept apart from history. */
struct notice {
	int64_t ts;
	char *conv; /* the conversation shown when it was made, or NULL */
	char *text;
};

/* What a window shows besides its history rows. */
struct timeline {
	const char *me; /* own messages are marked VIEW_OWN */
	const char *conv; /* the conversation shown, or NULL (then every notice) */
	const struct notice *notices; /* oldest first */
	size_t nnotices;
	const struct outbox_item *outbox; /* queued sends, any conversation */
	size_t noutbox;
	int64_t hit; /* history id of a search hit to highlight, or 0 */
	/*
	 * How each row is shown (core/fold.c), parallel to the rows given to
	 * timeline_fill or timeline_merge; NULL: every row as it came.
	 */
	const struct folded *folds;
	int64_t until; /* a window ending in the past: no notice after this time (0: none) */
	const char *mention; /* lines naming this user are marked VIEW_MENTION (NULL: none) */
};

/* Empties v and fills it with rows (oldest first), the notices and the pending sends. */
void timeline_fill(struct view *v, const struct message *rows, size_t n, const struct timeline *t);
/*
 * Merges the newest rows of the conversation (oldest first, as
 * history_messages reads them) into v, which timeline_fill filled for the
 * same conversation, and renews its pending sends. fresh is how many of the
 * rows should be new to v. Returns how many were; or -1, v untouched, when
 * the rows do not join v or the count differs (a row came in older than
 * them): then the caller fills v again.
 */
int timeline_merge(
    struct view *v, const struct message *rows, size_t n, size_t fresh, const struct timeline *t);

#endif
