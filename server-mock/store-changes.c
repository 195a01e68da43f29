/* The server's store: what changed for a user since a cursor (GET /v1/changes). */
#include <stdlib.h>

#include "store.h"

/* Fills out with the conversations ids (metadata when meta[i]) and uid's read marks. */
static int
load(struct store *s, int64_t uid, const int64_t *ids, size_t n, struct changes_answer *out,
    struct err *e)
{
	out->convs = xcalloc(n + 1, sizeof(*out->convs));
	out->read = xcalloc(n + 1, sizeof(*out->read));
	for (; out->n < n; out->n++)
		if (s->ops->conv_get(s, ids[out->n], &out->convs[out->n], e) < 0 ||
		    store_conv_view(s, ids[out->n], uid, &out->convs[out->n], e) < 0 ||
		    s->ops->read_get(s, uid, ids[out->n], &out->read[out->n], e) < 0) {
			store_conv_free(&out->convs[out->n]);
			store_changes_free(out);
			return -1;
		}
	return 0;
}

/* Every conversation of uid with its metadata, oldest first: a full answer. */
static int
full(struct store *s, int64_t uid, struct changes_answer *out, struct err *e)
{
	out->full = true;
	int64_t *ids;
	size_t n;
	if (s->ops->conv_ids(s, uid, &ids, &n, e) < 0)
		return -1;
	out->meta = xcalloc(n + 1, sizeof(*out->meta));
	for (size_t i = 0; i < n; i++)
		out->meta[i] = true;
	int rc = load(s, uid, ids, n, out, e);
	free(ids);
	return rc;
}

/*
 * The changed conversations from uid's retained events, or from the whole
 * log when retention dropped some of uid's events after `since` (the same
 * check as the events gap): never a listing of every conversation.
 */
int
store_changes(
    struct store *s, int64_t uid, uint64_t since, struct changes_answer *out, struct err *e)
{
	*out = (struct changes_answer){.cursor = s->ops->cursor(s)};
	if (since == 0 || since > out->cursor)
		return full(s, uid, out, e);
	struct store_change *ch;
	size_t n;
	uint64_t dropped;
	/* One snapshot, which may hold commits after the cursor: the cursor follows them. */
	if (s->ops->read_begin(s, e) < 0)
		return -1;
	if (s->ops->changes_inbox(s, uid, since, &ch, &n, &dropped, e) < 0)
		goto fail;
	if (dropped > since) {
		free(ch);
		if (s->ops->changes_log(s, uid, since, &ch, &n, e) < 0)
			goto fail;
	}
	int64_t *ids = xcalloc(n + 1, sizeof(*ids));
	out->meta = xcalloc(n + 1, sizeof(*out->meta));
	for (size_t i = 0; i < n; i++) {
		ids[i] = ch[i].conv;
		out->meta[i] = ch[i].joined;
		if (ch[i].cursor > out->cursor)
			out->cursor = ch[i].cursor;
	}
	free(ch);
	int rc = load(s, uid, ids, n, out, e);
	/* A departure (left, removed, declined) is told with the metadata, left: true. */
	for (size_t i = 0; rc == 0 && i < out->n; i++)
		if (out->convs[i].viewer == MEMBER_GONE)
			out->meta[i] = true;
	free(ids);
	s->ops->read_end(s);
	return rc;
fail:
	s->ops->read_end(s);
	return -1;
}

/* Frees a changes answer. */
void
store_changes_free(struct changes_answer *a)
{
	for (size_t i = 0; a->read != NULL && i < a->n; i++)
		store_marks_free(&a->read[i]);
	free(a->read);
	store_convs_free(a->convs, a->n);
	free(a->meta);
	*a = (struct changes_answer){0};
}
