/* The scriptable natter commands: register, login, logout, new, conversations, send, sync, log. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "launch.h"
#include "natter.h"
#include "outbox.h"
#include "text.h"

#define BODY_MAX 16384
#define TITLE_MAX 256
#define STDIN_MAX (4u << 20)
#define QUEUED_MSG "queued: server unreachable, will be sent on next sync"

/* Options every command accepts, besides its own. */
#define COMMON_OPTS "s:D:v"
#define COMMON_LONGOPTS \
	{"server", required_argument, NULL, 's'}, {"data-dir", required_argument, NULL, 'D'}, \
	    {"verbose", no_argument, NULL, 'v'}, \
	{ \
		"help", no_argument, NULL, 'h' \
	}

enum { OPT_JSON = 1000, OPT_LINES };

/* Restarts getopt for a command's own argv. */
static void
getopt_restart(void)
{
#ifdef __GLIBC__
	optind = 0;
#else
	optind = 1;
#endif
	opterr = 0;
}

/* Handles an option every command has; false when ch is not one. */
static bool
common_opt(struct ctx *c, int ch)
{
	switch (ch) {
	case 's':
		c->server_flag = optarg;
		return true;
	case 'D':
		c->data_flag = optarg;
		return true;
	case 'v':
		c->verbose = true;
		return true;
	default:
		return false;
	}
}

/* Reports a bad option of a command. */
static int
bad_option(const char *cmd, const char *syn, char *argv[], struct err *e)
{
	const char *what = optind > 0 && argv[optind - 1] ? argv[optind - 1] : "?";
	return err_set(e, ERR_USAGE,
	    "%s: unknown option or missing argument near %s; usage: natter %s", cmd, what, syn);
}

/*
 * Parses the options of a command whose only flag of its own, if any, is
 * --json (json NULL: none). Operands are left to the caller, from optind.
 */
static int
command_options(struct ctx *c, int argc, char *argv[], const char *cmd, const char *syn, bool *json,
    struct err *e)
{
	static const struct option lo[] = {
	    COMMON_LONGOPTS, {"json", no_argument, NULL, OPT_JSON}, {NULL, 0, NULL, 0}};
	if (json != NULL)
		*json = false;
	getopt_restart();
	int ch;
	while ((ch = getopt_long(
		    argc, argv, json ? "+j" COMMON_OPTS : "+" COMMON_OPTS, lo, NULL)) != -1) {
		if (json != NULL && (ch == OPT_JSON || ch == 'j'))
			*json = true;
		else if (!common_opt(c, ch))
			return bad_option(cmd, syn, argv, e);
	}
	return 0;
}

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

/* Applies the config's HTTP settings and -v to a session. */
static int
tune_http(struct ctx *c, struct err *e)
{
	long retries, timeout;
	if (config_get_long(&c->cfg, "http.retries", 0, 20, HTTP_RETRIES, &retries, e) < 0 ||
	    config_get_long(&c->cfg, "http.timeout", 1, 3600, HTTP_TIMEOUT_MS / 1000, &timeout, e) <
		0)
		return -1;
	c->cl.http.retries = (int)retries;
	c->cl.http.timeout_ms = timeout * 1000;
	c->cl.http.verbose = c->verbose;
	return 0;
}

/* Needs a server to talk to. */
static int
need_server(struct ctx *c, struct err *e)
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
	if (need_server(c, e) < 0)
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
	return tune_http(c, e);
}

/* Releases everything the commands opened. */
void
ctx_free(struct ctx *c)
{
	if (c->cl_open)
		client_close(&c->cl);
	if (c->hist_open)
		history_close(&c->hist);
	/* Zeroed or loaded, each is safe to free: ctx_setup may have stopped halfway. */
	creds_free(&c->creds);
	config_free(&c->cfg);
	paths_free(&c->paths);
	free(c->server);
	c->server = NULL;
	c->cl_open = c->hist_open = c->setup = false;
}

/* Prints what happened to sends refused for good. */
static void
report_drops(const struct outbox_report *r)
{
	if (r->dropped > 0)
		fprintf(stderr,
		    "natter: %zu queued message%s refused by the server and dropped: %s\n",
		    r->dropped, r->dropped == 1 ? "" : "s", r->first_drop.msg);
}

/* After the server answered: deliver what waits in the outbox, once per run. */
static void
reached(struct ctx *c)
{
	if (c->flushed || !c->cl_open)
		return;
	c->flushed = true;
	struct outbox_report r = {0};
	struct err e = {0};
	outbox_flush(&c->cl, &c->hist, &r, &e);
	report_drops(&r);
	if (r.sent > 0 && c->verbose)
		fprintf(stderr, "natter: delivered %zu queued message%s\n", r.sent,
		    r.sent == 1 ? "" : "s");
}

static volatile sig_atomic_t prompt_interrupted;

/* Notes a ^C at the password prompt, so echo is restored before leaving. */
static void
on_prompt_signal(int sig)
{
	(void)sig;
	prompt_interrupted = 1;
}

/* Reads a password from NATTER_PASSWORD or from the terminal without echo. */
static char *
read_password(const char *prompt, struct err *e)
{
	const char *env = getenv("NATTER_PASSWORD");
	if (env != NULL)
		return xstrdup(env);
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err_set(
		    e, ERR_USAGE, "no password: set NATTER_PASSWORD or run natter in a terminal");
		return NULL;
	}
	/* No SA_RESTART: a ^C ends the read() below with EINTR. */
	struct sigaction sa = {0}, oint, oterm;
	sa.sa_handler = on_prompt_signal;
	prompt_interrupted = 0;
	sigaction(SIGINT, &sa, &oint);
	sigaction(SIGTERM, &sa, &oterm);
	struct termios old, quiet;
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* the prompt is a courtesy; reading still works */
	}
	struct buf b = {0};
	char ch;
	ssize_t n = 0;
	while (!prompt_interrupted && (n = read(fd, &ch, 1)) == 1 && ch != '\n' && b.len < 4096)
		buf_append(&b, &ch, 1);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGTERM, &oterm, NULL);
	close(fd);
	if (prompt_interrupted) {
		if (b.data != NULL)
			explicit_bzero(b.data, b.len);
		buf_free(&b);
		err_set(e, ERR_USAGE, "interrupted");
		return NULL;
	}
	if (n < 0 || b.data == NULL) {
		if (b.data != NULL)
			explicit_bzero(b.data, b.len);
		buf_free(&b);
		err_set(e, ERR_USAGE, "no password given");
		return NULL;
	}
	if (b.len > 0 && b.data[b.len - 1] == '\r')
		b.data[--b.len] = '\0';
	return b.data;
}

/* Wipes and frees a password. */
static void
free_password(char *p)
{
	if (p != NULL) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}

/* register USER / login USER. */
static int
cmd_auth(struct ctx *c, bool reg, int argc, char *argv[], struct err *e)
{
	const char *name = reg ? "register" : "login";
	const char *syn = reg ? "register USER" : "login USER";
	if (command_options(c, argc, argv, name, syn, NULL, e) < 0)
		return -1;
	if (ctx_setup(c, e) < 0)
		return -1;
	const char *user = optind < argc ? argv[optind] : config_get(&c->cfg, "user", NULL);
	if (user == NULL || argc - optind > 1)
		return err_set(e, ERR_USAGE, "usage: natter %s", syn);
	if (!proto_valid_user(user))
		return err_set(e, ERR_USAGE,
		    "invalid user name %s: 1 to 32 of a-z 0-9 . _ -, starting with a letter or "
		    "digit",
		    user);
	if (need_server(c, e) < 0)
		return -1;
	char *bs, *bu;
	if (history_identity(&c->hist, &bs, &bu, e) < 0)
		return -1;
	int ret = 0;
	if (bs != NULL && bu != NULL && (strcmp(bs, c->server) != 0 || strcmp(bu, user) != 0))
		ret = err_set(e, ERR_USAGE,
		    "the data directory %s holds the history of %s at %s; use -D DIR to log in as "
		    "%s at %s",
		    c->paths.data_dir, bu, bs, user, c->server);
	free(bs);
	free(bu);
	if (ret < 0)
		return -1;

	char *pw = read_password("Password: ", e);
	if (pw == NULL)
		return -1;
	size_t pwlen = strlen(pw);
	if (reg && (pwlen < 8 || pwlen > 1024)) {
		free_password(pw);
		return err_set(e, ERR_USAGE, "a password has 8 to 1024 bytes");
	}
	if (reg && getenv("NATTER_PASSWORD") == NULL) {
		char *again = read_password("Again: ", e);
		bool same = again != NULL && strcmp(again, pw) == 0;
		free_password(again);
		if (!same) {
			free_password(pw);
			return err_set(e, ERR_USAGE, "the passwords differ");
		}
	}
	if (client_open(&c->cl, c->server, NULL, NULL, "natter", e) < 0) {
		free_password(pw);
		return -1;
	}
	c->cl_open = true;
	if (tune_http(c, e) < 0) {
		free_password(pw);
		return -1;
	}
	struct auth_reply a;
	ret =
	    reg ? client_register(&c->cl, user, pw, &a, e) : client_login(&c->cl, user, pw, &a, e);
	free_password(pw);
	if (ret < 0)
		return -1;
	creds_put(&c->creds, c->server, a.user, a.token);
	auth_reply_free(&a);
	if (creds_save(&c->creds, e) < 0)
		return -1;
	c->cred = creds_find(&c->creds, c->server);
	if (history_bind(&c->hist, c->server, user, c->paths.data_dir, e) < 0)
		return -1;
	printf("%s as %s at %s\n", reg ? "registered and logged in" : "logged in", user, c->server);
	reached(c);
	return 0;
}

/* logout: revokes the token and forgets it. */
static int
cmd_logout(struct ctx *c, int argc, char *argv[], struct err *e)
{
	if (command_options(c, argc, argv, "logout", "logout", NULL, e) < 0)
		return -1;
	if (optind != argc)
		return err_set(e, ERR_USAGE, "usage: natter logout");
	if (ctx_open(c, true, e) < 0)
		return -1;
	reached(c); /* what waits in the outbox still goes out under this login */
	struct err le = {0};
	int rc = client_logout(&c->cl, &le);
	creds_remove(&c->creds, c->server);
	if (creds_save(&c->creds, e) < 0)
		return -1;
	if (rc < 0 && le.kind == ERR_OFFLINE)
		return err_set(e, ERR_OFFLINE,
		    "logged out here, but the token could not be revoked: %s", le.msg);
	if (rc < 0 && le.kind != ERR_AUTH) {
		*e = le;
		return -1;
	}
	printf("logged out of %s\n", c->server);
	return 0;
}

/*
 * Finds a conversation by id or title; when it is not known here, refreshes
 * the list from the server (which only lists the caller's conversations).
 * With offline_ok, an id that cannot be checked because the server is
 * unreachable is taken as given (a send then waits in the outbox).
 */
static int
resolve(struct ctx *c, const char *name, bool offline_ok, char **id, struct err *e)
{
	struct err le = {0};
	if (history_resolve_conv(&c->hist, name, id, &le) == 0)
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
	reached(c);
	if (history_resolve_conv(&c->hist, name, id, e) == 0)
		return 0;
	if (e != NULL && e->kind == ERR_NOTFOUND && proto_valid_id(name))
		err_set(e, ERR_NOTFOUND, "not a member of %s (or no such conversation)", name);
	return -1;
}

/* new TITLE MEMBER...: creates a conversation and prints its id. */
static int
cmd_new(struct ctx *c, int argc, char *argv[], struct err *e)
{
	if (command_options(c, argc, argv, "new", "new TITLE MEMBER...", NULL, e) < 0)
		return -1;
	if (argc - optind < 2)
		return err_set(e, ERR_USAGE, "usage: natter new TITLE MEMBER...");
	const char *title = argv[optind];
	size_t tlen = strlen(title);
	if (tlen == 0 || tlen > TITLE_MAX || !text_acceptable(title, tlen))
		return err_set(e, ERR_USAGE, "a title has 1 to %d bytes of UTF-8", TITLE_MAX);
	for (int i = optind + 1; i < argc; i++)
		if (!proto_valid_user(argv[i]))
			return err_set(e, ERR_USAGE, "invalid user name %s", argv[i]);
	if (ctx_open(c, true, e) < 0)
		return -1;
	struct conversation cv;
	if (client_new_conversation(
		&c->cl, title, argv + optind + 1, (size_t)(argc - optind - 1), &cv, e) < 0)
		return -1;
	int ret = history_put_convs(&c->hist, &cv, 1, e);
	if (ret == 0)
		printf("%s\n", cv.id);
	conversation_free(&cv);
	reached(c);
	return ret;
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
static int
run_sync(struct ctx *c, struct launch_report *r, struct err *e)
{
	bool tty = isatty(STDERR_FILENO);
	/* Without sync.db (no notifier yet, or unreadable) the launch still runs. */
	struct syncstore ss;
	struct err se = {0};
	bool have_ss = syncstore_open(&ss, c->paths.sync_db, 0, &se) == 0;
	if (!have_ss && c->verbose)
		fprintf(stderr, "natter: %s\n", se.msg);
	int rc =
	    launch_sync(&c->cl, &c->hist, have_ss ? &ss : NULL, tty ? progress : NULL, NULL, r, e);
	if (have_ss)
		syncstore_close(&ss);
	if (tty && r->fetched_from_server > 0)
		fputc('\n', stderr);
	c->flushed = true;
	report_drops(&r->outbox);
	return rc;
}

/* Prints the conversation list. */
static int
print_convs(struct ctx *c, bool json, struct err *e)
{
	struct conversation *v;
	size_t n;
	if (history_list_convs(&c->hist, c->cred ? c->cred->user : NULL, &v, &n, e) < 0)
		return -1;
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *mem = json_array();
			for (size_t j = 0; j < v[i].nmembers; j++)
				json_array_append_new(mem, json_string(v[i].members[j]));
			json_array_append_new(arr,
			    json_pack("{s:s, s:s?, s:o, s:I, s:I, s:I}", "id", v[i].id, "title",
				v[i].title, "members", mem, "unread", (json_int_t)v[i].unread,
				"messages", (json_int_t)v[i].messages, "created",
				(json_int_t)v[i].created));
		}
		char *s = json_dumps(arr, JSON_COMPACT);
		json_decref(arr);
		if (s != NULL)
			printf("%s\n", s);
		free(s);
	} else {
		for (size_t i = 0; i < n; i++) {
			char *title = text_sanitize(v[i].title, strlen(v[i].title), 0);
			struct buf mem = {0};
			for (size_t j = 0; j < v[i].nmembers; j++)
				buf_printf(&mem, "%s%s", j ? "," : "", v[i].members[j]);
			printf("%s\t%s\t%s\t%llu\n", v[i].id, title, mem.data ? mem.data : "",
			    (unsigned long long)v[i].unread);
			free(title);
			buf_free(&mem);
		}
	}
	conversations_free(v, n);
	return 0;
}

/* conversations [--json]: syncs when the server is reachable, then lists. */
static int
cmd_conversations(struct ctx *c, int argc, char *argv[], struct err *e)
{
	bool json;
	if (command_options(c, argc, argv, "conversations", "conversations [--json]", &json, e) < 0)
		return -1;
	if (optind != argc)
		return err_set(e, ERR_USAGE, "usage: natter conversations [--json]");
	if (ctx_open(c, true, e) < 0)
		return -1;
	struct launch_report r;
	struct err se = {0};
	if (run_sync(c, &r, &se) < 0) {
		if (se.kind != ERR_OFFLINE) {
			*e = se;
			return -1;
		}
		fprintf(stderr, "natter: %s; showing what is stored here\n", se.msg);
	}
	return print_convs(c, json, e);
}

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
static int
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

/* send [--lines] CONV TEXT...|-: queues, then delivers in order. */
static int
cmd_send(struct ctx *c, int argc, char *argv[], struct err *e)
{
	static const struct option lo[] = {
	    COMMON_LONGOPTS, {"lines", no_argument, NULL, OPT_LINES}, {NULL, 0, NULL, 0}};
	const char *syn = "send [--lines] CONV TEXT...|-";
	bool lines = false;
	getopt_restart();
	int ch;
	while ((ch = getopt_long(argc, argv, "+l" COMMON_OPTS, lo, NULL)) != -1) {
		if (ch == OPT_LINES || ch == 'l')
			lines = true;
		else if (!common_opt(c, ch))
			return bad_option("send", syn, argv, e);
	}
	int nargs = argc - optind;
	if (nargs < 1 || (lines && nargs != 1) || (!lines && nargs < 2))
		return err_set(e, ERR_USAGE, "usage: natter %s", syn);
	const char *name = argv[optind];

	/* Collect the bodies first: bad input is refused before anything is queued. */
	struct buf in = {0};
	char **bodies = NULL;
	size_t nb = 0;
	int ret = -1;
	if (lines || (nargs == 2 && strcmp(argv[optind + 1], "-") == 0)) {
		if (read_stdin(&in, e) < 0)
			goto out;
		if (lines) {
			bodies = xcalloc(in.len / 2 + 2, sizeof(*bodies));
			char *p = in.data;
			while (*p) {
				char *eol = strchr(p, '\n');
				size_t len = eol ? (size_t)(eol - p) : strlen(p);
				if (len > 0 && p[len - 1] == '\r')
					len--;
				if (len > 0) {
					if (check_body(p, len, e) < 0)
						goto out;
					bodies[nb++] = xstrndup(p, len);
				}
				p = eol ? eol + 1 : p + strlen(p);
			}
			if (memchr(in.data, '\0', in.len) != NULL) {
				err_set(e, ERR_USAGE, "standard input contains NUL bytes");
				goto out;
			}
			if (nb == 0) {
				err_set(e, ERR_USAGE, "no lines to send on standard input");
				goto out;
			}
		} else {
			if (in.len > 0 && in.data[in.len - 1] == '\n')
				in.data[--in.len] = '\0';
			if (check_body(in.data, in.len, e) < 0)
				goto out;
			bodies = xcalloc(1, sizeof(*bodies));
			bodies[nb++] = xstrdup(in.data);
		}
	} else {
		for (int i = optind + 1; i < argc; i++)
			buf_printf(&in, "%s%s", i > optind + 1 ? " " : "", argv[i]);
		if (check_body(in.data, in.len, e) < 0)
			goto out;
		bodies = xcalloc(1, sizeof(*bodies));
		bodies[nb++] = xstrdup(in.data);
	}

	if (ctx_open(c, true, e) < 0)
		goto out;
	char *id;
	if (resolve(c, name, true, &id, e) < 0)
		goto out;
	int64_t first = 0, last = 0;
	for (size_t i = 0; i < nb; i++) {
		struct outbox_item it;
		if (history_outbox_add(&c->hist, id, bodies[i], &it, e) < 0) {
			free(id);
			goto out;
		}
		if (i == 0)
			first = it.id;
		last = it.id;
		outbox_item_free(&it);
	}
	free(id);
	struct outbox_report r = {.watch_id = last};
	struct err fe = {0};
	int rc = outbox_flush(&c->cl, &c->hist, &r, &fe);
	c->flushed = true;
	report_drops(&r);
	if (r.watch_state == OUTBOX_DROPPED && nb == 1) {
		*e = r.watch_err;
		goto out;
	}
	if (rc < 0) {
		/* Ours are still queued unless a database error struck. */
		struct outbox_item *v;
		size_t n;
		size_t mine = 0;
		if (history_outbox_list(&c->hist, &v, &n, NULL) == 0) {
			for (size_t i = 0; i < n; i++)
				mine += v[i].id >= first && v[i].id <= last;
			outbox_items_free(v, n);
		}
		if (fe.kind == ERR_OFFLINE && mine > 0) {
			if (nb > 1)
				err_set(
				    e, ERR_OFFLINE, "%zu of %zu messages %s", mine, nb, QUEUED_MSG);
			else
				err_set(e, ERR_OFFLINE, QUEUED_MSG);
			if (c->verbose)
				fprintf(stderr, "natter: %s\n", fe.msg);
		} else if (mine > 0)
			err_set(
			    e, fe.kind == ERR_AUTH ? ERR_AUTH : ERR_OFFLINE, "queued (%s)", fe.msg);
		else
			*e = fe;
		goto out;
	}
	if (r.dropped > 0 && nb > 1) {
		err_set(e, ERR_NOTFOUND, "%zu message%s refused: %s", r.dropped,
		    r.dropped == 1 ? " was" : "s were", r.first_drop.msg);
		goto out;
	}
	ret = 0;
out:
	for (size_t i = 0; i < nb; i++)
		free(bodies[i]);
	free(bodies);
	buf_free(&in);
	return ret;
}

/* sync [--json]: the launch sync, and what it did. */
static int
cmd_sync(struct ctx *c, int argc, char *argv[], struct err *e)
{
	bool json;
	if (command_options(c, argc, argv, "sync", "sync [--json]", &json, e) < 0)
		return -1;
	if (optind != argc)
		return err_set(e, ERR_USAGE, "usage: natter sync [--json]");
	if (ctx_open(c, true, e) < 0)
		return -1;
	struct launch_report r;
	int rc = run_sync(c, &r, e);
	if (json) {
		json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
		    "merged_from_store", (json_int_t)r.merged_from_store, "fetched_from_server",
		    (json_int_t)r.fetched_from_server, "bytes_received",
		    (json_int_t)r.bytes_received, "duration_ms", (json_int_t)r.duration_ms, "sent",
		    (json_int_t)r.outbox.sent, "queued", (json_int_t)r.outbox.queued, "dropped",
		    (json_int_t)r.outbox.dropped, "conversations", (json_int_t)r.conversations,
		    "conversations_changed", (json_int_t)r.conversations_changed, "offline",
		    r.offline);
		char *s = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		if (s != NULL)
			printf("%s\n", s);
		free(s);
	} else {
		printf("merged %llu from the sync store, fetched %llu from the server "
		       "(%zu of %zu conversations changed), sent %zu queued, %zu still queued; "
		       "%llu bytes received in %llu ms%s\n",
		    (unsigned long long)r.merged_from_store,
		    (unsigned long long)r.fetched_from_server, r.conversations_changed,
		    r.conversations, r.outbox.sent, r.outbox.queued,
		    (unsigned long long)r.bytes_received, (unsigned long long)r.duration_ms,
		    r.offline ? " (offline)" : "");
	}
	return rc;
}

/* Formats a timestamp as local HH:MM. */
static void
hhmm(int64_t ts, char out[16])
{
	time_t t = (time_t)(ts / 1000);
	struct tm tm;
	if (localtime_r(&t, &tm) == NULL || strftime(out, 16, "%H:%M", &tm) == 0)
		snprintf(out, 16, "--:--");
}

/* log CONV [-n N] [--json]: the conversation from history.db. */
static int
cmd_log(struct ctx *c, int argc, char *argv[], struct err *e)
{
	static const struct option lo[] = {COMMON_LONGOPTS, {"json", no_argument, NULL, OPT_JSON},
	    {"lines", required_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
	const char *syn = "log CONV [-n N] [--json]";
	bool json = false;
	size_t limit = SIZE_MAX;
	getopt_restart();
	int ch;
	while ((ch = getopt_long(argc, argv, "+jn:" COMMON_OPTS, lo, NULL)) != -1) {
		if (ch == OPT_JSON || ch == 'j')
			json = true;
		else if (ch == 'n') {
			char *end;
			errno = 0;
			long long n = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 1)
				return err_set(
				    e, ERR_USAGE, "-n wants a positive number, not %s", optarg);
			limit = (size_t)n;
		} else if (!common_opt(c, ch))
			return bad_option("log", syn, argv, e);
	}
	/* Options may also follow CONV: `natter log CONV -n 5`. */
	const char *name = NULL;
	while (optind < argc) {
		if (name != NULL)
			return err_set(e, ERR_USAGE, "usage: natter %s", syn);
		name = argv[optind++];
		while ((ch = getopt_long(argc, argv, "+jn:" COMMON_OPTS, lo, NULL)) != -1) {
			if (ch == OPT_JSON || ch == 'j')
				json = true;
			else if (ch == 'n') {
				char *end;
				errno = 0;
				long long n = strtoll(optarg, &end, 10);
				if (errno || *end || end == optarg || n < 1)
					return err_set(e, ERR_USAGE,
					    "-n wants a positive number, not %s", optarg);
				limit = (size_t)n;
			} else if (!common_opt(c, ch))
				return bad_option("log", syn, argv, e);
		}
	}
	if (name == NULL)
		return err_set(e, ERR_USAGE, "usage: natter %s", syn);
	if (ctx_open(c, false, e) < 0)
		return -1;
	char *id;
	struct err le = {0};
	if (history_resolve_conv(&c->hist, name, &id, &le) < 0) {
		if (le.kind != ERR_NOTFOUND || !c->cl_open) {
			*e = le;
			return -1;
		}
		/* Not here: ask the server, which tells members from strangers. */
		if (resolve(c, name, false, &id, e) < 0)
			return -1;
		struct launch_report r = {0};
		if (launch_fetch(&c->cl, &c->hist, NULL, &id, 1, NULL, NULL, &r, e) < 0) {
			free(id);
			return -1;
		}
	}
	struct message *v;
	size_t n;
	int ret = history_messages(&c->hist, id, 0, limit, &v, &n, e);
	if (ret == 0) {
		if (json) {
			json_t *arr = json_array();
			for (size_t i = 0; i < n; i++)
				json_array_append_new(arr,
				    json_pack("{s:s, s:s, s:I, s:I, s:s}", "conv", v[i].conv,
					"sender", v[i].sender, "seq", (json_int_t)v[i].seq, "ts",
					(json_int_t)v[i].ts, "body", v[i].body));
			char *s = json_dumps(arr, JSON_COMPACT);
			json_decref(arr);
			if (s != NULL)
				printf("%s\n", s);
			free(s);
		} else {
			for (size_t i = 0; i < n; i++) {
				char t[16];
				hhmm(v[i].ts, t);
				char *who = text_sanitize(v[i].sender, strlen(v[i].sender), 0);
				char *body = text_sanitize(v[i].body, strlen(v[i].body), 0);
				printf("%s %s: %s\n", t, who, body);
				free(who);
				free(body);
			}
		}
		messages_free(v, n);
		ret = history_mark_read(&c->hist, id, e);
	}
	free(id);
	return ret;
}

/* Prints the commands. */
void
cli_usage(FILE *f)
{
	fprintf(f,
	    "commands:\n"
	    "  register USER              create an account (password from NATTER_PASSWORD or a "
	    "prompt)\n"
	    "  login USER                 log in and save the token\n"
	    "  logout                     revoke and forget the token\n"
	    "  new TITLE MEMBER...        create a conversation; prints its id\n"
	    "  conversations [--json]     list conversations: id, title, members, unread\n"
	    "  send [--lines] CONV TEXT...|-\n"
	    "                             send a message (- reads it from stdin)\n"
	    "  sync [--json]              merge the notifier's messages, fetch the rest\n"
	    "  log CONV [-n N] [--json]   show a conversation's history\n"
	    "see natter(1)\n");
}

/* Runs the named command. */
int
cli_run(struct ctx *c, const char *name, int argc, char *argv[], bool *found, struct err *e)
{
	*found = true;
	if (strcmp(name, "register") == 0)
		return cmd_auth(c, true, argc, argv, e);
	if (strcmp(name, "login") == 0)
		return cmd_auth(c, false, argc, argv, e);
	if (strcmp(name, "logout") == 0)
		return cmd_logout(c, argc, argv, e);
	if (strcmp(name, "new") == 0)
		return cmd_new(c, argc, argv, e);
	if (strcmp(name, "conversations") == 0)
		return cmd_conversations(c, argc, argv, e);
	if (strcmp(name, "send") == 0)
		return cmd_send(c, argc, argv, e);
	if (strcmp(name, "sync") == 0)
		return cmd_sync(c, argc, argv, e);
	if (strcmp(name, "log") == 0)
		return cmd_log(c, argc, argv, e);
	if (strcmp(name, "help") == 0) {
		cli_usage(stdout);
		return 0;
	}
	*found = false;
	return err_set(e, ERR_USAGE, "unknown command %s", name);
}
