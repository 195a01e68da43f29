/*
 * The membership commands: dm, add, remove, admin, leave, accept, decline,
 * rename, block and unblock (docs/protocol.md, Membership).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natter.h"
#include "text.h"

#define TITLE_MAX 256

/* Checks user names given as operands. */
static int
check_users(char *const *v, int n, struct err *e)
{
	for (int i = 0; i < n; i++)
		if (!proto_valid_user(v[i]))
			return err_set(e, ERR_USAGE, "invalid user name %s", v[i]);
	return 0;
}

/* Turns a 404 of the membership endpoints of an older server into words. */
static int
older_server(struct ctx *c, struct err *e)
{
	if (e->status == 404 && strstr(e->msg, "endpoint") != NULL)
		return err_set(e, ERR_USAGE, "the server %s does not know membership (too old)",
		    c->server ? c->server : "");
	return -1;
}

/* Stores a conversation the server answered and frees it. */
static int
keep(struct ctx *c, struct conversation *cv, struct err *e)
{
	int ret = history_put_convs(&c->hist, cv, 1, e);
	conversation_free(cv);
	ctx_reached(c);
	return ret;
}

/* A printable title of a conversation known here (allocated). */
static char *
title_of(struct ctx *c, const char *id)
{
	enum conv_state st;
	char *t = NULL;
	if (history_conv_state(&c->hist, id, &st, &t, NULL) != 0 || t == NULL)
		return xstrdup(id);
	char *s = text_sanitize(t, strlen(t), 0);
	free(t);
	return s;
}

/* dm USER: prints the id of the direct conversation with USER. */
static int
cmd_dm_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	const char *user = self->argv[0];
	if (check_users(self->argv, 1, e) < 0 || ctx_open(c, true, e) < 0)
		return -1;
	if (c->cred && strcmp(user, c->cred->user) == 0)
		return err_set(e, ERR_USAGE, "a direct conversation is with someone else");
	struct conversation cv;
	if (client_direct(&c->cl, user, &cv, e) < 0)
		return older_server(c, e);
	char *id = xstrdup(cv.id);
	bool invited = cv.state == CONV_INVITED;
	int ret = keep(c, &cv, e);
	if (ret == 0) {
		printf("%s\n", id);
		if (invited)
			fprintf(
			    stderr, "natter: %s invited you to it: natter accept %s\n", user, id);
	}
	free(id);
	return ret;
}

/* add, remove, admin CONV USER...: a membership change by an admin. */
static int
cmd_members_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	const char *verb = self->entry->name;
	const char *what = strcmp(verb, "admin") == 0 ? "admins" : verb;
	if (check_users(self->argv + 1, self->argc - 1, e) < 0 || ctx_open(c, true, e) < 0)
		return -1;
	char *id;
	if (ctx_resolve(c, self->argv[0], false, &id, e) < 0)
		return -1;
	struct conversation cv;
	int ret =
	    client_members(&c->cl, id, what, self->argv + 1, (size_t)(self->argc - 1), &cv, e);
	if (ret < 0) {
		free(id);
		return older_server(c, e);
	}
	struct buf mem = {0};
	for (size_t i = 0; i < cv.nmembers; i++)
		buf_printf(&mem, "%s%s", i ? "," : "", cv.members[i]);
	char *title = text_sanitize(cv.title, strlen(cv.title), 0);
	printf("%s\t%s\t%s\n", cv.id, title, mem.data ? mem.data : "");
	free(title);
	buf_free(&mem);
	ret = keep(c, &cv, e);
	free(id);
	return ret;
}

/* leave CONV, accept CONV, decline CONV: the user's own membership. */
static int
cmd_own_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	const char *verb = self->entry->name;
	bool leave = strcmp(verb, "leave") == 0;
	if (ctx_open(c, true, e) < 0)
		return -1;
	char *id;
	if (ctx_resolve_in(c, self->argv[0], !leave, false, &id, e) < 0)
		return -1;
	char *title = title_of(c, id);
	struct conversation cv;
	bool accept = strcmp(verb, "accept") == 0;
	/* What was said until now is fetched first: afterwards nothing comes. */
	struct launch_report lr;
	struct err le = {0};
	if (leave)
		ctx_sync(c, &lr, &le);
	int ret = client_membership(&c->cl, id, verb, accept ? &cv : NULL, e);
	if (ret < 0) {
		ret = older_server(c, e);
	} else if (accept) {
		ret = keep(c, &cv, e);
		struct launch_report r;
		struct err se = {0};
		if (ret == 0 && ctx_sync(c, &r, &se) < 0)
			fprintf(stderr, "natter: %s; natter sync fetches it later\n", se.msg);
		if (ret == 0)
			printf("joined %s\n", title);
	} else {
		ret = history_set_conv_state(&c->hist, id, CONV_LEFT, e);
		ctx_reached(c);
		if (ret == 0 && leave)
			printf(
			    "left %s: you receive nothing more from it; what you hold stays here\n",
			    title);
		else if (ret == 0)
			printf("declined %s\n", title);
	}
	free(title);
	free(id);
	return ret;
}

/* rename CONV TITLE */
static int
cmd_rename_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	const char *t = self->argv[1];
	size_t tlen = strlen(t);
	if (tlen == 0 || tlen > TITLE_MAX || !text_acceptable(t, tlen))
		return err_set(e, ERR_USAGE, "a title has 1 to %d bytes of UTF-8", TITLE_MAX);
	if (ctx_open(c, true, e) < 0)
		return -1;
	char *id;
	if (ctx_resolve(c, self->argv[0], false, &id, e) < 0)
		return -1;
	struct conversation cv;
	int ret = client_rename(&c->cl, id, t, &cv, e);
	free(id);
	if (ret < 0)
		return older_server(c, e);
	return keep(c, &cv, e);
}

/* block USER, unblock USER: prints the users blocked after it. */
static int
cmd_block_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	bool on = strcmp(self->entry->name, "block") == 0;
	if (self->argc == 1 && check_users(self->argv, 1, e) < 0)
		return -1;
	if (ctx_open(c, true, e) < 0)
		return -1;
	char **names;
	size_t n;
	if (client_block(&c->cl, self->argc ? self->argv[0] : NULL, on, &names, &n, e) < 0)
		return older_server(c, e);
	ctx_reached(c);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	/* The notifier of this device asks the server for the list again at once. */
	struct syncstore ss;
	struct err ie = {0};
	if (self->argc == 1 && syncstore_open(&ss, c->paths.sync_db, 0, &ie) == 0) {
		syncstore_set_state(&ss, "blocks", now_ms(), &ie);
		syncstore_close(&ss);
	}
	/* Declined invitations leave the list at the next sync. */
	struct launch_report r;
	struct err se = {0};
	if (on)
		ctx_sync(c, &r, &se);
	return 0;
}

const struct cmd_entry cmd_dm_entry = {
    .name = "dm",
    .usage = "dm USER",
    .help = "the direct conversation with USER; prints its id",
    .args = {"", 1, 1},
    .exec = cmd_dm_exec,
};

const struct cmd_entry cmd_add_entry = {
    .name = "add",
    .usage = "add CONV USER...",
    .help = "add members (creator and admins)",
    .args = {"", 2, -1},
    .exec = cmd_members_exec,
};

const struct cmd_entry cmd_remove_entry = {
    .name = "remove",
    .usage = "remove CONV USER...",
    .help = "remove members (creator and admins)",
    .args = {"", 2, -1},
    .exec = cmd_members_exec,
};

const struct cmd_entry cmd_admin_entry = {
    .name = "admin",
    .usage = "admin CONV USER...",
    .help = "let members add and remove too (creator and admins)",
    .args = {"", 2, -1},
    .exec = cmd_members_exec,
};

const struct cmd_entry cmd_leave_entry = {
    .name = "leave",
    .usage = "leave CONV",
    .help = "leave a conversation; what you hold stays here",
    .args = {"", 1, 1},
    .exec = cmd_own_exec,
};

const struct cmd_entry cmd_accept_entry = {
    .name = "accept",
    .usage = "accept CONV",
    .help = "accept an invitation, then fetch the conversation",
    .args = {"", 1, 1},
    .exec = cmd_own_exec,
};

const struct cmd_entry cmd_decline_entry = {
    .name = "decline",
    .usage = "decline CONV",
    .help = "decline an invitation",
    .args = {"", 1, 1},
    .exec = cmd_own_exec,
};

const struct cmd_entry cmd_rename_entry = {
    .name = "rename",
    .usage = "rename CONV TITLE",
    .help = "give a conversation a new title",
    .args = {"", 2, 2},
    .exec = cmd_rename_exec,
};

const struct cmd_entry cmd_block_entry = {
    .name = "block",
    .usage = "block [USER]",
    .help = "block USER (their invitations are declined); lists the blocked",
    .args = {"", 0, 1},
    .exec = cmd_block_exec,
};

const struct cmd_entry cmd_unblock_entry = {
    .name = "unblock",
    .usage = "unblock USER",
    .help = "unblock USER; lists the blocked",
    .args = {"", 1, 1},
    .exec = cmd_block_exec,
};
