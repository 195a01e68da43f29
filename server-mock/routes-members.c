/*
 * The membership endpoints: POST /v1/direct, GET and POST /v1/blocks, and
 * POST /v1/conversations/{id}/members, leave, accept, decline, title.
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* True when url is /v1/conversations/{id}/SUFFIX with a segment of at most 127 bytes. */
static bool
conv_path(const char *url, const char *suffix, char *id, size_t idsz)
{
	const char *prefix = "/v1/conversations/";
	size_t pl = strlen(prefix);
	if (strncmp(url, prefix, pl) != 0)
		return false;
	const char *p = url + pl;
	size_t n = strcspn(p, "/");
	if (n == 0 || n >= idsz || p[n] != '/' || strcmp(p + n + 1, suffix) != 0)
		return false;
	memcpy(id, p, n);
	id[n] = '\0';
	return true;
}

/* Whether url is one of these endpoints (for the metrics label and the method check). */
bool
route_is_members(const char *url, bool *get_too, bool *body)
{
	static const char *const suffixes[] = {"members", "leave", "accept", "decline", "title"};
	char id[128];
	*get_too = strcmp(url, "/v1/blocks") == 0;
	*body = true;
	if (*get_too || strcmp(url, "/v1/direct") == 0)
		return true;
	for (size_t i = 0; i < nitems(suffixes); i++)
		if (conv_path(url, suffixes[i], id, sizeof(id))) {
			*body = i == 0 || i == 4;
			return true;
		}
	return false;
}

/* Reads an optional array of user names; -1 with r set when it is not one. */
static int
name_list(json_t *in, const char *key, const char ***out, size_t *n, struct reply *r)
{
	json_t *a = json_object_get(in, key);
	*out = NULL;
	*n = 0;
	if (a == NULL)
		return 0;
	if (!json_is_array(a))
		return reply_error(
		    r, 400, "invalid_field", "\"%s\" must be an array of user names", key);
	*out = xcalloc(json_array_size(a) + 1, sizeof(**out));
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v))
			return reply_error(
			    r, 400, "invalid_field", "\"%s\" must be an array of user names", key);
		const char *name = json_string_value(v);
		if (!auth_name_valid(name) || strlen(name) != json_string_length(v))
			return reply_error(
			    r, 400, "invalid_user", "\"%.40s\" is not a user name", name);
		(*out)[(*n)++] = name;
	}
	return 0;
}

/* Wakes the long-polls of the users an action concerned and frees the list. */
static void
wake(int64_t *woken, size_t n)
{
	events_wake_users(woken, n);
	free(woken);
}

/* Replies with a conversation object (vector and digest), freeing it. */
static enum route_result
reply_conv(struct reply *r, unsigned status, struct store_conv *c)
{
	reply_json(r, status, render_conv(c, true, true));
	store_conv_free(c);
	return ROUTE_REPLY;
}

/* POST /v1/direct {"user": NAME} */
static enum route_result
do_direct(struct store *s, int64_t uid, const char *me, json_t *in, struct reply *r)
{
	const char *user;
	size_t len;
	if (request_string(in, "user", &user, &len, r) < 0)
		return ROUTE_REPLY;
	if (!auth_name_valid(user) || strlen(user) != len) {
		reply_error(r, 400, "invalid_user", "\"%.40s\" is not a user name", user);
		return ROUTE_REPLY;
	}
	if (strcmp(user, me) == 0) {
		reply_error(r, 400, "invalid_field", "a direct conversation is with someone else");
		return ROUTE_REPLY;
	}
	struct err e = {0};
	struct store_conv c;
	bool created;
	int64_t *woken;
	size_t nwoken;
	int rc = store_direct(s, uid, me, user, &c, &created, &woken, &nwoken, &e);
	if (rc < 0)
		return route_internal(r, &e);
	if (rc == 1) {
		reply_error(r, 400, "unknown_user", "no user is called %s", user);
		return ROUTE_REPLY;
	}
	wake(woken, nwoken);
	return reply_conv(r, created ? 201 : 200, &c);
}

/* GET /v1/blocks, POST /v1/blocks {"user": NAME, "blocked": BOOL} */
static enum route_result
do_blocks(struct store *s, int64_t uid, const char *me, json_t *in, struct reply *r)
{
	struct err e = {0};
	if (in != NULL) {
		const char *user;
		size_t len;
		if (request_string(in, "user", &user, &len, r) < 0)
			return ROUTE_REPLY;
		json_t *b = json_object_get(in, "blocked");
		if (!json_is_boolean(b)) {
			reply_error(r, 400, "invalid_field", "\"blocked\" must be true or false");
			return ROUTE_REPLY;
		}
		if (!auth_name_valid(user) || strlen(user) != len || strcmp(user, me) == 0) {
			reply_error(
			    r, 400, "invalid_user", "\"%.40s\" is not another user's name", user);
			return ROUTE_REPLY;
		}
		int64_t *woken;
		size_t nwoken;
		int rc = store_block(s, uid, user, json_is_true(b), &woken, &nwoken, &e);
		if (rc < 0)
			return route_internal(r, &e);
		if (rc == 1) {
			reply_error(r, 400, "unknown_user", "no user is called %s", user);
			return ROUTE_REPLY;
		}
		wake(woken, nwoken);
	}
	char **names;
	size_t n;
	if (store_block_list(s, uid, &names, &n, &e) < 0)
		return route_internal(r, &e);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(a, json_string(names[i]));
		free(names[i]);
	}
	free(names);
	return reply_json(r, 200, json_pack("{s:o}", "blocks", a));
}

/* POST /v1/conversations/{id}/members {"add": [...], "remove": [...], "admins": [...]} */
static enum route_result
do_members(struct store *s, int64_t uid, int64_t conv, json_t *in, struct reply *r)
{
	struct member_change mc = {0};
	const char **add = NULL, **rem = NULL, **adm = NULL;
	if (name_list(in, "add", &add, &mc.nadd, r) < 0 ||
	    name_list(in, "remove", &rem, &mc.nremove, r) < 0 ||
	    name_list(in, "admins", &adm, &mc.nadmins, r) < 0)
		goto out;
	if (mc.nadd + mc.nremove + mc.nadmins == 0) {
		reply_error(
		    r, 400, "invalid_field", "name users in \"add\", \"remove\" or \"admins\"");
		goto out;
	}
	mc.add = add;
	mc.remove = rem;
	mc.admins = adm;
	struct err e = {0};
	struct store_conv c;
	char *bad = NULL;
	int64_t *woken;
	size_t nwoken;
	int rc = store_members(s, uid, conv, &mc, MAX_MEMBERS, &c, &bad, &woken, &nwoken, &e);
	switch (rc) {
	case 0:
		wake(woken, nwoken);
		reply_conv(r, 200, &c);
		break;
	case MEMBERS_UNKNOWN:
		reply_error(r, 400, "unknown_user", "no user is called %s", bad);
		break;
	case MEMBERS_FORBIDDEN:
		if (bad != NULL)
			reply_error(r, 403, "forbidden",
			    "%s created the conversation: they can only leave", bad);
		else
			reply_error(r, 403, "forbidden",
			    "only the creator and the admins may add and remove members");
		break;
	case MEMBERS_NOT_MEMBER:
		reply_error(r, 409, "not_member", "%s is not a member", bad);
		break;
	case MEMBERS_TOO_MANY:
		reply_error(
		    r, 400, "invalid_field", "a conversation has at most %d members", MAX_MEMBERS);
		break;
	default:
		route_internal(r, &e);
		break;
	}
	free(bad);
out:
	free(add);
	free(rem);
	free(adm);
	return ROUTE_REPLY;
}

/* POST /v1/conversations/{id}/title {"title": TITLE} */
static enum route_result
do_title(struct store *s, int64_t uid, int64_t conv, json_t *in, struct reply *r)
{
	const char *title;
	size_t tlen;
	if (request_string(in, "title", &title, &tlen, r) < 0)
		return ROUTE_REPLY;
	if (tlen < 1 || tlen > MAX_TITLE || strlen(title) != tlen) {
		reply_error(r, 400, "invalid_field", "a title has 1 to %d bytes", MAX_TITLE);
		return ROUTE_REPLY;
	}
	struct err e = {0};
	struct store_conv c;
	int64_t *woken;
	size_t nwoken;
	if (store_rename(s, uid, conv, title, &c, &woken, &nwoken, &e) < 0)
		return route_internal(r, &e);
	wake(woken, nwoken);
	return reply_conv(r, 200, &c);
}

/* The caller's own row in the conversation of the path: 0 (*conv, *state), or -1 with r (404). */
static int
own_row(struct store *s, int64_t uid, const char *id, int64_t *conv, int *state, struct reply *r)
{
	struct err e = {0};
	int role;
	int rc = s->ops->conv_find(s, id, conv, &e);
	if (rc == 0)
		rc = s->ops->member_get(s, *conv, uid, state, &role, NULL, &e);
	if (rc < 0) {
		route_internal(r, &e);
		return -1;
	}
	if (rc == 1 || *state == MEMBER_GONE)
		return reply_error(r, 404, "not_found", "no such conversation");
	return 0;
}

/* POST .../leave, .../accept, .../decline: the caller's own membership. */
static enum route_result
do_own(
    struct store *s, int64_t uid, const char *me, const char *id, const char *what, struct reply *r)
{
	int64_t conv;
	int state;
	if (own_row(s, uid, id, &conv, &state, r) < 0)
		return ROUTE_REPLY;
	bool invited = state == MEMBER_INVITED;
	if (strcmp(what, "leave") != 0 && !invited) {
		reply_error(r, 409, "not_invited", "you are already a member of %s", id);
		return ROUTE_REPLY;
	}
	struct err e = {0};
	int64_t *woken;
	size_t nwoken;
	if (strcmp(what, "accept") == 0) {
		struct store_conv c;
		if (store_accept(s, uid, me, conv, &c, &woken, &nwoken, &e) != 0)
			return route_internal(r, &e);
		wake(woken, nwoken);
		return reply_conv(r, 200, &c);
	}
	if (store_leave(s, uid, me, conv, &woken, &nwoken, &e) != 0)
		return route_internal(r, &e);
	wake(woken, nwoken);
	return reply_json(r, 200, json_object());
}

/* Dispatches the membership endpoints (route_is_members said yes). */
enum route_result
route_members(
    struct store *s, int64_t uid, const char *me, const char *url, json_t *in, struct reply *r)
{
	char id[128];
	if (strcmp(url, "/v1/direct") == 0)
		return do_direct(s, uid, me, in, r);
	if (strcmp(url, "/v1/blocks") == 0)
		return do_blocks(s, uid, me, in, r);
	static const char *const own[] = {"leave", "accept", "decline"};
	for (size_t i = 0; i < nitems(own); i++)
		if (conv_path(url, own[i], id, sizeof(id)))
			return do_own(s, uid, me, id, own[i], r);
	int64_t conv;
	bool members = conv_path(url, "members", id, sizeof(id));
	if (!members)
		conv_path(url, "title", id, sizeof(id));
	if (route_member_conv(uid, id, &conv, r) < 0)
		return ROUTE_REPLY;
	return members ? do_members(s, uid, conv, in, r) : do_title(s, uid, conv, in, r);
}
