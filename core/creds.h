/*
 * Saved logins, one per server URL, in DATA/credentials (mode 0600, JSON).
 * A token is looked up by the exact (normalised) server URL that issued it,
 * so it is never sent anywhere else.
 */
#ifndef NATTER_CREDS_H
#define NATTER_CREDS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct cred {
	char *server; /* normalised URL */
	char *user;
	char *token;
};

struct creds {
	struct cred *v;
	size_t n, cap;
	char *dflt; /* the server of the last login, or NULL */
	char *path;
};

/* Reads the file at path; a missing file is an empty set. */
int creds_load(struct creds *c, const char *path, struct err *e);
/* Writes the file atomically with mode 0600. */
int creds_save(const struct creds *c, struct err *e);
void creds_free(struct creds *c);
/* The login saved for server (normalised URL), or NULL. */
const struct cred *creds_find(const struct creds *c, const char *server);
/* Saves or replaces the login for server and makes it the default. */
void creds_put(struct creds *c, const char *server, const char *user, const char *token);
/* Forgets the login for server; returns 0, or -1 when there was none. */
int creds_remove(struct creds *c, const char *server);
/* The default server: the last one logged in to, else the only one, else NULL. */
const char *creds_default_server(const struct creds *c);

#endif
