/* The HTTP client: libcurl with timeouts, caps, retries and wire-byte counting. */
#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define RETRY_AFTER_MAX_S 60

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_status;

struct xfer {
	struct http *h;
	struct http_response *r;
	bool too_large;
};

/* Initialises libcurl once per process. */
static void
global_init(void)
{
	global_status = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Returns a copy of url without trailing slashes, if its scheme is http(s). */
char *
http_normalize_url(const char *url, struct err *e)
{
	if (url == NULL || *url == '\0') {
		err_set(e, ERR_USAGE, "no server URL given");
		return NULL;
	}
	const char *rest;
	if (strncasecmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		rest = url + 8;
	else {
		err_set(e, ERR_USAGE, "server URL %s must start with http:// or https://", url);
		return NULL;
	}
	if (*rest == '\0' || *rest == '/') {
		err_set(e, ERR_USAGE, "server URL %s has no host", url);
		return NULL;
	}
	for (const char *p = url; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			err_set(e, ERR_USAGE, "server URL contains spaces or control characters");
			return NULL;
		}
	}
	size_t n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

/* Prepares a client for one server. */
int
http_init(struct http *h, const char *url, const char *agent, struct err *e)
{
	memset(h, 0, sizeof(*h));
	pthread_once(&global_once, global_init);
	if (global_status != CURLE_OK)
		return err_set(e, ERR_SYSTEM, "cannot initialise libcurl: %s",
		    curl_easy_strerror(global_status));
	h->base = http_normalize_url(url, e);
	if (h->base == NULL)
		return -1;
	h->curl = curl_easy_init();
	if (h->curl == NULL) {
		free(h->base);
		h->base = NULL;
		return err_set(e, ERR_SYSTEM, "cannot initialise libcurl");
	}
	h->user_agent = xasprintf("%s/%s", agent, NATTER_VERSION);
	h->connect_timeout_ms = HTTP_CONNECT_TIMEOUT_MS;
	h->timeout_ms = HTTP_TIMEOUT_MS;
	h->max_response = HTTP_MAX_RESPONSE;
	h->retries = HTTP_RETRIES;
	h->retry_base_ms = HTTP_RETRY_BASE_MS;
	h->retry_max_ms = HTTP_RETRY_MAX_MS;
	h->retry_budget_ms = HTTP_RETRY_BUDGET_MS;
	return 0;
}

/* Releases the handle and the strings of a client. */
void
http_free(struct http *h)
{
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	free(h->base);
	if (h->token != NULL) {
		explicit_bzero(h->token, strlen(h->token));
		free(h->token);
	}
	free(h->user_agent);
	free(h->cacert);
	memset(h, 0, sizeof(*h));
}

/* Sets or clears the CA bundle. */
void
http_set_cacert(struct http *h, const char *path)
{
	free(h->cacert);
	h->cacert = path != NULL && *path != '\0' ? xstrdup(path) : NULL;
}

/* True for localhost, 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
bool
http_host_loopback(const char *host)
{
	if (host == NULL || *host == '\0')
		return false;
	size_t n = strlen(host);
	if (host[0] == '[') {
		if (n < 3 || host[n - 1] != ']')
			return false;
		host++;
		n -= 2;
	} else if (host[n - 1] == '.')
		n--; /* "localhost." is the same name */
	char h[64];
	if (n == 0 || n >= sizeof(h))
		return false;
	memcpy(h, host, n);
	h[n] = '\0';
	if (strcasecmp(h, "localhost") == 0)
		return true;
	struct in_addr a4;
	if (inet_pton(AF_INET, h, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	struct in6_addr a6;
	if (inet_pton(AF_INET6, h, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return true;
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return false;
}

/* True when curl would connect to a loopback host for url. */
bool
http_url_loopback(const char *url)
{
	/* curl's own parser: the host it connects to, after userinfo, port and path. */
	CURLU *u = curl_url();
	if (u == NULL)
		return false;
	char *host = NULL;
	bool yes = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && http_host_loopback(host);
	curl_free(host);
	curl_url_cleanup(u);
	return yes;
}

/* Refuses plain http:// beyond loopback unless allowed. */
int
http_check_transport(const struct http *h, struct err *e)
{
	if (h->insecure_http || strncasecmp(h->base, "http://", 7) != 0 ||
	    http_url_loopback(h->base))
		return 0;
	return err_set(e, ERR_USAGE,
	    "refusing plain http:// to %s: it is not this machine (loopback), and passwords, "
	    "tokens and messages would cross the network unencrypted, readable and changeable "
	    "on the way; use https://, or --insecure-http (config insecure-http = yes) if you "
	    "accept that",
	    h->base);
}

/* Sets or clears the bearer token. */
void
http_set_token(struct http *h, const char *token)
{
	if (h->token != NULL) {
		explicit_bzero(h->token, strlen(h->token));
		free(h->token);
	}
	h->token = token ? xstrdup(token) : NULL;
}

/* Frees a response body. */
void
http_response_free(struct http_response *r)
{
	buf_free(&r->body);
	r->status = 0;
	r->retry_after = -1;
}

/* True for 429 and every 5xx. */
bool
http_status_retryable(long status)
{
	return status == 429 || (status >= 500 && status <= 599);
}

/* Full-jitter exponential backoff, or the server's Retry-After when given. */
long
http_backoff_ms(const struct http *h, int attempt, long retry_after)
{
	if (retry_after >= 0)
		return (retry_after > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S : retry_after) * 1000;
	long cap = h->retry_base_ms;
	for (int i = 0; i < attempt && cap < h->retry_max_ms; i++)
		cap *= 2;
	if (cap > h->retry_max_ms)
		cap = h->retry_max_ms;
	if (cap <= 0)
		return 0;
	uint32_t r;
	random_bytes(&r, sizeof(r));
	/* Half fixed, half random: never hammers, never waits needlessly long. */
	return cap / 2 + (long)(r % (uint32_t)(cap / 2 + 1));
}

/* Appends body bytes, refusing more than the cap. */
static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;
	if (x->r->body.len + len > x->h->max_response) {
		x->too_large = true;
		return 0;
	}
	buf_append(&x->r->body, p, len);
	return len;
}

/* Picks Retry-After (in seconds) out of the response headers. */
static size_t
header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;
	static const char name[] = "retry-after:";
	if (len > sizeof(name) - 1 && strncasecmp(p, name, sizeof(name) - 1) == 0) {
		const char *v = p + sizeof(name) - 1;
		const char *end = p + len;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		long secs = 0;
		bool digits = false;
		while (v < end && *v >= '0' && *v <= '9' && secs < 100000) {
			secs = secs * 10 + (*v - '0');
			v++;
			digits = true;
		}
		if (digits)
			x->r->retry_after = secs;
	}
	return len;
}

/* Stops a transfer when the caller's abort flag is raised. */
static int
xferinfo_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	struct xfer *x = arg;
	return x->h->abort_flag != NULL && *x->h->abort_flag ? 1 : 0;
}

/* Sleeps ms milliseconds in short slices, returning early when aborted. */
static void
nap(struct http *h, long ms)
{
	while (ms > 0) {
		if (h->abort_flag != NULL && *h->abort_flag)
			return;
		long step = ms > 50 ? 50 : ms;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = step * 1000000L};
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

/* True for transport failures worth another attempt. */
static bool
curl_retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_BAD_CONTENT_ENCODING:
		return true;
	default:
		return false;
	}
}

/* True for a TLS failure, before the request could be sent. */
static bool
curl_tls_failed(CURLcode rc)
{
	return rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
	    rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM ||
	    rc == CURLE_SSL_CIPHER || rc == CURLE_SSL_ENGINE_NOTFOUND ||
	    rc == CURLE_SSL_ENGINE_SETFAILED || rc == CURLE_SSL_ISSUER_ERROR ||
	    rc == CURLE_SSL_CRL_BADFILE || rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH ||
	    rc == CURLE_SSL_INVALIDCERTSTATUS;
}

/* True when the lowercase text low holds one of words (NULL-ended). */
static bool
has_word(const char *low, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strstr(low, *words) != NULL)
			return true;
	return false;
}

/*
 * What a failed handshake's words say of a server that does not speak TLS:
 * 2 when it answered in something else (a plain HTTP server reading the
 * ClientHello as a bad request: OpenSSL says "wrong version number" or
 * "packet length too long", GnuTLS "unexpected TLS packet" or "unexpected
 * length"), 1 when it broke the handshake off (the same server, its answer
 * overtaken by a reset: OpenSSL's SSL_ERROR_SYSCALL or "unexpected eof",
 * GnuTLS's "non-properly terminated"), else 0.
 */
static int
not_tls(const char *why)
{
	static const char *const answered[] = {"wrong version number", "packet length too long",
	    "unexpected tls packet", "unexpected length", "http request", NULL};
	static const char *const broke[] = {"ssl_error_syscall", "unexpected eof",
	    "connection reset", "non-properly terminated", "pull function", NULL};
	char low[CURL_ERROR_SIZE];
	size_t n = 0;
	for (; why[n] != '\0' && n < sizeof(low) - 1; n++)
		low[n] = (char)tolower((unsigned char)why[n]);
	low[n] = '\0';
	return has_word(low, answered) ? 2 : has_word(low, broke) ? 1 : 0;
}

/*
 * Words to add when a plain http:// request got no answer at all: what an
 * HTTPS-only server does with one (it reads it as a bad TLS record).
 */
static const char *
https_hint(const struct http *h, CURLcode rc)
{
	if (rc != CURLE_GOT_NOTHING || strncasecmp(h->base, "http://", 7) != 0)
		return "";
	return "; a server that speaks only TLS answers plain http:// so: is the URL https://?";
}

/* Describes a transport failure in a user's words. */
static int
curl_error(struct http *h, CURLcode rc, const char *errbuf, struct err *e)
{
	const char *why = *errbuf ? errbuf : curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_ABORTED_BY_CALLBACK:
		return err_set(e, ERR_SYSTEM, "request to %s interrupted", h->base);
	case CURLE_PEER_FAILED_VERIFICATION:
		return err_set(e, ERR_TLS,
		    "the certificate of %s could not be verified (%s); nothing was sent. If the "
		    "server's certificate comes from its own CA, name that CA's file with --cacert "
		    "FILE (config cacert)",
		    h->base, why);
	case CURLE_SSL_CACERT_BADFILE:
		return err_set(e, ERR_TLS, "cannot use the CA bundle %s to verify %s (%s)",
		    h->cacert ? h->cacert : "of the system", h->base, why);
	case CURLE_SSL_CONNECT_ERROR:
		if (not_tls(why) > 0)
			return err_set(e, ERR_TLS,
			    "the server at %s does not speak TLS (https)%s; check the URL: the "
			    "server may want http://, or another port (%s)",
			    h->base,
			    not_tls(why) == 1 ? ", it seems: it broke the handshake off" : "", why);
		return err_set(e, ERR_TLS, "no secure connection to %s: %s", h->base, why);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return err_set(e, ERR_USAGE, "server URL %s: unsupported protocol", h->base);
	case CURLE_OPERATION_TIMEDOUT:
		return err_set(e, ERR_OFFLINE, "server at %s did not answer in time", h->base);
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		return err_set(e, ERR_OFFLINE, "connection to %s broke off (%s)%s", h->base, why,
		    https_hint(h, rc));
	case CURLE_BAD_CONTENT_ENCODING:
		return err_set(e, ERR_PROTOCOL, "server at %s sent a badly compressed answer (%s)",
		    h->base, why);
	case CURLE_OUT_OF_MEMORY:
#if LIBCURL_VERSION_NUM >= 0x080600
	case CURLE_TOO_LARGE:
#endif
	{
		/* Before 8.6 libcurl says "out of memory" for a header line over its limit. */
		long status = 0;
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
		if (status > 0 || rc != CURLE_OUT_OF_MEMORY)
			return err_set(e, ERR_PROTOCOL,
			    "answer from %s has a header too large to read", h->base);
		return err_set(e, ERR_SYSTEM, "out of memory talking to %s", h->base);
	}
	default:
		return err_set(e, ERR_OFFLINE, "server unreachable at %s (%s)", h->base, why);
	}
}

/*
 * Performs the transfer. With quiet_wait, through a multi handle and
 * curl_multi_poll, which sleeps until the socket is ready or curl's next
 * deadline (curl_easy_perform wakes every second, and an idle long-poll of
 * the notifier must not); a signal interrupts the poll, so an abort flag
 * raised by a signal handler is seen at once.
 */
static CURLcode
run_transfer(struct http *h, CURL *c)
{
	if (h->quiet_wait && h->multi == NULL)
		h->multi = curl_multi_init();
	CURLM *m = h->multi;
	if (!h->quiet_wait || m == NULL || curl_multi_add_handle(m, c) != CURLM_OK)
		return curl_easy_perform(c);
	CURLcode rc = CURLE_OK;
	int running = 1;
	for (;;) {
		if (curl_multi_perform(m, &running) != CURLM_OK) {
			rc = CURLE_OUT_OF_MEMORY;
			break;
		}
		if (!running)
			break;
		if (h->abort_flag != NULL && *h->abort_flag) {
			rc = CURLE_ABORTED_BY_CALLBACK;
			break;
		}
		long wait = -1;
		curl_multi_timeout(m, &wait);
		if (wait < 0 || wait > 60000)
			wait = 60000;
		if (curl_multi_poll(m, NULL, 0, (int)wait, NULL) != CURLM_OK) {
			rc = CURLE_OUT_OF_MEMORY;
			break;
		}
	}
	if (!running) {
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE && msg->easy_handle == c)
				rc = msg->data.result;
	}
	curl_multi_remove_handle(m, c);
	return rc;
}

/* Adds the wire bytes of the transfer just made to the counters. */
static void
count_bytes(struct http *h, CURL *c)
{
	curl_off_t down = 0, up = 0;
	long hsize = 0, reqsize = 0;
	if (curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &down) == CURLE_OK && down > 0)
		h->bytes_received += (uint64_t)down;
	if (curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &hsize) == CURLE_OK && hsize > 0)
		h->bytes_received += (uint64_t)hsize;
	if (curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &reqsize) != CURLE_OK || reqsize < 0)
		reqsize = 0;
	if (curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up) != CURLE_OK || up < 0)
		up = 0;
	/*
	 * The request size holds the headers, and the body when curl sent it
	 * in the same buffer (bodies of up to about 64 KiB); a larger body
	 * went apart and only counts as uploaded.
	 */
	h->bytes_sent += (uint64_t)reqsize + (reqsize < up ? (uint64_t)up : 0);
}

/* One attempt: configures the handle and performs the transfer. */
static CURLcode
perform(struct http *h, const char *method, const char *url, const char *body, long timeout_ms,
    struct xfer *x, char *errbuf)
{
	CURL *c = h->curl;
	curl_easy_reset(c);
	struct curl_slist *hdrs = NULL;
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (body != NULL)
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	char *auth = NULL;
	if (h->token != NULL) {
		auth = xasprintf("Authorization: Bearer %s", h->token);
		hdrs = curl_slist_append(hdrs, auth);
	}

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->cacert != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->cacert);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	/*
	 * A stalled ordinary request is cut after 15 s. Not a long-poll: its
	 * silence is expected, CURLOPT_TIMEOUT bounds it, and the speed check
	 * would wake the process every second.
	 */
	if (timeout_ms <= HTTP_TIMEOUT_MS) {
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 15L);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	}
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	else if (strcmp(method, "POST") == 0) {
		if (body == NULL) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
		}
	} else
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);

	errbuf[0] = '\0';
	CURLcode rc = run_transfer(h, c);

	count_bytes(h, c);
	h->requests++;
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &x->r->status);
	curl_slist_free_all(hdrs);
	if (auth != NULL) {
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	return rc;
}

/* True when the request surely never reached the server. */
static bool
curl_not_sent(CURLcode rc)
{
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST;
}

/* Sends one request, retrying on transport errors, 429 and 5xx. */
int
http_request(struct http *h, const char *method, const char *path, const char *body,
    long timeout_ms, struct http_response *r, struct err *e)
{
	return http_request_flags(h, method, path, body, timeout_ms, 0, r, e);
}

/* Sends one request, retrying what is safe to retry. */
int
http_request_flags(struct http *h, const char *method, const char *path, const char *body,
    long timeout_ms, int flags, struct http_response *r, struct err *e)
{
	bool unsafe = (flags & HTTP_UNSAFE) != 0;
	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
	if (http_check_transport(h, e) < 0)
		return -1;
	if (timeout_ms <= 0)
		timeout_ms = h->timeout_ms;
	char *url = xasprintf("%s%s", h->base, path);
	char errbuf[CURL_ERROR_SIZE];
	int ret = -1;
	int64_t start = mono_ms();
	for (int attempt = 0;; attempt++) {
		struct xfer x = {.h = h, .r = r};
		buf_free(&r->body);
		r->status = 0;
		r->retry_after = -1;
		int64_t t0 = mono_ms();
		CURLcode rc = perform(h, method, url, body, timeout_ms, &x, errbuf);
		if (h->verbose) {
			if (rc == CURLE_OK)
				fprintf(stderr,
				    "natter: %s %s -> %ld (%zu bytes, %lld ms, a body of %zu "
				    "bytes sent)\n",
				    method, url, r->status, r->body.len,
				    (long long)(mono_ms() - t0), body ? strlen(body) : 0);
			else
				fprintf(stderr, "natter: %s %s -> %s\n", method, url,
				    *errbuf ? errbuf : curl_easy_strerror(rc));
		}
		bool aborted = h->abort_flag != NULL && *h->abort_flag;
		if (rc == CURLE_WRITE_ERROR && x.too_large) {
			err_set(e, ERR_TOOLARGE, "answer from %s is larger than %zu bytes", h->base,
			    h->max_response);
			break;
		}
		if (rc == CURLE_OK &&
		    (!http_status_retryable(r->status) ||
			(r->status == 429 && (flags & HTTP_NO_RETRY_429) != 0))) {
			ret = 0;
			break;
		}
		bool retry = rc == CURLE_OK || curl_retryable(rc);
		if (unsafe)
			retry = rc == CURLE_OK ? r->status == 429 || r->status == 503
					       : curl_not_sent(rc);
		long wait = http_backoff_ms(h, attempt, rc == CURLE_OK ? r->retry_after : -1);
		if (h->retry_budget_ms > 0 && mono_ms() - start + wait > h->retry_budget_ms)
			retry = false;
		if (!retry || aborted || attempt >= h->retries) {
			if (rc != CURLE_OK && unsafe && !curl_not_sent(rc) &&
			    !curl_tls_failed(rc) && !aborted) {
				err_set(e, ERR_OFFLINE,
				    "the answer from %s was lost (%s); the request may have been "
				    "done%s",
				    h->base, *errbuf ? errbuf : curl_easy_strerror(rc),
				    https_hint(h, rc));
				break;
			}
			if (rc == CURLE_OK) {
				/* A final 429/5xx is still an answer the caller maps. */
				ret = 0;
				break;
			}
			curl_error(h, rc, errbuf, e);
			break;
		}
		nap(h, wait);
		if (h->abort_flag != NULL && *h->abort_flag) {
			if (rc == CURLE_OK) {
				ret = 0;
				break;
			}
			err_set(e, ERR_SYSTEM, "request to %s interrupted", h->base);
			break;
		}
	}
	free(url);
	return ret;
}
