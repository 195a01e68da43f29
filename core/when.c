/* Points in time as users type them, and ISO 8601 for output. */
#include "when.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Reads exactly n digits at *p into *v and advances *p. */
static bool
digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

/* Reads HH:MM[:SS] at *p into tm and advances *p. */
static bool
clock_time(const char **p, struct tm *tm)
{
	int h, m, s = 0;
	if (!digits(p, 2, &h) || **p != ':')
		return false;
	(*p)++;
	if (!digits(p, 2, &m))
		return false;
	if (**p == ':') {
		(*p)++;
		if (!digits(p, 2, &s))
			return false;
	}
	if (h > 23 || m > 59 || s > 59)
		return false;
	tm->tm_hour = h;
	tm->tm_min = m;
	tm->tm_sec = s;
	return true;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* An age: N followed by s, m, h, d or w, counted back from now. */
static int
parse_age(const char *s, int64_t now, int64_t *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (errno || end == s || !isdigit((unsigned char)*s) || end[0] == '\0' || end[1] != '\0')
		return -1;
	int64_t unit;
	switch (*end) {
	case 's':
		unit = 1000;
		break;
	case 'm':
		unit = 60 * 1000;
		break;
	case 'h':
		unit = 3600 * 1000;
		break;
	case 'd':
		unit = 86400 * 1000;
		break;
	case 'w':
		unit = 7 * 86400 * 1000;
		break;
	default:
		return -1;
	}
	/* Ten years back is plenty and keeps the product far from overflow. */
	if (n > 3660LL * 86400 * 1000 / unit)
		return -1;
	*out = now - n * unit;
	return 0;
}

/* Parses s into milliseconds since the epoch. */
int
when_parse(const char *s, int64_t now, int64_t *out, struct err *e)
{
	const char *p = s;
	struct tm tm = {0};
	int y, mo, d;
	bool utc = false;
	if (parse_age(s, now, out) == 0)
		return 0;
	if (strlen(s) == 5 || (strlen(s) == 8 && s[5] == ':')) {
		/* HH:MM today. */
		time_t t = (time_t)(now / 1000);
		if (localtime_r(&t, &tm) == NULL || !clock_time(&p, &tm) || *p)
			goto bad;
	} else {
		if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
		    !digits(&p, 2, &d))
			goto bad;
		if (mo < 1 || mo > 12 || d < 1 || d > 31)
			goto bad;
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		if (*p == ' ' || *p == 'T') {
			p++;
			if (!clock_time(&p, &tm))
				goto bad;
			if (*p == 'Z') {
				utc = true;
				p++;
			}
		}
		if (*p)
			goto bad;
		/* 2026-02-30 is no date: the day must exist in its month. */
		static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
			goto bad;
	}
	if (utc) {
		int64_t days = days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		*out = ((days * 24 + tm.tm_hour) * 60 + tm.tm_min) * 60000 + tm.tm_sec * 1000LL;
		return 0;
	}
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		goto bad;
	*out = (int64_t)t * 1000;
	return 0;
bad:
	return err_set(e, ERR_USAGE,
	    "cannot read \"%.40s\" as a time: give a date (2026-12-01), a date and time "
	    "(2026-12-01 14:30), a time of today (14:30) or an age (90m, 2h, 3d, 1w)",
	    s);
}

/* Formats ms as local ISO 8601 with the offset from UTC. */
void
when_iso(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char zone[8];
	if (localtime_r(&t, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
	    strftime(zone, sizeof(zone), "%z", &tm) != 5) {
		snprintf(out, 32, "0000-00-00T00:00:00");
		return;
	}
	/* %z gives +0100; ISO 8601's extended form wants +01:00. */
	snprintf(out + strlen(out), 32 - strlen(out), "%.3s:%.2s", zone, zone + 3);
}
