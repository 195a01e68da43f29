/*
 * Terminal column widths of code points and UTF-8 strings (wcwidth, with
 * controls counted as the one-column placeholder the screen shows instead).
 * Pure: depends only on LC_CTYPE.
 */
#ifndef NATTER_WIDTH_H
#define NATTER_WIDTH_H

#include <stddef.h>
#include <stdint.h>

/* Columns taken by cp: 0 (combining, zero-width), 1 or 2. Never negative. */
int cp_width(uint32_t cp);
/* Columns taken by UTF-8 s[0..len) (invalid bytes count as U+FFFD). */
size_t utf8_width(const char *s, size_t len);

#endif
