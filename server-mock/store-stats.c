/*
 * The store's figures for GET /v1/metrics, the same for every backend:
 * store_open gives each connection a copy of its backend's table whose
 * transaction operations are timed here, so a backend counts nothing
 * itself but its lock waits (store_note_wait, store_note_busy).
 */
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "store.h"

/* Upper bounds of the duration buckets, in microseconds (the last is +Inf). */
static const int64_t bounds_us[STORE_BUCKETS - 1] = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000};

typedef atomic_uint_least64_t counter;
struct histogram {
	counter bucket[STORE_BUCKETS];
	counter sum_us;
};
static struct histogram write_h, read_h;
static counter commits, rollbacks, waits, wait_us, busy;

/* The backends whose tables were wrapped, and the wrapped copies. */
static const struct store_ops *real[4];
static struct store_ops wrapped[4];
static atomic_int nwrapped;

/* When this thread's connection began its transaction and its read snapshot. */
static _Thread_local int64_t write_start, read_start;

/* Microseconds of the monotonic clock. */
static int64_t
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Counts one duration into h. */
static void
observe(struct histogram *h, int64_t us)
{
	size_t i = 0;
	while (i < STORE_BUCKETS - 1 && us > bounds_us[i])
		i++;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, (uint64_t)us, memory_order_relaxed);
}

/* The backend's table of s's wrapped table. */
static const struct store_ops *
backend_of(struct store *s)
{
	return real[s->ops - wrapped];
}

/* begin, timed from the call: waiting for the write turn is time in the store. */
static int
w_begin(struct store *s, struct err *e)
{
	write_start = now_us();
	return backend_of(s)->begin(s, e);
}

/* commit; a failed one was rolled back. */
static int
w_commit(struct store *s, struct err *e)
{
	int rc = backend_of(s)->commit(s, e);
	atomic_fetch_add_explicit(rc == 0 ? &commits : &rollbacks, 1, memory_order_relaxed);
	observe(&write_h, now_us() - write_start);
	return rc;
}

/* rollback. */
static void
w_rollback(struct store *s)
{
	backend_of(s)->rollback(s);
	atomic_fetch_add_explicit(&rollbacks, 1, memory_order_relaxed);
	observe(&write_h, now_us() - write_start);
}

/* read_begin. */
static int
w_read_begin(struct store *s, struct err *e)
{
	read_start = now_us();
	return backend_of(s)->read_begin(s, e);
}

/* read_end. */
static void
w_read_end(struct store *s)
{
	backend_of(s)->read_end(s);
	observe(&read_h, now_us() - read_start);
}

/* Points s at the timed copy of its backend's table (made at the first call). */
void
store_stats_wrap(struct store *s)
{
	/* The stores are opened on the main thread first, before any request thread. */
	int n = atomic_load(&nwrapped);
	for (int i = 0; i < n; i++) {
		if (real[i] == s->ops || &wrapped[i] == s->ops) {
			s->ops = &wrapped[i];
			return;
		}
	}
	if (n == (int)nitems(real))
		return; /* untimed: more backends than any build has */
	real[n] = s->ops;
	wrapped[n] = *s->ops;
	wrapped[n].begin = w_begin;
	wrapped[n].commit = w_commit;
	wrapped[n].rollback = w_rollback;
	wrapped[n].read_begin = w_read_begin;
	wrapped[n].read_end = w_read_end;
	atomic_store(&nwrapped, n + 1);
	s->ops = &wrapped[n];
}

/* Notes that a backend waited us microseconds for another writer's lock. */
void
store_note_wait(int64_t us)
{
	atomic_fetch_add_explicit(&waits, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&wait_us, (uint64_t)us, memory_order_relaxed);
}

/* Notes that the database answered "busy" and the backend retried. */
void
store_note_busy(void)
{
	atomic_fetch_add_explicit(&busy, 1, memory_order_relaxed);
}

/* Copies a histogram. */
static void
copy(const struct histogram *h, struct store_histogram *out)
{
	for (size_t i = 0; i < STORE_BUCKETS; i++)
		out->count[i] = atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
	out->sum_us = atomic_load_explicit(&h->sum_us, memory_order_relaxed);
}

/* The figures so far, with s's backend name and database size (-1: unknown). */
void
store_stats(struct store *s, struct store_stats *out)
{
	memset(out, 0, sizeof(*out));
	const struct store_ops *ops = s != NULL ? s->ops : NULL;
	out->backend = ops != NULL && ops->name != NULL ? ops->name : "unknown";
	out->size = -1;
	int64_t size;
	struct err e = {0};
	if (ops != NULL && ops->size != NULL && ops->size(s, &size, &e) == 0)
		out->size = size;
	for (size_t i = 0; i < STORE_BUCKETS - 1; i++)
		out->bounds_us[i] = bounds_us[i];
	copy(&write_h, &out->write);
	copy(&read_h, &out->read);
	out->commits = atomic_load(&commits);
	out->rollbacks = atomic_load(&rollbacks);
	out->waits = atomic_load(&waits);
	out->wait_us = atomic_load(&wait_us);
	out->busy = atomic_load(&busy);
}
