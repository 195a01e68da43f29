/*
 * Suspended connections: long-polls waiting for news and answers held back
 * by the delay fault. A suspended connection costs MHD no thread and no
 * polling; it is resumed by a new event for its user (a send on any request
 * thread), by its deadline or by shutdown (the main thread), and MHD then
 * calls the handler again on the connection's own thread. One mutex guards
 * the list; MHD_resume_connection may be called from any thread.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "server.h"

/* Wake-up counters by user id: a long-poll that read nothing checks its own did not move. */
#define GEN_SLOTS 256

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct req *head;
static size_t n_polls;
static uint64_t gen[GEN_SLOTS];
static int64_t main_wakes = INT64_MAX; /* mono_ms the main thread sleeps until */

/* The counter slot of a user. */
static uint64_t *
slot(int64_t uid)
{
	return &gen[(uint64_t)uid % GEN_SLOTS];
}

/* Unlinks q from the list (mu held). */
static void
unlink_req(struct req *q)
{
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		head = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	q->prev = q->next = NULL;
	if (q->polling)
		n_polls--;
	q->suspended = false;
}

/* Resumes q (mu held): MHD will call the handler for it again, on its thread. */
static void
resume(struct req *q)
{
	unlink_req(q);
	MHD_resume_connection(q->conn);
}

/* Notes, before a long-poll reads the store, how often its user was woken so far. */
void
events_mark(struct req *q)
{
	pthread_mutex_lock(&mu);
	q->gen = *slot(q->uid);
	pthread_mutex_unlock(&mu);
}

/*
 * Suspends q's connection until a wake-up, its deadline or its release.
 * False, and not suspended, when q is a long-poll whose user was woken since
 * events_mark: the news came between its read and now, so it reads again.
 */
bool
events_suspend(struct req *q)
{
	int64_t due = q->held != NULL ? q->release : q->deadline;
	pthread_mutex_lock(&mu);
	if (q->polling && q->held == NULL && *slot(q->uid) != q->gen) {
		pthread_mutex_unlock(&mu);
		return false;
	}
	MHD_suspend_connection(q->conn);
	q->suspended = true;
	q->prev = NULL;
	q->next = head;
	if (head != NULL)
		head->prev = q;
	head = q;
	if (q->polling)
		n_polls++;
	bool sooner = due < main_wakes;
	if (sooner)
		main_wakes = due;
	pthread_mutex_unlock(&mu);
	if (sooner)
		loop_wake(); /* the main thread sleeps past this deadline */
	return true;
}

/* Wakes the long-polls of these users. */
void
events_wake_users(const int64_t *uids, size_t n)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < n; i++)
		(*slot(uids[i]))++;
	struct req *q = head, *next;
	for (; q != NULL; q = next) {
		next = q->next;
		if (!q->polling)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (uids[i] == q->uid) {
				resume(q);
				break;
			}
		}
	}
	pthread_mutex_unlock(&mu);
}

/* Wakes every long-poll (news for users another process could not list). */
void
events_wake_all(void)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < GEN_SLOTS; i++)
		gen[i]++;
	struct req *q = head, *next;
	for (; q != NULL; q = next) {
		next = q->next;
		if (q->polling)
			resume(q);
	}
	pthread_mutex_unlock(&mu);
}

/* A wake-up from another server process (store_listen): its users, or all. */
void
events_wake_remote(const int64_t *uids, size_t n, bool all)
{
	if (all)
		events_wake_all();
	else
		events_wake_users(uids, n);
}

/*
 * Resumes what is due; returns the milliseconds until the next deadline
 * (INT64_MAX: none). The main thread calls it before it sleeps.
 */
int64_t
events_tick(int64_t now)
{
	int64_t next = INT64_MAX;
	pthread_mutex_lock(&mu);
	struct req *q = head, *nq;
	for (; q != NULL; q = nq) {
		nq = q->next;
		int64_t due = q->held != NULL ? q->release : q->deadline;
		if (due <= now)
			resume(q);
		else if (due - now < next)
			next = due - now;
	}
	main_wakes = next == INT64_MAX ? INT64_MAX : now + next;
	pthread_mutex_unlock(&mu);
	return next;
}

/* Set by events_stop_all: long-polls that come later are answered at once. */
static atomic_bool draining;

/* Whether the server is stopping: a new long-poll must not be suspended. */
bool
events_draining(void)
{
	return atomic_load(&draining);
}

/* Resumes every suspended connection for a final answer. */
size_t
events_stop_all(void)
{
	size_t n = 0;
	atomic_store(&draining, true);
	pthread_mutex_lock(&mu);
	while (head != NULL) {
		struct req *q = head;
		q->stopping = true;
		q->release = 0;
		resume(q);
		n++;
	}
	pthread_mutex_unlock(&mu);
	return n;
}

/* Removes q if its connection ends while suspended. */
void
events_forget(struct req *q)
{
	pthread_mutex_lock(&mu);
	if (q->suspended)
		unlink_req(q);
	pthread_mutex_unlock(&mu);
}

/* How many long-polls wait now. */
size_t
events_waiting(void)
{
	pthread_mutex_lock(&mu);
	size_t n = n_polls;
	pthread_mutex_unlock(&mu);
	return n;
}
