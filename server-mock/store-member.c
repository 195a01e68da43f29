/*
 * The server's store: direct conversations, membership changes with roles,
 * invitations (consent), titles and blocks. Each change runs in one
 * transaction with its events: the changed conversation's metadata goes to
 * every member as a conversation event, and a user who leaves or is removed
 * gets one last conversation event in which they are no longer a member.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

bool store_consent_on = true;

/* Fills c's viewer side for uid. */
int
store_conv_view(struct store *s, int64_t conv, int64_t uid, struct store_conv *c, struct err *e)
{
	int state, role;
	char *inviter = NULL;
	int rc = s->ops->member_get(s, conv, uid, &state, &role, &inviter, e);
	if (rc < 0)
		return -1;
	free(c->inviter);
	c->inviter = NULL;
	c->viewer = rc == 1 ? MEMBER_GONE : (enum member_state)state;
	if (rc == 0 && state == MEMBER_INVITED && inviter[0] != '\0')
		c->inviter = inviter;
	else
		free(inviter);
	return 0;
}

/* The state a user `to` gets when `from` adds them: gone when `to` blocked `from`. */
int
store_consent(struct store *s, int64_t from, int64_t to, int64_t conv, enum member_state *state,
    struct err *e)
{
	bool yes;
	if (s->ops->block_get(s, to, from, &yes, e) < 0)
		return -1;
	if (yes) {
		*state = MEMBER_GONE;
		return 0;
	}
	if (!store_consent_on)
		yes = true;
	else if (s->ops->shared(s, from, to, conv, &yes, e) < 0)
		return -1;
	*state = yes ? MEMBER_IN : MEMBER_INVITED;
	return 0;
}

/* Adds the users a call woke to the wake list, freeing theirs. */
static void
wake_more(int64_t *w, size_t nw, int64_t **woken, size_t *nwoken)
{
	for (size_t i = 0; i < nw; i++)
		store_push_id(woken, nwoken, w[i]);
	free(w);
}

/* Appends a conversation event for `only` (0: every member) and gathers who to wake. */
static int
conv_event(
    struct store *s, int64_t conv, int64_t only, int64_t **woken, size_t *nwoken, struct err *e)
{
	int64_t *w = NULL;
	size_t nw = 0;
	if (s->ops->event_append(s, STORE_EV_CONVERSATION, conv, 0, only, &w, &nw, e) < 0)
		return -1;
	wake_more(w, nw, woken, nwoken);
	return 0;
}

/*
 * A member item of uid (docs/protocol.md, "Items"): op ("add", "remove",
 * "admin", "leave", "join") on the names, uid's next seq, to every member.
 */
static int
member_item(struct store *s, int64_t conv, int64_t uid, const char *op, const char *const *names,
    size_t n, int64_t **woken, size_t *nwoken, struct err *e)
{
	if (n == 0)
		return 0;
	struct buf users = {0};
	for (size_t i = 0; i < n; i++)
		buf_printf(&users, "%s%s", i ? " " : "", names[i]);
	struct store_item it = {.kind = "member", .op = op, .users = users.data};
	int64_t *w;
	size_t nw;
	int rc = store_item_append(s, conv, uid, &it, NULL, NULL, &w, &nw, e);
	buf_free(&users);
	if (rc == 0)
		wake_more(w, nw, woken, nwoken);
	return rc;
}

/* Commits, or rolls back and frees the wake list. */
static int
finish(struct store *s, int rc, int64_t **woken, size_t *nwoken, struct err *e)
{
	if (rc == 0 && s->ops->commit(s, e) == 0)
		return 0;
	if (rc == 0)
		rc = -1;
	else
		s->ops->rollback(s);
	free(*woken);
	*woken = NULL;
	*nwoken = 0;
	return rc;
}

/* Whether uid may add and remove in conv: creator, admin, or no admin at all (older ones). */
static int
is_admin(struct store *s, int64_t conv, int role, bool *yes, struct err *e)
{
	*yes = role >= ROLE_ADMIN;
	if (*yes)
		return 0;
	struct store_conv c;
	if (s->ops->conv_get(s, conv, &c, e) < 0)
		return -1;
	bool any = false;
	for (size_t i = 0; i < c.nmembers; i++)
		any |= c.members[i].role >= ROLE_ADMIN && c.members[i].state == MEMBER_IN;
	store_conv_free(&c);
	*yes = !any;
	return 0;
}

/* Adds user `to` to conv for `from`: consent decides; *state what they became. */
static int
add_one(struct store *s, int64_t conv, int64_t from, int64_t to, enum member_state *state,
    int64_t **woken, size_t *nwoken, struct err *e)
{
	if (store_consent(s, from, to, conv, state, e) < 0)
		return -1;
	if (*state == MEMBER_GONE)
		return 0;
	if (s->ops->member_set(s, conv, to, *state, ROLE_MEMBER, from, e) < 0)
		return -1;
	/* An invitee hears of the conversation alone; a member with everyone, below. */
	if (*state == MEMBER_INVITED)
		return conv_event(s, conv, to, woken, nwoken, e);
	return 0;
}

/* The direct conversation of uid and other: found by the pair's key, else made. */
int
store_direct(struct store *s, int64_t uid, const char *me, const char *other,
    struct store_conv *out, bool *created, int64_t **woken, size_t *nwoken, struct err *e)
{
	*woken = NULL;
	*nwoken = 0;
	*created = false;
	if (s->ops->begin(s, e) < 0)
		return -1;
	int64_t them, conv;
	int rc = s->ops->user_find(s, other, &them, NULL, e);
	if (rc != 0)
		return finish(s, rc, woken, nwoken, e);
	/* Names are unique and ordered bytewise: the key is the same from both sides. */
	char *key =
	    strcmp(me, other) < 0 ? xasprintf("%s\n%s", me, other) : xasprintf("%s\n%s", other, me);
	rc = s->ops->conv_direct_get(s, key, &conv, e);
	if (rc == 1) {
		char *title = xasprintf("%s, %s", strcmp(me, other) < 0 ? me : other,
		    strcmp(me, other) < 0 ? other : me);
		rc = store_conv_insert_any(s, title, &conv, e);
		free(title);
		enum member_state st;
		if (rc == 0)
			rc = s->ops->conv_direct_set(s, conv, key, e);
		if (rc == 0)
			rc = s->ops->member_set(s, conv, uid, MEMBER_IN, ROLE_CREATOR, 0, e);
		if (rc == 0)
			rc = add_one(s, conv, uid, them, &st, woken, nwoken, e);
		if (rc == 0)
			rc = conv_event(s, conv, uid, woken, nwoken, e);
		if (rc == 0 && st == MEMBER_IN)
			rc = conv_event(s, conv, them, woken, nwoken, e);
		*created = rc == 0;
	}
	free(key);
	if (rc == 0)
		rc = s->ops->conv_get(s, conv, out, e);
	if (rc == 0 && (rc = store_conv_view(s, conv, uid, out, e)) < 0)
		store_conv_free(out);
	if (rc == 0 && out->viewer == MEMBER_GONE) {
		/* The caller left their direct conversation: calling again comes back. */
		rc = s->ops->member_set(s, conv, uid, MEMBER_IN, ROLE_CREATOR, 0, e);
		if (rc == 0)
			rc = conv_event(s, conv, 0, woken, nwoken, e);
		out->viewer = MEMBER_IN;
	}
	return finish(s, rc, woken, nwoken, e);
}

/* Looks up names: their ids, or 1 with *bad naming the first unknown. */
static int
find_users(
    struct store *s, const char *const *names, size_t n, int64_t *ids, char **bad, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		int rc = s->ops->user_find(s, names[i], &ids[i], NULL, e);
		if (rc == 1)
			*bad = xstrdup(names[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Counts the members and invitees of conv. */
static int
count_members(struct store *s, int64_t conv, size_t *n, struct err *e)
{
	struct store_conv c;
	if (s->ops->conv_get(s, conv, &c, e) < 0)
		return -1;
	*n = 0;
	for (size_t i = 0; i < c.nmembers; i++)
		*n += c.members[i].state != MEMBER_GONE;
	store_conv_free(&c);
	return 0;
}

/* The membership changes of one request, checked then applied. */
static int
apply_members(struct store *s, int64_t uid, int64_t conv, const struct member_change *mc,
    size_t max_members, char **bad, int64_t **woken, size_t *nwoken, struct err *e)
{
	int state, role;
	if (s->ops->member_get(s, conv, uid, &state, &role, NULL, e) != 0)
		return -1;
	bool admin;
	if (is_admin(s, conv, role, &admin, e) < 0)
		return -1;
	if (!admin)
		return MEMBERS_FORBIDDEN;
	size_t most = mc->nadd + mc->nremove + mc->nadmins + 1;
	int64_t *ids = xcalloc(most, sizeof(*ids));
	int rc = 0;
	/* A refusal half-way rolls back what was already changed. */
	const char *const *lists[] = {mc->remove, mc->admins};
	size_t counts[] = {mc->nremove, mc->nadmins};
	/* The removed hear of their removal: the item comes before they are out. */
	if (mc->nremove > 0)
		rc = find_users(s, mc->remove, mc->nremove, ids, bad, e);
	for (size_t i = 0; i < mc->nremove && rc == 0; i++) {
		int st, ro;
		int r = s->ops->member_get(s, conv, ids[i], &st, &ro, NULL, e);
		if (r < 0)
			rc = -1;
		else if (r == 1 || st == MEMBER_GONE) {
			*bad = xstrdup(mc->remove[i]);
			rc = MEMBERS_NOT_MEMBER;
		}
	}
	if (rc == 0)
		rc = member_item(s, conv, uid, "remove", mc->remove, mc->nremove, woken, nwoken, e);
	for (size_t l = 0; l < 2 && rc == 0; l++) {
		rc = find_users(s, lists[l], counts[l], ids, bad, e);
		for (size_t i = 0; i < counts[l] && rc == 0; i++) {
			int st, ro;
			int r = s->ops->member_get(s, conv, ids[i], &st, &ro, NULL, e);
			if (r < 0)
				rc = -1;
			else if (r == 1 || st == MEMBER_GONE || (l == 1 && st != MEMBER_IN)) {
				*bad = xstrdup(lists[l][i]);
				rc = MEMBERS_NOT_MEMBER;
			} else if (l == 0 && ro == ROLE_CREATOR) {
				*bad = xstrdup(lists[l][i]);
				rc = MEMBERS_FORBIDDEN;
			} else if (l == 0) {
				rc = s->ops->member_set(s, conv, ids[i], MEMBER_GONE, ro, 0, e);
				/* The one removed hears it last: no longer a member. */
				if (rc == 0)
					rc = conv_event(s, conv, ids[i], woken, nwoken, e);
			} else if (ro == ROLE_MEMBER) {
				rc = s->ops->member_set(
				    s, conv, ids[i], MEMBER_IN, ROLE_ADMIN, 0, e);
			}
		}
	}
	if (rc == 0)
		rc = member_item(s, conv, uid, "admin", mc->admins, mc->nadmins, woken, nwoken, e);
	const char **in = xcalloc(mc->nadd + 1, sizeof(*in));
	size_t nin = 0;
	if (rc == 0)
		rc = find_users(s, mc->add, mc->nadd, ids, bad, e);
	for (size_t i = 0; i < mc->nadd && rc == 0; i++) {
		int st, ro;
		int r = s->ops->member_get(s, conv, ids[i], &st, &ro, NULL, e);
		if (r < 0)
			rc = -1;
		else if (r == 1 || st == MEMBER_GONE) {
			enum member_state now;
			rc = add_one(s, conv, uid, ids[i], &now, woken, nwoken, e);
			if (rc == 0 && now == MEMBER_IN)
				in[nin++] = mc->add[i];
		}
	}
	/* The invited appear when they accept ("join"). */
	if (rc == 0)
		rc = member_item(s, conv, uid, "add", in, nin, woken, nwoken, e);
	free(in);
	size_t n;
	if (rc == 0 && (rc = count_members(s, conv, &n, e)) == 0 && n > max_members)
		rc = MEMBERS_TOO_MANY;
	if (rc == 0)
		rc = conv_event(s, conv, 0, woken, nwoken, e);
	free(ids);
	return rc;
}

/* A membership change asked by uid, in one transaction. */
int
store_members(struct store *s, int64_t uid, int64_t conv, const struct member_change *mc,
    size_t max_members, struct store_conv *out, char **bad, int64_t **woken, size_t *nwoken,
    struct err *e)
{
	*woken = NULL;
	*nwoken = 0;
	*bad = NULL;
	if (s->ops->begin(s, e) < 0)
		return -1;
	int rc = apply_members(s, uid, conv, mc, max_members, bad, woken, nwoken, e);
	if (rc == 0 && (rc = s->ops->conv_get(s, conv, out, e)) == 0)
		out->viewer = MEMBER_IN;
	return finish(s, rc, woken, nwoken, e);
}

/* Opens the write transaction of a membership change, with no one to wake yet. */
static int
begin_change(struct store *s, int64_t **woken, size_t *nwoken, struct err *e)
{
	*woken = NULL;
	*nwoken = 0;
	return s->ops->begin(s, e);
}

/* uid leaves conv, or declines its invitation. */
int
store_leave(struct store *s, int64_t uid, const char *me, int64_t conv, int64_t **woken,
    size_t *nwoken, struct err *e)
{
	if (begin_change(s, woken, nwoken, e) < 0)
		return -1;
	int state, role;
	int rc = s->ops->member_get(s, conv, uid, &state, &role, NULL, e);
	if (rc == 0 && state == MEMBER_GONE)
		rc = 1;
	if (rc == 0 && state == MEMBER_IN)
		rc = member_item(s, conv, uid, "leave", &me, 1, woken, nwoken, e);
	if (rc == 0)
		rc = s->ops->member_set(s, conv, uid, MEMBER_GONE, role, 0, e);
	if (rc == 0 && state == MEMBER_IN)
		rc = conv_event(s, conv, 0, woken, nwoken, e);
	if (rc == 0)
		rc = conv_event(s, conv, uid, woken, nwoken, e);
	return finish(s, rc, woken, nwoken, e);
}

/* uid accepts an invitation. */
int
store_accept(struct store *s, int64_t uid, const char *me, int64_t conv, struct store_conv *out,
    int64_t **woken, size_t *nwoken, struct err *e)
{
	if (begin_change(s, woken, nwoken, e) < 0)
		return -1;
	int state, role;
	int rc = s->ops->member_get(s, conv, uid, &state, &role, NULL, e);
	if (rc == 0 && state != MEMBER_INVITED)
		rc = 1;
	if (rc == 0)
		rc = s->ops->member_set(s, conv, uid, MEMBER_IN, role, 0, e);
	if (rc == 0)
		rc = member_item(s, conv, uid, "join", &me, 1, woken, nwoken, e);
	if (rc == 0)
		rc = conv_event(s, conv, 0, woken, nwoken, e);
	if (rc == 0 && (rc = s->ops->conv_get(s, conv, out, e)) == 0)
		out->viewer = MEMBER_IN;
	return finish(s, rc, woken, nwoken, e);
}

/* Sets conv's title. */
int
store_rename(struct store *s, int64_t uid, int64_t conv, const char *title, struct store_conv *out,
    int64_t **woken, size_t *nwoken, struct err *e)
{
	if (begin_change(s, woken, nwoken, e) < 0)
		return -1;
	int rc = s->ops->conv_title_set(s, conv, title, e);
	struct store_item it = {.kind = "title", .body = title, .bodylen = strlen(title)};
	int64_t *w;
	size_t nw;
	if (rc == 0 && (rc = store_item_append(s, conv, uid, &it, NULL, NULL, &w, &nw, e)) == 0)
		wake_more(w, nw, woken, nwoken);
	if (rc == 0)
		rc = conv_event(s, conv, 0, woken, nwoken, e);
	if (rc == 0 && (rc = s->ops->conv_get(s, conv, out, e)) == 0)
		out->viewer = MEMBER_IN;
	return finish(s, rc, woken, nwoken, e);
}

/* Blocks or unblocks; blocking declines the pending invitations of that user. */
int
store_block(struct store *s, int64_t uid, const char *other, bool on, int64_t **woken,
    size_t *nwoken, struct err *e)
{
	if (begin_change(s, woken, nwoken, e) < 0)
		return -1;
	int64_t them;
	int rc = s->ops->user_find(s, other, &them, NULL, e);
	if (rc == 0)
		rc = s->ops->block_set(s, uid, them, on, e);
	int64_t *convs = NULL;
	size_t n = 0;
	if (rc == 0 && on)
		rc = s->ops->invites_from(s, uid, them, &convs, &n, e);
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = s->ops->member_set(s, convs[i], uid, MEMBER_GONE, ROLE_MEMBER, 0, e);
		if (rc == 0)
			rc = conv_event(s, convs[i], uid, woken, nwoken, e);
	}
	free(convs);
	return finish(s, rc, woken, nwoken, e);
}

/* The names uid blocked. */
int
store_block_list(struct store *s, int64_t uid, char ***names, size_t *n, struct err *e)
{
	return s->ops->block_list(s, uid, names, n, e);
}
