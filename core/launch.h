/*
 * The launch sync of natter (every start of the TUI, and `natter sync`):
 * merge from sync.db what the notifier received and history.db lacks (by
 * vector diff, no network), flush the outbox, ask the server what changed
 * since the last complete launch (GET /v1/changes; a server without it
 * lists every conversation instead), compare the digests of those
 * conversations with the local ones, and fetch by vector only what is
 * still missing, following the server's continuation while it says `more`;
 * what is fetched is written back to sync.db.
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
/* The limit of the later rounds of a download (servers may send fewer). */
#define LAUNCH_FOLLOW_LIMIT 5000
/* Bytes of `have` per sync request, under the servers' 64 KiB request limit. */
#define LAUNCH_REQUEST_BUDGET (48 * 1024)
/* A newest-first request asks at most this many messages (newest x its conversations). */
#define LAUNCH_NEWEST_TOTAL 5000
/* The largest `newest` servers take (natter sync --recent N). */
#define LAUNCH_RECENT_MAX 1000
/*
 * The window of each conversation the interface asks first on a new device:
 * LAUNCH_FIRST_TOTAL messages shared by them all (one request of about
 * 100 KB for 100 conversations), each at most LAUNCH_FIRST_WINDOW and at
 * least LAUNCH_FIRST_MIN (about a screenful).
 */
#define LAUNCH_FIRST_WINDOW 200
#define LAUNCH_FIRST_MIN 20
#define LAUNCH_FIRST_TOTAL 2000
/* The window a PageUp asks for during the background fill. */
#define LAUNCH_OLDER_WINDOW 500
/* Conversations per round of the background fill (LAUNCH_NEWEST_TOTAL shared among them). */
#define LAUNCH_FILL_GROUP 10

struct launch_report {
	uint64_t merged_from_store; /* messages copied from sync.db */
	uint64_t fetched_from_server; /* new messages received by /v1/sync */
	uint64_t bytes_received; /* wire bytes of every response, headers included */
	uint64_t bytes_sent; /* wire bytes of every request, headers included */
	uint64_t duration_ms;
	uint64_t requests; /* HTTP attempts */
	size_t conversations; /* known to the server (after a changes launch: held here) */
	size_t conversations_changed; /* whose digest differed */
	struct outbox_report outbox;
	size_t reads_sent; /* conversations whose queued read marks were delivered */
	/*
	 * Where events may start: the cursor of the changes answer, or with a
	 * server without changes the last sync answer's (0 if none).
	 */
	uint64_t cursor;
	bool offline; /* the server could not be reached: remote steps skipped */
	bool filling; /* the newest windows are in; older history is being fetched */
	bool incomplete; /* only the newest windows were asked for (opts.recent_only) */
	/* The server epoch changed (a restore or a reset): the words for the user, or "". */
	char notice[512];
	uint64_t lost; /* messages held here that the server lost, marked now */
};

/* Called after each batch (e.g. to show progress); may be NULL. */
typedef void (*launch_progress_fn)(void *arg, const struct launch_report *r);

/* How a launch runs; every field may be 0 / NULL. */
struct launch_opts {
	launch_progress_fn progress;
	void *arg; /* for progress and yield */
	/*
	 * > 0: the conversations of which nothing is held (all, before the
	 * first complete launch) come newest first: their newest `newest`
	 * messages each (fewer, down to LAUNCH_FIRST_MIN, so that one small
	 * request holds many conversations), then their older history,
	 * newest first too, in rounds between which o->yield is asked.
	 */
	int newest;
	/* Ask every differing conversation's newest window only, and stop (natter sync --recent). */
	bool recent_only;
	/*
	 * Called before every round of the background fill: the conversation
	 * whose older messages the user is waiting for (allocated; its next
	 * window then comes first), or NULL.
	 */
	char *(*yield)(void *arg);
};

/*
 * Runs the launch sequence. Returns 0, or -1 with e set; when the server is
 * unreachable, r->offline is true and e->kind is ERR_OFFLINE (the local steps
 * still ran). r is filled in either case.
 */
int launch_sync(struct client *c, struct history *h, struct syncstore *ss,
    const struct launch_opts *o, struct launch_report *r, struct err *e);

/*
 * launch-epoch.c: history.db (and sync.db when it was at the same epoch)
 * move to the server's epoch `now`: nothing when it is the one recorded (or
 * either is unknown); else the bases asked (GET /v1/epoch, or all 0 for
 * another database), what the server lost kept and marked, r->notice and
 * r->lost set, *changed true.
 */
int launch_epoch(struct client *c, struct history *h, struct syncstore *ss, const struct epoch *now,
    struct launch_report *r, bool *changed, struct err *e);

/*
 * The safety net of launch-epoch.c: a conversation of the changes answer
 * whose digest still differs after the fetch is asked for its vector; a
 * sender of whom history holds a seq above the server's last is handled as
 * a restore of the same epoch (bases: the server's last seqs).
 */
int launch_lower_check(struct client *c, struct history *h, struct syncstore *ss,
    const struct changes_reply *cr, struct launch_report *r, struct err *e);

/* Fetches by vector what history lacks of the conversations in ids (o may be NULL). */
int launch_fetch(struct client *c, struct history *h, struct syncstore *ss, char *const *ids,
    size_t nids, const struct launch_opts *o, struct launch_report *r, struct err *e);

#endif
