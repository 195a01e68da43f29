/*
 * Fuzzes the client's decoders of server responses: the first byte picks
 * proto_parse_auth, _conversations, _conversation, _ack, _sync, _events or
 * _error; the rest is the body. A decoder either fails with words or
 * returns values that keep the promises of proto.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless a decoded message holds what proto_msg_from_json promises. */
static void
check_msg(const struct message *m)
{
	if (!proto_valid_id(m->conv) || !proto_valid_user(m->sender) || m->seq < 1 ||
	    m->seq > SEQ_MAX || m->ts < 0 || m->body == NULL)
		abort();
}

/* Aborts unless a decoded conversation is well-formed. */
static void
check_conv(const struct conversation *c)
{
	if (!proto_valid_id(c->id) || c->title == NULL)
		abort();
	for (size_t i = 0; i < c->nmembers; i++)
		if (!proto_valid_user(c->members[i]))
			abort();
	if (strlen(c->digest) != 0 && strlen(c->digest) != DIGEST_HEXLEN)
		abort();
}

/* Aborts when a failed decoder gave no words, or words a terminal would obey. */
static void
check_err(int rc, const struct err *e)
{
	if (rc < 0 && e->msg[0] == '\0')
		abort();
	if (rc < 0 && !text_is_clean(e->msg, strlen(e->msg), 0))
		abort();
}

/* One input: the first byte chooses the decoder. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	struct err e = {0};
	int rc;
	switch (data[0] % 7) {
	case 0: {
		struct auth_reply a;
		rc = proto_parse_auth(body, len, &a, &e);
		check_err(rc, &e);
		if (rc == 0) {
			if (!proto_valid_user(a.user) || a.token == NULL)
				abort();
			auth_reply_free(&a);
		}
		break;
	}
	case 1: {
		struct conversation *v;
		size_t n;
		rc = proto_parse_conversations(body, len, &v, &n, &e);
		check_err(rc, &e);
		if (rc == 0) {
			for (size_t i = 0; i < n; i++)
				check_conv(&v[i]);
			conversations_free(v, n);
		}
		break;
	}
	case 2: {
		struct conversation c;
		rc = proto_parse_conversation(body, len, &c, &e);
		check_err(rc, &e);
		if (rc == 0) {
			check_conv(&c);
			conversation_free(&c);
		}
		break;
	}
	case 3: {
		struct message a;
		rc = proto_parse_ack(body, len, &a, &e);
		check_err(rc, &e);
		if (rc == 0) {
			if (!proto_valid_id(a.conv) || a.seq < 1 || a.seq > SEQ_MAX)
				abort();
			message_free(&a);
		}
		break;
	}
	case 4: {
		struct sync_reply r;
		rc = proto_parse_sync(body, len, &r, &e);
		check_err(rc, &e);
		if (rc == 0) {
			for (size_t i = 0; i < r.nmsgs; i++)
				check_msg(&r.msgs[i]);
			for (size_t i = 0; i < r.nconvs; i++)
				check_conv(&r.convs[i]);
			sync_reply_free(&r);
		}
		break;
	}
	case 5: {
		struct events_reply r;
		rc = proto_parse_events(body, len, &r, &e);
		check_err(rc, &e);
		if (rc == 0) {
			for (size_t i = 0; i < r.nevents; i++) {
				if (r.events[i].type == EVENT_MESSAGE)
					check_msg(&r.events[i].msg);
				else
					check_conv(&r.events[i].conv);
			}
			events_reply_free(&r);
		}
		break;
	}
	default: {
		struct api_error ae;
		proto_parse_error(body, len, &ae);
		if (memchr(ae.code, '\0', sizeof(ae.code)) == NULL ||
		    memchr(ae.message, '\0', sizeof(ae.message)) == NULL)
			abort();
		break;
	}
	}
	return 0;
}
