/* Unit tests of the table-driven commands (tui/cli.c): the table, --help and the usage errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "natter.h"

/* Runs natter's command words (no server, no data directory is touched before these errors). */
static int
run(const char *words, bool *found, struct err *e)
{
	char buf[256];
	char *argv[16];
	int argc = 0;
	snprintf(buf, sizeof(buf), "%s", words);
	for (char *w = strtok(buf, " "); w != NULL && argc < 15; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	struct ctx c = {0};
	memset(e, 0, sizeof(*e));
	int rc = cli_run(&c, argv[0], argc, argv, found, e);
	ctx_free(&c);
	return rc;
}

/* Checks that words fail with a usage error saying msg. */
static void
usage_error(const char *words, const char *msg)
{
	bool found;
	struct err e;
	assert_int_equal(run(words, &found, &e), -1);
	assert_true(found);
	assert_int_equal(e.kind, ERR_USAGE);
	assert_string_equal(e.msg, msg);
}

static void
cli__table__every_command_has_usage_help_and_handler(void **state)
{
	(void)state;
	size_t n = 0;
	for (size_t i = 0; cli_table[i] != NULL; i++, n++) {
		const struct cmd_entry *ce = cli_table[i];
		size_t len = strlen(ce->name);
		assert_true(len > 0);
		assert_int_equal(strncmp(ce->usage, ce->name, len), 0);
		assert_true(ce->usage[len] == '\0' || ce->usage[len] == ' ');
		assert_true(ce->help != NULL && ce->help[0] != '\0');
		assert_non_null(ce->exec);
		assert_true(ce->args.lower >= 0);
		assert_true(ce->args.upper == -1 || ce->args.upper >= ce->args.lower);
		assert_int_equal(
		    strspn(ce->args.template, "jln:af:r:RF:S:U:I:"), strlen(ce->args.template));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(cli_table[j]->name, ce->name);
	}
	assert_int_equal(n, 27);
}

static void
cli__usage__lists_every_command(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	cli_usage(f);
	fclose(f);
	assert_string_equal(text,
	    "commands:\n"
	    "  register [--invite CODE] USER\n"
	    "                             create an account (password from NATTER_PASSWORD or a "
	    "prompt)\n"
	    "  login USER                 log in and save the token\n"
	    "  logout [--all]             revoke and forget the token (--all: every device's)\n"
	    "  passwd                     change the password; logs out your other devices\n"
	    "  new TITLE MEMBER...        create a conversation; prints its id\n"
	    "  conversations [--json]     list conversations: id, title, members, unread\n"
	    "  send [--lines] CONV TEXT...|-\n"
	    "                             send a message (- reads it from stdin)\n"
	    "  sync [--json] [--recent N] merge the notifier's messages, fetch the rest\n"
	    "  log CONV [-n N] [--json|--format iso] [--since T] [--until T]\n"
	    "                             show a conversation's history (dates, times)\n"
	    "  edit CONV ID TEXT...       replace the text of your message ID (SENDER:SEQ or SEQ)\n"
	    "  delete CONV ID             delete your message ID everywhere\n"
	    "  reply CONV ID TEXT...      send a message that quotes message ID\n"
	    "  react CONV ID EMOJI [--remove]\n"
	    "                             react to message ID (--remove takes it back)\n"
	    "  read CONV...|--all         mark conversations read, on every device\n"
	    "  mute CONV [--for DURATION] no desktop notifications for a conversation (for 90s, "
	    "30m, 1h, 2d)\n"
	    "  unmute CONV                desktop notifications again for a conversation\n"
	    "  dnd [on | off | until HH:MM]\n"
	    "                             do not disturb: no desktop notifications at all; alone, "
	    "says which\n"
	    "  dm USER                    the direct conversation with USER; prints its id\n"
	    "  add CONV USER...           add members (creator and admins)\n"
	    "  remove CONV USER...        remove members (creator and admins)\n"
	    "  admin CONV USER...         let members add and remove too (creator and admins)\n"
	    "  leave CONV                 leave a conversation; what you hold stays here\n"
	    "  accept CONV                accept an invitation, then fetch the conversation\n"
	    "  decline CONV               decline an invitation\n"
	    "  rename CONV TITLE          give a conversation a new title\n"
	    "  block [USER]               block USER (their invitations are declined); lists the "
	    "blocked\n"
	    "  unblock USER               unblock USER; lists the blocked\n"
	    "see natter(1)\n");
	for (size_t i = 0; cli_table[i] != NULL; i++) {
		char line[128];
		snprintf(line, sizeof(line), "\n  %s", cli_table[i]->usage);
		assert_non_null(strstr(text, line));
	}
	free(text);
}

static void
cli__run__unknown_command_is_not_found(void **state)
{
	(void)state;
	bool found = true;
	struct err e;
	assert_int_equal(run("frobnicate x", &found, &e), -1);
	assert_false(found);
	assert_int_equal(e.kind, ERR_USAGE);
	assert_string_equal(e.msg, "unknown command frobnicate");
}

static void
cli__run__bad_option_names_it_and_the_usage(void **state)
{
	(void)state;
	usage_error("logout --json",
	    "logout: unknown option or missing argument near --json; usage: natter logout [--all]");
	usage_error("sync -jx",
	    "sync: unknown option or missing argument near -jx; usage: natter sync [--json] "
	    "[--recent N]");
	usage_error("send --help c hi",
	    "send: unknown option or missing argument near --help; "
	    "usage: natter send [--lines] CONV TEXT...|-");
	usage_error("log a -n",
	    "log: unknown option or missing argument near -n; usage: natter "
	    "log CONV [-n N] [--json|--format iso] [--since T] [--until T]");
	usage_error("log a --lines x", "-n wants a positive number, not x");
	usage_error("log a --format csv", "--format wants text, iso or json, not csv");
	usage_error("log a --json --format iso", "--json and --format iso: choose one");
	usage_error("log a --since 2026-12-01 --until 2026-11-30",
	    "--since 2026-12-01 is not before --until 2026-11-30");
	usage_error("log a --until",
	    "log: unknown option or missing argument near --until; usage: "
	    "natter log CONV [-n N] [--json|--format iso] [--since T] [--until T]");
	usage_error("log -n 0 a", "-n wants a positive number, not 0");
}

static void
cli__run__wrong_operand_count_gives_the_usage(void **state)
{
	(void)state;
	usage_error("logout x", "usage: natter logout [--all]");
	usage_error("conversations -j x", "usage: natter conversations [--json]");
	usage_error("new t", "usage: natter new TITLE MEMBER...");
	usage_error("send c", "usage: natter send [--lines] CONV TEXT...|-");
	usage_error("send --lines c hi", "usage: natter send [--lines] CONV TEXT...|-");
	usage_error(
	    "log", "usage: natter log CONV [-n N] [--json|--format iso] [--since T] [--until T]");
	/* log takes options after CONV, but a second operand is refused before them. */
	usage_error("log a b -x",
	    "usage: natter log CONV [-n N] [--json|--format iso] [--since T] [--until T]");
	usage_error("log --json a -n 3 b",
	    "usage: natter log CONV [-n N] [--json|--format iso] [--since T] [--until T]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cli__table__every_command_has_usage_help_and_handler),
	    cmocka_unit_test(cli__usage__lists_every_command),
	    cmocka_unit_test(cli__run__unknown_command_is_not_found),
	    cmocka_unit_test(cli__run__bad_option_names_it_and_the_usage),
	    cmocka_unit_test(cli__run__wrong_operand_count_gives_the_usage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
