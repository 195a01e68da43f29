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
	if (s->ops->changes_inbox(s, uid, since, &ch, &n, &dropped, e) < 0)
		return -1;
	if (dropped > since) {
		free(ch);
		if (s->ops->changes_log(s, uid, since, &ch, &n, e) < 0)
			return -1;
	}
	out->convs = xcalloc(n + 1, sizeof(*out->convs));
	out->meta = xcalloc(n + 1, sizeof(*out->meta));
	for (; out->n < n; out->n++) {
		if (s->ops->conv_get(s, ch[out->n].conv, &out->convs[out->n], e) < 0) {
			free(ch);
			store_changes_free(out);
			return -1;
		}
		out->meta[out->n] = ch[out->n].joined;
	}
	free(ch);
	return 0;
}

/* Frees a changes answer. */
void
store_changes_free(struct changes_answer *a)
{
	store_convs_free(a->convs, a->n);
	free(a->meta);
	*a = (struct changes_answer){0};
}
