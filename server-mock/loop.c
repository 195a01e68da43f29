/*
 * The main loop's sleep. MHD runs from our loop ("external" polling) on
 * the back end it chose: epoll where there is one, select() elsewhere
 * (macOS, the BSDs), since MHD offers poll() only to its own threads. The
 * loop sleeps on MHD's sockets and on a self-pipe until the next deadline:
 * idle, until something happens. The signal handler and the password
 * thread write to the pipe, and so does every MHD_resume_connection of
 * ours: MHD's fd_set (libmicrohttpd 0.9.75) leaves out the channel that
 * would tell select() about a resumed connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "server.h"

static int wake_r = -1, wake_w = -1;
static atomic_bool woken; /* a byte is in the pipe */
static unsigned max_conns;

/* The MHD flags for a back end named by NATTER_MHD_BACKEND. */
int
loop_backend(const char *name, unsigned *flags, struct err *e)
{
	if (strcmp(name, "auto") == 0)
		*flags = MHD_USE_AUTO;
	else if (strcmp(name, "epoll") == 0)
		*flags = MHD_USE_EPOLL;
	else if (strcmp(name, "select") == 0)
		*flags = 0;
	else if (strcmp(name, "poll") == 0)
		return err_set(e, ERR_USAGE,
		    "NATTER_MHD_BACKEND: libmicrohttpd uses poll() only on its own threads; "
		    "this server's loop takes auto, epoll or select");
	else
		return err_set(e, ERR_USAGE, "NATTER_MHD_BACKEND wants auto, epoll or select");
	return 0;
}

/* Makes fd non-blocking and closed on exec. */
static int
pipe_flags(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Opens the self-pipe (pipe2 is not on macOS); conn_limit is MHD's connection limit. */
int
loop_init(unsigned conn_limit, struct err *e)
{
	max_conns = conn_limit;
	int p[2];
	if (pipe(p) < 0)
		return err_set(e, ERR_SYSTEM, "cannot make a pipe: %s", strerror(errno));
	if (pipe_flags(p[0]) < 0 || pipe_flags(p[1]) < 0) {
		close(p[0]);
		close(p[1]);
		return err_set(e, ERR_SYSTEM, "cannot set up a pipe: %s", strerror(errno));
	}
	wake_r = p[0];
	wake_w = p[1];
	return 0;
}

/* Wakes the loop; safe in a signal handler and on any thread. */
void
loop_wake(void)
{
	if (wake_w < 0 || atomic_exchange(&woken, true))
		return;
	int saved = errno;
	ssize_t n = write(wake_w, "", 1);
	(void)n; /* full: a wake-up is pending already */
	errno = saved;
}

/* Empties the self-pipe. */
static void
unwake(void)
{
	char b[64];
	atomic_store(&woken, false);
	while (read(wake_r, b, sizeof(b)) > 0)
		;
}

/* The sooner of ms (INT64_MAX: none) and MHD's own timeout, for poll(): -1 is none. */
static int
timeout_ms(struct MHD_Daemon *d, int64_t ms)
{
	MHD_UNSIGNED_LONG_LONG t;
	if (ms <= 0)
		return 0;
	if (MHD_get_timeout(d, &t) == MHD_YES && t < (MHD_UNSIGNED_LONG_LONG)ms)
		ms = (int64_t)t;
	return ms > INT_MAX ? -1 : (int)ms;
}

/* How many connections MHD holds. */
static unsigned
conns(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *ci =
	    MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return ci != NULL ? ci->num_connections : 0;
}

/* Waits on MHD's epoll fd and the self-pipe, then lets MHD work. */
static void
wait_epoll(struct MHD_Daemon *d, int epfd, int ms)
{
	struct pollfd p[2] = {{.fd = epfd, .events = POLLIN}, {.fd = wake_r, .events = POLLIN}};
	if (poll(p, 2, ms) > 0 && p[1].revents != 0)
		unwake();
	bool full = conns(d) >= max_conns;
	MHD_run(d);
	/* At the limit MHD takes its listening socket out of the epoll set and
	 * puts it back only when a run starts below the limit: so one more run,
	 * or new clients would wait until something else wakes us. */
	if (full && conns(d) < max_conns)
		MHD_run(d);
}

/* Waits with select() on MHD's sockets and the self-pipe, then lets MHD work. */
static void
wait_select(struct MHD_Daemon *d, int ms)
{
	fd_set rs, ws, es;
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_ZERO(&es);
	MHD_socket max = wake_r;
	FD_SET(wake_r, &rs);
	/* With select, MHD only takes sockets that fit an fd_set: this cannot fail. */
	MHD_get_fdset(d, &rs, &ws, &es, &max);
	/* At the limit, new clients wait in the backlog as with epoll; MHD 0.9.75
	 * would accept them and close them at once. */
	const union MHD_DaemonInfo *li = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
	if (li != NULL && li->listen_fd != MHD_INVALID_SOCKET && conns(d) >= max_conns)
		FD_CLR(li->listen_fd, &rs);
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
	if (select(max + 1, &rs, &ws, &es, ms < 0 ? NULL : &tv) < 0) {
		MHD_run(d); /* interrupted: the sets say nothing */
		return;
	}
	if (FD_ISSET(wake_r, &rs))
		unwake();
	MHD_run_from_select(d, &rs, &ws, &es);
}

/* Sleeps until MHD has work, loop_wake, or ms pass (INT64_MAX: no limit); runs MHD. */
void
loop_wait(struct MHD_Daemon *d, int64_t ms)
{
	int t = timeout_ms(d, ms);
	const union MHD_DaemonInfo *fi = MHD_get_daemon_info(d, MHD_DAEMON_INFO_FLAGS);
	if (fi != NULL && (fi->flags & MHD_USE_EPOLL) != 0) {
		const union MHD_DaemonInfo *ei = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
		if (ei != NULL && ei->epoll_fd >= 0) {
			wait_epoll(d, ei->epoll_fd, t);
			return;
		}
	}
	wait_select(d, t);
}
