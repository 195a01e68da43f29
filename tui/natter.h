/*
 * natter, the chat client: prototypes shared by its modules, grouped by
 * module. The scriptable commands live in cli.c; main.c parses the global
 * flags and dispatches.
 */
#ifndef NATTER_NATTER_H
#define NATTER_NATTER_H

#include <stdbool.h>
#include <stdio.h>

#include "client.h"
#include "config.h"
#include "creds.h"
#include "history.h"
#include "paths.h"
#include "util.h"

/* What every command works with: flags, config, credentials, stores, session. */
struct ctx {
	const char *server_flag; /* -s URL */
	const char *data_flag; /* -D DIR */
	bool verbose; /* -v */
	struct paths paths;
	struct config cfg;
	struct creds creds;
	bool setup; /* paths, config and credentials loaded */
	char *server; /* the server in use (normalised), or NULL */
	const struct cred *cred; /* the login saved for server, or NULL */
	struct history hist;
	bool hist_open;
	struct client cl;
	bool cl_open;
	bool flushed; /* the outbox was flushed this run */
};

/* cli.c */
/* Loads paths, config and credentials and picks the server. */
int ctx_setup(struct ctx *c, struct err *e);
/* Opens history.db and checks it belongs to the logged-in user; needs a login. */
int ctx_open(struct ctx *c, bool need_login, struct err *e);
void ctx_free(struct ctx *c);
/* Runs a command by name; returns 0, or -1 with e set; *found says if it exists. */
int cli_run(struct ctx *c, const char *name, int argc, char *argv[], bool *found, struct err *e);
/* Prints the list of commands. */
void cli_usage(FILE *f);

#endif
