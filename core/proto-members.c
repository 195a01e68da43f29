/* The codec of membership requests: direct, members, title, blocks (docs/protocol.md). */
#include <stdlib.h>
#include <string.h>

#include "proto.h"

/* Dumps j compactly (taking it) into an xmalloc'd string. */
static char *
dump_members(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		abort();
	char *out = xstrdup(s);
	free(s);
	return out;
}

/* An array of names. */
static json_t *
names(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* Encodes {"user": NAME} of POST /v1/direct. */
char *
proto_direct_request(const char *user)
{
	return dump_members(json_pack("{s:s}", "user", user));
}

/* Encodes {"add": [...]} or {"remove": [...]} or {"admins": [...]} of .../members. */
char *
proto_members_request(const char *what, char *const *users, size_t n)
{
	return dump_members(json_pack("{s:o}", what, names(users, n)));
}

/* Encodes {"title": TITLE}; NULL when it is not valid UTF-8. */
char *
proto_title_request(const char *title)
{
	json_t *t = json_string(title);
	if (t == NULL)
		return NULL;
	return dump_members(json_pack("{s:o}", "title", t));
}

/* Encodes {"user": NAME, "blocked": on} of POST /v1/blocks. */
char *
proto_block_request(const char *user, bool on)
{
	return dump_members(json_pack("{s:s, s:b}", "user", user, "blocked", on));
}
