/*
 * The server's store: accounts beyond a name and a password hash, the same
 * for every backend. Registration with the look-alike check and invitation
 * codes in one transaction, tokens that expire unused and renew on use,
 * the cap on a user's live tokens.
 *
 * A backend that has not got the account operations yet (NULL in its
 * table) still serves, without these rules: no look-alike check, tokens that
 * never expire, no cap, no disabled accounts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store.h"

/* A token's last use is written again only when older than this (ms), or a tenth of its life. */
#define TOKEN_TOUCH_MS 60000

/* The meta key of an invitation code: "invite:" and the code's SHA-256 in hex. */
static char *
invite_key(const char *code)
{
	unsigned char h[32];
	char hex[65];
	crypto_hash_sha256(h, (const unsigned char *)code, strlen(code));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return xasprintf("invite:%s", hex);
}

/* Creates a user with its skeleton, refusing look-alikes and bad invitations. */
int
store_register(struct store *s, const char *name, const char *skel, const char *pwhash,
    const char *invite, int64_t *uid, char **clash, struct err *e)
{
	*clash = NULL;
	if (s->ops->begin(s, e) < 0)
		return -1;
	int rc = 0;
	char *key = NULL, *val = NULL;
	if (invite != NULL) {
		key = invite_key(invite);
		rc = s->ops->meta_get(s, key, &val, e);
		if (rc == 0 && strcmp(val, "unused") != 0)
			rc = 1;
		if (rc == 1)
			rc = REGISTER_BAD_INVITE;
	}
	int64_t other;
	if (rc == 0) {
		rc = s->ops->user_find(s, name, &other, NULL, e);
		rc = rc == 0 ? REGISTER_TAKEN : rc == 1 ? 0 : -1;
	}
	if (rc == 0 && s->ops->user_by_skeleton != NULL) {
		rc = s->ops->user_by_skeleton(s, skel, clash, e);
		rc = rc == 0 ? REGISTER_LOOKALIKE : rc == 1 ? 0 : -1;
	}
	if (rc == 0) {
		rc = s->ops->user_create(s, name, pwhash, uid, e);
		if (rc == 1)
			rc = REGISTER_TAKEN;
	}
	if (rc == 0 && s->ops->user_set_skeleton != NULL)
		rc = s->ops->user_set_skeleton(s, *uid, skel, e);
	if (rc == 0 && key != NULL)
		rc = s->ops->meta_set(s, key, "used", e);
	free(key);
	free(val);
	if (rc == 0)
		return s->ops->commit(s, e);
	s->ops->rollback(s);
	return rc;
}

/* Gives the users made before skeletons theirs (kept even when two clash). */
int
store_fill_skeletons(struct store *s, char *(*skel)(const char *name), struct err *e)
{
	int64_t *uids = NULL;
	char **names = NULL;
	size_t n = 0;
	if (s->ops->users_unskeletoned == NULL)
		return 0;
	if (s->ops->users_unskeletoned(s, &uids, &names, &n, e) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char *k = skel(names[i]);
		if (rc == 0)
			rc = s->ops->user_set_skeleton(s, uids[i], k, e);
		free(k);
		free(names[i]);
	}
	free(names);
	free(uids);
	return rc;
}

/* The user of a token, renewing it, or why it is refused. */
int
store_token_check(struct store *s, const unsigned char hash[32], int64_t idle_ms, int64_t *uid,
    char **name, enum token_state *state, struct err *e)
{
	int64_t used;
	bool disabled;
	*name = NULL;
	int rc = s->ops->token_get(s, hash, uid, name, &used, &disabled, e);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		*state = TOKEN_UNKNOWN;
		return 0;
	}
	int64_t now = now_ms();
	*state = TOKEN_OK;
	if (now - used > idle_ms) {
		*state = TOKEN_EXPIRED;
		rc = s->ops->token_revoke(s, hash, e);
	} else if (disabled) {
		*state = TOKEN_DISABLED;
	} else if (now - used > (idle_ms / 10 < TOKEN_TOUCH_MS ? idle_ms / 10 : TOKEN_TOUCH_MS)) {
		rc = s->ops->token_touch(s, hash, now, e);
	}
	if (rc < 0 || *state != TOKEN_OK) {
		free(*name);
		*name = NULL;
	}
	return rc < 0 ? -1 : 0;
}

/* Records a new token and drops the user's least recently used ones beyond max. */
int
store_token_issue(
    struct store *s, int64_t uid, const unsigned char hash[32], int max, struct err *e)
{
	if (s->ops->token_add(s, uid, hash, e) < 0)
		return -1;
	return s->ops->token_trim != NULL ? s->ops->token_trim(s, uid, max, e) : 0;
}

/* Revokes a user's tokens but one. */
int
store_token_revoke_user(
    struct store *s, int64_t uid, const unsigned char *keep, int64_t *n, struct err *e)
{
	if (s->ops->token_revoke_user == NULL)
		return err_set(
		    e, ERR_USAGE, "this database backend cannot revoke a user's tokens yet");
	return s->ops->token_revoke_user(s, uid, keep, n, e);
}

/* Whether a user is disabled. */
int
store_user_disabled(struct store *s, int64_t uid, bool *disabled, struct err *e)
{
	*disabled = false;
	return s->ops->user_disabled != NULL ? s->ops->user_disabled(s, uid, disabled, e) : 0;
}

/* Disables or enables a user (its tokens are refused meanwhile, not revoked). */
int
store_user_set_disabled(struct store *s, int64_t uid, bool disabled, struct err *e)
{
	if (s->ops->user_set_disabled == NULL)
		return err_set(e, ERR_USAGE, "this database backend cannot disable accounts yet");
	return s->ops->user_set_disabled(s, uid, disabled, e);
}

/* Records a new invitation code, unused. */
int
store_invite_add(struct store *s, const char *code, struct err *e)
{
	char *key = invite_key(code);
	int rc = s->ops->meta_set(s, key, "unused", e);
	free(key);
	return rc;
}
