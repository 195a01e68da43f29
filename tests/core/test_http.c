/* Tests of the HTTP client and session (core/http.c, core/client.c): URLs, backoff, error mapping. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "client.h"

/* URLs are checked for scheme and host and lose trailing slashes. */
static void
http__normalize__scheme_and_slashes(void **state)
{
	(void)state;
	struct err e = {0};
	char *u = http_normalize_url("http://127.0.0.1:80//", &e);
	assert_string_equal(u, "http://127.0.0.1:80");
	free(u);
	u = http_normalize_url("https://chat.example/base/", &e);
	assert_string_equal(u, "https://chat.example/base");
	free(u);
	assert_null(http_normalize_url("ftp://x", &e));
	assert_int_equal(e.kind, ERR_USAGE);
	assert_null(http_normalize_url("file:///etc/passwd", &e));
	assert_null(http_normalize_url("http://", &e));
	assert_null(http_normalize_url("http://a b", &e));
	assert_null(http_normalize_url("", &e));
}

/* Backoff grows, stays within its cap, and follows Retry-After. */
static void
http__backoff__bounded_jitter_and_retry_after(void **state)
{
	(void)state;
	struct http h = {.retry_base_ms = 100, .retry_max_ms = 1000};
	for (int i = 0; i < 200; i++) {
		long b0 = http_backoff_ms(&h, 0, -1);
		assert_true(b0 >= 50 && b0 <= 100);
		long b3 = http_backoff_ms(&h, 3, -1);
		assert_true(b3 >= 400 && b3 <= 800);
		long b9 = http_backoff_ms(&h, 9, -1);
		assert_true(b9 >= 500 && b9 <= 1000);
	}
	assert_int_equal(http_backoff_ms(&h, 0, 3), 3000);
	assert_int_equal(http_backoff_ms(&h, 0, 100000), 60000);
	assert_true(http_status_retryable(429));
	assert_true(http_status_retryable(500));
	assert_true(http_status_retryable(503));
	assert_false(http_status_retryable(400));
	assert_false(http_status_retryable(401));
	assert_false(http_status_retryable(404));
	assert_false(http_status_retryable(409));
}

/* An unreachable server is ERR_OFFLINE (exit 75) with its URL in the words. */
static void
http__request__unreachable_is_offline(void **state)
{
	(void)state;
	struct http h;
	struct err e = {0};
	assert_int_equal(http_init(&h, "http://127.0.0.1:1", "natter", &e), 0);
	h.retries = 1;
	h.retry_base_ms = 1;
	struct http_response r;
	assert_int_equal(http_request(&h, "GET", "/v1/health", NULL, 0, &r, &e), -1);
	http_response_free(&r);
	assert_int_equal(e.kind, ERR_OFFLINE);
	assert_int_equal(err_exit_status(&e), 75);
	assert_non_null(strstr(e.msg, "server unreachable at http://127.0.0.1:1"));
	assert_int_equal(h.requests, 2);
	http_free(&h);
}

static volatile sig_atomic_t stop_flag;

/* Raises the abort flag after 200 ms, as a SIGTERM handler would. */
static void *
raise_later(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 200 * 1000000L};
	nanosleep(&ts, NULL);
	stop_flag = 1;
	return NULL;
}

/* A long-poll to a server that never answers stops within a second of the flag. */
static void
http__request__abort_flag_stops_a_long_poll(void **state)
{
	(void)state;
	/* A listening socket nobody accepts on: the connection opens, no answer comes. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	socklen_t len = sizeof(sa);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	char *url = xasprintf("http://127.0.0.1:%d", ntohs(sa.sin_port));

	struct http h;
	struct err e = {0};
	assert_int_equal(http_init(&h, url, "natter", &e), 0);
	stop_flag = 0;
	h.abort_flag = &stop_flag;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, raise_later, NULL), 0);
	int64_t t0 = mono_ms();
	struct http_response r;
	assert_int_equal(http_request(&h, "GET", "/v1/events?timeout=30", NULL, 40000, &r, &e), -1);
	int64_t took = mono_ms() - t0;
	pthread_join(t, NULL);
	http_response_free(&r);
	assert_true(took < 1500);
	assert_non_null(strstr(e.msg, "interrupted"));
	assert_int_equal(h.requests, 1);
	http_free(&h);
	free(url);
	close(fd);
}

/* A one-connection server that reads a request and writes canned bytes. */
struct canned {
	int fd;
	const char *head; /* written first */
	size_t junk; /* then this many 'a' bytes */
	const char *tail; /* then this */
};

/* Serves connections of a struct canned until the listening socket is closed. */
static void *
canned_serve(void *arg)
{
	struct canned *c = arg;
	int conn;
	while ((conn = accept(c->fd, NULL, NULL)) >= 0) {
		char req[8192];
		ssize_t n = read(conn, req, sizeof(req));
		(void)n;
		bool ok = write(conn, c->head, strlen(c->head)) >= 0;
		char chunk[4096];
		memset(chunk, 'a', sizeof(chunk));
		for (size_t sent = 0; ok && sent < c->junk; sent += sizeof(chunk))
			ok = write(conn, chunk, sizeof(chunk)) >= 0;
		if (ok && c->tail != NULL)
			ok = write(conn, c->tail, strlen(c->tail)) >= 0;
		close(conn);
	}
	return NULL;
}

/* Starts a canned server on a loopback port; returns its URL. */
static char *
canned_start(struct canned *c, pthread_t *t)
{
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c->fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(c->fd, 4), 0);
	socklen_t len = sizeof(sa);
	assert_int_equal(getsockname(c->fd, (struct sockaddr *)&sa, &len), 0);
	assert_int_equal(pthread_create(t, NULL, canned_serve, c), 0);
	return xasprintf("http://127.0.0.1:%d", ntohs(sa.sin_port));
}

/* Stops a canned server. */
static void
canned_stop(struct canned *c, pthread_t t)
{
	shutdown(c->fd, SHUT_RDWR);
	close(c->fd);
	pthread_join(t, NULL);
}

/* A header line larger than libcurl accepts is a protocol error in words, not "out of memory". */
static void
http__request__huge_header_is_protocol_error(void **state)
{
	(void)state;
	struct canned c = {.head = "HTTP/1.1 200 OK\r\nX-Junk: ", .junk = 1 << 20};
	pthread_t t;
	char *url = canned_start(&c, &t);
	struct http h;
	struct err e = {0};
	assert_int_equal(http_init(&h, url, "natter", &e), 0);
	h.retries = 1;
	h.retry_base_ms = 1;
	struct http_response r;
	assert_int_equal(http_request(&h, "GET", "/v1/conversations", NULL, 0, &r, &e), -1);
	http_response_free(&r);
	assert_int_equal(e.kind, ERR_PROTOCOL);
	assert_non_null(strstr(e.msg, "header"));
	assert_null(strstr(e.msg, "unreachable"));
	http_free(&h);
	canned_stop(&c, t);
	free(url);
}

/* An answer cut short is a broken connection, not an unreachable server. */
static void
http__request__cut_answer_broke_off(void **state)
{
	(void)state;
	struct canned c = {.head = "HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n{\"conv"};
	pthread_t t;
	char *url = canned_start(&c, &t);
	struct http h;
	struct err e = {0};
	assert_int_equal(http_init(&h, url, "natter", &e), 0);
	h.retries = 1;
	h.retry_base_ms = 1;
	struct http_response r;
	assert_int_equal(http_request(&h, "GET", "/v1/conversations", NULL, 0, &r, &e), -1);
	http_response_free(&r);
	assert_int_equal(e.kind, ERR_OFFLINE);
	assert_non_null(strstr(e.msg, "broke off"));
	assert_int_equal(h.requests, 2);
	http_free(&h);
	canned_stop(&c, t);
	free(url);
}

/* A failed call leaves no body behind: the part of an answer received is freed (a leak under ASan). */
static void
client__call__failure_frees_partial_answer(void **state)
{
	(void)state;
	struct canned c = {.head = "HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n{\"conv"};
	pthread_t t;
	char *url = canned_start(&c, &t);
	struct client cl;
	struct err e = {0};
	assert_int_equal(client_open(&cl, url, NULL, NULL, "natter", &e), 0);
	cl.http.retries = 0;
	struct http_response r;
	assert_int_equal(client_call(&cl, "GET", "/v1/conversations", NULL, 0, NULL, &r, &e), -1);
	assert_null(r.body.data);
	assert_int_equal(r.body.len, 0);
	client_close(&cl);
	canned_stop(&c, t);
	free(url);
}

/* Loopback: localhost, 127.0.0.0/8, ::1 and ::ffff:127.x; other names and addresses are not. */
static void
http__host_loopback__names_and_addresses(void **state)
{
	(void)state;
	assert_true(http_host_loopback("localhost"));
	assert_true(http_host_loopback("LocalHost."));
	assert_true(http_host_loopback("127.0.0.1"));
	assert_true(http_host_loopback("127.255.3.4"));
	assert_true(http_host_loopback("::1"));
	assert_true(http_host_loopback("[::1]"));
	assert_true(http_host_loopback("[::ffff:127.0.0.1]"));
	/* Names are not resolved: one that points at 127.0.0.1 today may not tomorrow. */
	assert_false(http_host_loopback("localhost.example.org"));
	assert_false(http_host_loopback("mylocalhost"));
	assert_false(http_host_loopback("chat.example.org"));
	assert_false(http_host_loopback("128.0.0.1"));
	assert_false(http_host_loopback("10.0.0.1"));
	assert_false(http_host_loopback("0.0.0.0"));
	assert_false(http_host_loopback("::"));
	assert_false(http_host_loopback("[::2]"));
	assert_false(http_host_loopback("[::ffff:10.0.0.1]"));
	assert_false(http_host_loopback("127.0.0.1.nip.io"));
	assert_false(http_host_loopback("[::1"));
	assert_false(http_host_loopback(""));
	assert_false(http_host_loopback(NULL));
}

/* The host of a URL is the one connected to: not the user info, the port or the path. */
static void
http__url_loopback__the_host_connected_to(void **state)
{
	(void)state;
	assert_true(http_url_loopback("http://127.0.0.1:8080"));
	assert_true(http_url_loopback("http://localhost/base"));
	assert_true(http_url_loopback("http://[::1]:9000"));
	assert_true(http_url_loopback("http://chat.example.org@127.0.0.1:80"));
	assert_false(http_url_loopback("http://127.0.0.1:80@chat.example.org/"));
	assert_false(http_url_loopback("http://127.0.0.1.chat.example.org"));
	assert_false(http_url_loopback("http://chat.example.org/127.0.0.1"));
	assert_false(http_url_loopback("http://chat.example.org#@127.0.0.1"));
	assert_false(http_url_loopback("http://chat.example.org?@127.0.0.1"));
}

/* Plain http:// beyond loopback is refused before a byte is sent, unless allowed. */
static void
http__check_transport__plain_http_beyond_loopback(void **state)
{
	(void)state;
	struct http h;
	struct err e = {0};
	assert_int_equal(http_init(&h, "http://natter.invalid:8080", "natter", &e), 0);
	struct http_response r;
	assert_int_equal(http_request(&h, "POST", "/v1/login", "{}", 0, &r, &e), -1);
	http_response_free(&r);
	assert_int_equal(e.kind, ERR_USAGE);
	assert_int_equal(err_exit_status(&e), 2);
	assert_non_null(strstr(e.msg, "refusing plain http://"));
	assert_non_null(strstr(e.msg, "--insecure-http"));
	assert_int_equal(h.requests, 0);
	assert_int_equal(h.bytes_sent, 0);
	h.insecure_http = true;
	assert_int_equal(http_check_transport(&h, &e), 0);
	http_free(&h);
	const char *fine[] = {
	    "https://natter.invalid", "http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1"};
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		assert_int_equal(http_init(&h, fine[i], "natter", &e), 0);
		assert_int_equal(http_check_transport(&h, &e), 0);
		http_free(&h);
	}
}

/* https:// to a plain HTTP server says so (not "the answer was lost"), and is not retried. */
static void
http__request__https_to_plain_server_says_so(void **state)
{
	(void)state;
	struct canned c = {.head = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"};
	pthread_t t;
	char *url = canned_start(&c, &t);
	char *https = xasprintf("https%s", url + 4);
	struct http h;
	struct err e = {0};
	assert_int_equal(http_init(&h, https, "natter", &e), 0);
	h.retry_base_ms = 1;
	struct http_response r;
	assert_int_equal(
	    http_request_flags(&h, "POST", "/v1/register", "{}", 0, HTTP_UNSAFE, &r, &e), -1);
	http_response_free(&r);
	assert_int_equal(e.kind, ERR_TLS);
	assert_int_equal(err_exit_status(&e), 1);
	assert_non_null(strstr(e.msg, "does not speak TLS (https)"));
	assert_non_null(strstr(e.msg, "check the URL"));
	assert_non_null(strstr(e.msg, https));
	assert_null(strstr(e.msg, "may have been done"));
	assert_int_equal(h.requests, 1);
	http_free(&h);
	canned_stop(&c, t);
	free(https);
	free(url);
}

/* Statuses and error codes map to kinds and words a user understands. */
static void
client__map_error__kinds_and_words(void **state)
{
	(void)state;
	struct client c = {.server = "http://s"};
	struct err e = {0};
	const char *bad = "{\"error\":\"bad_credentials\",\"message\":\"no\"}";
	client_map_error(&c, 401, bad, strlen(bad), NULL, &e);
	assert_int_equal(e.kind, ERR_AUTH);
	assert_non_null(strstr(e.msg, "login rejected"));
	const char *unauth = "{\"error\":\"unauthorized\",\"message\":\"token\"}";
	client_map_error(&c, 401, unauth, strlen(unauth), NULL, &e);
	assert_int_equal(e.kind, ERR_AUTH);
	assert_non_null(strstr(e.msg, "natter login"));
	const char *nf = "{\"error\":\"not_found\",\"message\":\"x\"}";
	client_map_error(&c, 404, nf, strlen(nf), "conversation c9", &e);
	assert_int_equal(e.kind, ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "not a member of it"));
	assert_int_equal(err_exit_status(&e), 1);
	const char *busy = "{\"error\":\"unavailable\",\"message\":\"bye\"}";
	client_map_error(&c, 503, busy, strlen(busy), NULL, &e);
	assert_int_equal(e.kind, ERR_OFFLINE);
	assert_int_equal(err_exit_status(&e), 75);
	client_map_error(&c, 429, "", 0, NULL, &e);
	assert_int_equal(e.kind, ERR_OFFLINE);
	const char *uu = "{\"error\":\"unknown_user\",\"message\":\"no user zed\"}";
	client_map_error(&c, 400, uu, strlen(uu), NULL, &e);
	assert_int_equal(e.kind, ERR_USAGE);
	assert_non_null(strstr(e.msg, "no user zed"));
	const char *tl = "{\"error\":\"too_large\",\"message\":\"big\"}";
	client_map_error(&c, 413, tl, strlen(tl), NULL, &e);
	assert_int_equal(e.kind, ERR_TOOLARGE);
	/* Escape sequences in the server's words never reach the terminal raw. */
	const char *esc = "{\"error\":\"x\",\"message\":\"\\u001b[2Jboom\"}";
	client_map_error(&c, 418, esc, strlen(esc), NULL, &e);
	assert_int_equal(e.kind, ERR_PROTOCOL);
	assert_null(strchr(e.msg, 0x1b));
	assert_int_equal(e.status, 418);
	/* Nor in its error code (hostile_server.t, mode "escape"). */
	const char *esccode = "{\"error\":\"\\u001b]0;pwned\\u0007\",\"message\":\"m\"}";
	client_map_error(&c, 418, esccode, strlen(esccode), NULL, &e);
	assert_null(strchr(e.msg, 0x1b));
	assert_null(strchr(e.msg, 0x07));
	/* A redirect is not followed, and says so. */
	client_map_error(&c, 302, "", 0, NULL, &e);
	assert_int_equal(e.kind, ERR_PROTOCOL);
	assert_non_null(strstr(e.msg, "redirect"));
	assert_non_null(strstr(e.msg, "does not follow"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(http__normalize__scheme_and_slashes),
	    cmocka_unit_test(http__backoff__bounded_jitter_and_retry_after),
	    cmocka_unit_test(http__request__unreachable_is_offline),
	    cmocka_unit_test(http__request__abort_flag_stops_a_long_poll),
	    cmocka_unit_test(http__request__huge_header_is_protocol_error),
	    cmocka_unit_test(http__request__cut_answer_broke_off),
	    cmocka_unit_test(client__call__failure_frees_partial_answer),
	    cmocka_unit_test(client__map_error__kinds_and_words),
	    cmocka_unit_test(http__host_loopback__names_and_addresses),
	    cmocka_unit_test(http__url_loopback__the_host_connected_to),
	    cmocka_unit_test(http__check_transport__plain_http_beyond_loopback),
	    cmocka_unit_test(http__request__https_to_plain_server_says_so),
	};
	/* The canned server writes to clients that may have hung up, as natter's programs do. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
