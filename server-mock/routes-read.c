/* POST /v1/conversations/{id}/read: moves the caller's read marks. */
#include <stdlib.h>

#include "codec.h"

/* Reads {"read": {sender: seq, ...}} into marks (names borrowed from in). */
static int
parse_marks(json_t *in, struct store_mark **out, size_t *n, struct reply *r)
{
	json_t *o = json_object_get(in, "read");
	if (!json_is_object(o))
		return reply_error(
		    r, 400, "invalid_field", "\"read\" must be an object of sender: seq");
	*out = xcalloc(json_object_size(o) + 1, sizeof(**out));
	*n = 0;
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    (uint64_t)json_integer_value(v) > SEQ_MAX) {
			free(*out);
			*out = NULL;
			return reply_error(
			    r, 400, "invalid_field", "a read mark is an integer from 0 to 2^53");
		}
		(*out)[(*n)++] = (struct store_mark){
		    .sender = (char *)k,
		    .seq = (uint64_t)json_integer_value(v),
		};
	}
	return 0;
}

/* Raises the caller's marks and answers the marks now; other devices get a read event. */
enum route_result
route_read(struct store *s, int64_t uid, const char *id, json_t *in, struct reply *r)
{
	int64_t conv;
	if (route_member_conv(uid, id, &conv, r) < 0)
		return ROUTE_REPLY;
	struct store_mark *marks = NULL;
	size_t n = 0;
	if (parse_marks(in, &marks, &n, r) < 0)
		return ROUTE_REPLY;
	struct err e = {0};
	bool moved;
	struct store_marks now;
	int64_t *woken;
	size_t nwoken;
	int rc = store_read_raise(s, uid, conv, marks, n, &moved, &now, &woken, &nwoken, &e);
	free(marks);
	if (rc < 0)
		return route_internal(r, &e);
	events_wake_users(woken, nwoken);
	free(woken);
	reply_json(r, 200, json_pack("{s:s, s:o}", "conv", id, "read", render_marks(&now)));
	store_marks_free(&now);
	return ROUTE_REPLY;
}
