/*
 * The scriptable commands, as tmux runs its own: a table of entries (name,
 * usage, options, operand counts, help, handler; cmd-*.c) drives the option
 * parsing, the dispatch, the usage errors and the list in --help.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natter.h"

/* Options every command accepts, besides its own. */
#define COMMON_OPTS "s:D:v"
/* --help's column of usages: a longer usage has its help on the next line. */
#define USAGE_WIDTH 26

const struct cmd_entry *const cli_table[] = {
    &cmd_register_entry,
    &cmd_login_entry,
    &cmd_logout_entry,
    &cmd_passwd_entry,
    &cmd_new_entry,
    &cmd_conversations_entry,
    &cmd_send_entry,
    &cmd_sync_entry,
    &cmd_log_entry,
    &cmd_edit_entry,
    &cmd_delete_entry,
    &cmd_reply_entry,
    &cmd_react_entry,
    &cmd_read_entry,
    &cmd_mute_entry,
    &cmd_unmute_entry,
    &cmd_dnd_entry,
    &cmd_dm_entry,
    &cmd_add_entry,
    &cmd_remove_entry,
    &cmd_admin_entry,
    &cmd_leave_entry,
    &cmd_accept_entry,
    &cmd_decline_entry,
    &cmd_rename_entry,
    &cmd_block_entry,
    &cmd_unblock_entry,
    NULL,
};

/* The long options: the common ones, then those of a command's template letters. */
static const struct option common_longopts[] = {
    {"server", required_argument, NULL, 's'},
    {"data-dir", required_argument, NULL, 'D'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"insecure-http", no_argument, NULL, OPT_INSECURE_HTTP},
};
static const struct option own_longopts[] = {
    {"json", no_argument, NULL, 'j'},
    {"lines", no_argument, NULL, 'l'},
    {"lines", required_argument, NULL, 'n'},
    {"all", no_argument, NULL, 'a'},
    {"for", required_argument, NULL, 'f'},
    {"recent", required_argument, NULL, 'r'},
    {"remove", no_argument, NULL, 'R'},
    {"format", required_argument, NULL, 'F'},
    {"since", required_argument, NULL, 'S'},
    {"until", required_argument, NULL, 'U'},
    {"invite", required_argument, NULL, 'I'},
};
#define NCOMMON (sizeof(common_longopts) / sizeof(common_longopts[0]))
#define NOWN (sizeof(own_longopts) / sizeof(own_longopts[0]))

/* Fails with the command's usage line. */
int
cmd_usage(const struct cmd *self, struct err *e)
{
	return err_set(e, ERR_USAGE, "usage: natter %s", self->entry->usage);
}

/* Reports a bad option of a command. */
static int
bad_option(const struct cmd_entry *ce, char *argv[], struct err *e)
{
	const char *what = optind > 0 && argv[optind - 1] ? argv[optind - 1] : "?";
	return err_set(e, ERR_USAGE,
	    "%s: unknown option or missing argument near %s; usage: natter %s", ce->name, what,
	    ce->usage);
}

/* Restarts getopt for a command's own argv. */
static void
getopt_restart(void)
{
#ifdef __GLIBC__
	optind = 0;
#else
	optind = 1;
#endif
	opterr = 0;
}

/* Takes one option getopt returned for a command. */
static int
take_option(struct ctx *c, struct cmd *self, int ch, char *argv[], struct err *e)
{
	char *end;
	long long n;
	switch (ch) {
	case 'j':
		self->json = true;
		return 0;
	case 'l':
		self->lines = true;
		return 0;
	case 'a':
		self->all = true;
		return 0;
	case 'f':
		self->duration = optarg;
		return 0;
	case 'R':
		self->remove = true;
		return 0;
	case 'F':
		self->format = optarg;
		return 0;
	case 'S':
		self->since = optarg;
		return 0;
	case 'U':
		self->until = optarg;
		return 0;
	case 'I':
		self->invite = optarg;
		return 0;
	case 'n':
		errno = 0;
		n = strtoll(optarg, &end, 10);
		if (errno || *end || end == optarg || n < 1)
			return err_set(e, ERR_USAGE, "-n wants a positive number, not %s", optarg);
		self->limit = (size_t)n;
		return 0;
	case 'r':
		errno = 0;
		n = strtoll(optarg, &end, 10);
		if (errno || *end || end == optarg || n < 1 || n > LAUNCH_RECENT_MAX)
			return err_set(e, ERR_USAGE, "--recent wants a number from 1 to %d, not %s",
			    LAUNCH_RECENT_MAX, optarg);
		c->recent = (int)n;
		return 0;
	case 's':
		c->server_flag = optarg;
		return 0;
	case 'D':
		c->data_flag = optarg;
		return 0;
	case 'v':
		c->verbose = true;
		return 0;
	case OPT_CACERT:
		c->cacert_flag = optarg;
		return 0;
	case OPT_INSECURE_HTTP:
		c->insecure_flag = true;
		return 0;
	default:
		return bad_option(self->entry, argv, e);
	}
}

/*
 * Parses a command's options and collects its operands into self->argv,
 * which the caller frees. An operand past the most the command takes is an
 * error at once when options may follow operands.
 */
static int
parse_args(struct ctx *c, struct cmd *self, int argc, char *argv[], struct err *e)
{
	const struct cmd_entry *ce = self->entry;
	char shortopts[32];
	snprintf(shortopts, sizeof(shortopts), "+%s" COMMON_OPTS, ce->args.template);
	struct option lo[NCOMMON + NOWN + 1] = {{0}};
	size_t nlo = 0;
	for (size_t i = 0; i < NCOMMON; i++)
		lo[nlo++] = common_longopts[i];
	for (size_t i = 0; i < NOWN; i++)
		if (strchr(ce->args.template, own_longopts[i].val) != NULL)
			lo[nlo++] = own_longopts[i];
	self->limit = SIZE_MAX;
	self->argv = xcalloc((size_t)argc + 1, sizeof(*self->argv));
	getopt_restart();
	for (;;) {
		int ch;
		while ((ch = getopt_long(argc, argv, shortopts, lo, NULL)) != -1)
			if (take_option(c, self, ch, argv, e) < 0)
				return -1;
		if (optind >= argc)
			break;
		/* After "--" everything is an operand, even when it starts with "-". */
		bool dashes = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
		if (!ce->options_anywhere || dashes) {
			while (optind < argc)
				self->argv[self->argc++] = argv[optind++];
			break;
		}
		if (ce->args.upper >= 0 && self->argc >= ce->args.upper)
			return cmd_usage(self, e);
		self->argv[self->argc++] = argv[optind++];
	}
	return 0;
}

/* Finds a command by name; NULL when there is none. */
static const struct cmd_entry *
cli_find(const char *name)
{
	for (size_t i = 0; cli_table[i] != NULL; i++)
		if (strcmp(cli_table[i]->name, name) == 0)
			return cli_table[i];
	return NULL;
}

/* Prints the commands: usage and help, the help on a line of its own after a long usage. */
void
cli_usage(FILE *f)
{
	fprintf(f, "commands:\n");
	for (size_t i = 0; cli_table[i] != NULL; i++) {
		const struct cmd_entry *ce = cli_table[i];
		if (strlen(ce->usage) > USAGE_WIDTH)
			fprintf(f, "  %s\n  %-*s %s\n", ce->usage, USAGE_WIDTH, "", ce->help);
		else
			fprintf(f, "  %-*s %s\n", USAGE_WIDTH, ce->usage, ce->help);
	}
	fprintf(f, "see natter(1)\n");
}

/* Runs the named command: its options, its operand count, then its handler. */
int
cli_run(struct ctx *c, const char *name, int argc, char *argv[], bool *found, struct err *e)
{
	*found = true;
	/* `natter help` is --help's list of commands, whatever follows it. */
	if (strcmp(name, "help") == 0) {
		cli_usage(stdout);
		return 0;
	}
	const struct cmd_entry *ce = cli_find(name);
	if (ce == NULL) {
		*found = false;
		return err_set(e, ERR_USAGE, "unknown command %s", name);
	}
	struct cmd self = {.entry = ce};
	int ret = parse_args(c, &self, argc, argv, e);
	/* login's user may come from the config, so the set-up comes before the count. */
	if (ret == 0 && ce->setup_first)
		ret = ctx_setup(c, e);
	if (ret == 0 &&
	    (self.argc < ce->args.lower || (ce->args.upper >= 0 && self.argc > ce->args.upper)))
		ret = cmd_usage(&self, e);
	if (ret == 0)
		ret = ce->exec(&self, c, e);
	free(self.argv);
	return ret;
}
