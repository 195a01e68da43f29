/* The sync command: the launch sync, run alone, and what it did. */
#include "launch.h"
#include "natter.h"

/*
 * sync [--json] [--recent N]: merges the notifier's messages, fetches the
 * rest (with --recent only the newest N of each conversation), reports.
 */
static int
cmd_sync_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	if (ctx_open(c, true, e) < 0)
		return -1;
	struct launch_report r;
	int rc = ctx_sync(c, &r, e);
	output_sync(&r, self->json);
	return rc;
}

const struct cmd_entry cmd_sync_entry = {
    .name = "sync",
    .usage = "sync [--json] [--recent N]",
    .help = "merge the notifier's messages, fetch the rest",
    .args = {"jr:", 0, 0},
    .exec = cmd_sync_exec,
};
