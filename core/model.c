/* The model: messages, conversations and vector maps, and their lists. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Frees the strings of a message. */
void
message_free(struct message *m)
{
	free(m->conv);
	free(m->sender);
	free(m->body);
	free(m->kind);
	free(m->target_sender);
	free(m->op);
	free(m->users);
	memset(m, 0, sizeof(*m));
}

static const char *const kind_names[] = {
    [ITEM_MESSAGE] = "message",
    [ITEM_EDIT] = "edit",
    [ITEM_DELETE] = "delete",
    [ITEM_REACT] = "react",
    [ITEM_MEMBER] = "member",
    [ITEM_TITLE] = "title",
};

/* The kind of an item. */
enum item_kind
message_kind(const struct message *m)
{
	if (m->kind == NULL)
		return ITEM_MESSAGE;
	for (size_t i = 0; i < ITEM_UNKNOWN; i++)
		if (strcmp(m->kind, kind_names[i]) == 0)
			return (enum item_kind)i;
	return ITEM_UNKNOWN;
}

/* The protocol name of a kind. */
const char *
item_kind_name(enum item_kind k)
{
	return k < ITEM_UNKNOWN ? kind_names[k] : NULL;
}

/* True for the items a conversation shows as lines. */
bool
message_is_line(const struct message *m)
{
	enum item_kind k = message_kind(m);
	return k == ITEM_MESSAGE || k == ITEM_MEMBER || k == ITEM_TITLE;
}

/* Duplicates a string, NULL staying NULL. */
static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Copies a message with its strings. */
void
message_copy(struct message *dst, const struct message *src)
{
	*dst = *src;
	dst->conv = dup_or_null(src->conv);
	dst->sender = dup_or_null(src->sender);
	dst->body = dup_or_null(src->body);
	dst->kind = dup_or_null(src->kind);
	dst->target_sender = dup_or_null(src->target_sender);
	dst->op = dup_or_null(src->op);
	dst->users = dup_or_null(src->users);
}

/* Frees an array of messages. */
void
messages_free(struct message *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		message_free(&v[i]);
	free(v);
}

/* Appends a zeroed message to a list, growing it. */
struct message *
message_list_push(struct message_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	struct message *m = &l->v[l->n++];
	memset(m, 0, sizeof(*m));
	return m;
}

/* Frees a list of messages. */
void
message_list_free(struct message_list *l)
{
	messages_free(l->v, l->n);
	memset(l, 0, sizeof(*l));
}

/* Frees a conversation's fields. */
void
conversation_free(struct conversation *c)
{
	free(c->id);
	free(c->title);
	for (size_t i = 0; i < c->nmembers; i++)
		free(c->members[i]);
	free(c->members);
	vector_free(&c->vector);
	marks_free(&c->read);
	memset(c, 0, sizeof(*c));
}

/* Raises one mark, adding the sender when new. */
void
marks_raise(struct marks *m, const char *sender, uint64_t seq)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].sender, sender) == 0) {
			if (seq > m->v[i].seq)
				m->v[i].seq = seq;
			return;
		}
	m->v = xreallocarray(m->v, m->n + 1, sizeof(*m->v));
	m->v[m->n++] = (struct mark){.sender = xstrdup(sender), .seq = seq};
}

/* Frees a reader's marks. */
void
marks_free(struct marks *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].sender);
	free(m->v);
	*m = (struct marks){0};
}

/* Frees an array of conversations. */
void
conversations_free(struct conversation *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		conversation_free(&v[i]);
	free(v);
}

/* Appends a zeroed conversation to a list, growing it. */
struct conversation *
conversation_list_push(struct conversation_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	struct conversation *c = &l->v[l->n++];
	memset(c, 0, sizeof(*c));
	return c;
}

/* Frees a list of conversations. */
void
conversation_list_free(struct conversation_list *l)
{
	conversations_free(l->v, l->n);
	memset(l, 0, sizeof(*l));
}

/* Frees a vector map. */
void
vmap_free(struct vmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->e[i].conv);
		vector_free(&m->e[i].v);
	}
	free(m->e);
	memset(m, 0, sizeof(*m));
}

/* Returns conv's vector in the map, adding an empty one when absent. */
struct vector *
vmap_get(struct vmap *m, const char *conv)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->e[i].conv, conv) == 0)
			return &m->e[i].v;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->e = xreallocarray(m->e, m->cap, sizeof(*m->e));
	}
	struct vmap_entry *en = &m->e[m->n++];
	memset(en, 0, sizeof(*en));
	en->conv = xstrdup(conv);
	return &en->v;
}
