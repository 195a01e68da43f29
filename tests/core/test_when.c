/* Tests of the times users type (core/when.c): dates, dates and times, ages, and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "when.h"

/* 2026-12-02T12:00:00Z, the "now" of these tests. */
#define NOW 1796212800000LL

/* Runs every test in a zone with an offset, so local and UTC differ. */
static int
setup_zone(void **state)
{
	(void)state;
	setenv("TZ", "CET-1", 1);
	tzset();
	return 0;
}

/* Parses s, which must be accepted. */
static int64_t
parse(const char *s)
{
	struct err e = {0};
	int64_t t = 0;
	if (when_parse(s, NOW, &t, &e) != 0)
		fail_msg("refused %s: %s", s, e.msg);
	return t;
}

/* A date is local midnight; a date and time is local unless it ends in Z. */
static void
when_parse__dates_and_times(void **state)
{
	(void)state;
	/* Local midnight of 2026-12-01 in CET is 23:00 UTC the day before. */
	assert_int_equal(parse("2026-12-01"), NOW - 36 * 3600000LL - 3600000LL);
	assert_int_equal(parse("2026-12-02 13:00"), NOW);
	assert_int_equal(parse("2026-12-02T13:00"), NOW);
	assert_int_equal(parse("2026-12-02T13:00:07"), NOW + 7000);
	assert_int_equal(parse("2026-12-02T12:00Z"), NOW);
	assert_int_equal(parse("2026-12-02 12:00:01Z"), NOW + 1000);
	assert_int_equal(parse("2024-02-29"), 1709161200000LL);
	assert_int_equal(parse("13:30"), NOW + 30 * 60000LL);
	assert_int_equal(parse("00:00:30"), parse("2026-12-02") + 30000);
}

/* An age counts back from now. */
static void
when_parse__ages(void **state)
{
	(void)state;
	assert_int_equal(parse("90s"), NOW - 90000);
	assert_int_equal(parse("2h"), NOW - 7200000);
	assert_int_equal(parse("30m"), NOW - 1800000);
	assert_int_equal(parse("3d"), NOW - 3 * 86400000LL);
	assert_int_equal(parse("1w"), NOW - 7 * 86400000LL);
	assert_int_equal(parse("0m"), NOW);
}

/* Anything else is refused with what was typed and what would do. */
static void
when_parse__bad_input_says_what_is_wanted(void **state)
{
	(void)state;
	static const char *const bad[] = {"", "yesterday", "2h ago", "-2h", "2", "2x", "h",
	    "2026-13-01", "2026-02-30", "2025-02-29", "2026-12-1", "2026/12/01", "2026-12-01 25:00",
	    "2026-12-01 12:60", "2026-12-01T12", "2026-12-01 12:00 ", "24:00", "99999999999999d",
	    "12:3"};
	for (size_t i = 0; i < nitems(bad); i++) {
		struct err e = {0};
		int64_t t = 42;
		if (when_parse(bad[i], NOW, &t, &e) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(e.kind, ERR_USAGE);
		assert_int_equal(t, 42);
		char want[64];
		snprintf(want, sizeof(want), "cannot read \"%s\" as a time", bad[i]);
		assert_non_null(strstr(e.msg, want));
		assert_non_null(strstr(e.msg, "2026-12-01 14:30"));
	}
}

/* ISO 8601 output: local time with its offset, in the extended form. */
static void
when_iso__local_with_offset(void **state)
{
	(void)state;
	char out[32];
	when_iso(NOW + 5000, out);
	assert_string_equal(out, "2026-12-02T13:00:05+01:00");
	setenv("TZ", "UTC0", 1);
	tzset();
	when_iso(NOW, out);
	assert_string_equal(out, "2026-12-02T12:00:00+00:00");
	setup_zone(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(when_parse__dates_and_times),
	    cmocka_unit_test(when_parse__ages),
	    cmocka_unit_test(when_parse__bad_input_says_what_is_wanted),
	    cmocka_unit_test(when_iso__local_with_offset),
	};
	return cmocka_run_group_tests(tests, setup_zone, NULL);
}
