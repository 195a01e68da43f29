/*
 * Suspended connections: long-polls waiting for news and answers held back
 * by the delay fault. A suspended connection costs MHD no thread and no
 * polling; it is resumed by a new event for its user, by its deadline, or
 * by shutdown, and MHD then calls the handler again.
 */
#include "server.h"

static struct req *head;
static size_t n_polls;

/* Unlinks q from the list. */
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

/* Resumes q: MHD will call the handler for it again. */
static void
resume(struct req *q)
{
	unlink_req(q);
	MHD_resume_connection(q->conn);
	loop_wake();
}

/* Suspends q's connection until a wake-up, its deadline or its release. */
void
events_suspend(struct req *q)
{
	MHD_suspend_connection(q->conn);
	q->suspended = true;
	q->prev = NULL;
	q->next = head;
	if (head != NULL)
		head->prev = q;
	head = q;
	if (q->polling)
		n_polls++;
}

/* Wakes the long-polls of these users. */
void
events_wake_users(const int64_t *uids, size_t n)
{
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
}

/* Resumes what is due; returns the milliseconds until the next deadline (INT64_MAX: none). */
int64_t
events_tick(int64_t now)
{
	int64_t next = INT64_MAX;
	struct req *q = head, *nq;
	for (; q != NULL; q = nq) {
		nq = q->next;
		int64_t due = q->held != NULL ? q->release : q->deadline;
		if (due <= now)
			resume(q);
		else if (due - now < next)
			next = due - now;
	}
	return next;
}

/* Resumes every suspended connection for a final answer. */
size_t
events_stop_all(void)
{
	size_t n = 0;
	while (head != NULL) {
		struct req *q = head;
		q->stopping = true;
		q->release = 0;
		resume(q);
		n++;
	}
	return n;
}

/* Removes q if its connection ends while suspended. */
void
events_forget(struct req *q)
{
	if (q->suspended)
		unlink_req(q);
}

/* How many long-polls wait now. */
size_t
events_waiting(void)
{
	return n_polls;
}
