/*
 * The server's store: read state. Each user has, per conversation, a mark
 * per sender: "read up to this seq". Marks only go up, and only to messages
 * that exist; moving one adds a read event for that user alone, which is
 * how the user's other devices learn of it.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* uid's marks in conv. */
int
store_read_get(struct store *s, int64_t uid, int64_t conv, struct store_marks *out, struct err *e)
{
	return s->ops->read_get(s, uid, conv, out, e);
}

/* The sender of conv called name, or NULL. */
static const struct store_sender *
find_sender(const struct store_sender *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* Raises the marks asked that name another sender, each to at most its last seq. */
static int
raise_all(struct store *s, int64_t uid, int64_t conv, const struct store_mark *in, size_t n,
    bool *moved, struct err *e)
{
	struct store_sender *snd;
	size_t nsnd;
	if (s->ops->conv_senders(s, conv, &snd, &nsnd, e) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct store_sender *x = find_sender(snd, nsnd, in[i].sender);
		uint64_t seq = in[i].seq;
		if (x == NULL || x->uid == uid || seq == 0)
			continue; /* one's own messages are read */
		if (seq > x->last_seq)
			seq = x->last_seq;
		bool m = false;
		rc = s->ops->read_raise(s, uid, conv, x->uid, seq, &m, e);
		*moved = *moved || m;
	}
	store_senders_free(snd, nsnd);
	return rc;
}

/* Raises uid's marks in conv; a read event for uid when one moved. */
int
store_read_raise(struct store *s, int64_t uid, int64_t conv, const struct store_mark *in, size_t n,
    bool *moved, struct store_marks *out, int64_t **woken, size_t *nwoken, struct err *e)
{
	*moved = false;
	*woken = NULL;
	*nwoken = 0;
	*out = (struct store_marks){0};
	if (s->ops->begin(s, e) < 0)
		return -1;
	if (raise_all(s, uid, conv, in, n, moved, e) < 0)
		goto fail;
	if (*moved && s->ops->event_append(s, STORE_EV_READ, conv, 0, uid, woken, nwoken, e) < 0)
		goto fail;
	if (s->ops->read_get(s, uid, conv, out, e) < 0)
		goto fail;
	if (s->ops->commit(s, e) < 0) {
		store_marks_free(out);
		goto fail;
	}
	return 0;
fail:
	s->ops->rollback(s);
	free(*woken);
	*woken = NULL;
	*nwoken = 0;
	*moved = false;
	return -1;
}

/* Frees a list of marks. */
void
store_marks_free(struct store_marks *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].sender);
	free(m->v);
	*m = (struct store_marks){0};
}
