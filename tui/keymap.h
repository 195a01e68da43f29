/*
 * The interface's key bindings that the config file's key.* options change:
 * key.next = C-n M-Down binds those keys to the next conversation in place
 * of the default ones. A key is C-x (Control), M-x (Alt/Meta and a
 * character), F1..F12, or PageUp, PageDown, Home, End, Up, Down, Left,
 * Right, Insert, Delete. Bindings come before the editing keys. Pure but
 * for curses' key codes.
 */
#ifndef NATTER_KEYMAP_H
#define NATTER_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* What a bound key does, in the order of keymap_actions. */
enum key_action {
	KEYACT_NEXT, /* the next conversation in the list */
	KEYACT_PREV, /* the previous one */
	KEYACT_PAGE_UP, /* scroll the messages back */
	KEYACT_PAGE_DOWN, /* and forward */
	KEYACT_REDRAW, /* repaint the terminal */
	KEYACT_QUIT, /* leave natter */
	KEYACT_COUNT,
	KEYACT_NONE = -1
};

/* One key: a character (with Alt when meta) or a curses function key code. */
struct key {
	bool fn, meta;
	int code;
};

#define KEYMAP_MAX 4 /* keys per action */
struct keymap {
	struct key keys[KEYACT_COUNT][KEYMAP_MAX];
	size_t n[KEYACT_COUNT];
};

/* The actions' option names without "key.": next, prev, page_up, ... */
extern const char *const keymap_actions[KEYACT_COUNT];
/* The built-in bindings: C-n, C-p, PageUp, PageDown, C-l, C-c. */
void keymap_default(struct keymap *m);
/* Binds option key (key.ACTION) to value's keys ("none": no key); -1 with e, m unchanged. */
int keymap_set(struct keymap *m, const char *key, const char *value, struct err *e);
/* The value of option key as keymap_set reads it; NULL for an unknown key. */
char *keymap_get(const struct keymap *m, const char *key);
/* The action bound to a key, or KEYACT_NONE. */
enum key_action keymap_lookup(const struct keymap *m, bool fn, bool meta, int code);

#endif
