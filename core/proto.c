/* The protocol codec: JSON bodies to and from structs, checked field by field. */
#include "proto.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define BODY_MAX 16384
#define TITLE_MAX 256
#define MEMBERS_MAX 256

/* Frees a sync answer. */
void
sync_reply_free(struct sync_reply *r)
{
	messages_free(r->msgs, r->nmsgs);
	conversations_free(r->convs, r->nconvs);
	free(r->next);
	for (size_t i = 0; i < r->nolder; i++)
		free(r->older[i]);
	free(r->older);
	memset(r, 0, sizeof(*r));
}

/* Frees a changes answer. */
void
changes_reply_free(struct changes_reply *r)
{
	conversations_free(r->convs, r->nconvs);
	free(r->has_meta);
	memset(r, 0, sizeof(*r));
}

/* Frees a login answer, wiping the token. */
void
auth_reply_free(struct auth_reply *a)
{
	free(a->user);
	if (a->token != NULL) {
		explicit_bzero(a->token, strlen(a->token));
		free(a->token);
	}
	memset(a, 0, sizeof(*a));
}

/* Frees an events answer. */
void
events_reply_free(struct events_reply *r)
{
	for (size_t i = 0; i < r->nevents; i++) {
		message_free(&r->events[i].msg);
		conversation_free(&r->events[i].conv);
	}
	free(r->events);
	memset(r, 0, sizeof(*r));
}

/* True for [a-z0-9][a-z0-9._-]{0,31}. */
bool
proto_valid_user(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++, n++) {
		char c = *p;
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (n == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return n >= 1 && n <= 32;
}

/* True for [A-Za-z0-9_-]{1,64}. */
bool
proto_valid_id(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++, n++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '_' || c == '-'))
			return false;
	}
	return n >= 1 && n <= 64;
}

/* True for [A-Za-z0-9._-]{1,128}. */
bool
proto_valid_token(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++, n++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '.' || c == '_' || c == '-'))
			return false;
	}
	return n >= 1 && n <= 128;
}

/* Parses a whole body as a JSON object. */
static json_t *
load(const char *body, size_t len, struct err *e)
{
	json_error_t je;
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL) {
		/* jansson quotes the offending bytes, which may be terminal escapes. */
		char *why = text_sanitize(je.text, strlen(je.text), 0);
		err_set(
		    e, ERR_PROTOCOL, "server sent invalid JSON: %s (at byte %d)", why, je.position);
		free(why);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		err_set(e, ERR_PROTOCOL, "server sent JSON that is not an object");
		return NULL;
	}
	return j;
}

/* Fetches a string field; NULL with e set when missing or not a string. */
static const char *
get_str(json_t *o, const char *what, const char *key, struct err *e)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL) {
		err_set(e, ERR_PROTOCOL, "server sent %s without \"%s\"", what, key);
		return NULL;
	}
	if (!json_is_string(v)) {
		err_set(e, ERR_PROTOCOL, "server sent %s whose \"%s\" is not a string", what, key);
		return NULL;
	}
	return json_string_value(v);
}

/* Fetches an integer field within [lo, hi]. */
static int
get_int(json_t *o, const char *what, const char *key, int64_t lo, int64_t hi, int64_t *out,
    struct err *e)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL)
		return err_set(e, ERR_PROTOCOL, "server sent %s without \"%s\"", what, key);
	if (!json_is_integer(v))
		return err_set(
		    e, ERR_PROTOCOL, "server sent %s whose \"%s\" is not an integer", what, key);
	json_int_t x = json_integer_value(v);
	if (x < lo || x > hi)
		return err_set(e, ERR_PROTOCOL,
		    "server sent %s whose \"%s\" is out of range (%lld)", what, key, (long long)x);
	*out = x;
	return 0;
}

/* True for a kind name: 1-32 of [a-z0-9_-] (anything else is no kind a server sends). */
static bool
kind_valid(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-");
	return n >= 1 && n <= 32 && s[n] == '\0';
}

/* Reads an optional boolean field of a message into *out. */
static int
get_flag(json_t *j, const char *key, bool *out, struct err *e)
{
	json_t *v = json_object_get(j, key);
	if (v != NULL && !json_is_boolean(v))
		return err_set(
		    e, ERR_PROTOCOL, "server sent a message whose \"%s\" is not true/false", key);
	*out = json_is_true(v);
	return 0;
}

/* Reads a message's "target" {"sender", "seq"} when present. */
static int
get_target(json_t *j, struct message *m, struct err *e)
{
	json_t *t = json_object_get(j, "target");
	if (t == NULL)
		return 0;
	if (!json_is_object(t))
		return err_set(
		    e, ERR_PROTOCOL, "server sent a message whose target is not an object");
	const char *snd = get_str(t, "a message target", "sender", e);
	int64_t seq;
	if (snd == NULL || get_int(t, "a message target", "seq", 1, (int64_t)SEQ_MAX, &seq, e) < 0)
		return -1;
	if (!proto_valid_user(snd))
		return err_set(
		    e, ERR_PROTOCOL, "server sent a message target with an invalid sender");
	m->target_sender = xstrdup(snd);
	m->target_seq = (uint64_t)seq;
	return 0;
}

/* Reads a member item's "op" and "users" (kept as names separated by spaces). */
static int
get_member(json_t *j, struct message *m, struct err *e)
{
	const char *op = get_str(j, "a member item", "op", e);
	if (op == NULL)
		return -1;
	if (!kind_valid(op))
		return err_set(e, ERR_PROTOCOL, "server sent a member item with an invalid op");
	json_t *users = json_object_get(j, "users");
	if (!json_is_array(users) || json_array_size(users) > MEMBERS_MAX)
		return err_set(
		    e, ERR_PROTOCOL, "server sent a member item without a \"users\" array");
	struct buf b = {0};
	buf_puts(&b, "");
	for (size_t i = 0; i < json_array_size(users); i++) {
		const char *u = json_string_value(json_array_get(users, i));
		if (u == NULL || !proto_valid_user(u)) {
			buf_free(&b);
			return err_set(
			    e, ERR_PROTOCOL, "server sent a member item with an invalid user");
		}
		buf_printf(&b, "%s%s", i > 0 ? " " : "", u);
	}
	m->op = xstrdup(op);
	m->users = b.data;
	return 0;
}

/*
 * Decodes the item fields of a message object (docs/protocol.md, "Items"):
 * kind, body ("" when absent), target, action, remove, deleted, op, users.
 */
static int
item_from_json(json_t *j, struct message *m, struct err *e)
{
	json_t *k = json_object_get(j, "kind");
	if (k != NULL && (!json_is_string(k) || !kind_valid(json_string_value(k))))
		return err_set(e, ERR_PROTOCOL, "server sent a message with an invalid \"kind\"");
	if (k != NULL && strcmp(json_string_value(k), "message") != 0)
		m->kind = xstrdup(json_string_value(k));
	if (get_flag(j, "action", &m->action, e) < 0 || get_flag(j, "remove", &m->remove, e) < 0 ||
	    get_flag(j, "deleted", &m->deleted, e) < 0 || get_target(j, m, e) < 0)
		return -1;
	enum item_kind kind = message_kind(m);
	json_t *b = json_object_get(j, "body");
	bool needs_body = !m->deleted &&
	    (kind == ITEM_MESSAGE || kind == ITEM_EDIT || kind == ITEM_REACT || kind == ITEM_TITLE);
	if (b == NULL && needs_body)
		return err_set(e, ERR_PROTOCOL, "server sent a message without a text \"body\"");
	if (b != NULL && !json_is_string(b))
		return err_set(e, ERR_PROTOCOL, "server sent a message without a text \"body\"");
	size_t blen = b != NULL ? json_string_length(b) : 0;
	if ((b != NULL && blen == 0) || blen > BODY_MAX)
		return err_set(e, ERR_PROTOCOL, "server sent a message body of %zu bytes", blen);
	m->body = b != NULL ? xstrndup(json_string_value(b), blen) : xstrdup("");
	if ((kind == ITEM_EDIT || kind == ITEM_DELETE || kind == ITEM_REACT) &&
	    m->target_sender == NULL)
		return err_set(
		    e, ERR_PROTOCOL, "server sent an item of kind %s without a target", m->kind);
	if (kind == ITEM_MEMBER)
		return get_member(j, m, e);
	return 0;
}

/* Decodes a message object. */
int
proto_msg_from_json(json_t *j, struct message *m, struct err *e)
{
	memset(m, 0, sizeof(*m));
	if (!json_is_object(j))
		return err_set(e, ERR_PROTOCOL, "server sent a message that is not an object");
	const char *conv = get_str(j, "a message", "conv", e);
	if (conv == NULL)
		return -1;
	if (!proto_valid_id(conv))
		return err_set(
		    e, ERR_PROTOCOL, "server sent a message with an invalid conversation id");
	const char *sender = get_str(j, "a message", "sender", e);
	if (sender == NULL)
		return -1;
	if (!proto_valid_user(sender))
		return err_set(
		    e, ERR_PROTOCOL, "server sent a message with an invalid sender name");
	int64_t seq, ts;
	if (get_int(j, "a message", "seq", 1, (int64_t)SEQ_MAX, &seq, e) < 0 ||
	    get_int(j, "a message", "ts", 0, INT64_MAX, &ts, e) < 0)
		return -1;
	m->conv = xstrdup(conv);
	m->sender = xstrdup(sender);
	m->seq = (uint64_t)seq;
	m->ts = ts;
	if (item_from_json(j, m, e) < 0) {
		message_free(m);
		return -1;
	}
	return 0;
}

/* Decodes a vector object {"sender": "ranges", ...}. */
int
proto_vector_from_json(json_t *j, struct vector *v, struct err *e)
{
	memset(v, 0, sizeof(*v));
	if (!json_is_object(j))
		return err_set(e, ERR_PROTOCOL, "server sent a vector that is not an object");
	const char *sender;
	json_t *val;
	json_object_foreach(j, sender, val)
	{
		if (!proto_valid_user(sender)) {
			vector_free(v);
			return err_set(
			    e, ERR_PROTOCOL, "server sent a vector with an invalid sender");
		}
		if (!json_is_string(val)) {
			vector_free(v);
			return err_set(e, ERR_PROTOCOL,
			    "server sent a vector whose ranges for %s are not a string", sender);
		}
		struct seqset s = {0};
		size_t pos = 0;
		struct err pe = {0};
		if (seqset_parse(&s, json_string_value(val), json_string_length(val), &pos, &pe) <
		    0) {
			seqset_free(&s);
			vector_free(v);
			return err_set(e, ERR_PROTOCOL,
			    "server sent invalid ranges for %s (at byte %zu): %s", sender, pos,
			    pe.msg);
		}
		if (s.n > 0)
			seqset_union(vector_row(v, sender), &s);
		seqset_free(&s);
	}
	return 0;
}

/* Copies a digest (DIGEST_HEXLEN lowercase hex digits) into out; -1 if it is not one. */
static int
get_digest(json_t *dg, char out[DIGEST_HEXLEN + 1])
{
	const char *d = json_string_value(dg);
	bool ok = d != NULL && strlen(d) == DIGEST_HEXLEN;
	for (size_t i = 0; ok && i < DIGEST_HEXLEN; i++)
		ok = (d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f');
	if (!ok)
		return -1;
	memcpy(out, d, DIGEST_HEXLEN + 1);
	return 0;
}

/* Decodes a conversation object (with or without vector and digest). */
int
proto_conv_from_json(json_t *j, struct conversation *c, struct err *e)
{
	memset(c, 0, sizeof(*c));
	if (!json_is_object(j))
		return err_set(e, ERR_PROTOCOL, "server sent a conversation that is not an object");
	const char *id = get_str(j, "a conversation", "id", e);
	if (id == NULL)
		return -1;
	if (!proto_valid_id(id))
		return err_set(e, ERR_PROTOCOL, "server sent a conversation with an invalid id");
	json_t *t = json_object_get(j, "title");
	if (t == NULL || !json_is_string(t))
		return err_set(
		    e, ERR_PROTOCOL, "server sent conversation %s without a text \"title\"", id);
	size_t tlen = json_string_length(t);
	if (tlen == 0 || tlen > TITLE_MAX || strlen(json_string_value(t)) != tlen)
		return err_set(e, ERR_PROTOCOL, "server sent conversation %s with a bad title", id);
	json_t *mem = json_object_get(j, "members");
	if (mem == NULL || !json_is_array(mem))
		return err_set(
		    e, ERR_PROTOCOL, "server sent conversation %s without \"members\"", id);
	size_t nm = json_array_size(mem);
	if (nm > MEMBERS_MAX)
		return err_set(
		    e, ERR_PROTOCOL, "server sent conversation %s with %zu members", id, nm);
	int64_t created = 0;
	if (json_object_get(j, "created") != NULL &&
	    get_int(j, "a conversation", "created", 0, INT64_MAX, &created, e) < 0)
		return -1;
	c->id = xstrdup(id);
	c->title = xstrndup(json_string_value(t), tlen);
	c->created = created;
	c->members = xcalloc(nm ? nm : 1, sizeof(char *));
	for (size_t i = 0; i < nm; i++) {
		json_t *u = json_array_get(mem, i);
		if (!json_is_string(u) || !proto_valid_user(json_string_value(u))) {
			conversation_free(c);
			return err_set(e, ERR_PROTOCOL,
			    "server sent conversation %s with an invalid member name", id);
		}
		c->members[c->nmembers++] = xstrdup(json_string_value(u));
	}
	json_t *vec = json_object_get(j, "vector");
	if (vec != NULL) {
		if (proto_vector_from_json(vec, &c->vector, e) < 0) {
			conversation_free(c);
			return -1;
		}
		c->has_vector = true;
	}
	/* Membership fields of newer servers; absent means a member. */
	c->has_state = true;
	c->direct = json_is_true(json_object_get(j, "direct"));
	if (json_is_true(json_object_get(j, "left")))
		c->state = CONV_LEFT;
	else if (json_is_true(json_object_get(j, "invited")))
		c->state = CONV_INVITED;
	json_t *inv = json_object_get(j, "inviter");
	if (c->state == CONV_INVITED && json_is_string(inv) &&
	    proto_valid_user(json_string_value(inv)))
		c->inviter = xstrdup(json_string_value(inv));
	json_t *dg = json_object_get(j, "digest");
	if (dg != NULL && get_digest(dg, c->digest) < 0) {
		conversation_free(c);
		return err_set(
		    e, ERR_PROTOCOL, "server sent conversation %s with a bad digest", id);
	}
	return 0;
}

/* Decodes {"user", "token"}. */
int
proto_parse_auth(const char *body, size_t len, struct auth_reply *a, struct err *e)
{
	memset(a, 0, sizeof(*a));
	json_t *j = load(body, len, e);
	if (j == NULL)
		return -1;
	int ret = -1;
	const char *user = get_str(j, "a login answer", "user", e);
	const char *token = user ? get_str(j, "a login answer", "token", e) : NULL;
	if (token != NULL) {
		if (!proto_valid_user(user))
			err_set(e, ERR_PROTOCOL, "server sent an invalid user name");
		else if (*token == '\0' || strlen(token) > 256 || strpbrk(token, " \t\r\n") != NULL)
			err_set(e, ERR_PROTOCOL, "server sent an unusable token");
		else {
			a->user = xstrdup(user);
			a->token = xstrdup(token);
			ret = 0;
		}
	}
	json_decref(j);
	return ret;
}

/* Decodes {key: N, ...} (an account answer's count) into *n. */
int
proto_parse_count(const char *body, size_t len, const char *key, long long *n, struct err *e)
{
	json_t *j = load(body, len, e);
	if (j == NULL)
		return -1;
	json_t *v = json_object_get(j, key);
	int ret = 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		ret = err_set(e, ERR_PROTOCOL, "server sent no count \"%s\"", key);
	else
		*n = (long long)json_integer_value(v);
	json_decref(j);
	return ret;
}

/* Decodes an array of conversations. */
static int
convs_from_json(json_t *arr, struct conversation **v, size_t *n, struct err *e)
{
	*v = NULL;
	*n = 0;
	if (!json_is_array(arr))
		return err_set(
		    e, ERR_PROTOCOL, "server sent \"conversations\" that is not an array");
	size_t cnt = json_array_size(arr);
	struct conversation *out = xcalloc(cnt ? cnt : 1, sizeof(*out));
	for (size_t i = 0; i < cnt; i++) {
		if (proto_conv_from_json(json_array_get(arr, i), &out[i], e) < 0) {
			conversations_free(out, i);
			return -1;
		}
	}
	*v = out;
	*n = cnt;
	return 0;
}

/* Decodes {"conversations": [...]}. */
int
proto_parse_conversations(
    const char *body, size_t len, struct conversation **v, size_t *n, struct err *e)
{
	*v = NULL;
	*n = 0;
	json_t *j = load(body, len, e);
	if (j == NULL)
		return -1;
	json_t *arr = json_object_get(j, "conversations");
	int ret = arr == NULL ? err_set(e, ERR_PROTOCOL, "server sent no \"conversations\"")
			      : convs_from_json(arr, v, n, e);
	json_decref(j);
	return ret;
}

/* Decodes one conversation object. */
int
proto_parse_conversation(const char *body, size_t len, struct conversation *c, struct err *e)
{
	memset(c, 0, sizeof(*c));
	json_t *j = load(body, len, e);
	if (j == NULL)
		return -1;
	int ret = proto_conv_from_json(j, c, e);
	json_decref(j);
	return ret;
}

/* Decodes a receipt {"conv", "sender", "seq", "ts"}: a message without body. */
int
proto_parse_ack(const char *body, size_t len, struct message *a, struct err *e)
{
	memset(a, 0, sizeof(*a));
	json_t *j = load(body, len, e);
	if (j == NULL)
		return -1;
	int ret = -1;
	const char *conv = get_str(j, "a message receipt", "conv", e);
	const char *sender = conv ? get_str(j, "a message receipt", "sender", e) : NULL;
	int64_t seq, ts;
	if (sender != NULL &&
	    get_int(j, "a message receipt", "seq", 1, (int64_t)SEQ_MAX, &seq, e) == 0 &&
	    get_int(j, "a message receipt", "ts", 0, INT64_MAX, &ts, e) == 0) {
		if (!proto_valid_id(conv) || !proto_valid_user(sender))
			err_set(
			    e, ERR_PROTOCOL, "server sent a message receipt with invalid names");
		else {
			a->conv = xstrdup(conv);
			a->sender = xstrdup(sender);
			a->seq = (uint64_t)seq;
			a->ts = ts;
			ret = 0;
		}
	}
	json_decref(j);
	return ret;
}

/* Decodes the sync answer. */
int
proto_parse_sync(const char *body, size_t len, struct sync_reply *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	json_t *j = load(body, len, e);
	if (j == NULL)
		return -1;
	int ret = -1;
	json_t *msgs = json_object_get(j, "messages");
	json_t *more = json_object_get(j, "more");
	int64_t cursor = 0;
	if (msgs == NULL || !json_is_array(msgs))
		err_set(e, ERR_PROTOCOL, "server sent a sync answer without a \"messages\" array");
	else if (more == NULL || !json_is_boolean(more))
		err_set(e, ERR_PROTOCOL, "server sent a sync answer without a true/false \"more\"");
	else if (get_int(j, "a sync answer", "cursor", 0, (int64_t)SEQ_MAX, &cursor, e) == 0) {
		size_t n = json_array_size(msgs);
		r->msgs = xcalloc(n ? n : 1, sizeof(*r->msgs));
		ret = 0;
		for (size_t i = 0; i < n; i++) {
			if (proto_msg_from_json(json_array_get(msgs, i), &r->msgs[i], e) < 0) {
				ret = -1;
				break;
			}
			r->nmsgs++;
		}
		r->more = json_is_true(more);
		r->cursor = (uint64_t)cursor;
		json_t *convs = json_object_get(j, "conversations");
		if (ret == 0 && convs != NULL)
			ret = convs_from_json(convs, &r->convs, &r->nconvs, e);
		json_t *newest = json_object_get(j, "newest");
		json_t *older = json_object_get(j, "older");
		if (json_is_integer(newest) && json_integer_value(newest) > 0 &&
		    json_integer_value(newest) <= INT_MAX && json_is_array(older)) {
			r->newest = (int)json_integer_value(newest);
			r->older = xcalloc(json_array_size(older) + 1, sizeof(*r->older));
			for (size_t i = 0; i < json_array_size(older); i++) {
				const char *id = json_string_value(json_array_get(older, i));
				if (id != NULL && proto_valid_id(id))
					r->older[r->nolder++] = xstrdup(id);
			}
		}
		json_t *next = json_object_get(j, "next");
		if (ret == 0 && next != NULL && r->more) {
			const char *t = json_string_value(next);
			if (t == NULL || !proto_valid_token(t))
				ret = err_set(e, ERR_PROTOCOL,
				    "server sent a sync answer with an invalid \"next\"");
			else
				r->next = xstrdup(t);
		}
	}
	if (ret == 0)
		ret = epoch_from_json(json_object_get(j, "epoch"), &r->epoch, e);
	json_decref(j);
	if (ret < 0)
		sync_reply_free(r);
	return ret;
}

/* Decodes a read event: the conversation's id and the reader's marks. */
static int
read_event(json_t *j, struct conversation *c, struct err *e)
{
	const char *id = get_str(j, "a read event", "conv", e);
	if (id == NULL)
		return -1;
	if (!proto_valid_id(id))
		return err_set(e, ERR_PROTOCOL, "server sent a read event with an invalid id");
	if (proto_marks_from_json(json_object_get(j, "read"), &c->read, e) < 0)
		return -1;
	c->id = xstrdup(id);
	c->members = xcalloc(1, sizeof(char *));
	c->has_read = true;
	return 0;
}

/* Decodes the events answer. */
int
proto_parse_events(const char *body, size_t len, struct events_reply *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	json_t *j = load(body, len, e);
	if (j == NULL)
		return -1;
	int ret = -1;
	int64_t cursor;
	json_t *gap = json_object_get(j, "gap");
	json_t *evs = json_object_get(j, "events");
	if (get_int(j, "an events answer", "cursor", 0, (int64_t)SEQ_MAX, &cursor, e) < 0)
		;
	else if (gap != NULL && !json_is_boolean(gap))
		err_set(e, ERR_PROTOCOL,
		    "server sent an events answer whose \"gap\" is not true/false");
	else if (evs == NULL || !json_is_array(evs))
		err_set(
		    e, ERR_PROTOCOL, "server sent an events answer without an \"events\" array");
	else {
		r->cursor = (uint64_t)cursor;
		r->gap = json_is_true(gap);
		size_t n = json_array_size(evs);
		r->events = xcalloc(n ? n : 1, sizeof(*r->events));
		ret = 0;
		for (size_t i = 0; i < n && ret == 0; i++) {
			json_t *ev = json_array_get(evs, i);
			json_t *type = json_object_get(ev, "type");
			const char *t = json_string_value(type);
			struct event *out = &r->events[r->nevents];
			if (t != NULL && strcmp(t, "message") == 0) {
				out->type = EVENT_MESSAGE;
				ret = proto_msg_from_json(ev, &out->msg, e);
			} else if (t != NULL && strcmp(t, "conversation") == 0) {
				out->type = EVENT_CONVERSATION;
				ret = proto_conv_from_json(ev, &out->conv, e);
			} else if (t != NULL && strcmp(t, "read") == 0) {
				out->type = EVENT_READ;
				ret = read_event(ev, &out->conv, e);
			} else
				continue; /* unknown event types are for newer clients */
			if (ret == 0)
				r->nevents++;
		}
	}
	if (ret == 0)
		ret = epoch_from_json(json_object_get(j, "epoch"), &r->epoch, e);
	json_decref(j);
	if (ret < 0)
		events_reply_free(r);
	return ret;
}

/* Decodes the read marks a changed conversation may carry. */
static int
changed_read(json_t *j, struct conversation *c, struct err *e)
{
	json_t *r = json_object_get(j, "read");
	if (r == NULL)
		return 0;
	if (proto_marks_from_json(r, &c->read, e) < 0) {
		conversation_free(c);
		return -1;
	}
	c->has_read = true;
	return 0;
}

/* Checks that a changed conversation came with its digest; frees it if not. */
static int
need_digest(struct conversation *c, struct err *e)
{
	if (c->digest[0] != '\0')
		return 0;
	err_set(e, ERR_PROTOCOL, "server sent changed conversation %s without a digest", c->id);
	conversation_free(c);
	return -1;
}

/* Decodes one conversation of a changes answer: id and digest, maybe metadata. */
static int
changed_from_json(json_t *j, struct conversation *c, bool *has_meta, struct err *e)
{
	memset(c, 0, sizeof(*c));
	if (!json_is_object(j))
		return err_set(
		    e, ERR_PROTOCOL, "server sent a changed conversation that is not an object");
	*has_meta = json_object_get(j, "title") != NULL;
	if (*has_meta)
		return proto_conv_from_json(j, c, e) < 0 || need_digest(c, e) < 0
		    ? -1
		    : changed_read(j, c, e);
	const char *id = get_str(j, "a changed conversation", "id", e);
	if (id == NULL)
		return -1;
	if (!proto_valid_id(id))
		return err_set(e, ERR_PROTOCOL, "server sent a conversation with an invalid id");
	json_t *dg = json_object_get(j, "digest");
	if (dg != NULL && get_digest(dg, c->digest) < 0)
		return err_set(
		    e, ERR_PROTOCOL, "server sent conversation %s with a bad digest", id);
	c->id = xstrdup(id);
	c->members = xcalloc(1, sizeof(char *));
	return need_digest(c, e) < 0 ? -1 : changed_read(j, c, e);
}

/* Decodes the answer to a read: {"conv": ID, "read": MARKS}. */
int
proto_parse_read(const char *body, size_t len, struct marks *m, struct err *e)
{
	*m = (struct marks){0};
	json_t *j = load(body, len, e);
	if (j == NULL)
		return -1;
	int ret = proto_marks_from_json(json_object_get(j, "read"), m, e);
	json_decref(j);
	return ret;
}

/* Decodes {"blocks": [NAME...]}. */
int
proto_parse_blocks(const char *body, size_t len, char ***names, size_t *n, struct err *e)
{
	*names = NULL;
	*n = 0;
	json_t *j = load(body, len, e);
	if (j == NULL)
		return -1;
	json_t *a = json_object_get(j, "blocks");
	int ret = json_is_array(a) ? 0 : err_set(e, ERR_PROTOCOL, "server sent no \"blocks\"");
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		if (ret < 0 || !json_is_string(v) || !proto_valid_user(json_string_value(v))) {
			ret = err_set(e, ERR_PROTOCOL, "server sent an invalid blocked user");
			break;
		}
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup(json_string_value(v));
	}
	json_decref(j);
	if (ret < 0) {
		for (size_t k = 0; k < *n; k++)
			free((*names)[k]);
		free(*names);
		*names = NULL;
		*n = 0;
	}
	return ret;
}

/* Decodes the changes answer. */
int
proto_parse_changes(const char *body, size_t len, struct changes_reply *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	json_t *j = load(body, len, e);
	if (j == NULL)
		return -1;
	int ret = -1;
	int64_t cursor;
	json_t *full = json_object_get(j, "full");
	json_t *convs = json_object_get(j, "conversations");
	/* The same words as for the conversation list, which this answer replaces. */
	if (convs == NULL)
		err_set(e, ERR_PROTOCOL, "server sent no \"conversations\"");
	else if (!json_is_array(convs))
		err_set(e, ERR_PROTOCOL, "server sent \"conversations\" that is not an array");
	else if (get_int(j, "a changes answer", "cursor", 0, (int64_t)SEQ_MAX, &cursor, e) < 0)
		;
	else if (full == NULL || !json_is_boolean(full))
		err_set(
		    e, ERR_PROTOCOL, "server sent a changes answer without a true/false \"full\"");
	else {
		r->cursor = (uint64_t)cursor;
		r->full = json_is_true(full);
		size_t n = json_array_size(convs);
		r->convs = xcalloc(n ? n : 1, sizeof(*r->convs));
		r->has_meta = xcalloc(n ? n : 1, sizeof(*r->has_meta));
		ret = 0;
		for (size_t i = 0; i < n && ret == 0; i++) {
			ret = changed_from_json(
			    json_array_get(convs, i), &r->convs[i], &r->has_meta[i], e);
			if (ret == 0)
				r->nconvs++;
		}
		if (ret == 0 && r->full) {
			for (size_t i = 0; i < r->nconvs && ret == 0; i++)
				if (!r->has_meta[i])
					ret = err_set(e, ERR_PROTOCOL,
					    "server sent a full changes answer without the "
					    "title of %s",
					    r->convs[i].id);
		}
	}
	if (ret == 0)
		ret = epoch_from_json(json_object_get(j, "epoch"), &r->epoch, e);
	json_decref(j);
	if (ret < 0)
		changes_reply_free(r);
	return ret;
}

/* Decodes an error body as far as it goes. */
void
proto_parse_error(const char *body, size_t len, struct api_error *ae)
{
	memset(ae, 0, sizeof(*ae));
	if (body == NULL || len == 0)
		return;
	json_t *j = json_loadb(body, len, 0, NULL);
	if (j == NULL)
		return;
	const char *code = json_string_value(json_object_get(j, "error"));
	const char *msg = json_string_value(json_object_get(j, "message"));
	if (code != NULL)
		snprintf(ae->code, sizeof(ae->code), "%s", code);
	if (msg != NULL)
		snprintf(ae->message, sizeof(ae->message), "%s", msg);
	json_decref(j);
}

/* Dumps and releases a JSON value as compact text; NULL for NULL (bad UTF-8). */
static char *
dump(json_t *j)
{
	if (j == NULL)
		return NULL;
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		abort();
	char *out = xstrdup(s);
	free(s);
	return out;
}

/* Encodes a vector: only non-empty rows. */
json_t *
proto_vector_to_json(const struct vector *v)
{
	json_t *o = json_object();
	for (size_t i = 0; i < v->n; i++) {
		if (v->rows[i].set.n == 0)
			continue;
		char *s = seqset_to_string(&v->rows[i].set);
		json_object_set_new(o, v->rows[i].sender, json_string(s));
		free(s);
	}
	return o;
}

/* Encodes {"user", "password"}. */
char *
proto_auth_request(const char *user, const char *password)
{
	return dump(json_pack("{s:s, s:s}", "user", user, "password", password));
}

/* Encodes {"user", "password", "invite"}: a login's request with an invitation code. */
char *
proto_register_request(const char *user, const char *password, const char *invite)
{
	if (invite == NULL)
		return proto_auth_request(user, password);
	return dump(
	    json_pack("{s:s, s:s, s:s}", "user", user, "password", password, "invite", invite));
}

/* Encodes {"password", "new_password"} of a password change. */
char *
proto_passwd_request(const char *old, const char *new_pw)
{
	return dump(json_pack("{s:s, s:s}", "password", old, "new_password", new_pw));
}

/* Encodes {"title", "members"}. */
char *
proto_new_conversation(const char *title, char *const *members, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(members[i]));
	return dump(json_pack("{s:s, s:o}", "title", title, "members", arr));
}

/* Encodes {"client_id", "body"}. */
char *
proto_message_request(const char *client_id, const char *body)
{
	return dump(json_pack("{s:s, s:s}", "client_id", client_id, "body", body));
}

/* Encodes an item to send: client_id, kind, body, target, action, remove. */
char *
proto_item_request(const char *client_id, const struct message *it)
{
	json_t *o = json_pack("{s:s}", "client_id", client_id);
	enum item_kind k = message_kind(it);
	if (k != ITEM_MESSAGE && it->kind != NULL)
		json_object_set_new(o, "kind", json_string(it->kind));
	if (it->body != NULL && it->body[0] != '\0') {
		json_t *b = json_string(it->body);
		if (b == NULL) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, "body", b);
	}
	if (it->target_sender != NULL)
		json_object_set_new(o, "target",
		    json_pack("{s:s, s:I}", "sender", it->target_sender, "seq",
			(json_int_t)it->target_seq));
	if (it->action)
		json_object_set_new(o, "action", json_true());
	if (it->remove)
		json_object_set_new(o, "remove", json_true());
	return dump(o);
}

/* Encodes conv's entry in the `have` of a sync request: "CONV":{VECTOR}. */
char *
proto_have_entry(const char *conv, const struct vector *v)
{
	json_t *k = json_string(conv);
	char *key = k != NULL ? json_dumps(k, JSON_ENCODE_ANY) : NULL;
	json_decref(k);
	char *val = dump(proto_vector_to_json(v));
	if (key == NULL || val == NULL)
		abort(); /* ids and senders were checked when they entered the stores */
	char *s = xasprintf("%s:%s", key, val);
	free(key);
	free(val);
	return s;
}

/* Encodes {"have", "conversations", "limit"} around have entries already encoded. */
char *
proto_sync_request(
    char *const *have, size_t nhave, char *const *ids, size_t nids, int limit, int newest)
{
	struct buf b = {0};
	buf_puts(&b, "{\"have\":{");
	for (size_t i = 0; i < nhave; i++) {
		if (i > 0)
			buf_puts(&b, ",");
		buf_puts(&b, have[i]);
	}
	buf_puts(&b, "}");
	if (ids != NULL) {
		json_t *arr = json_array();
		for (size_t i = 0; i < nids; i++)
			json_array_append_new(arr, json_string(ids[i]));
		char *s = dump(arr);
		buf_printf(&b, ",\"conversations\":%s", s);
		free(s);
	}
	if (limit > 0)
		buf_printf(&b, ",\"limit\":%d", limit);
	if (newest > 0)
		buf_printf(&b, ",\"newest\":%d", newest);
	buf_puts(&b, "}");
	return b.data;
}

/* Encodes {"next", "limit"}: a sync request continuing an earlier answer. */
char *
proto_sync_next_request(const char *next, int limit)
{
	json_t *o = json_pack("{s:s}", "next", next);
	if (o != NULL && limit > 0)
		json_object_set_new(o, "limit", json_integer(limit));
	return dump(o);
}
