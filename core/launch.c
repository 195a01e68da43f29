/* The launch sync: merge from sync.db, outbox, digests, then only the missing messages. */
#include "launch.h"

#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "proto.h"

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

/* Encodes the `have` entries of ids[0..n) from the vectors in have. */
static char **
encode_have(struct vmap *have, char *const *ids, size_t n)
{
	char **entries = xcalloc(n ? n : 1, sizeof(*entries));
	for (size_t i = 0; i < n; i++)
		entries[i] = proto_have_entry(ids[i], vmap_get(have, ids[i]));
	return entries;
}

/* Frees n encoded entries. */
static void
free_entries(char **entries, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(entries[i]);
	free(entries);
}

/*
 * Fetches what history lacks of the conversations ids, while the server
 * says more. entries (taken) are the `have` of the first request; later
 * ones are encoded from have as it grows with what arrives.
 */
static int
fetch_scope(struct client *c, struct history *h, struct syncstore *ss, struct vmap *have,
    char *const *ids, size_t nids, char **entries, launch_progress_fn progress, void *arg,
    struct launch_report *r, struct err *e)
{
	int ret = -1;
	for (int round = 0;; round++) {
		if (round >= MAX_ROUNDS) {
			err_set(e, ERR_PROTOCOL, "server at %s keeps saying there is more; stopped",
			    c->server);
			break;
		}
		if (entries == NULL)
			entries = encode_have(have, ids, nids);
		struct sync_reply sr;
		int rc = client_sync(c, entries, ids, nids, LAUNCH_SYNC_LIMIT, &sr, e);
		free_entries(entries, nids);
		entries = NULL;
		if (rc < 0)
			break;
		size_t added = 0;
		if (db_begin(&h->db, e) < 0) {
			sync_reply_free(&sr);
			break;
		}
		if (history_insert_in_tx(h, sr.msgs, sr.nmsgs, &added, e) < 0) {
			db_rollback(&h->db);
			sync_reply_free(&sr);
			break;
		}
		if (db_commit(&h->db, e) < 0 || history_put_convs(h, sr.convs, sr.nconvs, e) < 0) {
			sync_reply_free(&sr);
			break;
		}
		/*
		 * The notifier's store learns what we fetched, so neither program
		 * asks for it again. It is only a cache: a failure costs nothing.
		 */
		if (ss != NULL)
			syncstore_insert(ss, sr.msgs, sr.nmsgs, NULL, NULL, NULL);
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
		if (!more) {
			ret = 0;
			break;
		}
		if (got == 0) {
			err_set(e, ERR_PROTOCOL,
			    "server at %s says there is more but sends nothing", c->server);
			break;
		}
	}
	free_entries(entries, entries != NULL ? nids : 0);
	return ret;
}

/*
 * Fetches what history lacks of the given conversations, while the server
 * says more. The conversations are asked in groups whose `have` stays under
 * LAUNCH_REQUEST_BUDGET, since servers refuse request bodies over 64 KiB;
 * each entry is encoded once, measured, and sent as it is.
 */
int
launch_fetch(struct client *c, struct history *h, struct syncstore *ss, char *const *ids,
    size_t nids, launch_progress_fn progress, void *arg, struct launch_report *r, struct err *e)
{
	struct vmap have = {0};
	char **entries = NULL;
	int ret = -1;
	if (load_have(h, ids, nids, &have, e) < 0)
		goto out;
	entries = encode_have(&have, ids, nids);
	for (size_t first = 0; first < nids;) {
		size_t budget = 0, last = first;
		while (last < nids) {
			size_t n = strlen(entries[last]) + 1;
			if (last > first && budget + n > LAUNCH_REQUEST_BUDGET)
				break;
			budget += n;
			last++;
		}
		struct vmap part = {0};
		/* Moved, not copied: each vector and entry belongs to one group only. */
		char **group = xcalloc(last - first, sizeof(*group));
		for (size_t i = first; i < last; i++) {
			struct vector *from = vmap_get(&have, ids[i]);
			*vmap_get(&part, ids[i]) = *from;
			*from = (struct vector){0};
			group[i - first] = entries[i];
			entries[i] = NULL;
		}
		int rc = fetch_scope(
		    c, h, ss, &part, ids + first, last - first, group, progress, arg, r, e);
		vmap_free(&part);
		if (rc < 0)
			goto out;
		first = last;
	}
	ret = 0;
out:
	free_entries(entries, entries != NULL ? nids : 0);
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
	struct conversation *convs = NULL;
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
	/* The notifier names conversations by these titles; only a cache. */
	if (ss != NULL)
		syncstore_put_conversations(ss, convs, nconvs, NULL);
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
	conversations_free(convs, nconvs);
	return ret;
}
