/*
 * The config file's options in the interface: color.* and key.* are read
 * when natter starts (a bad value is a notice naming its line, and the rest
 * still applies) and /set lists, shows and changes every documented option
 * at run time, writing the change to the config file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natter.h"

/* When a change takes effect. */
enum when { AT_ONCE, NEXT_START, NOTIFIER };

/* The options /set knows besides color.* and key.* (natter(1), natter-notifyd(1)). */
static const struct {
	const char *name;
	enum when when;
} file_options[] = {
    {"server", NEXT_START},
    {"user", NEXT_START},
    {"http.retries", NEXT_START},
    {"http.timeout", NEXT_START},
    {"notify.backend", NOTIFIER},
    {"notify.exec", NOTIFIER},
    {"notify.timeout", NOTIFIER},
    {"notify.quiet", NOTIFIER},
    {"notify.mention_urgency", NOTIFIER},
    {"notify.mention_unmutes", NOTIFIER},
    {"notify.open", NOTIFIER},
    {"notify.mark_read", NOTIFIER},
    {"cacert", NEXT_START},
    {"insecure-http", NEXT_START},
};

/* Applies one color.* or key.* value; 1 when key is neither. */
static int
apply(const char *key, const char *value, struct err *e)
{
	if (strncmp(key, "color.", 6) == 0)
		return theme_set(&ui.theme, key, value, e);
	if (strncmp(key, "key.", 4) == 0)
		return keymap_set(&ui.keys, key, value, e);
	return 1;
}

/* Reads color.* and key.* from the config; each bad one becomes a notice. */
void
options_load(void)
{
	theme_default(&ui.theme);
	keymap_default(&ui.keys);
	const struct config *cfg = &ui.ctx->cfg;
	for (size_t i = 0; i < cfg->n; i++) {
		struct err e = {0};
		const struct config_entry *en = &cfg->v[i];
		if (apply(en->key, en->value, &e) < 0)
			window_notice("%s line %d: %s: %s (the default is used)",
			    cfg->path ? cfg->path : "config", en->line, en->key, e.msg);
	}
}

/* The value of option name now, for /set; NULL for an unknown option. */
static char *
value_of(const char *name, enum when *when)
{
	*when = AT_ONCE;
	char *v = theme_get(&ui.theme, name);
	if (v == NULL)
		v = keymap_get(&ui.keys, name);
	if (v != NULL)
		return v;
	for (size_t i = 0; i < nitems(file_options); i++) {
		if (strcmp(file_options[i].name, name) == 0) {
			*when = file_options[i].when;
			const char *s = config_get(&ui.ctx->cfg, name, NULL);
			return xstrdup(s ? s : "(unset: the default)");
		}
	}
	return NULL;
}

/* Appends "name = value" for one option. */
static void
list_one(struct buf *b, const char *name)
{
	enum when w;
	char *v = value_of(name, &w);
	buf_printf(b, "\n  %-24s %s", name, v ? v : "");
	free(v);
}

/* /set: lists every option, shows one, or changes one and writes it to the config file. */
void
options_set(const char *name, const char *value)
{
	if (name == NULL) {
		struct buf b = {0};
		buf_printf(&b, "Options (/set NAME VALUE changes one; saved in %s):",
		    ui.ctx->cfg.path ? ui.ctx->cfg.path : "the config file");
		char key[64];
		for (size_t i = 0; i < COLOR_PARTS; i++) {
			snprintf(key, sizeof(key), "color.%s", color_parts[i]);
			list_one(&b, key);
		}
		list_one(&b, "color.names");
		for (size_t i = 0; i < KEYACT_COUNT; i++) {
			snprintf(key, sizeof(key), "key.%s", keymap_actions[i]);
			list_one(&b, key);
		}
		for (size_t i = 0; i < nitems(file_options); i++)
			list_one(&b, file_options[i].name);
		window_notice("%s", b.data);
		buf_free(&b);
		return;
	}
	enum when when;
	char *now = value_of(name, &when);
	if (now == NULL) {
		window_notice("no option %s: /set lists them", name);
		return;
	}
	if (value == NULL) {
		window_notice("%s = %s", name, now);
		free(now);
		return;
	}
	free(now);
	/* Check a colour or a key on copies first: a bad value changes nothing. */
	struct err e = {0};
	struct theme t = ui.theme;
	struct keymap k = ui.keys;
	int rc = 0;
	if (strncmp(name, "color.", 6) == 0)
		rc = theme_set(&t, name, value, &e);
	else if (strncmp(name, "key.", 4) == 0)
		rc = keymap_set(&k, name, value, &e);
	if (rc < 0) {
		window_notice("%s: %s", name, e.msg);
		return;
	}
	if (config_set(&ui.ctx->cfg, name, value, &e) < 0) {
		window_notice("%s not saved: %s", name, e.msg);
		return;
	}
	ui.theme = t;
	ui.keys = k;
	if (strncmp(name, "color.", 6) == 0)
		screen_theme();
	static const char *const words[] = {[AT_ONCE] = "",
	    [NEXT_START] = " (natter uses it from its next start)",
	    [NOTIFIER] = " (natter-notifyd reads it when it starts)"};
	window_notice("%s = %s, saved in %s%s", name, value, ui.ctx->cfg.path, words[when]);
}
