/*
 * --config FILE: lines `name = value` where name is any long option of the
 * server. The file's settings become "--name=value" arguments placed before
 * the command line's, so getopt_long parses both and a flag given on the
 * command line wins; no option needs code of its own here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* Appends one argument (and where it comes from, NULL: the command line). */
static void
push(struct conf_args *a, char *arg, char *where)
{
	a->argv = xreallocarray(a->argv, (size_t)a->argc + 2, sizeof(*a->argv));
	a->where = xreallocarray(a->where, (size_t)a->argc + 2, sizeof(*a->where));
	a->argv[a->argc] = arg;
	a->where[a->argc] = where;
	a->argc++;
	a->argv[a->argc] = NULL;
	a->where[a->argc] = NULL;
}

/* Strips the white space at both ends of s, in place. */
static char *
trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (
	    n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* The long option called name, or NULL. */
static const struct option *
find(const struct option *opts, const char *name)
{
	for (; opts->name != NULL; opts++)
		if (strcmp(opts->name, name) == 0)
			return opts;
	return NULL;
}

/* 1 for yes/true/on/1, 0 for no/false/off/0, -1 for anything else. */
static int
boolean(const char *v)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	for (size_t i = 0; i < nitems(yes); i++) {
		if (strcmp(v, yes[i]) == 0)
			return 1;
		if (strcmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Turns one line (number lineno) into an argument of a, or fails naming the line. */
static int
line_arg(struct conf_args *a, const char *path, unsigned lineno, char *line,
    const struct option *opts, struct err *e)
{
	char *s = trim(line);
	if (*s == '\0' || *s == '#')
		return 0;
	char *eq = strchr(s, '=');
	if (eq == NULL)
		return err_set(e, ERR_USAGE, "%s line %u: expected \"name = value\"", path, lineno);
	*eq = '\0';
	char *name = trim(s), *value = trim(eq + 1);
	size_t vlen = strlen(value);
	if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
		value[vlen - 1] = '\0';
		value++;
	}
	const struct option *o = find(opts, name);
	if (o == NULL || strcmp(name, "help") == 0 || strcmp(name, "version") == 0 ||
	    strcmp(name, "config") == 0)
		return err_set(e, ERR_USAGE,
		    "%s line %u: unknown setting \"%s\" (settings are the long options of "
		    "natter-server-mock(1))",
		    path, lineno, name);
	char *where = xasprintf("%s line %u", path, lineno);
	if (o->has_arg == no_argument) {
		int on = boolean(value);
		if (on < 0) {
			free(where);
			return err_set(e, ERR_USAGE, "%s line %u: %s is yes or no, not \"%s\"",
			    path, lineno, name, value);
		}
		if (on)
			push(a, xasprintf("--%s", name), where);
		else
			free(where);
		return 0;
	}
	if (*value == '\0') {
		free(where);
		return err_set(e, ERR_USAGE, "%s line %u: %s wants a value", path, lineno, name);
	}
	push(a, xasprintf("--%s=%s", name, value), where);
	return 0;
}

/* The argument of the last -c/--config of argv (before "--"), NULL when none. */
static const char *
config_path(int argc, char *argv[], struct err *e)
{
	const char *path = NULL;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			if (i + 1 >= argc) {
				err_set(e, ERR_USAGE, "%s wants a file", a);
				return NULL;
			}
			path = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			path = a + 9;
		} else if (strncmp(a, "-c", 2) == 0) {
			path = a + 2;
		}
	}
	return path;
}

/* Reads path's settings into a, after what a holds; -1 with e naming the file and line. */
int
conffile_read(const char *path, const struct option *opts, struct conf_args *a, struct err *e)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return err_set(e, ERR_USAGE, "%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0)
		rc = line_arg(a, path, ++lineno, line, opts, e);
	if (rc == 0 && ferror(f))
		rc = err_set(e, ERR_USAGE, "%s: %s", path, strerror(errno));
	free(line);
	fclose(f);
	return rc;
}

/*
 * The arguments to parse: argv[0], the settings of the --config file
 * when there is one, then argv[1..]. -1 with e when the file is unreadable
 * or has a wrong line.
 */
int
conffile_args(int argc, char *argv[], const struct option *opts, struct conf_args *a, struct err *e)
{
	*a = (struct conf_args){0};
	push(a, xstrdup(argv[0]), NULL);
	struct err pe = {0};
	const char *path = config_path(argc, argv, &pe);
	if (pe.kind != ERR_NONE) {
		*e = pe;
		conffile_free(a);
		return -1;
	}
	if (path != NULL && conffile_read(path, opts, a, e) < 0) {
		conffile_free(a);
		return -1;
	}
	for (int i = 1; i < argc; i++)
		push(a, xstrdup(argv[i]), NULL);
	return 0;
}

/* Frees the arguments. */
void
conffile_free(struct conf_args *a)
{
	for (int i = 0; i < a->argc; i++) {
		free(a->argv[i]);
		free(a->where[i]);
	}
	free(a->argv);
	free(a->where);
	*a = (struct conf_args){0};
}
