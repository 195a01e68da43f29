/*
 * Fuzzes text_sanitize. Property: the output is valid UTF-8 holding no C0
 * control (but newline with TEXT_KEEP_NEWLINE), no DEL, no C1 control, no
 * bidirectional control and no line or paragraph separator; sanitising it
 * again changes nothing. The first byte picks the flags.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True for the code points that may reorder or hide text. */
static bool
is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	    cp == 0x200f || cp == 0x061c || cp == 0x2028 || cp == 0x2029;
}

/* One input: sanitise, check every code point of the output, sanitise again. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int flags = data[0] & (TEXT_KEEP_NEWLINE | TEXT_TAB_SPACES);
	const char *s = (const char *)data + 1;
	size_t len = size - 1;
	char *out = text_sanitize(s, len, flags);
	size_t olen = strlen(out);
	if (!utf8_valid(out, olen))
		abort();
	for (size_t i = 0; i < olen;) {
		uint32_t cp;
		i += utf8_decode(out + i, olen - i, &cp);
		if (cp < 0x20 && !(cp == '\n' && (flags & TEXT_KEEP_NEWLINE)))
			abort();
		if (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || is_bidi(cp))
			abort();
	}
	if (!text_is_clean(out, olen, flags))
		abort();
	char *again = text_sanitize(out, olen, flags);
	if (strcmp(again, out) != 0)
		abort();
	/* text_is_clean agrees with text_sanitize on the input too. */
	if (text_is_clean(s, len, flags) != (olen == len && memcmp(out, s, len) == 0))
		abort();
	size_t max = data[0] >> 2;
	char *cut = text_truncate(out, max);
	if (!utf8_valid(cut, strlen(cut)) || utf8_chars(cut, strlen(cut)) > max)
		abort();
	free(cut);
	free(again);
	free(out);
	return 0;
}
