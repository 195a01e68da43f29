/*
 * The server's store: users and tokens, conversations, messages and the
 * sync selection, the event log. Callers (routes.c, demo.c) use the
 * store_* functions; they return plain structs, and routes.c with render.c
 * turns them into JSON. No JSON is known here.
 *
 * Two layers:
 *  - store.c, store-user.c, store-conv.c, store-message.c, store-event.c,
 *    store-changes.c, store-sync-next.c: what each request does (which
 *    operations, in which transaction), the same for every backend;
 *  - a backend: a `struct store_ops` table of small operations on one
 *    database. store-sqlite*.c is the one backend today (a file named by -d,
 *    or memory) and store-pg*.c the other ("-d postgresql://..."); store_open
 *    picks the backend from what -d names.
 *
 * Every function returns 0 on success or -1 with e filled, unless its
 * comment says more (1 for "not found" or "taken"). Ids called `uid`,
 * `conv` and `msg` are the backend's internal row ids (positive int64);
 * only a conversation's public id (`id`, text) leaves the server.
 */
#ifndef NATTER_SERVER_STORE_H
#define NATTER_SERVER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "vector.h"

/* Where a user stands in a conversation (members.state). */
enum member_state { MEMBER_IN = 0, MEMBER_INVITED = 1, MEMBER_GONE = 2 };
/* What a member may do: add and remove others when admin or creator. */
enum member_role { ROLE_MEMBER = 0, ROLE_ADMIN = 1, ROLE_CREATOR = 2 };

/*
 * One user with a row in a conversation and the highest seq it has sent
 * (0: none). Only MEMBER_IN ones are members; the others' messages stay.
 */
struct store_member {
	char *name;
	uint64_t last_seq;
	enum member_state state;
	enum member_role role;
};

/* A conversation: public id, title, creation time (ms), members by name. */
struct store_conv {
	char *id;
	char *title;
	int64_t created;
	struct store_member *members; /* ordered by name */
	size_t nmembers;
	bool direct; /* a two-person conversation of POST /v1/direct */
	/* The viewer's side, filled by store_conv_view: invited (by inviter), or a member. */
	enum member_state viewer;
	char *inviter;
};

/*
 * A message (an item: docs/protocol.md, "Items") as delivered. body is NULL
 * when the item has none (a delete, a member change, erased text) and in
 * the answer to a send (receipt true).
 */
struct store_message {
	char *conv; /* public id */
	char *sender;
	uint64_t seq;
	int64_t ts; /* ms since the epoch, when it was stored */
	char *body;
	size_t bodylen;
	char *kind; /* NULL: a text message; else "edit", "delete", "react", "member", "title" */
	char *target_sender; /* the item it acts on (a reply's target), or NULL */
	uint64_t target_seq;
	bool action; /* a message that is an action (/me) */
	bool remove; /* a react that takes the reaction back */
	char *op; /* a member item's operation */
	char *users; /* a member item's users, separated by single spaces */
	bool deleted; /* its text was erased by a delete */
	bool receipt; /* the answer to a send: conv, sender, seq and ts only */
};

/* What a new item holds besides its sender and conversation (store_send_item). */
struct store_item {
	const char *kind; /* NULL or "message", "edit", "delete", "react", "member", "title" */
	const char *body; /* NULL: none */
	size_t bodylen;
	const char *target_sender; /* NULL: none */
	uint64_t target_seq;
	bool action, remove;
	const char *op; /* member items */
	const char *users; /* member items: names separated by single spaces */
};

/* Why store_send_item refused an item (its checks on the target). */
enum store_refusal {
	STORE_OK = 0,
	STORE_NO_TARGET, /* the target is no message of the conversation (404) */
	STORE_NOT_YOURS, /* an edit or delete of another sender's message (403) */
	STORE_DELETED, /* an edit or reaction of a deleted message (409) */
};

enum store_event_type { STORE_EV_MESSAGE = 1, STORE_EV_CONVERSATION = 2, STORE_EV_READ = 3 };

/* A read mark: the reader has read sender's messages up to seq (read state). */
struct store_mark {
	char *sender;
	uint64_t seq;
};
/* A reader's marks in one conversation, by sender name. */
struct store_marks {
	struct store_mark *v;
	size_t n;
};

/* One event of a user's log: a new message, a conversation joined, a read mark moved. */
struct store_event {
	uint64_t cursor;
	enum store_event_type type;
	struct store_message msg; /* STORE_EV_MESSAGE */
	struct store_conv conv; /* STORE_EV_CONVERSATION, STORE_EV_READ (its id) */
	struct store_marks read; /* STORE_EV_READ: the reader's marks now */
};

/* A sender of a conversation as the sync selection needs it (last_seq > 0). */
struct store_sender {
	int64_t uid;
	char *name;
	uint64_t last_seq;
};

/* An event as the log holds it: what it refers to, not yet loaded. */
struct store_event_ref {
	uint64_t cursor;
	enum store_event_type type;
	int64_t conv;
	int64_t msg; /* 0 for a conversation event */
};

/* A conversation in which something happened for a user (GET /v1/changes). */
struct store_change {
	int64_t conv;
	uint64_t cursor; /* of the latest such event */
	bool joined; /* the user was made a member: metadata is sent */
};

/* A sender's base in a conversation: the seq it held when a generation began. */
struct store_base {
	char *conv; /* public id */
	char *sender;
	uint64_t base;
};

/* The epoch of a server database: its identity and generation (docs/protocol.md). */
struct store_epoch {
	char server[33]; /* 32 lowercase hex digits */
	int64_t generation; /* 1 at creation, one more at each restore */
	uint64_t cursor; /* the event cursor when this generation began (0 for the first) */
};

struct store;

/*
 * A wake-up from another server process: these users have news, or (all)
 * everyone may have, when the list was too long to tell.
 */
typedef void (*store_wake_fn)(const int64_t *uids, size_t n, bool all);

/*
 * A backend. Every operation works inside the caller's transaction when one
 * is open (begin .. commit/rollback), else on its own (autocommit). The
 * guarantees below are what the layer above relies on; a second backend
 * (PostgreSQL, several server processes on one database) must keep them.
 *
 * Each request thread has its own connection (open_more); a connection
 * is used by one thread at a time. Writes of more than one operation run
 * in a transaction: creating a conversation (store-conv.c) and sending a
 * message (store-message.c); writers take turns. The several reads of one
 * sync, long-poll or changes answer run in a read snapshot (read_begin ..
 * read_end) so that they see one state while other threads write.
 * Continuations are rows of their own (id, user, last use, have and scope
 * as opaque text), so any server process may continue any chain.
 *
 * Text is UTF-8 and compared bytewise: "ordered by name" is byte order
 * (SQLite's BINARY; PostgreSQL needs COLLATE "C"), and the digest of a
 * conversation depends on it. Allocated results are freed by the caller
 * with free() or the store_*_free functions below.
 */
struct store_ops {
	/*
	 * Opens (creating and migrating the schema) the database `target`
	 * (NULL: a private in-memory one, if the backend can). `retention` is
	 * how many events each user keeps (see event_append).
	 */
	int (*open)(struct store **sp, const char *target, int retention, struct err *e);
	/*
	 * Another connection to the database of `primary` (memory included),
	 * for another thread: it sees every commit of the others, and shares
	 * their write turns and cursor. Closed with close, in any order.
	 */
	int (*open_more)(struct store *primary, struct store **sp, struct err *e);
	void (*close)(struct store *s);
	/*
	 * A write transaction: everything between begin and commit is atomic
	 * and isolated from other writers (SQLite: BEGIN IMMEDIATE; PostgreSQL:
	 * the lock of one counters row, taken by every process's writers, see
	 * store-pg.c). rollback never fails. Not nested.
	 */
	int (*begin)(struct store *s, struct err *e);
	int (*commit)(struct store *s, struct err *e);
	void (*rollback)(struct store *s);
	/*
	 * A read snapshot: the reads between read_begin and read_end see the
	 * database as of one moment, including every commit that ended
	 * before read_begin (SQLite: BEGIN; PostgreSQL: REPEATABLE READ
	 * READ ONLY). No writes inside; read_end never fails.
	 */
	int (*read_begin)(struct store *s, struct err *e);
	void (*read_end)(struct store *s);

	/* Users and tokens. */
	/* 0 created (*uid set), 1 the name is taken, -1. Names are unique. */
	int (*user_create)(
	    struct store *s, const char *name, const char *pwhash, int64_t *uid, struct err *e);
	/* 0 found (*uid, and *pwhash allocated when pwhash != NULL), 1 unknown, -1. */
	int (*user_find)(
	    struct store *s, const char *name, int64_t *uid, char **pwhash, struct err *e);
	int (*user_set_password)(struct store *s, int64_t uid, const char *pwhash, struct err *e);
	/* Records a token by its SHA-256; the token itself is never stored. */
	int (*token_add)(struct store *s, int64_t uid, const unsigned char hash[32], struct err *e);
	/* Forgets a token hash (absent is not an error). */
	int (*token_revoke)(struct store *s, const unsigned char hash[32], struct err *e);

	/* Accounts (docs/protocol.md, "Accounts"). */
	/*
	 * The user of a token hash (name allocated), *used the token's last
	 * use (ms), *disabled the user's state: 0, 1 unknown or revoked, -1.
	 * The hash is compared in constant time. Every backend has it: it is
	 * how a request is authenticated.
	 */
	int (*token_get)(struct store *s, const unsigned char hash[32], int64_t *uid, char **name,
	    int64_t *used, bool *disabled, struct err *e);
	/* Sets a token's last use to now (ms); absent is not an error. */
	int (*token_touch)(
	    struct store *s, const unsigned char hash[32], int64_t now, struct err *e);
	/* Revokes every token of uid except keep (NULL: all); *n (may be NULL) how many went. */
	int (*token_revoke_user)(
	    struct store *s, int64_t uid, const unsigned char *keep, int64_t *n, struct err *e);
	/* Revokes uid's tokens beyond the `keep` most recently used (ties: newer kept). */
	int (*token_trim)(struct store *s, int64_t uid, int keep, struct err *e);
	/* A user whose name has skeleton skel: 0 (*name allocated, the oldest), 1 none, -1. Indexed. */
	int (*user_by_skeleton)(struct store *s, const char *skel, char **name, struct err *e);
	/* Sets uid's name skeleton. */
	int (*user_set_skeleton)(struct store *s, int64_t uid, const char *skel, struct err *e);
	/* Users with no skeleton yet (made before it existed): ids and names (allocated). */
	int (*users_unskeletoned)(
	    struct store *s, int64_t **uids, char ***names, size_t *n, struct err *e);
	/* Whether uid's account is disabled. */
	int (*user_disabled)(struct store *s, int64_t uid, bool *disabled, struct err *e);
	int (*user_set_disabled)(struct store *s, int64_t uid, bool disabled, struct err *e);

	/* Conversations. */
	/* Inserts a conversation: 0 (*conv set), 1 the public id is taken, -1. */
	int (*conv_insert)(
	    struct store *s, const char *id, const char *title, int64_t *conv, struct err *e);
	/* Makes uid a member (last_seq 0); *added false when it already was. */
	int (*member_add)(struct store *s, int64_t conv, int64_t uid, bool *added, struct err *e);
	/* The conversation with public id `id` when uid is a member: 0, 1 not, -1. */
	int (*conv_member)(
	    struct store *s, int64_t uid, const char *id, int64_t *conv, struct err *e);
	/* The conversations of uid (allocated), by internal id ascending (oldest first). */
	int (*conv_ids)(struct store *s, int64_t uid, int64_t **ids, size_t *n, struct err *e);
	/*
	 * Fills *out (to free with store_conv_free): the conversation with its
	 * members ordered by name and each member's last_seq as of this read.
	 */
	int (*conv_get)(struct store *s, int64_t conv, struct store_conv *out, struct err *e);
	/* The members of conv that have sent at least one message (allocated). */
	int (*conv_senders)(
	    struct store *s, int64_t conv, struct store_sender **out, size_t *n, struct err *e);

	/* Messages. */
	/*
	 * Stores a message of uid (a member) in conv, idempotently: when uid
	 * already sent client_id in conv, nothing is written and *created is
	 * false, with that message's id, seq and ts. Else seq is the member's
	 * last_seq + 1 (allocated atomically with the insert: per sender, seqs
	 * are 1, 2, 3... with no gap and no repeat even with concurrent
	 * writers), ts is now, *msg the new row's id and *created true. Not a
	 * member: -1. Message ids grow in acceptance order (the order of sync
	 * answers).
	 */
	int (*message_put)(struct store *s, int64_t conv, int64_t uid, const char *client_id,
	    const struct store_item *it, int64_t *msg, uint64_t *seq, int64_t *ts, bool *created,
	    struct err *e);
	/*
	 * The message (sender, seq) of conv: 0 found (its sender's id, *kind
	 * allocated, NULL for a text message; *deleted), 1 none, -1.
	 */
	int (*message_find)(struct store *s, int64_t conv, const char *sender, uint64_t seq,
	    int64_t *sender_uid, char **kind, bool *deleted, struct err *e);
	/* The id of uid's message with client_id in conv: 0 (*msg), 1 none, -1. */
	int (*message_by_client)(struct store *s, int64_t conv, int64_t uid, const char *client_id,
	    int64_t *msg, struct err *e);
	/*
	 * Erases (secure_delete) the text of message (sender, seq) of conv and
	 * of every edit of it, and marks them deleted; in the caller's
	 * transaction.
	 */
	int (*message_erase)(
	    struct store *s, int64_t conv, const char *sender, uint64_t seq, struct err *e);
	/* After a commit that erased text: no copy left in a journal (WAL checkpoint). */
	void (*scrub)(struct store *s);
	/*
	 * Appends to *ids (growing *n) the ids of sender's messages in conv
	 * with seq in lo..hi, by seq, at most limit of them.
	 */
	int (*message_range)(struct store *s, int64_t conv, int64_t sender, uint64_t lo,
	    uint64_t hi, int64_t limit, int64_t **ids, size_t *n, struct err *e);
	/* Fills *out (to free with store_message_free), body included. */
	int (*message_get)(struct store *s, int64_t msg, struct store_message *out, struct err *e);

	/* Events. */
	/*
	 * Appends an event (msg 0 for a conversation event) to the log, with
	 * the next cursor (cursors only grow), and delivers it to `only` when
	 * > 0, else to every member of conv; *woken (allocated, when woken is
	 * not NULL) gets the users it was delivered to. Each user keeps the
	 * last `retention` events; older ones are dropped and the user's
	 * dropped cursor raised to the newest dropped, so a reader behind it
	 * is told of the gap. Runs in a write transaction, and `cursor`
	 * gives the new cursor once it commits. Several processes: the cursor
	 * is allocated by the database, and waking other processes is the
	 * backend's job.
	 */
	int (*event_append)(struct store *s, enum store_event_type type, int64_t conv, int64_t msg,
	    int64_t only, int64_t **woken, size_t *nwoken, struct err *e);
	/*
	 * uid's retained events with cursor > after, oldest first, at most
	 * limit (allocated), and the newest cursor dropped from uid's log.
	 */
	int (*event_list)(struct store *s, int64_t uid, uint64_t after, size_t limit,
	    struct store_event_ref **out, size_t *n, uint64_t *dropped, struct err *e);
	/*
	 * The newest committed cursor of the whole log (0 when empty): every
	 * event up to it is visible to a read snapshot begun afterwards.
	 * SQLite keeps it in memory (this process wrote every event); with
	 * several processes it is read from the database or kept from their
	 * notifications.
	 */
	uint64_t (*cursor)(struct store *s);

	/* Changes (GET /v1/changes). */
	/*
	 * From uid's retained events: the conversations with an event of uid
	 * after `since`, once each, with the cursor of the latest and whether
	 * one was a conversation event (joined), ordered by that cursor
	 * (allocated); and uid's dropped cursor as event_list gives it. Cost:
	 * O(events of uid after since); none is one index probe.
	 */
	int (*changes_inbox)(struct store *s, int64_t uid, uint64_t since,
	    struct store_change **out, size_t *n, uint64_t *dropped, struct err *e);
	/*
	 * The same from the whole log, for when uid's retained events no
	 * longer reach back to `since`: each conversation of uid whose latest
	 * event (of any member) is after since, joined when a conversation
	 * event of it is after since, ordered by that cursor. Cost: one index
	 * probe per conversation of uid (SQLite: events(conv, cursor)).
	 */
	int (*changes_log)(struct store *s, int64_t uid, uint64_t since, struct store_change **out,
	    size_t *n, struct err *e);

	/* Sync continuations (POST /v1/sync with "next"). */
	/*
	 * Records continuation `id` of uid with the first request's have and
	 * scope (text the store does not read), used at `now` (ms); when id
	 * exists, only its use time is refreshed.
	 */
	int (*continuation_put)(struct store *s, const char *id, int64_t uid, int64_t now,
	    const char *have, const char *scope, struct err *e);
	/* Continuation id: 0 found (*uid, *used; have and scope allocated), 1 unknown, -1. */
	int (*continuation_get)(struct store *s, const char *id, int64_t *uid, int64_t *used,
	    char **have, char **scope, struct err *e);
	/* Deletes the continuations not used since `before` (ms). */
	int (*continuation_expire)(struct store *s, int64_t before, struct err *e);

	/* Read state. */
	/* uid's read marks in conv, by sender name, marks above 0 only (allocated). */
	int (*read_get)(
	    struct store *s, int64_t uid, int64_t conv, struct store_marks *out, struct err *e);
	/*
	 * Raises uid's mark of sender in conv to seq; *moved false when it was
	 * already at least seq (marks never go down).
	 */
	int (*read_raise)(struct store *s, int64_t uid, int64_t conv, int64_t sender, uint64_t seq,
	    bool *moved, struct err *e);

	/* Membership (store-member.c). */
	/* uid's row in conv: 0 (state, role, inviter's name or "" allocated), 1 none, -1. */
	int (*member_get)(struct store *s, int64_t conv, int64_t uid, int *state, int *role,
	    char **inviter, struct err *e);
	/* Creates or overwrites uid's row in conv (inviter 0: none); last_seq is kept. */
	int (*member_set)(struct store *s, int64_t conv, int64_t uid, int state, int role,
	    int64_t inviter, struct err *e);
	/* Any conversation by public id, member or not: 0, 1 none, -1. */
	int (*conv_find)(struct store *s, const char *id, int64_t *conv, struct err *e);
	int (*conv_title_set)(struct store *s, int64_t conv, const char *title, struct err *e);
	/* The direct conversation of a pair key (unique): 0, 1 none, -1. */
	int (*conv_direct_get)(struct store *s, const char *key, int64_t *conv, struct err *e);
	int (*conv_direct_set)(struct store *s, int64_t conv, const char *key, struct err *e);
	/* Whether b is a member (accepted) of a conversation other than except that a is in. */
	int (*shared)(
	    struct store *s, int64_t a, int64_t b, int64_t except, bool *yes, struct err *e);
	/* Whether uid blocked other. */
	int (*block_get)(struct store *s, int64_t uid, int64_t other, bool *yes, struct err *e);
	int (*block_set)(struct store *s, int64_t uid, int64_t other, bool on, struct err *e);
	/* The names uid blocked, bytewise (allocated array of allocated names). */
	int (*block_list)(struct store *s, int64_t uid, char ***names, size_t *n, struct err *e);
	/* The conversations to which inviter invited uid, not yet accepted (allocated). */
	int (*invites_from)(struct store *s, int64_t uid, int64_t inviter, int64_t **convs,
	    size_t *n, struct err *e);

	/*
	 * Delivers the wake-ups of other server processes on this database to
	 * fn, from a thread of the backend, until the last connection closes.
	 * NULL in a backend that one process owns (SQLite).
	 */
	int (*listen)(struct store *s, store_wake_fn fn, struct err *e);

	/* Server settings (the demo's ids): 0 found (allocated), 1 absent, -1. */
	int (*meta_get)(struct store *s, const char *key, char **value, struct err *e);
	int (*meta_set)(struct store *s, const char *key, const char *value, struct err *e);

	/* The server epoch (store-epoch.c, docs/protocol.md "Server epoch"). */
	/*
	 * Records the base of `generation`: for every member row of every
	 * conversation (any state), its last_seq now; in the caller's
	 * transaction; a second call for the same generation adds nothing.
	 */
	int (*epoch_mark)(struct store *s, int64_t generation, struct err *e);
	/*
	 * For each conversation in which uid has a member row (any state) and
	 * of which a base was recorded after generation `since`: per sender
	 * recorded, the lowest base over those generations, 0 when the sender
	 * has no row in one of them (allocated, ordered by conversation id,
	 * then sender name, bytewise).
	 */
	int (*epoch_bases)(struct store *s, int64_t uid, int64_t since, struct store_base **out,
	    size_t *n, struct err *e);

	/* For GET /v1/metrics (store-stats.c). */
	/* The backend's name, the label of its metrics ("sqlite", "postgresql"). */
	const char *name;
	/*
	 * The database's size in bytes, when it is cheap to know (NULL, or -1:
	 * unknown). Called by the metrics page on any request thread.
	 */
	int (*size)(struct store *s, int64_t *bytes, struct err *e);
};

/* An open store: its backend's table first, the backend's state after it. */
struct store {
	const struct store_ops *ops;
};

/* store-sqlite.c: the SQLite backend (a file path, or memory). */
extern const struct store_ops store_sqlite_ops;
/* store-pg.c: the PostgreSQL backend (postgresql:// or postgres://), when built with libpq. */
extern const struct store_ops store_pg_ops;

/* store-stats.c: the store's figures for GET /v1/metrics, timed around every backend */
#define STORE_BUCKETS 11
struct store_histogram {
	uint64_t count[STORE_BUCKETS]; /* per bucket, not cumulative; the last is +Inf */
	uint64_t sum_us;
};
struct store_stats {
	const char *backend;
	int64_t size; /* bytes, -1 unknown */
	int64_t bounds_us[STORE_BUCKETS - 1];
	struct store_histogram write; /* begin .. commit or rollback */
	struct store_histogram read; /* read_begin .. read_end */
	uint64_t commits, rollbacks;
	uint64_t waits, wait_us; /* waits for another writer's lock (store_note_wait) */
	uint64_t busy; /* "busy" answers retried (store_note_busy) */
};
/* Points s's table at a copy whose transactions are timed (store_open does it). */
void store_stats_wrap(struct store *s);
/* A backend waited us microseconds for another writer (SQLite: the write turn). */
void store_note_wait(int64_t us);
/* A backend retried after the database said it was busy or locked. */
void store_note_busy(void);
void store_stats(struct store *s, struct store_stats *out);

/* store.c: opening by what -d names, settings */
/* path NULL: memory; "scheme://...": the backend of that scheme; else a SQLite file. */
int store_open(struct store **sp, const char *path, int retention, struct err *e);
void store_close(struct store *s);
/* Another connection to primary's database, for another thread (store_ops.open_more). */
int store_open_more(struct store *primary, struct store **sp, struct err *e);
/* Wake-ups from other processes go to fn (nothing to do for a one-process backend). */
int store_listen(struct store *s, store_wake_fn fn, struct err *e);
/* A server setting kept in the store (demo ids): 0 found (allocated), 1 absent. */
int store_meta_get(struct store *s, const char *key, char **value, struct err *e);
int store_meta_set(struct store *s, const char *key, const char *value, struct err *e);
/* Appends an id to a growing array (for backends too). */
void store_push_id(int64_t **a, size_t *n, int64_t id);

/* store-epoch.c: the server epoch */
/*
 * The database's epoch, made at the first call (a random identity,
 * generation 1). With `restored`, a new generation begins first: one
 * more, with the base of every sender recorded (epoch_mark), in one
 * transaction.
 */
int store_epoch_load(struct store *s, bool restored, struct store_epoch *out, struct err *e);
/* The lowest bases per conversation and sender after generation since (epoch_bases). */
int store_epoch_bases(
    struct store *s, int64_t uid, int64_t since, struct store_base **out, size_t *n, struct err *e);
void store_bases_free(struct store_base *v, size_t n);

/* store-user.c: users and tokens */
/* 0 created, 1 name taken, -1 error. */
int store_user_create(
    struct store *s, const char *name, const char *pwhash, int64_t *uid, struct err *e);
/* 0 found (pwhash allocated unless NULL), 1 unknown, -1 error. */
int store_user_find(struct store *s, const char *name, int64_t *uid, char **pwhash, struct err *e);
int store_user_set_password(struct store *s, int64_t uid, const char *pwhash, struct err *e);
int store_token_add(struct store *s, int64_t uid, const unsigned char hash[32], struct err *e);
int store_token_revoke(struct store *s, const unsigned char hash[32], struct err *e);

/* store-account.c: registration rules, token lifetime, disabled accounts, invitations */
/* Answers of store_register beside 0 and -1. */
enum { REGISTER_TAKEN = 1, REGISTER_LOOKALIKE = 2, REGISTER_BAD_INVITE = 3 };
/*
 * Creates a user with its name skeleton, in one transaction: REGISTER_TAKEN,
 * REGISTER_LOOKALIKE (*clash allocated: the existing name), or with invite
 * (not NULL) REGISTER_BAD_INVITE when that code is unknown or used (it is
 * used up by the creation).
 */
int store_register(struct store *s, const char *name, const char *skel, const char *pwhash,
    const char *invite, int64_t *uid, char **clash, struct err *e);
/* Gives the users made before skeletons theirs (skel computes one, allocated). */
int store_fill_skeletons(struct store *s, char *(*skel)(const char *name), struct err *e);
/* What a token is worth (store_token_check). */
enum token_state { TOKEN_OK = 0, TOKEN_UNKNOWN, TOKEN_EXPIRED, TOKEN_DISABLED };
/*
 * The user of a token: *state TOKEN_OK (its life renewed: used now), or
 * why not; an expired token (unused for idle_ms) is revoked.
 */
int store_token_check(struct store *s, const unsigned char hash[32], int64_t idle_ms, int64_t *uid,
    char **name, enum token_state *state, struct err *e);
/* Records a new token of uid and keeps only the max most recently used. */
int store_token_issue(
    struct store *s, int64_t uid, const unsigned char hash[32], int max, struct err *e);
/* Revokes every token of uid but keep (NULL: all); *n (may be NULL) how many. */
int store_token_revoke_user(
    struct store *s, int64_t uid, const unsigned char *keep, int64_t *n, struct err *e);
int store_user_disabled(struct store *s, int64_t uid, bool *disabled, struct err *e);
int store_user_set_disabled(struct store *s, int64_t uid, bool disabled, struct err *e);
/* Records a new invitation code (its hash: the code is not kept). */
int store_invite_add(struct store *s, const char *code, struct err *e);

/* store-conv.c: conversations */
/*
 * Creates a conversation of uid and the named members, in one transaction,
 * with a conversation event for each. 0 with *out filled, 1 with *unknown
 * (allocated) naming a missing user, -1 error. *woken gets the member ids
 * (allocated) for wake-ups.
 */
int store_conv_create(struct store *s, int64_t uid, const char *title, const char *const *names,
    size_t n, bool consent, struct store_conv *out, char **unknown, int64_t **woken, size_t *nwoken,
    struct err *e);
/* Inserts a conversation (no members) under a fresh public id. */
int store_conv_insert_any(struct store *s, const char *title, int64_t *conv, struct err *e);
/* The conversation id (internal) of pubid when uid is a member: 0, 1 not found, -1. */
int store_conv_member(
    struct store *s, int64_t uid, const char *pubid, int64_t *conv, struct err *e);
/* One conversation, members and their last seqs. */
int store_conv_get(struct store *s, int64_t conv, struct store_conv *out, struct err *e);
/* The internal ids of uid's conversations, oldest first. */
int store_conv_ids(struct store *s, int64_t uid, int64_t **ids, size_t *n, struct err *e);
/* All of uid's conversations, oldest first (an array of *n to free with store_convs_free). */
int store_conv_list(
    struct store *s, int64_t uid, struct store_conv **out, size_t *n, struct err *e);
void store_conv_free(struct store_conv *c);
void store_convs_free(struct store_conv *c, size_t n);
/* Frees what conv_senders returned (for backends too). */
void store_senders_free(struct store_sender *a, size_t n);

/* store-member.c: direct conversations, membership, invitations, titles, blocks */
/* Fills c's viewer side for uid (an invitation and who sent it). */
int store_conv_view(
    struct store *s, int64_t conv, int64_t uid, struct store_conv *c, struct err *e);
/*
 * The direct conversation of uid and the user `other`, made on the first
 * call (other then invited unless they share a conversation). 0 (*out,
 * *created), 1 no such user, -1.
 */
int store_direct(struct store *s, int64_t uid, const char *me, const char *other,
    struct store_conv *out, bool *created, int64_t **woken, size_t *nwoken, struct err *e);
/* A membership change asked of conv by uid (POST .../members). */
struct member_change {
	const char *const *add, *const *remove, *const *admins;
	size_t nadd, nremove, nadmins;
};
/* Answers of store_members beside 0 and -1. */
enum {
	MEMBERS_UNKNOWN = 1, /* *bad names a user that does not exist */
	MEMBERS_FORBIDDEN = 2, /* uid is no admin, or *bad is the creator */
	MEMBERS_NOT_MEMBER = 3, /* *bad is not a member (admins, remove) */
	MEMBERS_TOO_MANY = 4, /* over MAX_MEMBERS */
};
int store_members(struct store *s, int64_t uid, int64_t conv, const struct member_change *mc,
    size_t max_members, struct store_conv *out, char **bad, int64_t **woken, size_t *nwoken,
    struct err *e);
/* uid leaves conv (a member: leave; invited: decline). */
int store_leave(struct store *s, int64_t uid, const char *me, int64_t conv, int64_t **woken,
    size_t *nwoken, struct err *e);
/* uid accepts an invitation to conv: 0 (*out), 1 not invited, -1. */
int store_accept(struct store *s, int64_t uid, const char *me, int64_t conv, struct store_conv *out,
    int64_t **woken, size_t *nwoken, struct err *e);
/* Sets conv's title (uid a member). */
int store_rename(struct store *s, int64_t uid, int64_t conv, const char *title,
    struct store_conv *out, int64_t **woken, size_t *nwoken, struct err *e);
/* uid blocks (on) or unblocks `other`: 0, 1 no such user, -1; blocking declines invitations. */
int store_block(struct store *s, int64_t uid, const char *other, bool on, int64_t **woken,
    size_t *nwoken, struct err *e);
int store_block_list(struct store *s, int64_t uid, char ***names, size_t *n, struct err *e);
/*
 * Whether being added by a stranger makes an invitation (default true;
 * NATTER_CONSENT=off turns it off, for tests of other things).
 */
extern bool store_consent_on;
/* Consent: the state a user `to` gets when `from` adds them to conv. */
int store_consent(struct store *s, int64_t from, int64_t to, int64_t conv, enum member_state *state,
    struct err *e);

/* store-message.c: messages and sync */
/*
 * Stores a message (or finds the one with the same client_id: *created
 * false) in one transaction with its event. *out has conv, sender, seq, ts
 * (no body); *woken the members.
 */
int store_send(struct store *s, int64_t uid, int64_t conv, const char *client_id, const char *body,
    size_t bodylen, struct store_message *out, bool *created, int64_t **woken, size_t *nwoken,
    struct err *e);
void store_message_free(struct store_message *m);
/*
 * Stores an item of uid (docs/protocol.md, "Items") in one transaction
 * with its event, checking its target: *refused says why it was not
 * stored (STORE_OK when it was, or when client_id named an earlier item:
 * *created false). A delete erases its target's text and its edits'.
 */
int store_send_item(struct store *s, int64_t uid, int64_t conv, const char *client_id,
    const struct store_item *it, struct store_message *out, bool *created,
    enum store_refusal *refused, int64_t **woken, size_t *nwoken, struct err *e);
/*
 * For the server's own items (member, title): appends `it` as uid's next
 * item in conv (uid must be a member), with its event to every member,
 * inside the transaction the caller opened with s->ops->begin. *seq and
 * *ts (may be NULL) get its place; *woken (allocated) the members to wake
 * after the commit.
 */
int store_item_append(struct store *s, int64_t conv, int64_t uid, const struct store_item *it,
    uint64_t *seq, int64_t *ts, int64_t **woken, size_t *nwoken, struct err *e);

/* What a sync asks: the scope, and per conversation the vector held. */
struct sync_conv {
	int64_t conv;
	struct vector have;
};
struct sync_req {
	struct sync_conv *convs;
	size_t n;
	int limit;
	int64_t after; /* a continuation: messages with an id up to this one are held too */
	size_t max_bytes; /* the answer's bodies stop at this many bytes (0: no cut) */
	int newest; /* > 0: per conversation only the newest this many missing (limit unused) */
};
/* What a sync answers: missing messages (oldest first), more, the scope's metadata. */
struct sync_answer {
	struct store_message *msgs;
	size_t nmsgs;
	bool more;
	int64_t last; /* the id of the last message (0: none) */
	struct store_conv *convs;
	size_t nconvs;
	bool *older; /* newest first: per conversation of the scope, it may still lack messages */
};
int store_sync(struct store *s, const struct sync_req *q, struct sync_answer *out, struct err *e);
void store_sync_free(struct sync_answer *a);
/* The sync selection alone: message row ids, acceptance order (oldest first). */
int store_sync_ids(
    struct store *s, const struct sync_req *q, int64_t **ids, size_t *n, bool *more, struct err *e);

/* store-sync-next.c: sync continuations */
/* How long a continuation lives after its last use (ms). */
#define STORE_CONTINUATION_TTL (10 * 60 * 1000)
/* A new continuation of uid for a request's have and scope: its id (allocated, 32 hex). */
int store_continuation_new(
    struct store *s, int64_t uid, const char *have, const char *scope, char **id, struct err *e);
/*
 * Continuation id for uid, its life renewed: 0 (have and scope allocated),
 * 1 unknown or expired, 2 another user's, -1.
 */
int store_continuation_get(
    struct store *s, const char *id, int64_t uid, char **have, char **scope, struct err *e);

/* store-changes.c: what changed for a user (GET /v1/changes) */
struct changes_answer {
	uint64_t cursor; /* the newest cursor when the answer was made */
	bool full; /* the store cannot tell what changed: every conversation is listed */
	struct store_conv *convs;
	bool *meta; /* per conversation: its title, members and created are sent */
	struct store_marks *read; /* per conversation: the caller's read marks */
	size_t n;
};
/* The conversations of uid changed after since (0: know nothing), by latest event. */
int store_changes(
    struct store *s, int64_t uid, uint64_t since, struct changes_answer *out, struct err *e);
void store_changes_free(struct changes_answer *a);

/* store-read.c: read state, each user's per-sender marks of what was read */
/* uid's marks in conv. */
int store_read_get(
    struct store *s, int64_t uid, int64_t conv, struct store_marks *out, struct err *e);
/*
 * Raises uid's marks in conv to those asked (each lowered to its sender's
 * last seq; senders who never sent are ignored), in one transaction with a
 * read event for uid alone when one moved (*moved). *out gets the marks
 * now; *woken uid when an event was added.
 */
int store_read_raise(struct store *s, int64_t uid, int64_t conv, const struct store_mark *in,
    size_t n, bool *moved, struct store_marks *out, int64_t **woken, size_t *nwoken, struct err *e);
void store_marks_free(struct store_marks *m);

/* store-event.c: the event log */
uint64_t store_cursor(struct store *s);
/* What a long-poll answers. */
struct event_answer {
	struct store_event *ev;
	size_t n;
	bool gap;
	uint64_t cursor; /* to resume from */
};
/* Events of uid after `after`, at most limit. Returns the number of events, or -1. */
int store_events(struct store *s, int64_t uid, uint64_t after, size_t limit,
    struct event_answer *out, struct err *e);
void store_events_free(struct event_answer *a);

#endif
