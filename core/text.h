/*
 * Text from the network: UTF-8 checks, sanitising by allowlist before text
 * reaches a terminal or a notification, truncation by character, and
 * escaping for notification body markup. Pure: no I/O.
 */
#ifndef NATTER_TEXT_H
#define NATTER_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..len) is valid UTF-8: shortest form, no surrogates, <= U+10FFFF. */
bool utf8_valid(const char *s, size_t len);
/* True when s[0..len) is valid UTF-8 with no NUL byte (what the protocol accepts). */
bool text_acceptable(const char *s, size_t len);
/*
 * Decodes the code point at s (len > 0 bytes available). Returns the bytes it
 * used (1 to 4); an invalid or truncated sequence yields U+FFFD and uses 1 byte.
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp into out (4 bytes at most); returns the length. */
size_t utf8_encode(uint32_t cp, char out[4]);

enum text_flags {
	TEXT_KEEP_NEWLINE = 1 << 0, /* keep \n (a multi-line view); otherwise ␤ */
	TEXT_TAB_SPACES = 1 << 1, /* tab becomes spaces to the next multiple of 8 */
};

/*
 * Returns a new string safe for a terminal or notification: valid UTF-8 where
 * invalid bytes are U+FFFD; C0 controls and DEL are shown as their Unicode
 * control pictures (U+2400..U+241F, U+2421), tab as one space (or spaces with
 * TEXT_TAB_SPACES); C1 controls (U+0080..U+009F), bidirectional overrides and
 * isolates (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C), line and
 * paragraph separators and other format controls that can reorder or hide
 * text are U+FFFD. Nothing else changes.
 */
char *text_sanitize(const char *s, size_t len, int flags);
/* True when text_sanitize would return the input unchanged. */
bool text_is_clean(const char *s, size_t len, int flags);
/* Number of code points in valid UTF-8 s. */
size_t utf8_chars(const char *s, size_t len);
/*
 * Returns a copy of UTF-8 s cut to at most max code points; when it had to
 * cut, the last kept code point is "…" (so the result has max code points).
 */
char *text_truncate(const char *s, size_t max);
/*
 * Escapes &, <, >, " and ' as entities (&amp; &lt; &gt; &quot; &#39;), as GLib
 * does, and CR as &#13; (markup parsers turn a raw CR into a newline).
 */
char *text_markup_escape(const char *s);
/*
 * True when body names user as a word, case-insensitively: "alice:",
 * "@alice", "thanks Alice." but not "malice" or "alice-bot".
 */
bool text_names_user(const char *body, const char *user);

#endif
