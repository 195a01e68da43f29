/*
 * The launch sync of natter (every start of the TUI, and `natter sync`):
 * merge from sync.db what the notifier received and history.db lacks (by
 * vector diff, no network), flush the outbox, compare each conversation's
 * digest with the server's, and fetch by vector only what is still missing,
 * looping while the server says `more`; what is fetched is written back to
 * sync.db.
 */
#ifndef NATTER_LAUNCH_H
#define NATTER_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "history.h"
#include "outbox.h"
#include "syncstore.h"

#define LAUNCH_SYNC_LIMIT 1000
/* Bytes of `have` per sync request, under the servers' 64 KiB request limit. */
#define LAUNCH_REQUEST_BUDGET (48 * 1024)

struct launch_report {
	uint64_t merged_from_store; /* messages copied from sync.db */
	uint64_t fetched_from_server; /* new messages received by /v1/sync */
	uint64_t bytes_received; /* wire bytes of every response, headers included */
	uint64_t duration_ms;
	uint64_t requests; /* HTTP attempts */
	size_t conversations; /* known to the server */
	size_t conversations_changed; /* whose digest differed */
	struct outbox_report outbox;
	uint64_t cursor; /* the events cursor of the last sync answer (0 if none) */
	bool offline; /* the server could not be reached: remote steps skipped */
};

/* Called after each batch (e.g. to show progress); may be NULL. */
typedef void (*launch_progress_fn)(void *arg, const struct launch_report *r);

/*
 * Runs the launch sequence. Returns 0, or -1 with e set; when the server is
 * unreachable, r->offline is true and e->kind is ERR_OFFLINE (the local steps
 * still ran). r is filled in either case.
 */
int launch_sync(struct client *c, struct history *h, struct syncstore *ss,
    launch_progress_fn progress, void *arg, struct launch_report *r, struct err *e);

/* Fetches by vector what history lacks of the conversations in ids. */
int launch_fetch(struct client *c, struct history *h, struct syncstore *ss, char *const *ids,
    size_t nids, launch_progress_fn progress, void *arg, struct launch_report *r, struct err *e);

#endif
