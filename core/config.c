/* The `key = value` config file. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_MAX (1 << 20)

/* Returns s with leading blanks skipped. */
static const char *
skip_blank(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* True for a key character. */
static bool
key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* Records key = value, replacing an earlier value of the same key. */
static void
put(struct config *c, const char *k, size_t klen, const char *v, size_t vlen, int line)
{
	for (size_t i = 0; i < c->n; i++) {
		if (strlen(c->v[i].key) == klen && memcmp(c->v[i].key, k, klen) == 0) {
			free(c->v[i].value);
			c->v[i].value = xstrndup(v, vlen);
			c->v[i].line = line;
			return;
		}
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
	}
	c->v[c->n++] = (struct config_entry){xstrndup(k, klen), xstrndup(v, vlen), line};
}

/* Parses config text line by line. */
int
config_parse(struct config *c, const char *text, const char *name, struct err *e)
{
	int line = 0;
	const char *p = text;
	while (*p) {
		line++;
		const char *eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		const char *end = eol;
		if (end > p && end[-1] == '\r')
			end--;
		const char *s = skip_blank(p, end);
		if (s < end && *s != '#') {
			const char *k = s;
			while (s < end && key_char(*s))
				s++;
			size_t klen = (size_t)(s - k);
			s = skip_blank(s, end);
			if (klen == 0 || s >= end || *s != '=')
				return err_set(
				    e, ERR_USAGE, "%s line %d: expected `key = value`", name, line);
			s = skip_blank(s + 1, end);
			const char *vend = end;
			while (vend > s && (vend[-1] == ' ' || vend[-1] == '\t'))
				vend--;
			if (vend - s >= 2 && *s == '"' && vend[-1] == '"') {
				s++;
				vend--;
			}
			for (const char *q = s; q < vend; q++)
				if ((unsigned char)*q < ' ' && *q != '\t')
					return err_set(e, ERR_USAGE,
					    "%s line %d: control character in value", name, line);
			put(c, k, klen, s, (size_t)(vend - s), line);
		}
		p = *eol ? eol + 1 : eol;
	}
	return 0;
}

/* Loads a config file; a missing one is empty. */
int
config_load(struct config *c, const char *path, struct err *e)
{
	memset(c, 0, sizeof(*c));
	c->path = xstrdup(path);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, ERR_SYSTEM, "cannot read config %s: %s", path, strerror(errno));
	}
	struct buf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < CONFIG_MAX)
		buf_append(&b, chunk, n);
	bool bad = ferror(f) || b.len >= CONFIG_MAX || (b.len > 0 && memchr(b.data, '\0', b.len));
	fclose(f);
	int ret = bad ? err_set(e, ERR_USAGE, "config %s is unreadable, too large or binary", path)
		      : config_parse(c, b.data ? b.data : "", path, e);
	buf_free(&b);
	return ret;
}

/* Frees the entries. */
void
config_free(struct config *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

/* Looks a key up. */
static const struct config_entry *
find(const struct config *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0)
			return &c->v[i];
	return NULL;
}

/* Returns the value of key or def. */
const char *
config_get(const struct config *c, const char *key, const char *def)
{
	const struct config_entry *en = find(c, key);
	return en ? en->value : def;
}

/* Reads an integer value within bounds. */
int
config_get_long(
    const struct config *c, const char *key, long lo, long hi, long def, long *out, struct err *e)
{
	const struct config_entry *en = find(c, key);
	if (en == NULL) {
		*out = def;
		return 0;
	}
	char *end;
	errno = 0;
	long v = strtol(en->value, &end, 10);
	if (errno != 0 || end == en->value || *end != '\0' || v < lo || v > hi)
		return err_set(e, ERR_USAGE, "%s line %d: %s must be a number from %ld to %ld",
		    c->path ? c->path : "config", en->line, key, lo, hi);
	*out = v;
	return 0;
}

int
config_get_choice(const struct config *c, const char *key, const char *const *choices, int def,
    int *out, struct err *e)
{
	const struct config_entry *en = find(c, key);
	*out = def;
	if (en == NULL)
		return 0;
	struct buf list = {0};
	for (int i = 0; choices[i]; i++) {
		if (strcmp(en->value, choices[i]) == 0) {
			*out = i;
			buf_free(&list);
			return 0;
		}
		buf_printf(&list, "%s%s", i ? ", " : "", choices[i]);
	}
	err_set(e, ERR_USAGE, "%s line %d: %s must be one of %s", c->path ? c->path : "config",
	    en->line, key, list.data);
	buf_free(&list);
	return -1;
}
