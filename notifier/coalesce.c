/* Burst coalescing: one note per conversation per batch, with safe text. */
#include <stdlib.h>
#include <string.h>

#include "notifyd.h"
#include "text.h"

struct group {
	const char *conv;
	size_t count;
	size_t newest; /* index into the batch */
};

/* Returns sanitised s (one line) cut to max characters. */
static char *
clean(const char *s, size_t max, int flags)
{
	char *safe = text_sanitize(s, strlen(s), flags);
	char *cut = text_truncate(safe, max);
	free(safe);
	return cut;
}

/* Builds the note of one group. */
static void
make_note(
    const struct message *m, const struct group *g, title_fn *title, void *arg, struct note *out)
{
	const struct message *last = &m[g->newest];
	const char *t = title ? title(arg, g->conv) : NULL;
	char *ctitle = clean(t && *t ? t : g->conv, TITLE_MAX, 0);
	char *summary, *body;
	char *who = clean(last->sender, 32, 0);
	if (g->count == 1) {
		summary = xasprintf("%s in %s", who, ctitle);
		body = xstrdup(last->body);
	} else {
		summary = xasprintf("%zu new messages in %s", g->count, ctitle);
		body = xasprintf("%s: %s", last->sender, last->body);
	}
	out->conv = xstrdup(g->conv);
	out->title = ctitle;
	out->sender = who;
	out->summary = clean(summary, SUMMARY_MAX, 0);
	out->body = clean(body, BODY_MAX, TEXT_KEEP_NEWLINE);
	out->count = g->count;
	free(summary);
	free(body);
}

void
coalesce(const struct message *m, size_t n, title_fn *title, void *arg, struct note_list *out)
{
	struct group *g = NULL;
	size_t ng = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k;
		for (k = 0; k < ng; k++)
			if (strcmp(g[k].conv, m[i].conv) == 0)
				break;
		if (k == ng) {
			g = xreallocarray(g, ng + 1, sizeof(*g));
			g[ng++] = (struct group){m[i].conv, 0, i};
		}
		g[k].count++;
		/* The newest by server time; the later event on a tie. */
		if (m[i].ts >= m[g[k].newest].ts)
			g[k].newest = i;
	}
	for (size_t k = 0; k < ng; k++) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 8;
			out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
		}
		make_note(m, &g[k], title, arg, &out->v[out->n++]);
	}
	free(g);
}

void
note_list_free(struct note_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].conv);
		free(l->v[i].title);
		free(l->v[i].sender);
		free(l->v[i].summary);
		free(l->v[i].body);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
