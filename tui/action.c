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

/* /help: the commands and the keys, or one command. */
static void
run_help(const struct command *c)
{
	const char *which = c->text;
	if (which) {
		const struct command_info *ci = command_lookup(which, strlen(which));
		if (ci == NULL) {
			window_notice("no command /%s: /help lists them", which);
			return;
		}
		window_notice("%s: %s", ci->usage, ci->help);
		return;
	}
	struct buf b = {0};
	buf_puts(&b, "Commands:");
	for (size_t i = 0; i < command_count; i++)
		buf_printf(&b, "\n  %-22s %s", command_table[i].usage, command_table[i].help);
	buf_puts(&b,
	    "\nKeys: Enter sends; Tab completes names and commands; Up/Down recall "
	    "what you typed; PageUp/PageDown or the mouse wheel scroll; C-n/C-p or M-1..M-9 "
	    "switch conversations; C-a C-e C-b C-f M-b M-f move; C-w C-u C-k cut, C-y "
	    "pastes back; C-l redraws; C-c or /quit leaves.");
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

/* /go: switches by name, an id, a title, or a list number. */
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
	struct err e = {0};
	char *id = NULL;
	if (history_resolve_conv(ui.hist, name, &id, &e) == 0) {
		window_switch(id);
		free(id);
		return;
	}
	/* Then a unique title prefix, ignoring case. */
	size_t found = SIZE_MAX, n = 0;
	for (size_t i = 0; i < ui.nconvs; i++) {
		if (strncasecmp(ui.convs[i].title, name, strlen(name)) == 0) {
			found = i;
			n++;
		}
	}
	if (n == 1)
		window_switch(ui.convs[found].id);
	else
		window_notice("%s", n > 1 ? "several conversations match: be more precise" : e.msg);
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
	if (ui.last_search && strcmp(ui.last_search, text) == 0) {
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
	if (rc == 0) {
		window_notice(ui.search_skip ? "no older message contains \"%s\""
					     : "no message contains \"%s\"",
		    text);
		ui.search_skip = 0;
		return;
	}
	window_switch(hit.conv);
	window_anchor(&hit, true);
	snprintf(ui.note, sizeof(ui.note),
	    "match %zu of %zu: /search again for an older one, PageDown to return",
	    ui.search_skip + 1, total);
}

/* /new: asks the server for a conversation; net.c answers with news. */
static void
run_new(const struct command *c)
{
	net_new_conversation(&ui.net, c->argv[0], c->argv + 1, c->argc - 1);
	snprintf(ui.note, sizeof(ui.note), "creating %s...", c->argv[0]);
}

/* /quit: leaves the loop. */
static void
run_quit(const struct command *c)
{
	(void)c;
	ui.quit = true;
}

const struct command_info command_table[] = {
    {"go", COMMAND_ARGS_REQUIRED, "/go NAME",
	"switch to the conversation whose title or id starts with NAME", CMD_GO, run_go},
    {"help", COMMAND_ARGS_COMMAND, "/help [COMMAND]",
	"list the commands and keys, or explain one command", CMD_HELP, run_help},
    {"invite", COMMAND_ARGS_REQUIRED, "/invite USER...",
	"add members to this conversation (creator and admins; strangers are invited)", CMD_INVITE,
	run_invite},
    {"kick", COMMAND_ARGS_REQUIRED, "/kick USER...",
	"remove members from this conversation (creator and admins)", CMD_KICK, run_invite},
    {"msg", COMMAND_ARGS_REQUIRED, "/msg USER [TEXT]",
	"open the direct conversation with USER, sending TEXT", CMD_MSG, run_msg},
    {"mute", COMMAND_ARGS_OPTIONAL, "/mute [NAME]", "stop desktop notifications for a conversation",
	CMD_MUTE, run_mute},
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
	"search the history; Enter on a result jumps to it", CMD_SEARCH, run_search},
    {"topic", COMMAND_ARGS_REQUIRED, "/topic TITLE", "the same as /rename", CMD_TOPIC, run_topic},
    {"unmute", COMMAND_ARGS_OPTIONAL, "/unmute [NAME]", "notify again for a conversation",
	CMD_UNMUTE, run_mute},
};
const size_t command_count = nitems(command_table);

/* Acts on a line the user entered. */
void
action_enter(const char *line)
{
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
