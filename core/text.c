/* Text from the network: UTF-8 checks, sanitising, truncation, markup escaping. */
#include "text.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define REPLACEMENT 0xfffd

/* Decodes one code point strictly (shortest form, no surrogates, <= U+10FFFF). */
size_t
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = p[0];
	size_t need;
	uint32_t v;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else {
		*cp = REPLACEMENT;
		return 1;
	}
	if (len < need + 1 || p[1] < lo || p[1] > hi) {
		*cp = REPLACEMENT;
		return 1;
	}
	for (size_t i = 1; i <= need; i++) {
		if (i > 1 && (p[i] < 0x80 || p[i] > 0xbf)) {
			*cp = REPLACEMENT;
			return 1;
		}
		v = (v << 6) | (p[i] & 0x3f);
	}
	*cp = v;
	return need + 1;
}

/* Encodes a code point as UTF-8. */
size_t
utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Tells whether s is entirely valid UTF-8. */
bool
utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (cp == REPLACEMENT && n == 1)
			return false;
		i += n;
	}
	return true;
}

/* Tells whether s is valid UTF-8 without NUL: what the protocol accepts. */
bool
text_acceptable(const char *s, size_t len)
{
	return memchr(s, '\0', len) == NULL && utf8_valid(s, len);
}

/* Tells whether cp can reorder, hide or break lines of the text around it. */
static bool
is_hostile_format(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c ||
	    cp == 0x2028 || cp == 0x2029 || (cp >= 0xfff9 && cp <= 0xfffb);
}

/*
 * Maps one decoded code point to what may be shown. Returns the replacement,
 * or the code point itself; sets *tab when it is a tab to expand.
 */
static uint32_t
map_cp(uint32_t cp, size_t n, int flags, bool *tab)
{
	*tab = false;
	if (cp == REPLACEMENT && n == 1)
		return REPLACEMENT;
	if (cp == '\n')
		return flags & TEXT_KEEP_NEWLINE ? '\n' : 0x2424;
	if (cp == '\t') {
		*tab = true;
		return ' ';
	}
	if (cp < 0x20)
		return 0x2400 + cp;
	if (cp == 0x7f)
		return 0x2421;
	if (is_hostile_format(cp))
		return REPLACEMENT;
	return cp;
}

/* Returns a copy of s that is safe for a terminal or a notification. */
char *
text_sanitize(const char *s, size_t len, int flags)
{
	struct buf out = {0};
	size_t col = 0;
	buf_append(&out, "", 0);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		bool tab;
		uint32_t m = map_cp(cp, n, flags, &tab);
		if (tab && (flags & TEXT_TAB_SPACES)) {
			size_t spaces = 8 - col % 8;
			for (size_t k = 0; k < spaces; k++)
				buf_append(&out, " ", 1);
			col += spaces;
		} else if (m == cp && !tab && !(cp == REPLACEMENT && n == 1)) {
			buf_append(&out, s + i, n);
			col = cp == '\n' ? 0 : col + 1;
		} else {
			char enc[4];
			buf_append(&out, enc, utf8_encode(m, enc));
			col++;
		}
		i += n;
	}
	return out.data;
}

/* Tells whether text_sanitize would change nothing. */
bool
text_is_clean(const char *s, size_t len, int flags)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		bool tab;
		if (map_cp(cp, n, flags, &tab) != cp || tab || (cp == REPLACEMENT && n == 1))
			return false;
		i += n;
	}
	return true;
}

/* Counts code points. */
size_t
utf8_chars(const char *s, size_t len)
{
	size_t count = 0;
	for (size_t i = 0; i < len; count++) {
		uint32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
	}
	return count;
}

/* Cuts s to at most max code points, ending in "…" when cut. */
char *
text_truncate(const char *s, size_t max)
{
	size_t len = strlen(s);
	if (utf8_chars(s, len) <= max)
		return xstrdup(s);
	if (max == 0)
		return xstrdup("");
	size_t i = 0;
	for (size_t k = 0; k < max - 1; k++) {
		uint32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
	}
	char *out = xmalloc(i + sizeof("…"));
	memcpy(out, s, i);
	memcpy(out + i, "…", sizeof("…"));
	return out;
}

/* Escapes the characters that notification body markup interprets. */
char *
text_markup_escape(const char *s)
{
	struct buf out = {0};
	buf_append(&out, "", 0);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_puts(&out, "&amp;");
			break;
		case '<':
			buf_puts(&out, "&lt;");
			break;
		case '>':
			buf_puts(&out, "&gt;");
			break;
		case '"':
			buf_puts(&out, "&quot;");
			break;
		case '\'':
			buf_puts(&out, "&#39;");
			break;
		case '\r':
			/* A parser would show a raw CR as a newline. */
			buf_puts(&out, "&#13;");
			break;
		default:
			buf_append(&out, s, 1);
		}
	}
	return out.data;
}

/* True when c may be part of a user name's word: a letter, digit or "_". */
static bool
word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* True when body names user as a word, case-insensitively. */
bool
text_names_user(const char *body, const char *user)
{
	size_t n = strlen(user);
	if (n == 0)
		return false;
	for (const char *p = body; *p; p++) {
		if (strncasecmp(p, user, n) != 0)
			continue;
		unsigned char before = p > body ? (unsigned char)p[-1] : ' ';
		const unsigned char *after = (const unsigned char *)p + n;
		/* "." and "-" end a word unless a word goes on after them ("alice-bot"). */
		bool ends = !word_char(*after) &&
		    !((*after == '.' || *after == '-') && word_char(after[1]));
		bool starts = !word_char(before) && before != '.' && before != '-';
		if (starts && ends)
			return true;
	}
	return false;
}
