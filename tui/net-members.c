/*
 * The interface's membership requests (/msg, /query, /part, /invite, /kick,
 * /topic), run on the sender thread like /new: one waits at a time, and the
 * answer comes back as news (a conversation to open, a notice, an error).
 */
#include <stdlib.h>
#include <string.h>

#include "natter.h"
#include "text.h"

/* Frees a request. */
void
net_member_req_free(struct net_member_req *r)
{
	if (r == NULL)
		return;
	free(r->conv);
	for (size_t i = 0; i < r->n; i++)
		free(r->args[i]);
	free(r->args);
	free(r->text);
	free(r);
}

/* Queues a request (taking it), replacing one not yet run. */
void
net_members(struct net *n, struct net_member_req *r)
{
	pthread_mutex_lock(&n->mu);
	net_member_req_free(n->mreq);
	n->mreq = r;
	pthread_cond_broadcast(&n->cv);
	pthread_mutex_unlock(&n->mu);
}

/* Words for what was done (sanitised title). */
static char *
done_words(const struct net_member_req *r, const struct conversation *c)
{
	const char *t = c && c->title ? c->title : r->conv ? r->conv : "";
	char *title = text_sanitize(t, strlen(t), 0);
	struct buf who = {0};
	for (size_t i = 0; i < r->n; i++)
		buf_printf(&who, "%s%s", i ? ", " : "", r->args[i]);
	char *s;
	switch (r->kind) {
	case NET_INVITE:
		s = xasprintf("added %s to %s (a stranger to you is invited)", who.data, title);
		break;
	case NET_KICK:
		s = xasprintf("removed %s from %s", who.data, title);
		break;
	case NET_PART:
		s = xasprintf(
		    "you left %s: nothing more comes from it; what you hold stays", title);
		break;
	case NET_TOPIC:
		s = xasprintf("renamed to %s", title);
		break;
	default:
		s = NULL;
		break;
	}
	free(title);
	buf_free(&who);
	return s;
}

/* Runs one request on the sender thread (mu not held); news under mu. */
void
net_members_run(struct net *n, struct client *cl, struct history *h, struct net_member_req *r)
{
	struct conversation c = {0};
	struct err e = {0};
	int rc;
	bool have = true;
	switch (r->kind) {
	case NET_DM:
		rc = client_direct(cl, r->args[0], &c, &e);
		break;
	case NET_INVITE:
	case NET_KICK:
		rc = client_members(
		    cl, r->conv, r->kind == NET_INVITE ? "add" : "remove", r->args, r->n, &c, &e);
		break;
	case NET_PART:
		/* The answer has no conversation: its title for the notice is the one held. */
		have = false;
		enum conv_state st;
		if (history_conv_state(h, r->conv, &st, &c.title, NULL) != 0)
			c.title = NULL;
		rc = client_membership(cl, r->conv, "leave", NULL, &e);
		break;
	default:
		rc = client_rename(cl, r->conv, r->text, &c, &e);
		break;
	}
	if (rc == 0 && have)
		rc = history_put_convs(h, &c, 1, &e);
	if (rc == 0 && r->kind == NET_PART)
		rc = history_set_conv_state(h, r->conv, CONV_LEFT, &e);
	/* /msg USER TEXT: the text goes through the outbox like any line. */
	struct outbox_item it = {0};
	bool queued = false;
	if (rc == 0 && r->kind == NET_DM && r->text != NULL) {
		rc = history_outbox_add(h, c.id, r->text, &it, &e);
		queued = rc == 0;
		outbox_item_free(&it);
	}
	pthread_mutex_lock(&n->mu);
	n->news.all = true;
	if (rc < 0) {
		free(n->news.error);
		n->news.error = xasprintf("%s", e.msg);
	} else if (r->kind == NET_DM) {
		free(n->news.opened);
		n->news.opened = xstrdup(c.id);
		if (c.state == CONV_INVITED) {
			free(n->news.notice);
			n->news.notice =
			    xasprintf("%s invited you: natter accept %s", r->args[0], c.id);
		}
	} else {
		free(n->news.notice);
		n->news.notice = done_words(r, &c);
	}
	if (queued)
		n->flush = true;
	pthread_mutex_unlock(&n->mu);
	conversation_free(&c);
}
