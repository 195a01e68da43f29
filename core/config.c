/* The `key = value` config file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Reads the whole file at path into b; a missing file is empty. */
static int
read_text(const char *path, struct buf *b, mode_t *mode, struct err *e)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, ERR_SYSTEM, "cannot read config %s: %s", path, strerror(errno));
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0)
		*mode = st.st_mode & 07777;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->len < CONFIG_MAX)
		buf_append(b, chunk, n);
	bool bad = ferror(f) || b->len >= CONFIG_MAX;
	fclose(f);
	return bad ? err_set(e, ERR_SYSTEM, "cannot read config %s", path) : 0;
}

/* Writes text to path through a temporary file renamed in place. */
static int
write_text(const char *path, const char *text, size_t len, mode_t mode, struct err *e)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir_p(dir, 0700, e) < 0) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	return write_file_atomic(path, text, len, (int)mode, e);
}

/* Sets key to value in the file and in c, keeping every other line. */
int
config_set(struct config *c, const char *key, const char *value, struct err *e)
{
	size_t klen = strlen(key);
	bool key_ok = klen > 0;
	for (size_t i = 0; i < klen; i++)
		key_ok = key_ok && key_char(key[i]);
	if (!key_ok)
		return err_set(e, ERR_USAGE, "%s is not a config key", key);
	for (const char *q = value; *q; q++)
		if ((unsigned char)*q < ' ' && *q != '\t')
			return err_set(e, ERR_USAGE, "control character in the value of %s", key);
	if (c->path == NULL)
		return err_set(e, ERR_USAGE, "no config file to write");
	struct buf old = {0};
	mode_t mode = 0600;
	if (read_text(c->path, &old, &mode, e) < 0) {
		buf_free(&old);
		return -1;
	}
	/* Check the file still parses, and find the line that sets key now. */
	struct config now = {0};
	int ret = config_parse(&now, old.data ? old.data : "", c->path, e);
	const struct config_entry *en = ret == 0 ? find(&now, key) : NULL;
	int line = en ? en->line : 0;
	config_free(&now);
	if (ret < 0) {
		buf_free(&old);
		return -1;
	}
	/* Blanks around the value, or quotes at both ends, would be lost: quote it. */
	size_t vlen = strlen(value);
	bool quote = vlen > 0 &&
	    (value[0] == ' ' || value[0] == '\t' || value[vlen - 1] == ' ' ||
		value[vlen - 1] == '\t' ||
		(vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"'));
	char *set = xasprintf(quote ? "%s = \"%s\"" : "%s = %s", key, value);
	struct buf out = {0};
	const char *p = old.data ? old.data : "";
	int at = 0;
	while (*p) {
		at++;
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (at == line) {
			buf_puts(&out, set);
			/* Keep the line's \r of a file written on Windows. */
			if (len > 0 && p[len - 1] == '\r')
				buf_puts(&out, "\r");
		} else
			buf_append(&out, p, len);
		if (eol)
			buf_puts(&out, "\n");
		p += len + (eol ? 1 : 0);
	}
	if (line == 0) {
		if (out.len > 0 && out.data[out.len - 1] != '\n')
			buf_puts(&out, "\n");
		buf_printf(&out, "%s\n", set);
	}
	ret = write_text(c->path, out.data, out.len, mode, e);
	if (ret == 0)
		put(c, key, klen, value, vlen, line ? line : at + 1);
	free(set);
	buf_free(&out);
	buf_free(&old);
	return ret;
}
