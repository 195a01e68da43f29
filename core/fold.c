/* Folding: a line's shown text, edited/deleted, reactions, reply quote and notice. */
#include "fold.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* True when a acts on (sender, seq). */
bool
fold_acts_on(const struct message *a, const char *sender, uint64_t seq)
{
	enum item_kind k = message_kind(a);
	if (k != ITEM_EDIT && k != ITEM_DELETE && k != ITEM_REACT)
		return false;
	return a->target_sender != NULL && a->target_seq == seq &&
	    strcmp(a->target_sender, sender) == 0;
}

/* The shown text: the newest edit by the line's sender, unless deleted. */
const char *
fold_text(const struct message *line, const struct message *acts, size_t nacts, bool *edited,
    bool *deleted)
{
	const struct message *newest = NULL;
	*deleted = line->deleted;
	for (size_t i = 0; i < nacts; i++) {
		const struct message *a = &acts[i];
		/* Only the sender edits or deletes: anything else is a server's bug, ignored. */
		if (!fold_acts_on(a, line->sender, line->seq) ||
		    strcmp(a->sender, line->sender) != 0)
			continue;
		if (message_kind(a) == ITEM_DELETE)
			*deleted = true;
		else if (message_kind(a) == ITEM_EDIT && (newest == NULL || a->seq > newest->seq))
			newest = a;
	}
	*edited = newest != NULL;
	if (*deleted)
		return NULL;
	if (newest != NULL && newest->deleted)
		return NULL;
	return newest != NULL ? newest->body : line->body;
}

/* Joins a member item's users ("a b c") as "a, b and c". */
static char *
users_text(const char *users)
{
	struct buf b = {0};
	buf_puts(&b, "");
	size_t total = 0;
	for (const char *p = users ? users : ""; *p; total++) {
		size_t n = strcspn(p, " ");
		p += n;
		p += *p == ' ';
	}
	size_t i = 0;
	for (const char *p = users ? users : ""; *p; i++) {
		size_t n = strcspn(p, " ");
		if (i > 0)
			buf_puts(&b, i + 1 == total ? " and " : ", ");
		buf_append(&b, p, n);
		p += n;
		p += *p == ' ';
	}
	return b.data;
}

/* The notice of a member or title item. */
char *
fold_notice(const struct message *m)
{
	enum item_kind k = message_kind(m);
	if (k == ITEM_TITLE)
		return xasprintf("%s renamed this to %s", m->sender, m->body ? m->body : "");
	if (k != ITEM_MEMBER)
		return NULL;
	const char *op = m->op ? m->op : "";
	char *who = users_text(m->users);
	char *s;
	if (strcmp(op, "add") == 0)
		s = xasprintf("%s added %s", m->sender, who);
	else if (strcmp(op, "remove") == 0)
		s = xasprintf("%s removed %s", m->sender, who);
	else if (strcmp(op, "leave") == 0)
		s = xasprintf("%s left", m->sender);
	else if (strcmp(op, "join") == 0)
		s = xasprintf("%s joined", m->sender);
	else if (strcmp(op, "admin") == 0)
		s = xasprintf("%s made %s %s", m->sender, who,
		    strchr(m->users ? m->users : "", ' ') ? "admins" : "an admin");
	else
		s = xasprintf("%s changed the members (%s)", m->sender, op);
	free(who);
	return s;
}

/* Orders items by (ts, sender, seq): the order of lines. */
static int
item_cmp(const struct message *x, const struct message *y)
{
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	int c = strcmp(x->sender, y->sender);
	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Orders pointers to items by item_cmp. */
static int
ptr_cmp(const void *a, const void *b)
{
	return item_cmp(*(const struct message *const *)a, *(const struct message *const *)b);
}

/* Adds reactor who to reaction text in out, making the reaction when new. */
static void
add_reaction(struct folded *out, const char *text, const char *who)
{
	struct fold_reaction *r = NULL;
	for (size_t i = 0; i < out->nreactions && r == NULL; i++)
		if (strcmp(out->reactions[i].text, text) == 0)
			r = &out->reactions[i];
	if (r == NULL) {
		out->reactions =
		    xreallocarray(out->reactions, out->nreactions + 1, sizeof(*out->reactions));
		r = &out->reactions[out->nreactions++];
		*r = (struct fold_reaction){.text = xstrdup(text)};
	}
	r->who = xreallocarray(r->who, r->n + 1, sizeof(*r->who));
	r->who[r->n++] = xstrdup(who);
}

/*
 * The reactions to line: per (reactor, text) the reactor's react with the
 * highest seq decides; the present ones in order of their (ts, sender, seq).
 */
static void
fold_reactions(
    const struct message *line, const struct message *acts, size_t nacts, struct folded *out)
{
	const struct message **win = xcalloc(nacts + 1, sizeof(*win));
	size_t nw = 0;
	for (size_t i = 0; i < nacts; i++) {
		const struct message *a = &acts[i];
		if (message_kind(a) != ITEM_REACT || !fold_acts_on(a, line->sender, line->seq) ||
		    a->body == NULL || a->body[0] == '\0')
			continue;
		size_t j = 0;
		while (j < nw &&
		    (strcmp(win[j]->sender, a->sender) != 0 || strcmp(win[j]->body, a->body) != 0))
			j++;
		if (j == nw)
			win[nw++] = a;
		else if (a->seq > win[j]->seq)
			win[j] = a;
	}
	qsort(win, nw, sizeof(*win), ptr_cmp);
	for (size_t j = 0; j < nw; j++)
		if (!win[j]->remove)
			add_reaction(out, win[j]->body, win[j]->sender);
	free(win);
}

/* Folds one line. */
void
fold_line(const struct message *line, const struct message *acts, size_t nacts,
    const struct message *target, struct folded *out)
{
	*out = (struct folded){0};
	enum item_kind k = message_kind(line);
	if (k == ITEM_MEMBER || k == ITEM_TITLE) {
		out->notice = fold_notice(line);
		return;
	}
	if (k != ITEM_MESSAGE)
		return;
	const char *text = fold_text(line, acts, nacts, &out->edited, &out->deleted);
	out->text = text != NULL ? xstrdup(text) : NULL;
	out->action = line->action;
	/* A deleted message keeps nothing, not even the reactions to it. */
	if (!out->deleted)
		fold_reactions(line, acts, nacts, out);
	if (line->target_sender == NULL)
		return;
	out->reply = true;
	out->quote.sender = xstrdup(line->target_sender);
	out->quote.seq = line->target_seq;
	if (target == NULL)
		return;
	out->quote.known = true;
	bool edited;
	const char *tt = fold_text(target, acts, nacts, &edited, &out->quote.deleted);
	out->quote.text = tt != NULL ? xstrdup(tt) : NULL;
}

/* Frees a folded line's strings. */
void
fold_free(struct folded *f)
{
	free(f->text);
	free(f->notice);
	for (size_t i = 0; i < f->nreactions; i++) {
		for (size_t j = 0; j < f->reactions[i].n; j++)
			free(f->reactions[i].who[j]);
		free(f->reactions[i].who);
		free(f->reactions[i].text);
	}
	free(f->reactions);
	free(f->quote.sender);
	free(f->quote.text);
	*f = (struct folded){0};
}

/* Frees an array of folded lines. */
void
folds_free(struct folded *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fold_free(&v[i]);
	free(v);
}
