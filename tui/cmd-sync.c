/* The sync command: the launch sync, run alone, and what it did. */
#include "launch.h"
#include "natter.h"

/* sync [--json]: merges the notifier's messages, fetches the rest, reports. */
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
    .usage = "sync [--json]",
    .help = "merge the notifier's messages, fetch the rest",
    .args = {"j", 0, 0},
    .exec = cmd_sync_exec,
};
