/* The server's store: what changed for a user since a cursor (GET /v1/changes). */
#include <stdlib.h>

#include "store.h"

/* Every conversation of uid with its metadata, oldest first: a full answer. */
static int
full(struct store *s, int64_t uid, struct changes_answer *out, struct err *e)
{
	out->full = true;
	if (store_conv_list(s, uid, &out->convs, &out->n, e) < 0)
		return -1;
	out->meta = xcalloc(out->n + 1, sizeof(*out->meta));
	for (size_t i = 0; i < out->n; i++)
		out->meta[i] = true;
	return 0;
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
	out->convs = xcalloc(n + 1, sizeof(*out->convs));
	out->meta = xcalloc(n + 1, sizeof(*out->meta));
	for (; out->n < n; out->n++) {
		if (s->ops->conv_get(s, ch[out->n].conv, &out->convs[out->n], e) < 0) {
			free(ch);
			store_changes_free(out);
			goto fail;
		}
		out->meta[out->n] = ch[out->n].joined;
		if (ch[out->n].cursor > out->cursor)
			out->cursor = ch[out->n].cursor;
	}
	s->ops->read_end(s);
	free(ch);
	return 0;
fail:
	s->ops->read_end(s);
	return -1;
}

/* Frees a changes answer. */
void
store_changes_free(struct changes_answer *a)
{
	store_convs_free(a->convs, a->n);
	free(a->meta);
	*a = (struct changes_answer){0};
}
