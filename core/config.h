/*
 * The config file: lines of `key = value`, `#` comments, blank lines. Keys
 * are [a-z0-9._-]+; the last of repeated keys wins. Documented keys (natter(1)):
 * server, user, notify.backend, notify.exec, notify.timeout, http.retries,
 * http.timeout. Flags override the config; the config overrides defaults.
 */
#ifndef NATTER_CONFIG_H
#define NATTER_CONFIG_H

#include "util.h"

struct config_entry {
	char *key;
	char *value;
	int line;
};

struct config {
	struct config_entry *v;
	size_t n, cap;
	char *path; /* for messages; NULL when parsed from a string */
};

/* Reads path; a missing file is an empty config, a malformed one an error. */
int config_load(struct config *c, const char *path, struct err *e);
/* Parses text (name is used in error messages). */
int config_parse(struct config *c, const char *text, const char *name, struct err *e);
void config_free(struct config *c);
/* The value of key, or def when unset. */
const char *config_get(const struct config *c, const char *key, const char *def);
/* An integer value within [lo, hi]; def when unset; -1 with e when malformed. */
int config_get_long(
    const struct config *c, const char *key, long lo, long hi, long def, long *out, struct err *e);
/*
 * Sets key to value in the file c->path and in c: the line that sets key now
 * (the last, which wins) is replaced, or a line is added at the end; every
 * other line, comments included, stays as it was. The file (and its folder)
 * is created when missing, and replaced atomically.
 */
int config_set(struct config *c, const char *key, const char *value, struct err *e);
/* *out = the index of the value in choices (NULL-ended); def when unset; -1 with e when another. */
int config_get_choice(const struct config *c, const char *key, const char *const *choices, int def,
    int *out, struct err *e);

#endif
