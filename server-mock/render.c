/*
 * The store's answers (store.h) as the JSON objects of docs/protocol.md:
 * conversations with their vectors and digests, messages, events.
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* The conversation object: id, title, created, members, optional vector, optional digest. */
json_t *
render_conv(const struct store_conv *c, bool with_vector, bool with_digest)
{
	json_t *o = json_pack(
	    "{s:s, s:s, s:I}", "id", c->id, "title", c->title, "created", (json_int_t)c->created);
	json_t *members = json_array(), *vec = json_object();
	struct vector v = {0};
	for (size_t i = 0; i < c->nmembers; i++) {
		const struct store_member *m = &c->members[i];
		json_array_append_new(members, json_string(m->name));
		if (m->last_seq > 0) {
			struct seqset *row = vector_row(&v, m->name);
			seqset_add_range(row, 1, m->last_seq);
			char *text = seqset_to_string(row);
			json_object_set_new(vec, m->name, json_string(text));
			free(text);
		}
	}
	json_object_set_new(o, "members", members);
	if (with_vector)
		json_object_set_new(o, "vector", vec);
	else
		json_decref(vec);
	if (with_digest) {
		char digest[DIGEST_HEXLEN + 1];
		vector_digest(&v, digest);
		json_object_set_new(o, "digest", json_string(digest));
	}
	vector_free(&v);
	return o;
}

/* An array of conversation objects with vectors and digests. */
json_t *
render_convs(const struct store_conv *c, size_t n, bool with_vector)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, render_conv(&c[i], with_vector, true));
	return a;
}

/* Read marks as an object {sender: seq}. */
json_t *
render_marks(const struct store_marks *m)
{
	json_t *o = json_object();
	for (size_t i = 0; i < m->n; i++)
		json_object_set_new(o, m->v[i].sender, json_integer((json_int_t)m->v[i].seq));
	return o;
}

/* A conversation of GET /v1/changes: id, digest and read, then the metadata when meta. */
json_t *
render_change(const struct store_conv *c, bool meta, const struct store_marks *read)
{
	json_t *o = render_conv(c, false, true);
	if (!meta) {
		json_t *j = json_pack("{s:O, s:O}", "id", json_object_get(o, "id"), "digest",
		    json_object_get(o, "digest"));
		json_decref(o);
		o = j;
	}
	json_object_set_new(o, "read", render_marks(read));
	return o;
}

/* Adds a member item's users (names separated by single spaces) as an array. */
static void
render_users(json_t *o, const char *users)
{
	json_t *a = json_array();
	for (const char *p = users; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, " ");
		json_array_append_new(a, json_stringn(p, n));
		p += n;
		p += *p == ' ';
	}
	json_object_set_new(o, "users", a);
}

/*
 * The message object: conv, sender, seq, ts; for a receipt nothing more,
 * else body when there is one and the item fields of docs/protocol.md
 * ("Items") that apply.
 */
json_t *
render_message(const struct store_message *m)
{
	json_t *o = json_pack("{s:s, s:s, s:I, s:I}", "conv", m->conv, "sender", m->sender, "seq",
	    (json_int_t)m->seq, "ts", (json_int_t)m->ts);
	if (m->receipt)
		return o;
	if (m->kind != NULL)
		json_object_set_new(o, "kind", json_string(m->kind));
	if (m->body != NULL) {
		json_t *b = json_stringn(m->body, m->bodylen);
		if (b == NULL) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, "body", b);
	}
	if (m->target_sender != NULL)
		json_object_set_new(o, "target",
		    json_pack("{s:s, s:I}", "sender", m->target_sender, "seq",
			(json_int_t)m->target_seq));
	if (m->action)
		json_object_set_new(o, "action", json_true());
	if (m->remove)
		json_object_set_new(o, "remove", json_true());
	if (m->op != NULL) {
		json_object_set_new(o, "op", json_string(m->op));
		render_users(o, m->users);
	}
	if (m->deleted)
		json_object_set_new(o, "deleted", json_true());
	return o;
}

/* An array of message objects; NULL when one cannot be rendered. */
json_t *
render_messages(const struct store_message *m, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = render_message(&m[i]);
		if (o == NULL) {
			json_decref(a);
			return NULL;
		}
		json_array_append_new(a, o);
	}
	return a;
}

/* An event object: its type, then the message or the conversation (without digest). */
json_t *
render_event(const struct store_event *ev)
{
	if (ev->type == STORE_EV_READ)
		return json_pack("{s:s, s:s, s:o}", "type", "read", "conv", ev->conv.id, "read",
		    render_marks(&ev->read));
	bool msg = ev->type == STORE_EV_MESSAGE;
	json_t *o = msg ? render_message(&ev->msg) : render_conv(&ev->conv, false, false);
	if (o == NULL)
		return NULL;
	json_t *j = json_pack("{s:s}", "type", msg ? "message" : "conversation");
	json_object_update(j, o);
	json_decref(o);
	return j;
}

/* An array of event objects; NULL when one cannot be rendered. */
json_t *
render_events(const struct store_event *ev, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = render_event(&ev[i]);
		if (o == NULL) {
			json_decref(a);
			return NULL;
		}
		json_array_append_new(a, o);
	}
	return a;
}
