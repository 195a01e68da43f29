/* Terminal column widths of code points and UTF-8 strings. */
#include <wchar.h>

#include "text.h"
#include "width.h"

/* Columns taken by cp; a control or unassigned code point shows as one column. */
int
cp_width(uint32_t cp)
{
	if (cp == 0)
		return 0;
	int w = wcwidth((wchar_t)cp);
	if (w < 0)
		return 1;
	return w > 2 ? 2 : w;
}

/* Columns taken by UTF-8 s[0..len). */
size_t
utf8_width(const char *s, size_t len)
{
	size_t cols = 0;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
		cols += (size_t)cp_width(cp);
	}
	return cols;
}
