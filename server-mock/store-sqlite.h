/*
 * The SQLite backend of the server's store (store.h): the state, the
 * statements (prepared once, reused) and the operations each file
 * implements. Only store-sqlite*.c include this.
 */
#ifndef NATTER_SERVER_STORE_SQLITE_H
#define NATTER_SERVER_STORE_SQLITE_H

#include <pthread.h>
#include <stdatomic.h>

#include "db.h"
#include "store.h"

enum q {
	Q_USER_INSERT,
	Q_USER_FIND,
	Q_USER_SETPW,
	Q_USER_DROPPED,
	Q_TOKEN_INSERT,
	Q_TOKEN_DELETE,
	Q_CONV_INSERT,
	Q_CONV_GET,
	Q_CONV_MEMBER,
	Q_CONV_LIST,
	Q_MEMBER_INSERT,
	Q_MEMBERS,
	Q_MEMBER_IDS,
	Q_SENDERS,
	Q_MSG_BY_CLIENT,
	Q_SEQ_NEXT,
	Q_MSG_INSERT,
	Q_MSG_RANGE,
	Q_MSG_GET,
	Q_MSG_FIND,
	Q_MSG_ERASE,
	Q_EVENT_INSERT,
	Q_INBOX_INSERT,
	Q_INBOX_COUNT,
	Q_INBOX_OLDEST,
	Q_INBOX_DELETE,
	Q_INBOX_DROPPED,
	Q_INBOX_AFTER,
	Q_CHANGES_INBOX,
	Q_CHANGES_LOG,
	Q_CONT_PUT,
	Q_CONT_GET,
	Q_CONT_EXPIRE,
	Q_CURSOR,
	Q_META_GET,
	Q_META_SET,
	Q_READ_GET,
	Q_READ_RAISE,
	Q_MEMBER_GET,
	Q_MEMBER_SET,
	Q_CONV_FIND,
	Q_CONV_TITLE,
	Q_CONV_DIRECT_GET,
	Q_CONV_DIRECT_SET,
	Q_SHARED,
	Q_BLOCK_GET,
	Q_BLOCK_ADD,
	Q_BLOCK_DEL,
	Q_BLOCK_LIST,
	Q_INVITES_FROM,
	Q_EPOCH_MARK,
	Q_EPOCH_BASES,
	Q_READ_BEGIN,
	Q_READ_END,
	Q_TOKEN_GET,
	Q_TOKEN_TOUCH,
	Q_TOKEN_REVOKE_USER,
	Q_TOKEN_TRIM,
	Q_USER_BY_SKEL,
	Q_USER_SET_SKEL,
	Q_USER_UNSKEL,
	Q_USER_DISABLED,
	Q_USER_SET_DISABLED,
	Q_COUNT,
};

/*
 * What the connections of one database in this process share (one
 * connection per thread): the process is the only writer, so the newest
 * cursor is kept here, published when its transaction commits; and writes
 * take turns on a mutex rather than on SQLite's busy waits.
 */
struct sqlite_shared {
	pthread_mutex_t write;
	atomic_uint_least64_t cursor;
	atomic_int refs;
	char *path; /* the file, or the name of the shared memory database */
	int flags; /* db_open's */
	int retention;
};

/* The store of store.h with the SQLite state after it: one connection. */
struct sqlite_store {
	struct store base;
	struct db db;
	sqlite3_stmt *st[Q_COUNT];
	struct sqlite_shared *sh;
	int retention;
	bool writing; /* between begin and commit or rollback: holds sh->write */
	uint64_t pending; /* the newest cursor of the open write transaction */
};

/* store-sqlite.c: statements */
/* The SQLite state of a store opened by this backend. */
struct sqlite_store *sq(struct store *s);
/* The prepared statement q, reset and unbound, or NULL with e set. */
sqlite3_stmt *sq_st(struct sqlite_store *s, enum q q, struct err *e);
/* Steps a statement expecting no row (a write, in turn with other writers); 0 or -1. */
int sq_run(struct sqlite_store *s, sqlite3_stmt *t, struct err *e);

/* store-sqlite-user.c */
int sq_user_create(
    struct store *s, const char *name, const char *pwhash, int64_t *uid, struct err *e);
int sq_user_find(struct store *s, const char *name, int64_t *uid, char **pwhash, struct err *e);
int sq_user_set_password(struct store *s, int64_t uid, const char *pwhash, struct err *e);
int sq_token_add(struct store *s, int64_t uid, const unsigned char hash[32], struct err *e);
int sq_token_revoke(struct store *s, const unsigned char hash[32], struct err *e);

/* store-sqlite-account.c */
int sq_token_get(struct store *s, const unsigned char hash[32], int64_t *uid, char **name,
    int64_t *used, bool *disabled, struct err *e);
int sq_token_touch(struct store *s, const unsigned char hash[32], int64_t now, struct err *e);
int sq_token_revoke_user(
    struct store *s, int64_t uid, const unsigned char *keep, int64_t *n, struct err *e);
int sq_token_trim(struct store *s, int64_t uid, int keep, struct err *e);
int sq_user_by_skeleton(struct store *s, const char *skel, char **name, struct err *e);
int sq_user_set_skeleton(struct store *s, int64_t uid, const char *skel, struct err *e);
int sq_users_unskeletoned(struct store *s, int64_t **uids, char ***names, size_t *n, struct err *e);
int sq_user_disabled(struct store *s, int64_t uid, bool *disabled, struct err *e);
int sq_user_set_disabled(struct store *s, int64_t uid, bool disabled, struct err *e);

/* store-sqlite-conv.c */
int sq_conv_insert(
    struct store *s, const char *id, const char *title, int64_t *conv, struct err *e);
int sq_member_add(struct store *s, int64_t conv, int64_t uid, bool *added, struct err *e);
int sq_conv_member(struct store *s, int64_t uid, const char *id, int64_t *conv, struct err *e);
int sq_conv_ids(struct store *s, int64_t uid, int64_t **ids, size_t *n, struct err *e);
int sq_conv_get(struct store *s, int64_t conv, struct store_conv *out, struct err *e);
int sq_conv_senders(
    struct store *s, int64_t conv, struct store_sender **out, size_t *n, struct err *e);

/* store-sqlite-member.c */
int sq_member_get(struct store *s, int64_t conv, int64_t uid, int *state, int *role, char **inviter,
    struct err *e);
int sq_member_set(struct store *s, int64_t conv, int64_t uid, int state, int role, int64_t inviter,
    struct err *e);
int sq_conv_find(struct store *s, const char *id, int64_t *conv, struct err *e);
int sq_conv_title_set(struct store *s, int64_t conv, const char *title, struct err *e);
int sq_conv_direct_get(struct store *s, const char *key, int64_t *conv, struct err *e);
int sq_conv_direct_set(struct store *s, int64_t conv, const char *key, struct err *e);
int sq_shared(struct store *s, int64_t a, int64_t b, int64_t except, bool *yes, struct err *e);
int sq_block_get(struct store *s, int64_t uid, int64_t other, bool *yes, struct err *e);
int sq_block_set(struct store *s, int64_t uid, int64_t other, bool on, struct err *e);
int sq_block_list(struct store *s, int64_t uid, char ***names, size_t *n, struct err *e);
int sq_invites_from(
    struct store *s, int64_t uid, int64_t inviter, int64_t **convs, size_t *n, struct err *e);

/* store-sqlite-message.c */
int sq_message_put(struct store *s, int64_t conv, int64_t uid, const char *client_id,
    const struct store_item *it, int64_t *msg, uint64_t *seq, int64_t *ts, bool *created,
    struct err *e);
int sq_message_find(struct store *s, int64_t conv, const char *sender, uint64_t seq,
    int64_t *sender_uid, char **kind, bool *deleted, struct err *e);
int sq_message_by_client(
    struct store *s, int64_t conv, int64_t uid, const char *client_id, int64_t *msg, struct err *e);
int sq_message_erase(
    struct store *s, int64_t conv, const char *sender, uint64_t seq, struct err *e);
void sq_scrub(struct store *s);
int sq_message_range(struct store *s, int64_t conv, int64_t sender, uint64_t lo, uint64_t hi,
    int64_t limit, int64_t **ids, size_t *n, struct err *e);
int sq_message_get(struct store *s, int64_t msg, struct store_message *out, struct err *e);

/* store-sqlite-epoch.c */
int sq_epoch_mark(struct store *s, int64_t generation, struct err *e);
int sq_epoch_bases(
    struct store *s, int64_t uid, int64_t since, struct store_base **out, size_t *n, struct err *e);
/* store-sqlite-event.c */
int sq_event_append(struct store *s, enum store_event_type type, int64_t conv, int64_t msg,
    int64_t only, int64_t **woken, size_t *nwoken, struct err *e);
int sq_event_list(struct store *s, int64_t uid, uint64_t after, size_t limit,
    struct store_event_ref **out, size_t *n, uint64_t *dropped, struct err *e);
uint64_t sq_cursor(struct store *s);

/* store-sqlite-changes.c */
int sq_changes_inbox(struct store *s, int64_t uid, uint64_t since, struct store_change **out,
    size_t *n, uint64_t *dropped, struct err *e);
int sq_changes_log(struct store *s, int64_t uid, uint64_t since, struct store_change **out,
    size_t *n, struct err *e);
int sq_continuation_put(struct store *s, const char *id, int64_t uid, int64_t now, const char *have,
    const char *scope, struct err *e);
int sq_continuation_get(struct store *s, const char *id, int64_t *uid, int64_t *used, char **have,
    char **scope, struct err *e);
int sq_continuation_expire(struct store *s, int64_t before, struct err *e);

/* store-sqlite-read.c */
int sq_read_get(struct store *s, int64_t uid, int64_t conv, struct store_marks *out, struct err *e);
int sq_read_raise(struct store *s, int64_t uid, int64_t conv, int64_t sender, uint64_t seq,
    bool *moved, struct err *e);

#endif
