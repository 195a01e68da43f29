/* The server's store: users and their tokens (one backend operation each). */
#include "store.h"

/* Creates a user; 1 when the name is taken. */
int
store_user_create(
    struct store *s, const char *name, const char *pwhash, int64_t *uid, struct err *e)
{
	return s->ops->user_create(s, name, pwhash, uid, e);
}

/* Finds a user by name, with the password hash when pwhash is not NULL. */
int
store_user_find(struct store *s, const char *name, int64_t *uid, char **pwhash, struct err *e)
{
	return s->ops->user_find(s, name, uid, pwhash, e);
}

/* Replaces a user's password hash (the demo users on each start). */
int
store_user_set_password(struct store *s, int64_t uid, const char *pwhash, struct err *e)
{
	return s->ops->user_set_password(s, uid, pwhash, e);
}

/* Records a token (by its hash) for a user. */
int
store_token_add(struct store *s, int64_t uid, const unsigned char hash[32], struct err *e)
{
	return s->ops->token_add(s, uid, hash, e);
}

/* Forgets a token. */
int
store_token_revoke(struct store *s, const unsigned char hash[32], struct err *e)
{
	return s->ops->token_revoke(s, hash, e);
}
