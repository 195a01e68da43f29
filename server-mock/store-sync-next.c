/*
 * The server's store: sync continuations. A continuation remembers the
 * first request of a chain (its have and scope, as text the routes wrote);
 * each answer's token adds the id of its last message, so the chain needs
 * nothing else (see store_sync_ids).
 */
#include <stdlib.h>

#include "store.h"

/* Starts a chain: a fresh random id, and the expired chains deleted. */
int
store_continuation_new(
    struct store *s, int64_t uid, const char *have, const char *scope, char **id, struct err *e)
{
	int64_t now = now_ms();
	if (s->ops->continuation_expire(s, now - STORE_CONTINUATION_TTL, e) < 0)
		return -1;
	*id = random_hex(16);
	if (s->ops->continuation_put(s, *id, uid, now, have, scope, e) < 0) {
		free(*id);
		*id = NULL;
		return -1;
	}
	return 0;
}

/* Finds a chain of uid and renews its life. */
int
store_continuation_get(
    struct store *s, const char *id, int64_t uid, char **have, char **scope, struct err *e)
{
	int64_t owner, used, now = now_ms();
	int rc = s->ops->continuation_get(s, id, &owner, &used, have, scope, e);
	if (rc != 0)
		return rc;
	if (used < now - STORE_CONTINUATION_TTL)
		rc = 1;
	else if (owner != uid)
		rc = 2;
	else if (s->ops->continuation_put(s, id, uid, now, *have, *scope, e) < 0)
		rc = -1;
	if (rc != 0) {
		free(*have);
		free(*scope);
		*have = *scope = NULL;
	}
	return rc;
}
