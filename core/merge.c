/* The local merge: history.db gets what sync.db has and it lacks. */
#include "merge.h"

#include <stdlib.h>
#include <string.h>

/* Records conversations that sync.db knows and history.db does not. */
static int
adopt_conversations(struct history *h, const struct conversation_list *convs, struct err *e)
{
	struct conversation *fresh = xcalloc(convs->n ? convs->n : 1, sizeof(*fresh));
	size_t n = 0;
	for (size_t i = 0; i < convs->n; i++) {
		const struct conversation *c = &convs->v[i];
		if (history_has_conv(h, c->id))
			continue;
		/* Borrowed pointers: fresh[] is freed shallowly below. */
		fresh[n] = *c;
		if (fresh[n].title == NULL)
			fresh[n].title = c->id;
		n++;
	}
	int rc = history_put_convs(h, fresh, n, e);
	free(fresh);
	return rc;
}

/* Copies the messages sync.db holds and history.db lacks. */
int
merge_from_store(struct history *h, struct syncstore *s, uint64_t *merged, struct err *e)
{
	struct conversation_list convs = {0};
	struct message_list want = {0};
	struct vector sv = {0}, hv = {0}, d = {0};
	int ret = -1;
	*merged = 0;
	if (syncstore_conversations(s, &convs, e) < 0)
		return -1;
	if (adopt_conversations(h, &convs, e) < 0)
		goto out;
	/* Read everything missing first: sync.db's read transactions stay short. */
	for (size_t i = 0; i < convs.n; i++) {
		if (syncstore_vector(s, convs.v[i].id, &sv, e) < 0 ||
		    history_vector(h, convs.v[i].id, &hv, e) < 0)
			goto out;
		vector_diff(&d, &sv, &hv);
		vector_free(&hv);
		if (d.n > 0 && syncstore_messages(s, convs.v[i].id, &d, &want, e) < 0)
			goto out;
	}
	size_t inserted = 0, kept = 0;
	ret = history_insert(h, want.v, want.n, &inserted, e);
	if (ret == 0)
		*merged = inserted;
	/* The messages the notifier kept from a server restore, as lost ones (core/lost.c). */
	message_list_free(&want);
	if (ret == 0 && (ret = syncstore_lost(s, &want, e)) == 0 &&
	    (ret = history_insert_lost(h, want.v, want.n, &kept, e)) == 0)
		*merged += kept;
out:
	vector_free(&sv);
	vector_free(&hv);
	vector_free(&d);
	message_list_free(&want);
	conversation_list_free(&convs);
	return ret;
}
