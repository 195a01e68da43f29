/* Key bindings from the key.* options: parsing keys, looking them up, writing them back. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"

const char *const keymap_actions[KEYACT_COUNT] = {
    "next", "prev", "page_up", "page_down", "redraw", "quit"};

/* Function keys by name. */
static const struct {
	const char *name;
	int code;
} fn_names[] = {
    {"PageUp", KEY_PPAGE},
    {"PageDown", KEY_NPAGE},
    {"Home", KEY_HOME},
    {"End", KEY_END},
    {"Up", KEY_UP},
    {"Down", KEY_DOWN},
    {"Left", KEY_LEFT},
    {"Right", KEY_RIGHT},
    {"Insert", KEY_IC},
    {"Delete", KEY_DC},
};

/* The built-in bindings. */
void
keymap_default(struct keymap *m)
{
	memset(m, 0, sizeof(*m));
	m->keys[KEYACT_NEXT][0] = (struct key){false, false, 'n' & 0x1f};
	m->keys[KEYACT_PREV][0] = (struct key){false, false, 'p' & 0x1f};
	m->keys[KEYACT_PAGE_UP][0] = (struct key){true, false, KEY_PPAGE};
	m->keys[KEYACT_PAGE_DOWN][0] = (struct key){true, false, KEY_NPAGE};
	m->keys[KEYACT_REDRAW][0] = (struct key){false, false, 'l' & 0x1f};
	m->keys[KEYACT_QUIT][0] = (struct key){false, false, 'c' & 0x1f};
	for (size_t i = 0; i < KEYACT_COUNT; i++)
		m->n[i] = 1;
}

/* Reads one key name. */
static int
parse_key(const char *w, struct key *k, struct err *e)
{
	*k = (struct key){0};
	size_t len = strlen(w);
	if (len == 3 && w[0] == 'C' && w[1] == '-' && w[2] >= 'a' && w[2] <= 'z' && w[2] != 'i' &&
	    w[2] != 'm' && w[2] != 'j') {
		k->code = w[2] & 0x1f;
		return 0;
	}
	if (len == 3 && w[0] == 'M' && w[1] == '-' && w[2] > ' ' && w[2] < 0x7f) {
		k->meta = true;
		k->code = (unsigned char)w[2];
		return 0;
	}
	if (w[0] == 'F' && len >= 2 && len <= 3) {
		char *end;
		long n = strtol(w + 1, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 12 && w[1] != '0') {
			k->fn = true;
			k->code = KEY_F((int)n);
			return 0;
		}
	}
	for (size_t i = 0; i < nitems(fn_names); i++) {
		if (strcmp(w, fn_names[i].name) == 0) {
			k->fn = true;
			k->code = fn_names[i].code;
			return 0;
		}
	}
	return err_set(e, ERR_USAGE,
	    "cannot read the key \"%s\": write C-x (Control and a letter but i, j, m), M-x "
	    "(Alt and a character), F1 to F12, PageUp, PageDown, Home, End, Up, Down, Left, "
	    "Right, Insert, Delete, or none",
	    w);
}

/* Binds key.ACTION to the keys of value. */
int
keymap_set(struct keymap *m, const char *key, const char *value, struct err *e)
{
	size_t a = 0;
	if (strncmp(key, "key.", 4) == 0)
		while (a < KEYACT_COUNT && strcmp(key + 4, keymap_actions[a]) != 0)
			a++;
	if (strncmp(key, "key.", 4) != 0 || a == KEYACT_COUNT)
		return err_set(e, ERR_USAGE, "no key option %s", key);
	struct key v[KEYMAP_MAX];
	size_t n = 0;
	bool none = false;
	const char *p = value;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, " \t");
		if (len == 0)
			break;
		char w[32];
		snprintf(w, sizeof(w), "%.*s", (int)(len < sizeof(w) ? len : sizeof(w) - 1), p);
		p += len;
		if (strcmp(w, "none") == 0) {
			none = true;
			continue;
		}
		if (n == KEYMAP_MAX)
			return err_set(e, ERR_USAGE, "at most %d keys for one action", KEYMAP_MAX);
		if (parse_key(w, &v[n], e) < 0)
			return -1;
		n++;
	}
	if (n == 0 && !none)
		return err_set(e, ERR_USAGE, "empty: write none for no key");
	if (n > 0 && none)
		return err_set(e, ERR_USAGE, "none and keys together");
	memcpy(m->keys[a], v, n * sizeof(*v));
	m->n[a] = n;
	return 0;
}

/* Appends the name of one key. */
static void
put_key(struct buf *b, const struct key *k)
{
	if (!k->fn) {
		if (k->meta)
			buf_printf(b, "M-%c", k->code);
		else
			buf_printf(b, "C-%c", k->code | 0x60);
		return;
	}
	for (size_t i = 0; i < nitems(fn_names); i++) {
		if (fn_names[i].code == k->code) {
			buf_puts(b, fn_names[i].name);
			return;
		}
	}
	buf_printf(b, "F%d", k->code - KEY_F0);
}

/* The keys of key.ACTION, as keymap_set reads them. */
char *
keymap_get(const struct keymap *m, const char *key)
{
	for (size_t a = 0; a < KEYACT_COUNT; a++) {
		if (strncmp(key, "key.", 4) != 0 || strcmp(key + 4, keymap_actions[a]) != 0)
			continue;
		struct buf b = {0};
		for (size_t i = 0; i < m->n[a]; i++) {
			if (i)
				buf_puts(&b, " ");
			put_key(&b, &m->keys[a][i]);
		}
		if (b.len == 0)
			buf_puts(&b, "none");
		return b.data;
	}
	return NULL;
}

/* The action bound to a key. */
enum key_action
keymap_lookup(const struct keymap *m, bool fn, bool meta, int code)
{
	for (size_t a = 0; a < KEYACT_COUNT; a++)
		for (size_t i = 0; i < m->n[a]; i++) {
			const struct key *k = &m->keys[a][i];
			if (k->fn == fn && k->code == code && (fn || k->meta == meta))
				return (enum key_action)a;
		}
	return KEYACT_NONE;
}
