/*
 * natter-server-mock: the protocol of docs/protocol.md on libmicrohttpd,
 * jansson and SQLite. One thread: MHD runs from the main loop, long-polls
 * are suspended connections resumed by new events or by their deadline.
 * Only password hashing runs on a second thread (pwwork.c).
 */
#ifndef NATTER_SERVER_H
#define NATTER_SERVER_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "util.h"
#include "vector.h"

/* Limits of docs/protocol.md. */
#define MAX_REQUEST_BODY (64 * 1024)
#define MAX_MESSAGE_BODY 16384
#define MAX_JSON_DEPTH 32
#define MAX_TITLE 256
#define MAX_MEMBERS 256
#define SYNC_LIMIT_DEFAULT 500
#define SYNC_LIMIT_MAX 1000
#define POLL_DEFAULT 30
#define EVENTS_PER_ANSWER 1000
#define GZIP_MIN 256

/* Command-line settings. */
struct config {
	const char *addr;
	unsigned port;
	const char *dbpath;
	bool demo;
	int event_retention;
	int max_poll;
	double rate; /* requests per second per IP; 0 = unlimited */
	int rate_burst; /* bucket size */
	unsigned conn_limit;
	unsigned per_ip_limit;
	unsigned conn_timeout;
	int64_t demo_interval_ms;
};

/* The metrics label of a request. */
enum endpoint {
	EP_REGISTER,
	EP_LOGIN,
	EP_LOGOUT,
	EP_CONVERSATIONS,
	EP_MESSAGES,
	EP_SYNC,
	EP_EVENTS,
	EP_HEALTH,
	EP_METRICS,
	EP_OTHER,
	EP_COUNT,
};

/* An answer being built by a route. */
struct reply {
	unsigned status;
	json_t *json; /* owned; NULL when text is used */
	char *text; /* owned plain text (metrics) */
	const char *ctype;
	int retry_after; /* seconds, 0 = no header */
};

/* One request's state, from its first byte to its completion. */
struct req {
	struct MHD_Connection *conn;
	enum endpoint ep;
	char *method, *url;
	struct buf body;
	bool too_large;
	bool gzip_ok;
	/* events long-poll */
	bool polling;
	int64_t uid;
	uint64_t after;
	int64_t deadline; /* mono_ms */
	bool stopping;
	/* delay fault: the finished response waits here until release */
	struct MHD_Response *held;
	unsigned held_status;
	int64_t release; /* mono_ms */
	/* password job of pwwork.c (register, login) */
	struct pwjob *pw;
	/* suspended: in the list of events.c */
	bool suspended;
	struct req *prev, *next;
};

/* store.c: the SQLite store */
struct store;
int store_open(struct store **sp, const char *path, int retention, struct err *e);
void store_close(struct store *s);
/* 0 created, 1 name taken, -1 error. */
int store_user_create(
    struct store *s, const char *name, const char *pwhash, int64_t *uid, struct err *e);
/* 0 found (pwhash allocated), 1 unknown, -1 error. */
int store_user_find(struct store *s, const char *name, int64_t *uid, char **pwhash, struct err *e);
int store_user_set_password(struct store *s, int64_t uid, const char *pwhash, struct err *e);
int store_token_add(struct store *s, int64_t uid, const unsigned char hash[32], struct err *e);
/* 0 found (name allocated), 1 unknown, -1 error. */
int store_token_user(
    struct store *s, const unsigned char hash[32], int64_t *uid, char **name, struct err *e);
int store_token_revoke(struct store *s, const unsigned char hash[32], struct err *e);
/*
 * Creates a conversation of uid and the named members. 0 with *out (the
 * conversation object), 1 with *unknown (allocated) naming a missing user,
 * -1 error. *woken gets the member ids (allocated) for wake-ups.
 */
int store_conv_create(struct store *s, int64_t uid, const char *title, const char *const *names,
    size_t n, json_t **out, char **unknown, int64_t **woken, size_t *nwoken, struct err *e);
/* The conversation id (internal) of pubid when uid is a member: 0, 1 not found, -1. */
int store_conv_member(
    struct store *s, int64_t uid, const char *pubid, int64_t *conv, struct err *e);
/* The conversation object (with vector when with_vector). */
int store_conv_json(struct store *s, int64_t conv, bool with_vector, json_t **out, struct err *e);
/* The internal ids of uid's conversations, oldest first. */
int store_conv_ids(struct store *s, int64_t uid, int64_t **ids, size_t *n, struct err *e);
/* All of uid's conversations, oldest first, with vectors. */
int store_conv_list(struct store *s, int64_t uid, json_t **out, struct err *e);
/*
 * Stores a message (or finds the one with the same client_id: *created
 * false). *out is {"conv","sender","seq","ts"}; *woken the members.
 */
int store_send(struct store *s, int64_t uid, int64_t conv, const char *client_id, const char *body,
    size_t bodylen, json_t **out, bool *created, int64_t **woken, size_t *nwoken, struct err *e);

/* What a sync asks: the scope, and per conversation the vector held. */
struct sync_conv {
	int64_t conv;
	struct vector have;
};
struct sync_req {
	struct sync_conv *convs;
	size_t n;
	int limit;
};
/* Fills *messages (array, oldest first), *more and *metas (scope metadata). */
int store_sync(struct store *s, const struct sync_req *q, json_t **messages, bool *more,
    json_t **metas, struct err *e);
/* The sync selection alone: message row ids, acceptance order (for tests). */
int store_sync_ids(
    struct store *s, const struct sync_req *q, int64_t **ids, size_t *n, bool *more, struct err *e);
uint64_t store_cursor(struct store *s);
/*
 * Events of uid after `after`: *events (array), *gap, *cursor to resume
 * from. Returns the number of events, or -1.
 */
int store_events(struct store *s, int64_t uid, uint64_t after, json_t **events, bool *gap,
    uint64_t *cursor, struct err *e);
/* A server setting kept in the store (demo ids): 0 found (allocated), 1 absent. */
int store_meta_get(struct store *s, const char *key, char **value, struct err *e);
int store_meta_set(struct store *s, const char *key, const char *value, struct err *e);

/* auth.c: names, passwords and tokens */
bool auth_name_valid(const char *name);
/* Argon2id hash string (allocated) or NULL when out of memory. */
char *auth_hash_password(const char *pw);
bool auth_check_password(const char *hash, const char *pw);
/* Spends the time of a password check (unknown user at login). */
void auth_dummy_check(const char *pw);
/* A new token: 64 hex chars in tok, its SHA-256 in hash. */
void auth_new_token(char tok[65], unsigned char hash[32]);
void auth_token_hash(const char *tok, size_t len, unsigned char hash[32]);
/* The token of an "Authorization: Bearer" header, or NULL. */
const char *auth_bearer(const char *header, size_t *len);

/* pwwork.c: password hashing on a worker thread, the connection suspended meanwhile */
int pwwork_start(struct err *e);
void pwwork_stop(void);
void pwwork_hash(struct req *q, const char *pw);
/* hash NULL: an unknown user, checked against a dummy hash (same time, never good). */
void pwwork_verify(struct req *q, const char *pw, const char *hash);
/* After the job: 1 good (for a hash, *out is the new hash), 0 not. */
int pwwork_result(struct req *q, char **out);
/* Resumes finished requests; the longest the main loop may wait. */
int64_t pwwork_tick(void);
void pwwork_forget(struct req *q);
size_t pwwork_pending(void);

/* request.c: reading JSON bodies */
/* Parses a request body into an object, or fills r with the 400 error. */
json_t *request_json(const struct buf *body, struct reply *r);
/* The depth of nesting of JSON text (strings skipped). */
int request_json_depth(const char *s, size_t len);
/* Sets r to an error reply. Returns -1. */
int reply_error(struct reply *r, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A string field: 0, or -1 with r set (missing/wrong type, invalid text). */
int request_string(json_t *o, const char *key, const char **s, size_t *len, struct reply *r);

/* routes.c: endpoint handlers */
enum route_result { ROUTE_REPLY, ROUTE_SUSPEND, ROUTE_WORKING };
enum endpoint route_endpoint(const char *url);
enum route_result route(struct req *q, struct reply *r);
/* Re-runs a suspended long-poll after a wake-up or its deadline. */
enum route_result route_events_again(struct req *q, struct reply *r);
void routes_init(struct store *s, const struct config *c);

/* http.c: libmicrohttpd glue */
enum MHD_Result http_answer(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data, size_t *upload_data_size,
    void **con_cls);
void http_completed(
    void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe);

/* events.c: suspended connections (long-polls, delayed answers) */
void events_suspend(struct req *q);
void events_wake_users(const int64_t *uids, size_t n);
/* Resumes every request whose deadline or release time passed; returns ms to the next. */
int64_t events_tick(int64_t now);
/* Resumes everything (shutdown); returns how many were suspended. */
size_t events_stop_all(void);
void events_forget(struct req *q);
size_t events_waiting(void);

/* faults.c: --faults */
int faults_parse(const char *spec, struct err *e);
bool faults_drop(void);
bool faults_close(void);
int faults_delay_ms(void);

/* ratelimit.c: per-IP token buckets */
void ratelimit_init(double rate, int burst);
/* 0 allowed, else seconds to wait. */
int ratelimit_take(const struct sockaddr *sa, int64_t now);

/* metrics.c: Prometheus counters */
const char *metrics_label(enum endpoint ep);
void metrics_request(enum endpoint ep, uint64_t reqbytes, uint64_t respbytes);
void metrics_delivered(bool via_events, uint64_t n);
void metrics_stored(void);
char *metrics_render(void);

/* gzip.c */
/* Compresses in[0..len) as gzip into out; -1 on failure. */
int gzip_compress(const char *in, size_t len, struct buf *out);

/* demo.c: --demo */
int demo_seed(struct store *s, struct err *e);
/* Posts the bot's periodic line when due; returns ms to the next. */
int64_t demo_tick(struct store *s, int64_t now);
/* The bot answers a message addressed to it (called after a stored message). */
void demo_heard(struct store *s, int64_t conv, const char *sender, const char *body,
    const int64_t *members, size_t n);
void demo_init(int64_t interval_ms);

#endif
