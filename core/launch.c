/* The launch sync: merge from sync.db, outbox, digests, then only the missing messages. */
#include "launch.h"

#include <stdlib.h>
#include <string.h>

#include "merge.h"

/* A bound on sync rounds, so a server that keeps saying `more` cannot loop us forever. */
#define MAX_ROUNDS 100000

/* Gives the notifier the titles and members it names conversations with. */
static void
cache_titles(struct syncstore *ss, const struct conv *v, size_t n)
{
	struct syncconv *c = xcalloc(n ? n : 1, sizeof(*c));
	for (size_t i = 0; i < n; i++)
		c[i] = (struct syncconv){
		    v[i].id, v[i].title, v[i].members, v[i].nmembers, v[i].created};
	syncstore_put_conversations(ss, c, n, NULL);
	free(c);
}

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
static int
fetch_scope(struct client *c, struct history *h, struct syncstore *ss, struct vmap *have,
    char *const *ids, size_t nids, launch_progress_fn progress, void *arg, struct launch_report *r,
    struct err *e)
{
	for (int round = 0;; round++) {
		if (round >= MAX_ROUNDS)
			return err_set(e, ERR_PROTOCOL,
			    "server at %s keeps saying there is more; stopped", c->server);
		struct sync_reply sr;
		if (client_sync(c, have, ids, nids, LAUNCH_SYNC_LIMIT, &sr, e) < 0)
			return -1;
		size_t added = 0;
		if (db_begin(&h->db, e) < 0) {
			sync_reply_free(&sr);
			return -1;
		}
		if (history_insert_in_tx(h, sr.msgs, sr.nmsgs, &added, e) < 0) {
			db_rollback(&h->db);
			sync_reply_free(&sr);
			return -1;
		}
		if (db_commit(&h->db, e) < 0 || history_put_convs(h, sr.convs, sr.nconvs, e) < 0) {
			sync_reply_free(&sr);
			return -1;
		}
		/*
		 * The notifier's store learns what we fetched, so neither program
		 * asks for it again. It is only a cache: a failure costs nothing.
		 */
		if (ss != NULL)
			merge_write_back(ss, sr.msgs, sr.nmsgs, NULL);
		for (size_t i = 0; i < sr.nmsgs; i++)
			vector_add(
			    vmap_get(have, sr.msgs[i].conv), sr.msgs[i].sender, sr.msgs[i].seq);
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
		if (got == 0)
			return err_set(e, ERR_PROTOCOL,
			    "server at %s says there is more but sends nothing", c->server);
	}
	return 0;
}

/* The JSON size of a conversation's entry in a sync request's `have`. */
static size_t
have_size(const char *id, const struct vector *v)
{
	json_t *j = proto_vector_to_json(v);
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	size_t n = strlen(id) + 8 + (s != NULL ? strlen(s) : 0);
	free(s);
	json_decref(j);
	return n;
}

/*
 * Fetches what history lacks of the given conversations, while the server
 * says more. The conversations are asked in
 * groups whose `have` stays under LAUNCH_REQUEST_BUDGET, since servers
 * refuse request bodies over 64 KiB.
 */
int
launch_fetch(struct client *c, struct history *h, struct syncstore *ss, char *const *ids,
    size_t nids, launch_progress_fn progress, void *arg, struct launch_report *r, struct err *e)
{
	struct vmap have = {0};
	int ret = -1;
	if (load_have(h, ids, nids, &have, e) < 0)
		goto out;
	for (size_t first = 0; first < nids;) {
		size_t budget = 0, last = first;
		while (last < nids) {
			size_t n = have_size(ids[last], vmap_get(&have, ids[last]));
			if (last > first && budget + n > LAUNCH_REQUEST_BUDGET)
				break;
			budget += n;
			last++;
		}
		struct vmap part = {0};
		/* Moved, not copied: each vector belongs to one group only. */
		for (size_t i = first; i < last; i++) {
			struct vector *from = vmap_get(&have, ids[i]);
			*vmap_get(&part, ids[i]) = *from;
			*from = (struct vector){0};
		}
		int rc =
		    fetch_scope(c, h, ss, &part, ids + first, last - first, progress, arg, r, e);
		vmap_free(&part);
		if (rc < 0)
			goto out;
		first = last;
	}
	ret = 0;
out:
	vmap_free(&have);
	return ret;
}

/* Runs the launch sequence against the server. */
int
launch_sync(struct client *c, struct history *h, struct syncstore *ss, launch_progress_fn progress,
    void *arg, struct launch_report *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	int64_t t0 = mono_ms();
	uint64_t bytes0 = c->http.bytes_received, req0 = c->http.requests;
	struct conv *convs = NULL;
	size_t nconvs = 0;
	char **ids = NULL;
	size_t nids = 0;
	int ret = -1;

	/* First what the notifier already has: this needs no network at all. */
	if (ss != NULL) {
		if (merge_from_store(h, ss, &r->merged_from_store, e) < 0)
			goto out;
		if (progress != NULL && r->merged_from_store > 0)
			progress(arg, r);
	}
	if (outbox_flush(c, h, &r->outbox, e) < 0)
		goto out;
	if (client_conversations(c, &convs, &nconvs, e) < 0)
		goto out;
	r->conversations = nconvs;
	if (history_put_convs(h, convs, nconvs, e) < 0)
		goto out;
	if (ss != NULL)
		cache_titles(ss, convs, nconvs);
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
	if (nids > 0 && launch_fetch(c, h, ss, ids, nids, progress, arg, r, e) < 0)
		goto out;
	/* history.db now holds everything the server has: a gap is filled. */
	if (ss != NULL)
		syncstore_clear_gap(ss, NULL);
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
