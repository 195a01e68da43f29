/* Sequence vectors: sets of sequence numbers as sorted disjoint ranges. */
#include "vector.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for at least n ranges. */
static void
reserve(struct seqset *s, size_t n)
{
	if (n <= s->cap)
		return;
	size_t cap = s->cap ? s->cap : 4;
	while (cap < n)
		cap *= 2;
	s->r = xreallocarray(s->r, cap, sizeof(*s->r));
	s->cap = cap;
}

/* Appends a range known to lie after every range of s, merging when adjacent. */
static void
push(struct seqset *s, uint64_t lo, uint64_t hi)
{
	if (s->n > 0 && s->r[s->n - 1].hi + 1 >= lo) {
		if (hi > s->r[s->n - 1].hi)
			s->r[s->n - 1].hi = hi;
		return;
	}
	reserve(s, s->n + 1);
	s->r[s->n++] = (struct range){lo, hi};
}

/* Frees a set's storage. */
void
seqset_free(struct seqset *s)
{
	free(s->r);
	*s = (struct seqset){0};
}

/* Empties a set, keeping its storage. */
void
seqset_clear(struct seqset *s)
{
	s->n = 0;
}

/* Replaces dst with a copy of src. */
void
seqset_copy(struct seqset *dst, const struct seqset *src)
{
	if (dst == src)
		return;
	reserve(dst, src->n);
	if (src->n > 0)
		memcpy(dst->r, src->r, src->n * sizeof(*src->r));
	dst->n = src->n;
}

/* Index of the first range whose hi + 1 >= x (which touches or follows x). */
static size_t
lower(const struct seqset *s, uint64_t x)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->r[mid].hi + 1 < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Adds lo..hi, merging with every range it touches. */
int
seqset_add_range(struct seqset *s, uint64_t lo, uint64_t hi)
{
	if (lo < 1 || lo > hi || hi > SEQ_MAX)
		return -1;
	if (s->n == 0 || s->r[s->n - 1].hi + 1 < lo) {
		push(s, lo, hi);
		return 0;
	}
	size_t i = lower(s, lo);
	size_t j = i;
	while (j < s->n && s->r[j].lo <= hi + 1)
		j++;
	if (i == j) {
		reserve(s, s->n + 1);
		memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof(*s->r));
		s->r[i] = (struct range){lo, hi};
		s->n++;
		return 0;
	}
	if (s->r[i].lo < lo)
		lo = s->r[i].lo;
	if (s->r[j - 1].hi > hi)
		hi = s->r[j - 1].hi;
	s->r[i] = (struct range){lo, hi};
	memmove(&s->r[i + 1], &s->r[j], (s->n - j) * sizeof(*s->r));
	s->n -= j - i - 1;
	return 0;
}

/* Adds one number; reports whether it was new. */
int
seqset_add(struct seqset *s, uint64_t x)
{
	if (x < 1 || x > SEQ_MAX)
		return -1;
	if (seqset_contains(s, x))
		return 0;
	seqset_add_range(s, x, x);
	return 1;
}

/* Tells whether x is in s, by binary search. */
bool
seqset_contains(const struct seqset *s, uint64_t x)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->r[mid].hi < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->r[lo].lo <= x;
}

/* Merges src into dst in one pass over both. */
void
seqset_union(struct seqset *dst, const struct seqset *src)
{
	if (src->n == 0 || dst == src)
		return;
	if (dst->n == 0 || dst->r[dst->n - 1].hi + 1 < src->r[0].lo) {
		for (size_t i = 0; i < src->n; i++)
			push(dst, src->r[i].lo, src->r[i].hi);
		return;
	}
	struct seqset out = {0};
	reserve(&out, dst->n + src->n);
	size_t i = 0, j = 0;
	while (i < dst->n || j < src->n) {
		const struct range *r;
		if (j >= src->n || (i < dst->n && dst->r[i].lo <= src->r[j].lo))
			r = &dst->r[i++];
		else
			r = &src->r[j++];
		push(&out, r->lo, r->hi);
	}
	free(dst->r);
	*dst = out;
}

/* Computes b \ a in one pass over both. */
void
seqset_diff(struct seqset *out, const struct seqset *b, const struct seqset *a)
{
	struct seqset res = {0};
	size_t j = 0;
	for (size_t i = 0; i < b->n; i++) {
		uint64_t lo = b->r[i].lo, hi = b->r[i].hi;
		while (j < a->n && a->r[j].hi < lo)
			j++;
		size_t k = j;
		while (lo <= hi) {
			if (k >= a->n || a->r[k].lo > hi) {
				push(&res, lo, hi);
				break;
			}
			if (a->r[k].lo > lo)
				push(&res, lo, a->r[k].lo - 1);
			if (a->r[k].hi >= hi)
				break;
			lo = a->r[k].hi + 1;
			k++;
		}
	}
	free(out->r);
	*out = res;
}

/* Tells whether two sets hold the same numbers. */
bool
seqset_equal(const struct seqset *a, const struct seqset *b)
{
	if (a->n != b->n)
		return false;
	return a->n == 0 || memcmp(a->r, b->r, a->n * sizeof(*a->r)) == 0;
}

/* Returns how many numbers s holds. */
uint64_t
seqset_count(const struct seqset *s)
{
	uint64_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += s->r[i].hi - s->r[i].lo + 1;
	return n;
}

/* Appends the canonical range text of s. */
void
seqset_format(const struct seqset *s, struct buf *out)
{
	char tmp[48];
	buf_append(out, "", 0);
	for (size_t i = 0; i < s->n; i++) {
		int len;
		if (s->r[i].lo == s->r[i].hi)
			len = snprintf(tmp, sizeof(tmp), "%s%llu", i ? "," : "",
			    (unsigned long long)s->r[i].lo);
		else
			len = snprintf(tmp, sizeof(tmp), "%s%llu-%llu", i ? "," : "",
			    (unsigned long long)s->r[i].lo, (unsigned long long)s->r[i].hi);
		buf_append(out, tmp, (size_t)len);
	}
}

/* Returns the canonical range text of s as a new string. */
char *
seqset_to_string(const struct seqset *s)
{
	struct buf b = {0};
	seqset_format(s, &b);
	return b.data;
}

/* Records a parse error at byte pos. */
static int
parse_error(size_t *errpos, size_t pos, struct err *e, const char *what)
{
	if (errpos != NULL)
		*errpos = pos;
	return err_set(e, ERR_USAGE, "invalid ranges at byte %zu: %s", pos, what);
}

/* Reads one number at text[*i]; no sign, no leading zero, at most SEQ_MAX. */
static int
parse_number(const char *text, size_t len, size_t *i, uint64_t *out, size_t *errpos, struct err *e)
{
	size_t start = *i;
	if (*i >= len)
		return parse_error(errpos, *i, e, "expected a number");
	char c = text[*i];
	if (c == '0')
		return parse_error(errpos, *i, e, "numbers start at 1, with no leading zero");
	if (c < '1' || c > '9')
		return parse_error(errpos, *i, e, c == ',' ? "empty item" : "expected a number");
	uint64_t v = 0;
	while (*i < len && text[*i] >= '0' && text[*i] <= '9') {
		v = v * 10 + (uint64_t)(text[*i] - '0');
		if (v > SEQ_MAX)
			return parse_error(errpos, start, e, "number above 2^53");
		(*i)++;
	}
	*out = v;
	return 0;
}

/* Parses the strict range grammar of docs/protocol.md. */
int
seqset_parse(struct seqset *s, const char *text, size_t len, size_t *errpos, struct err *e)
{
	seqset_clear(s);
	size_t i = 0;
	while (len > 0) {
		size_t item = i;
		uint64_t lo, hi;
		if (parse_number(text, len, &i, &lo, errpos, e) < 0)
			goto fail;
		hi = lo;
		if (i < len && text[i] == '-') {
			i++;
			size_t second = i;
			if (parse_number(text, len, &i, &hi, errpos, e) < 0)
				goto fail;
			if (hi <= lo) {
				parse_error(
				    errpos, second, e, "range end must be greater than its start");
				goto fail;
			}
		}
		if (s->n > 0 && lo <= s->r[s->n - 1].hi) {
			parse_error(errpos, item, e, "ranges out of order or overlapping");
			goto fail;
		}
		push(s, lo, hi);
		if (i == len)
			break;
		if (text[i] != ',') {
			parse_error(errpos, i, e, "unexpected character");
			goto fail;
		}
		i++;
		if (i == len) {
			parse_error(errpos, i, e, "empty item");
			goto fail;
		}
	}
	return 0;
fail:
	seqset_clear(s);
	return -1;
}

/* Frees a vector's rows. */
void
vector_free(struct vector *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->rows[i].sender);
		seqset_free(&v->rows[i].set);
	}
	free(v->rows);
	*v = (struct vector){0};
}

/* Finds the index where sender is or would be inserted. */
static size_t
find(const struct vector *v, const char *sender, bool *found)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v->rows[mid].sender, sender);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Returns the row of sender, or NULL. */
struct seqset *
vector_get(const struct vector *v, const char *sender)
{
	bool found;
	size_t i = find(v, sender, &found);
	return found ? &v->rows[i].set : NULL;
}

/* Returns the row of sender, inserting an empty one when absent. */
struct seqset *
vector_row(struct vector *v, const char *sender)
{
	bool found;
	size_t i = find(v, sender, &found);
	if (found)
		return &v->rows[i].set;
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 4;
		v->rows = xreallocarray(v->rows, v->cap, sizeof(*v->rows));
	}
	memmove(&v->rows[i + 1], &v->rows[i], (v->n - i) * sizeof(*v->rows));
	v->rows[i] = (struct vector_row){.sender = xstrdup(sender)};
	v->n++;
	return &v->rows[i].set;
}

/* Adds one sequence number of sender. */
int
vector_add(struct vector *v, const char *sender, uint64_t seq)
{
	if (seq < 1 || seq > SEQ_MAX)
		return -1;
	return seqset_add(vector_row(v, sender), seq);
}

/* Computes b \ a row by row, walking both sorted row lists once. */
void
vector_diff(struct vector *out, const struct vector *b, const struct vector *a)
{
	struct vector res = {0};
	size_t j = 0;
	static const struct seqset empty;
	for (size_t i = 0; i < b->n; i++) {
		const char *sender = b->rows[i].sender;
		while (j < a->n && strcmp(a->rows[j].sender, sender) < 0)
			j++;
		const struct seqset *have =
		    j < a->n && strcmp(a->rows[j].sender, sender) == 0 ? &a->rows[j].set : &empty;
		struct seqset d = {0};
		seqset_diff(&d, &b->rows[i].set, have);
		if (d.n == 0) {
			seqset_free(&d);
			continue;
		}
		if (res.n == res.cap) {
			res.cap = res.cap ? res.cap * 2 : 4;
			res.rows = xreallocarray(res.rows, res.cap, sizeof(*res.rows));
		}
		res.rows[res.n++] = (struct vector_row){.sender = xstrdup(sender), .set = d};
	}
	vector_free(out);
	*out = res;
}

/* Returns how many sequence numbers the vector holds. */
uint64_t
vector_count(const struct vector *v)
{
	uint64_t n = 0;
	for (size_t i = 0; i < v->n; i++)
		n += seqset_count(&v->rows[i].set);
	return n;
}

/* Tells whether two vectors hold the same numbers, ignoring empty rows. */
bool
vector_equal(const struct vector *a, const struct vector *b)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < a->n && a->rows[i].set.n == 0)
			i++;
		while (j < b->n && b->rows[j].set.n == 0)
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		if (strcmp(a->rows[i].sender, b->rows[j].sender) != 0 ||
		    !seqset_equal(&a->rows[i].set, &b->rows[j].set))
			return false;
		i++;
		j++;
	}
}

/* Appends the canonical text of a vector: "SENDER:RANGES\n" per non-empty row. */
void
vector_canonical(const struct vector *v, struct buf *out)
{
	buf_append(out, "", 0);
	for (size_t i = 0; i < v->n; i++) {
		if (v->rows[i].set.n == 0)
			continue;
		buf_puts(out, v->rows[i].sender);
		buf_append(out, ":", 1);
		seqset_format(&v->rows[i].set, out);
		buf_append(out, "\n", 1);
	}
}

/* Computes the digest: hex of the first 16 bytes of SHA-256 of the canonical text. */
void
vector_digest(const struct vector *v, char out[DIGEST_HEXLEN + 1])
{
	struct buf b = {0};
	unsigned char hash[crypto_hash_sha256_BYTES];
	vector_canonical(v, &b);
	crypto_hash_sha256(hash, (const unsigned char *)b.data, b.len);
	sodium_bin2hex(out, DIGEST_HEXLEN + 1, hash, DIGEST_HEXLEN / 2);
	buf_free(&b);
}
