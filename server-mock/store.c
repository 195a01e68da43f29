/*
 * The server's store, the layer every backend shares: opening the backend
 * that -d names, settings, and the small helpers of store-*.c. See store.h
 * for the two layers and what a backend guarantees.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

/*
 * The backend of what -d names: postgresql:// and postgres:// are
 * PostgreSQL (when this server was built with libpq), another scheme is
 * an error, anything else is a SQLite file, and no -d is SQLite in memory.
 */
static const struct store_ops *
backend(const char *path, struct err *e)
{
	size_t n = path == NULL ? 0 : strspn(path, "abcdefghijklmnopqrstuvwxyz+");
	if (n == 0 || strncmp(path + n, "://", 3) != 0)
		return &store_sqlite_ops;
	if ((n == 10 && strncmp(path, "postgresql", n) == 0) ||
	    (n == 8 && strncmp(path, "postgres", n) == 0)) {
#ifdef HAVE_LIBPQ
		return &store_pg_ops;
#else
		err_set(e, ERR_USAGE,
		    "-d %.*s://...: this server was built without PostgreSQL support (libpq)",
		    (int)n, path);
		return NULL;
#endif
	}
	err_set(e, ERR_USAGE,
	    "-d %.*s://...: no such database backend (postgresql:// or a SQLite file)", (int)n,
	    path);
	return NULL;
}

/* Opens the store of path with the backend it names. */
int
store_open(struct store **sp, const char *path, int retention, struct err *e)
{
	const struct store_ops *ops = backend(path, e);
	if (ops == NULL || ops->open(sp, path, retention, e) < 0)
		return -1;
	store_stats_wrap(*sp);
	return 0;
}

/* Opens another connection to primary's database. */
int
store_open_more(struct store *primary, struct store **sp, struct err *e)
{
	if (primary->ops->open_more(primary, sp, e) < 0)
		return -1;
	store_stats_wrap(*sp);
	return 0;
}

/* Closes the store (NULL is ignored). */
void
store_close(struct store *s)
{
	if (s != NULL)
		s->ops->close(s);
}

/* Hands other processes' wake-ups to fn, when the backend has other processes. */
int
store_listen(struct store *s, store_wake_fn fn, struct err *e)
{
	return s->ops->listen != NULL ? s->ops->listen(s, fn, e) : 0;
}

/* Reads a setting. */
int
store_meta_get(struct store *s, const char *key, char **value, struct err *e)
{
	return s->ops->meta_get(s, key, value, e);
}

/* Writes a setting. */
int
store_meta_set(struct store *s, const char *key, const char *value, struct err *e)
{
	return s->ops->meta_set(s, key, value, e);
}

/* Appends an id to a growing array. */
void
store_push_id(int64_t **a, size_t *n, int64_t id)
{
	*a = xreallocarray(*a, *n + 1, sizeof(**a));
	(*a)[(*n)++] = id;
}
