/* The server epoch: the database's identity and generation, and the bases of generations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* Reads the generation setting: 0, 1 absent, -1 (a bad value is an error). */
static int
generation_get(struct store *s, int64_t *g, struct err *e)
{
	char *v = NULL;
	int rc = store_meta_get(s, "epoch.generation", &v, e);
	if (rc != 0)
		return rc;
	char *end;
	long long x = strtoll(v, &end, 10);
	if (*end != '\0' || x < 1) {
		err_set(
		    e, ERR_DB, "the stored epoch generation \"%s\" is not a positive number", v);
		free(v);
		return -1;
	}
	free(v);
	*g = x;
	return 0;
}

/* The epoch, made at the first call; with restored, a new generation and its bases first. */
int
store_epoch_load(struct store *s, bool restored, struct store_epoch *out, struct err *e)
{
	const struct store_ops *o = s->ops;
	if (o->begin(s, e) < 0)
		return -1;
	char *id = NULL;
	int64_t g = 1;
	int rc = store_meta_get(s, "epoch.server", &id, e);
	if (rc == 1) {
		id = random_hex(16);
		if (store_meta_set(s, "epoch.server", id, e) < 0 ||
		    store_meta_set(s, "epoch.generation", "1", e) < 0)
			rc = -1;
		else
			rc = 0;
	} else if (rc == 0) {
		rc = generation_get(s, &g, e);
		if (rc == 1) {
			err_set(e, ERR_DB, "the database has an epoch identity but no generation");
			rc = -1;
		}
	}
	uint64_t cursor = 0;
	if (rc == 0 && restored) {
		g++;
		cursor = o->cursor(s);
		char gs[24], cs[24];
		snprintf(gs, sizeof(gs), "%lld", (long long)g);
		snprintf(cs, sizeof(cs), "%llu", (unsigned long long)cursor);
		if (store_meta_set(s, "epoch.generation", gs, e) < 0 ||
		    store_meta_set(s, "epoch.cursor", cs, e) < 0 || o->epoch_mark(s, g, e) < 0)
			rc = -1;
	} else if (rc == 0) {
		char *cs = NULL;
		rc = store_meta_get(s, "epoch.cursor", &cs, e);
		if (rc == 1)
			rc = 0;
		else if (rc == 0)
			cursor = strtoull(cs, NULL, 10);
		free(cs);
	}
	if (rc == 0 && (strlen(id) != 32 || strspn(id, "0123456789abcdef") != 32)) {
		err_set(e, ERR_DB, "the stored epoch identity \"%s\" is not 32 hex digits", id);
		rc = -1;
	}
	if (rc < 0 || o->commit(s, e) < 0) {
		if (rc < 0)
			o->rollback(s);
		free(id);
		return -1;
	}
	snprintf(out->server, sizeof(out->server), "%s", id);
	out->generation = g;
	out->cursor = cursor;
	free(id);
	return 0;
}

/* The lowest bases after generation since, per conversation of uid and sender. */
int
store_epoch_bases(
    struct store *s, int64_t uid, int64_t since, struct store_base **out, size_t *n, struct err *e)
{
	return s->ops->epoch_bases(s, uid, since, out, n, e);
}

/* Frees an array of bases. */
void
store_bases_free(struct store_base *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].conv);
		free(v[i].sender);
	}
	free(v);
}
