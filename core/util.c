/* Memory, string and error helpers shared by every natter program. */
#include "util.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void
oom(void)
{
	fputs("natter: out of memory\n", stderr);
	abort();
}

/* Allocates size bytes or aborts. */
void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

/* Allocates n zeroed elements or aborts. */
void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

/* Resizes p to n elements of size bytes, checking for overflow, or aborts. */
void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		oom();
	size_t bytes = n * size;
	p = realloc(p, bytes ? bytes : 1);
	if (p == NULL)
		oom();
	return p;
}

/* Duplicates a string or aborts. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* Duplicates at most n bytes of a string or aborts. */
char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Formats into a new string or aborts. */
char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		oom();
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

/* Formats into a new string or aborts. */
char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

/* Appends n bytes to a buffer. */
void
buf_append(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = xreallocarray(b->data, cap, 1);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Appends a string to a buffer. */
void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

/* Appends formatted text to a buffer. */
void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_puts(b, s);
	free(s);
}

/* Frees a buffer's storage and empties it. */
void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Records an error and returns -1. */
int
err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
{
	if (e == NULL)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	e->kind = kind;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Maps an error to the documented exit status. */
int
err_exit_status(const struct err *e)
{
	switch (e->kind) {
	case ERR_NONE:
		return 0;
	case ERR_USAGE:
		return 2;
	case ERR_OFFLINE:
		return 75;
	default:
		return 1;
	}
}

/* Returns wall-clock milliseconds since the epoch. */
int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns monotonic milliseconds, for timeouts and durations. */
int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fills p with random bytes from the system's CSPRNG (via libsodium). */
void
random_bytes(void *p, size_t n)
{
	if (sodium_init() < 0) {
		fputs("natter: cannot initialise libsodium\n", stderr);
		abort();
	}
	randombytes_buf(p, n);
}

/* Returns 2*bytes lowercase hex characters of randomness. */
char *
random_hex(size_t bytes)
{
	unsigned char raw[64];
	if (bytes > sizeof(raw))
		bytes = sizeof(raw);
	random_bytes(raw, bytes);
	char *hex = xmalloc(bytes * 2 + 1);
	sodium_bin2hex(hex, bytes * 2 + 1, raw, bytes);
	sodium_memzero(raw, sizeof(raw));
	return hex;
}

/* Creates path and any missing parents with mode. */
int
mkdir_p(const char *path, int mode, struct err *e)
{
	char *p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
			int saved = errno;
			err_set(e, ERR_SYSTEM, "cannot create %s: %s", p, strerror(saved));
			free(p);
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return 0;
}

/* Replaces path with text through a synced temporary file renamed in place. */
int
write_file_atomic(const char *path, const void *text, size_t len, int mode, struct err *e)
{
	char *tmp = xasprintf("%s.tmp", path);
	unlink(tmp);
	int ret = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, (mode_t)mode);
	if (fd < 0) {
		err_set(e, ERR_SYSTEM, "cannot write %s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, (const char *)text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	bool ok = off == len && fsync(fd) == 0;
	int saved = errno;
	close(fd);
	if (!ok)
		err_set(e, ERR_SYSTEM, "cannot write %s: %s", tmp, strerror(saved));
	else if (rename(tmp, path) < 0)
		err_set(e, ERR_SYSTEM, "cannot replace %s: %s", path, strerror(errno));
	else
		ret = 0;
	if (ret < 0)
		unlink(tmp);
	free(tmp);
	return ret;
}
