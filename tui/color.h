/*
 * Colours: a stable colour for each user name, so a person looks the same
 * everywhere, and the theme the config file's color.* options set. Pure: the
 * screen (screen.c) turns a style into curses pairs and attributes.
 */
#ifndef NATTER_COLOR_H
#define NATTER_COLOR_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Index 0..n-1 for name, the same on every run and machine (FNV-1a). */
size_t color_of_name(const char *name, size_t n);

/* Attributes of a style. */
enum {
	COLOR_BOLD = 1 << 0,
	COLOR_DIM = 1 << 1,
	COLOR_REVERSE = 1 << 2,
	COLOR_UNDERLINE = 1 << 3,
};
/* A colour: -1 the terminal's default, 0..255 a colour number, COLOR_KEEP none given. */
#define COLOR_KEEP (-2)

/* How one part of the screen is drawn. */
struct color_style {
	short fg, bg;
	unsigned attrs;
};

/* The parts of the screen a color.NAME option sets, in the order of color_parts. */
enum color_part {
	COLOR_TIME, /* the HH:MM of each message */
	COLOR_OWN, /* your own name (its colour: the name's own unless given) */
	COLOR_MENTION, /* the text of a message that names you */
	COLOR_INFO, /* -!- notices of the interface */
	COLOR_MARKER, /* the "new since you left" rule */
	COLOR_DAY, /* the day rule */
	COLOR_STATUS, /* the status line */
	COLOR_PENDING, /* messages not yet acknowledged by the server */
	COLOR_PARTS
};
#define COLOR_NAMES_MAX 16

struct theme {
	struct color_style part[COLOR_PARTS];
	short names[COLOR_NAMES_MAX]; /* the colours of user names */
	size_t nnames;
};

/* The parts' option names without "color." ("time", "own", ...), and "names". */
extern const char *const color_parts[COLOR_PARTS];
/* The built-in theme. */
void theme_default(struct theme *t);
/*
 * Sets option key (color.PART or color.names) from value; -1 with e (naming
 * neither file nor line: the caller adds them) when the value is bad or the
 * key unknown, and t is unchanged.
 */
int theme_set(struct theme *t, const char *key, const char *value, struct err *e);
/* The value of option key as theme_set would read it back; NULL for an unknown key. */
char *theme_get(const struct theme *t, const char *key);

#endif
