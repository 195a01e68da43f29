/* Word wrapping by terminal columns, in one pass over the text. */
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"
#include "width.h"
#include "wrap.h"

/* Appends the line [off, end). */
static void
emit(struct wrap *w, size_t off, size_t end)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->v = xreallocarray(w->v, w->cap, sizeof(*w->v));
	}
	w->v[w->n].off = off;
	w->v[w->n].len = end - off;
	w->n++;
}

/* Wraps s[0..len) into lines of first, then rest, columns. */
void
wrap_text(struct wrap *w, const char *s, size_t len, size_t first, size_t rest)
{
	size_t start = 0; /* where the current line begins */
	size_t cols = 0; /* columns used by the current line */
	size_t avail = first; /* columns the current line may hold */
	size_t brk = SIZE_MAX; /* offset of the last space in the line */
	size_t after = 0; /* columns used after that space */
	size_t i = 0;

	w->n = 0;
	if (rest == 0)
		rest = 1;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (cp == '\n') {
			emit(w, start, i);
			i += n;
			start = i;
			cols = after = 0;
			avail = rest;
			brk = SIZE_MAX;
			continue;
		}
		size_t cw = (size_t)cp_width(cp);
		if (cw > 0 && cols + cw > avail) {
			if (cp == ' ') {
				/* A space at the edge is the break itself. */
				emit(w, start, i);
				i += n;
				start = i;
				cols = after = 0;
			} else if (brk != SIZE_MAX) {
				emit(w, start, brk);
				start = brk + 1;
				cols = after;
				after = 0;
				if (cols > rest) {
					/* Only when rest < first: measure the word again. */
					i = start;
					cols = 0;
				}
			} else if (cols > 0 || avail == 0) {
				emit(w, start, i);
				start = i;
				cols = after = 0;
			} else {
				/* Wider than a whole line: it stands alone. */
				i += n;
				cols = cw;
				continue;
			}
			avail = rest;
			brk = SIZE_MAX;
			continue;
		}
		if (cp == ' ') {
			brk = i;
			after = 0;
		} else {
			after += cw;
		}
		cols += cw;
		i += n;
	}
	emit(w, start, len);
}

/* Frees the lines. */
void
wrap_free(struct wrap *w)
{
	free(w->v);
	memset(w, 0, sizeof(*w));
}
