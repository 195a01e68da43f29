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

/* session.c: the context of a run, shared by the commands and the interface. */
struct launch_report;
/* Loads paths, config and credentials and picks the server. */
int ctx_setup(struct ctx *c, struct err *e);
/* Opens history.db and checks it belongs to the logged-in user; needs a login. */
int ctx_open(struct ctx *c, bool need_login, struct err *e);
void ctx_free(struct ctx *c);
/* Fails with a usage error when no server was picked. */
int ctx_need_server(struct ctx *c, struct err *e);
/* Applies the config's HTTP settings and -v to the open client. */
int ctx_tune_http(struct ctx *c, struct err *e);
/* Delivers what waits in the outbox, once per run, after the server answered. */
void ctx_reached(struct ctx *c);
/* Finds a conversation by id or title, asking the server when it is not known here. */
int ctx_resolve(struct ctx *c, const char *name, bool offline_ok, char **id, struct err *e);
/* Runs the launch sync (with the notifier's sync.db when there is one). */
int ctx_sync(struct ctx *c, struct launch_report *r, struct err *e);

/* prompt.c */
/* Reads a password from NATTER_PASSWORD or from the terminal without echo. */
char *prompt_password(const char *prompt, struct err *e);
/* Wipes and frees a password (NULL is fine). */
void prompt_password_free(char *p);

/* output.c: what the commands print, as text for people or JSON for scripts. */
struct outbox_report;
void output_convs(const struct hconv *v, size_t n, bool json);
void output_messages(const struct hmsg *v, size_t n, bool json);
void output_sync(const struct launch_report *r, bool json);
/* Says on stderr which queued messages the server refused for good. */
void output_drops(const struct outbox_report *r);

/* cli.c: the scriptable commands, driven by a table as tmux's cmd.c is. */
struct cmd;
/* One command: the table in cli.c lists them all. */
struct cmd_entry {
	const char *name;
	const char *usage; /* the usage line, after "natter " */
	const char *help; /* one line for --help */
	struct {
		/* Its own options, as getopt letters: j --json, l --lines, n: -n/--lines N. */
		const char *template;
		int lower, upper; /* how many operands; upper -1: no limit */
	} args;
	bool setup_first; /* loads the set-up before the operands are counted */
	bool options_anywhere; /* options may also follow an operand */
	int (*exec)(struct cmd *self, struct ctx *c, struct err *e);
};
/* One run of a command: its entry, options and operands. */
struct cmd {
	const struct cmd_entry *entry;
	bool json; /* -j, --json */
	bool lines; /* -l, --lines */
	size_t limit; /* -n N; SIZE_MAX without it */
	int argc; /* the operands */
	char **argv;
};
/* The commands, in the order --help lists them; NULL ends it. */
extern const struct cmd_entry *const cli_table[];
/* Runs a command by name; returns 0, or -1 with e set; *found says if it exists. */
int cli_run(struct ctx *c, const char *name, int argc, char *argv[], bool *found, struct err *e);
/* Prints the list of commands. */
void cli_usage(FILE *f);
/* Fails with the command's usage line. */
int cmd_usage(const struct cmd *self, struct err *e);

/* cmd-account.c, cmd-conv.c, cmd-message.c, cmd-sync.c: the commands. */
extern const struct cmd_entry cmd_register_entry;
extern const struct cmd_entry cmd_login_entry;
extern const struct cmd_entry cmd_logout_entry;
extern const struct cmd_entry cmd_new_entry;
extern const struct cmd_entry cmd_conversations_entry;
extern const struct cmd_entry cmd_send_entry;
extern const struct cmd_entry cmd_sync_entry;
extern const struct cmd_entry cmd_log_entry;

#endif
