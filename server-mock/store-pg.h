/*
 * The PostgreSQL backend of the server's store (store.h), through libpq:
 * the state, the statements (prepared once per connection) and the
 * operations each file implements. Only store-pg*.c include this.
 */
#ifndef NATTER_SERVER_STORE_PG_H
#define NATTER_SERVER_STORE_PG_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>

#include "store.h"

enum pq {
	P_LOCK,
	P_USER_INSERT,
	P_USER_FIND,
	P_USER_SETPW,
	P_USER_DROPPED,
	P_TOKEN_INSERT,
	P_TOKEN_DELETE,
	P_CONV_INSERT,
	P_CONV_GET,
	P_CONV_MEMBER,
	P_CONV_LIST,
	P_MEMBER_INSERT,
	P_MEMBERS,
	P_SENDERS,
	P_MSG_BY_CLIENT,
	P_SEQ_NEXT,
	P_MSG_INSERT,
	P_MSG_RANGE,
	P_MSG_GET,
	P_MSG_FIND,
	P_MSG_ERASE,
	P_CURSOR_NEXT,
	P_EVENT_INSERT,
	P_DELIVER_ALL,
	P_DELIVER_ONE,
	P_INBOX_COUNT,
	P_INBOX_TRIM,
	P_NOTIFY,
	P_INBOX_AFTER,
	P_CHANGES_INBOX,
	P_CHANGES_LOG,
	P_CONT_PUT,
	P_CONT_GET,
	P_CONT_EXPIRE,
	P_CURSOR,
	P_META_GET,
	P_META_SET,
	P_READ_GET,
	P_READ_RAISE,
	P_MEMBER_GET,
	P_MEMBER_SET,
	P_CONV_FIND,
	P_CONV_TITLE,
	P_CONV_DIRECT_GET,
	P_CONV_DIRECT_SET,
	P_SHARED,
	P_BLOCK_GET,
	P_BLOCK_ADD,
	P_BLOCK_DEL,
	P_BLOCK_LIST,
	P_INVITES_FROM,
	P_TOKEN_GET,
	P_TOKEN_TOUCH,
	P_TOKEN_REVOKE_USER,
	P_TOKEN_TRIM,
	P_USER_BY_SKEL,
	P_USER_SET_SKEL,
	P_USER_UNSKEL,
	P_USER_DISABLED,
	P_USER_SET_DISABLED,
	P_EPOCH_MARK,
	P_EPOCH_BASES,
	P_COUNT,
};

/* The channel of wake-ups between server processes (LISTEN/NOTIFY). */
#define PG_CHANNEL "natter_wake"

/*
 * What the connections of one database in this process share: the
 * target, the newest cursor seen (a fallback when the database cannot be
 * asked), and the listening thread of store-pg-notify.c.
 */
struct pg_shared {
	char *target;
	int retention;
	atomic_int refs;
	atomic_uint_least64_t cursor;
	/* store-pg-notify.c */
	pthread_t listener;
	bool listening;
	PGconn *lc; /* the listening connection, until its thread takes it */
	int stop[2]; /* a pipe: a byte tells the listener to end */
	store_wake_fn wake;
};

/* The store of store.h with the PostgreSQL state after it: one connection. */
struct pg_store {
	struct store base;
	PGconn *c;
	struct pg_shared *sh;
	bool prepared[P_COUNT];
	bool tx; /* between begin/read_begin and their end */
};

/* The parameters of one statement, as text (or binary with a length). */
#define PG_MAXP 16
struct pgp {
	int n;
	const char *v[PG_MAXP];
	int len[PG_MAXP];
	int fmt[PG_MAXP];
	char num[PG_MAXP][24];
};

/* store-pg.c: connections and statements */
struct pg_store *pg(struct store *s);
/* Connects to target, in UTF-8; NULL with e set. */
PGconn *pg_connect(const char *target, struct err *e);
void pgp_int(struct pgp *p, int64_t v);
/* Text (NUL-terminated), NULL for SQL NULL. */
void pgp_text(struct pgp *p, const char *v);
/* Bytes in binary format: a bytea, or text of a known length. */
void pgp_bin(struct pgp *p, const void *v, size_t len);
/* Runs statement q: its rows or command status (PQclear it), or NULL with e set. */
PGresult *pg_q(struct pg_store *s, enum pq q, const struct pgp *p, struct err *e);
/* Runs statement q for its effect: the rows it touched, or -1. */
int64_t pg_run(struct pg_store *s, enum pq q, const struct pgp *p, struct err *e);
/* Runs q and reads the first column of its first row as an integer: 0, 1 no row, -1. */
int pg_one_int(struct pg_store *s, enum pq q, const struct pgp *p, int64_t *out, struct err *e);
int64_t pg_int(const PGresult *r, int row, int col);
bool pg_bool(const PGresult *r, int row, int col);
/* A copy of a value, NULL for SQL NULL. */
char *pg_dup(const PGresult *r, int row, int col);

/* store-pg-notify.c: wake-ups between processes */
/* Tells every listening process (at commit) that these users have news. */
int pg_notify_users(struct pg_store *s, const int64_t *uids, size_t n, struct err *e);
int pg_listen(struct store *s, store_wake_fn fn, struct err *e);
/* Stops the listening thread, if any. */
void pg_listen_stop(struct pg_shared *sh);

/* store-pg-user.c */
int pg_user_create(
    struct store *s, const char *name, const char *pwhash, int64_t *uid, struct err *e);
int pg_user_find(struct store *s, const char *name, int64_t *uid, char **pwhash, struct err *e);
int pg_user_set_password(struct store *s, int64_t uid, const char *pwhash, struct err *e);
int pg_token_add(struct store *s, int64_t uid, const unsigned char hash[32], struct err *e);
int pg_token_revoke(struct store *s, const unsigned char hash[32], struct err *e);

/* store-pg-account.c */
int pg_token_get(struct store *s, const unsigned char hash[32], int64_t *uid, char **name,
    int64_t *used, bool *disabled, struct err *e);
int pg_token_touch(struct store *s, const unsigned char hash[32], int64_t now, struct err *e);
int pg_token_revoke_user(
    struct store *s, int64_t uid, const unsigned char *keep, int64_t *n, struct err *e);
int pg_token_trim(struct store *s, int64_t uid, int keep, struct err *e);
int pg_user_by_skeleton(struct store *s, const char *skel, char **name, struct err *e);
int pg_user_set_skeleton(struct store *s, int64_t uid, const char *skel, struct err *e);
int pg_users_unskeletoned(struct store *s, int64_t **uids, char ***names, size_t *n, struct err *e);
int pg_user_disabled(struct store *s, int64_t uid, bool *disabled, struct err *e);
int pg_user_set_disabled(struct store *s, int64_t uid, bool disabled, struct err *e);

/* store-pg-conv.c */
int pg_conv_insert(
    struct store *s, const char *id, const char *title, int64_t *conv, struct err *e);
int pg_member_add(struct store *s, int64_t conv, int64_t uid, bool *added, struct err *e);
int pg_conv_member(struct store *s, int64_t uid, const char *id, int64_t *conv, struct err *e);
int pg_conv_ids(struct store *s, int64_t uid, int64_t **ids, size_t *n, struct err *e);
int pg_conv_get(struct store *s, int64_t conv, struct store_conv *out, struct err *e);
int pg_conv_senders(
    struct store *s, int64_t conv, struct store_sender **out, size_t *n, struct err *e);

/* store-pg-member.c */
int pg_member_get(struct store *s, int64_t conv, int64_t uid, int *state, int *role, char **inviter,
    struct err *e);
int pg_member_set(struct store *s, int64_t conv, int64_t uid, int state, int role, int64_t inviter,
    struct err *e);
int pg_conv_find(struct store *s, const char *id, int64_t *conv, struct err *e);
int pg_conv_title_set(struct store *s, int64_t conv, const char *title, struct err *e);
int pg_conv_direct_get(struct store *s, const char *key, int64_t *conv, struct err *e);
int pg_conv_direct_set(struct store *s, int64_t conv, const char *key, struct err *e);
int pg_shares(struct store *s, int64_t a, int64_t b, int64_t except, bool *yes, struct err *e);
int pg_block_get(struct store *s, int64_t uid, int64_t other, bool *yes, struct err *e);
int pg_block_set(struct store *s, int64_t uid, int64_t other, bool on, struct err *e);
int pg_block_list(struct store *s, int64_t uid, char ***names, size_t *n, struct err *e);
int pg_invites_from(
    struct store *s, int64_t uid, int64_t inviter, int64_t **convs, size_t *n, struct err *e);

/* store-pg-message.c */
int pg_message_put(struct store *s, int64_t conv, int64_t uid, const char *client_id,
    const struct store_item *it, int64_t *msg, uint64_t *seq, int64_t *ts, bool *created,
    struct err *e);
int pg_message_find(struct store *s, int64_t conv, const char *sender, uint64_t seq,
    int64_t *sender_uid, char **kind, bool *deleted, struct err *e);
int pg_message_by_client(
    struct store *s, int64_t conv, int64_t uid, const char *client_id, int64_t *msg, struct err *e);
int pg_message_erase(
    struct store *s, int64_t conv, const char *sender, uint64_t seq, struct err *e);
void pg_scrub(struct store *s);
int pg_message_range(struct store *s, int64_t conv, int64_t sender, uint64_t lo, uint64_t hi,
    int64_t limit, int64_t **ids, size_t *n, struct err *e);
int pg_message_get(struct store *s, int64_t msg, struct store_message *out, struct err *e);

/* store-pg-epoch.c */
int pg_epoch_mark(struct store *s, int64_t generation, struct err *e);
int pg_epoch_bases(
    struct store *s, int64_t uid, int64_t since, struct store_base **out, size_t *n, struct err *e);

/* store-pg-event.c */
int pg_event_append(struct store *s, enum store_event_type type, int64_t conv, int64_t msg,
    int64_t only, int64_t **woken, size_t *nwoken, struct err *e);
int pg_event_list(struct store *s, int64_t uid, uint64_t after, size_t limit,
    struct store_event_ref **out, size_t *n, uint64_t *dropped, struct err *e);
uint64_t pg_cursor(struct store *s);

/* store-pg-changes.c */
int pg_changes_inbox(struct store *s, int64_t uid, uint64_t since, struct store_change **out,
    size_t *n, uint64_t *dropped, struct err *e);
int pg_changes_log(struct store *s, int64_t uid, uint64_t since, struct store_change **out,
    size_t *n, struct err *e);
int pg_continuation_put(struct store *s, const char *id, int64_t uid, int64_t now, const char *have,
    const char *scope, struct err *e);
int pg_continuation_get(struct store *s, const char *id, int64_t *uid, int64_t *used, char **have,
    char **scope, struct err *e);
int pg_continuation_expire(struct store *s, int64_t before, struct err *e);

/* store-pg-read.c */
int pg_read_get(struct store *s, int64_t uid, int64_t conv, struct store_marks *out, struct err *e);
int pg_read_raise(struct store *s, int64_t uid, int64_t conv, int64_t sender, uint64_t seq,
    bool *moved, struct err *e);

#endif
