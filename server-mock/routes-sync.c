/*
 * POST /v1/sync: the messages of a scope missing from the caller's vectors,
 * and its continuations. A chain's first request names have and scope; an
 * answer with more adds "next": "ID.AFTER" (ID the continuation the store
 * keeps, AFTER the id of the answer's last message), and {"next": TOKEN}
 * continues as if have held every message up to AFTER too (answers are in
 * message id order).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "vector.h"

/* The largest "newest" (messages per conversation of a newest-first sync). */
#define SYNC_NEWEST_MAX SYNC_LIMIT_MAX

/* Frees a parsed sync request. */
static void
sync_free(struct sync_req *q)
{
	for (size_t i = 0; i < q->n; i++)
		vector_free(&q->convs[i].have);
	free(q->convs);
	q->convs = NULL;
	q->n = 0;
}

/* Adds conv to the scope unless it is there; returns its entry. */
static struct sync_conv *
scope_add(struct sync_req *q, int64_t conv)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->convs[i].conv == conv)
			return &q->convs[i];
	q->convs = xreallocarray(q->convs, q->n + 1, sizeof(*q->convs));
	struct sync_conv *c = &q->convs[q->n++];
	memset(c, 0, sizeof(*c));
	c->conv = conv;
	return c;
}

/* uid's state in conv (MEMBER_GONE when uid has no row). */
static int
member_state(struct store *s, int64_t uid, int64_t conv, int *state, struct err *e)
{
	int role;
	int rc = s->ops->member_get(s, conv, uid, state, &role, NULL, e);
	if (rc == 1)
		*state = MEMBER_GONE;
	return rc < 0 ? -1 : 0;
}

/*
 * Whether "have" may name id although uid is no member of it: uid left it,
 * was removed or is invited (a client keeps what it holds; the entry is
 * then ignored).
 */
static bool
have_former(struct store *s, int64_t uid, const char *id)
{
	struct err e = {0};
	int64_t conv;
	int state;
	return s->ops->conv_find(s, id, &conv, &e) == 0 &&
	    s->ops->member_get(s, conv, uid, &state, &(int){0}, NULL, &e) == 0;
}

/* Reads "have": per conversation of uid, the ranges held of each sender. 0, or -1 with r set. */
static int
sync_have(struct store *s, int64_t uid, json_t *jh, struct sync_req *have, struct reply *r)
{
	const char *cid;
	json_t *jv;
	json_object_foreach(jh, cid, jv)
	{
		int64_t conv;
		if (route_member_conv(uid, cid, &conv, r) < 0) {
			if (r->status != 404 || !have_former(s, uid, cid))
				return -1;
			json_decref(r->json);
			*r = (struct reply){0};
			continue;
		}
		if (!json_is_object(jv))
			return reply_error(
			    r, 400, "invalid_field", "have[\"%.64s\"] must be an object", cid);
		struct sync_conv *sc = scope_add(have, conv);
		const char *sender;
		json_t *js;
		json_object_foreach(jv, sender, js)
		{
			if (!json_is_string(js))
				return reply_error(
				    r, 400, "invalid_field", "ranges must be strings");
			struct seqset set = {0};
			size_t pos = 0;
			struct err e = {0};
			if (seqset_parse(&set, json_string_value(js), json_string_length(js), &pos,
				&e) < 0) {
				seqset_free(&set);
				return reply_error(r, 400, "invalid_ranges",
				    "bad range string for %.32s in %.64s at byte %zu", sender, cid,
				    pos);
			}
			seqset_union(vector_row(&sc->have, sender), &set);
			seqset_free(&set);
		}
	}
	return 0;
}

/* Reads the scope: "conversations" (jc) when given, else all of uid's. 0, or -1 with r set. */
static int
sync_scope(struct store *s, int64_t uid, json_t *jc, struct sync_req *q, struct reply *r)
{
	if (jc == NULL) {
		struct err e = {0};
		int64_t *ids;
		size_t n;
		if (store_conv_ids(s, uid, &ids, &n, &e) < 0) {
			route_internal(r, &e);
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			scope_add(q, ids[i]);
		free(ids);
		return 0;
	}
	if (!json_is_array(jc))
		return reply_error(r, 400, "invalid_field", "\"conversations\" must be an array");
	size_t i;
	json_t *v;
	json_array_foreach(jc, i, v)
	{
		int64_t conv;
		if (!json_is_string(v))
			return reply_error(r, 400, "invalid_field", "\"conversations\" holds ids");
		if (route_member_conv(uid, json_string_value(v), &conv, r) < 0) {
			/* Out of it or invited: nothing of it comes (older clients ask). */
			if (r->status != 404 || !have_former(s, uid, json_string_value(v)))
				return -1;
			json_decref(r->json);
			*r = (struct reply){0};
			continue;
		}
		scope_add(q, conv);
	}
	return 0;
}

/* The scope as text for a continuation: the internal ids, a JSON array. */
static char *
scope_text(const struct sync_req *q)
{
	json_t *a = json_array();
	for (size_t i = 0; i < q->n; i++)
		json_array_append_new(a, json_integer(q->convs[i].conv));
	char *text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return text;
}

/* Reads a continuation's scope text back into q. */
static int
scope_read(const char *text, struct sync_req *q)
{
	json_t *a = json_loads(text, 0, NULL);
	if (!json_is_array(a)) {
		json_decref(a);
		return -1;
	}
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) scope_add(q, json_integer_value(v));
	json_decref(a);
	return 0;
}

/*
 * Fills q from have (jh) and the scope (jc, or the stored ids of a
 * continuation, or every conversation of uid). 0, or -1 with r set.
 */
static int
sync_request(struct store *s, int64_t uid, json_t *jh, json_t *jc, const char *scope,
    struct sync_req *q, struct reply *r)
{
	struct sync_req have = {0};
	int rc = sync_have(s, uid, jh, &have, r);
	if (rc == 0 && scope != NULL && scope_read(scope, q) < 0) {
		struct err e = {0};
		err_set(&e, ERR_DB, "a stored sync continuation is not valid");
		route_internal(r, &e);
		rc = -1;
	} else if (rc == 0 && scope == NULL) {
		rc = sync_scope(s, uid, jc, q, r);
	}
	for (size_t i = 0; rc == 0 && i < have.n; i++) {
		for (size_t j = 0; j < q->n; j++) {
			if (q->convs[j].conv == have.convs[i].conv) {
				struct vector tmp = q->convs[j].have;
				q->convs[j].have = have.convs[i].have;
				have.convs[i].have = tmp;
			}
		}
	}
	/* A continuation's or the default scope keeps only what uid is still a member of. */
	size_t kept = 0;
	for (size_t i = 0; rc == 0 && i < q->n; i++) {
		struct err e = {0};
		int state;
		if (member_state(s, uid, q->convs[i].conv, &state, &e) < 0) {
			route_internal(r, &e);
			rc = -1;
		} else if (state == MEMBER_IN) {
			q->convs[kept++] = q->convs[i];
		} else {
			vector_free(&q->convs[i].have);
		}
	}
	if (rc == 0)
		q->n = kept;
	sync_free(&have);
	return rc;
}

/* The token of an answer with more: the chain (started now when new) and the last message. */
static char *
next_token(struct store *s, int64_t uid, const struct sync_req *q, json_t *jh, const char *chain,
    int64_t last, struct err *e)
{
	char *id = NULL;
	if (chain == NULL) {
		char *have = json_dumps(jh, JSON_COMPACT | JSON_SORT_KEYS);
		char *scope = scope_text(q);
		int rc = store_continuation_new(s, uid, have, scope, &id, e);
		free(have);
		free(scope);
		if (rc < 0)
			return NULL;
		chain = id;
	}
	char *tok = xasprintf("%s.%" PRId64, chain, last);
	free(id);
	return tok;
}

/* Replies with the sync answer of q, with "next" when more and c allows it. */
static void
sync_reply(struct store *s, const struct config *c, int64_t uid, const struct sync_req *q,
    json_t *jh, const char *chain, struct reply *r)
{
	struct err e = {0};
	struct sync_answer a;
	/* Read before the answer: it never names a cursor newer than what it shows. */
	uint64_t cursor = store_cursor(s);
	if (store_sync(s, q, &a, &e) < 0) {
		route_internal(r, &e);
		return;
	}
	char *next = NULL;
	json_t *messages = render_messages(a.msgs, a.nmsgs);
	if (messages == NULL) {
		err_set(&e, ERR_DB, "a stored message is not valid text");
		route_internal(r, &e);
	} else if (a.more && !c->protocol_10 && q->newest == 0 &&
	    (next = next_token(s, uid, q, jh, chain, a.last, &e)) == NULL) {
		json_decref(messages);
		route_internal(r, &e);
	} else {
		metrics_delivered(false, a.nmsgs);
		json_t *o = json_pack("{s:o, s:b, s:I, s:o}", "messages", messages, "more", a.more,
		    "cursor", (json_int_t)cursor, "conversations",
		    render_convs(a.convs, a.nconvs, false));
		if (next != NULL)
			json_object_set_new(o, "next", json_string(next));
		if (q->newest > 0) {
			json_t *older = json_array();
			for (size_t i = 0; i < a.nconvs; i++)
				if (a.older[i])
					json_array_append_new(older, json_string(a.convs[i].id));
			json_object_set_new(o, "newest", json_integer(q->newest));
			json_object_set_new(o, "older", older);
		}
		reply_json(r, 200, o);
		route_epoch(r);
	}
	free(next);
	store_sync_free(&a);
}

/* Reads "limit" into q (the maximum of c's protocol). 0, or -1 with r set. */
static int
sync_limit(const struct config *c, json_t *in, struct sync_req *q, struct reply *r)
{
	json_t *jl = json_object_get(in, "limit");
	int max = c->protocol_10 ? SYNC_LIMIT_MAX_10 : SYNC_LIMIT_MAX;
	q->limit = SYNC_LIMIT_DEFAULT;
	q->max_bytes = c->protocol_10 ? 0 : SYNC_BODIES_MAX;
	if (jl == NULL)
		return 0;
	if (!json_is_integer(jl) || json_integer_value(jl) < 1)
		return reply_error(r, 400, "invalid_field", "\"limit\" must be an integer >= 1");
	json_int_t l = json_integer_value(jl);
	q->limit = l > max ? max : (int)l;
	return 0;
}

/* Reads "newest" into q (ignored by --protocol 1.0). 0, or -1 with r set. */
static int
sync_newest(const struct config *c, json_t *in, struct sync_req *q, struct reply *r)
{
	json_t *jn = c->protocol_10 ? NULL : json_object_get(in, "newest");
	if (jn == NULL)
		return 0;
	if (!json_is_integer(jn) || json_integer_value(jn) < 1 ||
	    json_integer_value(jn) > SYNC_NEWEST_MAX)
		return reply_error(r, 400, "invalid_field",
		    "\"newest\" must be an integer from 1 to %d", SYNC_NEWEST_MAX);
	q->newest = (int)json_integer_value(jn);
	return 0;
}

/* Refuses a newest-first scope whose windows could pass SYNC_LIMIT_MAX messages. */
static int
newest_bound(const struct sync_req *q, struct reply *r)
{
	if (q->newest == 0 || q->n * (size_t)q->newest <= SYNC_LIMIT_MAX)
		return 0;
	return reply_error(r, 400, "invalid_field",
	    "\"newest\" times the conversations in the scope (%zu) is over %d", q->n,
	    SYNC_LIMIT_MAX);
}

/*
 * Splits a token "ID.AFTER" (ID 32 hex digits, AFTER a message id) into
 * id (33 bytes) and *after; false when it is not one the server gives.
 */
static bool
token_split(const char *tok, char id[33], int64_t *after)
{
	const char *dot = strchr(tok, '.');
	if (dot == NULL || dot - tok != 32 || strspn(tok, "0123456789abcdef") != 32)
		return false;
	const char *p = dot + 1;
	if (*p < '1' || *p > '9' || strlen(p) > 18 || strspn(p, "0123456789") != strlen(p))
		return false;
	memcpy(id, tok, 32);
	id[32] = '\0';
	*after = strtoll(p, NULL, 10);
	return true;
}

/* {"next": TOKEN}: continues a chain of uid. */
static void
sync_next(
    struct store *s, const struct config *c, int64_t uid, json_t *in, json_t *jn, struct reply *r)
{
	struct sync_req q = {0};
	if (json_object_get(in, "have") != NULL || json_object_get(in, "conversations") != NULL ||
	    json_object_get(in, "newest") != NULL) {
		reply_error(r, 400, "invalid_field",
		    "\"next\" continues an earlier request: no \"have\", \"conversations\" or "
		    "\"newest\" with it");
		return;
	}
	if (!json_is_string(jn)) {
		reply_error(r, 400, "invalid_field", "\"next\" must be a string");
		return;
	}
	if (sync_limit(c, in, &q, r) < 0)
		return;
	char id[33];
	char *have = NULL, *scope = NULL;
	struct err e = {0};
	int rc = token_split(json_string_value(jn), id, &q.after)
	    ? store_continuation_get(s, id, uid, &have, &scope, &e)
	    : 1;
	json_t *jh = rc == 0 ? json_loads(have, 0, NULL) : NULL;
	if (rc < 0)
		route_internal(r, &e);
	else if (rc == 1)
		reply_error(r, 410, "expired", "unknown or expired \"next\": send \"have\" again");
	else if (rc == 2)
		reply_error(r, 404, "not_found", "no such continuation");
	else if (!json_is_object(jh) && err_set(&e, ERR_DB, "a stored continuation is bad") < 0)
		route_internal(r, &e);
	else if (sync_request(s, uid, jh, NULL, scope, &q, r) == 0)
		sync_reply(s, c, uid, &q, jh, id, r);
	json_decref(jh);
	free(have);
	free(scope);
	sync_free(&q);
}

/* POST /v1/sync */
enum route_result
route_sync(struct store *s, const struct config *c, int64_t uid, json_t *in, struct reply *r)
{
	json_t *jn = c->protocol_10 ? NULL : json_object_get(in, "next");
	if (jn != NULL) {
		sync_next(s, c, uid, in, jn, r);
		return ROUTE_REPLY;
	}
	struct sync_req q = {0};
	json_t *jh = json_object_get(in, "have");
	if (!json_is_object(jh)) {
		reply_error(r, 400, "invalid_field", "\"have\" must be an object");
		return ROUTE_REPLY;
	}
	if (sync_limit(c, in, &q, r) == 0 && sync_newest(c, in, &q, r) == 0 &&
	    sync_request(s, uid, jh, json_object_get(in, "conversations"), NULL, &q, r) == 0 &&
	    newest_bound(&q, r) == 0)
		sync_reply(s, c, uid, &q, jh, NULL, r);
	sync_free(&q);
	return ROUTE_REPLY;
}
