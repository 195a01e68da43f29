/*
 * Parsing of what the user types on the input line: a message to send, or
 * one of the /commands. Abbreviations are accepted when unambiguous; "//"
 * sends a message starting with "/". The commands come from one table,
 * command_table, each entry with its name, the arguments it takes, its
 * usage and help, and its handler, as tmux's cmd_entry: the interface
 * defines it beside the handlers (action.c); the parser reads only the
 * names and argument shapes, and /help and Tab completion read it too.
 * Pure: no I/O.
 */
#ifndef NATTER_COMMAND_H
#define NATTER_COMMAND_H

#include <stddef.h>

enum command_kind {
	CMD_EMPTY, /* nothing to do (blank line) */
	CMD_SAY, /* text: a message to send */
	CMD_ERROR, /* text: an error to show inline */
	CMD_NEW, /* argv[0] title, argv[1..] members */
	CMD_GO, /* text: a conversation title, id or number */
	CMD_SEARCH, /* text: what to search for */
	CMD_MUTE, /* text: conversation, or NULL for the current one */
	CMD_UNMUTE, /* text: conversation, or NULL for the current one */
	CMD_HELP, /* text: a command name, or NULL */
	CMD_MSG, /* text: USER [TEXT] */
	CMD_QUERY, /* text: USER */
	CMD_PART, /* text: conversation, or NULL for the current one */
	CMD_INVITE, /* text: USER... */
	CMD_KICK, /* text: USER... */
	CMD_TOPIC, /* text: the new title */
	CMD_ME, /* text: an action to send */
	CMD_QUIT,
	CMD_CLEAR,
	CMD_CLOSE, /* text: conversation, or NULL for the current one */
	CMD_SET, /* text: NAME [VALUE], or NULL to list the options */
	CMD_NAMES, /* the members of the conversation shown */
};

struct command {
	enum command_kind kind;
	const struct command_info *info; /* the table's entry for a command, else NULL */
	char *text;
	char **argv;
	size_t argc;
};

/* The arguments a command takes, which the parser checks. */
enum command_args {
	COMMAND_ARGS_OPTIONAL, /* text: the rest of the line, or NULL */
	COMMAND_ARGS_REQUIRED, /* text: the rest of the line, or a usage error */
	COMMAND_ARGS_COMMAND, /* text: a command name (a leading / dropped), or NULL */
	COMMAND_ARGS_NEW, /* argv: a title (quoted when it has spaces), then user names */
};

struct command;

/* One /command: its syntax, its help and what runs it. */
struct command_info {
	const char *name; /* without the slash */
	enum command_args args;
	const char *usage;
	const char *help;
	enum command_kind kind;
	void (*run)(const struct command *c);
};
/* The commands, in alphabetical order; defined with their handlers by the interface. */
extern const struct command_info command_table[];
extern const size_t command_count;

/* Parses one input line (UTF-8) into c; the caller frees it with command_free. */
void command_parse(const char *line, struct command *c);
void command_free(struct command *c);
/* The entry of a command name (exact or unambiguous abbreviation), or NULL. */
const struct command_info *command_lookup(const char *name, size_t len);
/* Why name[0..len) is no command ("unknown command /x: ..." or "ambiguous ..."); freed by the caller. */
char *command_unknown(const char *name, size_t len);

#endif
