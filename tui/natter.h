/*
 * natter, the chat client: its one program header, with the prototypes
 * shared by its modules grouped by module (as catgirl's chat.h). The pure
 * modules (edit, wrap, view, timeline, complete, command, width, color)
 * keep their own headers. main.c parses the global flags and dispatches to
 * a scriptable command (cli.c) or to the interface (ui.c and the modules
 * after it); net.c and search.c do the interface's network and search work
 * and know nothing of its screen.
 */
#ifndef NATTER_NATTER_H
#define NATTER_NATTER_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <wchar.h>

#include "client.h"
#include "color.h"
#include "complete.h"
#include "config.h"
#include "creds.h"
#include "edit.h"
#include "history.h"
#include "keymap.h"
#include "launch.h"
#include "paths.h"
#include "syncstore.h"
#include "timeline.h"
#include "util.h"
#include "view.h"

/* What every command works with: flags, config, credentials, stores, session. */
struct ctx {
	const char *server_flag; /* -s URL */
	const char *data_flag; /* -D DIR */
	bool verbose; /* -v */
	const char *open_flag; /* --open CONV: the interface starts on it */
	const char *cacert_flag; /* --cacert FILE */
	bool insecure_flag; /* --insecure-http */
	struct paths paths;
	struct config cfg;
	struct creds creds;
	bool setup; /* paths, config and credentials loaded */
	char *server; /* the server in use (normalised), or NULL */
	const struct cred *cred; /* the login saved for server, or NULL */
	struct history hist;
	bool hist_open;
	struct client cl;
	bool cl_open;
	bool flushed; /* the outbox was flushed this run */
	int recent; /* sync --recent N: only the newest N of each conversation (0: all) */
};
/* The getopt values of the long options without a letter (main.c, cli.c). */
enum { OPT_CACERT = 256, OPT_INSECURE_HTTP };

/* session.c: the context of a run, shared by the commands and the interface. */
struct launch_report;
/* Loads paths, config and credentials and picks the server. */
int ctx_setup(struct ctx *c, struct err *e);
/* Opens history.db and checks it belongs to the logged-in user; needs a login. */
int ctx_open(struct ctx *c, bool need_login, struct err *e);
void ctx_free(struct ctx *c);
/* Fails with a usage error when no server was picked. */
int ctx_need_server(struct ctx *c, struct err *e);
/*
 * Applies the config's HTTP settings, the CA bundle, the plain-http
 * permission and -v to the open client; refuses plain http:// beyond
 * loopback (http_check_transport) before anything is sent.
 */
int ctx_tune_http(struct ctx *c, struct err *e);
/* Delivers what waits in the outbox, once per run, after the server answered. */
void ctx_reached(struct ctx *c);
/* Finds a conversation by id or title, asking the server when it is not known here. */
int ctx_resolve(struct ctx *c, const char *name, bool offline_ok, char **id, struct err *e);
/* ctx_resolve, with the invitations too when invited (accept, decline). */
int ctx_resolve_in(
    struct ctx *c, const char *name, bool invited, bool offline_ok, char **id, struct err *e);
/* Runs the launch sync (with the notifier's sync.db when there is one). */
int ctx_sync(struct ctx *c, struct launch_report *r, struct err *e);

/* prompt.c */
/* Reads a password from NATTER_PASSWORD or from the terminal without echo. */
char *prompt_password(const char *prompt, struct err *e);
/* The same from the environment variable var (NATTER_NEW_PASSWORD: passwd). */
char *prompt_secret(const char *var, const char *prompt, struct err *e);
/* Wipes and frees a password (NULL is fine). */
void prompt_password_free(char *p);

/* output.c: what the commands print, as text for people or JSON for scripts. */
struct outbox_report;
void output_convs(const struct conversation *v, size_t n, bool json);
struct folded;
/* How output_messages prints: text with date lines, ISO 8601 timestamps, or JSON. */
enum output_format { OUTPUT_TEXT, OUTPUT_ISO, OUTPUT_JSON };
/* Messages as log shows them; folded (f[i] for v[i], core/fold.h) unless f is NULL. */
void output_messages(
    const struct message *v, const struct folded *f, size_t n, enum output_format fmt);
void output_sync(const struct launch_report *r, bool json);
/* Says on stderr which queued messages the server refused for good. */
void output_drops(const struct outbox_report *r);

/* cli.c: the scriptable commands, driven by a table as tmux's cmd.c is. */
struct cmd;
/* One command: the table in cli.c lists them all. */
struct cmd_entry {
	const char *name;
	const char *usage; /* the usage line, after "natter " */
	const char *help; /* one line for --help */
	struct {
		/*
		 * Its own options, as getopt letters: j --json, l --lines,
		 * n: -n/--lines N, a --all, F: --format, S: --since, U: --until,
		 * I: --invite CODE.
		 */
		const char *template;
		int lower, upper; /* how many operands; upper -1: no limit */
	} args;
	bool setup_first; /* loads the set-up before the operands are counted */
	bool options_anywhere; /* options may also follow an operand */
	int (*exec)(struct cmd *self, struct ctx *c, struct err *e);
};
/* One run of a command: its entry, options and operands. */
struct cmd {
	const struct cmd_entry *entry;
	bool json; /* -j, --json */
	bool lines; /* -l, --lines */
	bool all; /* -a, --all */
	size_t limit; /* -n N; SIZE_MAX without it */
	const char *duration; /* --for DURATION (mute) */
	bool remove; /* --remove (react) */
	const char *format; /* --format text|iso|json (log) */
	const char *since, *until; /* --since WHEN, --until WHEN (log) */
	const char *invite; /* --invite CODE (register) */
	int argc; /* the operands */
	char **argv;
};
/* The commands, in the order --help lists them; NULL ends it. */
extern const struct cmd_entry *const cli_table[];
/* Runs a command by name; returns 0, or -1 with e set; *found says if it exists. */
int cli_run(struct ctx *c, const char *name, int argc, char *argv[], bool *found, struct err *e);
/* Prints the list of commands. */
void cli_usage(FILE *f);
/* Fails with the command's usage line. */
int cmd_usage(const struct cmd *self, struct err *e);

/* cmd-account.c, cmd-conv.c, cmd-message.c, cmd-read.c, cmd-sync.c: the commands. */
extern const struct cmd_entry cmd_register_entry;
extern const struct cmd_entry cmd_login_entry;
extern const struct cmd_entry cmd_logout_entry;
extern const struct cmd_entry cmd_passwd_entry;
extern const struct cmd_entry cmd_new_entry;
extern const struct cmd_entry cmd_conversations_entry;
extern const struct cmd_entry cmd_send_entry;
extern const struct cmd_entry cmd_sync_entry;
extern const struct cmd_entry cmd_log_entry;
/* cmd-item.c: edit, delete, reply, react (docs/protocol.md, "Items") */
extern const struct cmd_entry cmd_edit_entry;
extern const struct cmd_entry cmd_delete_entry;
extern const struct cmd_entry cmd_reply_entry;
extern const struct cmd_entry cmd_react_entry;
/* cmd-message.c: what cmd-item.c shares */
/* Checks a message body: not empty, at most 16384 bytes, valid UTF-8 without NUL. */
int check_body(const char *s, size_t len, struct err *e);
/* Queues an item for conversation id and delivers the outbox (as send does). */
int cmd_send_item(struct ctx *c, const char *id, const struct message *it, struct err *e);
extern const struct cmd_entry cmd_read_entry;
/* cmd-notify.c */
extern const struct cmd_entry cmd_mute_entry;
extern const struct cmd_entry cmd_unmute_entry;
extern const struct cmd_entry cmd_dnd_entry;
/* cmd-members.c */
extern const struct cmd_entry cmd_dm_entry;
extern const struct cmd_entry cmd_add_entry;
extern const struct cmd_entry cmd_remove_entry;
extern const struct cmd_entry cmd_admin_entry;
extern const struct cmd_entry cmd_leave_entry;
extern const struct cmd_entry cmd_accept_entry;
extern const struct cmd_entry cmd_decline_entry;
extern const struct cmd_entry cmd_rename_entry;
extern const struct cmd_entry cmd_block_entry;
extern const struct cmd_entry cmd_unblock_entry;

/* action-members.c: /msg, /query, /part, /invite, /kick, /topic, /rename */
struct command;
void run_msg(const struct command *c);
void run_part(const struct command *c);
void run_invite(const struct command *c);
void run_topic(const struct command *c);
/* False, with a notice saying why, when the user left conv or is only invited to it. */
bool member_may_send(const char *conv);

/* net.c: the launch sync, live events and sends, on two threads */
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
	char **fresh; /* of them, those with messages from others new to history.db */
	size_t nfresh;
	char **named; /* of those, the ones where a new message names the user */
	size_t nnamed;
	bool launched; /* the launch sync finished: report is set */
	struct launch_report report;
	char *opened; /* a conversation /new created, to switch to */
	char *error; /* a request that failed (e.g. /new), in words */
	char *notice; /* a membership request done, in words */
	size_t queued; /* sends waiting in the outbox */
	bool filling; /* older history is still being fetched (kept across net_take) */
};

/* A membership request of the interface (net-members.c). */
struct net_member_req {
	enum { NET_DM, NET_INVITE, NET_KICK, NET_PART, NET_TOPIC } kind;
	char *conv; /* the conversation (all but NET_DM) */
	char **args; /* user names */
	size_t n;
	char *text; /* NET_DM: a first message, or NULL; NET_TOPIC: the title */
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
	char *older; /* a PageUp's conversation, whose older window goes first; under mu */
	struct net_member_req *mreq; /* a membership request waiting, under mu */
	struct net_news news; /* under mu */
	char *server, *user, *token, *history_path, *sync_path;
	char *cacert; /* the CA bundle of ctx's client, or NULL */
	bool insecure_http; /* ctx's client was allowed plain http */
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
/* Asks for conv's next older window before the background fill goes on. */
void net_older(struct net *n, const char *conv);
/* net-members.c: queues a membership request (taking it); the answer comes as news. */
void net_members(struct net *n, struct net_member_req *r);
void net_member_req_free(struct net_member_req *r);
/* Runs one on the sender thread. */
void net_members_run(struct net *n, struct client *cl, struct history *h, struct net_member_req *r);

/* search.c: /search over an FTS5 index of history.db */
struct search {
	struct db db;
	bool open;
	int64_t indexed; /* history row ids up to this one are in the index */
	int64_t erasures; /* history.db's erasure count when the index was (re)started */
};
/* Opens (creating) the search index at path, normally DATA/search.db. */
int search_open(struct search *s, const char *path, struct err *e);
void search_close(struct search *s);
/*
 * Drops the index when history.db erased text since it was started (a
 * deleted message: its words must leave search.db too), to be rebuilt from
 * the start; search_index does it first. Returns 1 when dropped, 0, -1.
 */
int search_purge(struct search *s, struct history *h, struct err *e);
/* Purges DATA's search.db when it exists (the command line's runs): 0 or -1. */
int search_purge_file(const char *data_dir, struct history *h, struct err *e);
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

/* ui.c: the interface's state, its set-up and its loop */
/* The whole state of the interface, shared by ui.c and the modules below it. */
/* No key for this long: the user is away, and what arrives stays unread. */
#define READ_IDLE_MS (5 * 60 * 1000)

/* What the keys act on: the input line, or a selected message (select.c). */
enum ui_mode {
	MODE_NONE, /* typing a message */
	MODE_SELECT, /* a message is selected: e, d, r, + act on it */
	MODE_DELETE, /* asking whether to delete the selected message */
	MODE_EDIT, /* the input line is the selected message's new text */
	MODE_REPLY, /* the input line is a reply to it */
	MODE_REACT, /* the input line is a reaction to it */
};

/* The message an operation acts on. */
struct ui_target {
	char *sender;
	uint64_t seq;
	char *text; /* its text when chosen, for the mode line */
	bool own;
};

struct ui {
	struct ctx *ctx;
	struct history *hist;
	struct syncstore ss;
	bool have_ss;
	struct net net;
	const char *me;
	struct conversation *convs;
	size_t nconvs;
	bool *activity; /* per conversation: news since it was last shown */
	bool *mentioned; /* per conversation: news that names the user since it was last shown */
	char *cur; /* id of the conversation shown, or NULL */
	struct view view;
	uint64_t held; /* the conversation's message count when the window was read */
	size_t scroll;
	int64_t marker_first; /* history id of the first unread message, or 0 */
	int64_t marker_after; /* or: of the last message read before them, or 0 */
	int64_t marker_until; /* the newest message counted as new, 0 until the launch ends */
	bool marker_launch; /* the conversation shown at launch: say where news came from */
	/* Where the launch's news for the conversation first shown came from. */
	char *launch_conv;
	struct vector launch_held, launch_store; /* its vectors before the launch */
	bool split_done;
	uint64_t from_store, from_server;
	struct message anchor; /* the last message of the window (id 0: follow the newest) */
	bool anchor_hit; /* the anchor is a search hit */
	char *last_search; /* to find the next older hit with /search again */
	size_t search_skip;
	size_t match, matches; /* the hit shown is match of matches (status line) */
	char *creating; /* the title a /new waits for, or NULL */
	bool fresh; /* history.db held no message at launch: nobody "left" */
	char **shown; /* the conversations shown in this run */
	size_t nshown;
	struct edit edit;
	enum ui_mode mode;
	int64_t sel; /* history id of the selected message, 0 for none */
	struct ui_target target;
	struct complete comp;
	bool dirty; /* the screen needs drawing */
	bool quit;
	bool pasting;
	struct buf paste;
	enum net_state state;
	bool was_online; /* a later connecting is a reconnecting */
	bool painted; /* the first screen is up: stores may be written */
	struct search search;
	bool index_behind; /* messages wait to enter the search index */
	size_t queued;
	char note[512]; /* a transient line for the status bar */
	struct launch_report report;
	bool launched;
	bool filling; /* older history is still being fetched */
	int64_t focus_at;
	int64_t input_at; /* the last key or click (mono ms): the user is there */
	bool detached; /* in a tmux or screen session no terminal is attached to */
	char **muted; /* conversations muted now (sync.db), sorted */
	size_t nmuted;
	int64_t muted_at; /* when muted was read */
	struct theme theme; /* color.* options */
	struct keymap keys; /* key.* options */
	/* Local notices (help, errors): kept apart from history, merged by time. */
	struct notice *notices;
	size_t nnotices;
};
extern struct ui ui;

/*
 * Runs the chat interface until the user quits: first paint from history.db,
 * then the launch sync, live events and sends in the background. Needs a
 * server and a saved login (it explains what to do otherwise). Returns 0, or
 * -1 with e set before the screen was taken.
 */
int ui_run(struct ctx *c, struct err *e);

/* screen.c: curses set-up, layout and drawing of the list, window, status and input */
/* Key codes for bracketed paste (curses codes: expand only where curses.h is included). */
#define KEY_PASTE_START (KEY_MAX + 1)
#define KEY_PASTE_END (KEY_MAX + 2)
#define KEY_WORD_LEFT (KEY_MAX + 3) /* C-Left */
#define KEY_WORD_RIGHT (KEY_MAX + 4) /* C-Right */
#define KEY_CONV_PREV (KEY_MAX + 5) /* M-Left */
#define KEY_CONV_NEXT (KEY_MAX + 6) /* M-Right */
/* Takes the terminal: colours, keys, bracketed paste, mouse wheel, windows. */
int screen_start(struct err *e);
/* Gives the terminal back. */
void screen_stop(void);
/* Takes the terminal's new size after SIGWINCH and lays the windows out again. */
void screen_resize(void);
/* Draws everything and clears ui.dirty. */
void screen_draw(void);
/* Repaints the whole terminal on the next draw (C-l). */
void screen_repaint(void);
/* Reads a waiting key: OK (a character), KEY_CODE_YES (a function key) or ERR. */
int screen_key(wint_t *c);
/* The conversation at screen cell (y, x) of the list, or SIZE_MAX. */
size_t screen_list_at(int y, int x);
/* The size of the message window; false when it has no room at all. */
bool screen_window_size(size_t *height, size_t *width);
/* Sets the colour pairs from ui.theme (at start, and after /set color.*). */
void screen_theme(void);

/* window.c: the conversation list, switching, the message window, marker and scrolling */
/* The index of conversation id in the list, or SIZE_MAX. */
size_t window_conv_index(const char *id);
/* The conversation shown, or NULL. */
struct conversation *window_current(void);
/* Adds a local notice to the current conversation's window. */
void window_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reloads the conversation list from history.db, keeping activity marks. */
void window_load_convs(void);
/* Reads the window of the current conversation from history.db anew. */
void window_load(void);
/* Brings the window up to date: merges the new rows and sends, or reads it anew. */
void window_update(void);
/* Shows conversation id, with the unread marker where its unread messages start. */
void window_switch(const char *id);
/* The conversation to open first: the one with the newest message, or NULL. */
const char *window_first(void);
/* Switches to the conversation delta places away in the list. */
void window_cycle(int delta);
/* Scrolls the window by delta rows (positive: back in time), paging older ones in. */
void window_scroll(long delta);
/* Marks what the window shows as read in history.db and as shown in sync.db. */
void window_mark_seen(void);
/* Refreshes the focus row so the notifier stays quiet for what is on screen. */
void window_heartbeat(bool force);
/* ui.c: true when conv is muted (the list's marker). */
bool ui_is_muted(const char *conv);
/* Records the state of the conversation on screen before the launch sync. */
void window_before_launch(void);
/* Splits what the launch added to it: from the notifier's store or the server. */
void window_split_launch(void);
/* Shows the window anchored at message a (a search hit when hit); takes a. */
void window_anchor(struct message *a, bool hit);
/* Leaves a search hit or older messages: the window follows the newest again. */
void window_follow(void);
/* Marks @ the conversations whose unread messages name the user (at launch). */
void window_scan_mentions(void);
/* Takes the current conversation's notices out of its window (/clear). */
void window_clear_notices(void);
/* Hides conversation id from the list until something new arrives in it (/close). */
int window_close(const char *id, struct err *e);
/* Puts a closed conversation back in the list. */
void window_reopen(const char *id);

/* input.c: keys, paste, meta and function keys */
/* Reads every key waiting on the terminal and acts on it. */
void input_read(void);

/* options.c: color.* and key.* from the config file, and /set */
/* Reads them into ui.theme and ui.keys; a bad value is a notice naming its line. */
void options_load(void);
/* /set: lists the options (name NULL), shows one (value NULL), or changes and saves one. */
void options_set(const char *name, const char *value);

/* action.c: what Enter does, and the /commands from their table */
/* Acts on a line the user entered: sends it, or runs the /command. */
void action_enter(const char *line);

/* select.c: selecting a message, and editing, deleting, replying to and reacting to it */
/* The reactions offered by number while reacting (1 to 6). */
extern const char *const select_common[6];
/* Selects the newest message (M-s). */
void select_start(void);
/* Leaves the selection or the edit, reply or reaction being typed; clears the line. */
void select_cancel(void);
/* Handles a key while a message is selected; returns false when it is not the selection's. */
bool select_key(wint_t c, bool function);
/* Up on an empty input line: edits the newest own message; false when there is none. */
bool select_edit_last(void);
/* Enter in the edit, reply and reaction modes: acts on line; false in the other modes. */
bool select_enter(const char *line);
/* Sends an action (/me TEXT) to the conversation shown. */
void select_action(const char *text);
/* Re-finds the selection after the window was read again (it may be gone). */
void select_refresh(void);
/* The mode line (what the keys do now) as a new string, or NULL when typing a message. */
char *select_mode_line(void);
/* The prompt of the input line: "> ", or "edit> ", "reply> ", "react> ". */
const char *select_prompt(void);

#endif
