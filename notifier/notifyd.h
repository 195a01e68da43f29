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

/* coalesce.c: live notifications, one per conversation, updated in place. */
#define LINES_MAX 3 /* lines of the newest messages a note shows */
#define SENDERS_MAX 3 /* names in a summary before "…" */
#define SUMMARY_AFTER 3 /* more live conversations than this: a summary note too */

enum urgency { URGENCY_LOW, URGENCY_NORMAL, URGENCY_CRITICAL };

enum note_kind {
	NOTE_CONV, /* one conversation's live note */
	NOTE_SUMMARY, /* "natter: 57 new in 6 conversations" */
	NOTE_PROBLEM, /* missed messages, a refused login */
};

struct note {
	enum note_kind kind;
	char *conv; /* NOTE_CONV only */
	char *title; /* the conversation's title (or id), sanitised */
	char *sender; /* of the newest message, sanitised */
	char *summary; /* sanitised and truncated, not escaped */
	char *body; /* sanitised (newlines kept) and truncated, not escaped */
	size_t count; /* messages it stands for */
	enum urgency urgency;
	bool quiet; /* popped up a moment ago: update without sound */
};

struct note_list {
	struct note *v;
	size_t n, cap;
};

/* What one conversation's live note shows. */
struct live {
	char *conv;
	struct marks newest; /* per sender, the highest seq it stands for */
	size_t count; /* messages since it opened, missed ones included */
	size_t missed; /* of which lost in an events gap */
	char *senders[SENDERS_MAX]; /* in order of first message */
	size_t nsenders;
	bool more_senders;
	char *last_sender; /* of the newest message */
	char *lines[LINES_MAX]; /* "sender: text", oldest first, sanitised */
	struct mark keys[LINES_MAX]; /* the message of each line (sender, seq) */
	size_t nlines;
	bool quiet_next; /* an edit or deletion changed it: update without popping up */
	enum urgency urgency; /* the highest of its messages */
	int64_t touched_ms; /* last message */
	int64_t popped_ms; /* last time it popped up (not quiet); 0 never */
	bool dirty; /* changed since the last coalesce_take */
};

struct coalescer {
	struct live *v;
	size_t n;
	int64_t quiet_ms; /* a note popped up less than this ago updates quietly */
	int64_t fresh_ms; /* > 0: a note untouched this long starts afresh */
	int64_t summary_popped_ms;
	bool summary_dirty;
	bool missed_unknown; /* a gap of unknown size: say so once */
};

/* Returns the title of conv, or NULL when unknown. */
typedef const char *title_fn(void *arg, const char *conv);

/*
 * quiet_ms: the rate limit of popping up; fresh_ms: for backends that never
 * hear of a closed note, how long without a message ends a note (0: never).
 */
void coalesce_init(struct coalescer *c, int64_t quiet_ms, int64_t fresh_ms);
void coalesce_free(struct coalescer *c);
/* Adds messages to their conversations' live notes; u[i] (or low when NULL) per message. */
void coalesce_add(
    struct coalescer *c, const struct message *m, const enum urgency *u, size_t n, int64_t now);
/* n messages of conv are known to be missing; conv NULL or n 0: an unknown number. */
void coalesce_missed(struct coalescer *c, const char *conv, size_t n, int64_t now);
/* The user closed conv's note (NULL: the summary): the next message starts afresh. */
void coalesce_closed(struct coalescer *c, const char *conv);
/*
 * conv was read up to `read` (on any device): when that covers every
 * message its live note stands for, the note is forgotten and true returned
 * (the caller withdraws it from the desktop).
 */
bool coalesce_read(struct coalescer *c, const char *conv, const struct marks *read);
/* What an edit or a delete did to the live notes (coalesce_item). */
enum coalesce_change {
	COALESCE_NONE, /* no live note shows its target */
	COALESCE_UPDATED, /* a line changed or went: the note is re-rendered quietly */
	COALESCE_EMPTIED, /* its only line went: the caller withdraws the note */
};
/*
 * An edit replaces the text of the line of its target in a live note; a
 * delete takes that line out (docs/protocol.md, "Items"). Other items
 * change nothing.
 */
enum coalesce_change coalesce_item(struct coalescer *c, const struct message *it);
/*
 * Appends to out a note for each conversation changed since the last call,
 * then the summary when more than SUMMARY_AFTER are live, then a problem
 * note for a gap of unknown size. Summary "bob in proj" for one message,
 * "bob, carol in proj (12)" for more; body the last LINES_MAX lines.
 */
void coalesce_take(
    struct coalescer *c, int64_t now, title_fn *title, void *arg, struct note_list *out);
void note_list_free(struct note_list *l);

/* notify.c: how notes are shown. */
enum backend {
	BACKEND_AUTO,
	BACKEND_LIBNOTIFY,
	BACKEND_STDOUT,
	BACKEND_NONE,
	BACKEND_EXEC,
};

/* A note on the desktop (libnotify): its object, until the user closes it. */
struct shown {
	enum note_kind kind;
	char *conv; /* NOTE_CONV only */
	void *obj; /* NotifyNotification */
	unsigned long handler; /* of its "closed" signal */
	bool closed; /* the desktop said so; dropped at the next notify_drain */
};

struct notifier {
	enum backend kind; /* never BACKEND_AUTO once opened */
	struct shown **shown;
	size_t nshown;
	int64_t created, replaced, closed; /* counts, said with -v */
	char *exec; /* BACKEND_EXEC: the program */
	bool markup; /* the notification server advertises body-markup */
	bool can_act; /* and actions */
	struct actions *actions; /* the "Open" action, once a note was shown */
	bool inited; /* libnotify initialised */
	bool failing; /* the last libnotify attempt failed (said once) */
	long timeout_ms; /* expiry asked of the notification server; -1 default */
	int64_t quiet_ms; /* notify.quiet: the coalescer's rate limit */
	enum urgency mention_urgency; /* notify.mention_urgency: mentions, direct conversations */
	bool mention_unmutes; /* notify.mention_unmutes: they break through a mute */
	char **open_argv; /* notify.open split on blanks; the conversation is appended */
	char **read_argv; /* notify.mark_read, the same way */
	size_t children; /* exec children not reaped yet */
};

/* Parses auto|libnotify|stdout|none|exec. */
int backend_parse(const char *name, enum backend *out, struct err *e);
const char *backend_name(enum backend b);
/* Opens the backend; BACKEND_AUTO picks libnotify when a service is on the bus. */
int notify_open(struct notifier *n, enum backend want, const char *exec, struct err *e);
/* Shows one note; failures are said once on stderr, never fatal. */
void notify_show(struct notifier *n, const struct note *note);
/*
 * Runs what the desktop sent (closed notes) and tells c, so that the next
 * message of a closed conversation starts a fresh note.
 */
void notify_drain(struct notifier *n, struct coalescer *c);
/* Takes conv's note off the desktop (libnotify; others cannot). */
void notify_withdraw(struct notifier *n, const char *conv);
/* True when the backend hears when the user closes a note (libnotify). */
bool notify_hears_closed(const struct notifier *n);
/* Moves the notes on screen from old to fresh (SIGHUP) when both use libnotify. */
void notify_adopt(struct notifier *fresh, struct notifier *old);
/* Reaps finished exec children without waiting. */
void notify_reap(struct notifier *n);
void notify_close(struct notifier *n);
/* The line the stdout backend prints: "SUMMARY: BODY", one line. */
char *notify_line(const struct note *note);

/* actions.c (libnotify only): the "Open" action, answered on a thread of its own. */
struct actions;
/*
 * Starts answering the actions of our notes: the default one (Open) with
 * open + conversation, "read" (Mark read) with read + conversation; NULL when
 * neither is set.
 */
struct actions *actions_start(char *const *open, char *const *read);
/* Note id (the server's) now stands for conv. */
void actions_bind(struct actions *a, unsigned id, const char *conv);
void actions_stop(struct actions *a);

/* listen.c: the events loop. */
struct notifyd {
	char *url; /* normalised server URL */
	char *user; /* whose token we use */
	char *origin; /* syncstore_origin(url, user) */
	struct http http;
	struct syncstore store;
	struct notifier notifier;
	struct coalescer co; /* the live notes */
	bool verbose;
	int poll_s; /* long-poll timeout asked of the server */
	volatile sig_atomic_t *stop; /* SIGTERM/SIGINT */
	volatile sig_atomic_t *hup; /* SIGHUP: reread the config */
	volatile sig_atomic_t *wake; /* either: stops a transfer or a wait */
	/* Rereads the config (called on SIGHUP from the loop). */
	void (*reload)(struct notifyd *d);
	int64_t convs_fetched_ms; /* last GET /v1/conversations, to ask rarely */
	struct convmarks *reads; /* read state, per conversation (readstate.c) */
	size_t nreads;
	char **blocked; /* the users the user blocks (invite.c) */
	size_t nblocked;
	int64_t blocks_fetched_ms; /* last GET /v1/blocks */
	int64_t blocks_changed; /* sync.db's "blocks" then */
};

/* invite.c: invitations and blocked users. */
/* One note "X invited you to T" for a new invitation (before it is stored). */
void invite_announce(struct notifyd *d, const struct conversation *c);
/* Asks the server for the blocked users, at most once a minute. */
void blocks_refresh(struct notifyd *d);
bool blocks_has(const struct notifyd *d, const char *name);
void blocks_free(struct notifyd *d);

/* readstate.c: what the user read on any device, so it is never announced. */
struct convmarks {
	char *conv;
	struct marks m;
};
/* conv was read up to m: remembered, and its note withdrawn when that covers it. */
void reads_apply(struct notifyd *d, const char *conv, const struct marks *m);
/* True when message m was already read. */
bool reads_covers(const struct notifyd *d, const struct message *m);
/*
 * Asks the server what changed since `since` (GET /v1/changes) for the read
 * marks of those conversations, before announcing what happened meanwhile.
 * A server without changes or read state leaves nothing known; never fatal.
 */
void reads_learn(struct notifyd *d, int64_t since);
void reads_free(struct notifyd *d);

/* Runs until *stop; returns 0, or -1 with e set on a fatal error. */
int listen_run(struct notifyd *d, struct err *e);
/*
 * epoch.c: sync.db to the server epoch of an answer (docs/protocol.md,
 * "Server epoch"): 0 the same (or recorded now), 1 moved after a restore
 * or reset (the answer is dropped; *cursor is where events resume, stored),
 * 2 the bases could not be asked (try again), -1.
 */
int listen_epoch(struct notifyd *d, const struct epoch *now, uint64_t answer_cursor,
    int64_t *cursor, struct err *e);
/*
 * Stores a batch (messages, then cursor and gap), then notifies. Exposed
 * for tests: m are the message events of one answer.
 */
int listen_batch(
    struct notifyd *d, const struct message *m, size_t n, int64_t cursor, bool gap, struct err *e);

#endif
