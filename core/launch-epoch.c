/* The launch after a server restore or reset: history.db and sync.db move to the new epoch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch.h"

/* Moves history.db (and sync.db if it was at the same epoch) to the server's epoch now. */
int
launch_epoch(struct client *c, struct history *h, struct syncstore *ss, const struct epoch *now,
    struct launch_report *r, bool *changed, struct err *e)
{
	*changed = false;
	struct epoch held, sheld = {0};
	if (!now->known || history_epoch_get(h, &held, e) < 0)
		return now->known ? -1 : 0;
	if (!held.known)
		return history_epoch_set(h, now, e);
	enum epoch_change ch = epoch_compare(&held, now);
	if (ch == EPOCH_SAME)
		return 0;
	struct epoch_bases b = {.reset = ch == EPOCH_RESET};
	if (ch == EPOCH_RESTORED && client_epoch(c, held.generation, &b, e) < 0)
		return -1;
	/*
	 * sync.db moves with history.db when it was at the same epoch, or at
	 * none (no notifier yet: what it holds natter wrote back, of history's).
	 */
	struct err se = {0};
	bool same_ss = ss != NULL && syncstore_epoch_get(ss, &sheld, &se) == 0 &&
	    epoch_compare(&sheld, &held) == EPOCH_SAME;
	uint64_t lost = 0, slost = 0;
	int rc = history_epoch_apply(h, &b, now, &lost, e);
	/* The notifier had not moved either: its store moves with history's. */
	if (rc == 0 && same_ss)
		syncstore_epoch_apply(ss, &b, now, &slost, NULL);
	epoch_bases_free(&b);
	if (rc < 0)
		return -1;
	char *text = epoch_notice(c->server, ch, lost);
	snprintf(r->notice, sizeof(r->notice), "%s", text);
	free(text);
	r->lost = lost;
	*changed = true;
	return 0;
}

/* The highest seq of a set (0: empty). */
static uint64_t
set_hi(const struct seqset *s)
{
	return s != NULL && s->n > 0 ? s->r[s->n - 1].hi : 0;
}

/* Bases for conv where history holds more than the server's vector sv: 0 none, 1 some. */
static int
lowered(
    const char *conv, const struct vector *held, const struct vector *sv, struct epoch_conv *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < held->n; i++) {
		uint64_t hi = set_hi(&held->rows[i].set);
		uint64_t shi = set_hi(vector_get(sv, held->rows[i].sender));
		if (hi <= shi)
			continue;
		out->senders = xreallocarray(out->senders, out->n + 1, sizeof(*out->senders));
		out->bases = xreallocarray(out->bases, out->n + 1, sizeof(*out->bases));
		out->senders[out->n] = xstrdup(held->rows[i].sender);
		out->bases[out->n++] = shi;
	}
	if (out->n == 0)
		return 0;
	out->id = xstrdup(conv);
	return 1;
}

/* Conversations whose digest still differs: a server below what is held lost it. */
int
launch_lower_check(struct client *c, struct history *h, struct syncstore *ss,
    const struct changes_reply *cr, struct launch_report *r, struct err *e)
{
	struct epoch held;
	if (history_epoch_get(h, &held, e) < 0)
		return -1;
	struct epoch_bases b = {0};
	for (size_t i = 0; i < cr->nconvs; i++) {
		const struct conversation *cv = &cr->convs[i];
		if (cv->digest[0] == '\0')
			continue;
		struct vector v;
		char d[DIGEST_HEXLEN + 1];
		if (history_vector(h, cv->id, &v, e) < 0) {
			epoch_bases_free(&b);
			return -1;
		}
		vector_digest(&v, d);
		struct conversation sc;
		struct err ce = {0};
		if (strcmp(d, cv->digest) == 0 || client_conversation(c, cv->id, &sc, &ce) < 0) {
			vector_free(&v);
			continue;
		}
		struct epoch_conv ec;
		/* An invited or departed reader is shown an empty vector: members only. */
		bool member = !sc.has_state || sc.state == CONV_MEMBER;
		if (member && sc.has_vector && lowered(cv->id, &v, &sc.vector, &ec)) {
			b.convs = xreallocarray(b.convs, b.n + 1, sizeof(*b.convs));
			b.convs[b.n++] = ec;
		}
		conversation_free(&sc);
		vector_free(&v);
	}
	if (b.n == 0)
		return 0;
	/* epoch_base looks conversations up by id. */
	for (size_t i = 1; i < b.n; i++)
		for (size_t j = i; j > 0 && strcmp(b.convs[j - 1].id, b.convs[j].id) > 0; j--) {
			struct epoch_conv t = b.convs[j];
			b.convs[j] = b.convs[j - 1];
			b.convs[j - 1] = t;
		}
	struct epoch sheld = {0};
	struct err se = {0};
	bool same_ss = ss != NULL && syncstore_epoch_get(ss, &sheld, &se) == 0 &&
	    epoch_compare(&sheld, &held) == EPOCH_SAME;
	uint64_t lost = 0, slost = 0;
	int rc = history_epoch_apply(h, &b, &held, &lost, e);
	if (rc == 0 && same_ss)
		syncstore_epoch_apply(ss, &b, &held, &slost, NULL);
	epoch_bases_free(&b);
	if (rc < 0)
		return -1;
	if (lost > 0) {
		snprintf(r->notice, sizeof(r->notice),
		    "The server at %s no longer has %llu message%s this device holds (its "
		    "database was probably restored from a backup without saying so); %s kept and "
		    "marked.",
		    c->server, (unsigned long long)lost, lost == 1 ? "" : "s",
		    lost == 1 ? "it is" : "they are");
		r->lost += lost;
	}
	return 0;
}
