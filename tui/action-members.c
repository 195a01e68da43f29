/*
 * The membership commands of the interface: /msg, /query, /part, /invite,
 * /kick, /topic and /rename. They check what they can here and hand the
 * request to the sender thread (net-members.c); the answer is a notice.
 */
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "natter.h"
#include "proto.h"
#include "text.h"

/* False, with a notice saying why, when the user left conv or is only invited to it. */
bool
member_may_send(const char *conv)
{
	enum conv_state st;
	struct err e = {0};
	if (history_conv_state(ui.hist, conv, &st, NULL, &e) != 0 || st == CONV_MEMBER)
		return true;
	if (st == CONV_LEFT)
		window_notice("you are no longer a member of this conversation (you left or were "
			      "removed): nothing can be sent here; what you hold stays");
	else
		window_notice("this is an invitation: natter accept %s first", conv);
	return false;
}

/* Splits "WORD REST" of a command's text: the first word (allocated), *rest after it or NULL. */
static char *
first_word(const char *text, const char **rest)
{
	size_t n = strcspn(text, " \t");
	const char *r = text + n;
	while (*r == ' ' || *r == '\t')
		r++;
	*rest = *r ? r : NULL;
	return xstrndup(text, n);
}

/* A new request of kind for conv (NULL: none). */
static struct net_member_req *
request(int kind, const char *conv)
{
	struct net_member_req *r = xcalloc(1, sizeof(*r));
	r->kind = kind;
	r->conv = conv ? xstrdup(conv) : NULL;
	return r;
}

/* /msg USER [TEXT] and /query USER: opens the direct conversation, sending TEXT first. */
void
run_msg(const struct command *c)
{
	const char *rest;
	char *user = first_word(c->text, &rest);
	if (user[0] == '@')
		memmove(user, user + 1, strlen(user));
	if (!proto_valid_user(user)) {
		window_notice("not a user name: %s (lowercase letters, digits, . _ -)", user);
		free(user);
		return;
	}
	if (rest && c->kind == CMD_QUERY) {
		window_notice("usage: %s", c->info->usage);
		free(user);
		return;
	}
	if (rest && !text_acceptable(rest, strlen(rest))) {
		window_notice("the message is not valid UTF-8");
		free(user);
		return;
	}
	struct net_member_req *r = request(NET_DM, NULL);
	r->args = xcalloc(1, sizeof(*r->args));
	r->args[0] = user;
	r->n = 1;
	r->text = rest ? xstrdup(rest) : NULL;
	net_members(&ui.net, r);
	snprintf(ui.note, sizeof(ui.note), "opening the conversation with %s...", user);
}

/* The conversation a command acts on: NAME when given, else the one shown. */
static char *
target(const char *name)
{
	if (name == NULL) {
		if (ui.cur == NULL)
			window_notice("no conversation open: /go NAME first");
		return ui.cur ? xstrdup(ui.cur) : NULL;
	}
	char *id = NULL;
	struct err e = {0};
	if (history_resolve_conv(ui.hist, name, &id, &e) < 0)
		window_notice("%s", e.msg);
	return id;
}

/* /part [NAME]: leaves a conversation. */
void
run_part(const struct command *c)
{
	char *id = target(c->text);
	if (id == NULL)
		return;
	net_members(&ui.net, request(NET_PART, id));
	free(id);
}

/* /invite USER... and /kick USER...: membership changes of the conversation shown. */
void
run_invite(const struct command *c)
{
	char *id = target(NULL);
	if (id == NULL)
		return;
	struct net_member_req *r = request(c->kind == CMD_INVITE ? NET_INVITE : NET_KICK, id);
	free(id);
	const char *p = c->text;
	while (p != NULL) {
		const char *rest;
		char *user = first_word(p, &rest);
		if (user[0] == '@')
			memmove(user, user + 1, strlen(user));
		if (!proto_valid_user(user)) {
			window_notice(
			    "not a user name: %s (lowercase letters, digits, . _ -)", user);
			free(user);
			net_member_req_free(r);
			return;
		}
		r->args = xreallocarray(r->args, r->n + 1, sizeof(*r->args));
		r->args[r->n++] = user;
		p = rest;
	}
	net_members(&ui.net, r);
}

/* /topic TITLE and /rename TITLE: renames the conversation shown. */
void
run_topic(const struct command *c)
{
	size_t len = strlen(c->text);
	if (len > 256 || !text_acceptable(c->text, len)) {
		window_notice("a title is 1 to 256 bytes of UTF-8");
		return;
	}
	char *id = target(NULL);
	if (id == NULL)
		return;
	struct net_member_req *r = request(NET_TOPIC, id);
	r->text = xstrdup(c->text);
	free(id);
	net_members(&ui.net, r);
}
