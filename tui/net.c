/*
 * The network work behind the interface, on two threads so that nothing
 * ever blocks typing or drawing: one runs the launch sync and then the
 * events long-poll (writing what arrives to history.db and sync.db), the
 * other delivers the outbox and makes new conversations. Each has its own
 * HTTP session and database connections; they tell the interface through a
 * pipe that news is waiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "history.h"
#include "outbox.h"
#include "readmark.h"
#include "syncstore.h"
#include "text.h"
#include "natter.h"

/* Seconds of one events long-poll. */
#define EVENTS_WAIT_S 25
/* Longest wait between reconnection attempts, in ms. */
#define RETRY_MAX_MS 4000
/* Seconds between attempts to deliver sends that stayed queued. */
#define RESEND_S 3
/*
 * HTTP retries of one request: few, because these threads retry on their
 * own, and a person waiting for "online" should not wait out a long backoff.
 */
#define NET_HTTP_RETRIES 1

/* Wakes the interface. Call with mu held. */
static void
wake(struct net *n)
{
	char b = 1;
	ssize_t rc = write(n->pipe[1], &b, 1);
	(void)rc; /* a full pipe already means "news waiting" */
}

/* Adds conv to the set v[0..*n) unless it is there. */
static void
add_conv(char ***v, size_t *n, const char *conv)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i], conv) == 0)
			return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(char *));
	(*v)[(*n)++] = xstrdup(conv);
}

/* Records that conv has new messages. Call with mu held. */
static void
news_conv(struct net *n, const char *conv)
{
	add_conv(&n->news.convs, &n->news.nconvs, conv);
}

/* Sets the state and status words, and wakes the interface. */
static void
set_state(struct net *n, enum net_state st, const char *status)
{
	pthread_mutex_lock(&n->mu);
	n->news.state = st;
	snprintf(n->news.status, sizeof(n->news.status), "%s", status ? status : "");
	wake(n);
	pthread_mutex_unlock(&n->mu);
}

/* Waits up to ms or until stopped; returns true when stopped. */
static bool
pause_ms(struct net *n, long ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&n->mu);
	while (!n->stop) {
		if (pthread_cond_timedwait(&n->cv, &n->mu, &ts) == ETIMEDOUT)
			break;
	}
	bool stop = n->stop;
	pthread_mutex_unlock(&n->mu);
	return stop;
}

/* True once net_stop was called. */
static bool
stopping(struct net *n)
{
	pthread_mutex_lock(&n->mu);
	bool stop = n->stop;
	pthread_mutex_unlock(&n->mu);
	return stop;
}

/* Opens an HTTP session for a thread. */
static int
open_client(struct net *n, struct client *cl, struct err *e)
{
	if (client_open(cl, n->server, n->user, n->token, "natter", e) < 0)
		return -1;
	cl->http.abort_flag = &n->abort;
	cl->http.retries = NET_HTTP_RETRIES;
	cl->http.verbose = false;
	http_set_cacert(&cl->http, n->cacert);
	cl->http.insecure_http = n->insecure_http;
	return 0;
}

/* Counts the queued sends. */
static size_t
count_queued(struct history *h)
{
	struct outbox_item *v = NULL;
	size_t nv = 0;
	struct err e = {0};
	if (history_outbox_list(h, &v, &nv, &e) < 0)
		return 0;
	outbox_items_free(v, nv);
	return nv;
}

/* Launch progress: each batch is news for every conversation. */
static void
progress(void *arg, const struct launch_report *r)
{
	struct net *n = arg;
	pthread_mutex_lock(&n->mu);
	n->news.all = true;
	n->news.filling = r->filling;
	wake(n);
	pthread_mutex_unlock(&n->mu);
}

/* Between two rounds of the background fill: the conversation a PageUp waits on, or NULL. */
static char *
yield(void *arg)
{
	struct net *n = arg;
	pthread_mutex_lock(&n->mu);
	char *conv = n->older;
	n->older = NULL;
	pthread_mutex_unlock(&n->mu);
	return conv;
}

/* Stores the messages and conversations of one events answer. */
static void
store_events(struct net *n, struct history *h, struct syncstore *ss, bool have_ss,
    const struct events_reply *r)
{
	struct err e = {0};
	struct message *msgs = xreallocarray(NULL, r->nevents + 1, sizeof(*msgs));
	size_t nm = 0;
	bool convs = false;
	for (size_t i = 0; i < r->nevents; i++) {
		const struct event *ev = &r->events[i];
		if (ev->type == EVENT_CONVERSATION) {
			if (history_put_convs(h, &ev->conv, 1, &e) == 0)
				convs = true;
			continue;
		}
		if (ev->type == EVENT_READ) {
			/* Read on another device: the unread counts follow. */
			bool moved = false;
			if (history_read_merge(h, ev->conv.id, &ev->conv.read, &moved, &e) == 0 &&
			    moved)
				convs = true;
			continue;
		}
		msgs[nm] = ev->msg;
		nm++;
	}
	/*
	 * Only others' messages new to history.db are news for the list: one
	 * held already (sent from here, or fetched before) is not. They go in
	 * by conversation, the ones naming the user apart, to know which are.
	 */
	char **fresh = NULL, **named = NULL;
	size_t nfresh = 0, nnamed = 0;
	struct message *group = xreallocarray(NULL, nm + 1, sizeof(*group));
	bool *done = xcalloc(nm + 1, sizeof(*done));
	for (size_t i = 0; i < nm; i++) {
		if (done[i])
			continue;
		/* Three groups of conversation msgs[i].conv: own, naming the user, the rest. */
		for (int kind = 0; kind < 3; kind++) {
			size_t ng = 0;
			for (size_t j = i; j < nm; j++) {
				bool own = strcmp(msgs[j].sender, n->user) == 0;
				int k = own ? 0 : names_user(msgs[j].body, n->user) ? 1 : 2;
				if (k == kind && strcmp(msgs[j].conv, msgs[i].conv) == 0)
					group[ng++] = msgs[j];
			}
			size_t added = 0;
			if (ng == 0)
				continue;
			if (history_insert(h, group, ng, &added, &e) < 0)
				set_state(n, NET_ONLINE, e.msg);
			if (added > 0 && kind > 0)
				add_conv(&fresh, &nfresh, msgs[i].conv);
			if (added > 0 && kind == 1)
				add_conv(&named, &nnamed, msgs[i].conv);
		}
		for (size_t j = i; j < nm; j++) {
			if (strcmp(msgs[j].conv, msgs[i].conv) == 0)
				done[j] = true;
		}
	}
	free(group);
	free(done);
	if (nm > 0 && have_ss)
		syncstore_insert(ss, msgs, nm, NULL, NULL, &e);
	pthread_mutex_lock(&n->mu);
	for (size_t i = 0; i < nm; i++)
		news_conv(n, msgs[i].conv);
	for (size_t i = 0; i < nfresh; i++)
		add_conv(&n->news.fresh, &n->news.nfresh, fresh[i]);
	for (size_t i = 0; i < nnamed; i++)
		add_conv(&n->news.named, &n->news.nnamed, named[i]);
	if (convs)
		n->news.all = true;
	wake(n);
	pthread_mutex_unlock(&n->mu);
	for (size_t i = 0; i < nfresh; i++)
		free(fresh[i]);
	for (size_t i = 0; i < nnamed; i++)
		free(named[i]);
	free(fresh);
	free(named);
	free(msgs);
}

/* Whether an answer's server epoch is not the one history.db is at. */
static bool
epoch_moved(struct history *h, const struct epoch *now)
{
	struct epoch held;
	struct err e = {0};
	return history_epoch_get(h, &held, &e) == 0 && epoch_compare(&held, now) != EPOCH_SAME;
}

/* The events thread: launch sync, then the long-poll, reconnecting as needed. */
static void *
events_main(void *arg)
{
	struct net *n = arg;
	struct history h;
	struct syncstore ss;
	struct client cl;
	struct err e = {0};
	bool have_ss = false;
	long backoff = 1000;

	if (history_open(&h, n->history_path, &e) < 0) {
		set_state(n, NET_OFFLINE, e.msg);
		return NULL;
	}
	if (syncstore_open(&ss, n->sync_path, 0, &e) == 0)
		have_ss = true;
	if (open_client(n, &cl, &e) < 0) {
		set_state(n, NET_OFFLINE, e.msg);
		goto out;
	}
	bool first = true;
	/* Conversations held nowhere (all, on a new device) come newest first. */
	struct launch_opts o = {
	    .progress = progress, .arg = n, .newest = LAUNCH_FIRST_WINDOW, .yield = yield};
	while (!stopping(n)) {
		struct launch_report rep = {0};
		memset(&e, 0, sizeof(e));
		if (!first)
			set_state(n, NET_CONNECTING, "");
		first = false;
		int rc = launch_sync(&cl, &h, have_ss ? &ss : NULL, &o, &rep, &e);
		if (stopping(n))
			break;
		pthread_mutex_lock(&n->mu);
		n->news.all = true;
		n->news.filling = false;
		n->news.launched = true;
		n->news.report = rep;
		n->news.queued = count_queued(&h);
		if (rep.notice[0] != '\0') {
			/* A server restore: said in the interface, in words. */
			free(n->news.error);
			n->news.error = xstrdup(rep.notice);
		}
		pthread_mutex_unlock(&n->mu);
		if (rc < 0) {
			enum net_state st = e.kind == ERR_AUTH ? NET_REFUSED : NET_OFFLINE;
			set_state(n, st, e.msg);
			if (pause_ms(n, st == NET_REFUSED ? RETRY_MAX_MS : backoff))
				break;
			backoff = backoff * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : backoff * 2;
			continue;
		}
		backoff = 1000;
		set_state(n, NET_ONLINE, "");
		net_flush(n);
		int64_t cursor = (int64_t)rep.cursor;
		while (!stopping(n)) {
			struct events_reply r = {0};
			memset(&e, 0, sizeof(e));
			struct epoch held = {0};
			history_epoch_get(&h, &held, &e);
			if (client_events(&cl, cursor, EVENTS_WAIT_S, &held, &r, &e) < 0) {
				events_reply_free(&r);
				if (stopping(n))
					break;
				set_state(n, e.kind == ERR_AUTH ? NET_REFUSED : NET_OFFLINE, e.msg);
				pause_ms(n, backoff);
				break;
			}
			if (epoch_moved(&h, &r.epoch)) {
				/* A restore: the launch sync moves history.db to the new epoch. */
				events_reply_free(&r);
				break;
			}
			store_events(n, &h, &ss, have_ss, &r);
			cursor = (int64_t)r.cursor;
			bool gap = r.gap;
			events_reply_free(&r);
			if (gap)
				break; /* events were lost: the launch sync fills the hole by vector */
		}
	}
	client_close(&cl);
out:
	if (have_ss)
		syncstore_close(&ss);
	history_close(&h);
	return NULL;
}

/* Makes the conversation asked for with /new. */
static void
make_conversation(struct net *n, struct client *cl, struct history *h, const char *title,
    char **members, size_t nm)
{
	struct conversation c = {0};
	struct err e = {0};
	int rc = client_new_conversation(cl, title, members, nm, &c, &e);
	if (rc == 0)
		rc = history_put_convs(h, &c, 1, &e);
	pthread_mutex_lock(&n->mu);
	if (rc == 0) {
		free(n->news.opened);
		n->news.opened = xstrdup(c.id);
		n->news.all = true;
	} else {
		free(n->news.error);
		n->news.error = xasprintf("cannot create \"%s\": %s", title, e.msg);
	}
	wake(n);
	pthread_mutex_unlock(&n->mu);
	conversation_free(&c);
}

/* The sender thread: delivers the outbox and runs /new, when asked. */
static void *
sender_main(void *arg)
{
	struct net *n = arg;
	struct history h;
	struct client cl;
	struct err e = {0};

	if (history_open(&h, n->history_path, &e) < 0)
		return NULL;
	if (open_client(n, &cl, &e) < 0) {
		history_close(&h);
		return NULL;
	}
	bool pending = false; /* sends stayed queued: try again in a while */
	pthread_mutex_lock(&n->mu);
	while (!n->stop) {
		if (!n->flush && n->new_title == NULL && n->mreq == NULL) {
			if (!pending) {
				pthread_cond_wait(&n->cv, &n->mu);
				continue;
			}
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += RESEND_S;
			if (pthread_cond_timedwait(&n->cv, &n->mu, &ts) == ETIMEDOUT)
				n->flush = true;
			continue;
		}
		char *title = n->new_title;
		char **members = n->new_members;
		size_t nm = n->new_n;
		struct net_member_req *mreq = n->mreq;
		n->mreq = NULL;
		bool flush = n->flush;
		n->new_title = NULL;
		n->new_members = NULL;
		n->new_n = 0;
		n->flush = false;
		pthread_mutex_unlock(&n->mu);

		if (title) {
			make_conversation(n, &cl, &h, title, members, nm);
			free(title);
			for (size_t i = 0; i < nm; i++)
				free(members[i]);
			free(members);
		}
		if (mreq) {
			net_members_run(n, &cl, &h, mreq);
			net_member_req_free(mreq);
			wake(n);
			pthread_mutex_lock(&n->mu);
			flush |= n->flush;
			n->flush = false;
			pthread_mutex_unlock(&n->mu);
		}
		if (flush) {
			struct outbox_report r = {0};
			memset(&e, 0, sizeof(e));
			int rc = outbox_flush(&cl, &h, &r, &e);
			size_t queued = count_queued(&h), reads;
			/* Then what was read here, for the other devices. */
			if (rc == 0)
				rc = readmark_flush(&cl, &h, &reads, &e);
			pending = rc < 0 && (queued > 0 || readmark_pending(&h));
			pthread_mutex_lock(&n->mu);
			n->news.all = true;
			n->news.queued = queued;
			if (r.dropped > 0) {
				free(n->news.error);
				n->news.error = xasprintf("%zu message%s not delivered: %s",
				    r.dropped, r.dropped == 1 ? "" : "s", r.first_drop.msg);
			}
			if (rc < 0 && !n->stop) {
				n->news.state = NET_OFFLINE;
				snprintf(n->news.status, sizeof(n->news.status), "%s", e.msg);
			}
			wake(n);
			pthread_mutex_unlock(&n->mu);
		}
		pthread_mutex_lock(&n->mu);
	}
	pthread_mutex_unlock(&n->mu);
	client_close(&cl);
	history_close(&h);
	return NULL;
}

/* Starts the two threads. */
int
net_start(struct net *n, const struct ctx *c, struct err *e)
{
	memset(n, 0, sizeof(*n));
	if (pipe(n->pipe) < 0)
		return err_set(e, ERR_SYSTEM, "cannot create a pipe: %s", strerror(errno));
	for (int i = 0; i < 2; i++) {
		fcntl(n->pipe[i], F_SETFL, fcntl(n->pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(n->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	n->server = xstrdup(c->server);
	n->cacert = c->cl.http.cacert ? xstrdup(c->cl.http.cacert) : NULL;
	n->insecure_http = c->cl.http.insecure_http;
	n->user = xstrdup(c->cred->user);
	n->token = xstrdup(c->cred->token);
	n->history_path = xstrdup(c->paths.history_db);
	n->sync_path = xstrdup(c->paths.sync_db);
	n->verbose = c->verbose;
	n->news.state = NET_CONNECTING;
	if (pthread_create(&n->events, NULL, events_main, n) != 0)
		return err_set(e, ERR_SYSTEM, "cannot start the network thread");
	if (pthread_create(&n->sender, NULL, sender_main, n) != 0) {
		net_stop(n);
		return err_set(e, ERR_SYSTEM, "cannot start the network thread");
	}
	n->started = true;
	return 0;
}

/* Stops the threads and frees everything. */
void
net_stop(struct net *n)
{
	pthread_mutex_lock(&n->mu);
	n->stop = true;
	n->abort = 1;
	pthread_cond_broadcast(&n->cv);
	pthread_mutex_unlock(&n->mu);
	pthread_join(n->events, NULL);
	if (n->started)
		pthread_join(n->sender, NULL);
	pthread_mutex_destroy(&n->mu);
	pthread_cond_destroy(&n->cv);
	close(n->pipe[0]);
	close(n->pipe[1]);
	net_news_free(&n->news);
	free(n->older);
	net_member_req_free(n->mreq);
	free(n->new_title);
	for (size_t i = 0; i < n->new_n; i++)
		free(n->new_members[i]);
	free(n->new_members);
	free(n->server);
	free(n->cacert);
	free(n->user);
	free(n->token);
	free(n->history_path);
	free(n->sync_path);
	memset(n, 0, sizeof(*n));
}

/* Moves the waiting news to out. */
void
net_take(struct net *n, struct net_news *out)
{
	char drain[64];
	while (read(n->pipe[0], drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&n->mu);
	*out = n->news;
	memset(&n->news, 0, sizeof(n->news));
	n->news.state = out->state;
	n->news.queued = out->queued;
	n->news.filling = out->filling;
	pthread_mutex_unlock(&n->mu);
}

/* Frees what net_take handed out. */
void
net_news_free(struct net_news *nw)
{
	for (size_t i = 0; i < nw->nconvs; i++)
		free(nw->convs[i]);
	free(nw->convs);
	for (size_t i = 0; i < nw->nfresh; i++)
		free(nw->fresh[i]);
	free(nw->fresh);
	for (size_t i = 0; i < nw->nnamed; i++)
		free(nw->named[i]);
	free(nw->named);
	nw->fresh = nw->named = NULL;
	nw->nfresh = nw->nnamed = 0;
	free(nw->opened);
	free(nw->error);
	free(nw->notice);
	nw->convs = NULL;
	nw->nconvs = 0;
	nw->opened = nw->error = nw->notice = NULL;
}

/* Asks the sender thread to deliver the outbox. */
void
net_flush(struct net *n)
{
	pthread_mutex_lock(&n->mu);
	n->flush = true;
	pthread_cond_broadcast(&n->cv);
	pthread_mutex_unlock(&n->mu);
}

/* Asks for conv's next older window before the next round of the fill. */
void
net_older(struct net *n, const char *conv)
{
	pthread_mutex_lock(&n->mu);
	free(n->older);
	n->older = xstrdup(conv);
	pthread_mutex_unlock(&n->mu);
}

/* Asks the sender thread to create a conversation. */
void
net_new_conversation(struct net *n, const char *title, char *const *members, size_t nm)
{
	pthread_mutex_lock(&n->mu);
	free(n->new_title);
	for (size_t i = 0; i < n->new_n; i++)
		free(n->new_members[i]);
	free(n->new_members);
	n->new_title = xstrdup(title);
	n->new_members = xreallocarray(NULL, nm + 1, sizeof(char *));
	for (size_t i = 0; i < nm; i++)
		n->new_members[i] = xstrdup(members[i]);
	n->new_n = nm;
	pthread_cond_broadcast(&n->cv);
	pthread_mutex_unlock(&n->mu);
}
