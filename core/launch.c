/* The launch sync: merge from sync.db, outbox, what changed, then only the missing messages. */
#include "launch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "proto.h"
#include "readmark.h"

/* A bound on sync rounds, so a server that keeps saying `more` cannot loop us forever. */
#define MAX_ROUNDS 100000
/* Where history.db keeps the cursor of the last complete launch. */
#define CHANGES_CURSOR_KEY "changes_cursor"

/* One launch_fetch: the conversations asked about, their vectors, their encoded `have`. */
struct fetch {
	struct client *c;
	struct history *h;
	struct syncstore *ss;
	char *const *ids;
	size_t nids;
	struct vmap have;
	char **entries; /* entries[i]: ids[i]'s `have` entry, NULL until encoded */
	const struct launch_opts *o; /* never NULL */
	struct launch_report *r;
};

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

/*
 * The end of the group that starts at first and ends at most at end: as
 * many conversations as fit in LAUNCH_REQUEST_BUDGET bytes of `have`, at
 * least one. Entries are encoded here, from the vectors as they are now,
 * and kept for the request that sends them.
 */
static size_t
group_end(struct fetch *f, size_t first, size_t end)
{
	size_t budget = 0, last = first;
	while (last < end) {
		if (f->entries[last] == NULL)
			f->entries[last] =
			    proto_have_entry(f->ids[last], vmap_get(&f->have, f->ids[last]));
		size_t n = strlen(f->entries[last]) + 1;
		if (last > first && budget + n > LAUNCH_REQUEST_BUDGET)
			break;
		budget += n;
		last++;
	}
	return last;
}

/* Frees the encoded entries of [first, last): they are stale once sent. */
static void
drop_entries(struct fetch *f, size_t first, size_t last)
{
	for (size_t i = first; i < last; i++) {
		free(f->entries[i]);
		f->entries[i] = NULL;
	}
}

/* Stores one sync answer: history, the notifier's store, the vectors, the report. */
static int
store_reply(struct fetch *f, struct sync_reply *sr, struct err *e)
{
	size_t added = 0;
	if (db_begin(&f->h->db, e) < 0)
		return -1;
	if (history_insert_in_tx(f->h, sr->msgs, sr->nmsgs, &added, e) < 0) {
		db_rollback(&f->h->db);
		return -1;
	}
	if (db_commit(&f->h->db, e) < 0)
		return -1;
	history_scrub(f->h);
	if (history_put_convs(f->h, sr->convs, sr->nconvs, e) < 0)
		return -1;
	/*
	 * The notifier's store learns what we fetched, so neither program
	 * asks for it again. It is only a cache: a failure costs nothing.
	 */
	if (f->ss != NULL)
		syncstore_insert(f->ss, sr->msgs, sr->nmsgs, NULL, NULL, NULL);
	for (size_t i = 0; i < sr->nmsgs; i++)
		vector_add(
		    vmap_get(&f->have, sr->msgs[i].conv), sr->msgs[i].sender, sr->msgs[i].seq);
	f->r->fetched_from_server += added;
	f->r->cursor = sr->cursor;
	f->r->bytes_received = f->c->http.bytes_received;
	f->r->bytes_sent = f->c->http.bytes_sent;
	if (f->o->progress != NULL)
		f->o->progress(f->o->arg, f->r);
	return 0;
}

/*
 * One round of the group [first, *last): with next, a continuation;
 * without, the group's `have`, regrouped first when it no longer fits
 * (then *last moves back and the rest waits for a later group).
 */
static int
request(struct fetch *f, size_t first, size_t *last, const char *next, int limit, int newest,
    struct sync_reply *sr, struct err *e)
{
	if (next != NULL)
		return client_sync_next(f->c, next, limit, sr, e);
	*last = group_end(f, first, *last);
	/* A conversation absent from `have` is one of which nothing is held. */
	char **have = xcalloc(*last - first, sizeof(*have));
	size_t nhave = 0;
	for (size_t i = first; i < *last; i++) {
		size_t n = strlen(f->entries[i]);
		if (n < 3 || strcmp(f->entries[i] + n - 3, ":{}") != 0)
			have[nhave++] = f->entries[i];
	}
	int rc =
	    client_sync(f->c, have, nhave, f->ids + first, *last - first, limit, newest, sr, e);
	free(have);
	drop_entries(f, first, *last);
	return rc;
}

/*
 * Fetches what history lacks of the group [first, *last) while the server
 * says more: it follows the server's `next` when given (tiny requests),
 * else sends the group's grown `have` again; an expired `next` (410) falls
 * back to `have`. Every request stays under the budget.
 */
static int
fetch_group(struct fetch *f, size_t first, size_t *last, struct err *e)
{
	char *next = NULL;
	int ret = -1;
	for (int round = 0;; round++) {
		if (round >= MAX_ROUNDS) {
			err_set(e, ERR_PROTOCOL, "server at %s keeps saying there is more; stopped",
			    f->c->server);
			break;
		}
		struct sync_reply sr;
		struct err re = {0};
		int limit = round == 0 ? LAUNCH_SYNC_LIMIT : LAUNCH_FOLLOW_LIMIT;
		if (request(f, first, last, next, limit, 0, &sr, &re) < 0) {
			if (next != NULL && re.status == 410) {
				free(next);
				next = NULL;
				continue;
			}
			*e = re;
			break;
		}
		int rc = store_reply(f, &sr, e);
		bool more = sr.more;
		size_t got = sr.nmsgs;
		free(next);
		next = sr.next;
		sr.next = NULL;
		sync_reply_free(&sr);
		if (rc < 0)
			break;
		if (!more) {
			ret = 0;
			break;
		}
		if (got == 0) {
			err_set(e, ERR_PROTOCOL,
			    "server at %s says there is more but sends nothing", f->c->server);
			break;
		}
	}
	free(next);
	return ret;
}

/* Sets up f for the conversations ids, their vectors read from history. */
static int
fetch_init(struct fetch *f, struct client *c, struct history *h, struct syncstore *ss,
    char *const *ids, size_t nids, const struct launch_opts *o, struct launch_report *r,
    struct err *e)
{
	static const struct launch_opts none = {0};
	*f = (struct fetch){
	    .c = c, .h = h, .ss = ss, .ids = ids, .nids = nids, .o = o ? o : &none, .r = r};
	f->entries = xcalloc(nids ? nids : 1, sizeof(*f->entries));
	return load_have(h, ids, nids, &f->have, e);
}

/* Frees what fetch_init made. */
static void
fetch_free(struct fetch *f)
{
	drop_entries(f, 0, f->nids);
	free(f->entries);
	vmap_free(&f->have);
}

/*
 * Fetches what history lacks of the given conversations, while the server
 * says more. The conversations are asked in groups whose `have` stays under
 * LAUNCH_REQUEST_BUDGET, since servers refuse request bodies over 64 KiB;
 * each entry is encoded once, measured, and sent as it is.
 */
int
launch_fetch(struct client *c, struct history *h, struct syncstore *ss, char *const *ids,
    size_t nids, const struct launch_opts *o, struct launch_report *r, struct err *e)
{
	struct fetch f;
	int ret = -1;
	if (fetch_init(&f, c, h, ss, ids, nids, o, r, e) < 0)
		goto out;
	for (size_t first = 0; first < nids;) {
		size_t last = group_end(&f, first, nids);
		if (fetch_group(&f, first, &last, e) < 0)
			goto out;
		first = last;
	}
	ret = 0;
out:
	fetch_free(&f);
	return ret;
}

/* The conversations still to come newest first, in the order they are asked (ids borrowed). */
struct pending {
	char **ids;
	size_t n;
};

/* True when id is one of v. */
static bool
listed(const char *id, char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], id) == 0)
			return true;
	return false;
}

/*
 * One newest-first request of the first k conversations of p (fewer when
 * their `have` passes the budget; *asked says how many), `each` messages
 * each: what comes is stored, the asked ones leave the front of p and
 * those the server lists in `older` go back at its end. Returns 1 when the
 * server answered newest first, 0 when it did not (a server from before
 * sent the oldest ones: stored all the same, p unchanged), -1.
 */
static int
newest_round(struct client *c, struct history *h, struct syncstore *ss, struct pending *p, size_t k,
    int each, const struct launch_opts *o, struct launch_report *r, size_t *asked, struct err *e)
{
	struct fetch f;
	struct sync_reply sr = {0};
	size_t last = k;
	int ret = -1;
	if (fetch_init(&f, c, h, ss, p->ids, k, o, r, e) < 0 ||
	    request(&f, 0, &last, NULL, LAUNCH_SYNC_LIMIT, each, &sr, e) < 0 ||
	    store_reply(&f, &sr, e) < 0)
		goto out;
	ret = 0;
	if (sr.newest != each)
		goto out;
	if (sr.nmsgs == 0 && sr.nolder > 0) {
		ret = err_set(e, ERR_PROTOCOL, "server at %s says there is more but sends nothing",
		    c->server);
		goto out;
	}
	char **head = xcalloc(last, sizeof(*head));
	memcpy(head, p->ids, last * sizeof(*head));
	memmove(p->ids, p->ids + last, (p->n - last) * sizeof(*p->ids));
	p->n -= last;
	for (size_t i = 0; i < last; i++)
		if (listed(head[i], sr.older, sr.nolder))
			p->ids[p->n++] = head[i];
	free(head);
	*asked = last;
	ret = 1;
out:
	sync_reply_free(&sr);
	fetch_free(&f);
	return ret;
}

/*
 * The first windows: the newest `each` messages of every conversation of
 * ids, `total` messages a request at most. p gets those that lack older
 * ones; *served is false when the server cannot answer newest first.
 */
static int
first_windows(struct client *c, struct history *h, struct syncstore *ss, char *const *ids,
    size_t nids, int each, size_t total, struct pending *p, const struct launch_opts *o,
    struct launch_report *r, bool *served, struct err *e)
{
	size_t per = total / (size_t)each;
	p->ids = xcalloc(nids + 1, sizeof(*p->ids));
	memcpy(p->ids, ids, nids * sizeof(*ids));
	p->n = nids;
	*served = true;
	for (size_t todo = nids; todo > 0;) {
		size_t asked = 0;
		int rc = newest_round(
		    c, h, ss, p, todo < per ? todo : (per ? per : 1), each, o, r, &asked, e);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			*served = false;
			return 0;
		}
		todo -= asked;
	}
	return 0;
}

/* Moves id to the front of p; false when it is not there (nothing older to fetch). */
static bool
to_front(struct pending *p, const char *id)
{
	for (size_t i = 0; id != NULL && i < p->n; i++) {
		if (strcmp(p->ids[i], id) == 0) {
			char *t = p->ids[i];
			memmove(p->ids + 1, p->ids, i * sizeof(*p->ids));
			p->ids[0] = t;
			return true;
		}
	}
	return false;
}

/*
 * The background fill, newest first too, so that what is held of each
 * conversation stays one piece that grows back in time: rounds over the
 * pending conversations in turn, LAUNCH_NEWEST_TOTAL messages a round,
 * each sending the vectors as they are then (nothing is asked twice).
 * Before each round, the conversation the user pages back in goes first.
 */
static int
fill_down(struct client *c, struct history *h, struct syncstore *ss, struct pending *p,
    const struct launch_opts *o, struct launch_report *r, bool *served, struct err *e)
{
	for (int round = 0; p->n > 0; round++) {
		if (round >= MAX_ROUNDS)
			return err_set(e, ERR_PROTOCOL,
			    "server at %s keeps saying there is more; stopped", c->server);
		char *want = o->yield != NULL ? o->yield(o->arg) : NULL;
		size_t k = p->n < LAUNCH_FILL_GROUP ? p->n : LAUNCH_FILL_GROUP;
		int each = LAUNCH_NEWEST_TOTAL / (int)k;
		if (to_front(p, want)) {
			k = 1;
			each = LAUNCH_OLDER_WINDOW;
		}
		free(want);
		size_t asked;
		int rc = newest_round(c, h, ss, p, k, each, o, r, &asked, e);
		if (rc <= 0) {
			*served = rc == 0 ? false : *served;
			return rc;
		}
	}
	return 0;
}

/*
 * Fetches the differing conversations ids. With o->newest, those of down
 * (see fetch_differing) come newest first: their first windows, then the
 * others oldest first (usually a few new messages), then the older history
 * of down top down; with recent_only, every one's window and nothing
 * more. Else all oldest first.
 */
static int
fetch_ids(struct client *c, struct history *h, struct syncstore *ss, char *const *ids, size_t nids,
    char *const *down, size_t ndown, const struct launch_opts *o, struct launch_report *r,
    struct err *e)
{
	if (o->newest <= 0 || (ndown == 0 && !o->recent_only))
		return launch_fetch(c, h, ss, ids, nids, o, r, e);
	struct pending p = {0};
	bool served = true;
	int rc;
	if (o->recent_only) {
		rc = first_windows(
		    c, h, ss, ids, nids, o->newest, LAUNCH_NEWEST_TOTAL, &p, o, r, &served, e);
		r->incomplete = rc == 0 && served && p.n > 0;
	} else {
		r->filling = true;
		/* Small and shared, so that one quick request fills every conversation's screen. */
		size_t each = LAUNCH_FIRST_TOTAL / ndown;
		if (each > (size_t)o->newest)
			each = (size_t)o->newest;
		if (each < LAUNCH_FIRST_MIN)
			each = LAUNCH_FIRST_MIN;
		rc = first_windows(
		    c, h, ss, down, ndown, (int)each, LAUNCH_FIRST_TOTAL, &p, o, r, &served, e);
		char **rest = xcalloc(nids + 1, sizeof(*rest));
		size_t nrest = 0;
		for (size_t i = 0, j = 0; served && i < nids; i++) {
			if (j < ndown && ids[i] == down[j])
				j++;
			else
				rest[nrest++] = ids[i];
		}
		if (rc == 0 && nrest > 0)
			rc = launch_fetch(c, h, ss, rest, nrest, o, r, e);
		free(rest);
		if (rc == 0 && served)
			rc = fill_down(c, h, ss, &p, o, r, &served, e);
	}
	/* A server that cannot answer newest first: the rest oldest first, exact all the same. */
	if (rc == 0 && !served)
		rc = launch_fetch(c, h, ss, ids, nids, o, r, e);
	free(p.ids);
	return rc;
}

/*
 * *same when the local vector of conv has the digest the server gave (or,
 * lacking one, its vector); *none when nothing of conv is held.
 */
static int
up_to_date(
    struct history *h, const struct conversation *conv, bool *same, bool *none, struct err *e)
{
	struct vector v;
	if (history_vector(h, conv->id, &v, e) < 0)
		return -1;
	*none = vector_count(&v) == 0;
	if (conv->digest[0] != '\0') {
		char d[DIGEST_HEXLEN + 1];
		vector_digest(&v, d);
		*same = strcmp(d, conv->digest) == 0;
	} else
		*same = conv->has_vector && vector_equal(&v, &conv->vector);
	vector_free(&v);
	return 0;
}

/*
 * Fetches the conversations of convs whose digest differs from the local
 * one. Those held nowhere, or every one when fresh (no launch finished
 * yet: a new device, whatever the notifier stored), may come newest first.
 */
static int
fetch_differing(struct client *c, struct history *h, struct syncstore *ss,
    const struct conversation *convs, size_t nconvs, bool fresh, const struct launch_opts *o,
    struct launch_report *r, struct err *e)
{
	char **ids = xcalloc(nconvs ? nconvs : 1, sizeof(*ids));
	char **down = xcalloc(nconvs ? nconvs : 1, sizeof(*down));
	size_t nids = 0, ndown = 0;
	int ret = -1;
	for (size_t i = 0; i < nconvs; i++) {
		bool same, none;
		enum conv_state st;
		/* Left or invited: the server sends nothing of it; what is held stays. */
		int known = history_conv_state(h, convs[i].id, &st, NULL, e);
		if (known < 0)
			goto out;
		if (known == 0 && st != CONV_MEMBER)
			continue;
		if (up_to_date(h, &convs[i], &same, &none, e) < 0)
			goto out;
		if (!same)
			ids[nids++] = convs[i].id;
		if (!same && (none || fresh))
			down[ndown++] = convs[i].id;
	}
	r->conversations_changed = nids;
	ret = nids > 0 ? fetch_ids(c, h, ss, ids, nids, down, ndown, o, r, e) : 0;
out:
	free(ids);
	free(down);
	return ret;
}

/* The version-1 launch: every conversation with its digest, then the differing ones. */
static int
launch_list(struct client *c, struct history *h, struct syncstore *ss, bool fresh,
    const struct launch_opts *o, struct launch_report *r, struct err *e)
{
	struct conversation *convs = NULL;
	size_t nconvs = 0;
	if (client_conversations(c, &convs, &nconvs, e) < 0)
		return -1;
	r->conversations = nconvs;
	int ret = history_put_convs(h, convs, nconvs, e);
	/* The notifier names conversations by these titles; only a cache. */
	if (ret == 0 && ss != NULL)
		syncstore_put_conversations(ss, convs, nconvs, NULL);
	if (ret == 0)
		ret = fetch_differing(c, h, ss, convs, nconvs, fresh, o, r, e);
	conversations_free(convs, nconvs);
	return ret;
}

/* Stores the metadata the changes answer carried, and only that, and the read marks. */
static int
put_listed_metadata(
    struct history *h, struct syncstore *ss, const struct changes_reply *cr, struct err *e)
{
	struct conversation *meta = xcalloc(cr->nconvs ? cr->nconvs : 1, sizeof(*meta));
	size_t n = 0;
	for (size_t i = 0; i < cr->nconvs; i++)
		if (cr->has_meta[i])
			meta[n++] = cr->convs[i]; /* borrowed: freed shallowly */
	int ret = history_put_convs(h, meta, n, e);
	if (ret == 0 && ss != NULL)
		syncstore_put_conversations(ss, meta, n, NULL);
	free(meta);
	/* Read marks made on other devices (and this one's, as the server has them). */
	for (size_t i = 0; i < cr->nconvs && ret == 0; i++) {
		bool moved;
		if (cr->convs[i].has_read)
			ret = history_read_merge(h, cr->convs[i].id, &cr->convs[i].read, &moved, e);
	}
	return ret;
}

/*
 * The launch by changes: only the conversations in which something
 * happened since the last complete launch are looked at; when nothing
 * did, this one request is the whole launch and nothing is written.
 */
static int
launch_changes(struct client *c, struct history *h, struct syncstore *ss, uint64_t since,
    const struct changes_reply *cr, const struct launch_opts *o, struct launch_report *r,
    struct err *e)
{
	if (put_listed_metadata(h, ss, cr, e) < 0 ||
	    history_count_convs(h, &r->conversations, e) < 0 ||
	    fetch_differing(c, h, ss, cr->convs, cr->nconvs, since == 0, o, r, e) < 0)
		return -1;
	/* Everything before cr->cursor is here: the events may start from it. */
	r->cursor = cr->cursor;
	/* With only the newest windows held, the next launch must look again. */
	if (cr->cursor == since || r->incomplete)
		return 0;
	char s[24];
	snprintf(s, sizeof(s), "%llu", (unsigned long long)cr->cursor);
	return history_meta_set(h, CHANGES_CURSOR_KEY, s, e);
}

/* The cursor of the last complete launch, 0 when none. */
static int
stored_cursor(struct history *h, uint64_t *since, struct err *e)
{
	struct err ge = {0};
	char *s = history_meta_get(h, CHANGES_CURSOR_KEY, &ge);
	*since = 0;
	if (ge.kind != 0) {
		*e = ge;
		return -1;
	}
	if (s != NULL) {
		char *end;
		unsigned long long v = strtoull(s, &end, 10);
		if (*s != '\0' && *end == '\0')
			*since = v;
		free(s);
	}
	return 0;
}

/* Whether sync.db is at history.db's server epoch (or either knows none). */
static bool
same_epoch(struct history *h, struct syncstore *ss)
{
	struct epoch a, b;
	struct err e = {0};
	if (history_epoch_get(h, &a, &e) < 0 || syncstore_epoch_get(ss, &b, &e) < 0)
		return true;
	return epoch_compare(&a, &b) == EPOCH_SAME;
}

/* Runs the launch sequence against the server. */
int
launch_sync(struct client *c, struct history *h, struct syncstore *ss, const struct launch_opts *o,
    struct launch_report *r, struct err *e)
{
	static const struct launch_opts none = {0};
	launch_progress_fn progress = o ? o->progress : NULL;
	void *arg = o ? o->arg : NULL;
	if (o == NULL)
		o = &none;
	memset(r, 0, sizeof(*r));
	int64_t t0 = mono_ms();
	uint64_t bytes0 = c->http.bytes_received, sent0 = c->http.bytes_sent;
	uint64_t req0 = c->http.requests;
	struct changes_reply cr = {0};
	int ret = -1;

	/*
	 * First what the notifier already has: this needs no network at all.
	 * Not while sync.db is at another server epoch than history.db (the
	 * notifier saw a restore natter has not): its seqs do not mean the
	 * same; it is merged once history.db moved to the server's epoch.
	 */
	bool deferred = ss != NULL && !same_epoch(h, ss);
	if (ss != NULL && !deferred) {
		if (merge_from_store(h, ss, &r->merged_from_store, e) < 0)
			goto out;
		if (progress != NULL && r->merged_from_store > 0)
			progress(arg, r);
	}
	if (outbox_flush(c, h, &r->outbox, e) < 0 || readmark_flush(c, h, &r->reads_sent, e) < 0)
		goto out;
	uint64_t since;
	bool missing, changed = false;
	if (stored_cursor(h, &since, e) < 0 || client_changes(c, since, &missing, &cr, e) < 0)
		goto out;
	if (!missing && launch_epoch(c, h, ss, &cr.epoch, r, &changed, e) < 0)
		goto out;
	if (changed) {
		/* The cursor was the old generation's: everything is compared again. */
		changes_reply_free(&cr);
		since = 0;
		if (history_meta_set(h, CHANGES_CURSOR_KEY, "0", e) < 0 ||
		    client_changes(c, since, &missing, &cr, e) < 0)
			goto out;
	}
	if (deferred && same_epoch(h, ss)) {
		if (merge_from_store(h, ss, &r->merged_from_store, e) < 0)
			goto out;
		if (progress != NULL && r->merged_from_store > 0)
			progress(arg, r);
	}
	if (missing ? launch_list(c, h, ss, since == 0, o, r, e) < 0
		    : launch_changes(c, h, ss, since, &cr, o, r, e) < 0)
		goto out;
	/* The safety net: a server of the same epoch below what is held lost it too. */
	if (!missing && cr.epoch.known && !r->incomplete && r->notice[0] == '\0' &&
	    launch_lower_check(c, h, ss, &cr, r, e) < 0)
		goto out;
	/* history.db now holds everything the server has: a gap is filled. */
	if (ss != NULL && !r->incomplete)
		syncstore_clear_gap(ss, NULL);
	ret = 0;
out:
	if (ret < 0 && e != NULL && e->kind == ERR_OFFLINE)
		r->offline = true;
	r->bytes_received = c->http.bytes_received - bytes0;
	r->bytes_sent = c->http.bytes_sent - sent0;
	r->requests = c->http.requests - req0;
	r->duration_ms = (uint64_t)(mono_ms() - t0);
	r->filling = false;
	changes_reply_free(&cr);
	return ret;
}
