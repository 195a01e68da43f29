/* Parsing of the input line into a message or a /command. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "util.h"

/* True for the whitespace that separates arguments. */
static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* True when s is a user name: [a-z0-9][a-z0-9._-]{0,31}. */
static bool
valid_user(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '.' || c == '_' || c == '-'));
		if (!ok)
			return false;
	}
	return true;
}

/* Abbreviations kept from before a command made them ambiguous (/q: /quit, not /query). */
static const struct {
	const char *alias, *name;
} aliases[] = {{"q", "quit"}};

/* The entry of an exact or unambiguous abbreviated command name. */
const struct command_info *
command_lookup(const char *name, size_t len)
{
	const struct command_info *found = NULL;
	if (len == 0)
		return NULL;
	for (size_t i = 0; i < nitems(aliases); i++)
		if (strlen(aliases[i].alias) == len &&
		    strncasecmp(aliases[i].alias, name, len) == 0)
			name = aliases[i].name, len = strlen(name);
	for (size_t i = 0; i < command_count; i++) {
		const char *n = command_table[i].name;
		if (strncasecmp(n, name, len) != 0)
			continue;
		if (n[len] == '\0')
			return &command_table[i];
		if (found)
			return NULL;
		found = &command_table[i];
	}
	return found;
}

/* Sets c to an inline error. */
static void __attribute__((format(printf, 2, 3))) fail(struct command *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(c->text);
	c->kind = CMD_ERROR;
	c->text = xvasprintf(fmt, ap);
	va_end(ap);
}

/* Lists the commands name[0..len) abbreviates, as "/a, /b"; NULL for fewer than two. */
static char *
ambiguous(const char *name, size_t len)
{
	struct buf b = {0};
	size_t n = 0;
	for (size_t i = 0; i < command_count; i++) {
		if (strncasecmp(command_table[i].name, name, len) != 0)
			continue;
		buf_printf(&b, "%s/%s", n ? ", " : "", command_table[i].name);
		n++;
	}
	if (n < 2) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* Why name[0..len) is no command: unknown, or the commands it abbreviates. */
char *
command_unknown(const char *name, size_t len)
{
	char *n = xstrndup(name, len);
	char *which = ambiguous(name, len);
	char *msg = which ? xasprintf("ambiguous command /%s: %s", n, which)
			  : xasprintf("unknown command /%s: /help lists the commands", n);
	free(which);
	free(n);
	return msg;
}

/* Appends a word to c->argv. */
static void
push(struct command *c, char *word)
{
	c->argv = xreallocarray(c->argv, c->argc + 1, sizeof(*c->argv));
	c->argv[c->argc++] = word;
}

/*
 * Reads the next word at *p, "quoted" (with \" and \\) or bare; returns
 * NULL at the end, or sets *bad on an unterminated quote.
 */
static char *
next_word(const char **p, bool *bad)
{
	const char *s = *p;
	while (is_space(*s))
		s++;
	if (*s == '\0') {
		*p = s;
		return NULL;
	}
	struct buf b = {0};
	buf_puts(&b, "");
	if (*s == '"') {
		s++;
		while (*s && *s != '"') {
			if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				s++;
			buf_append(&b, s, 1);
			s++;
		}
		if (*s != '"')
			*bad = true;
		else
			s++;
	} else {
		while (*s && !is_space(*s))
			buf_append(&b, s++, 1);
	}
	*p = s;
	return b.data;
}

/* Parses "/new TITLE MEMBER...". */
static void
parse_new(struct command *c, const char *args, const char *usage)
{
	bool bad = false;
	char *w;
	while ((w = next_word(&args, &bad)) != NULL)
		push(c, w);
	if (bad) {
		fail(c, "unterminated quote in /new");
		return;
	}
	if (c->argc < 2) {
		fail(c, "usage: %s", usage);
		return;
	}
	if (c->argv[0][0] == '\0' || strlen(c->argv[0]) > 256) {
		fail(c, "a title is 1 to 256 bytes: %s", usage);
		return;
	}
	for (size_t i = 1; i < c->argc; i++) {
		char *m = c->argv[i];
		if (m[0] == '@')
			memmove(m, m + 1, strlen(m));
		if (!valid_user(m)) {
			char *name = xstrdup(c->argv[i]);
			fail(c, "not a user name: %s (lowercase letters, digits, . _ -)", name);
			free(name);
			return;
		}
	}
}

/* Parses one input line. */
void
command_parse(const char *line, struct command *c)
{
	memset(c, 0, sizeof(*c));
	const char *s = line;
	while (is_space(*s))
		s++;
	if (*s == '\0') {
		c->kind = CMD_EMPTY;
		return;
	}
	if (line[0] != '/') {
		c->kind = CMD_SAY;
		c->text = xstrdup(line);
		return;
	}
	if (line[1] == '/') {
		c->kind = CMD_SAY;
		c->text = xstrdup(line + 1);
		return;
	}
	const char *name = line + 1;
	size_t len = 0;
	while (name[len] && !is_space(name[len]))
		len++;
	const char *args = name + len;
	while (is_space(*args))
		args++;
	/* The argument without trailing whitespace, NULL when there is none. */
	size_t alen = strlen(args);
	while (alen > 0 && is_space(args[alen - 1]))
		alen--;
	char *arg = alen ? xstrndup(args, alen) : NULL;

	const struct command_info *ci = command_lookup(name, len);
	if (ci == NULL) {
		if (len == 0)
			fail(c,
			    "a line starting with / is a command; // sends a message starting with "
			    "/");
		else {
			char *why = command_unknown(name, len);
			fail(c, "%s; // sends a line starting with /", why);
			free(why);
		}
		free(arg);
		return;
	}
	c->kind = ci->kind;
	c->info = ci;
	switch (ci->args) {
	case COMMAND_ARGS_NEW:
		parse_new(c, args, ci->usage);
		break;
	case COMMAND_ARGS_REQUIRED:
		if (arg == NULL)
			fail(c, "usage: %s", ci->usage);
		break;
	case COMMAND_ARGS_COMMAND:
		if (arg && arg[0] == '/')
			memmove(arg, arg + 1, strlen(arg));
		break;
	case COMMAND_ARGS_OPTIONAL:
		break;
	}
	if (c->kind == CMD_ERROR)
		c->info = NULL;
	if (c->kind == CMD_ERROR || ci->args == COMMAND_ARGS_NEW)
		free(arg);
	else
		c->text = arg;
}

/* Frees what command_parse allocated. */
void
command_free(struct command *c)
{
	free(c->text);
	for (size_t i = 0; i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	memset(c, 0, sizeof(*c));
}
