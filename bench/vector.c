/*
 * bench/vector: the difference of two conversation vectors (every sender's
 * numbers 1..N with 1% scattered holes, at different places in each vector),
 * by ranges (core/vector.c) side by side with a naive per-message set
 * difference (a hash set of (sender, seq) probed once per message) in the
 * same run. Prints both times, the ratio and the memory each needs.
 * Usage: bench/vector [SENDERS [MAX_N]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vector.h"

static uint64_t rng = 0x243f6a8885a308d3ull;

/* A fast deterministic generator. */
static uint64_t
next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Marks 1% of 1..n as holes, at random places. */
static void
make_holes(unsigned char *hole, uint64_t n)
{
	memset(hole, 0, n + 1);
	for (uint64_t k = 0; k < n / 100; k++)
		hole[1 + next_random() % n] = 1;
}

/* Builds a row 1..n without the holes. */
static void
fill_row(struct seqset *s, const unsigned char *hole, uint64_t n)
{
	uint64_t start = 0;
	for (uint64_t x = 1; x <= n + 1; x++) {
		bool present = x <= n && !hole[x];
		if (present && start == 0)
			start = x;
		if (!present && start != 0) {
			seqset_add_range(s, start, x - 1);
			start = 0;
		}
	}
}

/* Open addressing hash set of 64-bit keys (0 is never a key). */
struct hset {
	uint64_t *slot;
	uint64_t mask;
};

/* Mixes a key into a slot index. */
static uint64_t
mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

/* Inserts a key. */
static void
hset_add(struct hset *h, uint64_t k)
{
	uint64_t i = mix(k) & h->mask;
	while (h->slot[i] != 0 && h->slot[i] != k)
		i = (i + 1) & h->mask;
	h->slot[i] = k;
}

/* Tells whether a key is present. */
static bool
hset_has(const struct hset *h, uint64_t k)
{
	uint64_t i = mix(k) & h->mask;
	while (h->slot[i] != 0) {
		if (h->slot[i] == k)
			return true;
		i = (i + 1) & h->mask;
	}
	return false;
}

/* Seconds on a monotonic clock. */
static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs one size: senders × n. The naive side only when it fits in naive_max messages. */
static void
run(unsigned senders, uint64_t n, uint64_t naive_max)
{
	struct vector a = {0}, b = {0}, d = {0};
	unsigned char *hole = xmalloc(n + 1);
	char name[16];
	bool naive = (uint64_t)senders * n <= naive_max;
	struct hset h = {0};
	uint64_t **rows_b = naive ? xcalloc(senders, sizeof(*rows_b)) : NULL;
	uint64_t *len_b = naive ? xcalloc(senders, sizeof(*len_b)) : NULL;
	if (naive) {
		uint64_t slots = 1;
		while (slots < (uint64_t)senders * n * 2)
			slots <<= 1;
		h.slot = xcalloc(slots, sizeof(*h.slot));
		h.mask = slots - 1;
	}
	for (unsigned s = 0; s < senders; s++) {
		snprintf(name, sizeof(name), "user%04u", s);
		make_holes(hole, n);
		fill_row(vector_row(&a, name), hole, n);
		if (naive)
			for (uint64_t x = 1; x <= n; x++)
				if (!hole[x])
					hset_add(&h, ((uint64_t)s << 40) | x);
		make_holes(hole, n);
		fill_row(vector_row(&b, name), hole, n);
		if (naive) {
			rows_b[s] = xmalloc(n * sizeof(**rows_b));
			for (uint64_t x = 1; x <= n; x++)
				if (!hole[x])
					rows_b[s][len_b[s]++] = x;
		}
	}
	size_t ranges = 0;
	for (size_t i = 0; i < b.n; i++)
		ranges += b.rows[i].set.n;

	double t0 = now();
	int reps = 0;
	do {
		vector_diff(&d, &b, &a);
		reps++;
	} while (now() - t0 < 0.5 && reps < 1000);
	double t_ranges = (now() - t0) / reps;
	uint64_t missing = vector_count(&d);

	printf("%8u x %-9llu %11llu %9zu %12.3f", senders, (unsigned long long)n,
	    (unsigned long long)missing, ranges, t_ranges * 1000);
	if (naive) {
		t0 = now();
		uint64_t count = 0;
		for (unsigned s = 0; s < senders; s++)
			for (uint64_t i = 0; i < len_b[s]; i++)
				if (!hset_has(&h, ((uint64_t)s << 40) | rows_b[s][i]))
					count++;
		double t_naive = now() - t0;
		printf(" %12.3f %9.0fx %s\n", t_naive * 1000, t_naive / t_ranges,
		    count == missing ? "" : "MISMATCH");
		if (count != missing)
			exit(1);
		for (unsigned s = 0; s < senders; s++)
			free(rows_b[s]);
	} else {
		printf(" %12s %10s (naive set: ~%.1f GB, skipped)\n", "-", "-",
		    (double)senders * n * 2 * 8 * 1.5 / 1e9);
	}
	free(rows_b);
	free(len_b);
	free(h.slot);
	free(hole);
	vector_free(&a);
	vector_free(&b);
	vector_free(&d);
}

int
main(int argc, char *argv[])
{
	unsigned senders = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1000;
	uint64_t max_n = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
	uint64_t naive_max = 100000000;
	printf("vector diff: ranges (core/vector.c) vs naive per-message hash-set difference\n");
	printf("%8s   %-9s %11s %9s %12s %12s %10s\n", "senders", "seqs", "missing", "ranges",
	    "ranges ms", "naive ms", "speedup");
	for (uint64_t n = 1000; n <= max_n; n *= 10)
		run(senders, n, naive_max);
	return 0;
}
