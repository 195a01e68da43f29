/* The notification commands: mute, unmute and dnd, through sync.db. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "natter.h"
#include "syncstore.h"

/* Parses a duration such as 90, 45s, 30m, 1h or 2d into milliseconds. */
static int
parse_duration(const char *s, int64_t *ms, struct err *e)
{
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	long long unit = 1000;
	if (*end == 'm')
		unit = 60000;
	else if (*end == 'h')
		unit = 3600000;
	else if (*end == 'd')
		unit = 86400000;
	else if (*end != 's' && *end != '\0')
		unit = 0;
	if (*end)
		end++;
	if (errno || end == s || *end || unit == 0 || n < 1 || n > 366LL * 86400000 / unit)
		return err_set(
		    e, ERR_USAGE, "--for wants a duration such as 90s, 30m, 1h or 2d, not %s", s);
	*ms = n * unit;
	return 0;
}

/* Opens history.db (to find the conversation) and sync.db. */
static int
open_stores(struct ctx *c, struct syncstore *ss, struct err *e)
{
	if (ctx_open(c, false, e) < 0)
		return -1;
	return syncstore_open(ss, c->paths.sync_db, 0, e);
}

/* "14:05" or "Tue 14:05" for a time within the week, local. */
static void
format_until(int64_t ms, char *out, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, size, ms - now_ms() < 86400000 ? "%H:%M" : "%a %d %b %H:%M", &tm);
}

/* mute CONV [--for DURATION] and unmute CONV. */
static int
cmd_mute_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	bool on = strcmp(self->entry->name, "mute") == 0;
	int64_t span = 0;
	if (self->duration && parse_duration(self->duration, &span, e) < 0)
		return -1;
	struct syncstore ss;
	if (open_stores(c, &ss, e) < 0)
		return -1;
	char *id = NULL;
	int rc = history_resolve_conv(&c->hist, self->argv[0], &id, e);
	if (rc == 0 && on)
		rc = syncstore_mute_until(&ss, id, span ? now_ms() + span : 0, e);
	else if (rc == 0)
		rc = syncstore_set_muted(&ss, id, false, e);
	if (rc == 0) {
		char when[64] = "";
		if (span)
			format_until(now_ms() + span, when, sizeof(when));
		printf("%s %s%s%s\n", on ? "muted" : "unmuted", id, span ? " until " : "", when);
	}
	free(id);
	syncstore_close(&ss);
	return rc;
}

/* The next local HH:MM from now, in milliseconds since the epoch; -1 when malformed. */
static int64_t
next_clock_time(const char *hhmm)
{
	int h, m;
	char extra;
	if (sscanf(hhmm, "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t <= now) {
		tm.tm_mday++;
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	return (int64_t)t * 1000;
}

/* dnd [on | off | until HH:MM]: do not disturb, or what it is now. */
static int
cmd_dnd_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	const char *what = self->argc ? self->argv[0] : NULL;
	int64_t until = -1;
	if (what && strcmp(what, "on") == 0 && self->argc == 1)
		until = 0;
	else if (what && strcmp(what, "until") == 0 && self->argc == 2) {
		until = next_clock_time(self->argv[1]);
		if (until < 0)
			return err_set(
			    e, ERR_USAGE, "dnd until wants HH:MM, not %s", self->argv[1]);
	} else if (what && (strcmp(what, "off") != 0 || self->argc != 1))
		return cmd_usage(self, e);
	struct syncstore ss;
	if (open_stores(c, &ss, e) < 0)
		return -1;
	int rc = what ? syncstore_set_dnd(&ss, until, e) : 0;
	if (rc == 0)
		rc = syncstore_get_dnd(&ss, &until, e);
	if (rc >= 0) {
		char when[64] = "";
		if (rc == 1 && until > 0)
			format_until(until, when, sizeof(when));
		printf("do not disturb: %s%s%s\n", rc == 1 ? "on" : "off", *when ? " until " : "",
		    when);
	}
	syncstore_close(&ss);
	return rc < 0 ? -1 : 0;
}

const struct cmd_entry cmd_mute_entry = {
    .name = "mute",
    .usage = "mute CONV [--for DURATION]",
    .help = "no desktop notifications for a conversation (for 90s, 30m, 1h, 2d)",
    .args = {"f:", 1, 1},
    .options_anywhere = true,
    .exec = cmd_mute_exec,
};

const struct cmd_entry cmd_unmute_entry = {
    .name = "unmute",
    .usage = "unmute CONV",
    .help = "desktop notifications again for a conversation",
    .args = {"", 1, 1},
    .exec = cmd_mute_exec,
};

const struct cmd_entry cmd_dnd_entry = {
    .name = "dnd",
    .usage = "dnd [on | off | until HH:MM]",
    .help = "do not disturb: no desktop notifications at all; alone, says which",
    .args = {"", 0, 2},
    .exec = cmd_dnd_exec,
};
