/*
 * Read state as the notifier needs it: what the user read on any device
 * (read events; the changes answer after being away) is never announced,
 * and a conversation read anywhere loses its notification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notifyd.h"
#include "proto.h"

/* How long the changes request may take. */
#define CHANGES_TIMEOUT_MS 15000

/* The marks known of conv, or NULL. */
static struct convmarks *
find(const struct notifyd *d, const char *conv)
{
	for (size_t i = 0; i < d->nreads; i++)
		if (strcmp(d->reads[i].conv, conv) == 0)
			return &d->reads[i];
	return NULL;
}

void
reads_apply(struct notifyd *d, const char *conv, const struct marks *m)
{
	struct convmarks *cm = find(d, conv);
	if (cm == NULL) {
		d->reads = xreallocarray(d->reads, d->nreads + 1, sizeof(*d->reads));
		cm = &d->reads[d->nreads++];
		*cm = (struct convmarks){.conv = xstrdup(conv)};
	}
	for (size_t i = 0; i < m->n; i++)
		marks_raise(&cm->m, m->v[i].sender, m->v[i].seq);
	if (coalesce_read(&d->co, conv, &cm->m)) {
		notify_withdraw(&d->notifier, conv);
		if (d->verbose)
			fprintf(stderr, "natter-notifyd: %s was read: its notification withdrawn\n",
			    conv);
	}
}

bool
reads_covers(const struct notifyd *d, const struct message *m)
{
	const struct convmarks *cm = find(d, m->conv);
	for (size_t i = 0; cm != NULL && i < cm->m.n; i++)
		if (strcmp(cm->m.v[i].sender, m->sender) == 0)
			return m->seq <= cm->m.v[i].seq;
	return false;
}

void
reads_learn(struct notifyd *d, int64_t since)
{
	char *path = xasprintf("/v1/changes?since=%lld", (long long)since);
	struct http_response r;
	struct err e = {0};
	int rc = http_request(&d->http, "GET", path, NULL, CHANGES_TIMEOUT_MS, &r, &e);
	free(path);
	if (rc < 0 || r.status != 200) {
		http_response_free(&r);
		return; /* an older server, or down: the events still say what is read */
	}
	struct changes_reply cr;
	if (proto_parse_changes(r.body.data, r.body.len, &cr, &e) == 0) {
		for (size_t i = 0; i < cr.nconvs; i++)
			if (cr.convs[i].has_read)
				reads_apply(d, cr.convs[i].id, &cr.convs[i].read);
		changes_reply_free(&cr);
	}
	http_response_free(&r);
}

void
reads_free(struct notifyd *d)
{
	for (size_t i = 0; i < d->nreads; i++) {
		free(d->reads[i].conv);
		marks_free(&d->reads[i].m);
	}
	free(d->reads);
	d->reads = NULL;
	d->nreads = 0;
}
