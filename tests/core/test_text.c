/* Tests of UTF-8 checks, sanitising, truncation and escaping (core/text.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"
#include "util.h"

/* Asserts that sanitising in (of len bytes) with flags gives want. */
static void
assert_sanitized(const char *in, size_t len, int flags, const char *want)
{
	char *got = text_sanitize(in, len, flags);
	assert_string_equal(got, want);
	assert_true(utf8_valid(got, strlen(got)));
	assert_int_equal(text_is_clean(in, len, flags), strcmp(in, want) == 0 && len == strlen(in));
	free(got);
}

static void
text__valid__accepts_and_rejects(void **state)
{
	(void)state;
	assert_true(utf8_valid("héllo 日本 🎉", strlen("héllo 日本 🎉")));
	assert_false(utf8_valid("\xc0\xaf", 2)); /* overlong slash */
	assert_false(utf8_valid("\xe0\x80\xaf", 3)); /* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
	assert_false(utf8_valid("\xe6\x97", 2)); /* truncated */
	assert_false(utf8_valid("\xff", 1));
	assert_true(utf8_valid("a\0b", 3));
	assert_false(text_acceptable("a\0b", 3));
	assert_true(text_acceptable("ok", 2));
}

static void
text__sanitize__controls_become_pictures(void **state)
{
	(void)state;
	assert_sanitized("plain text", 10, 0, "plain text");
	assert_sanitized("\x1b[2J\x1b]0;pwned\x07", 14, 0, "␛[2J␛]0;pwned␇");
	assert_sanitized("a\rb\x7f", 4, 0, "a␍b␡");
	assert_sanitized("nul\0x", 5, 0, "nul␀x");
	assert_sanitized("two\nlines", 9, 0, "two␤lines");
	assert_sanitized("two\nlines", 9, TEXT_KEEP_NEWLINE, "two\nlines");
}

static void
text__sanitize__c1_bidi_and_invalid_become_replacement(void **state)
{
	(void)state;
	assert_sanitized("\xc2\x9b"
			 "31m",
	    5, 0,
	    "\xef\xbf\xbd"
	    "31m"); /* C1 CSI as UTF-8 */
	assert_sanitized("\x9b"
			 "31m",
	    4, 0,
	    "\xef\xbf\xbd"
	    "31m"); /* C1 as a raw byte */
	assert_sanitized("abc\xe2\x80\xae"
			 "def",
	    9, 0,
	    "abc\xef\xbf\xbd"
	    "def"); /* RLO */
	assert_sanitized("\xe2\x81\xa6x\xe2\x81\xa9", 7, 0, "\xef\xbf\xbdx\xef\xbf\xbd");
	assert_sanitized("bad\xff", 4, 0, "bad\xef\xbf\xbd");
	/* A literal U+FFFD and wide characters pass unchanged. */
	assert_sanitized("\xef\xbf\xbd 日本 👩\xe2\x80\x8d💻",
	    strlen("\xef\xbf\xbd 日本 👩\xe2\x80\x8d💻"), 0, "\xef\xbf\xbd 日本 👩\xe2\x80\x8d💻");
}

static void
text__sanitize__tabs(void **state)
{
	(void)state;
	assert_sanitized("a\tb", 3, 0, "a b");
	assert_sanitized("ab\tc", 4, TEXT_TAB_SPACES, "ab      c");
	assert_sanitized("x\n\ty", 4, TEXT_TAB_SPACES | TEXT_KEEP_NEWLINE, "x\n        y");
}

static void
text__truncate__by_character(void **state)
{
	(void)state;
	char *t = text_truncate("日本語のテキスト", 4);
	assert_string_equal(t, "日本語…");
	assert_int_equal(utf8_chars(t, strlen(t)), 4);
	free(t);
	t = text_truncate("short", 10);
	assert_string_equal(t, "short");
	free(t);
	t = text_truncate("exact", 5);
	assert_string_equal(t, "exact");
	free(t);
	t = text_truncate("🎉🎉🎉", 2);
	assert_string_equal(t, "🎉…");
	free(t);
	t = text_truncate("abc", 0);
	assert_string_equal(t, "");
	free(t);
}

static void
text__markup_escape__all_specials(void **state)
{
	(void)state;
	char *t = text_markup_escape("<b>Tom & \"Jerry\"</b> it's");
	assert_string_equal(t, "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; it&#39;s");
	free(t);
}

/* Markup parsers turn a raw CR into a newline: it is escaped to show as sent (fuzz_markup). */
static void
text__markup_escape__carriage_return_kept(void **state)
{
	(void)state;
	char *t = text_markup_escape("]]z\r\rz!\r\n");
	assert_string_equal(t, "]]z&#13;&#13;z!&#13;\n");
	free(t);
}

/* A deterministic generator for the property test. */
static uint32_t seed = 12345;
static unsigned char
next_byte(void)
{
	seed = seed * 1103515245u + 12345u;
	return (unsigned char)(seed >> 16);
}

static void
text__property__sanitized_output_is_safe(void **state)
{
	(void)state;
	char in[64];
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = next_byte() % sizeof(in);
		for (size_t i = 0; i < len; i++)
			in[i] = (char)next_byte();
		char *out = text_sanitize(in, len, TEXT_KEEP_NEWLINE);
		size_t olen = strlen(out);
		assert_true(utf8_valid(out, olen));
		for (size_t i = 0; i < olen;) {
			uint32_t cp;
			i += utf8_decode(out + i, olen - i, &cp);
			assert_true(cp == '\n' || cp >= 0x20);
			assert_true(cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f));
			assert_true(
			    !(cp >= 0x202a && cp <= 0x202e) && !(cp >= 0x2066 && cp <= 0x2069));
		}
		/* Sanitising is idempotent. */
		char *again = text_sanitize(out, olen, TEXT_KEEP_NEWLINE);
		assert_string_equal(again, out);
		assert_true(text_is_clean(out, olen, TEXT_KEEP_NEWLINE));
		free(again);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(text__valid__accepts_and_rejects),
	    cmocka_unit_test(text__sanitize__controls_become_pictures),
	    cmocka_unit_test(text__sanitize__c1_bidi_and_invalid_become_replacement),
	    cmocka_unit_test(text__sanitize__tabs),
	    cmocka_unit_test(text__truncate__by_character),
	    cmocka_unit_test(text__markup_escape__all_specials),
	    cmocka_unit_test(text__markup_escape__carriage_return_kept),
	    cmocka_unit_test(text__property__sanitized_output_is_safe),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
