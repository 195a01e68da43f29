/* The conversation commands: new and conversations. */
#include <stdio.h>
#include <string.h>

#include "launch.h"
#include "natter.h"
#include "text.h"

#define TITLE_MAX 256

/* new TITLE MEMBER...: creates a conversation and prints its id. */
static int
cmd_new_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	const char *title = self->argv[0];
	size_t tlen = strlen(title);
	if (tlen == 0 || tlen > TITLE_MAX || !text_acceptable(title, tlen))
		return err_set(e, ERR_USAGE, "a title has 1 to %d bytes of UTF-8", TITLE_MAX);
	for (int i = 1; i < self->argc; i++)
		if (!proto_valid_user(self->argv[i]))
			return err_set(e, ERR_USAGE, "invalid user name %s", self->argv[i]);
	if (ctx_open(c, true, e) < 0)
		return -1;
	struct conversation cv;
	if (client_new_conversation(
		&c->cl, title, self->argv + 1, (size_t)(self->argc - 1), &cv, e) < 0)
		return -1;
	int ret = history_put_convs(&c->hist, &cv, 1, e);
	if (ret == 0)
		printf("%s\n", cv.id);
	conversation_free(&cv);
	ctx_reached(c);
	return ret;
}

/* conversations [--json]: syncs when the server is reachable, then lists. */
static int
cmd_conversations_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	if (ctx_open(c, true, e) < 0)
		return -1;
	struct launch_report r;
	struct err se = {0};
	if (ctx_sync(c, &r, &se) < 0) {
		if (se.kind != ERR_OFFLINE) {
			*e = se;
			return -1;
		}
		fprintf(stderr, "natter: %s; showing what is stored here\n", se.msg);
	}
	struct conversation *v;
	size_t n;
	if (history_list_convs(&c->hist, c->cred ? c->cred->user : NULL, &v, &n, e) < 0)
		return -1;
	output_convs(v, n, self->json);
	conversations_free(v, n);
	return 0;
}

const struct cmd_entry cmd_new_entry = {
    .name = "new",
    .usage = "new TITLE MEMBER...",
    .help = "create a conversation; prints its id",
    .args = {"", 2, -1},
    .exec = cmd_new_exec,
};

const struct cmd_entry cmd_conversations_entry = {
    .name = "conversations",
    .usage = "conversations [--json]",
    .help = "list conversations: id, title, members, unread",
    .args = {"j", 0, 0},
    .exec = cmd_conversations_exec,
};
