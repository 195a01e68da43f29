/* The read command: marks conversations read on every device of the user. */
#include <stdio.h>
#include <stdlib.h>

#include "launch.h"
#include "natter.h"
#include "readmark.h"

/* The ids the operands name, or every conversation with --all (allocated). */
static int
targets(struct cmd *self, struct ctx *c, char ***ids, size_t *n, struct err *e)
{
	*ids = NULL;
	*n = 0;
	if (self->all) {
		struct conversation *v;
		size_t nv;
		if (history_list_convs(&c->hist, c->cred ? c->cred->user : NULL, &v, &nv, e) < 0)
			return -1;
		*ids = xcalloc(nv + 1, sizeof(**ids));
		for (size_t i = 0; i < nv; i++)
			(*ids)[(*n)++] = xstrdup(v[i].id);
		conversations_free(v, nv);
		return 0;
	}
	*ids = xcalloc((size_t)self->argc + 1, sizeof(**ids));
	for (int i = 0; i < self->argc; i++) {
		if (ctx_resolve(c, self->argv[i], false, &(*ids)[*n], e) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

/*
 * read CONV...|--all: brings history up to date (offline: what is here),
 * marks everything held read, and sends the marks (queued when offline).
 */
static int
cmd_read_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	if (self->all != (self->argc == 0))
		return cmd_usage(self, e);
	if (ctx_open(c, true, e) < 0)
		return -1;
	struct launch_report r;
	struct err se = {0};
	if (ctx_sync(c, &r, &se) < 0 && se.kind != ERR_OFFLINE) {
		*e = se;
		return -1;
	}
	char **ids;
	size_t n;
	int ret = targets(self, c, &ids, &n, e);
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = history_mark_read(&c->hist, ids[i], e);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (ret < 0)
		return -1;
	size_t sent;
	struct err fe = {0};
	if (se.kind == ERR_OFFLINE || readmark_flush(&c->cl, &c->hist, &sent, &fe) < 0)
		return err_set(e, fe.kind == ERR_AUTH ? ERR_AUTH : ERR_OFFLINE,
		    "marked read here; the server is unreachable, other devices learn of it on "
		    "the next sync");
	return 0;
}

const struct cmd_entry cmd_read_entry = {
    .name = "read",
    .usage = "read CONV...|--all",
    .help = "mark conversations read, on every device",
    .args = {"a", 0, -1},
    .setup_first = false,
    .options_anywhere = true,
    .exec = cmd_read_exec,
};
