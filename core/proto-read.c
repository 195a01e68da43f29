/* The codec of read state: marks {"sender": seq} and the read request. */
#include <stdlib.h>
#include <string.h>

#include "proto.h"

/* Decodes marks: an object of user names to seqs from 0 to 2^53. */
int
proto_marks_from_json(json_t *j, struct marks *m, struct err *e)
{
	*m = (struct marks){0};
	if (!json_is_object(j))
		return err_set(e, ERR_PROTOCOL, "server sent read marks that are not an object");
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v)
	{
		if (!proto_valid_user(k) || !json_is_integer(v) || json_integer_value(v) < 0 ||
		    (uint64_t)json_integer_value(v) > SEQ_MAX) {
			marks_free(m);
			return err_set(e, ERR_PROTOCOL,
			    "server sent a read mark that is not a "
			    "user name and a seq");
		}
		if (json_integer_value(v) > 0)
			marks_raise(m, k, (uint64_t)json_integer_value(v));
	}
	return 0;
}

/* Encodes {"read": {sender: seq, ...}}. */
char *
proto_read_request(const struct marks *m)
{
	json_t *o = json_object();
	for (size_t i = 0; i < m->n; i++)
		json_object_set_new(o, m->v[i].sender, json_integer((json_int_t)m->v[i].seq));
	json_t *j = json_pack("{s:o}", "read", o);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}
