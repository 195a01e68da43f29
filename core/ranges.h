/*
 * Sequence sets kept in SQLite: the `ranges` tables of history.db and
 * sync.db, one row (lo, hi) per range of a (kind, conv, sender). This is
 * the one place that keeps such a table; the merging itself is vector.c's:
 * adding a range reads only the rows it touches into a seqset, merges there
 * with seqset_add_range, and writes back the rows that changed. So an insert
 * costs O(log rows + rows merged) and reading a vector O(senders + holes),
 * never a scan of the messages.
 *
 * Each store gives the SQL of its table (its schema is its own), with the
 * named parameters :kind (when the table has kinds), :conv, :sender, :lo
 * and :hi. Every call runs inside the caller's transaction and leaves its
 * statements reset.
 */
#ifndef NATTER_RANGES_H
#define NATTER_RANGES_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "util.h"
#include "vector.h"

/* The statements of a range table, in the order of range_table_open's sql. */
enum range_stmt {
	RANGE_TOUCHING, /* lo, hi of (conv, sender) with lo <= :hi + 1, by lo descending */
	RANGE_SET_HI, /* set hi = :hi of the row at :lo */
	RANGE_DEL, /* delete the row at :lo */
	RANGE_ADD, /* insert (:lo, :hi) */
	RANGE_VECTOR, /* sender, lo, hi of :conv, by sender then lo */
	RANGE_N,
};

/* The parameters a statement may name. */
enum range_param { RP_KIND, RP_CONV, RP_SENDER, RP_LO, RP_HI, RP_N };

struct range_table {
	struct db *db;
	sqlite3_stmt *st[RANGE_N];
	int param[RANGE_N][RP_N]; /* index of each named parameter, 0 when absent */
	struct seqset was, now; /* scratch of range_table_add, kept to spare allocations */
	struct range *rows;
	size_t rows_cap;
};

/* Which set: (kind, conv, sender). kind is ignored by tables without kinds. */
struct range_key {
	int kind;
	const char *conv;
	const char *sender;
};

/* Prepares the statements sql[RANGE_N] on db. */
int range_table_open(
    struct range_table *t, struct db *db, const char *const sql[RANGE_N], struct err *e);
void range_table_close(struct range_table *t);
/* Adds lo..hi to k's set. Returns 1 when something was added, 0 when already held. */
int range_table_add(
    struct range_table *t, const struct range_key *k, uint64_t lo, uint64_t hi, struct err *e);
/* *in = seq is in k's set. */
int range_table_contains(
    struct range_table *t, const struct range_key *k, uint64_t seq, bool *in, struct err *e);
/* The vector of (kind, conv): out is overwritten. */
int range_table_vector(
    struct range_table *t, int kind, const char *conv, struct vector *out, struct err *e);

#endif
