/* The server's store: conversations, their members and their creation. */
#include <stdlib.h>

#include "store.h"

/* Inserts a conversation under a fresh random public id "c" + 16 hex digits. */
int
store_conv_insert_any(struct store *s, const char *title, int64_t *conv, struct err *e)
{
	for (int tries = 0; tries < 5; tries++) {
		char *hex = random_hex(8);
		char *pubid = xasprintf("c%s", hex);
		free(hex);
		int rc = s->ops->conv_insert(s, pubid, title, conv, e);
		free(pubid);
		if (rc <= 0)
			return rc;
	}
	return err_set(e, ERR_DB, "no free conversation id after 5 tries");
}

/*
 * Adds the members ids[0..n) with a conversation event each; *woken gets
 * the new ones. ids[0] is the creator; the others are members or invited
 * as consent decides (store_consent), and left out when they blocked it.
 */
static int
add_members(struct store *s, int64_t conv, const int64_t *ids, size_t n, bool consent,
    int64_t **woken, size_t *nwoken, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		bool added;
		enum member_state state = MEMBER_IN;
		if (i > 0 && consent && store_consent(s, ids[0], ids[i], conv, &state, e) < 0)
			return -1;
		if (state == MEMBER_GONE)
			continue;
		if (s->ops->member_add(s, conv, ids[i], &added, e) < 0)
			return -1;
		if (!added)
			continue;
		if ((i == 0 || state == MEMBER_INVITED) &&
		    s->ops->member_set(s, conv, ids[i], state, i == 0 ? ROLE_CREATOR : ROLE_MEMBER,
			i == 0 ? 0 : ids[0], e) < 0)
			return -1;
		if (s->ops->event_append(s, STORE_EV_CONVERSATION, conv, 0, ids[i], NULL, NULL, e) <
		    0)
			return -1;
		store_push_id(woken, nwoken, ids[i]);
	}
	return 0;
}

/* Creates a conversation with its members and their conversation events. */
int
store_conv_create(struct store *s, int64_t uid, const char *title, const char *const *names,
    size_t n, bool consent, struct store_conv *out, char **unknown, int64_t **woken, size_t *nwoken,
    struct err *e)
{
	int64_t *ids = NULL, conv;
	size_t nids = 0;
	*woken = NULL;
	*nwoken = 0;
	*unknown = NULL;
	if (s->ops->begin(s, e) < 0)
		return -1;
	store_push_id(&ids, &nids, uid);
	for (size_t i = 0; i < n; i++) {
		int64_t id;
		int rc = s->ops->user_find(s, names[i], &id, NULL, e);
		if (rc < 0)
			goto fail;
		if (rc == 1) {
			*unknown = xstrdup(names[i]);
			s->ops->rollback(s);
			free(ids);
			return 1;
		}
		store_push_id(&ids, &nids, id);
	}
	if (store_conv_insert_any(s, title, &conv, e) < 0 ||
	    add_members(s, conv, ids, nids, consent, woken, nwoken, e) < 0 ||
	    s->ops->conv_get(s, conv, out, e) < 0)
		goto fail;
	out->viewer = MEMBER_IN;
	if (s->ops->commit(s, e) < 0) {
		store_conv_free(out);
		goto fail;
	}
	free(ids);
	return 0;
fail:
	s->ops->rollback(s);
	free(ids);
	free(*woken);
	*woken = NULL;
	*nwoken = 0;
	return -1;
}

/* The internal id of a conversation of which uid is a member. */
int
store_conv_member(struct store *s, int64_t uid, const char *pubid, int64_t *conv, struct err *e)
{
	return s->ops->conv_member(s, uid, pubid, conv, e);
}

/* One conversation with its members and their last seqs. */
int
store_conv_get(struct store *s, int64_t conv, struct store_conv *out, struct err *e)
{
	return s->ops->conv_get(s, conv, out, e);
}

/* The ids of uid's conversations, oldest first. */
int
store_conv_ids(struct store *s, int64_t uid, int64_t **ids, size_t *n, struct err *e)
{
	return s->ops->conv_ids(s, uid, ids, n, e);
}

/* Every conversation of uid, oldest first. */
int
store_conv_list(struct store *s, int64_t uid, struct store_conv **out, size_t *n, struct err *e)
{
	int64_t *convs;
	size_t nc;
	if (s->ops->conv_ids(s, uid, &convs, &nc, e) < 0)
		return -1;
	struct store_conv *a = xcalloc(nc + 1, sizeof(*a));
	for (size_t i = 0; i < nc; i++) {
		if (s->ops->conv_get(s, convs[i], &a[i], e) < 0 ||
		    store_conv_view(s, convs[i], uid, &a[i], e) < 0) {
			store_convs_free(a, i + 1);
			free(convs);
			return -1;
		}
	}
	free(convs);
	*out = a;
	*n = nc;
	return 0;
}

/* Frees a conversation's fields. */
void
store_conv_free(struct store_conv *c)
{
	for (size_t i = 0; i < c->nmembers; i++)
		free(c->members[i].name);
	free(c->members);
	free(c->inviter);
	free(c->id);
	free(c->title);
	*c = (struct store_conv){0};
}

/* Frees an array of n conversations. */
void
store_convs_free(struct store_conv *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_conv_free(&c[i]);
	free(c);
}

/* Frees an array of n senders. */
void
store_senders_free(struct store_sender *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i].name);
	free(a);
}
