/*
 * Sending an item from the interface: an edit, a deletion, a reaction, a
 * reply or an action (docs/protocol.md, "Items"), on net.c's sender thread.
 * The outbox carries only plain text messages so far, so an item is posted
 * at once and not queued: when the server cannot be reached the interface
 * says it was not sent, and nothing is half done. As the protocol asks, the
 * server is first asked (once per session) whether it takes items: an older
 * one would store an edit as a new line.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "natter.h"

/* Asks GET /v1/health whether the server takes items: 1 yes, 0 no, -1 error. */
static int
server_takes_items(struct client *cl, struct err *e)
{
	struct http_response r;
	if (client_call(cl, "GET", "/v1/health", NULL, 0, "the server", &r, e) < 0)
		return -1;
	json_t *j = json_loadb(r.body.data ? r.body.data : "", r.body.len, 0, NULL);
	http_response_free(&r);
	int yes = j != NULL && json_is_true(json_object_get(j, "items"));
	json_decref(j);
	return yes;
}

/* Posts item it (conv, kind, body, target, action, remove) and stores it in h. */
int
send_item(struct client *cl, struct history *h, const struct message *it, int *takes, struct err *e)
{
	if (*takes == 0) {
		int rc = server_takes_items(cl, e);
		if (rc < 0)
			return -1;
		*takes = rc ? 1 : -1;
	}
	if (*takes < 0)
		return err_set(e, ERR_USAGE,
		    "this server does not take edits, deletions, replies, reactions or actions");
	if (!proto_valid_id(it->conv))
		return err_set(e, ERR_NOTFOUND, "no conversation %s", it->conv);
	char *cid = random_hex(16);
	char *req = proto_item_request(cid, it);
	free(cid);
	if (req == NULL)
		return err_set(e, ERR_USAGE, "the text is not valid UTF-8");
	char *path = xasprintf("/v1/conversations/%s/messages", it->conv);
	char *what = xasprintf("conversation %s", it->conv);
	struct http_response r;
	int ret = client_call(cl, "POST", path, req, 0, what, &r, e);
	free(req);
	free(path);
	free(what);
	if (ret < 0)
		return -1;
	struct message ack;
	ret = proto_parse_ack(r.body.data, r.body.len, &ack, e);
	http_response_free(&r);
	if (ret < 0)
		return -1;
	/* The item enters history now; its echo in the events is then a duplicate. */
	struct message m;
	message_copy(&m, it);
	free(m.sender);
	m.sender = xstrdup(ack.sender);
	m.seq = ack.seq;
	m.ts = ack.ts;
	if (m.body == NULL)
		m.body = xstrdup("");
	ret = strcmp(ack.conv, it->conv) == 0
	    ? history_insert(h, &m, 1, NULL, e)
	    : err_set(e, ERR_PROTOCOL, "server stored the item in another conversation");
	message_free(&m);
	message_free(&ack);
	return ret;
}
