/* Tab completion of member names and /commands, with cycling. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

#include "command.h"
#include "complete.h"
#include "util.h"

/* An empty completer. */
void
complete_init(struct complete *c)
{
	memset(c, 0, sizeof(*c));
	c->cur = -1;
}

/* Forgets every name and the cycle. */
void
complete_clear(struct complete *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->names[i]);
	c->n = 0;
	complete_reset(c);
}

/* Frees the completer. */
void
complete_free(struct complete *c)
{
	complete_clear(c);
	free(c->names);
	memset(c, 0, sizeof(*c));
}

/* Moves name to the front of the list, adding it when new. */
void
complete_touch(struct complete *c, const char *name)
{
	size_t i;
	char *keep = NULL;
	for (i = 0; i < c->n; i++) {
		if (strcmp(c->names[i], name) == 0) {
			keep = c->names[i];
			break;
		}
	}
	if (keep == NULL) {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 16;
			c->names = xreallocarray(c->names, c->cap, sizeof(*c->names));
		}
		keep = xstrdup(name);
		i = c->n++;
	}
	memmove(c->names + 1, c->names, i * sizeof(*c->names));
	c->names[0] = keep;
}

/* Ends the current Tab cycle. */
void
complete_reset(struct complete *c)
{
	c->active = false;
	free(c->prefix);
	c->prefix = NULL;
	c->cur = -1;
}

/*
 * The k-th match of the cycle's prefix with its suffix (NULL when k is past
 * the end); *count gets the number of matches.
 */
static char *
candidate(const struct complete *c, size_t k, size_t *count)
{
	const char *p = c->prefix;
	char *found = NULL;
	*count = 0;
	if (c->start == 0 && p[0] == '/') {
		size_t len = strlen(p + 1);
		for (size_t i = 0; i < command_count; i++) {
			if (strncasecmp(command_table[i].name, p + 1, len) != 0)
				continue;
			if ((*count)++ == k)
				found = xasprintf("/%s ", command_table[i].name);
		}
		return found;
	}
	bool at = p[0] == '@';
	if (at)
		p++;
	size_t len = strlen(p);
	for (size_t i = 0; i < c->n; i++) {
		if (strncasecmp(c->names[i], p, len) != 0)
			continue;
		if ((*count)++ == k)
			found = xasprintf(
			    "%s%s%s", at ? "@" : "", c->names[i], c->start == 0 ? ": " : " ");
	}
	return found;
}

/* Completes the word before the cursor or cycles through the matches. */
int
complete_tab(struct complete *c, struct edit *e, int dir)
{
	if (!c->active) {
		size_t start = e->pos;
		while (start > 0 && !iswspace((wint_t)e->buf[start - 1]))
			start--;
		if (start == e->pos)
			return -1;
		c->prefix = edit_substring(e, start, e->pos);
		c->start = start;
		c->active = true;
		c->cur = -1;
	}
	size_t count;
	free(candidate(c, SIZE_MAX, &count));
	if (count == 0) {
		complete_reset(c);
		return -1;
	}
	size_t k;
	if (c->cur < 0)
		k = dir >= 0 ? 0 : count - 1;
	else if (dir >= 0)
		k = ((size_t)c->cur + 1) % count;
	else
		k = ((size_t)c->cur + count - 1) % count;
	char *rep = candidate(c, k, &count);
	int rc = edit_replace(e, c->start, e->pos, rep);
	free(rep);
	if (rc == 0)
		c->cur = (long)k;
	return rc;
}
