/* The server's store: sending a message, and the selection a sync answers. */
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* Stores a text message, or returns the one this sender sent with this client id. */
int
store_send(struct store *s, int64_t uid, int64_t conv, const char *client_id, const char *body,
    size_t bodylen, struct store_message *out, bool *created, int64_t **woken, size_t *nwoken,
    struct err *e)
{
	struct store_item it = {.body = body, .bodylen = bodylen};
	enum store_refusal refused;
	return store_send_item(
	    s, uid, conv, client_id, &it, out, created, &refused, woken, nwoken, e);
}

/* True when kind names kind k (NULL is "message"). */
static bool
kind_is(const char *kind, const char *k)
{
	return strcmp(kind != NULL ? kind : "message", k) == 0;
}

/* Checks an item's target in the open transaction: STORE_OK or why it is refused. */
static int
check_target(struct store *s, int64_t conv, int64_t uid, const struct store_item *it,
    enum store_refusal *refused, struct err *e)
{
	*refused = STORE_OK;
	if (it->target_sender == NULL)
		return 0;
	char *kind = NULL;
	bool deleted = false;
	int64_t owner = 0;
	int rc = s->ops->message_find(
	    s, conv, it->target_sender, it->target_seq, &owner, &kind, &deleted, e);
	if (rc < 0)
		return -1;
	bool edit = kind_is(it->kind, "edit"), del = kind_is(it->kind, "delete");
	if (rc == 1 || !kind_is(kind, "message"))
		*refused = STORE_NO_TARGET;
	else if ((edit || del) && owner != uid)
		*refused = STORE_NOT_YOURS;
	else if (deleted && (edit || del || kind_is(it->kind, "react")))
		*refused = STORE_DELETED;
	free(kind);
	return 0;
}

/* Stores an item, or returns the one this sender sent with this client id. */
int
store_send_item(struct store *s, int64_t uid, int64_t conv, const char *client_id,
    const struct store_item *it, struct store_message *out, bool *created,
    enum store_refusal *refused, int64_t **woken, size_t *nwoken, struct err *e)
{
	*woken = NULL;
	*nwoken = 0;
	*refused = STORE_OK;
	*created = false;
	if (s->ops->begin(s, e) < 0)
		return -1;
	int64_t msg, ts;
	uint64_t seq;
	bool erased = false;
	/* A resend is answered before the target is looked at: it may be deleted since. */
	int rc = s->ops->message_by_client(s, conv, uid, client_id, &msg, e);
	if (rc < 0)
		goto fail;
	if (rc == 1) {
		if (check_target(s, conv, uid, it, refused, e) < 0)
			goto fail;
		if (*refused != STORE_OK) {
			s->ops->rollback(s);
			return 0;
		}
		if (kind_is(it->kind, "delete")) {
			if (s->ops->message_erase(s, conv, it->target_sender, it->target_seq, e) <
			    0)
				goto fail;
			erased = true;
		}
		if (s->ops->message_put(s, conv, uid, client_id, it, &msg, &seq, &ts, created, e) <
			0 ||
		    s->ops->event_append(s, STORE_EV_MESSAGE, conv, msg, 0, woken, nwoken, e) < 0)
			goto fail;
	}
	if (s->ops->message_get(s, msg, out, e) < 0)
		goto fail;
	/* The answer to a send carries no body. */
	free(out->body);
	out->body = NULL;
	out->bodylen = 0;
	out->receipt = true;
	if (s->ops->commit(s, e) < 0) {
		store_message_free(out);
		goto fail;
	}
	if (erased)
		s->ops->scrub(s);
	return 0;
fail:
	s->ops->rollback(s);
	free(*woken);
	*woken = NULL;
	*nwoken = 0;
	return -1;
}

/* Appends a server-made item as uid's next one, in the caller's transaction. */
int
store_item_append(struct store *s, int64_t conv, int64_t uid, const struct store_item *it,
    uint64_t *seqp, int64_t *tsp, int64_t **woken, size_t *nwoken, struct err *e)
{
	*woken = NULL;
	*nwoken = 0;
	int64_t msg, ts;
	uint64_t seq;
	bool created;
	/* Not in a client's grammar ('.'), unique per sender and conversation. */
	char *cid = random_hex(16);
	char *dotted = xasprintf(".%s", cid);
	int rc = s->ops->message_put(s, conv, uid, dotted, it, &msg, &seq, &ts, &created, e);
	free(cid);
	free(dotted);
	if (rc < 0)
		return -1;
	if (s->ops->event_append(s, STORE_EV_MESSAGE, conv, msg, 0, woken, nwoken, e) < 0)
		return -1;
	if (seqp != NULL)
		*seqp = seq;
	if (tsp != NULL)
		*tsp = ts;
	return 0;
}

/* Frees a message's fields. */
void
store_message_free(struct store_message *m)
{
	free(m->conv);
	free(m->sender);
	free(m->body);
	free(m->kind);
	free(m->target_sender);
	free(m->op);
	free(m->users);
	*m = (struct store_message){0};
}

/* Orders message ids. */
static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Collects the ids of one sender's messages in conv that `held` lacks, at
 * most limit + 1: the complement of held within 1..last_seq, range by range.
 */
static int
sender_missing(struct store *s, int64_t conv, const struct store_sender *snd,
    const struct seqset *held, int limit, int64_t **ids, size_t *n, struct err *e)
{
	int64_t room = limit + 1;
	uint64_t next = 1;
	size_t ri = 0;
	while (room > 0 && next <= snd->last_seq) {
		uint64_t hi = snd->last_seq;
		if (held != NULL && ri < held->n) {
			const struct range *r = &held->r[ri];
			if (r->hi < next) {
				ri++;
				continue;
			}
			if (r->lo <= next) {
				next = r->hi + 1;
				ri++;
				continue;
			}
			if (r->lo - 1 < hi)
				hi = r->lo - 1;
		}
		size_t before = *n;
		if (s->ops->message_range(s, conv, snd->uid, next, hi, room, ids, n, e) < 0)
			return -1;
		room -= (int64_t)(*n - before);
		next = hi + 1;
	}
	return 0;
}

/*
 * The highest seq of snd in conv whose message id is at most `after` (0:
 * none): a sender's seqs and ids grow together, so a binary search of
 * point lookups finds it in O(log last_seq).
 */
static int
seq_upto(struct store *s, int64_t conv, const struct store_sender *snd, int64_t after,
    uint64_t *out, struct err *e)
{
	uint64_t lo = 0, hi = snd->last_seq;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;
		int64_t *ids = NULL;
		size_t n = 0;
		if (s->ops->message_range(s, conv, snd->uid, mid, mid, 1, &ids, &n, e) < 0)
			return -1;
		bool held = n > 0 && ids[0] <= after;
		free(ids);
		if (held)
			lo = mid;
		else
			hi = mid - 1;
	}
	*out = lo;
	return 0;
}

/*
 * What the caller holds of one sender: `have`'s row, plus (a continuation)
 * every message up to id q->after. *held points into have or at *tmp.
 */
static int
sender_held(struct store *s, const struct sync_req *q, const struct sync_conv *sc,
    const struct store_sender *snd, const struct seqset **held, struct seqset *tmp, struct err *e)
{
	*held = vector_get(&sc->have, snd->name);
	uint64_t upto = 0;
	if (q->after <= 0)
		return 0;
	if (seq_upto(s, sc->conv, snd, q->after, &upto, e) < 0)
		return -1;
	if (upto == 0)
		return 0;
	if (*held != NULL)
		seqset_copy(tmp, *held);
	seqset_add_range(tmp, 1, upto);
	*held = tmp;
	return 0;
}

/*
 * Appends the ids of one sender's newest messages in conv that `held`
 * lacks, above seq floor, at most room: the complement of held within
 * floor+1..last_seq, walked from the top down, one index range read per hole.
 */
static int
sender_newest(struct store *s, int64_t conv, const struct store_sender *snd,
    const struct seqset *held, uint64_t floor, int64_t room, int64_t **ids, size_t *n,
    struct err *e)
{
	uint64_t hi = snd->last_seq;
	size_t ri = held != NULL ? held->n : 0;
	while (room > 0 && hi > floor) {
		uint64_t lo = floor + 1;
		if (ri > 0) {
			const struct range *r = &held->r[ri - 1];
			if (r->lo > hi) {
				ri--;
				continue;
			}
			if (r->hi >= hi) {
				hi = r->lo - 1;
				ri--;
				continue;
			}
			if (r->hi + 1 > lo)
				lo = r->hi + 1;
		}
		if (hi - lo + 1 > (uint64_t)room)
			lo = hi - (uint64_t)room + 1;
		size_t before = *n;
		if (s->ops->message_range(s, conv, snd->uid, lo, hi, room, ids, n, e) < 0)
			return -1;
		room -= (int64_t)(*n - before);
		hi = lo - 1;
	}
	return 0;
}

/* Orders message ids, the newest first. */
static int
cmp_id_desc(const void *a, const void *b)
{
	return cmp_id(b, a);
}

/*
 * Appends to *ids the newest q->newest messages of sc missing from its
 * `have`; *older when it lacks more than that. Each sender is read only
 * above the (newest+1)-th newest id found so far (its ids grow with its
 * seqs), so the cost is O(newest + senders x log) index reads, whatever
 * the conversation holds.
 */
static int
conv_newest(struct store *s, const struct sync_req *q, const struct sync_conv *sc, int64_t **ids,
    size_t *n, bool *older, struct err *e)
{
	struct store_sender *snd;
	size_t ns;
	if (s->ops->conv_senders(s, sc->conv, &snd, &ns, e) < 0)
		return -1;
	size_t keep = (size_t)q->newest + 1;
	int64_t *cv = NULL;
	size_t cn = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < ns; i++) {
		uint64_t floor = 0;
		if (cn >= keep)
			rc = seq_upto(s, sc->conv, &snd[i], cv[keep - 1], &floor, e);
		if (rc == 0)
			rc = sender_newest(s, sc->conv, &snd[i], vector_get(&sc->have, snd[i].name),
			    floor, (int64_t)keep, &cv, &cn, e);
		if (rc == 0 && cn > 0) {
			qsort(cv, cn, sizeof(*cv), cmp_id_desc);
			if (cn > keep)
				cn = keep;
		}
	}
	store_senders_free(snd, ns);
	*older = rc == 0 && cn > (size_t)q->newest;
	for (size_t i = 0; rc == 0 && i < cn && i < (size_t)q->newest; i++)
		store_push_id(ids, n, cv[i]);
	free(cv);
	return rc;
}

/*
 * The newest-first selection: per conversation of the scope, its newest
 * q->newest messages missing from `have`, all in acceptance order; older[c]
 * when conversation c lacks more, *more when any does.
 */
static int
sync_newest_ids(struct store *s, const struct sync_req *q, int64_t **idsp, size_t *np, bool *more,
    bool *older, struct err *e)
{
	int64_t *ids = NULL;
	size_t n = 0;
	*more = false;
	for (size_t c = 0; c < q->n; c++) {
		if (conv_newest(s, q, &q->convs[c], &ids, &n, &older[c], e) < 0) {
			free(ids);
			return -1;
		}
		*more = *more || older[c];
	}
	if (n > 0)
		qsort(ids, n, sizeof(*ids), cmp_id);
	*idsp = ids;
	*np = n;
	return 0;
}

/*
 * The messages of the scope not in `have`: for each (conv, sender) the
 * complement of the held set within 1..last_seq is walked range by range,
 * keeping at most limit+1 per sender; the first `limit` of their union by
 * acceptance order are the answer.
 */
int
store_sync_ids(struct store *s, const struct sync_req *q, int64_t **idsp, size_t *np, bool *more,
    struct err *e)
{
	int64_t *ids = NULL;
	size_t n = 0;
	size_t keep = (size_t)q->limit + 1;
	/*
	 * Only the keep smallest ids can be in the answer: once that many are
	 * collected, a later sender is read only up to the keep-th smallest id
	 * (its ids grow with its seqs), not limit + 1 messages deep.
	 */
	int64_t bound = INT64_MAX;
	for (size_t c = 0; c < q->n; c++) {
		const struct sync_conv *sc = &q->convs[c];
		struct store_sender *snd;
		size_t ns;
		if (s->ops->conv_senders(s, sc->conv, &snd, &ns, e) < 0)
			goto fail;
		int rc = 0;
		for (size_t i = 0; rc == 0 && i < ns; i++) {
			const struct seqset *held;
			struct seqset tmp = {0};
			struct store_sender upto = snd[i];
			if (bound != INT64_MAX)
				rc = seq_upto(s, sc->conv, &snd[i], bound, &upto.last_seq, e);
			if (rc == 0)
				rc = sender_held(s, q, sc, &snd[i], &held, &tmp, e);
			if (rc == 0)
				rc =
				    sender_missing(s, sc->conv, &upto, held, q->limit, &ids, &n, e);
			seqset_free(&tmp);
			if (rc == 0 && n >= keep) {
				qsort(ids, n, sizeof(*ids), cmp_id);
				n = keep;
				bound = ids[keep - 1];
			}
		}
		store_senders_free(snd, ns);
		if (rc < 0)
			goto fail;
	}
	if (n > 0)
		qsort(ids, n, sizeof(*ids), cmp_id);
	*more = n > (size_t)q->limit;
	if (*more)
		n = (size_t)q->limit;
	*idsp = ids;
	*np = n;
	return 0;
fail:
	free(ids);
	return -1;
}

/* The sync answer: messages missing from `have`, `more`, and the scope's metadata. */
int
store_sync(struct store *s, const struct sync_req *q, struct sync_answer *out, struct err *e)
{
	int64_t *ids;
	size_t n;
	*out = (struct sync_answer){0};
	if (s->ops->read_begin(s, e) < 0)
		return -1;
	int rc;
	if (q->newest > 0) {
		out->older = xcalloc(q->n + 1, sizeof(*out->older));
		rc = sync_newest_ids(s, q, &ids, &n, &out->more, out->older, e);
	} else
		rc = store_sync_ids(s, q, &ids, &n, &out->more, e);
	if (rc < 0) {
		s->ops->read_end(s);
		store_sync_free(out);
		return -1;
	}
	out->msgs = xcalloc(n + 1, sizeof(*out->msgs));
	size_t bytes = 0;
	for (; out->nmsgs < n; out->nmsgs++) {
		struct store_message *m = &out->msgs[out->nmsgs];
		if (s->ops->message_get(s, ids[out->nmsgs], m, e) < 0)
			goto fail;
		bytes += m->bodylen;
		if (q->max_bytes > 0 && bytes > q->max_bytes && out->nmsgs > 0) {
			store_message_free(m);
			out->more = true;
			/* Which windows the cut shortened is not worked out: all may lack more. */
			for (size_t c = 0; out->older != NULL && c < q->n; c++)
				out->older[c] = true;
			break;
		}
	}
	out->last = out->nmsgs > 0 ? ids[out->nmsgs - 1] : 0;
	out->convs = xcalloc(q->n + 1, sizeof(*out->convs));
	for (; out->nconvs < q->n; out->nconvs++)
		if (s->ops->conv_get(s, q->convs[out->nconvs].conv, &out->convs[out->nconvs], e) <
		    0)
			goto fail;
	s->ops->read_end(s);
	free(ids);
	return 0;
fail:
	s->ops->read_end(s);
	free(ids);
	store_sync_free(out);
	return -1;
}

/* Frees a sync answer. */
void
store_sync_free(struct sync_answer *a)
{
	for (size_t i = 0; i < a->nmsgs; i++)
		store_message_free(&a->msgs[i]);
	free(a->msgs);
	store_convs_free(a->convs, a->nconvs);
	free(a->older);
	*a = (struct sync_answer){0};
}
