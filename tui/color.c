/* Name colours from a hash, and the theme of the color.* options. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "color.h"

const char *const color_parts[COLOR_PARTS] = {
    "time", "own", "mention", "info", "marker", "day", "status", "pending"};

/* Colour words, by number: 0..7, then "default" for -1. */
static const char *const color_words[] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};
static const struct {
	const char *word;
	unsigned bit;
} attr_words[] = {
    {"bold", COLOR_BOLD},
    {"dim", COLOR_DIM},
    {"reverse", COLOR_REVERSE},
    {"underline", COLOR_UNDERLINE},
};
#define WANT_COLOR "default, black, red, green, yellow, blue, magenta, cyan, white or 0 to 255"

/* Index 0..n-1 for name from its 32-bit FNV-1a hash. */
size_t
color_of_name(const char *name, size_t n)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	h ^= h >> 16;
	return n ? h % n : 0;
}

/* The built-in theme. */
void
theme_default(struct theme *t)
{
	static const struct color_style parts[COLOR_PARTS] = {
	    [COLOR_TIME] = {COLOR_KEEP, COLOR_KEEP, COLOR_DIM},
	    [COLOR_OWN] = {COLOR_KEEP, COLOR_KEEP, COLOR_BOLD},
	    [COLOR_MENTION] = {3, COLOR_KEEP, COLOR_BOLD},
	    [COLOR_INFO] = {6, COLOR_KEEP, 0},
	    [COLOR_MARKER] = {1, COLOR_KEEP, COLOR_BOLD},
	    [COLOR_DAY] = {COLOR_KEEP, COLOR_KEEP, COLOR_DIM},
	    [COLOR_STATUS] = {COLOR_KEEP, COLOR_KEEP, COLOR_REVERSE},
	    [COLOR_PENDING] = {COLOR_KEEP, COLOR_KEEP, COLOR_DIM},
	};
	/* The unused name slots too: a theme is compared and copied whole. */
	memset(t, 0, sizeof(*t));
	memcpy(t->part, parts, sizeof(parts));
	static const short names[] = {1, 2, 3, 4, 5, 6};
	memcpy(t->names, names, sizeof(names));
	t->nnames = nitems(names);
}

/* Reads one colour word or number. */
static int
parse_color(const char *w, short *out)
{
	if (strcmp(w, "default") == 0) {
		*out = -1;
		return 0;
	}
	for (size_t i = 0; i < nitems(color_words); i++) {
		if (strcmp(w, color_words[i]) == 0) {
			*out = (short)i;
			return 0;
		}
	}
	char *end;
	long n = strtol(w, &end, 10);
	if (*w < '0' || *w > '9' || *end || n > 255)
		return -1;
	*out = (short)n;
	return 0;
}

/* The next blank-separated word of *p, copied into w; false at the end. */
static bool
next_word(const char **p, char *w, size_t size)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
	size_t n = strcspn(*p, " \t");
	if (n == 0)
		return false;
	snprintf(w, size, "%.*s", (int)(n < size ? n : size - 1), *p);
	*p += n;
	return true;
}

/* Reads "[ATTR...] [COLOR] [on COLOR]" in any order, or "none". */
static int
parse_style(const char *s, struct color_style *out, struct err *e)
{
	struct color_style st = {COLOR_KEEP, COLOR_KEEP, 0};
	char w[32];
	const char *p = s;
	bool any = false, on = false;
	while (next_word(&p, w, sizeof(w))) {
		any = true;
		if (on) {
			if (parse_color(w, &st.bg) < 0)
				return err_set(e, ERR_USAGE,
				    "unknown background colour \"%s\": use " WANT_COLOR, w);
			on = false;
			continue;
		}
		if (strcmp(w, "on") == 0) {
			on = true;
			continue;
		}
		if (strcmp(w, "none") == 0 || strcmp(w, "normal") == 0)
			continue;
		size_t i = 0;
		while (i < nitems(attr_words) && strcmp(w, attr_words[i].word) != 0)
			i++;
		if (i < nitems(attr_words)) {
			st.attrs |= attr_words[i].bit;
			continue;
		}
		if (st.fg != COLOR_KEEP || parse_color(w, &st.fg) < 0)
			return err_set(e, ERR_USAGE,
			    "cannot read \"%s\": want a colour (" WANT_COLOR
			    "), \"on\" and a background colour, bold, dim, reverse, underline "
			    "or none",
			    w);
	}
	if (on)
		return err_set(e, ERR_USAGE, "\"on\" wants a background colour after it");
	if (!any)
		return err_set(e, ERR_USAGE, "empty: write none for no colour");
	*out = st;
	return 0;
}

/* Sets color.PART or color.names from value. */
int
theme_set(struct theme *t, const char *key, const char *value, struct err *e)
{
	if (strncmp(key, "color.", 6) != 0)
		return err_set(e, ERR_USAGE, "%s is not a colour option", key);
	const char *part = key + 6;
	if (strcmp(part, "names") == 0) {
		short v[COLOR_NAMES_MAX];
		size_t n = 0;
		char w[32];
		const char *p = value;
		while (next_word(&p, w, sizeof(w))) {
			if (n == COLOR_NAMES_MAX)
				return err_set(
				    e, ERR_USAGE, "at most %d name colours", COLOR_NAMES_MAX);
			if (parse_color(w, &v[n]) < 0)
				return err_set(
				    e, ERR_USAGE, "unknown colour \"%s\": use " WANT_COLOR, w);
			n++;
		}
		if (n == 0)
			return err_set(e, ERR_USAGE, "want one colour or more");
		memcpy(t->names, v, n * sizeof(*v));
		t->nnames = n;
		return 0;
	}
	for (size_t i = 0; i < COLOR_PARTS; i++)
		if (strcmp(part, color_parts[i]) == 0)
			return parse_style(value, &t->part[i], e);
	return err_set(e, ERR_USAGE, "no colour option %s", key);
}

/* Appends one colour as its word or number. */
static void
put_color(struct buf *b, short c)
{
	if (c == -1)
		buf_puts(b, "default");
	else if (c >= 0 && (size_t)c < nitems(color_words))
		buf_puts(b, color_words[c]);
	else
		buf_printf(b, "%d", c);
}

/* The value of a colour option, as theme_set reads it. */
char *
theme_get(const struct theme *t, const char *key)
{
	if (strncmp(key, "color.", 6) != 0)
		return NULL;
	struct buf b = {0};
	if (strcmp(key + 6, "names") == 0) {
		for (size_t i = 0; i < t->nnames; i++) {
			if (i)
				buf_puts(&b, " ");
			put_color(&b, t->names[i]);
		}
		return b.data;
	}
	for (size_t i = 0; i < COLOR_PARTS; i++) {
		if (strcmp(key + 6, color_parts[i]) != 0)
			continue;
		const struct color_style *s = &t->part[i];
		for (size_t a = 0; a < nitems(attr_words); a++)
			if (s->attrs & attr_words[a].bit)
				buf_printf(&b, "%s%s", b.len ? " " : "", attr_words[a].word);
		if (s->fg != COLOR_KEEP) {
			if (b.len)
				buf_puts(&b, " ");
			put_color(&b, s->fg);
		}
		if (s->bg != COLOR_KEEP) {
			buf_puts(&b, b.len ? " on " : "on ");
			put_color(&b, s->bg);
		}
		if (b.len == 0)
			buf_puts(&b, "none");
		return b.data;
	}
	return NULL;
}
