/*
 * Invitations and blocked users (docs/protocol.md, Membership): one note
 * "X invited you to T" when a conversation event says the user is invited,
 * and nothing announced from a user they block. The block list is the
 * server's (GET /v1/blocks), asked at most once a minute.
 */
#include <stdlib.h>
#include <string.h>

#include "notifyd.h"
#include "proto.h"
#include "text.h"

#define BLOCKS_REFETCH_MS 60000

/* Refreshes the blocked users from the server, at most once a minute; errors keep the old list. */
void
blocks_refresh(struct notifyd *d)
{
	int64_t now = mono_ms(), changed = 0;
	struct err se = {0};
	/* natter block on this device says so in sync.db: asked again at once. */
	bool told = syncstore_get_state(&d->store, "blocks", &changed, &se) == 1 &&
	    changed != d->blocks_changed;
	if (!told && d->blocks_fetched_ms && now - d->blocks_fetched_ms < BLOCKS_REFETCH_MS)
		return;
	d->blocks_fetched_ms = now;
	d->blocks_changed = changed;
	struct http_response r;
	struct err e = {0};
	char **names;
	size_t n;
	if (http_request(&d->http, "GET", "/v1/blocks", NULL, 10000, &r, &e) < 0 ||
	    r.status != 200 || proto_parse_blocks(r.body.data, r.body.len, &names, &n, &e) < 0) {
		http_response_free(&r);
		return; /* a server without blocks (404): nobody is blocked */
	}
	http_response_free(&r);
	blocks_free(d);
	d->blocked = names;
	d->nblocked = n;
}

/* True when the user blocks `name`. */
bool
blocks_has(const struct notifyd *d, const char *name)
{
	for (size_t i = 0; i < d->nblocked; i++)
		if (strcmp(d->blocked[i], name) == 0)
			return true;
	return false;
}

/* Forgets the block list. */
void
blocks_free(struct notifyd *d)
{
	for (size_t i = 0; i < d->nblocked; i++)
		free(d->blocked[i]);
	free(d->blocked);
	d->blocked = NULL;
	d->nblocked = 0;
}

/*
 * Announces an invitation the first time its conversation event comes
 * (before it is stored), unless do not disturb is on or the inviter is
 * blocked. Nothing of the conversation is announced until it is accepted:
 * the server sends nothing of it before.
 */
void
invite_announce(struct notifyd *d, const struct conversation *c)
{
	if (c->state != CONV_INVITED || c->inviter == NULL)
		return;
	struct conversation known;
	struct err e = {0};
	int seen = syncstore_get_conversation(&d->store, c->id, &known, &e);
	conversation_free(&known);
	int64_t until;
	if (seen != 0 || syncstore_get_dnd(&d->store, &until, &e) != 0)
		return;
	blocks_refresh(d);
	if (blocks_has(d, c->inviter))
		return;
	char *who = text_sanitize(c->inviter, strlen(c->inviter), 0);
	char *t = text_sanitize(c->title, strlen(c->title), 0);
	char *title = text_truncate(t, TITLE_MAX);
	char *summary = xasprintf("%s invited you to %s", who, title);
	struct note note = {
	    .kind = NOTE_CONV,
	    .conv = c->id,
	    .title = title,
	    .sender = who,
	    .summary = text_truncate(summary, SUMMARY_MAX),
	    .body = xasprintf("natter accept %s, or natter decline %s", c->id, c->id),
	    .count = 1,
	    .urgency = d->notifier.mention_urgency,
	};
	notify_show(&d->notifier, &note);
	free(note.summary);
	free(note.body);
	free(summary);
	free(title);
	free(t);
	free(who);
}
