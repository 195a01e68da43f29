/*
 * bench/merge: the launch's local merge of 10,000 messages the notifier got
 * into a 1,000,000-message history, when sync.db also holds everything
 * natter already had (natter writes back what it fetches, so sync.db grows
 * like the history). Side by side in the same run: the vector diff
 * (core/merge.c) and the naive merge that checks every message of sync.db
 * against the history. Then the size of the sync request as conversations,
 * senders and holes grow.
 * Usage: bench/merge [HISTORY [MISSING]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "merge.h"
#include "proto.h"

#define SENDERS 10

/* Seconds on a monotonic clock. */
static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Exits with the error's message. */
static void
die(const struct err *e)
{
	fprintf(stderr, "bench/merge: %s\n", e->msg);
	exit(1);
}

/* Fills batch with the messages index first..first+n-1 (interleaved senders). */
static void
make_batch(struct message *batch, char bodies[][121], uint64_t first, size_t n)
{
	static char *names[SENDERS] = {"user0", "user1", "user2", "user3", "user4", "user5",
	    "user6", "user7", "user8", "user9"};
	for (size_t i = 0; i < n; i++) {
		uint64_t k = first + i;
		snprintf(bodies[i], 121, "message %llu: %0100llu", (unsigned long long)k,
		    (unsigned long long)k);
		batch[i] = (struct message){.conv = "cbench",
		    .sender = names[k % SENDERS],
		    .seq = k / SENDERS + 1,
		    .ts = (int64_t)(1700000000000 + k),
		    .body = bodies[i]};
	}
}

/* Inserts messages [lo, hi) into history and/or sync.db in batches. */
static void
fill(struct history *h, struct syncstore *s, uint64_t lo, uint64_t hi)
{
	enum { BATCH = 10000 };
	static struct message batch[BATCH];
	static char bodies[BATCH][121];
	struct err e = {0};
	for (uint64_t k = lo; k < hi; k += BATCH) {
		size_t n = hi - k < BATCH ? (size_t)(hi - k) : BATCH;
		make_batch(batch, bodies, k, n);
		if (h != NULL && history_insert(h, batch, n, NULL, &e) < 0)
			die(&e);
		if (s != NULL && syncstore_insert(s, batch, n, NULL, NULL, &e) < 0)
			die(&e);
	}
}

/* Copies the stores' files so both merges start from the same state. */
static void
copy_file(const char *from, const char *to)
{
	char *cmd = xasprintf("cp '%s' '%s'", from, to);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench/merge: %s failed\n", cmd);
		exit(1);
	}
	free(cmd);
}

/*
 * The naive merge: every message of sync.db is looked up in the history by
 * its key, and the missing ones are inserted.
 */
static uint64_t
naive_merge(struct history *h, struct syncstore *s)
{
	struct err e = {0};
	sqlite3_stmt *all, *has;
	uint64_t copied = 0;
	if (db_prepare(&s->db, &all, "SELECT conv, sender, seq, ts, body FROM messages", &e) < 0 ||
	    db_prepare(&h->db, &has,
		"SELECT 1 FROM messages WHERE conv = ?1 AND sender = ?2 AND seq = ?3", &e) < 0)
		die(&e);
	if (db_begin(&h->db, &e) < 0)
		die(&e);
	while (db_step(&s->db, all, &e) == SQLITE_ROW) {
		struct message m = {.conv = (char *)sqlite3_column_text(all, 0),
		    .sender = (char *)sqlite3_column_text(all, 1),
		    .seq = (uint64_t)sqlite3_column_int64(all, 2),
		    .ts = sqlite3_column_int64(all, 3),
		    .body = (char *)sqlite3_column_text(all, 4)};
		sqlite3_reset(has);
		db_bind_text(has, 1, m.conv);
		db_bind_text(has, 2, m.sender);
		sqlite3_bind_int64(has, 3, (sqlite3_int64)m.seq);
		if (db_step(&h->db, has, &e) == SQLITE_ROW)
			continue;
		size_t added;
		if (history_insert_in_tx(h, &m, 1, &added, &e) < 0)
			die(&e);
		copied += added;
	}
	sqlite3_finalize(all);
	sqlite3_finalize(has);
	if (db_commit(&h->db, &e) < 0)
		die(&e);
	return copied;
}

/* Prints the sync request size for conversations x senders with holes each. */
static void
request_size(size_t convs, size_t senders, size_t holes)
{
	struct vmap have = {0};
	char **ids = xcalloc(convs, sizeof(*ids));
	for (size_t c = 0; c < convs; c++) {
		ids[c] = xasprintf("c%016zx", c * 7919);
		struct vector *v = vmap_get(&have, ids[c]);
		for (size_t u = 0; u < senders; u++) {
			char name[16];
			snprintf(name, sizeof(name), "user%zu", u);
			struct seqset *row = vector_row(v, name);
			uint64_t at = 1, len = 100000 / (holes + 1);
			for (size_t k = 0; k <= holes; k++) {
				seqset_add_range(row, at, at + len - 1);
				at += len + 1; /* one hole after each range */
			}
		}
	}
	char **entries = xcalloc(convs, sizeof(*entries));
	for (size_t c = 0; c < convs; c++)
		entries[c] = proto_have_entry(ids[c], vmap_get(&have, ids[c]));
	char *req = proto_sync_request(entries, convs, ids, convs, 0, 0);
	printf("%6zu %8zu %6zu %14zu %12.1f\n", convs, senders, holes, strlen(req),
	    (double)strlen(req) / (double)(convs * senders));
	free(req);
	for (size_t c = 0; c < convs; c++) {
		free(ids[c]);
		free(entries[c]);
	}
	free(ids);
	free(entries);
	vmap_free(&have);
}

int
main(int argc, char *argv[])
{
	uint64_t nhist = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	uint64_t nmiss = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000;
	char dir[] = "/tmp/natter-bench-merge.XXXXXX";
	if (mkdtemp(dir) == NULL)
		return 1;
	char *hpath = xasprintf("%s/history.db", dir), *spath = xasprintf("%s/sync.db", dir);
	char *h2path = xasprintf("%s/history2.db", dir), *s2path = xasprintf("%s/sync2.db", dir);
	struct history h;
	struct syncstore s;
	struct err e = {0};

	double t0 = now();
	if (history_open(&h, hpath, &e) < 0 || syncstore_open(&s, spath, 0, &e) < 0)
		die(&e);
	fill(&h, &s, 0, nhist);
	fill(NULL, &s, nhist, nhist + nmiss);
	history_close(&h);
	syncstore_close(&s);
	copy_file(hpath, h2path);
	copy_file(spath, s2path);
	printf("local merge: %llu missing into a %llu-message history; sync.db holds %llu "
	       "(setup %.1f s)\n",
	    (unsigned long long)nmiss, (unsigned long long)nhist,
	    (unsigned long long)(nhist + nmiss), now() - t0);

	if (history_open(&h, hpath, &e) < 0 || syncstore_open(&s, spath, 0, &e) < 0)
		die(&e);
	uint64_t merged;
	t0 = now();
	if (merge_from_store(&h, &s, &merged, &e) < 0)
		die(&e);
	double t_vec = now() - t0;
	history_close(&h);
	syncstore_close(&s);

	if (history_open(&h, h2path, &e) < 0 || syncstore_open(&s, s2path, 0, &e) < 0)
		die(&e);
	t0 = now();
	uint64_t copied = naive_merge(&h, &s);
	double t_naive = now() - t0;
	history_close(&h);
	syncstore_close(&s);

	printf("%-34s %10s %10s\n", "method", "copied", "ms");
	printf("%-34s %10llu %10.1f\n", "vector diff (core/merge.c)", (unsigned long long)merged,
	    t_vec * 1000);
	printf("%-34s %10llu %10.1f\n", "naive: look up every sync.db row",
	    (unsigned long long)copied, t_naive * 1000);
	printf("speedup: %.1fx%s\n", t_naive / t_vec,
	    merged == nmiss && copied == nmiss ? "" : "  (MISMATCH in copied counts)");

	printf("\nsync request size (have + scope) as the vector grows:\n");
	printf(
	    "%6s %8s %6s %14s %12s\n", "convs", "senders", "holes", "request bytes", "per sender");
	request_size(1, 2, 0);
	request_size(1, 100, 0);
	request_size(10, 10, 0);
	request_size(10, 10, 10);
	request_size(100, 10, 0);
	request_size(100, 10, 100);
	request_size(1000, 10, 0);

	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench/merge: could not remove %s\n", dir);
	free(cmd);
	free(hpath);
	free(spath);
	free(h2path);
	free(s2path);
	return merged == nmiss && copied == nmiss ? 0 : 1;
}
