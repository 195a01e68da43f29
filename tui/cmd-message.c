/* The message commands: send (through the outbox) and log (from history.db). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "launch.h"
#include "natter.h"
#include "outbox.h"
#include "text.h"
#include "when.h"

#define BODY_MAX 16384
#define STDIN_MAX (4u << 20)
#define QUEUED_MSG "queued: server unreachable, will be sent on next sync"

/* The messages one send delivers, in order. */
struct bodies {
	char **v;
	size_t n;
};

/* Reads all of stdin (up to a limit). */
static int
read_stdin(struct buf *b, struct err *e)
{
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		buf_append(b, chunk, n);
		if (b->len > STDIN_MAX)
			return err_set(
			    e, ERR_TOOLARGE, "standard input is larger than %u bytes", STDIN_MAX);
	}
	if (ferror(stdin))
		return err_set(e, ERR_SYSTEM, "cannot read standard input: %s", strerror(errno));
	if (b->data == NULL)
		buf_append(b, "", 0);
	return 0;
}

/* Checks a message body against the protocol's rules. */
int
check_body(const char *s, size_t len, struct err *e)
{
	if (len == 0)
		return err_set(e, ERR_USAGE, "empty message");
	if (len > BODY_MAX)
		return err_set(
		    e, ERR_TOOLARGE, "message of %zu bytes is over the limit of %d", len, BODY_MAX);
	if (!text_acceptable(s, len))
		return err_set(e, ERR_USAGE, "message is not valid UTF-8 (or contains NUL)");
	return 0;
}

/* Checks one body and adds it. */
static int
add_body(struct bodies *b, const char *s, size_t len, struct err *e)
{
	if (check_body(s, len, e) < 0)
		return -1;
	b->v[b->n++] = xstrndup(s, len);
	return 0;
}

/* --lines: each non-empty line of stdin is a message. */
static int
split_lines(struct buf *in, struct bodies *b, struct err *e)
{
	b->v = xcalloc(in->len / 2 + 2, sizeof(*b->v));
	char *p = in->data;
	while (*p) {
		char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > 0 && add_body(b, p, len, e) < 0)
			return -1;
		p = eol ? eol + 1 : p + strlen(p);
	}
	if (memchr(in->data, '\0', in->len) != NULL)
		return err_set(e, ERR_USAGE, "standard input contains NUL bytes");
	if (b->n == 0)
		return err_set(e, ERR_USAGE, "no lines to send on standard input");
	return 0;
}

/* Collects what to send, from the operands or stdin, before anything is queued. */
static int
collect_bodies(struct cmd *self, struct bodies *b, struct err *e)
{
	struct buf in = {0};
	int ret = 0;
	if (self->lines || (self->argc == 2 && strcmp(self->argv[1], "-") == 0)) {
		ret = read_stdin(&in, e);
		if (ret == 0 && self->lines) {
			ret = split_lines(&in, b, e);
		} else if (ret == 0) {
			if (in.len > 0 && in.data[in.len - 1] == '\n')
				in.data[--in.len] = '\0';
			b->v = xcalloc(1, sizeof(*b->v));
			ret = add_body(b, in.data, in.len, e);
		}
	} else {
		for (int i = 1; i < self->argc; i++)
			buf_printf(&in, "%s%s", i > 1 ? " " : "", self->argv[i]);
		b->v = xcalloc(1, sizeof(*b->v));
		ret = add_body(b, in.data, in.len, e);
	}
	buf_free(&in);
	return ret;
}

/* Queues the bodies for the conversation; *first and *last are their outbox ids. */
static int
queue_bodies(struct ctx *c, const char *name, const struct bodies *b, int64_t *first, int64_t *last,
    struct err *e)
{
	if (ctx_open(c, true, e) < 0)
		return -1;
	char *id;
	if (ctx_resolve(c, name, true, &id, e) < 0)
		return -1;
	for (size_t i = 0; i < b->n; i++) {
		struct outbox_item it;
		if (history_outbox_add(&c->hist, id, b->v[i], &it, e) < 0) {
			free(id);
			return -1;
		}
		if (i == 0)
			*first = it.id;
		*last = it.id;
		outbox_item_free(&it);
	}
	free(id);
	return 0;
}

/* Says why the delivery stopped: ours still queued (offline), or the error itself. */
static int
stopped(struct ctx *c, const struct err *fe, size_t nb, int64_t first, int64_t last, struct err *e)
{
	/* Ours are still queued unless a database error struck. */
	struct outbox_item *v;
	size_t n;
	size_t mine = 0;
	if (history_outbox_list(&c->hist, &v, &n, NULL) == 0) {
		for (size_t i = 0; i < n; i++)
			mine += v[i].id >= first && v[i].id <= last;
		outbox_items_free(v, n);
	}
	if (fe->kind == ERR_OFFLINE && mine > 0) {
		if (nb > 1)
			err_set(e, ERR_OFFLINE, "%zu of %zu messages %s", mine, nb, QUEUED_MSG);
		else
			err_set(e, ERR_OFFLINE, QUEUED_MSG);
		if (c->verbose)
			fprintf(stderr, "natter: %s\n", fe->msg);
	} else if (mine > 0)
		err_set(e, fe->kind == ERR_AUTH || fe->kind == ERR_TLS ? fe->kind : ERR_OFFLINE,
		    "queued (%s)", fe->msg);
	else
		*e = *fe;
	return -1;
}

/* Delivers the outbox in order and reports on the nb messages first..last just queued. */
static int
deliver(struct ctx *c, size_t nb, int64_t first, int64_t last, struct err *e)
{
	struct outbox_report r = {.watch_id = last};
	struct err fe = {0};
	int rc = outbox_flush(&c->cl, &c->hist, &r, &fe);
	c->flushed = true;
	output_drops(&r);
	if (r.watch_state == OUTBOX_DROPPED && nb == 1) {
		*e = r.watch_err;
		return -1;
	}
	if (rc < 0)
		return stopped(c, &fe, nb, first, last, e);
	if (r.dropped > 0 && nb > 1)
		return err_set(e, ERR_NOTFOUND, "%zu message%s refused: %s", r.dropped,
		    r.dropped == 1 ? " was" : "s were", r.first_drop.msg);
	return 0;
}

/* Queues one item for conversation id, then delivers the outbox in order. */
int
cmd_send_item(struct ctx *c, const char *id, const struct message *it, struct err *e)
{
	struct outbox_item q;
	if (history_outbox_add_item(&c->hist, id, it, &q, e) < 0)
		return -1;
	int64_t qid = q.id;
	outbox_item_free(&q);
	return deliver(c, 1, qid, qid, e);
}

/* send [--lines] CONV TEXT...|-: queues, then delivers in order. */
static int
cmd_send_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	/* With --lines, a "-" for stdin may be given as the usage line shows. */
	if (self->lines && self->argc == 2 && strcmp(self->argv[1], "-") == 0)
		self->argc = 1;
	if ((self->lines && self->argc != 1) || (!self->lines && self->argc < 2))
		return cmd_usage(self, e);
	/* Options after CONV would be sent as text: say so rather than send them. */
	if (!self->lines &&
	    (strcmp(self->argv[1], "--lines") == 0 || strcmp(self->argv[1], "-l") == 0))
		return err_set(e, ERR_USAGE,
		    "send: options go before the conversation (send --lines CONV -); to send "
		    "text that starts with %s, put -- before it",
		    self->argv[1]);
	/* "--" after CONV: what follows is text, even when it starts with "-". */
	if (self->argc >= 2 && strcmp(self->argv[1], "--") == 0) {
		if (self->argc < 3)
			return cmd_usage(self, e);
		memmove(self->argv + 1, self->argv + 2, (size_t)(self->argc - 2) * sizeof(char *));
		self->argc--;
	}
	struct bodies b = {0};
	int64_t first = 0, last = 0;
	int ret = collect_bodies(self, &b, e);
	if (ret == 0)
		ret = queue_bodies(c, self->argv[0], &b, &first, &last, e);
	if (ret == 0)
		ret = deliver(c, b.n, first, last, e);
	for (size_t i = 0; i < b.n; i++)
		free(b.v[i]);
	free(b.v);
	return ret;
}

/* Reads --format, --since and --until, before any store is opened. */
static int
log_options(struct cmd *self, enum output_format *f, int64_t *since, int64_t *until, struct err *e)
{
	*f = self->json ? OUTPUT_JSON : OUTPUT_TEXT;
	if (self->format) {
		static const char *const names[] = {"text", "iso", "json"};
		size_t i = 0;
		while (i < nitems(names) && strcmp(self->format, names[i]) != 0)
			i++;
		if (i == nitems(names))
			return err_set(
			    e, ERR_USAGE, "--format wants text, iso or json, not %s", self->format);
		if (self->json && i != OUTPUT_JSON)
			return err_set(
			    e, ERR_USAGE, "--json and --format %s: choose one", self->format);
		*f = (enum output_format)i;
	}
	int64_t now = now_ms();
	struct err we = {0};
	*since = INT64_MIN;
	*until = INT64_MAX;
	if (self->since && when_parse(self->since, now, since, &we) < 0)
		return err_set(e, ERR_USAGE, "--since: %s", we.msg);
	if (self->until && when_parse(self->until, now, until, &we) < 0)
		return err_set(e, ERR_USAGE, "--until: %s", we.msg);
	if (*since >= *until)
		return err_set(
		    e, ERR_USAGE, "--since %s is not before --until %s", self->since, self->until);
	return 0;
}

/* log CONV [-n N] [--json|--format F] [--since WHEN] [--until WHEN]: from history.db. */
static int
cmd_log_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	const char *name = self->argv[0];
	enum output_format f;
	int64_t since, until;
	if (log_options(self, &f, &since, &until, e) < 0 || ctx_open(c, false, e) < 0)
		return -1;
	char *id;
	struct err le = {0};
	if (history_resolve_conv(&c->hist, name, &id, &le) < 0) {
		if (le.kind != ERR_NOTFOUND || !c->cl_open) {
			*e = le;
			return -1;
		}
		/* Not here: ask the server, which tells members from strangers. */
		if (ctx_resolve(c, name, false, &id, e) < 0)
			return -1;
		struct launch_report r = {0};
		if (launch_fetch(&c->cl, &c->hist, NULL, &id, 1, NULL, &r, e) < 0) {
			free(id);
			return -1;
		}
	}
	struct message *v;
	size_t n;
	struct folded *folds = NULL;
	int ret = history_messages_between(&c->hist, id, since, until, self->limit, &v, &n, e);
	if (ret == 0 && (ret = history_fold(&c->hist, id, v, n, &folds, e)) < 0)
		messages_free(v, n);
	if (ret == 0) {
		output_messages(v, folds, n, f);
		folds_free(folds, n);
		messages_free(v, n);
		/* No read mark: a script reading a log has not read it (natter read does). */
	}
	free(id);
	return ret;
}

const struct cmd_entry cmd_send_entry = {
    .name = "send",
    .usage = "send [--lines] CONV TEXT...|-",
    .help = "send a message (- reads it from stdin)",
    .args = {"l", 1, -1},
    .exec = cmd_send_exec,
};

const struct cmd_entry cmd_log_entry = {
    .name = "log",
    .usage = "log CONV [-n N] [--json|--format iso] [--since T] [--until T]",
    .help = "show a conversation's history (dates, times)",
    .args = {"jn:F:S:U:", 1, 1},
    .options_anywhere = true,
    .exec = cmd_log_exec,
};
