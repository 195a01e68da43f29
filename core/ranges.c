/* Range tables in SQLite: rows read into a seqset, merged by vector.c, written back. */
#include "ranges.h"

#include <stdlib.h>
#include <string.h>

static const char *const param_names[RP_N] = {
    [RP_KIND] = ":kind",
    [RP_CONV] = ":conv",
    [RP_SENDER] = ":sender",
    [RP_LO] = ":lo",
    [RP_HI] = ":hi",
};

/* Prepares the statements and finds their named parameters. */
int
range_table_open(
    struct range_table *t, struct db *db, const char *const sql[RANGE_N], struct err *e)
{
	memset(t, 0, sizeof(*t));
	t->db = db;
	for (int i = 0; i < RANGE_N; i++) {
		if (db_prepare(db, &t->st[i], sql[i], e) < 0) {
			range_table_close(t);
			return -1;
		}
		for (int p = 0; p < RP_N; p++)
			t->param[i][p] = sqlite3_bind_parameter_index(t->st[i], param_names[p]);
	}
	return 0;
}

/* Finalizes the statements and frees the scratch sets. */
void
range_table_close(struct range_table *t)
{
	for (int i = 0; i < RANGE_N; i++) {
		sqlite3_finalize(t->st[i]);
		t->st[i] = NULL;
	}
	seqset_free(&t->was);
	seqset_free(&t->now);
	free(t->rows);
	t->rows = NULL;
	t->rows_cap = 0;
}

/* Returns statement i reset, with the key bound and :lo, :hi when given (a > 0). */
static sqlite3_stmt *
bind(struct range_table *t, int i, const struct range_key *k, uint64_t lo, uint64_t hi)
{
	sqlite3_stmt *st = t->st[i];
	const int *p = t->param[i];
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (p[RP_KIND] > 0)
		sqlite3_bind_int(st, p[RP_KIND], k->kind);
	if (p[RP_CONV] > 0)
		db_bind_text(st, p[RP_CONV], k->conv);
	if (p[RP_SENDER] > 0)
		db_bind_text(st, p[RP_SENDER], k->sender);
	if (p[RP_LO] > 0)
		sqlite3_bind_int64(st, p[RP_LO], (sqlite3_int64)lo);
	if (p[RP_HI] > 0)
		sqlite3_bind_int64(st, p[RP_HI], (sqlite3_int64)hi);
	return st;
}

/* Reports a row that is not a range (a damaged file). */
static int
bad_range(struct range_table *t, uint64_t lo, uint64_t hi, struct err *e)
{
	return err_set(e, ERR_DB, "%s holds a bad range %llu-%llu",
	    t->db->path ? t->db->path : "the database", (unsigned long long)lo,
	    (unsigned long long)hi);
}

/* Runs a writing statement and resets it. */
static int
run(struct range_table *t, sqlite3_stmt *st, struct err *e)
{
	int rc = db_step(t->db, st, e);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Reads the rows of k that lo..hi overlaps or touches into out (cleared), ascending. */
static int
touching(struct range_table *t, const struct range_key *k, uint64_t lo, uint64_t hi,
    struct seqset *out, struct err *e)
{
	sqlite3_stmt *st = bind(t, RANGE_TOUCHING, k, lo, hi);
	seqset_clear(out);
	size_t n = 0;
	int rc;
	while ((rc = db_step(t->db, st, e)) == SQLITE_ROW) {
		uint64_t rlo = (uint64_t)sqlite3_column_int64(st, 0);
		uint64_t rhi = (uint64_t)sqlite3_column_int64(st, 1);
		if (rhi + 1 < lo)
			break; /* the rows below end before lo - 1 too */
		if (n == t->rows_cap) {
			t->rows_cap = t->rows_cap ? t->rows_cap * 2 : 4;
			t->rows = xreallocarray(t->rows, t->rows_cap, sizeof(*t->rows));
		}
		t->rows[n++] = (struct range){rlo, rhi};
	}
	sqlite3_reset(st);
	/* Read in descending order: added ascending, each is an append. */
	for (size_t i = n; rc >= 0 && i-- > 0;) {
		if (seqset_add_range(out, t->rows[i].lo, t->rows[i].hi) < 0)
			rc = bad_range(t, t->rows[i].lo, t->rows[i].hi, e);
	}
	return rc < 0 ? -1 : 0;
}

/* The range of s that starts at lo, or NULL. */
static const struct range *
starting_at(const struct seqset *s, uint64_t lo)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].lo == lo)
			return &s->r[i];
	return NULL;
}

/* Writes the rows of `now` in place of those of `was` (both sets of k). */
static int
rewrite(struct range_table *t, const struct range_key *k, const struct seqset *was,
    const struct seqset *now, struct err *e)
{
	for (size_t i = 0; i < was->n; i++) {
		if (starting_at(now, was->r[i].lo) == NULL &&
		    run(t, bind(t, RANGE_DEL, k, was->r[i].lo, 0), e) < 0)
			return -1;
	}
	for (size_t i = 0; i < now->n; i++) {
		const struct range *old = starting_at(was, now->r[i].lo);
		int rc = 0;
		if (old == NULL)
			rc = run(t, bind(t, RANGE_ADD, k, now->r[i].lo, now->r[i].hi), e);
		else if (old->hi != now->r[i].hi)
			rc = run(t, bind(t, RANGE_SET_HI, k, now->r[i].lo, now->r[i].hi), e);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Adds lo..hi to k's set: read the touching rows, merge in memory, write the change. */
int
range_table_add(
    struct range_table *t, const struct range_key *k, uint64_t lo, uint64_t hi, struct err *e)
{
	if (lo < 1 || lo > hi || hi > SEQ_MAX)
		return err_set(e, ERR_PROTOCOL, "a bad sequence range %llu-%llu",
		    (unsigned long long)lo, (unsigned long long)hi);
	if (touching(t, k, lo, hi, &t->was, e) < 0)
		return -1;
	seqset_copy(&t->now, &t->was);
	seqset_add_range(&t->now, lo, hi);
	if (seqset_equal(&t->was, &t->now))
		return 0;
	return rewrite(t, k, &t->was, &t->now, e) < 0 ? -1 : 1;
}

/* Tells whether seq is in k's set, from the rows around it. */
int
range_table_contains(
    struct range_table *t, const struct range_key *k, uint64_t seq, bool *in, struct err *e)
{
	*in = false;
	if (seq < 1 || seq > SEQ_MAX)
		return 0;
	int rc = touching(t, k, seq, seq, &t->was, e);
	*in = rc == 0 && seqset_contains(&t->was, seq);
	return rc;
}

/* Loads a vector from its rows, one seqset append per row. */
int
range_table_vector(
    struct range_table *t, int kind, const char *conv, struct vector *out, struct err *e)
{
	vector_free(out);
	struct range_key k = {kind, conv, NULL};
	sqlite3_stmt *st = bind(t, RANGE_VECTOR, &k, 0, 0);
	struct seqset *row = NULL;
	char *last = NULL;
	int rc;
	while ((rc = db_step(t->db, st, e)) == SQLITE_ROW) {
		const char *sender = (const char *)sqlite3_column_text(st, 0);
		uint64_t lo = (uint64_t)sqlite3_column_int64(st, 1);
		uint64_t hi = (uint64_t)sqlite3_column_int64(st, 2);
		if (sender == NULL)
			continue;
		if (last == NULL || strcmp(last, sender) != 0) {
			free(last);
			last = xstrdup(sender);
			row = vector_row(out, sender);
		}
		if (seqset_add_range(row, lo, hi) < 0) {
			rc = bad_range(t, lo, hi, e);
			break;
		}
	}
	free(last);
	sqlite3_reset(st);
	if (rc < 0) {
		vector_free(out);
		return -1;
	}
	return 0;
}
