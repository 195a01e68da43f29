/*
 * The interactive interface of natter (ui.c) and the network work behind it
 * (net.c): main.c calls ui_run when no command is given.
 */
#ifndef NATTER_UI_H
#define NATTER_UI_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "history.h"
#include "launch.h"
#include "natter.h"

/* ui.c */
/*
 * Runs the chat interface until the user quits: first paint from history.db,
 * then the launch sync, live events and sends in the background. Needs a
 * server and a saved login (it explains what to do otherwise). Returns 0, or
 * -1 with e set before the screen was taken.
 */
int ui_run(struct ctx *c, struct err *e);

/* net.c */
enum net_state {
	NET_CONNECTING, /* the launch sync is running */
	NET_ONLINE, /* listening for events */
	NET_OFFLINE, /* the server cannot be reached; retrying */
	NET_REFUSED, /* the server refused the login */
};

/* What changed since the last net_take, for the interface to show. */
struct net_news {
	enum net_state state;
	char status[512]; /* the last problem or result, in words; "" for none */
	bool all; /* reload everything (after a sync) */
	char **convs; /* conversations with new messages */
	size_t nconvs;
	bool launched; /* the launch sync finished: report is set */
	struct launch_report report;
	char *opened; /* a conversation /new created, to switch to */
	char *error; /* a request that failed (e.g. /new), in words */
	size_t queued; /* sends waiting in the outbox */
};

struct net {
	pthread_t events, sender;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pipe[2]; /* a byte is written when news is waiting */
	volatile sig_atomic_t abort; /* stops transfers on exit */
	bool stop, flush; /* under mu */
	char *new_title; /* a /new request, under mu */
	char **new_members;
	size_t new_n;
	struct net_news news; /* under mu */
	char *server, *user, *token, *history_path, *sync_path;
	bool verbose;
};

/* Starts the background threads for the session of c. */
int net_start(struct net *n, const struct ctx *c, struct err *e);
/* Stops them (aborting any transfer) and frees everything. */
void net_stop(struct net *n);
/* Moves the news into out (the caller frees it with net_news_free). */
void net_take(struct net *n, struct net_news *out);
void net_news_free(struct net_news *nw);
/* Asks for the outbox to be delivered now. */
void net_flush(struct net *n);
/* Asks for a new conversation; the answer comes as news (opened or error). */
void net_new_conversation(struct net *n, const char *title, char *const *members, size_t nm);

/* search.c */
struct search {
	struct db db;
	bool open;
	int64_t indexed; /* history row ids up to this one are in the index */
};
/* Opens (creating) the search index at path, normally DATA/search.db. */
int search_open(struct search *s, const char *path, struct err *e);
void search_close(struct search *s);
/* Indexes up to max more messages of h; returns how many (0: up to date), or -1. */
int search_index(struct search *s, struct history *h, size_t max, struct err *e);
/* The FTS5 query for what the user typed: each word a quoted prefix; NULL for none. */
char *search_query(const char *text);
/*
 * Finds the skip-th newest message (0 for the newest) matching text, in every
 * conversation: by the index s when it is open and nearly up to date (it is
 * caught up first), else by a LIKE over h. Returns 1 and fills out (free
 * out->m with msg_free) and *total (how many match), 0 when none, -1 on error.
 */
int search_messages(struct search *s, struct history *h, const char *text, size_t skip,
    struct message *out, size_t *total, struct err *e);

#endif
