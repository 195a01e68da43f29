/* Delivering the outbox in order, exactly once thanks to client ids. */
#include "outbox.h"

#include <string.h>

#include "client.h"

/* True for errors that may go away by themselves, after a login or with the right CA. */
static bool
temporary(const struct err *e)
{
	if (e->kind == ERR_PROTOCOL)
		return e->status < 400 || e->status > 499; /* a garbled receipt: resend is safe */
	return e->kind == ERR_OFFLINE || e->kind == ERR_AUTH || e->kind == ERR_SYSTEM ||
	    e->kind == ERR_DB || e->kind == ERR_TLS;
}

/* Posts queued sends in order. */
int
outbox_flush(struct client *c, struct history *h, struct outbox_report *r, struct err *e)
{
	int64_t watch = r->watch_id;
	memset(r, 0, sizeof(*r));
	r->watch_id = watch;
	r->watch_state = OUTBOX_QUEUED;
	struct outbox_item *v;
	size_t n;
	if (history_outbox_list(h, &v, &n, e) < 0)
		return -1;
	int ret = 0;
	size_t i;
	int items = -1; /* the server implements items: unknown until one is sent */
	for (i = 0; i < n; i++) {
		struct message a;
		struct err pe = {0};
		struct message it = outbox_item_message(&v[i]);
		bool plain = it.kind == NULL && it.target_sender == NULL && !it.action;
		int rc = 0;
		if (!plain && items < 0) {
			bool yes;
			rc = client_has_items(c, &yes, &pe);
			items = rc == 0 ? yes : -1;
		}
		if (rc == 0 && !plain && items == 0)
			rc = err_set(&pe, ERR_USAGE,
			    "the server at %s does not support edits, deletions, replies, reactions"
			    " and actions (protocol 1.0): not sent",
			    c->server);
		if (rc < 0 || client_post_item(c, v[i].conv, v[i].client_id, &it, &a, &pe) < 0) {
			if (temporary(&pe)) {
				if (e != NULL)
					*e = pe;
				if (v[i].id == watch)
					r->watch_err = pe;
				ret = -1;
				break;
			}
			if (history_outbox_done(h, v[i].id, NULL, e) < 0) {
				ret = -1;
				break;
			}
			if (r->dropped++ == 0)
				r->first_drop = pe;
			if (v[i].id == watch) {
				r->watch_state = OUTBOX_DROPPED;
				r->watch_err = pe;
			}
			continue;
		}
		rc = history_outbox_done(h, v[i].id, &a, e);
		message_free(&a);
		if (rc < 0) {
			ret = -1;
			break;
		}
		r->sent++;
		if (v[i].id == watch)
			r->watch_state = OUTBOX_SENT;
	}
	r->queued = ret < 0 ? n - i : 0;
	outbox_items_free(v, n);
	return ret;
}
