/*
 * Live notifications: one per conversation, updated in place as messages
 * arrive, a summary when many conversations are live at once, and a rate
 * limit on popping up again. Pure: the time is passed in, nothing is shown.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fold.h"
#include "notifyd.h"
#include "text.h"

/* Returns sanitised s (one line unless flags keep newlines) cut to max characters. */
static char *
clean(const char *s, size_t max, int flags)
{
	char *safe = text_sanitize(s, strlen(s), flags);
	char *cut = text_truncate(safe, max);
	free(safe);
	return cut;
}

void
coalesce_init(struct coalescer *c, int64_t quiet_ms, int64_t fresh_ms)
{
	memset(c, 0, sizeof(*c));
	c->quiet_ms = quiet_ms;
	c->fresh_ms = fresh_ms;
}

/* Forgets what a live note showed, so the next message starts a fresh one. */
static void
live_reset(struct live *l)
{
	for (size_t i = 0; i < l->nsenders; i++)
		free(l->senders[i]);
	for (size_t i = 0; i < l->nlines; i++) {
		free(l->lines[i]);
		free(l->keys[i].sender);
	}
	free(l->last_sender);
	l->last_sender = NULL;
	marks_free(&l->newest);
	l->nsenders = l->nlines = 0;
	l->more_senders = false;
	l->count = l->missed = 0;
	l->urgency = URGENCY_LOW;
	l->dirty = false;
	l->quiet_next = false;
}

void
coalesce_free(struct coalescer *c)
{
	for (size_t i = 0; i < c->n; i++) {
		live_reset(&c->v[i]);
		free(c->v[i].conv);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* The live note of conv, created empty when absent. */
static struct live *
live_get(struct coalescer *c, const char *conv)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].conv, conv) == 0)
			return &c->v[i];
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	struct live *l = &c->v[c->n++];
	memset(l, 0, sizeof(*l));
	l->conv = xstrdup(conv);
	return l;
}

/* Adds one message to a live note: its sender and its line. */
static void
live_add(struct live *l, const struct message *m, enum urgency u)
{
	bool known = false;
	char *who = clean(m->sender, 32, 0);
	for (size_t i = 0; i < l->nsenders && !known; i++)
		known = strcmp(l->senders[i], who) == 0;
	if (!known && l->nsenders < SENDERS_MAX)
		l->senders[l->nsenders++] = xstrdup(who);
	else if (!known)
		l->more_senders = true;
	free(l->last_sender);
	l->last_sender = who;
	if (l->nlines == LINES_MAX) {
		free(l->lines[0]);
		free(l->keys[0].sender);
		memmove(l->lines, l->lines + 1, (LINES_MAX - 1) * sizeof(*l->lines));
		memmove(l->keys, l->keys + 1, (LINES_MAX - 1) * sizeof(*l->keys));
		l->nlines--;
	}
	/* A membership change or a new title reads as its notice ("alice added carol"). */
	char *line = fold_notice(m);
	if (line == NULL)
		line = xasprintf("%s%s%s", m->sender, m->action ? " " : ": ", m->body);
	l->keys[l->nlines] = (struct mark){xstrdup(m->sender), m->seq};
	l->lines[l->nlines++] = clean(line, BODY_MAX, 0);
	free(line);
	l->count++;
	if (u > l->urgency)
		l->urgency = u;
	marks_raise(&l->newest, m->sender, m->seq);
}

void
coalesce_add(
    struct coalescer *c, const struct message *m, const enum urgency *u, size_t n, int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		struct live *l = live_get(c, m[i].conv);
		/* Without word from the desktop, a note left alone long enough is gone. */
		if (c->fresh_ms > 0 && l->count > 0 && now - l->touched_ms >= c->fresh_ms)
			live_reset(l);
		live_add(l, &m[i], u ? u[i] : URGENCY_LOW);
		l->touched_ms = now;
		l->dirty = true;
		c->summary_dirty = true;
	}
}

void
coalesce_missed(struct coalescer *c, const char *conv, size_t n, int64_t now)
{
	if (!conv || n == 0) {
		c->missed_unknown = true;
		return;
	}
	struct live *l = live_get(c, conv);
	l->missed += n;
	l->count += n;
	l->touched_ms = now;
	l->dirty = true;
	c->summary_dirty = true;
}

void
coalesce_closed(struct coalescer *c, const char *conv)
{
	if (!conv) {
		c->summary_popped_ms = 0;
		return;
	}
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].conv, conv) == 0)
			live_reset(&c->v[i]);
}

/* Takes line i out of a live note. */
static void
line_drop(struct live *l, size_t i)
{
	free(l->lines[i]);
	free(l->keys[i].sender);
	memmove(l->lines + i, l->lines + i + 1, (l->nlines - i - 1) * sizeof(*l->lines));
	memmove(l->keys + i, l->keys + i + 1, (l->nlines - i - 1) * sizeof(*l->keys));
	l->nlines--;
}

enum coalesce_change
coalesce_item(struct coalescer *c, const struct message *it)
{
	enum item_kind k = message_kind(it);
	if ((k != ITEM_EDIT && k != ITEM_DELETE) || it->target_sender == NULL ||
	    strcmp(it->sender, it->target_sender) != 0)
		return COALESCE_NONE;
	for (size_t i = 0; i < c->n; i++) {
		struct live *l = &c->v[i];
		if (strcmp(l->conv, it->conv) != 0 || l->count == 0)
			continue;
		for (size_t j = 0; j < l->nlines; j++) {
			if (l->keys[j].seq != it->target_seq ||
			    strcmp(l->keys[j].sender, it->target_sender) != 0)
				continue;
			if (k == ITEM_EDIT) {
				char *line = xasprintf("%s: %s", it->sender, it->body);
				free(l->lines[j]);
				l->lines[j] = clean(line, BODY_MAX, 0);
				free(line);
			} else {
				line_drop(l, j);
				l->count--;
				if (l->nlines == 0 && l->missed == 0) {
					live_reset(l);
					c->summary_dirty = true;
					return COALESCE_EMPTIED;
				}
			}
			l->dirty = true;
			l->quiet_next = true;
			return COALESCE_UPDATED;
		}
	}
	return COALESCE_NONE;
}

/* The seq read of sender in read (0: none). */
static uint64_t
mark_of(const struct marks *read, const char *sender)
{
	for (size_t i = 0; i < read->n; i++)
		if (strcmp(read->v[i].sender, sender) == 0)
			return read->v[i].seq;
	return 0;
}

bool
coalesce_read(struct coalescer *c, const char *conv, const struct marks *read)
{
	for (size_t i = 0; i < c->n; i++) {
		struct live *l = &c->v[i];
		if (strcmp(l->conv, conv) != 0 || l->count == 0)
			continue;
		for (size_t k = 0; k < l->newest.n; k++)
			if (mark_of(read, l->newest.v[k].sender) < l->newest.v[k].seq)
				return false; /* something it shows is still unread */
		live_reset(l);
		c->summary_dirty = true;
		return true;
	}
	return false;
}

/* "bob, carol in proj (12)": who, where and how many. */
static char *
live_summary(const struct live *l, const char *title)
{
	struct buf b = {0};
	for (size_t i = 0; i < l->nsenders; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", l->senders[i]);
	if (l->more_senders)
		buf_puts(&b, ", …");
	if (l->nsenders == 0)
		buf_puts(&b, "natter");
	buf_printf(&b, " in %s", title);
	if (l->count > 1)
		buf_printf(&b, " (%zu)", l->count);
	char *s = clean(b.data, SUMMARY_MAX, 0);
	buf_free(&b);
	return s;
}

/* The last few lines; a single message without its sender, who is in the summary. */
static char *
live_body(const struct live *l)
{
	struct buf b = {0};
	if (l->count == 1 && l->nlines == 1 && l->missed == 0) {
		const char *colon = strstr(l->lines[0], ": ");
		buf_puts(&b, colon ? colon + 2 : l->lines[0]);
	} else {
		for (size_t i = 0; i < l->nlines; i++)
			buf_printf(&b, "%s%s", i ? "\n" : "", l->lines[i]);
	}
	if (l->missed)
		buf_printf(&b, "%s%zu message%s missed: open natter", b.len ? "\n" : "", l->missed,
		    l->missed == 1 ? " was" : "s were");
	char *s = clean(b.data ? b.data : "", BODY_MAX, TEXT_KEEP_NEWLINE);
	buf_free(&b);
	return s;
}

/* Appends an empty note to out and returns it. */
static struct note *
note_new(struct note_list *out)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
	}
	struct note *n = &out->v[out->n++];
	memset(n, 0, sizeof(*n));
	return n;
}

/* True when a note last popped up at popped should now update silently. */
static bool
quiet_now(const struct coalescer *c, int64_t popped, int64_t now)
{
	return popped > 0 && now - popped < c->quiet_ms;
}

/* The note of one changed conversation. */
static void
take_live(struct coalescer *c, struct live *l, int64_t now, title_fn *title, void *arg,
    struct note_list *out)
{
	const char *t = title ? title(arg, l->conv) : NULL;
	struct note *n = note_new(out);
	n->kind = NOTE_CONV;
	n->conv = xstrdup(l->conv);
	n->title = clean(t && *t ? t : l->conv, TITLE_MAX, 0);
	n->sender = xstrdup(l->last_sender ? l->last_sender : "");
	n->summary = live_summary(l, n->title);
	n->body = live_body(l);
	n->count = l->count;
	n->urgency = l->urgency;
	n->quiet = l->quiet_next || quiet_now(c, l->popped_ms, now);
	if (!n->quiet)
		l->popped_ms = now;
	l->dirty = false;
	l->quiet_next = false;
}

/* "natter: 57 new in 6 conversations" when more than a few are live. */
static void
take_summary(struct coalescer *c, int64_t now, struct note_list *out)
{
	size_t live = 0, total = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].count) {
			live++;
			total += c->v[i].count;
		}
	}
	c->summary_dirty = false;
	if (live <= SUMMARY_AFTER)
		return;
	struct note *n = note_new(out);
	n->kind = NOTE_SUMMARY;
	n->summary = xasprintf("natter: %zu new in %zu conversations", total, live);
	n->body = xstrdup("open natter to read them");
	n->title = xstrdup("natter");
	n->sender = xstrdup("");
	n->count = total;
	n->quiet = quiet_now(c, c->summary_popped_ms, now);
	if (!n->quiet)
		c->summary_popped_ms = now;
}

void
coalesce_take(struct coalescer *c, int64_t now, title_fn *title, void *arg, struct note_list *out)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].dirty && c->v[i].count)
			take_live(c, &c->v[i], now, title, arg, out);
	if (c->summary_dirty)
		take_summary(c, now, out);
	if (c->missed_unknown) {
		struct note *n = note_new(out);
		n->kind = NOTE_PROBLEM;
		n->summary = xstrdup("natter: some messages were missed");
		n->body = xstrdup("the server dropped events while natter-notifyd was away: "
				  "open natter to fetch them");
		n->title = xstrdup("natter");
		n->sender = xstrdup("");
		n->urgency = URGENCY_NORMAL;
		c->missed_unknown = false;
	}
}

/* True when c may be part of a user name's word: a letter, digit or "_". */
static bool
word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

bool
names_user(const char *body, const char *user)
{
	size_t n = strlen(user);
	if (n == 0)
		return false;
	for (const char *p = body; *p; p++) {
		if (strncasecmp(p, user, n) != 0)
			continue;
		unsigned char before = p > body ? (unsigned char)p[-1] : ' ';
		const unsigned char *after = (const unsigned char *)p + n;
		/* "." and "-" end a word unless a word goes on after them ("alice-bot"). */
		bool ends = !word_char(*after) &&
		    !((*after == '.' || *after == '-') && word_char(after[1]));
		bool starts = !word_char(before) && before != '.' && before != '-';
		if (starts && ends)
			return true;
	}
	return false;
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
