/*
 * Word wrapping of sanitised UTF-8 text into lines of a given column width
 * (wcwidth): breaks after spaces when it can, inside a word when it must,
 * never splits a wide character across the edge, keeps combining marks
 * with their base, and honours '\n'. Linear in the length of the text.
 * Pure: no I/O.
 */
#ifndef NATTER_WRAP_H
#define NATTER_WRAP_H

#include <stddef.h>

/* One line: the bytes [off, off + len) of the text. */
struct wrap_line {
	size_t off, len;
};

struct wrap {
	struct wrap_line *v;
	size_t n, cap;
};

/*
 * Replaces w's lines with the wrapping of s[0..len): the first line holds
 * `first` columns, the next ones `rest` columns (a hanging indent is the
 * difference). A character wider than a whole line still gets a line of its
 * own, so every character is placed. Empty text is one empty line.
 */
void wrap_text(struct wrap *w, const char *s, size_t len, size_t first, size_t rest);
void wrap_free(struct wrap *w);

#endif
