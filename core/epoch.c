/* The server epoch: decoding, comparing, the bases of a restore, and the words for it. */
#include "epoch.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* True for 32 lowercase hex digits. */
static bool
server_id_valid(const char *s)
{
	return strlen(s) == 32 && strspn(s, "0123456789abcdef") == 32;
}

/* Decodes {"server": HEX32, "generation": N}; absent (NULL) is an unknown epoch. */
int
epoch_from_json(json_t *j, struct epoch *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (j == NULL)
		return 0;
	json_t *s = json_object_get(j, "server"), *g = json_object_get(j, "generation");
	if (!json_is_object(j) || !json_is_string(s) || !server_id_valid(json_string_value(s)) ||
	    !json_is_integer(g) || json_integer_value(g) < 1)
		return err_set(e, ERR_PROTOCOL,
		    "server sent an \"epoch\" that is not {\"server\": 32 hex digits, "
		    "\"generation\": a positive integer}");
	snprintf(out->server, sizeof(out->server), "%s", json_string_value(s));
	out->generation = (int64_t)json_integer_value(g);
	out->known = true;
	return 0;
}

/* Orders conversations by id. */
static int
conv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct epoch_conv *)a)->id, ((const struct epoch_conv *)b)->id);
}

/* Decodes one {"id": ..., "bases": {SENDER: SEQ...}} into c. */
static int
conv_from_json(json_t *o, struct epoch_conv *c, struct err *e)
{
	json_t *id = json_object_get(o, "id"), *bases = json_object_get(o, "bases");
	if (!json_is_string(id) || !json_is_object(bases))
		return err_set(e, ERR_PROTOCOL,
		    "server sent an epoch answer whose conversations lack \"id\" or \"bases\"");
	c->id = xstrdup(json_string_value(id));
	size_t n = json_object_size(bases);
	c->senders = xcalloc(n ? n : 1, sizeof(*c->senders));
	c->bases = xcalloc(n ? n : 1, sizeof(*c->bases));
	const char *k;
	json_t *v;
	json_object_foreach(bases, k, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return err_set(e, ERR_PROTOCOL,
			    "server sent an epoch base that is not a non-negative integer");
		c->senders[c->n] = xstrdup(k);
		c->bases[c->n++] = (uint64_t)json_integer_value(v);
	}
	return 0;
}

/* Decodes the answer to GET /v1/epoch. */
int
epoch_parse_bases(
    const char *body, size_t len, struct epoch_bases *out, struct epoch *ep, struct err *e)
{
	memset(out, 0, sizeof(*out));
	json_error_t je;
	json_t *j = json_loadb(body, len, 0, &je);
	if (j == NULL)
		return err_set(e, ERR_PROTOCOL, "server sent an epoch answer that is not JSON");
	int ret = -1;
	json_t *convs = json_object_get(j, "conversations"), *cur = json_object_get(j, "cursor");
	struct epoch tmp;
	if (!json_is_array(convs))
		err_set(e, ERR_PROTOCOL, "server sent an epoch answer without \"conversations\"");
	else if (cur != NULL && (!json_is_integer(cur) || json_integer_value(cur) < 0))
		err_set(e, ERR_PROTOCOL, "server sent an epoch \"cursor\" that is not a number");
	else if (epoch_from_json(json_object_get(j, "epoch"), ep ? ep : &tmp, e) == 0) {
		out->cursor = cur ? (uint64_t)json_integer_value(cur) : 0;
		size_t n = json_array_size(convs);
		out->convs = xcalloc(n ? n : 1, sizeof(*out->convs));
		ret = 0;
		for (size_t i = 0; i < n && ret == 0; i++) {
			ret = conv_from_json(json_array_get(convs, i), &out->convs[i], e);
			out->n++;
		}
		if (ret == 0)
			qsort(out->convs, out->n, sizeof(*out->convs), conv_cmp);
	}
	json_decref(j);
	if (ret < 0)
		epoch_bases_free(out);
	return ret;
}

/* Frees the bases. */
void
epoch_bases_free(struct epoch_bases *b)
{
	for (size_t i = 0; i < b->n; i++) {
		for (size_t k = 0; k < b->convs[i].n; k++)
			free(b->convs[i].senders[k]);
		free(b->convs[i].senders);
		free(b->convs[i].bases);
		free(b->convs[i].id);
	}
	free(b->convs);
	memset(b, 0, sizeof(*b));
}

/* The base of sender in conv: a listed conversation's senders not named kept nothing. */
int
epoch_base(const struct epoch_bases *b, const char *conv, const char *sender, uint64_t *base)
{
	*base = 0;
	if (b->reset)
		return 1;
	struct epoch_conv key = {.id = (char *)conv};
	const struct epoch_conv *c = bsearch(&key, b->convs, b->n, sizeof(*b->convs), conv_cmp);
	if (c == NULL)
		return 0;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->senders[i], sender) == 0)
			*base = c->bases[i];
	return 1;
}

/* Same, restored or reset; an unknown side changes nothing. */
enum epoch_change
epoch_compare(const struct epoch *held, const struct epoch *now)
{
	if (!held->known || !now->known)
		return EPOCH_SAME;
	if (strcmp(held->server, now->server) != 0)
		return EPOCH_RESET;
	return held->generation == now->generation ? EPOCH_SAME : EPOCH_RESTORED;
}

/* "SERVER GENERATION". */
char *
epoch_encode(const struct epoch *ep)
{
	return xasprintf("%s %" PRId64, ep->server, ep->generation);
}

/* Parses "SERVER GENERATION"; anything else is no epoch. */
void
epoch_decode(const char *s, struct epoch *out)
{
	memset(out, 0, sizeof(*out));
	char server[33];
	long long g;
	char extra;
	if (s == NULL || sscanf(s, "%32s %lld %c", server, &g, &extra) != 2 ||
	    !server_id_valid(server) || g < 1)
		return;
	memcpy(out->server, server, sizeof(out->server));
	out->generation = g;
	out->known = true;
}

/* The sentence of a change, naming the server and the messages kept. */
char *
epoch_notice(const char *url, enum epoch_change ch, uint64_t lost)
{
	const char *what = ch == EPOCH_RESET
	    ? "now answers from another database (it was reset or replaced)"
	    : "was restored from a backup";
	if (lost == 0)
		return xasprintf(
		    "The server at %s %s: every message this device holds is still on it.", url,
		    what);
	if (lost == 1)
		return xasprintf("The server at %s %s: 1 message this device holds is no longer "
				 "on it; it is kept and marked.",
		    url, what);
	return xasprintf("The server at %s %s: %" PRIu64 " messages this device holds are no "
			 "longer on it; they are kept and marked.",
	    url, what, lost);
}
