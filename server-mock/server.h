/*
 * natter-server-mock: the protocol of docs/protocol.md on libmicrohttpd,
 * jansson and SQLite. Requests run on MHD's pool of request threads
 * (--threads), each with its own connection to the store; long-polls are
 * suspended connections (no thread each) resumed by new events from any
 * thread, or by their deadline from the main thread, which also runs the
 * demo bot and hands back password jobs (hashed on one more thread,
 * pwwork.c). Shared state is guarded where it lives: events.c, pwwork.c,
 * ratelimit.c, metrics.c (atomics), the store's write turns.
 */
#ifndef NATTER_SERVER_H
#define NATTER_SERVER_H

#include <getopt.h>
#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "store.h"
#include "util.h"
#include "vector.h"

/* Limits of docs/protocol.md. */
#define MAX_REQUEST_BODY (64 * 1024)
#define MAX_MESSAGE_BODY 16384
#define MAX_JSON_DEPTH 32
#define MAX_TITLE 256
#define MAX_MEMBERS 256
#define SYNC_LIMIT_DEFAULT 500
#define SYNC_LIMIT_MAX 5000
#define SYNC_LIMIT_MAX_10 1000 /* --protocol 1.0 */
#define SYNC_BODIES_MAX (4 * 1024 * 1024) /* message body bytes in one sync answer */
#define POLL_DEFAULT 30
#define EVENTS_PER_ANSWER 1000
#define GZIP_MIN 256

/* Who may register (--registration). */
enum registration { REG_OPEN = 0, REG_CLOSED, REG_INVITE };

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
	unsigned mhd_backend; /* MHD_USE_AUTO, MHD_USE_EPOLL, MHD_USE_POLL or 0 (select) */
	unsigned threads; /* request threads */
	int64_t demo_interval_ms;
	bool protocol_10; /* --protocol 1.0: no /v1/changes, no sync continuations */
	const char *tls_cert, *tls_key; /* --tls-cert, --tls-key: files */
	char *tls_cert_pem, *tls_key_pem; /* their text (tls.c); NULL: plain HTTP */
	int login_free; /* --login-throttle: free attempts per account (0: off) */
	int login_cap; /* the longest wait, seconds */
	int64_t token_idle_ms; /* --token-lifetime: a token unused this long expires */
	int max_tokens; /* --max-tokens: live tokens per user, the oldest go */
	enum registration registration; /* --registration */
	bool restored; /* --restored: a new epoch generation begins */
};

/* The metrics label of a request. */
enum endpoint {
	EP_REGISTER,
	EP_LOGIN,
	EP_LOGOUT,
	EP_PASSWORD,
	EP_CONVERSATIONS,
	EP_MESSAGES,
	EP_SYNC,
	EP_EVENTS,
	EP_CHANGES,
	EP_READ,
	EP_MEMBERS,
	EP_HEALTH,
	EP_METRICS,
	EP_EPOCH,
	EP_OTHER,
	EP_COUNT,
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
	uint64_t gen; /* events_mark */
	bool stopping;
	/* delay fault: the finished response waits here until release */
	struct MHD_Response *held;
	unsigned held_status;
	int64_t release; /* mono_ms */
	/* password job of pwwork.c (register, login, password change) */
	struct pwjob *pw;
	int pwstep; /* a password change: 1 checking the old, 2 hashing the new */
	/* suspended: in the list of events.c */
	bool suspended;
	/* for the log: when its first byte came (log_clock_us), its user once authenticated */
	int64_t start_us;
	char *user;
	struct req *prev, *next;
};

/* tls.c: HTTPS with the certificate and key in memory */
/* GnuTLS's defaults without TLS 1.0 and 1.1 (docs/protocol.md, TLS: 1.2 or later). */
#define TLS_PRIORITIES "NORMAL:-VERS-TLS1.1:-VERS-TLS1.0"
/* Reads --tls-cert and --tls-key when given; -1 with e when unusable or MHD lacks TLS. */
int tls_load(struct config *c, struct err *e);
void tls_free(struct config *c);
/* Warns on stderr when plain HTTP listens beyond loopback. */
void tls_warn_plain(const struct config *c);

/* auth.c: names, passwords and tokens */
bool auth_name_valid(const char *name);
/* render.c: false (--protocol 1.0): conversations carry none of the membership fields. */
extern bool render_membership;
/* Argon2id hash string (allocated) or NULL when out of memory. */
char *auth_hash_password(const char *pw);
bool auth_check_password(const char *hash, const char *pw);
/* Spends the time of a password check (unknown user at login), after auth_dummy_init. */
int auth_dummy_init(void);
void auth_dummy_check(const char *pw);
/* A new token: 64 hex chars in tok, its SHA-256 in hash. */
void auth_new_token(char tok[65], unsigned char hash[32]);
void auth_token_hash(const char *tok, size_t len, unsigned char hash[32]);
/* The token of an "Authorization: Bearer" header, or NULL. */
const char *auth_bearer(const char *header, size_t *len);

/* rules.c: account rules (password strength, look-alike names) */
#define RULES_PASSWORD_MIN 8
#define RULES_PASSWORD_MAX 256
size_t rules_chars(const char *s);
/* Why pw cannot be user's password (user may be NULL), or NULL when it can. */
const char *rules_password_problem(const char *user, const char *pw);
/* The look-alike skeleton of a name (allocated). */
char *rules_skeleton(const char *name);

/* admin.c: natter-server-mock admin [-d TARGET] VERB ... */
int admin_main(int argc, char *argv[]);

/* pwwork.c: password hashing on a worker thread, the connection suspended meanwhile */
int pwwork_start(struct err *e);
void pwwork_stop(void);
void pwwork_hash(struct req *q, const char *pw);
/* hash NULL: an unknown user, checked against a dummy hash (same time, never good). */
void pwwork_verify(struct req *q, const char *pw, const char *hash);
/* After the job: 1 good (for a hash, *out is the new hash), 0 not. */
int pwwork_result(struct req *q, char **out);
/* Resumes finished requests (the worker wakes the loop with loop_wake). */
void pwwork_tick(void);
void pwwork_forget(struct req *q);
size_t pwwork_pending(void);

/* epoch.c: the server epoch and the FILE.epoch sidecar (docs/protocol.md, "Server epoch") */
/* Loads the epoch of s, opened from target (-d); a new generation when restored or noticed. */
int epoch_open(struct store *s, const char *target, bool restored, struct err *e);
/*
 * Rewrites the sidecar when the cursor moved, at most once a second unless
 * force; returns the ms until it wants to run again (INT64_MAX: no sidecar).
 */
int64_t epoch_tick(struct store *s, bool force);
/* {"server": ..., "generation": N} (a new reference). */
json_t *epoch_json(void);
/* Whether text ("SERVER:GENERATION", as clients send it) is the current epoch. */
bool epoch_is(const char *text);
/* The event cursor at which the current generation began. */
uint64_t epoch_cursor(void);
void epoch_close(void);

/* routes.c: endpoint handlers (struct reply: codec.h) */
struct reply;
enum route_result { ROUTE_REPLY, ROUTE_SUSPEND, ROUTE_WORKING };
enum endpoint route_endpoint(const char *url);
enum route_result route(struct req *q, struct reply *r);
/* Adds "epoch" to a JSON object reply (docs/protocol.md, "Server epoch"). */
void route_epoch(struct reply *r);
/* Re-runs a suspended long-poll after a wake-up or its deadline. */
enum route_result route_events_again(struct req *q, struct reply *r);
/* The routes use s on this thread; every other thread opens its own connection to it. */
void routes_init(struct store *s, const struct config *c);
/* Closes the request threads' connections, once MHD stopped them. */
void routes_close(void);

/* http.c: libmicrohttpd glue */
enum MHD_Result http_answer(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data, size_t *upload_data_size,
    void **con_cls);
void http_completed(
    void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe);

/* loop.c: the main thread's sleep on a self-pipe, and MHD's back end */
/* The MHD flags of NATTER_MHD_BACKEND: auto, epoll, poll or select. */
int loop_backend(const char *name, unsigned *flags, struct err *e);
int loop_init(struct err *e);
/* Wakes loop_wait: safe in a signal handler and on any thread. */
void loop_wake(void);
/* Sleeps until loop_wake or ms pass (INT64_MAX: no limit). */
void loop_wait(int64_t ms);

/* events.c: suspended connections (long-polls, delayed answers), any thread */
/* Notes q's user's wake-ups before a long-poll reads the store. */
void events_mark(struct req *q);
/* Suspends q; false when q is a long-poll woken since events_mark (read again). */
bool events_suspend(struct req *q);
void events_wake_users(const int64_t *uids, size_t n);
void events_wake_all(void);
/* Wake-ups of other server processes (a store_wake_fn for store_listen). */
void events_wake_remote(const int64_t *uids, size_t n, bool all);
/* Resumes every request whose deadline or release time passed; ms to the next (INT64_MAX: none). */
int64_t events_tick(int64_t now);
/* Resumes everything (shutdown); returns how many were suspended. */
size_t events_stop_all(void);
/* True once events_stop_all ran: long-polls are answered at once (MHD cannot stop with one suspended). */
bool events_draining(void);
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
void ratelimit_addr_key(const struct sockaddr *sa, unsigned char key[16]);

/* throttle.c: --login-throttle, failed logins per account name and per address */
/* free_attempts 0: off. */
void throttle_init(int free_attempts, int cap_seconds);
bool throttle_on(void);
/* Counts an attempt before the password check: 0 go on, else seconds to wait. */
int throttle_attempt(const char *name, const struct sockaddr *sa, int64_t now);
void throttle_success(const char *name, const struct sockaddr *sa);
/* After a wrong password: the wait runs from its answer, not from its start. */
void throttle_failure(const char *name, const struct sockaddr *sa, int64_t now);

void metrics_request(enum endpoint ep, uint64_t reqbytes, uint64_t respbytes);
void metrics_delivered(bool via_events, uint64_t n);
void metrics_stored(void);
/* The metrics page, with the store figures of s's backend (s NULL: without its size). */
char *metrics_render(struct store *s);

/* conffile.c: --config FILE, settings named like the long options */
struct conf_args {
	int argc;
	char **argv; /* NULL-terminated */
	char **where; /* "FILE line N" of each argument from the file, NULL: the command line */
};
/* Appends path's `name = value` settings to a as "--name=value"; -1 naming the line. */
int conffile_read(const char *path, const struct option *opts, struct conf_args *a, struct err *e);
/* argv[0], the settings of argv's -c/--config file (when given), then argv[1..]. */
int conffile_args(
    int argc, char *argv[], const struct option *opts, struct conf_args *a, struct err *e);
void conffile_free(struct conf_args *a);

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
