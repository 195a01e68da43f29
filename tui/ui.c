/*
 * The chat interface: its state (struct ui, shared by screen.c, window.c,
 * input.c and action.c), the set-up, and the loop that waits on the
 * keyboard and on net.c's news, draws, and indexes for /search when idle.
 * The first screen is painted from history.db before any network call;
 * net.c fills in the rest while the user types.
 */
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "natter.h"
#include "text.h"

/* Messages indexed for /search per idle turn of the loop (a few ms). */
#define INDEX_BATCH 500

struct ui ui;

static volatile sig_atomic_t got_winch, got_term;

/* Signal handlers only set flags; the main loop acts on them. */
static void
on_winch(int sig)
{
	(void)sig;
	got_winch = 1;
}

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

/* Applies what the network threads report. */
static void
apply_news(void)
{
	struct net_news nw;
	net_take(&ui.net, &nw);
	if (nw.state != ui.state || nw.status[0])
		snprintf(ui.note, sizeof(ui.note), "%s", nw.status);
	ui.state = nw.state;
	ui.queued = nw.queued;
	ui.filling = nw.filling;
	if (nw.state == NET_ONLINE)
		ui.was_online = true;
	if (nw.launched) {
		ui.launched = true;
		ui.report = nw.report;
		if (!ui.split_done)
			window_split_launch();
	}
	bool reload = nw.all;
	for (size_t i = 0; i < nw.nconvs; i++) {
		if (ui.cur && strcmp(nw.convs[i], ui.cur) == 0)
			reload = true;
	}
	if (reload || nw.nconvs > 0)
		window_load_convs();
	/* Marks in the list: only news from others, not what was held already. */
	for (size_t i = 0; i < nw.nfresh; i++) {
		size_t k = window_conv_index(nw.fresh[i]);
		if (k != SIZE_MAX && (!ui.cur || strcmp(nw.fresh[i], ui.cur) != 0))
			ui.activity[k] = true;
	}
	for (size_t i = 0; i < nw.nnamed; i++) {
		size_t k = window_conv_index(nw.named[i]);
		if (k != SIZE_MAX && (!ui.cur || strcmp(nw.named[i], ui.cur) != 0))
			ui.mentioned[k] = true;
	}
	if (nw.launched)
		window_scan_mentions(); /* what named the user while natter was closed */
	if (ui.cur == NULL && ui.nconvs > 0)
		window_switch(window_first());
	else if (reload) {
		/*
		 * Keep the reader's place when scrolled up: count what came after
		 * the newest message shown (older history filled in is above).
		 */
		size_t before = ui.view.n;
		int64_t last = before > 0 ? ui.view.msgs[before - 1]->ts : INT64_MIN;
		size_t keep = ui.scroll;
		window_update();
		size_t below = 0;
		while (below < ui.view.n && ui.view.msgs[ui.view.n - 1 - below]->ts > last)
			below++;
		if (keep > 0 && ui.view.n > before)
			keep += below < ui.view.n - before ? below : ui.view.n - before;
		ui.scroll = keep;
		window_mark_seen();
	}
	if (nw.opened || nw.error) {
		free(ui.creating); /* the /new is answered either way */
		ui.creating = NULL;
	}
	if (nw.opened) {
		window_load_convs();
		window_switch(nw.opened);
	}
	if (nw.error)
		window_notice("%s", nw.error);
	else if (nw.notice)
		window_notice("%s", nw.notice);
	net_news_free(&nw);
	ui.index_behind = ui.search.open;
	ui.dirty = true;
}

/* Checks there is a server and a login, with advice a newcomer can follow. */
static int
check_setup(struct ctx *c, struct err *e)
{
	if (ctx_open(c, true, e) == 0)
		return 0;
	if (e->kind == ERR_AUTH || c->server == NULL) {
		char was[sizeof(e->msg)];
		snprintf(was, sizeof(was), "%s", e->msg);
		return err_set(e, e->kind ? e->kind : ERR_AUTH,
		    "%s\n"
		    "To start:  natter -s URL register NAME   (a new account), or\n"
		    "           natter -s URL login NAME      (an existing one), then run natter.\n"
		    "To try natter on this machine: make run   (a local demo server and a bot)",
		    was);
	}
	return -1;
}

/*
 * True when natter runs in a tmux or screen session that no terminal is
 * attached to. Both set the owner's execute bit of their socket while a
 * client is attached (tmux: to any session of that server).
 */
static bool
detached(void)
{
	const char *tmux = getenv("TMUX"), *sty = getenv("STY");
	char *sock = NULL;
	if (tmux && *tmux)
		sock = xasprintf("%.*s", (int)strcspn(tmux, ","), tmux);
	else if (sty && *sty) {
		const char *dir = getenv("SCREENDIR");
		const char *user = getenv("USER");
		sock = dir ? xasprintf("%s/%s", dir, sty)
			   : xasprintf("/run/screen/S-%s/%s", user ? user : "", sty);
	}
	struct stat st;
	bool gone = sock && stat(sock, &st) == 0 && !(st.st_mode & S_IXUSR);
	free(sock);
	return gone;
}

/* Frees the list of muted conversations. */
static void
muted_free(void)
{
	for (size_t i = 0; i < ui.nmuted; i++)
		free(ui.muted[i]);
	free(ui.muted);
	ui.muted = NULL;
	ui.nmuted = 0;
}

/* Rereads the muted conversations every second: mutes made anywhere, timed ones ending. */
static void
refresh_muted(void)
{
	int64_t now = mono_ms();
	if (!ui.have_ss || (ui.muted_at && now - ui.muted_at < 1000))
		return;
	ui.muted_at = now;
	char **v;
	size_t n;
	struct err e = {0};
	if (syncstore_muted_list(&ui.ss, &v, &n, &e) < 0)
		return;
	bool same = n == ui.nmuted;
	for (size_t i = 0; i < n && same; i++)
		same = strcmp(v[i], ui.muted[i]) == 0;
	muted_free();
	ui.muted = v;
	ui.nmuted = n;
	if (!same)
		ui.dirty = true;
}

bool
ui_is_muted(const char *conv)
{
	for (size_t i = 0; i < ui.nmuted; i++)
		if (strcmp(ui.muted[i], conv) == 0)
			return true;
	return false;
}

/* Waits on the keyboard and on net.c's news until the user quits. */
static void
loop(void)
{
	struct pollfd fds[2] = {
	    {.fd = STDIN_FILENO, .events = POLLIN},
	    {.fd = ui.net.pipe[0], .events = POLLIN},
	};
	while (!ui.quit && !got_term) {
		if (ui.dirty)
			screen_draw();
		/* Idle time goes to the search index while it is behind. */
		int rc = poll(fds, 2, ui.index_behind ? 0 : SYNCSTORE_FOCUS_HEARTBEAT_MS / 2);
		if (rc == 0 && ui.index_behind) {
			struct err ie = {0};
			ui.index_behind =
			    search_index(&ui.search, ui.hist, INDEX_BATCH, &ie) == INDEX_BATCH;
		}
		if (rc < 0 && errno != EINTR)
			break;
		if (got_winch) {
			got_winch = 0;
			screen_resize();
		}
		if (rc > 0 && (fds[0].revents & (POLLIN | POLLHUP))) {
			bool away = mono_ms() - ui.input_at > READ_IDLE_MS;
			ui.input_at = mono_ms();
			input_read();
			if (away)
				window_mark_seen(); /* back: what is shown is read now */
		}
		if (rc > 0 && (fds[1].revents & POLLIN))
			apply_news();
		if (fds[0].revents & (POLLHUP | POLLERR))
			break;
		bool was = ui.detached;
		ui.detached = detached();
		if (was && !ui.detached)
			window_mark_seen();
		window_heartbeat(was != ui.detached);
		refresh_muted();
	}
}

/* Closes the stores the interface opened and frees its state. */
static void
ui_free(void)
{
	struct err e = {0};
	if (ui.have_ss) {
		syncstore_clear_focus(&ui.ss, &e);
		syncstore_close(&ui.ss);
	}
	search_close(&ui.search);
	view_free(&ui.view);
	edit_free(&ui.edit);
	complete_free(&ui.comp);
	conversations_free(ui.convs, ui.nconvs);
	free(ui.activity);
	free(ui.mentioned);
	free(ui.creating);
	for (size_t i = 0; i < ui.nshown; i++)
		free(ui.shown[i]);
	free(ui.shown);
	free(ui.cur);
	for (size_t i = 0; i < ui.nnotices; i++) {
		free(ui.notices[i].conv);
		free(ui.notices[i].text);
	}
	free(ui.notices);
	muted_free();
	buf_free(&ui.paste);
	message_free(&ui.anchor);
	free(ui.last_search);
	free(ui.launch_conv);
	vector_free(&ui.launch_held);
	vector_free(&ui.launch_store);
}

/* Runs the interface until the user quits. */
int
ui_run(struct ctx *c, struct err *e)
{
	if (check_setup(c, e) < 0)
		return -1;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return err_set(e, ERR_USAGE,
		    "the interactive interface needs a terminal; "
		    "see natter --help for the commands");
	/* --open CONV (a notification's "Open"): only what is here, before any paint. */
	char *open_id = NULL;
	if (c->open_flag && history_resolve_conv(&c->hist, c->open_flag, &open_id, e) < 0)
		return -1;
	memset(&ui, 0, sizeof(ui));
	ui.ctx = c;
	ui.hist = &c->hist;
	ui.me = c->cred->user;
	ui.state = NET_CONNECTING;
	view_init(&ui.view, 0);
	edit_init(&ui.edit, 0);
	complete_init(&ui.comp);
	struct err se = {0};

	struct sigaction sa = {0};
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/* Colours and keys first: screen_start sets the colours up. */
	options_load();
	/* make run's word on the demo (server, password, data): on the first screen. */
	const char *greeting = getenv("NATTER_GREETING");
	if (greeting && *greeting) {
		char *g = text_sanitize(greeting, strlen(greeting), 0);
		window_notice("%s", g);
		free(g);
	}
	/* The first paint: only history.db, no network yet. */
	setlocale(LC_ALL, "");
	if (screen_start(e) < 0)
		return -1;
	window_load_convs();
	ui.fresh = true;
	for (size_t i = 0; i < ui.nconvs; i++)
		ui.fresh = ui.fresh && ui.convs[i].messages == 0;
	if (ui.nconvs > 0)
		window_switch(open_id ? open_id : window_first());
	window_scan_mentions();
	free(open_id);
	screen_draw();
	/* Only now the writes: read position, ledger and focus row. */
	ui.have_ss = syncstore_open(&ui.ss, c->paths.sync_db, 0, &se) == 0;
	char *index_path = xasprintf("%s/search.db", c->paths.data_dir);
	ui.index_behind = search_open(&ui.search, index_path, &se) == 0;
	free(index_path);
	ui.painted = true;
	ui.detached = detached();
	ui.input_at = mono_ms(); /* opening natter is being there */
	refresh_muted();
	window_mark_seen();
	window_heartbeat(true);

	window_before_launch();
	if (net_start(&ui.net, c, e) < 0) {
		screen_stop();
		return -1;
	}
	loop();
	screen_stop();
	net_stop(&ui.net);
	ui_free();
	return 0;
}
