/*
 * bench/window: the cost of one incoming message while a 1,000-message
 * window is open in the interface. Side by side in the same run, on the
 * same history.db: the old way (read the whole window again from SQLite,
 * sanitise and wrap it anew: timeline_fill) and the new way (read the
 * newest rows only and merge them in, so only the new message is built and
 * wrapped: timeline_merge, as window.c does). Each way then lays out one
 * screen, as the next draw does. Then the reflow after a resize.
 * Usage: bench/window [MESSAGES [ROUNDS]]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history.h"
#include "timeline.h"
#include "view.h"

#define CONV "cbench"
#define WIDTH 100
#define HEIGHT 40

/* Microseconds on a monotonic clock. */
static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Exits with the error's message. */
static void
die(const struct err *e)
{
	fprintf(stderr, "bench/window: %s\n", e->msg);
	exit(1);
}

/* Inserts message k: bodies of 20 to 400 bytes, some of several lines (tx: in a transaction). */
static void
insert(struct history *h, uint64_t k, bool tx)
{
	static const char *const names[] = {"amy", "bob", "cleo", "dan", "me"};
	struct buf b = {0};
	size_t words = 3 + (k * 7919) % 60;
	for (size_t w = 0; w < words; w++)
		buf_printf(&b, "%sword%zu",
		    w == 0                            ? ""
			: (k % 11 == 0 && w % 9 == 0) ? "\n"
						      : " ",
		    (k + w) % 1000);
	struct message m = {.conv = CONV,
	    .sender = (char *)names[k % nitems(names)],
	    .seq = k + 1,
	    .ts = (int64_t)(1700000000000 + k * 1000),
	    .body = b.data};
	struct err e = {0};
	if ((tx ? history_insert_in_tx : history_insert)(h, &m, 1, NULL, &e) < 0)
		die(&e);
	buf_free(&b);
}

/* Lays out one screen in *us; returns how many messages were wrapped for it. */
static size_t
layout(struct view *v, size_t width, double *us)
{
	size_t before = 0, after = 0, scroll = 0;
	for (size_t i = 0; i < v->n; i++)
		before += v->msgs[i]->wrapw == width;
	static struct view_row rows[HEIGHT];
	double t0 = now_us();
	view_layout(v, width, HEIGHT, &scroll, rows);
	*us = now_us() - t0;
	for (size_t i = 0; i < v->n; i++)
		after += v->msgs[i]->wrapw == width;
	return after - before;
}

/* One incoming message, the old way: the whole window read and built again. */
static double
old_way(struct history *h, struct view *v, const struct timeline *t, size_t *built)
{
	struct err e = {0};
	struct message *rows = NULL;
	struct outbox_item *ob = NULL;
	size_t n = 0, nob = 0;
	double t0 = now_us();
	if (history_messages(h, CONV, 0, VIEW_WINDOW, &rows, &n, &e) < 0 ||
	    history_outbox_list(h, &ob, &nob, &e) < 0)
		die(&e);
	timeline_fill(v, rows, n, t);
	messages_free(rows, n);
	outbox_items_free(ob, nob);
	double t1 = now_us();
	*built = v->n;
	return t1 - t0;
}

/* One incoming message, the new way: the newest rows read and merged in. */
static double
new_way(struct history *h, struct view *v, const struct timeline *t, size_t *built)
{
	struct err e = {0};
	struct message *rows = NULL;
	struct outbox_item *ob = NULL;
	size_t n = 0, nob = 0;
	double t0 = now_us();
	if (history_messages(h, CONV, 0, 1 + TIMELINE_OVERLAP, &rows, &n, &e) < 0 ||
	    history_outbox_list(h, &ob, &nob, &e) < 0)
		die(&e);
	int rc = timeline_merge(v, rows, n, 1, t);
	messages_free(rows, n);
	outbox_items_free(ob, nob);
	double t1 = now_us();
	if (rc != 1) {
		fprintf(stderr, "bench/window: the merge did not join (%d)\n", rc);
		exit(1);
	}
	*built = (size_t)rc;
	return t1 - t0;
}

/* Sorts doubles, for the median. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Prints one way's line: median and mean of the read+build and of the layout. */
static void
report(const char *name, double *build, double *draw, size_t rounds, size_t built, size_t wrapped)
{
	double sb = 0;
	for (size_t i = 0; i < rounds; i++)
		sb += build[i];
	qsort(build, rounds, sizeof(*build), cmp_double);
	qsort(draw, rounds, sizeof(*draw), cmp_double);
	printf("%-40s %10.1f %10.1f %10.1f %8zu %8zu\n", name, build[rounds / 2],
	    sb / (double)rounds, draw[rounds / 2], built, wrapped);
}

int
main(int argc, char *argv[])
{
	size_t total = argc > 1 ? strtoul(argv[1], NULL, 10) : 5000;
	size_t rounds = argc > 2 ? strtoul(argv[2], NULL, 10) : 300;
	if (total < VIEW_WINDOW || rounds == 0) {
		fprintf(stderr, "usage: bench/window [MESSAGES>=%d [ROUNDS]]\n", VIEW_WINDOW);
		return 2;
	}
	char dir[] = "/tmp/natter-bench-window.XXXXXX";
	if (!mkdtemp(dir)) {
		perror("bench/window: mkdtemp");
		return 1;
	}
	char *path = xasprintf("%s/history.db", dir);
	struct history h;
	struct err e = {0};
	if (history_open(&h, path, &e) < 0)
		die(&e);
	if (db_begin(&h.db, &e) < 0)
		die(&e);
	for (uint64_t k = 0; k < total; k++)
		insert(&h, k, true);
	if (db_commit(&h.db, &e) < 0)
		die(&e);

	struct timeline t = {.me = "me", .conv = CONV};
	struct view oldv, newv;
	view_init(&oldv, 0);
	view_init(&newv, 0);
	size_t built;
	old_way(&h, &oldv, &t, &built);
	old_way(&h, &newv, &t, &built);
	double us;
	layout(&oldv, WIDTH, &us);
	layout(&newv, WIDTH, &us);
	double *ob = xcalloc(rounds, sizeof(double)), *od = xcalloc(rounds, sizeof(double));
	double *nb = xcalloc(rounds, sizeof(double)), *nd = xcalloc(rounds, sizeof(double));
	size_t obuilt = 0, nbuilt = 0, owrapped = 0, nwrapped = 0;
	for (size_t r = 0; r < rounds; r++) {
		insert(&h, total + r, false);
		ob[r] = old_way(&h, &oldv, &t, &obuilt);
		owrapped = layout(&oldv, WIDTH, &od[r]);
		nb[r] = new_way(&h, &newv, &t, &nbuilt);
		nwrapped = layout(&newv, WIDTH, &nd[r]);
	}
	printf("one incoming message, a %d-message window open (%zu in history, %d x %d screen, "
	       "%zu rounds)\n",
	    VIEW_WINDOW, total, WIDTH, HEIGHT, rounds);
	printf("microseconds: read+build (median, mean), then the next draw's layout (median);\n"
	       "messages built (sanitised) and wrapped for that draw\n");
	printf("%-40s %10s %10s %10s %8s %8s\n", "way", "build med", "build mean", "draw med",
	    "built", "wrapped");
	double old_med, new_med;
	report("old: read 1,000 rows, build all (fill)", ob, od, rounds, obuilt, owrapped);
	old_med = ob[rounds / 2] + od[rounds / 2];
	report("new: read newest 9, merge (timeline.c)", nb, nd, rounds, nbuilt, nwrapped);
	new_med = nb[rounds / 2] + nd[rounds / 2];
	printf("speedup (median, read+build+draw): %.1fx\n", old_med / new_med);

	/* A resize: the screen's messages are wrapped again for the new width, either way. */
	size_t rewrapped = layout(&newv, WIDTH - 30, &us);
	printf("reflow after a resize to %d columns: %.1f us, %zu messages wrapped again\n",
	    WIDTH - 30, us, rewrapped);

	view_free(&oldv);
	view_free(&newv);
	free(ob);
	free(od);
	free(nb);
	free(nd);
	history_close(&h);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench/window: could not remove %s\n", dir);
	free(cmd);
	free(path);
	return 0;
}
