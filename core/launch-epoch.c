/* The launch after a server restore or reset: history.db and sync.db move to the new epoch. */
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
