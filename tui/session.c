/*
 * The context of one run of natter, shared by the commands and the
 * interface: paths, config, credentials, history.db and the client session.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"
#include "natter.h"
#include "outbox.h"
#include "readmark.h"
#include "text.h"

/* Loads paths, config and credentials, opens history and picks the server. */
int
ctx_setup(struct ctx *c, struct err *e)
{
	if (c->setup)
		return 0;
	if (paths_init(&c->paths, c->data_flag, true, e) < 0)
		return -1;
	if (config_load(&c->cfg, c->paths.config_path, e) < 0)
		return -1;
	if (creds_load(&c->creds, c->paths.creds_path, e) < 0)
		return -1;
	if (history_open(&c->hist, c->paths.history_db, e) < 0)
		return -1;
	c->hist_open = true;
	c->setup = true;
	char *bound_server = NULL, *bound_user = NULL;
	if (history_identity(&c->hist, &bound_server, &bound_user, e) < 0)
		return -1;
	const char *pick = c->server_flag;
	if (pick == NULL)
		pick = config_get(&c->cfg, "server", NULL);
	if (pick == NULL)
		pick = bound_server;
	if (pick == NULL)
		pick = creds_default_server(&c->creds);
	int ret = 0;
	if (pick != NULL) {
		c->server = http_normalize_url(pick, e);
		if (c->server == NULL)
			ret = -1;
		else
			c->cred = creds_find(&c->creds, c->server);
	}
	free(bound_server);
	free(bound_user);
	return ret;
}

/* Applies --cacert / cacert and --insecure-http / insecure-http to h, then checks its URL. */
static int
tune_tls(struct ctx *c, struct http *h, struct err *e)
{
	static const char *const yesno[] = {"no", "yes", NULL};
	int insecure = 0;
	if (config_get_choice(&c->cfg, "insecure-http", yesno, 0, &insecure, e) < 0)
		return -1;
	h->insecure_http = c->insecure_flag || insecure == 1;
	const char *ca = c->cacert_flag ? c->cacert_flag : config_get(&c->cfg, "cacert", NULL);
	if (ca != NULL && access(ca, R_OK) < 0)
		return err_set(e, ERR_USAGE, "cannot read the CA bundle %s (%s): %s", ca,
		    c->cacert_flag ? "given by --cacert" : "named by cacert in the config",
		    strerror(errno));
	http_set_cacert(h, ca);
	return http_check_transport(h, e);
}

/* Applies the config's HTTP settings and -v to a session. */
int
ctx_tune_http(struct ctx *c, struct err *e)
{
	long retries, timeout;
	if (config_get_long(&c->cfg, "http.retries", 0, 20, HTTP_RETRIES, &retries, e) < 0 ||
	    config_get_long(&c->cfg, "http.timeout", 1, 3600, HTTP_TIMEOUT_MS / 1000, &timeout, e) <
		0)
		return -1;
	c->cl.http.retries = (int)retries;
	c->cl.http.timeout_ms = timeout * 1000;
	c->cl.http.verbose = c->verbose;
	return tune_tls(c, &c->cl.http, e);
}

/* Needs a server to talk to. */
int
ctx_need_server(struct ctx *c, struct err *e)
{
	if (c->server == NULL)
		return err_set(e, ERR_USAGE, "no server: give -s URL, or set `server = URL` in %s",
		    c->paths.config_path);
	return 0;
}

/* Opens the session with the saved login and checks the data directory is ours. */
int
ctx_open(struct ctx *c, bool need_login, struct err *e)
{
	if (ctx_setup(c, e) < 0)
		return -1;
	if (c->cl_open)
		return 0;
	if (ctx_need_server(c, e) < 0)
		return -1;
	char *bs, *bu;
	if (history_identity(&c->hist, &bs, &bu, e) < 0)
		return -1;
	int ret = 0;
	if (bs != NULL && strcmp(bs, c->server) != 0)
		ret = err_set(e, ERR_USAGE,
		    "the data directory %s holds the history of %s at %s, not %s; "
		    "use -D DIR to keep another server's data elsewhere",
		    c->paths.data_dir, bu ? bu : "?", bs, c->server);
	free(bs);
	free(bu);
	if (ret < 0)
		return -1;
	if (c->cred == NULL) {
		if (need_login)
			return err_set(e, ERR_AUTH,
			    "not logged in at %s: run natter login USER (or natter register USER)",
			    c->server);
		return 0;
	}
	if (history_bind(&c->hist, c->server, c->cred->user, c->paths.data_dir, e) < 0)
		return -1;
	if (client_open(&c->cl, c->server, c->cred->user, c->cred->token, "natter", e) < 0)
		return -1;
	c->cl_open = true;
	return ctx_tune_http(c, e);
}

/* Releases everything the commands opened. */
void
ctx_free(struct ctx *c)
{
	if (c->cl_open)
		client_close(&c->cl);
	if (c->hist_open) {
		/* A deletion this run erased text: the search index must forget it too. */
		struct err se = {0};
		if (search_purge_file(c->paths.data_dir, &c->hist, &se) < 0)
			fprintf(stderr, "natter: the search index: %s\n", se.msg);
		history_close(&c->hist);
	}
	/* Zeroed or loaded, each is safe to free: ctx_setup may have stopped halfway. */
	creds_free(&c->creds);
	config_free(&c->cfg);
	paths_free(&c->paths);
	free(c->server);
	c->server = NULL;
	c->cl_open = c->hist_open = c->setup = false;
}

/* After the server answered: deliver the outbox and queued read marks, once per run. */
void
ctx_reached(struct ctx *c)
{
	if (c->flushed || !c->cl_open)
		return;
	c->flushed = true;
	struct outbox_report r = {0};
	struct err e = {0};
	outbox_flush(&c->cl, &c->hist, &r, &e);
	output_drops(&r);
	size_t reads;
	readmark_flush(&c->cl, &c->hist, &reads, &e);
	if (r.sent > 0 && c->verbose)
		fprintf(stderr, "natter: delivered %zu queued message%s\n", r.sent,
		    r.sent == 1 ? "" : "s");
}

/*
 * Finds a conversation by id or title; when it is not known here, refreshes
 * the list from the server (which only lists the caller's conversations).
 * With offline_ok, an id that cannot be checked because the server is
 * unreachable is taken as given (a send then waits in the outbox).
 */
int
ctx_resolve(struct ctx *c, const char *name, bool offline_ok, char **id, struct err *e)
{
	if (ctx_resolve_in(c, name, false, offline_ok, id, e) < 0)
		return -1;
	enum conv_state st;
	char *title = NULL;
	if (history_conv_state(&c->hist, *id, &st, &title, NULL) == 0 && st != CONV_MEMBER) {
		char *t = text_sanitize(title, strlen(title), 0);
		if (st == CONV_LEFT)
			err_set(e, ERR_NOTFOUND,
			    "you are no longer a member of %s (%s): you left or were removed; "
			    "natter log shows what you hold",
			    t, *id);
		else
			err_set(e, ERR_NOTFOUND, "%s (%s) is an invitation: natter accept %s first",
			    t, *id, *id);
		free(t);
		free(title);
		free(*id);
		*id = NULL;
		return -1;
	}
	free(title);
	return 0;
}

/* ctx_resolve, with the invitations too when invited (accept, decline). */
int
ctx_resolve_in(
    struct ctx *c, const char *name, bool invited, bool offline_ok, char **id, struct err *e)
{
	struct err le = {0};
	if (history_resolve_conv_in(&c->hist, name, invited, id, &le) == 0)
		return 0;
	if (le.kind != ERR_NOTFOUND || !c->cl_open) {
		*e = le;
		return -1;
	}
	struct conversation *v;
	size_t n;
	struct err se = {0};
	if (client_conversations(&c->cl, &v, &n, &se) < 0) {
		if (se.kind == ERR_OFFLINE && offline_ok && proto_valid_id(name)) {
			*id = xstrdup(name);
			return 0;
		}
		if (se.kind == ERR_OFFLINE)
			return err_set(e, ERR_OFFLINE, "conversation %s is not known here and %s",
			    name, se.msg);
		*e = se;
		return -1;
	}
	int ret = history_put_convs(&c->hist, v, n, e);
	conversations_free(v, n);
	if (ret < 0)
		return -1;
	ctx_reached(c);
	if (history_resolve_conv_in(&c->hist, name, invited, id, e) == 0)
		return 0;
	if (e != NULL && e->kind == ERR_NOTFOUND && proto_valid_id(name))
		err_set(e, ERR_NOTFOUND, "not a member of %s (or no such conversation)", name);
	return -1;
}

/* Shows launch progress on stderr when it is a terminal. */
static void
progress(void *arg, const struct launch_report *r)
{
	(void)arg;
	fprintf(stderr, "\rnatter: fetched %llu messages (%llu bytes)",
	    (unsigned long long)r->fetched_from_server, (unsigned long long)r->bytes_received);
}

/* Runs the launch sync; an unreachable server is reported, not fatal, when tolerant. */
int
ctx_sync(struct ctx *c, struct launch_report *r, struct err *e)
{
	bool tty = isatty(STDERR_FILENO);
	/* Without sync.db (no notifier yet, or unreadable) the launch still runs. */
	struct syncstore ss;
	struct err se = {0};
	bool have_ss = syncstore_open(&ss, c->paths.sync_db, 0, &se) == 0;
	if (!have_ss && c->verbose)
		fprintf(stderr, "natter: %s\n", se.msg);
	struct launch_opts o = {
	    .progress = tty ? progress : NULL, .newest = c->recent, .recent_only = c->recent > 0};
	int rc = launch_sync(&c->cl, &c->hist, have_ss ? &ss : NULL, &o, r, e);
	if (have_ss)
		syncstore_close(&ss);
	if (tty && r->fetched_from_server > 0)
		fputc('\n', stderr);
	c->flushed = true;
	output_drops(&r->outbox);
	if (r->notice[0] != '\0')
		fprintf(stderr, "natter: %s\n", r->notice);
	return rc;
}
