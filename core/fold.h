/*
 * Folding (docs/protocol.md, "Items"): how a conversation is shown from
 * its items. Given a line (a text message, a member change or a title) and
 * the items that act on it (its edits, deletes and reactions), says the
 * text shown, whether it was edited or deleted, its reactions with counts
 * and who, its reply quote, and the notice text of member and title items.
 * Pure: no I/O; core/history-fold.c fetches the items of a window of lines
 * from history.db and calls these.
 */
#ifndef NATTER_FOLD_H
#define NATTER_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* One reaction shown under a line: its text, and who reacted, oldest first. */
struct fold_reaction {
	char *text;
	char **who;
	size_t n;
};

/* The quote of a reply's target. */
struct fold_quote {
	char *sender;
	uint64_t seq;
	bool known; /* the target is held (else shown as sender:seq) */
	bool deleted;
	char *text; /* the target's shown text; NULL when unknown or deleted */
};

/* A line as shown. Strings are owned (fold_free). */
struct folded {
	char *text; /* the shown text (newest edit or own body); NULL when deleted or a notice */
	bool edited;
	bool deleted;
	bool action; /* "* sender text" */
	char *notice; /* member and title items: "alice added carol"; NULL otherwise */
	struct fold_reaction *reactions; /* in order of first appearance */
	size_t nreactions;
	bool reply;
	struct fold_quote quote; /* when reply */
};

/*
 * Folds one line with the items acting on it (acts: any items, those that
 * do not target the line are skipped, so a window's whole set may be
 * passed). target is the reply's target when line replies and it is held
 * (NULL: not held); acts must then hold the items acting on the target
 * too (its edits and deletion). out is overwritten.
 */
void fold_line(const struct message *line, const struct message *acts, size_t nacts,
    const struct message *target, struct folded *out);
/* The shown text of a text message given the items acting on it; NULL when deleted. */
const char *fold_text(const struct message *line, const struct message *acts, size_t nacts,
    bool *edited, bool *deleted);
/* The notice of a member or title item ("bob left"), or NULL for other kinds (allocated). */
char *fold_notice(const struct message *m);
/* True when item a acts on message (sender, seq): an edit, delete or react targeting it. */
bool fold_acts_on(const struct message *a, const char *sender, uint64_t seq);
void fold_free(struct folded *f);
/* Frees an array of n folded lines and the array. */
void folds_free(struct folded *v, size_t n);

#endif
