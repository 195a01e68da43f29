/*
 * natter-notifyd: listens to the server's event stream while natter is
 * closed, stores every message in sync.db and shows desktop notifications.
 */
#ifndef NATTER_NOTIFYD_H
#define NATTER_NOTIFYD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "http.h"
#include "syncstore.h"
#include "util.h"

/* What a notification shows at most, in characters. */
#define SUMMARY_MAX 80
#define TITLE_MAX 48
#define BODY_MAX 240

/* coalesce.c: a batch of messages becomes at most one note per conversation. */
struct note {
	char *conv;
	char *title; /* the conversation's title (or id), sanitised */
	char *sender; /* of the newest message, sanitised */
	char *summary; /* sanitised and truncated, not escaped */
	char *body; /* sanitised (newlines kept) and truncated, not escaped */
	size_t count; /* messages it stands for */
};

struct note_list {
	struct note *v;
	size_t n, cap;
};

/* Returns the title of conv, or NULL when unknown. */
typedef const char *title_fn(void *arg, const char *conv);

/*
 * Appends to out one note per conversation of m[0..n), in order of first
 * appearance: summary "bob in proj" for one message, "3 new messages in
 * proj" for more; body the newest message (prefixed "SENDER: " when the
 * note stands for several). Pure.
 */
void coalesce(const struct message *m, size_t n, title_fn *title, void *arg, struct note_list *out);
void note_list_free(struct note_list *l);

/* notify.c: how notes are shown. */
enum backend {
	BACKEND_AUTO,
	BACKEND_LIBNOTIFY,
	BACKEND_STDOUT,
	BACKEND_NONE,
	BACKEND_EXEC,
};

struct notifier {
	enum backend kind; /* never BACKEND_AUTO once opened */
	char *exec; /* BACKEND_EXEC: the program */
	bool markup; /* the notification server advertises body-markup */
	bool inited; /* libnotify initialised */
	bool failing; /* the last libnotify attempt failed (said once) */
	long timeout_ms; /* expiry asked of the notification server; -1 default */
	size_t children; /* exec children not reaped yet */
};

/* Parses auto|libnotify|stdout|none|exec. */
int backend_parse(const char *name, enum backend *out, struct err *e);
const char *backend_name(enum backend b);
/* Opens the backend; BACKEND_AUTO picks libnotify when a service is on the bus. */
int notify_open(struct notifier *n, enum backend want, const char *exec, struct err *e);
/* Shows one note; failures are said once on stderr, never fatal. */
void notify_show(struct notifier *n, const struct note *note);
/* Reaps finished exec children without waiting. */
void notify_reap(struct notifier *n);
void notify_close(struct notifier *n);
/* The line the stdout backend prints: "SUMMARY: BODY", one line. */
char *notify_line(const struct note *note);

/* listen.c: the events loop. */
struct notifyd {
	char *url; /* normalised server URL */
	char *user; /* whose token we use */
	char *origin; /* syncstore_origin(url, user) */
	struct http http;
	struct syncstore store;
	struct notifier notifier;
	bool verbose;
	int poll_s; /* long-poll timeout asked of the server */
	volatile sig_atomic_t *stop; /* SIGTERM/SIGINT */
	volatile sig_atomic_t *hup; /* SIGHUP: reread the config */
	volatile sig_atomic_t *wake; /* either: stops a transfer or a wait */
	/* Rereads the config (called on SIGHUP from the loop). */
	void (*reload)(struct notifyd *d);
	int64_t convs_fetched_ms; /* last GET /v1/conversations, to ask rarely */
};

/* Runs until *stop; returns 0, or -1 with e set on a fatal error. */
int listen_run(struct notifyd *d, struct err *e);
/*
 * Stores a batch (messages, then cursor and gap), then notifies. Exposed
 * for tests: m are the message events of one answer.
 */
int listen_batch(
    struct notifyd *d, const struct message *m, size_t n, int64_t cursor, bool gap, struct err *e);

#endif
