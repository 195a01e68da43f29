/*
 * The server epoch of the running server (docs/protocol.md, "Server
 * epoch"): loaded at start, a new generation when the database was
 * restored, and for a SQLite file the sidecar FILE.epoch by which a
 * restore is noticed: "SERVER GENERATION CURSOR", the highest event cursor
 * served, rewritten (write, fsync, rename) at most once a second while
 * serving and at a clean stop. A database whose identity is the sidecar's
 * but whose cursor is behind it is an older copy: a restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "server.h"

static struct store_epoch now_epoch;
static char *sidecar; /* NULL: memory or another backend */
static uint64_t written = UINT64_MAX; /* the cursor in the sidecar */
static int64_t written_at;

/* The sidecar of a -d target: FILE.epoch for a SQLite file, else NULL. */
static char *
sidecar_of(const char *target)
{
	if (target == NULL || strstr(target, "://") != NULL)
		return NULL;
	return xasprintf("%s.epoch", target);
}

/* Reads the sidecar: 1 read, 0 absent or unreadable (said why on stderr). */
static int
sidecar_read(const char *path, char server[33], int64_t *gen, uint64_t *cursor)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (errno != ENOENT)
			log_event("error", "epoch", NULL,
			    "natter-server-mock: cannot read %s: %s\n", path, strerror(errno));
		return 0;
	}
	long long g;
	unsigned long long c;
	int n = fscanf(f, "%32[0-9a-f] %lld %llu", server, &g, &c);
	fclose(f);
	if (n != 3 || strlen(server) != 32 || g < 1) {
		log_event("warning", "epoch", NULL,
		    "natter-server-mock: %s is not an epoch file; ignored\n", path);
		return 0;
	}
	*gen = g;
	*cursor = c;
	return 1;
}

/* Rewrites the sidecar atomically with cursor; -1 (said on stderr) when it cannot. */
static int
sidecar_write(uint64_t cursor)
{
	char *tmp = xasprintf("%s.tmp", sidecar);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	char line[96];
	int len = snprintf(line, sizeof(line), "%s %" PRId64 " %" PRIu64 "\n", now_epoch.server,
	    now_epoch.generation, cursor);
	int rc = -1;
	if (fd >= 0 && write(fd, line, (size_t)len) == len && fsync(fd) == 0) {
		rc = rename(tmp, sidecar);
	}
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		log_event("error", "epoch", NULL, "natter-server-mock: cannot write %s: %s\n",
		    sidecar, strerror(errno));
		unlink(tmp);
	} else {
		written = cursor;
	}
	free(tmp);
	return rc;
}

/* Loads the epoch of s (-d target), beginning a new generation when restored or noticed. */
int
epoch_open(struct store *s, const char *target, bool restored, struct err *e)
{
	free(sidecar);
	sidecar = sidecar_of(target);
	uint64_t cursor = store_cursor(s);
	bool noticed = false;
	char server[33] = "";
	int64_t gen = 0;
	uint64_t served = 0;
	if (!restored && sidecar != NULL && sidecar_read(sidecar, server, &gen, &served)) {
		struct store_epoch cur;
		if (store_epoch_load(s, false, &cur, e) < 0)
			return -1;
		noticed = strcmp(cur.server, server) == 0 && cursor < served;
	}
	if (store_epoch_load(s, restored || noticed, &now_epoch, e) < 0)
		return -1;
	if (noticed)
		log_event("warning", "restored", NULL,
		    "natter-server-mock: %s was restored from a backup (its newest event is "
		    "%" PRIu64 ", %" PRIu64 " were served): generation %" PRId64 " begins\n",
		    target, cursor, served, now_epoch.generation);
	else if (restored)
		log_event("warning", "restored", NULL,
		    "natter-server-mock: restored from a backup (--restored): generation %" PRId64
		    " begins\n",
		    now_epoch.generation);
	/* Without its file a later restore goes unnoticed: said, but serving goes on. */
	if (sidecar != NULL)
		sidecar_write(cursor);
	written_at = mono_ms();
	return 0;
}

/*
 * Rewrites the sidecar when the cursor moved and a second passed (force:
 * now). Returns the ms until it wants to look again (INT64_MAX: no sidecar).
 */
int64_t
epoch_tick(struct store *s, bool force)
{
	if (sidecar == NULL)
		return INT64_MAX;
	int64_t now = mono_ms();
	if (!force && now - written_at < 1000)
		return 1000 - (now - written_at);
	uint64_t cursor = store_cursor(s);
	if (cursor != written) {
		sidecar_write(cursor);
		written_at = now;
	}
	return 1000;
}

/* The epoch object of the answers: {"server": ..., "generation": N}. */
json_t *
epoch_json(void)
{
	return json_pack("{s:s, s:I}", "server", now_epoch.server, "generation",
	    (json_int_t)now_epoch.generation);
}

/* Whether text is the current epoch as "SERVER:GENERATION". */
bool
epoch_is(const char *text)
{
	char want[64];
	snprintf(want, sizeof(want), "%s:%" PRId64, now_epoch.server, now_epoch.generation);
	return strcmp(text, want) == 0;
}

/* The event cursor at which the current generation began. */
uint64_t
epoch_cursor(void)
{
	return now_epoch.cursor;
}

/* Forgets the sidecar's name. */
void
epoch_close(void)
{
	free(sidecar);
	sidecar = NULL;
}
