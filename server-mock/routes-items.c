/*
 * The item fields of POST /v1/conversations/{id}/messages (docs/protocol.md,
 * "Items"): kind, body, target, action and remove read and checked, and the
 * store's refusals (a target missing, not the sender's, deleted) answered.
 */
#include <string.h>

#include "codec.h"
#include "text.h"

/* The longest reaction, in bytes. */
#define REACTION_MAX 64

/* True when a reaction is 1-64 bytes with no whitespace or control character. */
static bool
reaction_valid(const char *s, size_t n)
{
	if (n == 0 || n > REACTION_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == 0x7f)
			return false;
		/* U+0080-U+009F (C1 controls) and U+00A0 (no-break space). */
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0xa0)
			return false;
	}
	return true;
}

/* Reads an optional boolean field: 0, or -1 with r set. */
static int
opt_bool(json_t *in, const char *key, bool *out, struct reply *r)
{
	json_t *v = json_object_get(in, key);
	*out = false;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return reply_error(r, 400, "invalid_field", "\"%s\" must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

/* Reads "target": {"sender": NAME, "seq": N}. 0, or -1 with r set. */
static int
read_target(json_t *in, struct store_item *it, struct reply *r)
{
	json_t *t = json_object_get(in, "target");
	if (t == NULL)
		return 0;
	json_t *snd = json_object_get(t, "sender"), *seq = json_object_get(t, "seq");
	if (!json_is_object(t) || !json_is_string(snd) || !json_is_integer(seq))
		return reply_error(
		    r, 400, "invalid_field", "\"target\" must be {\"sender\": NAME, \"seq\": N}");
	const char *name = json_string_value(snd);
	json_int_t n = json_integer_value(seq);
	if (!auth_name_valid(name) || n < 1 || (uint64_t)n > SEQ_MAX)
		return reply_error(r, 400, "invalid_field",
		    "\"target\" names no message: a user name and a seq from 1 to 2^53");
	it->target_sender = name;
	it->target_seq = (uint64_t)n;
	return 0;
}

/* Reads and checks the body of an item of kind k: 0, or -1 with r set. */
static int
read_body(json_t *in, const char *k, struct store_item *it, struct reply *r)
{
	bool text = strcmp(k, "message") == 0 || strcmp(k, "edit") == 0;
	if (strcmp(k, "delete") == 0) {
		if (json_object_get(in, "body") != NULL)
			return reply_error(r, 400, "invalid_field", "a delete has no \"body\"");
		return 0;
	}
	if (request_string(in, "body", &it->body, &it->bodylen, r) < 0)
		return -1;
	if (text && it->bodylen > MAX_MESSAGE_BODY)
		return reply_error(
		    r, 413, "too_large", "a message body has at most %d bytes", MAX_MESSAGE_BODY);
	if (text && it->bodylen == 0)
		return reply_error(r, 400, "invalid_field", "a message body cannot be empty");
	if (!text && !reaction_valid(it->body, it->bodylen))
		return reply_error(r, 400, "invalid_field",
		    "a reaction is 1 to %d bytes without spaces or control characters",
		    REACTION_MAX);
	return 0;
}

/* Reads the item fields of a send into it (pointing into in): 0, or -1 with r set. */
int
route_item_fields(json_t *in, struct store_item *it, struct reply *r)
{
	*it = (struct store_item){0};
	json_t *kind = json_object_get(in, "kind");
	const char *k = "message";
	if (kind != NULL) {
		if (!json_is_string(kind))
			return reply_error(r, 400, "invalid_field", "\"kind\" must be a string");
		k = json_string_value(kind);
		if (strcmp(k, "member") == 0 || strcmp(k, "title") == 0)
			return reply_error(r, 400, "invalid_field",
			    "\"%s\" items are made by the server, not sent", k);
		if (strcmp(k, "message") != 0 && strcmp(k, "edit") != 0 &&
		    strcmp(k, "delete") != 0 && strcmp(k, "react") != 0)
			return reply_error(r, 400, "invalid_field",
			    "\"kind\" is \"message\", \"edit\", \"delete\" or \"react\"");
	}
	it->kind = strcmp(k, "message") == 0 ? NULL : k;
	if (read_body(in, k, it, r) < 0 || read_target(in, it, r) < 0 ||
	    opt_bool(in, "action", &it->action, r) < 0 ||
	    opt_bool(in, "remove", &it->remove, r) < 0)
		return -1;
	if (it->kind != NULL && it->target_sender == NULL)
		return reply_error(r, 400, "invalid_field", "a%s %s needs a \"target\"",
		    strcmp(k, "edit") == 0 ? "n" : "", k);
	if (it->action && it->kind != NULL)
		return reply_error(r, 400, "invalid_field", "only a message can be an \"action\"");
	if (it->remove && (it->kind == NULL || strcmp(it->kind, "react") != 0))
		return reply_error(r, 400, "invalid_field", "only a react can \"remove\"");
	return 0;
}

/* Answers a refused item: 404, 403 or 409. */
enum route_result
route_item_refused(enum store_refusal why, const struct store_item *it, struct reply *r)
{
	const char *snd = it->target_sender;
	unsigned long long seq = (unsigned long long)it->target_seq;
	if (why == STORE_NOT_YOURS)
		reply_error(
		    r, 403, "forbidden", "only %s may edit or delete %s:%llu", snd, snd, seq);
	else if (why == STORE_DELETED)
		reply_error(r, 409, "deleted", "message %s:%llu was deleted", snd, seq);
	else
		reply_error(
		    r, 404, "not_found", "no message %s:%llu in this conversation", snd, seq);
	return ROUTE_REPLY;
}
