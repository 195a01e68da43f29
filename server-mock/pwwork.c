/*
 * Password hashing off the request threads. Argon2id takes a good fraction
 * of a second on purpose; done inline it would stall every other client of
 * that thread behind each register or login (a flood of wrong logins froze
 * the server). The request's connection is suspended while one worker
 * thread hashes; the main thread, woken by the worker (loop_wake), resumes
 * it when the job is done and the route runs again, on the connection's
 * request thread, with the result. A suspended connection never completes,
 * so a job handed back still has its request. One worker keeps the memory
 * of hashing at one Argon2 instance.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "server.h"

struct pwjob {
	struct req *q; /* NULL once the request is gone */
	char *pw;
	char *hash; /* verify against this; NULL: make a hash (or the dummy check) */
	bool dummy;
	bool handed; /* back from the worker, owned by its request */
	bool ok; /* verify: the password matches */
	char *out; /* hash: the new hash, or NULL when out of memory */
	struct pwjob *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct pwjob *todo, *todo_tail, *finished;
static size_t in_flight;
static bool quit, started;
static pthread_t worker;

/* Frees a job and its secrets. */
static void
job_free(struct pwjob *j)
{
	if (j == NULL)
		return;
	if (j->pw != NULL) {
		sodium_memzero(j->pw, strlen(j->pw));
		free(j->pw);
	}
	free(j->hash);
	free(j->out);
	free(j);
}

/* The worker: takes jobs in order and hashes or checks. */
static void *
work(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	for (;;) {
		while (todo == NULL && !quit)
			pthread_cond_wait(&cv, &mu);
		if (todo == NULL)
			break;
		struct pwjob *j = todo;
		todo = j->next;
		if (todo == NULL)
			todo_tail = NULL;
		pthread_mutex_unlock(&mu);
		if (j->dummy)
			auth_dummy_check(j->pw);
		else if (j->hash != NULL)
			j->ok = auth_check_password(j->hash, j->pw);
		else
			j->out = auth_hash_password(j->pw);
		pthread_mutex_lock(&mu);
		j->next = finished;
		finished = j;
		loop_wake();
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

/* Starts the worker thread. */
int
pwwork_start(struct err *e)
{
	/* libsodium sets itself up here, once, before two threads may use it. */
	if (sodium_init() < 0)
		return err_set(e, ERR_SYSTEM, "cannot initialise libsodium");
	if (auth_dummy_init() < 0)
		return err_set(e, ERR_SYSTEM, "out of memory hashing the dummy password");
	if (pthread_create(&worker, NULL, work, NULL) != 0)
		return err_set(e, ERR_SYSTEM, "cannot start the password thread");
	started = true;
	return 0;
}

/* Stops the worker after the jobs it holds. */
void
pwwork_stop(void)
{
	if (!started)
		return;
	pthread_mutex_lock(&mu);
	quit = true;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(worker, NULL);
	started = false;
	for (struct pwjob *j = finished, *n; j != NULL; j = n) {
		n = j->next;
		job_free(j);
	}
	finished = NULL;
}

/* Queues a job for q and suspends q's connection until it is done. */
static void
submit(struct req *q, const char *pw, const char *hash, bool dummy)
{
	struct pwjob *j = xcalloc(1, sizeof(*j));
	j->q = q;
	j->pw = xstrdup(pw);
	j->hash = hash != NULL ? xstrdup(hash) : NULL;
	j->dummy = dummy;
	q->pw = j;
	MHD_suspend_connection(q->conn);
	pthread_mutex_lock(&mu);
	if (todo_tail != NULL)
		todo_tail->next = j;
	else
		todo = j;
	todo_tail = j;
	in_flight++;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

/* Queues the hashing of a new password for q. */
void
pwwork_hash(struct req *q, const char *pw)
{
	submit(q, pw, NULL, false);
}

/* Queues the check of pw against hash for q (hash NULL: an unknown user, same cost). */
void
pwwork_verify(struct req *q, const char *pw, const char *hash)
{
	submit(q, pw, hash, hash == NULL);
}

/* The result of q's finished job: 1 verified or hashed (*out set for a hash), 0 not. */
int
pwwork_result(struct req *q, char **out)
{
	struct pwjob *j = q->pw;
	int rc = j->dummy ? 0 : j->hash != NULL ? j->ok : j->out != NULL;
	if (out != NULL) {
		*out = j->out;
		j->out = NULL;
	}
	return rc;
}

/* Resumes the connections whose jobs are done. */
void
pwwork_tick(void)
{
	pthread_mutex_lock(&mu);
	struct pwjob *done = finished;
	finished = NULL;
	for (struct pwjob *j = done; j != NULL; j = j->next) {
		j->handed = true;
		in_flight--;
	}
	pthread_mutex_unlock(&mu);
	for (struct pwjob *j = done, *n; j != NULL; j = n) {
		n = j->next;
		j->next = NULL;
		if (j->q != NULL) {
			MHD_resume_connection(j->q->conn);
			loop_wake();
		} else {
			job_free(j);
		}
	}
}

/* Drops q's job: freed now if it came back, else when it does. */
void
pwwork_forget(struct req *q)
{
	struct pwjob *j = q->pw;
	if (j == NULL)
		return;
	q->pw = NULL;
	pthread_mutex_lock(&mu);
	bool handed = j->handed;
	j->q = NULL;
	pthread_mutex_unlock(&mu);
	if (handed)
		job_free(j);
}

/* Jobs queued or running. */
size_t
pwwork_pending(void)
{
	pthread_mutex_lock(&mu);
	size_t n = in_flight;
	pthread_mutex_unlock(&mu);
	return n;
}
