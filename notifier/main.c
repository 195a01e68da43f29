/* natter-notifyd: options, config, credentials, the instance lock and signals. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "config.h"
#include "creds.h"
#include "notifyd.h"
#include "paths.h"

/* Long-poll timeout asked of the server, in seconds. */
#define POLL_S 50
/* Without word of closed notes (stdout, exec), a note starts afresh after this long. */
#define FRESH_MS 60000
/* The exit status when the server refused the saved login (EX_NOPERM). */
#define EXIT_LOGIN 77
/* The "Open" action's command; the conversation's id is appended. */
#define OPEN_DEFAULT "x-terminal-emulator -e natter --open"

static volatile sig_atomic_t stop_flag, hup_flag, wake_flag;

struct options {
	const char *server;
	const char *data_dir;
	const char *backend; /* NULL: from the config, else auto */
	const char *exec; /* NULL: from the config */
	bool verbose;
	const char *cacert; /* --cacert FILE */
	bool insecure_http; /* --insecure-http */
	char *config_path;
	const char *data_path; /* the data directory in use */
};

static struct options opts;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: natter-notifyd [-fv] [-s URL] [-D DIR] [--cacert FILE] [--insecure-http]\n"
	    "                      [--backend auto|libnotify|stdout|none|exec] [--exec CMD]\n"
	    "       natter-notifyd --help | --version\n");
}

/* Records SIGTERM/SIGINT and SIGHUP for the main loop. */
static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		hup_flag = 1;
	else
		stop_flag = 1;
	wake_flag = 1;
}

/* Installs the handlers without SA_RESTART, so waits are interrupted. */
static void
signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/*
 * Takes the lock DIR/notifyd.lock for the life of the process, so only one
 * notifier runs per data directory. Returns the descriptor, or -1.
 */
static int
take_lock(const char *dir, struct err *e)
{
	char *path = xasprintf("%s/notifyd.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_set(e, ERR_SYSTEM, "cannot open %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		char pid[32] = "";
		ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
		if (n > 0) {
			pid[n] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
		}
		if (errno == EWOULDBLOCK || errno == EAGAIN)
			err_set(e, ERR_CONFLICT,
			    "another natter-notifyd%s%s%s is already running for %s",
			    *pid ? " (pid " : "", pid, *pid ? ")" : "", dir);
		else
			err_set(e, ERR_SYSTEM, "cannot lock %s: %s", path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	char *pid = xasprintf("%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, strlen(pid), 0) < 0) {
		/* The pid is only for the message above; the lock is what counts. */
	}
	free(pid);
	free(path);
	return fd;
}

/* Splits s on blanks into a NULL-ended array (no quoting: no shell is involved). */
static char **
split_words(const char *s)
{
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;
	while (*s) {
		size_t skip = strspn(s, " \t"), len = strcspn(s + skip, " \t");
		if (len == 0)
			break;
		v = xreallocarray(v, n + 2, sizeof(*v));
		v[n++] = xasprintf("%.*s", (int)len, s + skip);
		v[n] = NULL;
		s += skip + len;
	}
	return v;
}

/* Reads the config file and opens the backend it and the flags choose. */
static int
open_backend(struct notifier *n, struct err *e)
{
	struct config cfg = {0};
	if (config_load(&cfg, opts.config_path, e) < 0)
		return -1;
	const char *bname =
	    opts.backend ? opts.backend : config_get(&cfg, "notify.backend", "auto");
	const char *exec = opts.exec;
	enum backend b;
	if (backend_parse(bname, &b, e) < 0) {
		config_free(&cfg);
		return -1;
	}
	if (!exec && (b == BACKEND_EXEC || !opts.backend))
		exec = config_get(&cfg, "notify.exec", NULL);
	if (exec && !*exec)
		exec = NULL;
	static const char *const urgencies[] = {"normal", "critical", NULL};
	static const char *const yesno[] = {"no", "yes", NULL};
	long timeout, quiet;
	int urgency, unmutes;
	if (config_get_long(&cfg, "notify.timeout", -1, 3600000, -1, &timeout, e) < 0 ||
	    config_get_long(&cfg, "notify.quiet", 0, 86400, 20, &quiet, e) < 0 ||
	    config_get_choice(&cfg, "notify.mention_urgency", urgencies, 0, &urgency, e) < 0 ||
	    config_get_choice(&cfg, "notify.mention_unmutes", yesno, 0, &unmutes, e) < 0) {
		config_free(&cfg);
		return -1;
	}
	int rc = notify_open(n, b, exec, e);
	if (rc == 0) {
		n->timeout_ms = timeout;
		n->quiet_ms = quiet * 1000;
		n->mention_urgency = urgency ? URGENCY_CRITICAL : URGENCY_NORMAL;
		n->mention_unmutes = unmutes == 1;
		n->open_argv = split_words(config_get(&cfg, "notify.open", OPEN_DEFAULT));
		/* "Mark read" reads in this data directory, as natter would. */
		const char *mr = config_get(&cfg, "notify.mark_read", NULL);
		if (mr) {
			n->read_argv = split_words(mr);
		} else {
			/* Built, not split: the directory may hold blanks. */
			const char *def[] = {"natter", "-D", opts.data_path, "read", "--"};
			n->read_argv = xcalloc(nitems(def) + 3, sizeof(*n->read_argv));
			size_t k = 0;
			for (size_t i = 0; i < nitems(def); i++) {
				/* natter reads the config's cacert itself, but not our flags. */
				if (i == 3 && opts.cacert != NULL) {
					n->read_argv[k++] = xstrdup("--cacert");
					n->read_argv[k++] = xstrdup(opts.cacert);
				}
				n->read_argv[k++] = xstrdup(def[i]);
			}
		}
	}
	config_free(&cfg);
	return rc;
}

/* SIGHUP: rereads the config; on error keeps the backend it had. */
static void
reload(struct notifyd *d)
{
	struct notifier fresh;
	struct err e = {0};
	if (open_backend(&fresh, &e) < 0) {
		fprintf(stderr, "natter-notifyd: config not reread: %s\n", e.msg);
		return;
	}
	fresh.children = d->notifier.children;
	d->notifier.children = 0;
	notify_adopt(&fresh, &d->notifier);
	notify_close(&d->notifier);
	d->notifier = fresh;
	d->co.quiet_ms = fresh.quiet_ms;
	d->co.fresh_ms = notify_hears_closed(&fresh) ? 0 : FRESH_MS;
	fprintf(
	    stderr, "natter-notifyd: config reread; backend %s\n", backend_name(d->notifier.kind));
}

/* Picks the server: -s, then $NATTER_SERVER, the config, the last login. */
static char *
pick_server(const struct creds *cr, struct err *e)
{
	const char *url = opts.server;
	struct config cfg = {0};
	if (!url)
		url = getenv("NATTER_SERVER");
	if (!url || !*url) {
		if (config_load(&cfg, opts.config_path, e) < 0)
			return NULL;
		url = config_get(&cfg, "server", NULL);
	}
	if (!url)
		url = creds_default_server(cr);
	if (!url) {
		config_free(&cfg);
		err_set(e, ERR_USAGE, "no server: give -s URL (after 'natter login USER -s URL')");
		return NULL;
	}
	char *norm = http_normalize_url(url, e);
	config_free(&cfg);
	return norm;
}

/*
 * Applies --cacert / cacert and --insecure-http / insecure-http (the config)
 * to h, then refuses plain http:// beyond loopback before anything is sent.
 */
static int
tls_settings(struct http *h, struct err *e)
{
	struct config cfg = {0};
	static const char *const yesno[] = {"no", "yes", NULL};
	int insecure = 0;
	if (config_load(&cfg, opts.config_path, e) < 0 ||
	    config_get_choice(&cfg, "insecure-http", yesno, 0, &insecure, e) < 0) {
		config_free(&cfg);
		return -1;
	}
	h->insecure_http = opts.insecure_http || insecure == 1;
	const char *ca = opts.cacert ? opts.cacert : config_get(&cfg, "cacert", NULL);
	int rc = 0;
	if (ca != NULL && access(ca, R_OK) < 0)
		rc = err_set(e, ERR_USAGE, "cannot read the CA bundle %s (%s): %s", ca,
		    opts.cacert ? "given by --cacert" : "named by cacert in the config",
		    strerror(errno));
	else {
		http_set_cacert(h, ca);
		rc = http_check_transport(h, e);
	}
	config_free(&cfg);
	return rc;
}

/* Parses the command line into opts: -1 to go on, else the exit status. */
static int
parse_options(int argc, char *argv[])
{
	static const struct option longopts[] = {
	    {"backend", required_argument, NULL, 'b'},
	    {"exec", required_argument, NULL, 'x'},
	    {"foreground", no_argument, NULL, 'f'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"cacert", required_argument, NULL, 'C'},
	    {"insecure-http", no_argument, NULL, 'I'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "s:D:fvh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opts.server = optarg;
			break;
		case 'D':
			opts.data_dir = optarg;
			break;
		case 'f':
			break;
		case 'v':
			opts.verbose = true;
			break;
		case 'b':
			opts.backend = optarg;
			break;
		case 'x':
			opts.exec = optarg;
			break;
		case 'C':
			opts.cacert = optarg;
			break;
		case 'I':
			opts.insecure_http = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts(NATTER_NAME_VERSION("natter-notifyd"));
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	struct err e = {0};
	enum backend b;
	if (opts.backend && backend_parse(opts.backend, &b, &e) < 0) {
		fprintf(stderr, "natter-notifyd: %s\n", e.msg);
		usage(stderr);
		return 2;
	}
	return -1;
}

int
main(int argc, char *argv[])
{
	int st = parse_options(argc, argv);
	if (st >= 0)
		return st;
	struct err e = {0};
	struct paths paths;
	struct creds creds = {0};
	struct notifyd d;
	memset(&d, 0, sizeof(d));
	int lock = -1, status = 1;
	bool store_open = false, http_open = false, notifier_open = false;
	if (paths_init(&paths, opts.data_dir, true, &e) < 0) {
		fprintf(stderr, "natter-notifyd: %s\n", e.msg);
		return err_exit_status(&e);
	}
	opts.config_path = paths.config_path;
	opts.data_path = paths.data_dir;
	if (creds_load(&creds, paths.creds_path, &e) < 0)
		goto fail;
	d.url = pick_server(&creds, &e);
	if (!d.url)
		goto fail;
	const struct cred *cr = creds_find(&creds, d.url);
	if (!cr) {
		err_set(&e, ERR_AUTH, "not logged in to %s; run 'natter login USER -s %s' first",
		    d.url, d.url);
		goto fail;
	}
	lock = take_lock(paths.data_dir, &e);
	if (lock < 0)
		goto fail;
	d.user = xstrdup(cr->user);
	d.origin = syncstore_origin(d.url, d.user);
	d.verbose = opts.verbose;
	d.poll_s = POLL_S;
	d.stop = &stop_flag;
	d.hup = &hup_flag;
	d.wake = &wake_flag;
	d.reload = reload;
	if (syncstore_open(&d.store, paths.sync_db, 0, &e) < 0)
		goto fail;
	store_open = true;
	if (http_init(&d.http, d.url, "natter-notifyd", &e) < 0)
		goto fail;
	http_open = true;
	if (tls_settings(&d.http, &e) < 0)
		goto fail;
	http_set_token(&d.http, cr->token);
	/* The loop does its own reconnecting, with a longer backoff. */
	d.http.retries = 0;
	d.http.abort_flag = &wake_flag;
	/* Set by the signal handlers only: an idle long-poll never wakes us. */
	d.http.quiet_wait = true;
	d.http.verbose = opts.verbose;
	if (open_backend(&d.notifier, &e) < 0)
		goto fail;
	notifier_open = true;
	coalesce_init(&d.co, d.notifier.quiet_ms, notify_hears_closed(&d.notifier) ? 0 : FRESH_MS);
	signals();
	if (opts.verbose)
		fprintf(stderr, "natter-notifyd: listening to %s as %s, backend %s\n", d.url,
		    d.user, backend_name(d.notifier.kind));
	/* A login to redo: restarting would only be refused again. */
	if (listen_run(&d, &e) < 0)
		status = e.kind == ERR_AUTH ? EXIT_LOGIN : 1;
	else
		status = 0;
	if (e.kind != ERR_NONE)
		fprintf(stderr, "natter-notifyd: %s\n", e.msg);
	goto out;
fail:
	if (e.kind != ERR_NONE) {
		fprintf(stderr, "natter-notifyd: %s\n", e.msg);
		status = e.kind == ERR_USAGE ? 2 : 1;
	}
out:
	if (notifier_open)
		notify_close(&d.notifier);
	coalesce_free(&d.co);
	reads_free(&d);
	blocks_free(&d);
	if (http_open)
		http_free(&d.http);
	if (store_open)
		syncstore_close(&d.store);
	if (lock >= 0)
		close(lock);
	free(d.url);
	free(d.user);
	free(d.origin);
	creds_free(&creds);
	paths_free(&paths);
	return status;
}
