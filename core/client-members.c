/* The membership calls: direct conversations, members, invitations, titles, blocks. */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "proto.h"

/* A POST answered by a conversation object (out NULL: an answer ignored). */
static int
post_conv(struct client *c, const char *path, const char *body, const char *what,
    struct conversation *out, struct err *e)
{
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	struct http_response r;
	if (client_call(c, "POST", path, body, 0, what, &r, e) < 0)
		return -1;
	int ret = out ? proto_parse_conversation(r.body.data, r.body.len, out, e) : 0;
	http_response_free(&r);
	return ret;
}

/* A POST to /v1/conversations/{conv}/{verb}. */
static int
post_conv_verb(struct client *c, const char *conv, const char *verb, const char *body,
    struct conversation *out, struct err *e)
{
	if (!proto_valid_id(conv))
		return err_set(
		    e, ERR_NOTFOUND, "no conversation %s, or you are not a member of it", conv);
	char *path = xasprintf("/v1/conversations/%s/%s", conv, verb);
	char *what = xasprintf("conversation %s", conv);
	int ret = post_conv(c, path, body, what, out, e);
	free(path);
	free(what);
	return ret;
}

/* POST /v1/direct: the direct conversation with user. */
int
client_direct(struct client *c, const char *user, struct conversation *out, struct err *e)
{
	char *req = proto_direct_request(user);
	int ret = post_conv(c, "/v1/direct", req, NULL, out, e);
	free(req);
	return ret;
}

/* POST .../members: what is "add", "remove" or "admins". */
int
client_members(struct client *c, const char *conv, const char *what, char *const *users, size_t n,
    struct conversation *out, struct err *e)
{
	char *req = proto_members_request(what, users, n);
	int ret = post_conv_verb(c, conv, "members", req, out, e);
	free(req);
	return ret;
}

/* POST .../leave, .../accept (out: the conversation) or .../decline. */
int
client_membership(
    struct client *c, const char *conv, const char *verb, struct conversation *out, struct err *e)
{
	return post_conv_verb(c, conv, verb, "{}", out, e);
}

/* POST .../title. */
int
client_rename(
    struct client *c, const char *conv, const char *title, struct conversation *out, struct err *e)
{
	char *req = proto_title_request(title);
	if (req == NULL)
		return err_set(e, ERR_USAGE, "the title is not valid UTF-8");
	int ret = post_conv_verb(c, conv, "title", req, out, e);
	free(req);
	return ret;
}

/* POST /v1/blocks (user NULL: GET): the blocked users after it. */
int
client_block(struct client *c, const char *user, bool on, char ***names, size_t *n, struct err *e)
{
	char *req = user ? proto_block_request(user, on) : NULL;
	struct http_response r;
	int ret = client_call(c, user ? "POST" : "GET", "/v1/blocks", req, 0, NULL, &r, e);
	free(req);
	if (ret < 0)
		return -1;
	ret = proto_parse_blocks(r.body.data, r.body.len, names, n, e);
	http_response_free(&r);
	return ret;
}
