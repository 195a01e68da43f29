/*
 * The keyboard: the keys bound by the key.* options (keymap.c: C-n, C-p,
 * PageUp, PageDown, C-l, C-c by default) first, then Emacs-style editing keys
 * on the input line (edit.c does the editing), Alt/Meta keys, function keys
 * and the mouse wheel, bracketed paste, Tab completion, and Enter, which
 * hands the line to action.c. While a message is selected, select.c sees the
 * keys first.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "natter.h"
#include "text.h"

/* Rows per wheel step. */
#define WHEEL_ROWS 3

/* The longest CSI sequence read whole (an SGR mouse report is ~16 bytes). */
#define CSI_MAX 32

/* Where a CSI sequence ncurses does not know is being collected (after ESC [). */
static struct {
	bool on;
	char buf[CSI_MAX];
	size_t len;
} csi;

/* Hands the input line to action.c. */
static void
enter(void)
{
	char *line = edit_take(&ui.edit);
	action_enter(line);
	free(line);
}

/* Runs what a bound key does (key.* options); false when the key is not bound. */
static bool
bound_key(bool fn, bool meta, wint_t c)
{
	enum key_action a = keymap_lookup(&ui.keys, fn, meta, (int)c);
	size_t h = 0, w;
	long page = screen_window_size(&h, &w) && h > 1 ? (long)h - 1 : 1;
	switch (a) {
	case KEYACT_NEXT:
		window_cycle(1);
		break;
	case KEYACT_PREV:
		window_cycle(-1);
		break;
	case KEYACT_PAGE_UP:
		window_scroll(page);
		break;
	case KEYACT_PAGE_DOWN:
		window_scroll(-page);
		break;
	case KEYACT_REDRAW:
		screen_repaint();
		break;
	case KEYACT_QUIT:
		ui.quit = true;
		break;
	default:
		return false;
	}
	return true;
}

/* Handles an Alt/Meta key (ESC then c). */
static void
meta_key(wint_t c)
{
	if (c >= '1' && c <= '9') {
		size_t i = (size_t)(c - '1');
		if (i < ui.nconvs)
			window_switch(ui.convs[i].id);
		return;
	}
	switch (c) {
	case 's':
		select_start();
		break;
	case 'b':
		edit_fn(&ui.edit, EDIT_WORD_LEFT);
		break;
	case 'f':
		edit_fn(&ui.edit, EDIT_WORD_RIGHT);
		break;
	case 'd':
		edit_fn(&ui.edit, EDIT_KILL_WORD_FWD);
		break;
	case 127:
	case KEY_BACKSPACE:
		edit_fn(&ui.edit, EDIT_KILL_WORD_BACK);
		break;
	}
}

/* Acts on a mouse press: button 0 (left), 64 (wheel up), 65 (wheel down) at a 0-based cell. */
static void
mouse(int button, int y, int x)
{
	if (button == 64) {
		window_scroll(WHEEL_ROWS);
	} else if (button == 65) {
		window_scroll(-WHEEL_ROWS);
	} else if (button == 0) {
		size_t i = screen_list_at(y, x);
		if (i != SIZE_MAX)
			window_switch(ui.convs[i].id);
	}
}

/*
 * Acts on a CSI sequence ncurses left alone: an SGR mouse report
 * ("<B;X;YM", a press; "m", a release) or nothing. Never text.
 */
static void
csi_done(void)
{
	int b, x, y;
	char fin;
	csi.buf[csi.len] = '\0';
	/* Shift, Meta and Control (4, 8, 16) do not matter; motion (32) is no press. */
	if (sscanf(csi.buf, "<%d;%d;%d%c", &b, &x, &y, &fin) == 4 && fin == 'M' && x > 0 && y > 0 &&
	    !(b & 32))
		mouse(b & ~(4 | 8 | 16), y - 1, x - 1);
	csi.on = false;
	csi.len = 0;
}

/* Handles one function key from wget_wch. */
static void
function_key(wint_t k)
{
	if (ui.mode != MODE_NONE && select_key(k, true))
		return;
	if (bound_key(true, false, k))
		return;
	switch (k) {
	case KEY_RESIZE:
		/* resizeterm's echo of our own SIGWINCH handling: already done. */
		break;
	case KEY_PASTE_START:
		ui.pasting = true;
		ui.paste.len = 0;
		break;
	case KEY_PASTE_END: {
		ui.pasting = false;
		/* A paste ending in a line break is not a line break to send. */
		size_t len = ui.paste.len;
		while (
		    len > 0 && (ui.paste.data[len - 1] == '\n' || ui.paste.data[len - 1] == '\r'))
			len--;
		edit_paste(&ui.edit, ui.paste.data ? ui.paste.data : "", len);
		ui.paste.len = 0;
		break;
	}
	case KEY_WORD_LEFT:
		edit_fn(&ui.edit, EDIT_WORD_LEFT);
		break;
	case KEY_WORD_RIGHT:
		edit_fn(&ui.edit, EDIT_WORD_RIGHT);
		break;
	case KEY_CONV_PREV:
		window_cycle(-1);
		break;
	case KEY_CONV_NEXT:
		window_cycle(1);
		break;
	case KEY_F(1):
		action_enter("/help");
		break;
	case KEY_LEFT:
		edit_fn(&ui.edit, EDIT_LEFT);
		break;
	case KEY_RIGHT:
		edit_fn(&ui.edit, EDIT_RIGHT);
		break;
	case KEY_HOME:
		edit_fn(&ui.edit, EDIT_HOME);
		break;
	case KEY_END:
		edit_fn(&ui.edit, EDIT_END);
		break;
	case KEY_BACKSPACE:
		edit_fn(&ui.edit, EDIT_BACKSPACE);
		break;
	case KEY_DC:
		edit_fn(&ui.edit, EDIT_DELETE);
		break;
	case KEY_UP:
		/* Up on an empty line edits the last own message; once more, recalls. */
		if (ui.mode == MODE_EDIT)
			select_cancel();
		else if (select_edit_last())
			break;
		edit_fn(&ui.edit, EDIT_HISTORY_PREV);
		break;
	case KEY_DOWN:
		edit_fn(&ui.edit, EDIT_HISTORY_NEXT);
		break;
	case KEY_ENTER:
		enter();
		break;
	case KEY_BTAB:
		complete_tab(&ui.comp, &ui.edit, -1);
		break;
	case KEY_MOUSE: {
		MEVENT me;
		if (getmouse(&me) == OK) {
			if (me.bstate & BUTTON4_PRESSED)
				mouse(64, me.y, me.x);
#ifdef BUTTON5_PRESSED
			else if (me.bstate & BUTTON5_PRESSED)
				mouse(65, me.y, me.x);
#endif
			else if (me.bstate & BUTTON1_PRESSED)
				mouse(0, me.y, me.x);
		}
		break;
	}
	}
}

/* Handles one typed character. */
static void
char_key(wint_t c, bool meta)
{
	if (ui.pasting) {
		char u[4];
		buf_append(&ui.paste, u, utf8_encode((uint32_t)c, u));
		return;
	}
	if (bound_key(false, meta, c)) {
		complete_reset(&ui.comp);
		return;
	}
	if (meta) {
		meta_key(c);
		return;
	}
	if (ui.mode != MODE_NONE && select_key(c, false))
		return;
	if (c == '?' && ui.edit.len == 0) {
		action_enter("/help");
		complete_reset(&ui.comp);
		return;
	}
	switch (c) {
	case 1: /* C-a */
		edit_fn(&ui.edit, EDIT_HOME);
		break;
	case 2: /* C-b */
		edit_fn(&ui.edit, EDIT_LEFT);
		break;
	case 4: /* C-d */
		edit_fn(&ui.edit, EDIT_DELETE);
		break;
	case 5: /* C-e */
		edit_fn(&ui.edit, EDIT_END);
		break;
	case 6: /* C-f */
		edit_fn(&ui.edit, EDIT_RIGHT);
		break;
	case 8: /* C-h */
	case 127: /* Backspace on most terminals */
		edit_fn(&ui.edit, EDIT_BACKSPACE);
		break;
	case '\t':
		complete_tab(&ui.comp, &ui.edit, 1);
		return;
	case '\n':
	case '\r':
		enter();
		break;
	case 11: /* C-k */
		edit_fn(&ui.edit, EDIT_KILL_TAIL);
		break;
	case 21: /* C-u */
		edit_fn(&ui.edit, EDIT_KILL_HEAD);
		break;
	case 23: /* C-w */
		edit_fn(&ui.edit, EDIT_KILL_WORD_BACK);
		break;
	case 25: /* C-y */
		edit_fn(&ui.edit, EDIT_YANK);
		break;
	default:
		if (edit_insert(&ui.edit, (wchar_t)c) < 0 && ui.edit.bytes + 4 > ui.edit.max)
			snprintf(ui.note, sizeof(ui.note), "a message holds at most %zu bytes",
			    ui.edit.max);
		break;
	}
	complete_reset(&ui.comp);
}

/* Reads every key waiting on the terminal. */
void
input_read(void)
{
	/* Alt sends ESC and the key together; a lone ESC then a key later is no Alt. */
	bool esc = false;
	wint_t c;
	int rc;
	while ((rc = screen_key(&c)) != ERR) {
		ui.dirty = true;
		if (rc == KEY_CODE_YES) {
			if (c != KEY_BTAB)
				complete_reset(&ui.comp);
			if (esc && (c == KEY_BACKSPACE)) {
				meta_key(c);
			} else if (!ui.pasting || c == KEY_PASTE_END) {
				function_key(c);
			} else if (c == KEY_ENTER) {
				buf_append(&ui.paste, "\n", 1);
			}
			esc = false;
			continue;
		}
		if (csi.on) {
			/* Parameters and intermediates, up to the final byte (@ to ~). */
			if (c < 0x20 || c > 0x7e || csi.len + 1 >= sizeof(csi.buf)) {
				csi.on = false;
				csi.len = 0;
			} else {
				csi.buf[csi.len++] = (char)c;
				if (c >= 0x40)
					csi_done();
				continue;
			}
		}
		if (c == 27 && !ui.pasting) {
			esc = true;
			continue;
		}
		if (esc && c == '[' && !ui.pasting) {
			csi.on = true;
			csi.len = 0;
			esc = false;
			continue;
		}
		char_key(c, esc);
		esc = false;
	}
	/* A lone Escape leaves a selection, an edit, a reply or a reaction. */
	if (esc && ui.mode != MODE_NONE)
		select_cancel();
}
