/* The message window's content: history rows, notices and pending sends. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "timeline.h"
#include "util.h"

/* True when notice n belongs in the window of t's conversation. */
static bool
notice_here(const struct notice *n, const struct timeline *t)
{
	if (t->until != 0 && n->ts > t->until)
		return false; /* a window ending at a search hit does not show what came later */
	return n->conv == NULL || t->conv == NULL || strcmp(n->conv, t->conv) == 0;
}

/* Appends notice n. */
static void
add_notice(struct view *v, const struct notice *n)
{
	view_append(v, n->ts, "", n->text, strlen(n->text), VIEW_INFO);
}

/* Sets the quote and the reactions of m from its fold. */
static void
add_extras(struct view_msg *m, const struct folded *f)
{
	if (f->reply) {
		const struct fold_quote *q = &f->quote;
		if (!q->known) {
			char *name = xasprintf("%s:%llu", q->sender, (unsigned long long)q->seq);
			view_msg_set_quote(m, name, NULL);
			free(name);
		} else {
			view_msg_set_quote(
			    m, q->sender, q->deleted || !q->text ? VIEW_DELETED_MARK : q->text);
		}
	}
	if (f->nreactions == 0)
		return;
	struct view_reaction *r = xcalloc(f->nreactions, sizeof(*r));
	for (size_t i = 0; i < f->nreactions; i++) {
		r[i].emoji = f->reactions[i].text;
		r[i].who = (const char *const *)f->reactions[i].who;
		r[i].n = f->reactions[i].n;
	}
	view_msg_set_reactions(m, r, f->nreactions);
	free(r);
}

/* Appends history row r, shown as f folds it (NULL: as it came). */
static void
add_row(struct view *v, const struct message *r, const struct folded *f, const struct timeline *t)
{
	int flags = strcmp(r->sender, t->me) == 0 ? VIEW_OWN : 0;
	if (!(flags & VIEW_OWN) && t->mention && names_user(r->body, t->mention))
		flags |= VIEW_MENTION;
	if (t->hit != 0 && r->id == t->hit)
		flags |= VIEW_HIT;
	if (r->lost)
		flags |= VIEW_LOST;
	const char *body = r->body ? r->body : "";
	if (f && f->notice) {
		flags |= VIEW_EVENT;
		body = f->notice;
	} else if (f) {
		flags |= (f->edited ? VIEW_EDITED : 0) | (f->deleted ? VIEW_DELETED : 0) |
		    (f->action && !f->deleted ? VIEW_ACTION : 0);
		body = f->text ? f->text : "";
	}
	struct view_msg *m = view_append(v, r->ts, r->sender, body, strlen(body), flags);
	m->id = r->id;
	m->seq = r->seq;
	if (f)
		add_extras(m, f);
}

/* Appends the sends of t's conversation still in the outbox. */
static void
add_pending(struct view *v, const struct timeline *t)
{
	for (size_t i = 0; t->conv && i < t->noutbox; i++) {
		const struct outbox_item *ob = &t->outbox[i];
		/* Edits, deletes and reactions show once the server took them. */
		if (strcmp(ob->conv, t->conv) != 0 || ob->kind != NULL)
			continue;
		struct view_msg *m = view_append(v, ob->created, t->me, ob->body, strlen(ob->body),
		    VIEW_OWN | VIEW_PENDING | (ob->action ? VIEW_ACTION : 0));
		m->cid = xstrdup(ob->client_id);
	}
}

/* Fills v from scratch. */
void
timeline_fill(struct view *v, const struct message *rows, size_t n, const struct timeline *t)
{
	view_clear(v);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		for (; k < t->nnotices && t->notices[k].ts <= rows[i].ts; k++) {
			if (notice_here(&t->notices[k], t))
				add_notice(v, &t->notices[k]);
		}
		add_row(v, &rows[i], t->folds ? &t->folds[i] : NULL, t);
	}
	add_pending(v, t);
	for (; k < t->nnotices; k++) {
		if (notice_here(&t->notices[k], t))
			add_notice(v, &t->notices[k]);
	}
}

/*
 * Where rows[0] sits in v, after checking that the history rows of v after
 * it are rows[1..n) less the new ones; counts those in *fresh. SIZE_MAX
 * when they do not join.
 */
static size_t
join(const struct view *v, const struct message *rows, size_t n, size_t *fresh)
{
	size_t p = SIZE_MAX;
	for (size_t i = v->n; i-- > 0 && p == SIZE_MAX;) {
		if (v->msgs[i]->id == rows[0].id)
			p = i;
	}
	if (p == SIZE_MAX)
		return SIZE_MAX;
	size_t k = 1;
	*fresh = 0;
	for (size_t i = p + 1; i < v->n; i++) {
		if (v->msgs[i]->id == 0)
			continue;
		for (; k < n && rows[k].id != v->msgs[i]->id; k++)
			(*fresh)++;
		if (k == n)
			return SIZE_MAX;
		k++;
	}
	*fresh += n - k;
	return p;
}

/* The first message left in tail[*at..n) that is a notice (or a history row), or NULL. */
static struct view_msg *
next_of(struct view_msg **tail, size_t n, size_t *at, bool notice)
{
	for (; *at < n; (*at)++) {
		struct view_msg *m = tail[*at];
		if (m && (notice ? (m->flags & VIEW_INFO) != 0 : m->id != 0))
			return m;
	}
	return NULL;
}

/* Moves tail[*at] back into v and finds the next one of its kind. */
static struct view_msg *
give_back(struct view *v, struct view_msg **tail, size_t n, size_t *at, bool notice)
{
	view_push(v, tail[*at]);
	tail[*at] = NULL;
	return next_of(tail, n, at, notice);
}

/* Merges the newest rows into v, reusing the messages it holds. */
int
timeline_merge(
    struct view *v, const struct message *rows, size_t n, size_t fresh, const struct timeline *t)
{
	size_t found = 0;
	size_t p = n > 0 ? join(v, rows, n, &found) : SIZE_MAX;
	if (p == SIZE_MAX || found != fresh)
		return -1;
	/* Rebuild after rows[0]: its rows by time with the notices, then the sends. */
	size_t ntail;
	struct view_msg **tail = view_detach(v, p + 1, &ntail);
	size_t ni = 0, ri = 0; /* the next notice and the next history row of the tail */
	struct view_msg *note = next_of(tail, ntail, &ni, true);
	struct view_msg *row = next_of(tail, ntail, &ri, false);
	for (size_t i = 1; i < n; i++) {
		while (note && note->ts <= rows[i].ts)
			note = give_back(v, tail, ntail, &ni, true);
		if (row && row->id == rows[i].id)
			row = give_back(v, tail, ntail, &ri, false);
		else
			add_row(v, &rows[i], t->folds ? &t->folds[i] : NULL, t);
	}
	add_pending(v, t);
	while (note)
		note = give_back(v, tail, ntail, &ni, true);
	/* What is left are the old pending sends. */
	for (size_t i = 0; i < ntail; i++) {
		if (tail[i])
			view_msg_free(tail[i]);
	}
	free(tail);
	return (int)found;
}
