/*
 * Fuzzes seqset_parse. Property: a successful parse formats back to the
 * canonical form, which parses to an equal set and formats to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: parse, and when it parses, check the canonical round trip. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seqset s = {0}, t = {0};
	size_t pos = 0;
	struct err e = {0};
	if (seqset_parse(&s, (const char *)data, size, &pos, &e) < 0) {
		if (pos > size || e.msg[0] == '\0')
			abort();
		seqset_free(&s);
		return 0;
	}
	for (size_t i = 0; i < s.n; i++) {
		if (s.r[i].lo < 1 || s.r[i].lo > s.r[i].hi || s.r[i].hi > SEQ_MAX)
			abort();
		if (i > 0 && s.r[i].lo <= s.r[i - 1].hi + 1)
			abort();
	}
	struct buf b = {0};
	seqset_format(&s, &b);
	const char *text = b.data ? b.data : "";
	if (seqset_parse(&t, text, b.len, &pos, &e) < 0 || !seqset_equal(&s, &t))
		abort();
	struct buf c = {0};
	seqset_format(&t, &c);
	if (c.len != b.len || (b.len > 0 && memcmp(b.data, c.data, b.len) != 0))
		abort();
	buf_free(&b);
	buf_free(&c);
	seqset_free(&s);
	seqset_free(&t);
	return 0;
}
