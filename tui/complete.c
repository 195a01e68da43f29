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

/* Forgets the titles. */
static void
titles_free(struct complete *c)
{
	for (size_t i = 0; i < c->ntitles; i++)
		free(c->titles[i]);
	free(c->titles);
	c->titles = NULL;
	c->ntitles = 0;
}

/* Replaces the conversation titles. */
void
complete_set_titles(struct complete *c, char *const *titles, size_t n)
{
	titles_free(c);
	c->titles = xcalloc(n + 1, sizeof(*c->titles));
	for (size_t i = 0; i < n; i++)
		c->titles[i] = xstrdup(titles[i]);
	c->ntitles = n;
}

/* Frees the completer. */
void
complete_free(struct complete *c)
{
	complete_clear(c);
	titles_free(c);
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
	if (c->what == COMPLETE_TITLES) {
		size_t len = strlen(p);
		for (size_t i = 0; i < c->ntitles; i++) {
			if (strncasecmp(c->titles[i], p, len) != 0)
				continue;
			if ((*count)++ == k)
				found = xstrdup(c->titles[i]);
		}
		return found;
	}
	if (c->what == COMPLETE_COMMANDS || (c->start == 0 && p[0] == '/')) {
		bool slash = p[0] == '/';
		size_t len = strlen(p + slash);
		for (size_t i = 0; i < command_count; i++) {
			if (strncasecmp(command_table[i].name, p + slash, len) != 0)
				continue;
			if ((*count)++ == k)
				found = c->what == COMPLETE_COMMANDS
				    ? xstrdup(command_table[i].name)
				    : xasprintf("/%s ", command_table[i].name);
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
		/* "name: " addresses someone at the start of a line; "@name " elsewhere. */
		if ((*count)++ == k)
			found = c->start == 0 && !at ? xasprintf("%s: ", c->names[i])
						     : xasprintf("@%s ", c->names[i]);
	}
	return found;
}

/* What the line asks for at start: titles after /go and the like, command names after /help. */
static enum complete_what
context(const struct edit *e, size_t *start)
{
	if (e->len == 0 || e->buf[0] != L'/')
		return COMPLETE_WORD;
	size_t end = 1;
	while (end < e->len && !iswspace((wint_t)e->buf[end]))
		end++;
	if (end >= e->pos)
		return COMPLETE_WORD;
	char *name = edit_substring(e, 1, end);
	const struct command_info *ci = command_lookup(name, strlen(name));
	free(name);
	size_t arg = end;
	while (arg < e->pos && iswspace((wint_t)e->buf[arg]))
		arg++;
	if (ci == NULL)
		return COMPLETE_WORD;
	switch (ci->kind) {
	case CMD_GO:
	case CMD_MUTE:
	case CMD_UNMUTE:
	case CMD_CLOSE:
		*start = arg; /* a title may hold spaces: all of it up to the cursor */
		return COMPLETE_TITLES;
	case CMD_HELP:
		return COMPLETE_COMMANDS;
	default:
		return COMPLETE_WORD;
	}
}

/* Completes the word before the cursor or cycles through the matches. */
int
complete_tab(struct complete *c, struct edit *e, int dir)
{
	if (!c->active) {
		size_t start = e->pos;
		while (start > 0 && !iswspace((wint_t)e->buf[start - 1]))
			start--;
		c->what = context(e, &start);
		if (start == e->pos && c->what != COMPLETE_TITLES)
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
