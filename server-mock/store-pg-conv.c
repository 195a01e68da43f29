/* The PostgreSQL backend: conversations and their members. */
#include <stdlib.h>

#include "store-pg.h"

/* Inserts a conversation; 1 when the public id is taken (no error: the transaction goes on). */
int
pg_conv_insert(struct store *base, const char *id, const char *title, int64_t *conv, struct err *e)
{
	struct pgp p = {0};
	pgp_text(&p, id);
	pgp_text(&p, title);
	pgp_int(&p, now_ms());
	return pg_one_int(pg(base), P_CONV_INSERT, &p, conv, e);
}

/* Makes uid a member of conv unless it is one. */
int
pg_member_add(struct store *base, int64_t conv, int64_t uid, bool *added, struct err *e)
{
	struct pgp p = {0};
	pgp_int(&p, conv);
	pgp_int(&p, uid);
	int64_t n = pg_run(pg(base), P_MEMBER_INSERT, &p, e);
	if (n < 0)
		return -1;
	*added = n > 0;
	return 0;
}

/* The internal id of a conversation of which uid is a member. */
int
pg_conv_member(struct store *base, int64_t uid, const char *id, int64_t *conv, struct err *e)
{
	struct pgp p = {0};
	pgp_text(&p, id);
	pgp_int(&p, uid);
	return pg_one_int(pg(base), P_CONV_MEMBER, &p, conv, e);
}

/* The ids of uid's conversations, oldest first. */
int
pg_conv_ids(struct store *base, int64_t uid, int64_t **ids, size_t *n, struct err *e)
{
	*ids = NULL;
	*n = 0;
	struct pgp p = {0};
	pgp_int(&p, uid);
	PGresult *r = pg_q(pg(base), P_CONV_LIST, &p, e);
	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		store_push_id(ids, n, pg_int(r, i, 0));
	PQclear(r);
	return 0;
}

/* A conversation with its members (by name, bytewise) and their last seqs. */
int
pg_conv_get(struct store *base, int64_t conv, struct store_conv *out, struct err *e)
{
	struct pg_store *s = pg(base);
	struct pgp p = {0};
	pgp_int(&p, conv);
	PGresult *r = pg_q(s, P_CONV_GET, &p, e);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return err_set(e, ERR_DB, "conversation %lld vanished", (long long)conv);
	}
	*out = (struct store_conv){
	    .id = xstrdup(PQgetvalue(r, 0, 0)),
	    .title = xstrdup(PQgetvalue(r, 0, 1)),
	    .created = pg_int(r, 0, 2),
	    .direct = pg_bool(r, 0, 3),
	};
	PQclear(r);
	if ((r = pg_q(s, P_MEMBERS, &p, e)) == NULL) {
		store_conv_free(out);
		return -1;
	}
	int n = PQntuples(r);
	out->members = xcalloc((size_t)n + 1, sizeof(*out->members));
	for (int i = 0; i < n; i++)
		out->members[out->nmembers++] = (struct store_member){
		    .name = xstrdup(PQgetvalue(r, i, 0)),
		    .last_seq = (uint64_t)pg_int(r, i, 1),
		    .state = (enum member_state)pg_int(r, i, 2),
		    .role = (enum member_role)pg_int(r, i, 3),
		};
	PQclear(r);
	return 0;
}

/* The members of conv that have sent something, with their last seqs. */
int
pg_conv_senders(
    struct store *base, int64_t conv, struct store_sender **out, size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	struct pgp p = {0};
	pgp_int(&p, conv);
	PGresult *r = pg_q(pg(base), P_SENDERS, &p, e);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int i = 0; i < rows; i++)
		(*out)[(*n)++] = (struct store_sender){
		    .uid = pg_int(r, i, 0),
		    .name = xstrdup(PQgetvalue(r, i, 1)),
		    .last_seq = (uint64_t)pg_int(r, i, 2),
		};
	PQclear(r);
	return 0;
}
