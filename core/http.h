/*
 * The HTTP client on libcurl: one handle per server, timeouts, a response
 * size cap, TLS verification always on (the system's CA store, or the
 * bundle of cacert), plain http:// only to a loopback host unless
 * insecure_http, http/https only and no redirects,
 * retries with exponential backoff and jitter on connection errors, 429 and
 * 5xx (Retry-After honoured), counts of wire bytes sent and received, and an abort
 * flag checked while a transfer runs (for SIGTERM during a long-poll).
 */
#ifndef NATTER_HTTP_H
#define NATTER_HTTP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* Defaults; a caller may change the fields of struct http after http_init. */
#define HTTP_CONNECT_TIMEOUT_MS 5000
#define HTTP_TIMEOUT_MS 30000
#define HTTP_MAX_RESPONSE (16u << 20)
#define HTTP_RETRIES 5
#define HTTP_RETRY_BASE_MS 100
#define HTTP_RETRY_MAX_MS 5000
#define HTTP_RETRY_BUDGET_MS 60000

struct http {
	void *curl; /* CURL * */
	void *multi; /* CURLM * driving it, so idle waits never tick */
	char *base; /* server URL without trailing '/' */
	char *token; /* bearer token, or NULL */
	char *user_agent; /* "natter/0.1.0" */
	long connect_timeout_ms;
	long timeout_ms; /* whole transfer, when the request gives none */
	size_t max_response; /* bytes of body accepted, counted as they arrive */
	int retries; /* extra attempts after the first */
	long retry_base_ms; /* first backoff; doubles each attempt, full jitter */
	long retry_max_ms; /* cap of one backoff (Retry-After may exceed it up to 60 s) */
	long retry_budget_ms; /* no retry starts later than this after the first attempt */
	bool verbose; /* log each request to stderr */
	char *cacert; /* CA bundle (PEM file) to verify servers with; NULL: the system's */
	bool insecure_http; /* plain http:// to a host that is not loopback is allowed */
	volatile sig_atomic_t *abort_flag; /* when non-zero, transfers and waits stop */
	/*
	 * Wait with no periodic wake-up (an idle long-poll costs nothing). The
	 * abort flag is then only noticed when a signal interrupts the wait, so
	 * only for programs whose flag is raised by a signal handler.
	 */
	bool quiet_wait;
	uint64_t bytes_received; /* wire bytes: headers + body before decompression */
	uint64_t bytes_sent; /* wire bytes of every request: headers + body */
	uint64_t requests; /* attempts made, retries included */
};

struct http_response {
	long status; /* HTTP status, 0 when none was received */
	struct buf body; /* decoded body, NUL-terminated */
	long retry_after; /* seconds from Retry-After, or -1 */
};

/*
 * Prepares a client for the server at url (http:// or https:// only).
 * agent is the program name, e.g. "natter"; "/VERSION" is appended.
 */
int http_init(struct http *h, const char *url, const char *agent, struct err *e);
void http_free(struct http *h);
/* Sets (or with NULL clears) the bearer token sent with every request. */
void http_set_token(struct http *h, const char *token);

/*
 * Sends METHOD base+path with an optional JSON body. timeout_ms 0 means the
 * default. Retries as described above. Returns 0 when a response arrived
 * (whatever its status: r->status says), or -1 with e set to ERR_OFFLINE
 * (unreachable, timed out, still failing after retries), ERR_TOOLARGE
 * (response over the cap), ERR_SYSTEM (aborted by the flag), ERR_TLS (a
 * certificate not verified, an https URL of a server without TLS: nothing
 * was sent), ERR_USAGE (plain http refused: http_check_transport). The response
 * to free is in r either way.
 */
int http_request(struct http *h, const char *method, const char *path, const char *body,
    long timeout_ms, struct http_response *r, struct err *e);
void http_response_free(struct http_response *r);

enum http_flags {
	/*
	 * The request must not be repeated once it may have reached the server
	 * (creating a conversation, registering): only failures to connect,
	 * 429 and 503 are retried; a lost answer is reported as ERR_OFFLINE
	 * with "may have been done" words.
	 */
	HTTP_UNSAFE = 1 << 0,
	/*
	 * A 429 is the answer, not retried (a throttled login: the user is
	 * told how long to wait rather than made to wait).
	 */
	HTTP_NO_RETRY_429 = 1 << 1,
};
/* http_request with flags. */
int http_request_flags(struct http *h, const char *method, const char *path, const char *body,
    long timeout_ms, int flags, struct http_response *r, struct err *e);

/* Sets (or with NULL clears) the CA bundle that server certificates are verified with. */
void http_set_cacert(struct http *h, const char *path);
/*
 * Refuses (ERR_USAGE, with why) a plain http:// base URL whose host is not
 * loopback, unless h->insecure_http. http_request checks it before sending.
 */
int http_check_transport(const struct http *h, struct err *e);
/*
 * True when host is a loopback name or address: localhost (any case, an
 * optional final dot), 127.0.0.0/8, ::1 (bracketed or not) and ::ffff:127.x.
 * Other names are not resolved: they count as beyond loopback.
 */
bool http_host_loopback(const char *host);
/* True when the host of an http(s) URL is loopback (http_host_loopback). */
bool http_url_loopback(const char *url);

/* Strips trailing slashes and checks the scheme: the canonical server URL. */
char *http_normalize_url(const char *url, struct err *e);
/* Backoff before retry number attempt (0-based), in ms, with full jitter. */
long http_backoff_ms(const struct http *h, int attempt, long retry_after);
/* True when a status deserves a retry: 429 and 5xx. */
bool http_status_retryable(long status);

#endif
