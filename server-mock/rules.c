/*
 * Account rules (docs/protocol.md, "Accounts"): what a password must be,
 * and the skeleton of a name by which look-alike names are refused.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* Passwords refused whatever the user (compared ignoring ASCII case). */
static const char *const refused[] = {
    "password",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "00000000",
    "qwerty",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "azertyui",
    "abcdefgh",
    "abcd1234",
    "iloveyou",
    "letmein1",
    "welcome1",
    "changeme",
    "sunshine",
    "football",
    "baseball",
    "trustno1",
    "natter",
    "natter123",
    "nattersecret",
};

/* The number of characters (code points) of valid UTF-8 text. */
size_t
rules_chars(const char *s)
{
	size_t n = 0;
	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * Why pw cannot be user's password (a sentence), or NULL when it can:
 * 8 to 256 characters, not one character repeated, not the user's name
 * nor a refused one in any case.
 */
const char *
rules_password_problem(const char *user, const char *pw)
{
	size_t n = rules_chars(pw);
	if (n < RULES_PASSWORD_MIN)
		return "a password has at least 8 characters";
	if (n > RULES_PASSWORD_MAX || strlen(pw) > 1024)
		return "a password has at most 256 characters (1024 bytes)";
	bool same = true;
	for (size_t i = 1; pw[i] != '\0' && same; i++)
		same = pw[i] == pw[0];
	if (same)
		return "a password cannot be one character repeated";
	if (user != NULL && strcasecmp(pw, user) == 0)
		return "a password cannot be the user name";
	for (size_t i = 0; i < nitems(refused); i++)
		if (strcasecmp(pw, refused[i]) == 0)
			return "this password is too common (it is on the server's list of refused "
			       "passwords)";
	return NULL;
}

/*
 * The skeleton of a valid name: lower case; . _ - dropped; 0→o, 1 i l→l,
 * 2→z, 3→e, 4→a, 5→s, 6→g, 7→t, 8→b, 9→g; then rn→m and vv→w.
 */
char *
rules_skeleton(const char *name)
{
	static const char from[] = "0123456789i", to[] = "olzeasgtbgl";
	size_t n = strlen(name);
	char *a = xmalloc(n + 1), *out = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char c = (char)tolower((unsigned char)name[i]);
		if (c == '.' || c == '_' || c == '-')
			continue;
		const char *p = strchr(from, c);
		a[k++] = p != NULL && c != '\0' ? to[p - from] : c;
	}
	a[k] = '\0';
	size_t j = 0;
	for (size_t i = 0; i < k; i++) {
		if ((a[i] == 'r' && a[i + 1] == 'n') || (a[i] == 'v' && a[i + 1] == 'v')) {
			out[j++] = a[i] == 'r' ? 'm' : 'w';
			i++;
		} else {
			out[j++] = a[i];
		}
	}
	out[j] = '\0';
	free(a);
	return out;
}
