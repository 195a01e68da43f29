/*
 * The main thread's sleep, and the polling back end of MHD's request
 * threads. MHD polls its sockets on its own threads (MHD_USE_AUTO: epoll on
 * Linux, poll() elsewhere); the main thread only keeps the deadlines of
 * suspended requests, the demo bot and the password jobs, and sleeps on a
 * self-pipe until the next deadline: idle, until something happens. The
 * signal handler, the password thread and a long-poll with a sooner
 * deadline write to the pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "server.h"

static int wake_r = -1, wake_w = -1;
static atomic_bool woken; /* a byte is in the pipe */

/* The MHD flags for a back end named by NATTER_MHD_BACKEND. */
int
loop_backend(const char *name, unsigned *flags, struct err *e)
{
	if (strcmp(name, "auto") == 0)
		*flags = MHD_USE_AUTO;
	else if (strcmp(name, "epoll") == 0)
		*flags = MHD_USE_EPOLL;
	else if (strcmp(name, "poll") == 0)
		*flags = MHD_USE_POLL;
	else if (strcmp(name, "select") == 0)
		*flags = 0;
	else
		return err_set(
		    e, ERR_USAGE, "NATTER_MHD_BACKEND wants auto, epoll, poll or select");
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

/* Opens the self-pipe (pipe2 is not on macOS). */
int
loop_init(struct err *e)
{
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

/* Sleeps on the self-pipe until loop_wake or ms pass (INT64_MAX: no limit). */
void
loop_wait(int64_t ms)
{
	struct pollfd p = {.fd = wake_r, .events = POLLIN};
	int t = ms <= 0 ? 0 : ms > INT_MAX ? -1 : (int)ms;
	if (poll(&p, 1, t) > 0) {
		char b[64];
		atomic_store(&woken, false);
		while (read(wake_r, b, sizeof(b)) > 0)
			;
	}
}
