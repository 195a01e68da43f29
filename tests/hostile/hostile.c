/*
 * A hostile natter server for the clients' tests: the first path segment
 * names a fault, the rest is the protocol path, e.g.
 * http://127.0.0.1:PORT/truncated/v1/conversations. It reads a request up to
 * the blank line (and its Content-Length body) and writes canned bytes:
 * a test fixture, not an HTTP implementation. One child process a connection.
 *
 * Faults: ok, truncated, short, types, missing, utf8, huge (100 MB),
 * trickle (1 byte a second), escape (terminal escapes in an invalid
 * body and in an error code), redirect (to file://), redirect-host (to
 * another host), chunked (endless), gzip (a decompression bomb), header
 * (a 1 MiB header line).
 *
 * Usage: hostile  (prints "listening on http://127.0.0.1:PORT")
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#define TOKEN "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define CONV \
	"{\"id\":\"c5d1e0f3a9b27c4e1\",\"title\":\"proj\",\"members\":[\"alice\",\"bob\"]," \
	"\"created\":1795300000000,\"vector\":{\"bob\":\"1\"}," \
	"\"digest\":\"00000000000000000000000000000000\"}"
#define MSG \
	"{\"conv\":\"c5d1e0f3a9b27c4e1\",\"sender\":\"bob\",\"seq\":1,\"ts\":1795300000999," \
	"\"body\":\"hi\"}"

enum ep { EP_AUTH, EP_CONVS, EP_CHANGES, EP_SYNC, EP_EVENTS, EP_OTHER };

/* Writes all of p, or returns -1 (the client went away). */
static int
put(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes a whole response with a JSON body. */
static void
answer(int fd, int status, const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
	    "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n",
	    status, len);
	if (put(fd, head, (size_t)n) == 0)
		put(fd, body, len);
}

/* The good answer of an endpoint. */
static const char *
good(enum ep ep)
{
	switch (ep) {
	case EP_AUTH:
		return "{\"user\":\"alice\",\"token\":\"" TOKEN "\"}";
	case EP_CONVS:
		return "{\"conversations\":[" CONV "]}";
	case EP_SYNC:
		return "{\"messages\":[" MSG
		       "],\"more\":false,\"cursor\":5,\"conversations\":[" CONV "]}";
	case EP_EVENTS:
		return "{\"cursor\":5,\"gap\":false,\"events\":[]}";
	default:
		return "{\"error\":\"not_found\",\"message\":\"no such endpoint\"}";
	}
}

/* An answer whose fields have the wrong JSON types. */
static const char *
wrong_types(enum ep ep)
{
	switch (ep) {
	case EP_AUTH:
		return "{\"user\":42,\"token\":[\"" TOKEN "\"]}";
	case EP_CONVS:
	case EP_CHANGES:
		return "{\"conversations\":{\"id\":1,\"title\":true,\"members\":\"alice\"}}";
	case EP_SYNC:
		return "{\"messages\":[{\"conv\":7,\"sender\":null,\"seq\":\"1\",\"ts\":1.5,"
		       "\"body\":{}}],\"more\":\"no\",\"cursor\":\"5\"}";
	default:
		return "{\"cursor\":\"5\",\"gap\":0,\"events\":{}}";
	}
}

/* Sends 100 MB of a JSON string, as fast as the client takes it. */
static void
huge(int fd)
{
	const size_t total = 100u << 20;
	char head[256];
	int n = snprintf(head, sizeof(head),
	    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n{\"conversations\":\"",
	    total);
	if (put(fd, head, (size_t)n) < 0)
		return;
	static char chunk[1 << 16];
	memset(chunk, 'x', sizeof(chunk));
	for (size_t sent = 18; sent < total; sent += sizeof(chunk))
		if (put(fd, chunk, sizeof(chunk)) < 0)
			return;
}

/* Sends a chunked body that never ends. */
static void
endless_chunked(int fd)
{
	const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			   "Transfer-Encoding: chunked\r\n\r\n";
	if (put(fd, head, strlen(head)) < 0)
		return;
	static char chunk[8 + (1 << 16) + 2];
	memcpy(chunk, "10000\r\n", 7);
	memset(chunk + 7, ' ', 1 << 16);
	memcpy(chunk + 7 + (1 << 16), "\r\n", 2);
	while (put(fd, chunk, 7 + (1 << 16) + 2) == 0)
		;
}

/* Sends gzip of endless spaces: a few kilobytes that inflate without end. */
static void
gzip_bomb(int fd)
{
	const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			   "Content-Encoding: gzip\r\nConnection: close\r\n\r\n";
	if (put(fd, head, strlen(head)) < 0)
		return;
	z_stream z = {0};
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return;
	static unsigned char in[1 << 20], out[1 << 16];
	memset(in, ' ', sizeof(in));
	in[0] = '[';
	for (int i = 0; i < 4096; i++) {
		z.next_in = in;
		z.avail_in = sizeof(in);
		do {
			z.next_out = out;
			z.avail_out = sizeof(out);
			deflate(&z, Z_NO_FLUSH);
			size_t n = sizeof(out) - z.avail_out;
			if (n > 0 && put(fd, out, n) < 0)
				goto done;
		} while (z.avail_out == 0);
		in[0] = ' ';
	}
done:
	deflateEnd(&z);
}

/* The longest fault name in a path. */
#define MODE_MAX 64

/*
 * Reads one request (draining its body) and finds the fault its path names
 * (/MODE/v1/...) and the endpoint. Returns 0, or -1 when there is none.
 */
static int
read_request(int fd, char mode[MODE_MAX], enum ep *ep)
{
	char req[65536];
	size_t len = 0;
	char *end = NULL;
	while (len < sizeof(req) - 1) {
		ssize_t r = read(fd, req + len, sizeof(req) - 1 - len);
		if (r <= 0)
			return -1;
		len += (size_t)r;
		req[len] = '\0';
		if ((end = strstr(req, "\r\n\r\n")) != NULL)
			break;
	}
	if (end == NULL)
		return -1;
	/* Drain the body, so the client is not cut off while it sends. */
	const char *cl = strcasestr(req, "\r\ncontent-length:");
	long want = cl ? atol(cl + 17) : 0;
	long have = (long)(len - (size_t)(end + 4 - req));
	while (have < want && have >= 0) {
		char junk[4096];
		ssize_t r = read(fd, junk, sizeof(junk));
		if (r <= 0)
			break;
		have += r;
	}
	char method[16], path[1024];
	if (sscanf(req, "%15s %1023s", method, path) != 2)
		return -1;
	mode[0] = '\0';
	const char *rest = "";
	if (path[0] == '/') {
		size_t n = strcspn(path + 1, "/");
		if (n < MODE_MAX) {
			memcpy(mode, path + 1, n);
			mode[n] = '\0';
		}
		rest = path + 1 + n;
	}
	*ep = EP_OTHER;
	if (strcmp(rest, "/v1/login") == 0 || strcmp(rest, "/v1/register") == 0)
		*ep = EP_AUTH;
	else if (strcmp(rest, "/v1/conversations") == 0)
		*ep = EP_CONVS;
	else if (strncmp(rest, "/v1/changes", 11) == 0)
		*ep = EP_CHANGES; /* as a server without it when ok: the fallback */
	else if (strcmp(rest, "/v1/sync") == 0)
		*ep = EP_SYNC;
	else if (strncmp(rest, "/v1/events", 10) == 0)
		*ep = EP_EVENTS;
	return 0;
}

/* Serves one connection according to the fault named in the path. */
static void
serve(int fd)
{
	char mode[MODE_MAX];
	enum ep ep;
	if (read_request(fd, mode, &ep) < 0)
		return;
	if (strcmp(mode, "ok") == 0) {
		answer(
		    fd, ep == EP_OTHER || ep == EP_CHANGES ? 404 : 200, good(ep), strlen(good(ep)));
	} else if (strcmp(mode, "truncated") == 0) {
		const char *g = good(ep);
		answer(fd, 200, g, strlen(g) / 2);
	} else if (strcmp(mode, "short") == 0) {
		/* Promises more than it sends, then hangs up. */
		const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				   "Content-Length: 4096\r\n\r\n{\"conversations\":[";
		put(fd, head, strlen(head));
	} else if (strcmp(mode, "types") == 0) {
		answer(fd, 200, wrong_types(ep), strlen(wrong_types(ep)));
	} else if (strcmp(mode, "missing") == 0) {
		answer(fd, 200, "{}", 2);
	} else if (strcmp(mode, "utf8") == 0) {
		static const char bad[] =
		    "{\"conversations\":[{\"id\":\"c1\",\"title\":\"\xff\xfe\xc0\xaf"
		    "\",\"members\":[\"alice\",\"bob\"]}],"
		    "\"user\":\"alice\",\"token\":\"\xed\xa0\x80\"}";
		answer(fd, 200, bad, sizeof(bad) - 1);
	} else if (strcmp(mode, "escape") == 0) {
		/* Terminal escapes where a client might quote them: a JSON error, an error code. */
		if (ep == EP_EVENTS || ep == EP_AUTH) {
			static const char bad[] = "{\"user\": \x1b]0;pwned\x07\x1b[2J}";
			answer(fd, 200, bad, sizeof(bad) - 1);
		} else {
			static const char code[] = "{\"error\":\"\\u001b]0;pwned\\u0007\","
						   "\"message\":\"\\u001b[2Jgone\"}";
			answer(fd, 418, code, sizeof(code) - 1);
		}
	} else if (strcmp(mode, "huge") == 0) {
		huge(fd);
	} else if (strcmp(mode, "trickle") == 0) {
		const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				   "Content-Length: 1000\r\n\r\n";
		if (put(fd, head, strlen(head)) == 0)
			for (int i = 0; i < 1000 && put(fd, " ", 1) == 0; i++)
				sleep(1);
	} else if (strcmp(mode, "redirect") == 0) {
		const char *r = "HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\n"
				"Content-Length: 0\r\nConnection: close\r\n\r\n";
		put(fd, r, strlen(r));
	} else if (strcmp(mode, "redirect-host") == 0) {
		const char *r = "HTTP/1.1 307 Temporary Redirect\r\n"
				"Location: http://attacker.invalid/v1/conversations\r\n"
				"Content-Length: 0\r\nConnection: close\r\n\r\n";
		put(fd, r, strlen(r));
	} else if (strcmp(mode, "chunked") == 0) {
		endless_chunked(fd);
	} else if (strcmp(mode, "gzip") == 0) {
		gzip_bomb(fd);
	} else if (strcmp(mode, "header") == 0) {
		const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Junk: ";
		if (put(fd, head, strlen(head)) < 0)
			return;
		static char junk[1 << 20];
		memset(junk, 'a', sizeof(junk));
		if (put(fd, junk, sizeof(junk)) == 0)
			answer(fd, 200, good(ep), strlen(good(ep)));
	} else {
		answer(fd, 404, "{\"error\":\"not_found\",\"message\":\"no such fault\"}", 46);
	}
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 64) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0) {
		perror("hostile");
		return 1;
	}
	printf("listening on http://127.0.0.1:%u\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		pid_t pid = fork();
		if (pid == 0) {
			close(s);
			alarm(120);
			serve(c);
			shutdown(c, SHUT_WR);
			close(c);
			_exit(0);
		}
		close(c);
	}
}
