/*
 * What Enter does with the input line: a message goes to the outbox, a
 * /command runs its handler. command_table is the one list of /commands:
 * name, arguments, usage, help and handler (the parser in command.c, /help
 * and Tab completion read it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "natter.h"
#include "text.h"

/* Columns of a notice's "HH:MM -!- " before its text. */
#define NOTICE_PREFIX 10
/* The widest left column of the /help table. */
#define HELP_LEFT 19

/* The keys /help lists, with what they do. */
static const char *const help_keys[][2] = {
    {"Enter", "send the line"},
    {"Tab, S-Tab", "complete names (@name), commands, conversations after /go"},
    {"Up, Down", "recall what you typed; Up on an empty line edits your last message"},
    {"PageUp, PageDown", "scroll; the mouse wheel too"},
    {"C-n, C-p, M-1..M-9", "switch conversations; or click one in the list"},
    {"M-Left, M-Right", "the previous, the next conversation"},
    {"C-a, C-e", "go to the start, the end of the line"},
    {"C-b, C-f", "move back, forward a character"},
    {"M-b, M-f", "move back, forward a word; C-Left, C-Right too"},
    {"C-w, M-d", "cut the word before, after the cursor"},
    {"C-u, C-k", "cut to the start, to the end of the line"},
    {"C-y", "paste back what was cut"},
    {"M-s", "select the newest message; Up, Down (or k, j) move the selection"},
    {"e, d, r, +", "on a selected message: edit, delete (y confirms), reply, react"},
    {"1-6", "after +: a common reaction; or type one and Enter (again takes it back)"},
    {"Esc", "leave the selection"},
    {"F1, ?", "this help (? on an empty line)"},
    {"C-l", "redraw the screen"},
    {"C-c", "leave natter"},
};

/* Appends the words of text to b, wrapped at width, each new row indented by col. */
static void
help_words(struct buf *b, const char *text, size_t at, size_t col, size_t width)
{
	const char *p = text;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (at > col && at + 1 + n > width) {
			buf_printf(b, "\n%*s", (int)col, "");
			at = col;
		} else if (at > col) {
			buf_puts(b, " ");
			at++;
		}
		buf_append(b, p, n);
		at += n;
		p += n;
		while (*p == ' ')
			p++;
	}
}

/*
 * Appends one row of the /help table: left in its column, right wrapped
 * under the description column; on a narrow window, right goes under left.
 */
static void
help_row(struct buf *b, const char *left, const char *right, size_t width)
{
	size_t col = 2 + HELP_LEFT + 1;
	bool table = width >= col + 20;
	if (!table)
		col = 4;
	buf_printf(b, "\n  %s", left);
	size_t at = 2 + strlen(left);
	if (!table || at + 1 > col) {
		buf_printf(b, "\n%*s", (int)col, "");
		at = col;
	} else {
		buf_printf(b, "%*s", (int)(col - at), "");
		at = col;
	}
	help_words(b, right, at, col, width);
}

/* Appends a paragraph of the help, indented under its heading. */
static void
help_para(struct buf *b, const char *text, size_t width)
{
	buf_puts(b, "\n  ");
	help_words(b, text, 2, 2, width);
}

/* /help: the commands and the keys, or one command. */
static void
run_help(const struct command *c)
{
	const char *which = c->text;
	if (which) {
		const struct command_info *ci = command_lookup(which, strlen(which));
		if (ci == NULL) {
			char *msg = command_unknown(which, strlen(which));
			window_notice("%s", msg);
			free(msg);
			return;
		}
		window_notice("%s: %s", ci->usage, ci->help);
		return;
	}
	/* Laid out for the window as it is: each row fits, so none wraps back. */
	size_t h, w = 80;
	if (!screen_window_size(&h, &w))
		w = 80;
	size_t width = w > NOTICE_PREFIX + 10 ? w - NOTICE_PREFIX : 10;
	struct buf b = {0};
	buf_puts(&b, "Commands:");
	for (size_t i = 0; i < command_count; i++)
		help_row(&b, command_table[i].usage, command_table[i].help, width);
	buf_puts(&b, "\nKeys:");
	for (size_t i = 0; i < nitems(help_keys); i++)
		help_row(&b, help_keys[i][0], help_keys[i][1], width);
	buf_puts(&b, "\nThe list:");
	help_row(&b, "+", "new messages since you looked", width);
	help_row(&b, "@", "a new message names you", width);
	help_row(&b, "~", "muted: no desktop notifications", width);
	help_row(&b, "?", "an invitation: natter accept or decline", width);
	help_row(&b, "-", "a conversation you left", width);
	help_row(&b, "a number", "how many are unread", width);
	buf_puts(&b, "\nThis natter:");
	help_para(&b,
	    "The config file's key.* and color.* options change keys and colours: /set lists them.",
	    width);
	char *me = xasprintf("You are %s at %s; data in %s; config in %s.", ui.me, ui.ctx->server,
	    ui.ctx->paths.data_dir, ui.ctx->cfg.path ? ui.ctx->cfg.path : "(none)");
	help_para(&b, me, width);
	free(me);
	const char *greeting = getenv("NATTER_GREETING");
	if (greeting && *greeting) {
		char *g = text_sanitize(greeting, strlen(greeting), 0);
		help_para(&b, g, width);
		free(g);
	}
	window_notice("%s", b.data);
	buf_free(&b);
}

/* Sends text to the current conversation through the outbox. */
static void
say(const char *text)
{
	struct err e = {0};
	if (ui.cur == NULL) {
		window_notice(
		    "no conversation open: /new TITLE MEMBER... starts one, /go NAME opens one");
		return;
	}
	if (!text_acceptable(text, strlen(text))) {
		window_notice("that message holds characters that cannot be sent");
		return;
	}
	if (!member_may_send(ui.cur))
		return;
	struct outbox_item it = {0};
	if (history_outbox_add(ui.hist, ui.cur, text, &it, &e) < 0) {
		window_notice("not sent: %s", e.msg);
		return;
	}
	outbox_item_free(&it);
	ui.queued++;
	net_flush(&ui.net);
	window_update();
	ui.scroll = 0;
}

/* /me: an action, drawn "* me TEXT". */
static void
run_me(const struct command *c)
{
	if (ui.cur == NULL) {
		window_notice("no conversation open: /go NAME opens one");
		return;
	}
	select_action(c->text);
}

/* Lists conversations v[0..n) (list indexes) for the user to pick one by number. */
static void
pick_one(const char *name, const size_t *v, size_t n)
{
	struct buf b = {0};
	buf_printf(&b, "%zu conversations match \"%s\"; pick one by its number:", n, name);
	for (size_t k = 0; k < n; k++) {
		const struct conversation *cv = &ui.convs[v[k]];
		buf_printf(&b, "\n  /go %zu   %s (", v[k] + 1, cv->title);
		size_t shown = 0;
		for (size_t m = 0; m < cv->nmembers; m++) {
			if (strcmp(cv->members[m], ui.me) == 0)
				continue;
			buf_printf(&b, "%s%s", shown++ ? ", " : "with ", cv->members[m]);
		}
		buf_printf(&b, "%sid %s)", shown ? "; " : "", cv->id);
	}
	window_notice("%s", b.data);
	buf_free(&b);
}

/* /go: switches by list number, id, title, or title prefix; lists them when several match. */
static void
run_go(const struct command *c)
{
	const char *name = c->text;
	char *end;
	unsigned long k = strtoul(name, &end, 10);
	if (*end == '\0' && k >= 1 && k <= ui.nconvs) {
		window_switch(ui.convs[k - 1].id);
		return;
	}
	if (history_has_conv(ui.hist, name)) {
		window_reopen(name);
		window_switch(name);
		return;
	}
	/* The titles equal to name (ignoring case), else those starting with it. */
	size_t *found = xcalloc(ui.nconvs + 1, sizeof(*found));
	size_t n = 0;
	for (size_t i = 0; i < ui.nconvs; i++) {
		if (strcasecmp(ui.convs[i].title, name) == 0)
			found[n++] = i;
	}
	for (size_t i = 0; n == 0 && i < ui.nconvs; i++) {
		if (strncasecmp(ui.convs[i].title, name, strlen(name)) == 0)
			found[n++] = i;
	}
	if (n == 1) {
		window_switch(ui.convs[found[0]].id);
	} else if (n > 1) {
		pick_one(name, found, n);
	} else {
		/* A closed conversation is not in the list: its title brings it back. */
		struct err e = {0};
		char *id = NULL;
		if (history_resolve_conv(ui.hist, name, &id, &e) == 0) {
			window_reopen(id);
			window_switch(id);
		} else if (e.kind == ERR_USAGE) {
			window_notice(
			    "several closed conversations are titled \"%s\": /go ID", name);
		} else {
			window_notice(
			    "no conversation \"%s\": the list shows yours; /new starts one", name);
		}
		free(id);
	}
	free(found);
}

/* /mute and /unmute: notifications of a conversation, through sync.db. */
static void
run_mute(const struct command *c)
{
	const char *name = c->text;
	bool on = c->kind == CMD_MUTE;
	struct err e = {0};
	char *id = NULL;
	if (name && history_resolve_conv(ui.hist, name, &id, &e) < 0) {
		window_notice("%s", e.msg);
		return;
	}
	const char *conv = id ? id : ui.cur;
	if (conv == NULL || !ui.have_ss) {
		window_notice(
		    "%s", conv ? "the sync store is not available" : "no conversation open");
	} else if (syncstore_set_muted(&ui.ss, conv, on, &e) < 0) {
		window_notice("%s", e.msg);
	} else {
		size_t i = window_conv_index(conv);
		window_notice("%s %s: %s", on ? "muted" : "unmuted",
		    i != SIZE_MAX ? ui.convs[i].title : conv,
		    on ? "no desktop notifications" : "desktop notifications again");
	}
	free(id);
}

/* /search: jumps to the newest message holding text, or to the next older one when repeated. */
static void
run_search(const struct command *c)
{
	const char *text = c->text;
	struct err e = {0};
	bool again = ui.last_search && strcmp(ui.last_search, text) == 0 && ui.anchor_hit &&
	    ui.anchor.id != 0;
	if (again) {
		ui.search_skip++;
	} else {
		free(ui.last_search);
		ui.last_search = xstrdup(text);
		ui.search_skip = 0;
	}
	struct message hit;
	size_t total;
	int rc = search_messages(&ui.search, ui.hist, text, ui.search_skip, &hit, &total, &e);
	if (rc < 0) {
		window_notice("%s", e.msg);
		return;
	}
	if (rc == 0 && again) {
		/* The last hit stays on screen: this is only about older ones. */
		ui.search_skip--;
		snprintf(ui.note, sizeof(ui.note), "no older message contains \"%s\"", text);
		return;
	}
	if (rc == 0) {
		window_notice("no message contains \"%s\"", text);
		ui.search_skip = 0;
		return;
	}
	window_switch(hit.conv);
	window_anchor(&hit, true);
	ui.match = ui.search_skip + 1;
	ui.matches = total;
	ui.note[0] = '\0';
}

/* /new: asks the server for a conversation; net.c answers with news. */
static void
run_new(const struct command *c)
{
	net_new_conversation(&ui.net, c->argv[0], c->argv + 1, c->argc - 1);
	free(ui.creating);
	ui.creating = xstrdup(c->argv[0]);
}

/* /clear: takes the notices (help, errors) out of the conversation's window. */
static void
run_clear(const struct command *c)
{
	(void)c;
	window_clear_notices();
}

/* /close: hides a conversation from the list until something new arrives in it. */
static void
run_close(const struct command *c)
{
	const char *name = c->text;
	struct err e = {0};
	char *id = NULL;
	if (name && history_resolve_conv(ui.hist, name, &id, &e) < 0) {
		window_notice("%s", e.msg);
		return;
	}
	const char *conv = id ? id : ui.cur;
	if (conv == NULL)
		window_notice("no conversation open");
	else if (window_close(conv, &e) < 0)
		window_notice("%s", e.msg);
	free(id);
}

/* /set [NAME [VALUE]]: the config file's options, at run time. */
static void
run_set(const struct command *c)
{
	if (c->text == NULL) {
		options_set(NULL, NULL);
		return;
	}
	size_t n = strcspn(c->text, " \t");
	char *name = xstrndup(c->text, n);
	const char *value = c->text + n;
	value += strspn(value, " \t");
	options_set(name, *value ? value : NULL);
	free(name);
}

/* /names: who is in the conversation shown. */
static void
run_names(const struct command *c)
{
	(void)c;
	struct conversation *cv = window_current();
	if (cv == NULL) {
		window_notice("no conversation open: /go NAME opens one");
		return;
	}
	struct buf b = {0};
	for (size_t i = 0; i < cv->nmembers; i++) {
		char *who = text_sanitize(cv->members[i], strlen(cv->members[i]), 0);
		buf_printf(&b, "%s%s%s", i ? ", " : "", who,
		    strcmp(cv->members[i], ui.me) == 0 ? " (you)" : "");
		free(who);
	}
	char *title = text_sanitize(cv->title, strlen(cv->title), 0);
	/* The protocol has no presence: say so rather than show everyone as away. */
	window_notice("%s: %zu member%s: %s (the server does not say who is online)", title,
	    cv->nmembers, cv->nmembers == 1 ? "" : "s", b.data ? b.data : "");
	free(title);
	buf_free(&b);
}

/* /quit: leaves the loop. */
static void
run_quit(const struct command *c)
{
	(void)c;
	ui.quit = true;
}

const struct command_info command_table[] = {
    {"clear", COMMAND_ARGS_OPTIONAL, "/clear", "take the notices (help, errors) out of this window",
	CMD_CLEAR, run_clear},
    {"close", COMMAND_ARGS_OPTIONAL, "/close [NAME]",
	"hide a conversation from the list until something new arrives in it", CMD_CLOSE,
	run_close},
    {"go", COMMAND_ARGS_REQUIRED, "/go NAME|N",
	"switch to a conversation by title (or its start), id or list number", CMD_GO, run_go},
    {"help", COMMAND_ARGS_COMMAND, "/help [COMMAND]",
	"list the commands and keys, or explain one command", CMD_HELP, run_help},
    {"invite", COMMAND_ARGS_REQUIRED, "/invite USER...",
	"add members to this conversation (creator and admins; strangers are invited)", CMD_INVITE,
	run_invite},
    {"kick", COMMAND_ARGS_REQUIRED, "/kick USER...",
	"remove members from this conversation (creator and admins)", CMD_KICK, run_invite},
    {"me", COMMAND_ARGS_REQUIRED, "/me TEXT", "send an action, shown as \"* you TEXT\"", CMD_ME,
	run_me},
    {"msg", COMMAND_ARGS_REQUIRED, "/msg USER [TEXT]",
	"open the direct conversation with USER, sending TEXT", CMD_MSG, run_msg},
    {"mute", COMMAND_ARGS_OPTIONAL, "/mute [NAME]", "stop desktop notifications for a conversation",
	CMD_MUTE, run_mute},
    {"names", COMMAND_ARGS_OPTIONAL, "/names", "list the members of the conversation shown",
	CMD_NAMES, run_names},
    {"new", COMMAND_ARGS_NEW, "/new TITLE MEMBER...",
	"start a conversation (quote a TITLE with spaces: /new \"Lunch plans\" bob)", CMD_NEW,
	run_new},
    {"part", COMMAND_ARGS_OPTIONAL, "/part [NAME]",
	"leave a conversation (this one by default); what you hold stays", CMD_PART, run_part},
    {"query", COMMAND_ARGS_REQUIRED, "/query USER", "open the direct conversation with USER",
	CMD_QUERY, run_msg},
    {"quit", COMMAND_ARGS_OPTIONAL, "/quit", "leave natter", CMD_QUIT, run_quit},
    {"rename", COMMAND_ARGS_REQUIRED, "/rename TITLE", "give this conversation a new title",
	CMD_TOPIC, run_topic},
    {"search", COMMAND_ARGS_REQUIRED, "/search TEXT",
	"show the newest message holding TEXT; again for an older one, PageDown returns",
	CMD_SEARCH, run_search},
    {"set", COMMAND_ARGS_OPTIONAL, "/set [NAME [VALUE]]",
	"list the options, show one, or change one (saved in the config file)", CMD_SET, run_set},
    {"topic", COMMAND_ARGS_REQUIRED, "/topic TITLE", "the same as /rename", CMD_TOPIC, run_topic},
    {"unmute", COMMAND_ARGS_OPTIONAL, "/unmute [NAME]", "notify again for a conversation",
	CMD_UNMUTE, run_mute},
};
const size_t command_count = nitems(command_table);

/* Acts on a line the user entered. */
void
action_enter(const char *line)
{
	if (select_enter(line)) {
		ui.dirty = true;
		return;
	}
	struct command c;
	command_parse(line, &c);
	if (c.kind == CMD_SAY)
		say(c.text);
	else if (c.kind == CMD_ERROR)
		window_notice("%s", c.text);
	else if (c.info)
		c.info->run(&c);
	command_free(&c);
	ui.dirty = true;
}
