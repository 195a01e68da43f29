/*
 * The server epoch (docs/protocol.md, "Server epoch"): which database, and
 * which generation of it after restores, a server answers from; and the
 * bases of GET /v1/epoch, the seqs a restore kept per conversation and
 * sender. Pure: the stores keep an epoch (history-epoch.c,
 * syncstore-epoch.c), launch.c and the notifier act on a change.
 */
#ifndef NATTER_EPOCH_H
#define NATTER_EPOCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct epoch {
	bool known; /* false: an old server, or nothing stored yet */
	char server[33]; /* 32 lowercase hex digits */
	int64_t generation; /* >= 1 */
};

/* One conversation of a bases answer: per sender, the seq kept. */
struct epoch_conv {
	char *id;
	char **senders;
	uint64_t *bases;
	size_t n;
};

/* What a device held that the server lost: the bases after its generation. */
struct epoch_bases {
	bool reset; /* another database: every base is 0, in every conversation */
	uint64_t cursor; /* the event cursor at which the server's generation began */
	struct epoch_conv *convs; /* sorted by id */
	size_t n;
};

/* How an epoch change reads to a user (epoch_notice). */
enum epoch_change { EPOCH_SAME, EPOCH_RESTORED, EPOCH_RESET };

/* Decodes an optional "epoch" member (NULL: absent, known false); -1 when malformed. */
int epoch_from_json(json_t *j, struct epoch *out, struct err *e);
/* Decodes the answer to GET /v1/epoch (its "epoch" into ep when not NULL). */
int epoch_parse_bases(
    const char *body, size_t len, struct epoch_bases *out, struct epoch *ep, struct err *e);
void epoch_bases_free(struct epoch_bases *b);
/*
 * The base of sender in conv: 1 with *base when the conversation is
 * concerned (listed, or reset: 0), 0 when the restore left it alone.
 */
int epoch_base(const struct epoch_bases *b, const char *conv, const char *sender, uint64_t *base);
/* What moving from held to now is: nothing, a restore (same server), a reset. */
enum epoch_change epoch_compare(const struct epoch *held, const struct epoch *now);
/* The text kept in a store ("SERVER GENERATION"), and back (known false when bad). */
char *epoch_encode(const struct epoch *ep);
void epoch_decode(const char *s, struct epoch *out);
/* The sentence that tells the user (allocated). */
char *epoch_notice(const char *url, enum epoch_change ch, uint64_t lost);

#endif
