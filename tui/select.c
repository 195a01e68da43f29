/*
 * Operations on one message of the window: selecting it (M-s, then Up and
 * Down), editing, deleting (after a y), replying to and reacting to it, and
 * Up on an empty input line, which edits the newest own message. While a
 * mode is on, a mode line under the messages says what the keys do. The
 * operations are items queued in the outbox (docs/protocol.md, "Items").
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "fold.h"
#include "natter.h"
#include "text.h"

/* Characters of the target's text the mode line quotes. */
#define SNIPPET_CHARS 40
/* Bytes a reaction may hold (the protocol's limit). */
#define REACT_MAX 64

const char *const select_common[6] = {"👍", "😂", "🎉", "😮", "😢", "🔥"};

/* Forgets the target of an operation. */
static void
target_free(void)
{
	free(ui.target.sender);
	free(ui.target.text);
	memset(&ui.target, 0, sizeof(ui.target));
}

/* The first line of text, cut to a few words, as a new string. */
static char *
snippet(const char *text)
{
	size_t line = strcspn(text, "\n");
	char *first = xstrndup(text, line);
	char *cut = text_truncate(first, SNIPPET_CHARS);
	if (text[line] && strcmp(cut, first) == 0) {
		char *more = xasprintf("%s…", cut);
		free(cut);
		cut = more;
	}
	free(first);
	return cut;
}

/* The target's folded line from history (raw text, reactions); false when not held. */
static bool
target_fold(struct folded *out)
{
	struct message m;
	struct err e = {0};
	if (ui.cur == NULL || ui.target.sender == NULL ||
	    history_get(ui.hist, ui.cur, ui.target.sender, ui.target.seq, &m, &e) != 0)
		return false;
	struct folded *f = NULL;
	bool ok = history_fold(ui.hist, ui.cur, &m, 1, &f, &e) == 0;
	if (ok) {
		*out = f[0];
		free(f);
	}
	message_free(&m);
	return ok;
}

/* Marks message i as the selected one (SIZE_MAX: none) and scrolls it into sight. */
static void
mark(size_t i, bool scroll)
{
	for (size_t k = 0; k < ui.view.n; k++)
		ui.view.msgs[k]->flags &= ~VIEW_SELECTED;
	ui.dirty = true;
	if (i == SIZE_MAX) {
		ui.sel = 0;
		return;
	}
	ui.view.msgs[i]->flags |= VIEW_SELECTED;
	ui.sel = ui.view.msgs[i]->id;
	size_t h, w;
	if (scroll && screen_window_size(&h, &w))
		ui.scroll = view_scroll_to(&ui.view, i, w, h, ui.scroll);
}

/* The selected message of the window, or NULL. */
static struct view_msg *
selected(void)
{
	size_t i = view_find(&ui.view, ui.sel);
	return i == SIZE_MAX ? NULL : ui.view.msgs[i];
}

/* Makes the selected message the target of the operation about to be typed. */
static bool
take_target(void)
{
	struct view_msg *m = selected();
	if (m == NULL)
		return false;
	target_free();
	ui.target.sender = xstrdup(m->sender);
	ui.target.seq = m->seq;
	ui.target.text = view_msg_text(m);
	ui.target.own = (m->flags & VIEW_OWN) != 0;
	return true;
}

/* Selects the newest message. */
void
select_start(void)
{
	size_t i = view_select_newest(&ui.view);
	if (ui.cur == NULL || i == SIZE_MAX) {
		snprintf(ui.note, sizeof(ui.note), "no message to select here");
		return;
	}
	if (ui.mode != MODE_NONE)
		select_cancel();
	ui.mode = MODE_SELECT;
	mark(i, true);
	take_target();
}

/* Leaves the selection or the operation being typed. */
void
select_cancel(void)
{
	if (ui.mode == MODE_EDIT || ui.mode == MODE_REPLY || ui.mode == MODE_REACT)
		edit_clear(&ui.edit);
	ui.mode = MODE_NONE;
	mark(SIZE_MAX, false);
	target_free();
}

/* Moves the selection one message older (dir -1) or newer (1). */
static void
step(int dir)
{
	size_t i = view_select_step(&ui.view, view_find(&ui.view, ui.sel), dir);
	if (i == SIZE_MAX) {
		snprintf(ui.note, sizeof(ui.note), "%s",
		    dir < 0 ? "the oldest message loaded: PageUp loads older ones"
			    : "the newest message");
		return;
	}
	ui.note[0] = '\0';
	mark(i, true);
	take_target();
}

/* Starts typing an operation on the selected message. */
static void
begin(enum ui_mode mode)
{
	if (!take_target())
		return;
	if ((mode == MODE_EDIT || mode == MODE_DELETE) && !ui.target.own) {
		snprintf(ui.note, sizeof(ui.note), "only your own messages can be %s",
		    mode == MODE_EDIT ? "edited" : "deleted");
		return;
	}
	ui.note[0] = '\0';
	ui.mode = mode;
	if (mode == MODE_EDIT) {
		/* The text as it was sent (the window's is sanitised). */
		struct folded f = {0};
		if (target_fold(&f)) {
			if (f.text) {
				free(ui.target.text);
				ui.target.text = xstrdup(f.text);
			}
			fold_free(&f);
		}
		edit_clear(&ui.edit);
		edit_paste(&ui.edit, ui.target.text, strlen(ui.target.text));
	} else if (mode != MODE_DELETE) {
		edit_clear(&ui.edit);
	}
}

/* After an operation was queued: back to typing messages, at the newest. */
static void
done(void)
{
	select_cancel();
	ui.scroll = 0;
}

/*
 * Queues an item for the conversation shown, in the outbox with the text
 * messages (delivered in order): kind "edit", "delete", "react" or NULL (a
 * text message), on the target when target.
 */
static bool
post(const char *kind, const char *body, bool target, bool action, bool remove)
{
	if (ui.cur == NULL || (target && ui.target.sender == NULL))
		return false;
	struct message it = {.body = (char *)body,
	    .kind = (char *)kind,
	    .target_sender = target ? ui.target.sender : NULL,
	    .target_seq = target ? ui.target.seq : 0,
	    .action = action,
	    .remove = remove};
	struct err e = {0};
	if (history_outbox_add_item(ui.hist, ui.cur, &it, NULL, &e) < 0) {
		window_notice("not sent: %s", e.msg);
		return false;
	}
	ui.queued++;
	if (ui.net.started)
		net_flush(&ui.net);
	window_update();
	return true;
}

/* Queues an item acting on the target: kind "edit", "delete", "react", or NULL for a reply. */
static bool
queue(const char *kind, const char *body, bool remove)
{
	return post(kind, body, true, false, remove);
}

/* True when the user's reaction text is on the target now (reacting again takes it back). */
static bool
reacted(const char *text)
{
	struct folded f;
	if (!target_fold(&f))
		return false;
	bool found = false;
	for (size_t i = 0; i < f.nreactions && !found; i++) {
		if (strcmp(f.reactions[i].text, text) != 0)
			continue;
		for (size_t k = 0; k < f.reactions[i].n && !found; k++)
			found = strcmp(f.reactions[i].who[k], ui.me) == 0;
	}
	fold_free(&f);
	return found;
}

/* True when s is a reaction the protocol takes: 1 to 64 bytes, no space or control. */
static bool
valid_reaction(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > REACT_MAX || !text_acceptable(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];
		if (b <= ' ' || b == 0x7f)
			return false;
	}
	return true;
}

/* Enter while reacting: a number picks a common reaction. */
static void
enter_react(const char *text)
{
	if (text[0] >= '1' && text[0] <= '6' && text[1] == '\0')
		text = select_common[text[0] - '1'];
	if (!valid_reaction(text)) {
		snprintf(ui.note, sizeof(ui.note),
		    "a reaction is one emoji or word without spaces: 1 to 6 pick one");
		return;
	}
	bool again = reacted(text);
	if (queue("react", text, again)) {
		snprintf(ui.note, sizeof(ui.note), "%s %s", again ? "took back" : "reacted", text);
		done();
	}
}

/* Handles a key while a message is selected, a deletion waits for y, or a reaction for a number. */
bool
select_key(wint_t c, bool function)
{
	if (ui.mode == MODE_REACT) {
		/* On an empty line, a number picks a common reaction at once. */
		if (function || ui.edit.len > 0 || c < '1' || c > '6')
			return false;
		char pick[2] = {(char)c, '\0'};
		enter_react(pick);
		return true;
	}
	if (ui.mode == MODE_DELETE) {
		if (!function && (c == 'y' || c == 'Y')) {
			if (queue("delete", NULL, false))
				done();
			return true;
		}
		ui.mode = MODE_SELECT;
		snprintf(ui.note, sizeof(ui.note), "not deleted");
		return true;
	}
	if (ui.mode != MODE_SELECT)
		return false;
	if (function) {
		if (c == KEY_PASTE_START) {
			select_cancel(); /* a paste is a message being typed */
			return false;
		}
		if (c == KEY_UP)
			step(-1);
		else if (c == KEY_DOWN)
			step(1);
		else
			return false;
		return true;
	}
	switch (c) {
	case 'k':
		step(-1);
		return true;
	case 'j':
		step(1);
		return true;
	case 'e':
		begin(MODE_EDIT);
		return true;
	case 'd':
		begin(MODE_DELETE);
		return true;
	case 'r':
		begin(MODE_REPLY);
		return true;
	case '+':
		begin(MODE_REACT);
		return true;
	case 'q':
		select_cancel();
		return true;
	}
	/* Any other key leaves the selection and does what it does. */
	select_cancel();
	return false;
}

/* Edits the newest own message, when the line is empty and nothing is recalled. */
bool
select_edit_last(void)
{
	if (ui.mode != MODE_NONE || ui.edit.len > 0 || ui.edit.histpos != ui.edit.nhist)
		return false;
	for (size_t i = ui.view.n; i-- > 0;) {
		const struct view_msg *m = ui.view.msgs[i];
		if (!(m->flags & VIEW_OWN) || (m->flags & VIEW_DELETED))
			continue;
		/* Still on its way: Up recalls it as typed. */
		if (!view_selectable(&ui.view, i))
			return false;
		mark(i, true);
		begin(MODE_EDIT);
		if (ui.mode != MODE_EDIT)
			mark(SIZE_MAX, false);
		return ui.mode == MODE_EDIT;
	}
	return false;
}

/* Enter in the edit, reply and reaction modes. */
bool
select_enter(const char *line)
{
	if (ui.mode != MODE_EDIT && ui.mode != MODE_REPLY && ui.mode != MODE_REACT)
		return false;
	struct command c;
	command_parse(line, &c);
	if (c.kind != CMD_SAY && c.kind != CMD_EMPTY) {
		/* A command: it runs, and what was being typed is dropped. */
		command_free(&c);
		select_cancel();
		return false;
	}
	if (c.kind == CMD_EMPTY) {
		snprintf(ui.note, sizeof(ui.note), "%s",
		    ui.mode == MODE_EDIT ? "not edited" : "cancelled");
		select_cancel();
	} else if (ui.mode == MODE_EDIT && strcmp(c.text, ui.target.text) == 0) {
		snprintf(ui.note, sizeof(ui.note), "unchanged: not edited");
		select_cancel();
	} else if (ui.mode == MODE_REACT) {
		size_t len = strlen(c.text);
		while (len > 0 && c.text[len - 1] == ' ')
			c.text[--len] = '\0';
		enter_react(c.text + strspn(c.text, " "));
	} else if (!text_acceptable(c.text, strlen(c.text))) {
		window_notice("that message holds characters that cannot be sent");
	} else if (queue(ui.mode == MODE_EDIT ? "edit" : NULL, c.text, false)) {
		done();
	}
	command_free(&c);
	return true;
}

/* Sends an action (/me TEXT) to the conversation shown. */
void
select_action(const char *text)
{
	if (!text_acceptable(text, strlen(text))) {
		window_notice("that message holds characters that cannot be sent");
		return;
	}
	if (post(NULL, text, false, true, false)) {
		ui.scroll = 0;
		ui.dirty = true;
	}
}

/* Re-finds the selection after the window was read again. */
void
select_refresh(void)
{
	if (ui.sel == 0)
		return;
	size_t i = view_find(&ui.view, ui.sel);
	bool gone = i == SIZE_MAX || !view_selectable(&ui.view, i);
	if (!gone) {
		mark(i, false);
		return;
	}
	if (ui.mode == MODE_SELECT || ui.mode == MODE_DELETE) {
		select_cancel();
		snprintf(ui.note, sizeof(ui.note), "the selected message is gone");
	} else {
		mark(SIZE_MAX, false);
	}
}

/* The mode line, or NULL. */
char *
select_mode_line(void)
{
	if (ui.mode == MODE_NONE)
		return NULL;
	char *s = snippet(ui.target.text ? ui.target.text : "");
	const char *who = ui.target.sender ? ui.target.sender : "";
	char *line = NULL;
	switch (ui.mode) {
	case MODE_SELECT:
		line = xasprintf("selected <%s> %s | %sr reply, + react, Up/Down move, Esc leaves",
		    who, s, ui.target.own ? "e edit, d delete, " : "");
		break;
	case MODE_DELETE:
		line =
		    xasprintf("delete \"%s\" for everyone? y deletes, any other key keeps it", s);
		break;
	case MODE_EDIT:
		line = xasprintf("editing \"%s\": Enter saves, Esc cancels", s);
		break;
	case MODE_REPLY:
		line = xasprintf("replying to %s: %s | Enter sends, Esc cancels", who, s);
		break;
	case MODE_REACT:
		line = xasprintf("react to %s: 1 %s  2 %s  3 %s  4 %s  5 %s  6 %s  or type one, "
				 "Enter; the same again takes it back; Esc cancels",
		    who, select_common[0], select_common[1], select_common[2], select_common[3],
		    select_common[4], select_common[5]);
		break;
	case MODE_NONE:
		break;
	}
	free(s);
	return line;
}

/* The prompt of the input line. */
const char *
select_prompt(void)
{
	switch (ui.mode) {
	case MODE_EDIT:
		return "edit> ";
	case MODE_REPLY:
		return "reply> ";
	case MODE_REACT:
		return "react> ";
	default:
		return "> ";
	}
}
