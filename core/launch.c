/* The launch sync: outbox, digests, then only the missing messages by vector. */
#include "launch.h"

#include <stdlib.h>
#include <string.h>

/* A bound on sync rounds, so a server that keeps saying `more` cannot loop us forever. */
#define MAX_ROUNDS 100000

/* Loads the vectors of ids from history into have. */
static int
load_have(struct history *h, char *const *ids, size_t nids, struct vmap *have, struct err *e)
{
	for (size_t i = 0; i < nids; i++) {
		struct vector v;
		if (history_vector(h, ids[i], &v, e) < 0)
			return -1;
		struct vector *dst = vmap_get(have, ids[i]);
		vector_free(dst);
		*dst = v;
	}
	return 0;
}

/* Fetches what history lacks of the given conversations, while the server says more. */
int
launch_fetch(struct client *c, struct history *h, char *const *ids, size_t nids,
    launch_progress_fn progress, void *arg, struct launch_report *r, struct err *e)
{
	struct vmap have = {0};
	int ret = -1;
	if (ids != NULL) {
		if (load_have(h, ids, nids, &have, e) < 0)
			goto out;
	} else if (history_vectors(h, &have, e) < 0)
		goto out;
	for (int round = 0;; round++) {
		if (round >= MAX_ROUNDS) {
			err_set(e, ERR_PROTOCOL, "server at %s keeps saying there is more; stopped",
			    c->server);
			goto out;
		}
		struct sync_reply sr;
		if (client_sync(c, &have, ids, nids, LAUNCH_SYNC_LIMIT, &sr, e) < 0)
			goto out;
		size_t added = 0;
		if (db_begin(&h->db, e) < 0) {
			sync_reply_free(&sr);
			goto out;
		}
		if (history_insert_in_tx(h, sr.msgs, sr.nmsgs, &added, e) < 0) {
			db_rollback(&h->db);
			sync_reply_free(&sr);
			goto out;
		}
		if (db_commit(&h->db, e) < 0) {
			sync_reply_free(&sr);
			goto out;
		}
		if (history_put_convs(h, sr.convs, sr.nconvs, e) < 0) {
			sync_reply_free(&sr);
			goto out;
		}
		for (size_t i = 0; i < sr.nmsgs; i++)
			vector_add(
			    vmap_get(&have, sr.msgs[i].conv), sr.msgs[i].sender, sr.msgs[i].seq);
		r->fetched_from_server += added;
		r->cursor = sr.cursor;
		bool more = sr.more;
		size_t got = sr.nmsgs;
		sync_reply_free(&sr);
		r->bytes_received = c->http.bytes_received;
		if (progress != NULL)
			progress(arg, r);
		if (!more)
			break;
		if (got == 0) {
			err_set(e, ERR_PROTOCOL,
			    "server at %s says there is more but sends nothing", c->server);
			goto out;
		}
	}
	ret = 0;
out:
	vmap_free(&have);
	return ret;
}

/* Runs the launch sequence against the server. */
int
launch_sync(struct client *c, struct history *h, launch_progress_fn progress, void *arg,
    struct launch_report *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	int64_t t0 = mono_ms();
	uint64_t bytes0 = c->http.bytes_received, req0 = c->http.requests;
	struct conv *convs = NULL;
	size_t nconvs = 0;
	char **ids = NULL;
	size_t nids = 0;
	int ret = -1;

	if (outbox_flush(c, h, &r->outbox, e) < 0)
		goto out;
	if (client_conversations(c, &convs, &nconvs, e) < 0)
		goto out;
	r->conversations = nconvs;
	if (history_put_convs(h, convs, nconvs, e) < 0)
		goto out;
	ids = xcalloc(nconvs ? nconvs : 1, sizeof(*ids));
	for (size_t i = 0; i < nconvs; i++) {
		struct vector v;
		if (history_vector(h, convs[i].id, &v, e) < 0)
			goto out;
		bool same;
		if (convs[i].digest[0] != '\0') {
			char d[DIGEST_HEXLEN + 1];
			vector_digest(&v, d);
			same = strcmp(d, convs[i].digest) == 0;
		} else
			same = convs[i].has_vector && vector_equal(&v, &convs[i].vector);
		vector_free(&v);
		if (!same)
			ids[nids++] = convs[i].id;
	}
	r->conversations_changed = nids;
	if (nids > 0 && launch_fetch(c, h, ids, nids, progress, arg, r, e) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0 && e != NULL && e->kind == ERR_OFFLINE)
		r->offline = true;
	r->bytes_received = c->http.bytes_received - bytes0;
	r->requests = c->http.requests - req0;
	r->duration_ms = (uint64_t)(mono_ms() - t0);
	free(ids);
	convs_free(convs, nconvs);
	return ret;
}
