/* Memory, string and error helpers shared by every natter program. */
#ifndef NATTER_UTIL_H
#define NATTER_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define NATTER_NAME_VERSION(prog) prog " " NATTER_VERSION

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation wrappers: they never return NULL; on failure they abort. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable byte buffer, always NUL-terminated. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/*
 * What went wrong, in words a user understands. Modules fill one and return
 * -1; only main() prints it. The kind decides the exit status.
 */
enum err_kind {
	ERR_NONE = 0,
	ERR_USAGE, /* bad arguments or input from the user */
	ERR_SYSTEM, /* a local system or file problem */
	ERR_DB, /* a local store problem */
	ERR_OFFLINE, /* server unreachable or temporarily failing: retry later */
	ERR_AUTH, /* no credentials, or the server refused them */
	ERR_NOTFOUND, /* unknown conversation, or not a member of it */
	ERR_CONFLICT, /* e.g. user name taken */
	ERR_PROTOCOL, /* the server answered something we cannot use */
	ERR_TOOLARGE, /* over a documented limit */
	ERR_TLS, /* no secure connection: a certificate not verified, a server without TLS */
};
struct err {
	enum err_kind kind;
	int status; /* HTTP status when one was received, else 0 */
	char msg[512];
};
/* Sets e (when not NULL) and returns -1, so callers can `return err_set(...)`. */
int err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Exit status for a command that failed with e: 1, 2 (usage) or 75 (temporary). */
int err_exit_status(const struct err *e);

/* Milliseconds since the epoch, and a monotonic clock in milliseconds. */
int64_t now_ms(void);
int64_t mono_ms(void);

/* Fills p with n cryptographically random bytes. */
void random_bytes(void *p, size_t n);
/* A random identifier of `bytes` random bytes as lowercase hex (2*bytes chars). */
char *random_hex(size_t bytes);

/* Creates a directory and its parents with the given mode. */
int mkdir_p(const char *path, int mode, struct err *e);
/*
 * Replaces path with len bytes of text, atomically: a temporary file of the
 * given mode beside it, written, synced and renamed in place. On failure
 * path is as it was.
 */
int write_file_atomic(const char *path, const void *text, size_t len, int mode, struct err *e);

#endif
