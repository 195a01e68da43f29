/*
 * Points in time typed by a user (natter log --since/--until): a date
 * (2026-12-01, local midnight), a date and time (2026-12-01 14:30,
 * 2026-12-01T14:30:05, a trailing Z for UTC), a time of today (14:30), or an
 * age: a number with s, m, h, d or w (90m, 2h, 3d) before now. Pure but for
 * the local time zone (mktime).
 */
#ifndef NATTER_WHEN_H
#define NATTER_WHEN_H

#include <stdint.h>

#include "util.h"

/* Parses s into milliseconds since the epoch, ages counted back from now_ms. */
int when_parse(const char *s, int64_t now_ms, int64_t *out_ms, struct err *e);
/* Formats ms as local ISO 8601 with the offset: 2026-12-01T14:30:05+01:00. */
void when_iso(int64_t ms, char out[32]);

#endif
