/*
 * Sequence vectors: for one conversation, the set of sequence numbers held
 * for each sender, kept as sorted disjoint ranges so that every operation
 * costs O(ranges), never O(messages). Pure: no I/O, no global state.
 */
#ifndef NATTER_VECTOR_H
#define NATTER_VECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Largest sequence number: 2^53, so JSON numbers carry it exactly. */
#define SEQ_MAX ((uint64_t)1 << 53)
/* Hex digits of a vector digest (the first 128 bits of SHA-256). */
#define DIGEST_HEXLEN 32

struct range {
	uint64_t lo, hi; /* inclusive, 1 <= lo <= hi <= SEQ_MAX */
};

/* Sorted, disjoint, non-adjacent ranges. Zero-initialise for the empty set. */
struct seqset {
	struct range *r;
	size_t n, cap;
};

void seqset_free(struct seqset *s);
void seqset_clear(struct seqset *s);
void seqset_copy(struct seqset *dst, const struct seqset *src);
/* Adds x (1..SEQ_MAX); returns 1 if it was new, 0 if already held, -1 if out of range. */
int seqset_add(struct seqset *s, uint64_t x);
/* Adds lo..hi inclusive; returns -1 if the range is empty or out of bounds. */
int seqset_add_range(struct seqset *s, uint64_t lo, uint64_t hi);
bool seqset_contains(const struct seqset *s, uint64_t x);
/* dst = dst ∪ src. */
void seqset_union(struct seqset *dst, const struct seqset *src);
/* out = b \ a: what b holds that a lacks. out is overwritten. */
void seqset_diff(struct seqset *out, const struct seqset *b, const struct seqset *a);
bool seqset_equal(const struct seqset *a, const struct seqset *b);
uint64_t seqset_count(const struct seqset *s);
/* Appends the canonical text "1-40,42,45-50" ("" for the empty set). */
void seqset_format(const struct seqset *s, struct buf *out);
char *seqset_to_string(const struct seqset *s);
/*
 * Parses the range grammar strictly into s (which is cleared first). On error
 * returns -1, sets e and *errpos to the byte offset of the offending input.
 * The empty string is the empty set.
 */
int seqset_parse(struct seqset *s, const char *text, size_t len, size_t *errpos, struct err *e);

/* One sender's row of a conversation vector. */
struct vector_row {
	char *sender;
	struct seqset set;
};

/* A conversation's vector: rows sorted by sender (bytewise). */
struct vector {
	struct vector_row *rows;
	size_t n, cap;
};

void vector_free(struct vector *v);
/* The row of sender, or NULL. */
struct seqset *vector_get(const struct vector *v, const char *sender);
/* The row of sender, created empty when absent. */
struct seqset *vector_row(struct vector *v, const char *sender);
int vector_add(struct vector *v, const char *sender, uint64_t seq);
/* out = b \ a, row by row; rows left empty are omitted. out is overwritten. */
void vector_diff(struct vector *out, const struct vector *b, const struct vector *a);
uint64_t vector_count(const struct vector *v);
bool vector_equal(const struct vector *a, const struct vector *b);
/*
 * The canonical text of a whole vector: for each sender with a non-empty
 * set, in bytewise order of sender, "SENDER:RANGES\n".
 */
void vector_canonical(const struct vector *v, struct buf *out);
/* Lowercase hex of the first 16 bytes of SHA-256(canonical text). */
void vector_digest(const struct vector *v, char out[DIGEST_HEXLEN + 1]);

#endif
