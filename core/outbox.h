/*
 * Delivering the outbox: queued sends are posted in order with their
 * client_id (the server deduplicates by it, so a resend after a lost answer
 * stores nothing twice); acknowledged ones move into history.
 */
#ifndef NATTER_OUTBOX_H
#define NATTER_OUTBOX_H

#include "history.h"

struct client;

enum outbox_state { OUTBOX_QUEUED, OUTBOX_SENT, OUTBOX_DROPPED };

struct outbox_report {
	size_t sent; /* acknowledged and moved into history */
	size_t queued; /* still waiting (server unreachable) */
	size_t dropped; /* refused for good (e.g. not a member): removed, see first_drop */
	struct err first_drop;
	/* The fate of one item the caller watches (watch_id), e.g. the send just made. */
	int64_t watch_id;
	enum outbox_state watch_state;
	struct err watch_err;
};

/*
 * Posts every queued send in order. Stops at the first one the server cannot
 * take now (unreachable, overloaded, login refused): it and the rest stay
 * queued and -1 is returned with e set. A send refused for good (404, 413,
 * 400) is removed and counted as dropped; the others go on. r->watch_id is
 * read (0 for none) and r->watch_state set.
 */
int outbox_flush(struct client *c, struct history *h, struct outbox_report *r, struct err *e);

#endif
