/*
 * Names, passwords and tokens: Argon2id password hashes (libsodium), 256-bit
 * random tokens of which only the SHA-256 is stored, constant-time compares.
 */
#include <sodium.h>
#include <string.h>

#include "server.h"

/* True when name follows [a-z0-9][a-z0-9._-]{0,31}. */
bool
auth_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n < 1 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

/* Hashes a password with Argon2id at the interactive cost. */
char *
auth_hash_password(const char *pw)
{
	char out[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return NULL;
	return xstrdup(out);
}

/* Checks a password against its stored hash (constant time inside libsodium). */
bool
auth_check_password(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

static char *dummy;

/*
 * Makes the dummy hash of auth_dummy_check, with the cost of a real one,
 * before the server takes requests: made on the first unknown user, it
 * would cost that login a second hash and tell it apart.
 */
int
auth_dummy_init(void)
{
	if (dummy == NULL)
		dummy = auth_hash_password("natter dummy password");
	return dummy != NULL ? 0 : -1;
}

/* Spends as long as a real check so that unknown users are not told apart by timing. */
void
auth_dummy_check(const char *pw)
{
	if (dummy != NULL)
		(void)auth_check_password(dummy, pw);
}

/* The SHA-256 of a token's text. */
void
auth_token_hash(const char *tok, size_t len, unsigned char hash[32])
{
	crypto_hash_sha256(hash, (const unsigned char *)tok, len);
}

/* Makes a new 256-bit token and its hash. */
void
auth_new_token(char tok[65], unsigned char hash[32])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(tok, 65, raw, sizeof(raw));
	auth_token_hash(tok, 64, hash);
	sodium_memzero(raw, sizeof(raw));
}

/* The token of "Bearer TOKEN" (scheme case-insensitive), or NULL. */
const char *
auth_bearer(const char *header, size_t *len)
{
	if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0)
		return NULL;
	const char *t = header + 7;
	while (*t == ' ')
		t++;
	size_t n = strcspn(t, " \t");
	if (n == 0 || t[n] != '\0')
		return NULL;
	*len = n;
	return t;
}
