/*
 * Tab completion on the input line: member names (the most recent speakers
 * first) anywhere on the line, /commands at its start, conversation titles
 * after /go, /mute, /unmute and /close, command names after /help. A name
 * becomes "@name " (a mention), or "name: " at the start of a line when no
 * @ was typed. Repeated Tab cycles through the matches; any other key ends
 * the cycle. Pure: no I/O.
 */
#ifndef NATTER_COMPLETE_H
#define NATTER_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>

#include "edit.h"

/* What Tab completes. */
enum complete_what {
	COMPLETE_WORD, /* a name, or a /command at the start of the line */
	COMPLETE_TITLES, /* a conversation title (after /go, /mute, /unmute, /close) */
	COMPLETE_COMMANDS, /* a command name (after /help) */
};

struct complete {
	char **names; /* most recent first */
	size_t n, cap;
	char **titles; /* conversation titles, for /go, /mute, /unmute, /close */
	size_t ntitles;
	bool active; /* a Tab cycle is under way */
	enum complete_what what; /* of the cycle */
	size_t start; /* where the word being completed starts (characters) */
	char *prefix; /* what the user had typed of it */
	long cur; /* index of the match shown, -1 before the first */
};

void complete_init(struct complete *c);
void complete_free(struct complete *c);
/* Forgets every name (another conversation is shown). */
void complete_clear(struct complete *c);
/* Replaces the conversation titles completed after /go, /mute, /unmute and /close. */
void complete_set_titles(struct complete *c, char *const *titles, size_t n);
/* Adds name, or moves it to the front when it is already known. */
void complete_touch(struct complete *c, const char *name);
/*
 * Completes the word before the cursor, or cycles to the next (dir +1) or
 * previous (dir -1) match. Returns -1 when nothing matches.
 */
int complete_tab(struct complete *c, struct edit *e, int dir);
/* Ends a Tab cycle (call on every key but Tab). */
void complete_reset(struct complete *c);

#endif
