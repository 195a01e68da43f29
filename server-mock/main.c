/* natter-server-mock: flags, the listening socket, MHD's threads and the main thread. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "server.h"

static volatile sig_atomic_t stop;
/* The arguments parsed: the config file's, then the command line's (kept: c points into them). */
static struct conf_args args;
/* Where the option being parsed was set: "FILE line N", NULL for the command line. */
static const char *from;

/*
 * Names the config file's line after a refused setting. At exit, because
 * a flag's case may exit (number) or return 2 after saying what is wrong.
 */
static void
say_where(void)
{
	if (from != NULL)
		fprintf(stderr, "natter-server-mock: that setting is in %s\n", from);
}

/* Notes SIGTERM/SIGINT for the main thread. */
static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
	loop_wake();
}

/* Prints the usage. */
static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: natter-server-mock [-h] [--version] [-c file] [-l addr] [-p port]\n"
	    "                          [-d file|url] [--demo]\n"
	    "                          [--faults spec] [--event-retention n] [--max-poll s]\n"
	    "                          [--rate-limit n] [--max-connections n]\n"
	    "                          [--max-connections-per-ip n] [--idle-timeout s]\n"
	    "                          [--protocol 1.0] [--threads n] [--log-format text|json]\n"
	    "                          [--tls-cert file --tls-key file]\n"
	    "                          [--restored]\n"
	    "                          [--login-throttle off|free[:cap]] [--token-lifetime s]\n"
	    "                          [--max-tokens n] [--registration open|closed|invite]\n"
	    "       natter-server-mock admin [-d file] verb [name]\n");
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* MHD's complaints, on stderr. */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	if (!log_json)
		fputs("natter-server-mock: mhd: ", stderr);
	log_vevent("warning", "mhd", NULL, fmt, ap);
}

/* Parses a decimal number in [lo, hi] or exits with usage. */
static long
number(const char *flag, const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "natter-server-mock: %s wants a number from %ld to %ld\n", flag, lo,
		    hi);
		exit(2);
	}
	return v;
}

/* The settings from the environment; 2 (said why) when one is wrong, else -1. */
static int
parse_env(struct config *c)
{
	struct err e = {0};
	const char *iv = getenv("NATTER_DEMO_INTERVAL");
	if (iv != NULL && *iv != '\0')
		c->demo_interval_ms = number("NATTER_DEMO_INTERVAL", iv, 100, 86400000);
	const char *consent = getenv("NATTER_CONSENT");
	if (consent != NULL && strcmp(consent, "off") == 0)
		store_consent_on = false;
	const char *be = getenv("NATTER_MHD_BACKEND");
	if (be != NULL && *be != '\0' && loop_backend(be, &c->mhd_backend, &e) < 0) {
		fprintf(stderr, "natter-server-mock: %s\n", e.msg);
		return 2;
	}
	return -1;
}

/* --login-throttle off, FREE or FREE:CAP; -1 (said why) when malformed. */
static int
throttle_flag(const char *arg, struct config *c)
{
	if (strcmp(arg, "off") == 0) {
		c->login_free = 0;
		return 0;
	}
	char *end;
	errno = 0;
	long f = strtol(arg, &end, 10);
	long cap = c->login_cap;
	if (errno == 0 && end != arg && *end == ':') {
		const char *p = end + 1;
		cap = strtol(p, &end, 10);
		if (end == p)
			cap = -1;
	}
	if (errno != 0 || end == arg || *end != '\0' || f < 1 || f > 1000 || cap < 1 ||
	    cap > 86400) {
		fprintf(stderr,
		    "natter-server-mock: --login-throttle is off, or FREE[:CAP] with "
		    "FREE from 1 to 1000 attempts and CAP from 1 to 86400 seconds\n");
		return -1;
	}
	c->login_free = (int)f;
	c->login_cap = (int)cap;
	return 0;
}

/* Parses flags into c: -1 to go on, else the exit status (help, version, usage). */
static int
parse_flags(int argc, char *argv[], struct config *c)
{
	enum {
		OPT_DEMO = 256,
		OPT_FAULTS,
		OPT_RETENTION,
		OPT_MAXPOLL,
		OPT_RATE,
		OPT_MAXCONN,
		OPT_PERIP,
		OPT_IDLE,
		OPT_PROTOCOL,
		OPT_THREADS,
		OPT_LOGFORMAT,
		OPT_TLS_CERT,
		OPT_TLS_KEY,
		OPT_THROTTLE,
		OPT_TOKEN_LIFE,
		OPT_MAX_TOKENS,
		OPT_REGISTRATION,
		OPT_RESTORED,
	};
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"config", required_argument, NULL, 'c'},
	    {"listen", required_argument, NULL, 'l'},
	    {"port", required_argument, NULL, 'p'},
	    {"database", required_argument, NULL, 'd'},
	    {"demo", no_argument, NULL, OPT_DEMO},
	    {"faults", required_argument, NULL, OPT_FAULTS},
	    {"event-retention", required_argument, NULL, OPT_RETENTION},
	    {"max-poll", required_argument, NULL, OPT_MAXPOLL},
	    {"rate-limit", required_argument, NULL, OPT_RATE},
	    {"max-connections", required_argument, NULL, OPT_MAXCONN},
	    {"max-connections-per-ip", required_argument, NULL, OPT_PERIP},
	    {"idle-timeout", required_argument, NULL, OPT_IDLE},
	    {"protocol", required_argument, NULL, OPT_PROTOCOL},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"log-format", required_argument, NULL, OPT_LOGFORMAT},
	    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
	    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
	    {"login-throttle", required_argument, NULL, OPT_THROTTLE},
	    {"token-lifetime", required_argument, NULL, OPT_TOKEN_LIFE},
	    {"max-tokens", required_argument, NULL, OPT_MAX_TOKENS},
	    {"registration", required_argument, NULL, OPT_REGISTRATION},
	    {"restored", no_argument, NULL, OPT_RESTORED},
	    {NULL, 0, NULL, 0},
	};
	struct err e = {0};
	int ch;
	if (conffile_args(argc, argv, longopts, &args, &e) < 0) {
		fprintf(stderr, "natter-server-mock: %s\n", e.msg);
		return 2;
	}
	atexit(say_where);
	while ((ch = getopt_long(args.argc, args.argv, "hVc:l:p:d:", longopts, NULL)) != -1) {
		from = optind > 0 ? args.where[optind - 1] : NULL;
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts(NATTER_NAME_VERSION("natter-server-mock"));
			return 0;
		case 'c':
			break; /* read by conffile_args */
		case 'l': {
			unsigned char ip[sizeof(struct in6_addr)];
			if (inet_pton(AF_INET, optarg, ip) != 1 &&
			    inet_pton(AF_INET6, optarg, ip) != 1) {
				fprintf(stderr,
				    "natter-server-mock: -l wants a numeric IPv4 or "
				    "IPv6 address\n");
				return 2;
			}
			c->addr = optarg;
			break;
		}
		case 'p':
			c->port = (unsigned)number("-p", optarg, 0, 65535);
			break;
		case 'd':
			c->dbpath = optarg;
			break;
		case OPT_DEMO:
			c->demo = true;
			break;
		case OPT_FAULTS:
			if (faults_parse(optarg, &e) < 0) {
				fprintf(stderr, "natter-server-mock: %s\n", e.msg);
				return 2;
			}
			break;
		case OPT_RETENTION:
			c->event_retention = (int)number("--event-retention", optarg, 1, 10000000);
			break;
		case OPT_PROTOCOL:
			if (strcmp(optarg, "1.0") != 0 && strcmp(optarg, "1.1") != 0) {
				fprintf(stderr, "natter-server-mock: --protocol is 1.0 or 1.1\n");
				return 2;
			}
			c->protocol_10 = strcmp(optarg, "1.0") == 0;
			/* A server from before membership: no invitations, no new fields. */
			store_consent_on = !c->protocol_10;
			render_membership = !c->protocol_10;
			break;
		case OPT_MAXPOLL:
			c->max_poll = (int)number("--max-poll", optarg, 0, 3600);
			break;
		case OPT_RATE:
			c->rate = (double)number("--rate-limit", optarg, 0, 1000000);
			c->rate_burst = (int)c->rate;
			break;
		case OPT_MAXCONN:
			c->conn_limit = (unsigned)number("--max-connections", optarg, 1, 1000000);
			break;
		case OPT_PERIP:
			c->per_ip_limit =
			    (unsigned)number("--max-connections-per-ip", optarg, 1, 1000000);
			break;
		case OPT_IDLE:
			c->conn_timeout = (unsigned)number("--idle-timeout", optarg, 1, 86400);
			break;
		case OPT_THREADS:
			c->threads = (unsigned)number("--threads", optarg, 1, 64);
			break;
		case OPT_LOGFORMAT:
			if (log_set_format(optarg, &e) < 0) {
				fprintf(stderr, "natter-server-mock: %s\n", e.msg);
				return 2;
			}
			break;
		case OPT_TLS_CERT:
			c->tls_cert = optarg;
			break;
		case OPT_TLS_KEY:
			c->tls_key = optarg;
			break;
		case OPT_THROTTLE:
			if (throttle_flag(optarg, c) < 0)
				return 2;
			break;
		case OPT_TOKEN_LIFE:
			c->token_idle_ms =
			    (int64_t)number("--token-lifetime", optarg, 1, 10L * 366 * 86400) *
			    1000;
			break;
		case OPT_MAX_TOKENS:
			c->max_tokens = (int)number("--max-tokens", optarg, 1, 100000);
			break;
		case OPT_REGISTRATION:
			if (strcmp(optarg, "open") == 0)
				c->registration = REG_OPEN;
			else if (strcmp(optarg, "closed") == 0)
				c->registration = REG_CLOSED;
			else if (strcmp(optarg, "invite") == 0)
				c->registration = REG_INVITE;
			else {
				fprintf(stderr,
				    "natter-server-mock: --registration is open, closed "
				    "or invite\n");
				return 2;
			}
			break;
		case OPT_RESTORED:
			c->restored = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	from = NULL;
	if (optind < args.argc) {
		usage(stderr);
		return 2;
	}
	return parse_env(c);
}

/*
 * The main thread until SIGTERM or SIGINT: the deadlines of suspended
 * requests, the demo bot, finished password jobs. MHD serves on its threads.
 */
static void
serve(struct store *store, const struct config *c)
{
	while (!stop) {
		int64_t wait = events_tick(mono_ms());
		if (c->demo) {
			int64_t w = demo_tick(store, now_ms());
			if (w < wait)
				wait = w;
		}
		pwwork_tick();
		/* FILE.epoch follows the cursor within about a second (a file database only). */
		int64_t ew = epoch_tick(store, false);
		if (ew < wait)
			wait = ew;
		loop_wait(wait);
	}
}

/*
 * Stops accepting, answers every suspended request and lets them flush.
 * Returns the listening socket, to close once MHD stopped: its threads
 * let go of it only some time after MHD_quiesce_daemon.
 */
static MHD_socket
drain(struct MHD_Daemon *d)
{
	MHD_socket ls = MHD_quiesce_daemon(d);
	events_stop_all();
	int64_t until = mono_ms() + 1000;
	while (mono_ms() < until) {
		loop_wait(20);
		pwwork_tick();
		const union MHD_DaemonInfo *ci =
		    MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (events_waiting() == 0 && pwwork_pending() == 0 &&
		    (ci == NULL || ci->num_connections == 0))
			break;
		events_stop_all();
	}
	while (pwwork_pending() > 0) {
		/* Still hashing after a second: let it finish, MHD must not stop while suspended. */
		loop_wait(20);
		pwwork_tick();
	}
	return ls;
}

/* The default of --threads: one per online core, at most 8. */
static unsigned
default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}

/*
 * Starts MHD on its request threads (a pool when more than one), with
 * SIGTERM and SIGINT blocked there so that the main thread takes them.
 */
static struct MHD_Daemon *
start_daemon(const struct config *c, const struct addrinfo *ai)
{
	unsigned flags = c->mhd_backend | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* HTTPS (tls.c): the certificate and key in memory; else an empty list. */
	struct MHD_OptionItem tls[] = {
	    {MHD_OPTION_HTTPS_MEM_CERT, 0, c->tls_cert_pem},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, c->tls_key_pem},
	    {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES},
	    {MHD_OPTION_END, 0, NULL},
	};
	if (c->tls_cert_pem != NULL)
		flags |= MHD_USE_TLS;
	/* MHD shares the connection limit out among its threads. */
	unsigned threads = c->threads < c->conn_limit ? c->threads : c->conn_limit;
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	struct MHD_Daemon *d = MHD_start_daemon(flags, (uint16_t)c->port, NULL, NULL, http_answer,
	    NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL, MHD_OPTION_CONNECTION_LIMIT,
	    c->conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->per_ip_limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, c->conn_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)128 * 1024, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, MHD_OPTION_ARRAY,
	    c->tls_cert_pem != NULL ? tls : tls + 3,
	    /* One thread: no pool (MHD warns of a pool of one), its polling thread alone. */
	    threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return d;
}

/* Parses flags, opens the store, serves until SIGTERM or SIGINT. */
int
main(int argc, char *argv[])
{
	struct config c = {
	    .addr = "127.0.0.1",
	    .port = 0,
	    .event_retention = 1000,
	    .max_poll = 60,
	    .conn_limit = 1024,
	    .per_ip_limit = 256,
	    .conn_timeout = 60,
	    .mhd_backend = MHD_USE_AUTO,
	    .demo_interval_ms = 5000,
	    .threads = default_threads(),
	    .login_free = 5,
	    .login_cap = 300,
	    .token_idle_ms = (int64_t)30 * 86400 * 1000,
	    .max_tokens = 20,
	};
	if (argc > 1 && strcmp(argv[1], "admin") == 0)
		return admin_main(argc - 1, argv + 1);
	int st = parse_flags(argc, argv, &c);
	if (st >= 0)
		return st;
	struct err te = {0};
	if (tls_load(&c, &te) < 0) {
		fprintf(stderr, "natter-server-mock: %s\n", te.msg);
		return te.kind == ERR_USAGE ? 2 : 1;
	}
	json_object_seed(0); /* once, before the request threads make objects */
	struct err e = {0};
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE,
			    .ai_socktype = SOCK_STREAM},
			*ai;
	char portstr[8];
	snprintf(portstr, sizeof(portstr), "%u", c.port);
	if (getaddrinfo(c.addr, portstr, &hints, &ai) != 0) {
		fprintf(stderr, "natter-server-mock: -l wants a numeric IPv4 or IPv6 address\n");
		tls_free(&c);
		return 2;
	}

	struct store *store;
	if (store_open(&store, c.dbpath, c.event_retention, &e) < 0) {
		log_event("error", "start", NULL, "natter-server-mock: %s\n", e.msg);
		freeaddrinfo(ai);
		tls_free(&c);
		return 1;
	}
	if (epoch_open(store, c.dbpath, c.restored, &e) < 0) {
		log_event("error", "start", NULL, "natter-server-mock: %s\n", e.msg);
		store_close(store);
		freeaddrinfo(ai);
		tls_free(&c);
		return 1;
	}
	/* Before "listening on": a send through another process from then on wakes us. */
	if (store_listen(store, events_wake_remote, &e) < 0) {
		log_event("error", "start", NULL, "natter-server-mock: %s\n", e.msg);
		store_close(store);
		freeaddrinfo(ai);
		tls_free(&c);
		return 1;
	}
	routes_init(store, &c);
	ratelimit_init(c.rate, c.rate_burst);
	throttle_init(c.login_free, c.login_cap);
	demo_init(c.demo_interval_ms);
	if ((c.demo && demo_seed(store, &e) < 0) ||
	    store_fill_skeletons(store, rules_skeleton, &e) < 0) {
		log_event("error", "start", NULL, "natter-server-mock: demo: %s\n", e.msg);
		store_close(store);
		freeaddrinfo(ai);
		tls_free(&c);
		return 1;
	}

	if (loop_init(&e) < 0 || pwwork_start(&e) < 0) {
		log_event("error", "start", NULL, "natter-server-mock: %s\n", e.msg);
		store_close(store);
		freeaddrinfo(ai);
		tls_free(&c);
		return 1;
	}

	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct MHD_Daemon *d = start_daemon(&c, ai);
	if (d == NULL) {
		log_event("error", "start", NULL,
		    "natter-server-mock: cannot listen on %s port %u%s\n", c.addr, c.port,
		    c.tls_cert_pem ? " with that certificate and key (is the key the "
				     "certificate's? see above)"
				   : "");
		store_close(store);
		freeaddrinfo(ai);
		tls_free(&c);
		return 1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = di != NULL ? di->port : c.port;
	/* Before the listening line, which scripts wait for: the warning is there by then. */
	tls_warn_plain(&c);
	const char *scheme = c.tls_cert_pem ? "https" : "http";
	if (ai->ai_family == AF_INET6)
		printf("listening on %s://[%s]:%u\n", scheme, c.addr, port);
	else
		printf("listening on %s://%s:%u\n", scheme, c.addr, port);
	fflush(stdout);
	if (log_json)
		log_event("info", "listening",
		    json_pack("{s:s, s:I, s:s}", "address", c.addr, "port", (json_int_t)port,
			"database", c.dbpath != NULL ? "given" : "memory"),
		    "listening\n");
	freeaddrinfo(ai);

	serve(store, &c);
	if (log_json)
		log_event("info", "stopping", NULL, "stopping\n");
	MHD_socket ls = drain(d);
	/* Before MHD stops: FILE.epoch must hold the newest cursor whatever happens next. */
	epoch_tick(store, true);
	MHD_stop_daemon(d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	routes_close();
	pwwork_stop();
	epoch_tick(store, true);
	epoch_close();
	store_close(store);
	tls_free(&c);
	return 0;
}
