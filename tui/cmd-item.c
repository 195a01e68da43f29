/*
 * The commands that act on a message (docs/protocol.md, "Items"): edit,
 * delete, reply, react. A message is named SENDER:SEQ as `natter log
 * --json` gives it ("id"), or by a bare SEQ for one's own. Each item is
 * queued in the outbox and delivered like a send (offline: exit 75, sent
 * at the next run).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "natter.h"
#include "proto.h"
#include "text.h"

/* The longest reaction, in bytes (the protocol's). */
#define REACTION_MAX 64

/* Parses ID (SENDER:SEQ, or SEQ for one's own) into *sender (allocated) and *seq. */
static int
parse_id(const char *id, const char *me, char **sender, uint64_t *seq, struct err *e)
{
	const char *colon = strrchr(id, ':');
	const char *num = colon != NULL ? colon + 1 : id;
	char *name = colon != NULL ? xstrndup(id, (size_t)(colon - id)) : xstrdup(me);
	char *end;
	errno = 0;
	unsigned long long n = strtoull(num, &end, 10);
	if (*num < '1' || *num > '9' || *end != '\0' || errno != 0 || n > SEQ_MAX ||
	    !proto_valid_user(name)) {
		free(name);
		char *shown = text_sanitize(id, strlen(id), 0);
		err_set(e, ERR_USAGE,
		    "%s names no message: use SENDER:SEQ as natter log --json gives it (\"id\"),"
		    " or SEQ for your own",
		    shown);
		free(shown);
		return -1;
	}
	*sender = name;
	*seq = n;
	return 0;
}

/* Checks what is known here of the target: a text message, not deleted. */
static int
check_target(
    struct ctx *c, const char *conv, const char *sender, uint64_t seq, bool live, struct err *e)
{
	struct message t;
	int rc = history_get(&c->hist, conv, sender, seq, &t, e);
	if (rc != 0)
		return rc < 0 ? -1 : 0; /* not held here: the server decides */
	struct message_list acts = {0};
	bool edited, deleted = false;
	if (history_acting(&c->hist, conv, sender, seq, &acts, e) < 0) {
		message_free(&t);
		return -1;
	}
	bool text = message_kind(&t) == ITEM_MESSAGE;
	if (text)
		fold_text(&t, acts.v, acts.n, &edited, &deleted);
	message_list_free(&acts);
	message_free(&t);
	if (!text)
		return err_set(
		    e, ERR_NOTFOUND, "%s:%llu is not a message", sender, (unsigned long long)seq);
	if (live && deleted)
		return err_set(e, ERR_CONFLICT, "message %s:%llu was deleted", sender,
		    (unsigned long long)seq);
	return 0;
}

/*
 * Opens the stores, resolves CONV, names the target ID and checks it: one's
 * own when own is set (edit, delete), not deleted when live is set. Fills
 * *id (allocated) and it->target_*.
 */
static int
target_of(struct ctx *c, struct cmd *self, bool own, bool live, char **id, struct message *it,
    struct err *e)
{
	if (ctx_open(c, true, e) < 0)
		return -1;
	const char *me = c->cred->user;
	char *sender;
	uint64_t seq;
	if (parse_id(self->argv[1], me, &sender, &seq, e) < 0)
		return -1;
	if (own && strcmp(sender, me) != 0) {
		err_set(e, ERR_USAGE, "only %s may %s %s:%llu (you are %s)", sender,
		    self->entry->name, sender, (unsigned long long)seq, me);
		free(sender);
		return -1;
	}
	if (ctx_resolve(c, self->argv[0], true, id, e) < 0 ||
	    check_target(c, *id, sender, seq, live, e) < 0) {
		free(sender);
		return -1;
	}
	it->target_sender = sender;
	it->target_seq = seq;
	return 0;
}

/* Joins the operands from i on with spaces, as send does; checks the text. */
static char *
text_of(struct cmd *self, int i, struct err *e)
{
	struct buf b = {0};
	for (int k = i; k < self->argc; k++)
		buf_printf(&b, "%s%s", k > i ? " " : "", self->argv[k]);
	if (check_body(b.data ? b.data : "", b.len, e) < 0) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* Queues and delivers it; frees what target_of and text_of allocated. */
static int
send_it(struct ctx *c, char *id, struct message *it, struct err *e)
{
	int ret = cmd_send_item(c, id, it, e);
	free(id);
	free(it->target_sender);
	free(it->body);
	return ret;
}

/* edit CONV ID TEXT...: replaces the text of one's own message. */
static int
cmd_edit_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	char *id;
	struct message it = {.kind = "edit"};
	if ((it.body = text_of(self, 2, e)) == NULL)
		return -1;
	if (target_of(c, self, true, true, &id, &it, e) < 0) {
		free(it.body);
		return -1;
	}
	return send_it(c, id, &it, e);
}

/* delete CONV ID: erases one's own message everywhere. */
static int
cmd_delete_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	char *id;
	struct message it = {.kind = "delete", .body = xstrdup("")};
	if (target_of(c, self, true, true, &id, &it, e) < 0) {
		free(it.body);
		return -1;
	}
	return send_it(c, id, &it, e);
}

/* reply CONV ID TEXT...: a message quoting ID. */
static int
cmd_reply_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	char *id;
	struct message it = {0};
	if ((it.body = text_of(self, 2, e)) == NULL)
		return -1;
	if (target_of(c, self, false, false, &id, &it, e) < 0) {
		free(it.body);
		return -1;
	}
	return send_it(c, id, &it, e);
}

/* react CONV ID EMOJI [--remove]: adds (or takes back) a reaction. */
static int
cmd_react_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	const char *r = self->argv[2];
	size_t n = strlen(r);
	bool ok = n > 0 && n <= REACTION_MAX && text_acceptable(r, n);
	for (size_t i = 0; ok && i < n; i++)
		ok = (unsigned char)r[i] > ' ' && r[i] != 0x7f;
	if (!ok)
		return err_set(e, ERR_USAGE,
		    "a reaction is 1 to %d bytes of text without spaces or control characters",
		    REACTION_MAX);
	char *id;
	struct message it = {.kind = "react", .body = xstrdup(r), .remove = self->remove};
	if (target_of(c, self, false, !self->remove, &id, &it, e) < 0) {
		free(it.body);
		return -1;
	}
	return send_it(c, id, &it, e);
}

const struct cmd_entry cmd_edit_entry = {
    .name = "edit",
    .usage = "edit CONV ID TEXT...",
    .help = "replace the text of your message ID (SENDER:SEQ or SEQ)",
    .args = {"", 3, -1},
    .exec = cmd_edit_exec,
};

const struct cmd_entry cmd_delete_entry = {
    .name = "delete",
    .usage = "delete CONV ID",
    .help = "delete your message ID everywhere",
    .args = {"", 2, 2},
    .exec = cmd_delete_exec,
};

const struct cmd_entry cmd_reply_entry = {
    .name = "reply",
    .usage = "reply CONV ID TEXT...",
    .help = "send a message that quotes message ID",
    .args = {"", 3, -1},
    .exec = cmd_reply_exec,
};

const struct cmd_entry cmd_react_entry = {
    .name = "react",
    .usage = "react CONV ID EMOJI [--remove]",
    .help = "react to message ID (--remove takes it back)",
    .args = {"R", 3, 3},
    .options_anywhere = true,
    .exec = cmd_react_exec,
};
