/*
 * The PostgreSQL backend: wake-ups between server processes. A write that
 * delivers events notifies channel natter_wake (pg_notify, sent at its
 * commit) with the woken user ids, "1,2,3"; a list longer than
 * NOTIFY's payload allows is sent as "*", everyone re-checks. Each
 * process listens on a connection of its own, on a thread that sleeps in
 * poll() on its socket and hands each notification to the server's
 * wake-up function (events.c), so a long-poll on one process wakes for a
 * send through another within a round trip.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store-pg.h"

/* NOTIFY's payload must stay under 8000 bytes. */
#define PAYLOAD_MAX 7900

/* Notifies every listening process, at the commit, that these users have news. */
int
pg_notify_users(struct pg_store *s, const int64_t *uids, size_t n, struct err *e)
{
	struct buf b = {0};
	for (size_t i = 0; i < n && b.len <= PAYLOAD_MAX; i++)
		buf_printf(&b, "%s%lld", i > 0 ? "," : "", (long long)uids[i]);
	struct pgp p = {0};
	pgp_text(&p, b.len > PAYLOAD_MAX ? "*" : b.data);
	int64_t rc = pg_run(s, P_NOTIFY, &p, e);
	buf_free(&b);
	return rc < 0 ? -1 : 0;
}

/* Hands one notification's users (or everyone) to the wake-up function. */
static void
deliver(struct pg_shared *sh, const char *payload)
{
	if (strcmp(payload, "*") == 0) {
		sh->wake(NULL, 0, true);
		return;
	}
	int64_t *ids = NULL;
	size_t n = 0;
	const char *p = payload;
	while (*p != '\0') {
		char *end;
		long long v = strtoll(p, &end, 10);
		if (end == p)
			break;
		store_push_id(&ids, &n, (int64_t)v);
		p = *end == ',' ? end + 1 : end;
	}
	if (n > 0)
		sh->wake(ids, n, false);
	free(ids);
}

/* A connection that listens on the channel, or NULL with e set. */
static PGconn *
listener(const char *target, struct err *e)
{
	PGconn *c = pg_connect(target, e);
	if (c == NULL)
		return NULL;
	PGresult *r = PQexec(c, "LISTEN " PG_CHANNEL);
	bool good = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!good) {
		err_set(e, ERR_DB, "PostgreSQL: LISTEN: %.*s",
		    (int)strcspn(PQerrorMessage(c), "\n"), PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* Waits ms for the stop byte: true when it came. */
static bool
stopped(struct pg_shared *sh, int ms)
{
	struct pollfd f = {.fd = sh->stop[0], .events = POLLIN};
	return poll(&f, 1, ms) > 0;
}

/*
 * The listening thread: notifications as they come; a lost connection is
 * made again (every second) and then everyone re-checks, as notifications
 * may have been missed meanwhile.
 */
static void *
listen_main(void *arg)
{
	struct pg_shared *sh = arg;
	PGconn *c = sh->lc;
	for (;;) {
		if (c == NULL) {
			if (stopped(sh, 1000))
				break;
			struct err e = {0};
			if ((c = listener(sh->target, &e)) == NULL)
				continue;
			fprintf(stderr, "natter-server-mock: PostgreSQL: listening again\n");
			sh->wake(NULL, 0, true);
		}
		struct pollfd f[2] = {
		    {.fd = PQsocket(c), .events = POLLIN},
		    {.fd = sh->stop[0], .events = POLLIN},
		};
		if (poll(f, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (f[1].revents != 0)
			break;
		if (!PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK) {
			fprintf(stderr,
			    "natter-server-mock: PostgreSQL: the listening connection was lost: "
			    "%.*s\n",
			    (int)strcspn(PQerrorMessage(c), "\n"), PQerrorMessage(c));
			PQfinish(c);
			c = NULL;
			continue;
		}
		PGnotify *nf;
		while ((nf = PQnotifies(c)) != NULL) {
			deliver(sh, nf->extra);
			PQfreemem(nf);
		}
	}
	PQfinish(c);
	return NULL;
}

/*
 * Starts listening before it returns (a notification committed afterwards
 * is not missed), then hands the connection to its thread; SIGTERM and
 * SIGINT stay the main thread's.
 */
int
pg_listen(struct store *base, store_wake_fn fn, struct err *e)
{
	struct pg_shared *sh = pg(base)->sh;
	if (sh->listening)
		return 0;
	if ((sh->lc = listener(sh->target, e)) == NULL)
		return -1;
	if (pipe(sh->stop) < 0) {
		PQfinish(sh->lc);
		sh->lc = NULL;
		return err_set(e, ERR_SYSTEM, "cannot make a pipe: %s", strerror(errno));
	}
	sh->wake = fn;
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int rc = pthread_create(&sh->listener, NULL, listen_main, sh);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		PQfinish(sh->lc);
		sh->lc = NULL;
		close(sh->stop[0]);
		close(sh->stop[1]);
		sh->stop[0] = sh->stop[1] = -1;
		return err_set(
		    e, ERR_SYSTEM, "cannot start the listening thread: %s", strerror(rc));
	}
	sh->listening = true;
	return 0;
}

/* Stops the listening thread and waits for it. */
void
pg_listen_stop(struct pg_shared *sh)
{
	if (!sh->listening)
		return;
	ssize_t n = write(sh->stop[1], "", 1);
	(void)n;
	pthread_join(sh->listener, NULL);
	close(sh->stop[0]);
	close(sh->stop[1]);
	sh->listening = false;
}
