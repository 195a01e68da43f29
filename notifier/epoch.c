/*
 * The notifier and the server epoch (docs/protocol.md, "Server epoch"):
 * when an events answer comes from another generation of the server's
 * database (a restore) or another database (a reset), sync.db keeps and
 * marks what the server lost, lowers its vectors and ledger to what the
 * server kept, and the events resume where the new generation began.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notifyd.h"

/* The bases after generation since, from GET /v1/epoch: 0, or 1 to try again later. */
static int
get_bases(struct notifyd *d, int64_t since, struct epoch_bases *b, struct err *e)
{
	char *path = xasprintf("/v1/epoch?since=%lld", (long long)since);
	struct http_response r;
	int rc = http_request(&d->http, "GET", path, NULL, 30000, &r, e);
	free(path);
	if (rc == 0 && r.status != 200)
		rc = err_set(
		    e, ERR_OFFLINE, "%s answered HTTP %ld to GET /v1/epoch", d->url, r.status);
	if (rc == 0)
		rc = epoch_parse_bases(r.body.data, r.body.len, b, NULL, e);
	http_response_free(&r);
	return rc < 0 ? 1 : 0;
}

/* Moves sync.db to the epoch of an answer: 0 same, 1 moved (*cursor: resume there), 2 retry, -1. */
int
listen_epoch(struct notifyd *d, const struct epoch *now, uint64_t answer_cursor, int64_t *cursor,
    struct err *e)
{
	struct epoch held;
	if (!now->known || syncstore_epoch_get(&d->store, &held, e) < 0)
		return now->known ? -1 : 0;
	if (!held.known)
		return syncstore_epoch_set(&d->store, now, e) < 0 ? -1 : 0;
	enum epoch_change ch = epoch_compare(&held, now);
	if (ch == EPOCH_SAME)
		return 0;
	struct epoch_bases b = {.reset = ch == EPOCH_RESET};
	struct err be = {0};
	if (ch == EPOCH_RESTORED && get_bases(d, held.generation, &b, &be) != 0) {
		fprintf(stderr, "natter-notifyd: %s; retrying\n", be.msg);
		return 2;
	}
	uint64_t lost = 0;
	int rc = syncstore_epoch_apply(&d->store, &b, now, &lost, e);
	/*
	 * A restore: the events of the new generation follow its first cursor.
	 * Another database: from now on, as at a first start.
	 */
	*cursor = ch == EPOCH_RESTORED ? (int64_t)b.cursor : (int64_t)answer_cursor;
	epoch_bases_free(&b);
	if (rc < 0 || syncstore_set_cursor(&d->store, d->origin, *cursor, e) < 0)
		return -1;
	char *text = epoch_notice(d->url, ch, lost);
	fprintf(stderr, "natter-notifyd: %s\n", text);
	free(text);
	return 1;
}
