/*
 * --demo: users alice and bob (fresh passwords on each start, printed on
 * stderr), a conversation with them and the bot natterbot, which posts a
 * short line now and then and answers messages addressed to it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "server.h"
#include "text.h"

#define BOT "natterbot"

static int64_t bot_uid, demo_conv;
static int64_t interval = 5000, next_post;
static unsigned line_no;

static const char *const lines[] = {
    "Good morning, or whatever it is where you are.",
    "Reminder: natter syncs by sequence vectors, not by timestamps.",
    "The kettle is on.",
    "Say \"natterbot help\" to see what I understand.",
    "Still here. Still chatting.",
    "Fun fact: this message has a sequence number, and so will the next one.",
};

/* Sets the bot's posting interval. */
void
demo_init(int64_t interval_ms)
{
	if (interval_ms > 0)
		interval = interval_ms;
}

/* Creates (or re-passwords) a demo user; prints the password when asked. */
static int
demo_user(struct store *s, const char *name, bool print, int64_t *uid, struct err *e)
{
	char *pw = random_hex(6);
	char *hash = auth_hash_password(pw);
	if (hash == NULL) {
		free(pw);
		return err_set(e, ERR_SYSTEM, "out of memory hashing a password");
	}
	int rc = store_user_create(s, name, hash, uid, e);
	if (rc == 1) {
		rc = store_user_find(s, name, uid, NULL, e);
		if (rc == 0)
			rc = store_user_set_password(s, *uid, hash, e);
	}
	if (rc == 0 && print)
		log_event("info", "demo_user",
		    json_pack("{s:s, s:s}", "user", name, "password", pw),
		    "demo: user %s password %s\n", name, pw);
	free(hash);
	free(pw);
	return rc == 0 ? 0 : -1;
}

/* The bot says something in conv and wakes its members. */
static void
bot_say(struct store *s, int64_t conv, const char *text)
{
	struct err e = {0};
	char *cid = random_hex(8);
	struct store_message out;
	bool created;
	int64_t *woken;
	size_t n;
	if (store_send(s, bot_uid, conv, cid, text, strlen(text), &out, &created, &woken, &n, &e) <
	    0) {
		log_event("error", "demo", NULL, "natter-server-mock: demo: %s\n", e.msg);
	} else {
		store_message_free(&out);
		metrics_stored();
		events_wake_users(woken, n);
		free(woken);
	}
	free(cid);
}

/* Seeds the demo users and conversation. */
int
demo_seed(struct store *s, struct err *e)
{
	int64_t alice, bob;
	if (demo_user(s, "alice", true, &alice, e) < 0 || demo_user(s, "bob", true, &bob, e) < 0 ||
	    demo_user(s, BOT, false, &bot_uid, e) < 0)
		return -1;
	char *pubid = NULL;
	int rc = store_meta_get(s, "demo_conv", &pubid, e);
	if (rc < 0)
		return -1;
	if (rc == 0 && store_conv_member(s, alice, pubid, &demo_conv, e) != 0)
		rc = 1;
	if (rc == 1) {
		free(pubid);
		const char *names[] = {"bob", BOT};
		struct store_conv conv;
		char *unknown = NULL;
		int64_t *woken;
		size_t n;
		if (store_conv_create(
			s, alice, "demo", names, 2, false, &conv, &unknown, &woken, &n, e) != 0) {
			free(unknown);
			return -1;
		}
		free(woken);
		pubid = conv.id;
		conv.id = NULL;
		store_conv_free(&conv);
		if (store_meta_set(s, "demo_conv", pubid, e) < 0 ||
		    store_conv_member(s, alice, pubid, &demo_conv, e) != 0) {
			free(pubid);
			return -1;
		}
		bot_say(
		    s, demo_conv, "Hello alice and bob! I am natterbot. Say \"natterbot help\".");
	}
	log_event("info", "demo_conversation", json_pack("{s:s}", "conversation", pubid),
	    "demo: conversation %s (alice, bob, %s)\n", pubid, BOT);
	free(pubid);
	next_post = now_ms() + interval;
	return 0;
}

/* Posts the periodic line when it is due. */
int64_t
demo_tick(struct store *s, int64_t now)
{
	if (now >= next_post) {
		bot_say(s, demo_conv, lines[line_no++ % nitems(lines)]);
		next_post = now + interval;
	}
	return next_post - now;
}

/* Answers "natterbot ..." or "@natterbot ..." in a conversation the bot is in. */
void
demo_heard(struct store *s, int64_t conv, const char *sender, const char *body,
    const int64_t *members, size_t n)
{
	if (strcmp(sender, BOT) == 0)
		return;
	bool member = false;
	for (size_t i = 0; i < n; i++)
		member = member || members[i] == bot_uid;
	const char *p = body + (*body == '@');
	if (!member || strncasecmp(p, BOT, strlen(BOT)) != 0)
		return;
	p += strlen(BOT);
	while (*p == ':' || *p == ',' || *p == ' ')
		p++;
	char *reply;
	if (strncasecmp(p, "ping", 4) == 0) {
		reply = xasprintf("@%s pong", sender);
	} else if (strncasecmp(p, "time", 4) == 0) {
		char when[64];
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		reply = xasprintf("@%s it is %s", sender, when);
	} else if (*p == '\0' || strncasecmp(p, "help", 4) == 0) {
		reply = xasprintf("@%s I answer \"natterbot ping\", \"natterbot time\" and "
				  "repeat anything else.",
		    sender);
	} else {
		char *said = text_truncate(p, 200);
		reply = xasprintf("@%s you said: %s", sender, said);
		free(said);
	}
	bot_say(s, conv, reply);
	free(reply);
}
