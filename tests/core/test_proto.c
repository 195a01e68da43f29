/* Tests of the protocol codec (core/proto.c): good bodies, and bad ones refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"

#define S(x) x, strlen(x)

/* Items decode with their fields; an unknown kind is kept; bad items are refused. */
static void
proto__items__decode_kinds_and_refuse_bad_ones(void **state)
{
	(void)state;
	const char *body =
	    "{\"messages\":["
	    "{\"conv\":\"c1\",\"sender\":\"bob\",\"seq\":1,\"ts\":1,\"kind\":\"edit\","
	    "\"body\":\"new\",\"target\":{\"sender\":\"bob\",\"seq\":0}}],"
	    "\"more\":false,\"cursor\":1}";
	struct sync_reply r;
	struct err e = {0};
	assert_int_equal(proto_parse_sync(S(body), &r, &e), -1);
	const char *good =
	    "{\"messages\":["
	    "{\"conv\":\"c1\",\"sender\":\"bob\",\"seq\":1,\"ts\":1,\"deleted\":true},"
	    "{\"conv\":\"c1\",\"sender\":\"bob\",\"seq\":2,\"ts\":2,\"kind\":\"delete\","
	    "\"target\":{\"sender\":\"bob\",\"seq\":1}},"
	    "{\"conv\":\"c1\",\"sender\":\"ann\",\"seq\":1,\"ts\":3,\"kind\":\"react\","
	    "\"body\":\"+1\",\"remove\":true,\"target\":{\"sender\":\"bob\",\"seq\":1}},"
	    "{\"conv\":\"c1\",\"sender\":\"ann\",\"seq\":2,\"ts\":4,\"kind\":\"member\","
	    "\"op\":\"add\",\"users\":[\"cy\",\"dee\"]},"
	    "{\"conv\":\"c1\",\"sender\":\"ann\",\"seq\":3,\"ts\":5,\"kind\":\"poll\"},"
	    "{\"conv\":\"c1\",\"sender\":\"ann\",\"seq\":4,\"ts\":6,\"body\":\"waves\","
	    "\"action\":true,\"target\":{\"sender\":\"bob\",\"seq\":1}}],"
	    "\"more\":false,\"cursor\":1}";
	assert_int_equal(proto_parse_sync(S(good), &r, &e), 0);
	assert_int_equal(r.nmsgs, 6);
	assert_int_equal(message_kind(&r.msgs[0]), ITEM_MESSAGE);
	assert_true(r.msgs[0].deleted);
	assert_string_equal(r.msgs[0].body, "");
	assert_int_equal(message_kind(&r.msgs[1]), ITEM_DELETE);
	assert_string_equal(r.msgs[1].target_sender, "bob");
	assert_int_equal(r.msgs[1].target_seq, 1);
	assert_int_equal(message_kind(&r.msgs[2]), ITEM_REACT);
	assert_true(r.msgs[2].remove);
	assert_string_equal(r.msgs[2].body, "+1");
	assert_string_equal(r.msgs[3].op, "add");
	assert_string_equal(r.msgs[3].users, "cy dee");
	assert_int_equal(message_kind(&r.msgs[4]), ITEM_UNKNOWN);
	assert_string_equal(r.msgs[4].kind, "poll");
	assert_false(message_is_line(&r.msgs[4]));
	assert_true(r.msgs[5].action);
	assert_string_equal(r.msgs[5].target_sender, "bob");
	sync_reply_free(&r);
	const char *bad[] = {
	    "{\"conv\":\"c1\",\"sender\":\"b\",\"seq\":1,\"ts\":1,\"kind\":\"edit\",\"body\":"
	    "\"x\"}",
	    "{\"conv\":\"c1\",\"sender\":\"b\",\"seq\":1,\"ts\":1,\"kind\":\"\\u001b[2J\"}",
	    "{\"conv\":\"c1\",\"sender\":\"b\",\"seq\":1,\"ts\":1,\"kind\":\"member\",\"op\":"
	    "\"add\"}",
	    "{\"conv\":\"c1\",\"sender\":\"b\",\"seq\":1,\"ts\":1,\"body\":\"x\",\"action\":1}",
	    "{\"conv\":\"c1\",\"sender\":\"b\",\"seq\":1,\"ts\":1}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		json_t *j = json_loads(bad[i], 0, NULL);
		assert_non_null(j);
		struct message m;
		assert_int_equal(proto_msg_from_json(j, &m, &e), -1);
		json_decref(j);
	}
	struct message it = {
	    .kind = "react", .body = "+1", .target_sender = "bob", .target_seq = 3, .remove = true};
	char *req = proto_item_request("c9", &it);
	assert_string_equal(req,
	    "{\"client_id\":\"c9\",\"kind\":\"react\",\"body\":\"+1\","
	    "\"target\":{\"sender\":\"bob\",\"seq\":3},\"remove\":true}");
	free(req);
	struct message del = {
	    .kind = "delete", .body = "", .target_sender = "bob", .target_seq = 3};
	req = proto_item_request("c9", &del);
	assert_string_equal(req,
	    "{\"client_id\":\"c9\",\"kind\":\"delete\",\"target\":{\"sender\":\"bob\",\"seq\":3}}");
	free(req);
}

/* A full sync answer decodes into messages, more, cursor and conversations. */
static void
proto__sync__decodes_good_answer(void **state)
{
	(void)state;
	const char *body =
	    "{\"messages\":[{\"conv\":\"c1\",\"sender\":\"bob\",\"seq\":6,\"ts\":1795300000999,"
	    "\"body\":\"hi\"}],\"more\":true,\"cursor\":1234,\"conversations\":[{\"id\":\"c1\","
	    "\"title\":\"proj\",\"members\":[\"alice\",\"bob\"],\"created\":1795300000000,"
	    "\"digest\":\"e3b0c44298fc1c149afbf4c8996fb924\"}]}";
	struct sync_reply r;
	struct err e = {0};
	assert_int_equal(proto_parse_sync(S(body), &r, &e), 0);
	assert_int_equal(r.nmsgs, 1);
	assert_string_equal(r.msgs[0].sender, "bob");
	assert_int_equal(r.msgs[0].seq, 6);
	assert_int_equal(r.msgs[0].ts, 1795300000999LL);
	assert_true(r.more);
	assert_int_equal(r.cursor, 1234);
	assert_int_equal(r.nconvs, 1);
	assert_int_equal(r.convs[0].nmembers, 2);
	assert_string_equal(r.convs[0].digest, "e3b0c44298fc1c149afbf4c8996fb924");
	assert_false(r.convs[0].has_vector);
	sync_reply_free(&r);
}

/* Each malformed sync answer is refused with ERR_PROTOCOL and a reason. */
static void
proto__sync__refuses_bad_answers(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "not json",
	    "[]",
	    "{\"more\":false,\"cursor\":1}",
	    "{\"messages\":{},\"more\":false,\"cursor\":1}",
	    "{\"messages\":[],\"more\":\"no\",\"cursor\":1}",
	    "{\"messages\":[],\"more\":false}",
	    "{\"messages\":[],\"more\":false,\"cursor\":-1}",
	    "{\"messages\":[{\"conv\":\"c1\",\"sender\":\"bob\",\"seq\":0,\"ts\":1,\"body\":\"x\"}]"
	    ","
	    "\"more\":false,\"cursor\":1}",
	    "{\"messages\":[{\"conv\":\"c1\",\"sender\":\"bob\",\"seq\":9007199254740993,\"ts\":1,"
	    "\"body\":\"x\"}],\"more\":false,\"cursor\":1}",
	    "{\"messages\":[{\"conv\":\"c1\",\"sender\":\"bob\",\"seq\":\"1\",\"ts\":1,\"body\":"
	    "\"x\"}],"
	    "\"more\":false,\"cursor\":1}",
	    "{\"messages\":[{\"conv\":\"c1\",\"sender\":\"Bob!\",\"seq\":1,\"ts\":1,\"body\":\"x\"}"
	    "],"
	    "\"more\":false,\"cursor\":1}",
	    "{\"messages\":[{\"conv\":\"c "
	    "1\",\"sender\":\"bob\",\"seq\":1,\"ts\":1,\"body\":\"x\"}],"
	    "\"more\":false,\"cursor\":1}",
	    "{\"messages\":[{\"conv\":\"c1\",\"sender\":\"bob\",\"seq\":1,\"ts\":1}],"
	    "\"more\":false,\"cursor\":1}",
	    "{\"messages\":[{\"conv\":\"c1\",\"sender\":\"bob\",\"seq\":1,\"ts\":1,\"body\":\"\"}],"
	    "\"more\":false,\"cursor\":1}",
	    "{\"messages\":[{\"conv\":\"c1\",\"sender\":\"bob\",\"seq\":1.5,\"ts\":1,\"body\":"
	    "\"x\"}],"
	    "\"more\":false,\"cursor\":1}",
	    "{\"messages\":[],\"more\":false,\"cursor\":1,\"conversations\":[{\"id\":\"c1\"}]}",
	    "{\"messages\":[],\"more\":false,\"cursor\":1,\"conversations\":[{\"id\":\"c1\","
	    "\"title\":\"t\",\"members\":[\"alice\",7]}]}",
	    "{\"messages\":[],\"more\":false,\"cursor\":1,\"conversations\":[{\"id\":\"c1\","
	    "\"title\":\"t\",\"members\":[],\"digest\":\"xyz\"}]}",
	    "{\"messages\":[],\"messages\":[],\"more\":false,\"cursor\":1}",
	};
	for (size_t i = 0; i < nitems(bad); i++) {
		struct sync_reply r;
		struct err e = {0};
		if (proto_parse_sync(S(bad[i]), &r, &e) != -1)
			fail_msg("accepted bad answer %zu: %s", i, bad[i]);
		assert_int_equal(e.kind, ERR_PROTOCOL);
		assert_true(strlen(e.msg) > 0);
	}
}

/* Vectors decode strictly: invalid ranges are refused with the position. */
static void
proto__vector__strict_ranges(void **state)
{
	(void)state;
	struct err e = {0};
	json_t *good =
	    json_loads("{\"alice\":\"1-40,42\",\"bob\":\"\",\"carol\":\"1-3,4\"}", 0, NULL);
	struct vector v;
	assert_int_equal(proto_vector_from_json(good, &v, &e), 0);
	assert_int_equal(vector_count(&v), 45);
	assert_true(seqset_contains(vector_get(&v, "carol"), 4));
	json_t *back = proto_vector_to_json(&v);
	assert_string_equal(json_string_value(json_object_get(back, "carol")), "1-4");
	assert_null(json_object_get(back, "bob"));
	json_decref(back);
	vector_free(&v);
	json_decref(good);

	static const char *const bad[] = {"{\"a\":\"1,,2\"}", "{\"a\":\"0\"}", "{\"a\":\"5-2\"}",
	    "{\"a\":\"3-3\"}", "{\"a\":\"7,3\"}", "{\"a\":\"01\"}", "{\"a\":\"1,\"}", "{\"a\":5}",
	    "{\"A\":\"1\"}", "[\"1\"]"};
	for (size_t i = 0; i < nitems(bad); i++) {
		json_t *j = json_loads(bad[i], 0, NULL);
		assert_non_null(j);
		if (proto_vector_from_json(j, &v, &e) != -1)
			fail_msg("accepted bad vector %s", bad[i]);
		assert_int_equal(e.kind, ERR_PROTOCOL);
		json_decref(j);
	}
}

/* The conversation list decodes vectors and digests. */
static void
proto__conversations__decode_with_vector(void **state)
{
	(void)state;
	const char *body = "{\"conversations\":[{\"id\":\"c5d1e0f3a9b27c4e1\",\"title\":\"proj\","
			   "\"members\":[\"alice\",\"bob\"],\"created\":1795300000000,"
			   "\"vector\":{\"alice\":\"1-40\",\"bob\":\"1-7\"},"
			   "\"digest\":\"5b0e0000000000000000000000000000\"}]}";
	struct conversation *v;
	size_t n;
	struct err e = {0};
	assert_int_equal(proto_parse_conversations(S(body), &v, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_true(v[0].has_vector);
	assert_int_equal(vector_count(&v[0].vector), 47);
	assert_string_equal(v[0].title, "proj");
	assert_false(v[0].direct);
	assert_int_equal(v[0].state, CONV_MEMBER);
	conversations_free(v, n);
	/* Membership fields: an invitation with its inviter, a departure, a direct one. */
	const char *more =
	    "{\"conversations\":[{\"id\":\"c1\",\"title\":\"proj\",\"members\":[\"bob.\"],"
	    "\"invited\":true,\"inviter\":\"bob.\"},{\"id\":\"c2\",\"title\":\"t\","
	    "\"members\":[],\"left\":true},{\"id\":\"c3\",\"title\":\"a, b\",\"members\":"
	    "[\"a\",\"b\"],\"direct\":true,\"inviter\":\"x\"}]}";
	assert_int_equal(proto_parse_conversations(S(more), &v, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].state, CONV_INVITED);
	assert_string_equal(v[0].inviter, "bob.");
	assert_int_equal(v[1].state, CONV_LEFT);
	assert_true(v[2].direct);
	assert_int_equal(v[2].state, CONV_MEMBER);
	assert_null(v[2].inviter); /* an inviter without "invited" means nothing */
	conversations_free(v, n);
	assert_int_equal(proto_parse_conversations(S("{\"conversations\":7}"), &v, &n, &e), -1);
	assert_int_equal(proto_parse_conversations(S("{}"), &v, &n, &e), -1);
}

/* Acks, logins and events decode; an error body is read as far as it goes. */
static void
proto__misc__ack_auth_events_error(void **state)
{
	(void)state;
	struct err e = {0};
	struct message a;
	assert_int_equal(
	    proto_parse_ack(S("{\"conv\":\"c1\",\"sender\":\"al\",\"seq\":41,\"ts\":5}"), &a, &e),
	    0);
	assert_int_equal(a.seq, 41);
	message_free(&a);
	assert_int_equal(
	    proto_parse_ack(S("{\"conv\":\"c1\",\"sender\":\"al\",\"ts\":5}"), &a, &e), -1);

	struct auth_reply au;
	assert_int_equal(
	    proto_parse_auth(S("{\"user\":\"carol\",\"token\":\"9f86\"}"), &au, &e), 0);
	assert_string_equal(au.token, "9f86");
	auth_reply_free(&au);
	assert_int_equal(proto_parse_auth(S("{\"user\":\"carol\",\"token\":3}"), &au, &e), -1);

	struct events_reply r;
	const char *ev = "{\"cursor\":1240,\"gap\":true,\"events\":[{\"type\":\"message\","
			 "\"conv\":\"c1\",\"sender\":\"bob\",\"seq\":8,\"ts\":1,\"body\":\"?\"},"
			 "{\"type\":\"future\"},{\"type\":\"conversation\",\"id\":\"c7\","
			 "\"title\":\"lunch\",\"members\":[\"alice\",\"carol\"],\"created\":2}]}";
	assert_int_equal(proto_parse_events(S(ev), &r, &e), 0);
	assert_true(r.gap);
	assert_int_equal(r.nevents, 2);
	assert_int_equal(r.events[0].type, EVENT_MESSAGE);
	assert_int_equal(r.events[1].type, EVENT_CONVERSATION);
	assert_string_equal(r.events[1].conv.title, "lunch");
	events_reply_free(&r);

	struct api_error ae;
	proto_parse_error(S("{\"error\":\"not_found\",\"message\":\"no such thing\"}"), &ae);
	assert_string_equal(ae.code, "not_found");
	assert_string_equal(ae.message, "no such thing");
	proto_parse_error(S("<html>"), &ae);
	assert_string_equal(ae.code, "");
}

/* Requests encode as compact JSON; invalid UTF-8 gives NULL, not a crash. */
static void
proto__encode__requests(void **state)
{
	(void)state;
	char *s = proto_message_request("7f3a", "hello \"you\"");
	assert_string_equal(s, "{\"client_id\":\"7f3a\",\"body\":\"hello \\\"you\\\"\"}");
	free(s);
	assert_null(proto_message_request("7f3a", "bad \xff"));
	struct vmap m = {0};
	vector_add(vmap_get(&m, "c1"), "alice", 1);
	vector_add(vmap_get(&m, "c1"), "alice", 2);
	vmap_get(&m, "c2");
	char *ids[] = {"c1", "c2"};
	char *have[2];
	for (size_t i = 0; i < 2; i++)
		have[i] = proto_have_entry(ids[i], vmap_get(&m, ids[i]));
	assert_string_equal(have[0], "\"c1\":{\"alice\":\"1-2\"}");
	s = proto_sync_request(have, 2, ids, 2, 500, 0);
	assert_string_equal(s,
	    "{\"have\":{\"c1\":{\"alice\":\"1-2\"},\"c2\":{}},"
	    "\"conversations\":[\"c1\",\"c2\"],\"limit\":500}");
	free(s);
	/* No scope, no limit: only the have. */
	s = proto_sync_request(have, 1, NULL, 0, 0, 0);
	assert_string_equal(s, "{\"have\":{\"c1\":{\"alice\":\"1-2\"}}}");
	free(s);
	/* Newest first. */
	s = proto_sync_request(have + 1, 1, ids + 1, 1, 1000, 200);
	assert_string_equal(
	    s, "{\"have\":{\"c2\":{}},\"conversations\":[\"c2\"],\"limit\":1000,\"newest\":200}");
	free(s);
	free(have[0]);
	free(have[1]);
	vmap_free(&m);
}

/* User names and ids follow the documented grammar. */
static void
proto__grammar__names_and_ids(void **state)
{
	(void)state;
	assert_true(proto_valid_user("alice"));
	assert_true(proto_valid_user("a.b_c-9"));
	assert_false(proto_valid_user(""));
	assert_false(proto_valid_user("Alice"));
	assert_false(proto_valid_user("-x"));
	assert_false(proto_valid_user("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_true(proto_valid_id("c5d1e0f3a9b27c4e1"));
	assert_false(proto_valid_id("c/1"));
	assert_false(proto_valid_id(""));
}

/* jansson quotes the bad bytes in its error: a server's escape codes never reach the words raw. */
static void
proto__parse__invalid_json_error_is_sanitized(void **state)
{
	(void)state;
	const char *bad = "{\"user\": \x1b]0;pwned\x07\x1b[2J}";
	struct auth_reply a;
	struct err e = {0};
	assert_int_equal(proto_parse_auth(bad, strlen(bad), &a, &e), -1);
	assert_int_equal(e.kind, ERR_PROTOCOL);
	assert_non_null(strstr(e.msg, "invalid JSON"));
	assert_null(strchr(e.msg, 0x1b));
	assert_null(strchr(e.msg, 0x07));
}

#define DG "5b0e0000000000000000000000000000"

/* A changes answer: digests alone, or with metadata for a new member; a full one has every title. */
static void
proto__changes__decodes_listed_conversations(void **state)
{
	(void)state;
	const char *body =
	    "{\"cursor\":1240,\"full\":false,\"conversations\":["
	    "{\"id\":\"c5d1e0f3a9b27c4e1\",\"digest\":\"" DG "\"},"
	    "{\"id\":\"c77aa01b2c3d4e5f6\",\"digest\":\"" DG "\",\"title\":\"lunch\","
	    "\"members\":[\"alice\",\"carol\"],\"created\":1795300001001}],"
	    "\"later\":true}";
	struct changes_reply r;
	struct err e = {0};
	assert_int_equal(proto_parse_changes(S(body), &r, &e), 0);
	assert_int_equal(r.cursor, 1240);
	assert_false(r.full);
	assert_int_equal(r.nconvs, 2);
	assert_false(r.has_meta[0]);
	assert_string_equal(r.convs[0].id, "c5d1e0f3a9b27c4e1");
	assert_string_equal(r.convs[0].digest, DG);
	assert_null(r.convs[0].title);
	assert_true(r.has_meta[1]);
	assert_string_equal(r.convs[1].title, "lunch");
	assert_int_equal(r.convs[1].nmembers, 2);
	assert_int_equal(r.convs[1].created, 1795300001001);
	changes_reply_free(&r);

	assert_int_equal(
	    proto_parse_changes(S("{\"cursor\":7,\"full\":false,\"conversations\":[]}"), &r, &e),
	    0);
	assert_int_equal(r.nconvs, 0);
	assert_int_equal(r.cursor, 7);
	changes_reply_free(&r);
}

/* Changes answers without a field, with a bad digest, or full without titles are refused. */
static void
proto__changes__refuses_bad_answers(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "{\"full\":false,\"conversations\":[]}",
	    "{\"cursor\":-1,\"full\":false,\"conversations\":[]}",
	    "{\"cursor\":1,\"conversations\":[]}",
	    "{\"cursor\":1,\"full\":0,\"conversations\":[]}",
	    "{\"cursor\":1,\"full\":false}",
	    "{\"cursor\":1,\"full\":false,\"conversations\":{}}",
	    "{\"cursor\":1,\"full\":false,\"conversations\":[7]}",
	    "{\"cursor\":1,\"full\":false,\"conversations\":[{\"id\":\"c1\"}]}",
	    "{\"cursor\":1,\"full\":false,\"conversations\":[{\"id\":\"c/1\",\"digest\":\"" DG
	    "\"}]}",
	    "{\"cursor\":1,\"full\":false,\"conversations\":[{\"id\":\"c1\",\"digest\":\"5B0E\"}]}",
	    "{\"cursor\":1,\"full\":false,\"conversations\":[{\"id\":\"c1\",\"title\":\"t\","
	    "\"members\":[]}]}",
	    "{\"cursor\":1,\"full\":true,\"conversations\":[{\"id\":\"c1\",\"digest\":\"" DG
	    "\"}]}",
	};
	for (size_t i = 0; i < nitems(bad); i++) {
		struct changes_reply r;
		struct err e = {0};
		if (proto_parse_changes(S(bad[i]), &r, &e) != -1)
			fail_msg("accepted bad changes answer %s", bad[i]);
		assert_int_equal(e.kind, ERR_PROTOCOL);
		assert_int_equal(r.nconvs, 0);
		assert_null(r.convs);
	}
}

/* A newest-first answer: newest and older are kept together; invalid ids in older are dropped. */
static void
proto__sync__newest_and_older(void **state)
{
	(void)state;
	struct sync_reply r;
	struct err e = {0};
	assert_int_equal(proto_parse_sync(S("{\"messages\":[],\"more\":true,\"cursor\":3,"
					    "\"newest\":200,\"older\":[\"c1\",7,\"a b\",\"c2\"]}"),
			     &r, &e),
	    0);
	assert_int_equal(r.newest, 200);
	assert_int_equal(r.nolder, 2);
	assert_string_equal(r.older[0], "c1");
	assert_string_equal(r.older[1], "c2");
	sync_reply_free(&r);
	/* An echo without older, or a bad echo, is no newest-first answer. */
	static const char *const none[] = {"\"newest\":200", "\"newest\":0,\"older\":[]",
	    "\"newest\":\"200\",\"older\":[]", "\"older\":[\"c1\"]"};
	for (size_t i = 0; i < nitems(none); i++) {
		char *body = xasprintf("{\"messages\":[],\"more\":true,\"cursor\":3,%s}", none[i]);
		assert_int_equal(proto_parse_sync(body, strlen(body), &r, &e), 0);
		assert_int_equal(r.newest, 0);
		assert_int_equal(r.nolder, 0);
		sync_reply_free(&r);
		free(body);
	}
}

/* A sync answer's `next` is kept with more, checked against the token grammar, ignored without more. */
static void
proto__sync__continuation_token(void **state)
{
	(void)state;
	struct sync_reply r;
	struct err e = {0};
	assert_int_equal(proto_parse_sync(S("{\"messages\":[],\"more\":true,\"cursor\":3,"
					    "\"next\":\"9f0a.c-d_E.7\"}"),
			     &r, &e),
	    0);
	assert_string_equal(r.next, "9f0a.c-d_E.7");
	sync_reply_free(&r);
	assert_int_equal(proto_parse_sync(S("{\"messages\":[],\"more\":false,\"cursor\":3,"
					    "\"next\":\"x\"}"),
			     &r, &e),
	    0);
	assert_null(r.next);
	sync_reply_free(&r);
	assert_int_equal(
	    proto_parse_sync(S("{\"messages\":[],\"more\":true,\"cursor\":3}"), &r, &e), 0);
	assert_null(r.next);
	sync_reply_free(&r);
	static const char *const bad[] = {"\"\"", "\"a b\"", "\"a/b\"", "7", "null"};
	for (size_t i = 0; i < nitems(bad); i++) {
		char *body =
		    xasprintf("{\"messages\":[],\"more\":true,\"cursor\":3,\"next\":%s}", bad[i]);
		if (proto_parse_sync(body, strlen(body), &r, &e) != -1)
			fail_msg("accepted bad next %s", bad[i]);
		free(body);
	}
	char *longest = xcalloc(1, 130);
	memset(longest, 'a', 128);
	assert_true(proto_valid_token(longest));
	longest[128] = 'a';
	assert_false(proto_valid_token(longest));
	free(longest);
}

/* A continuation request is {"next"} with an optional limit. */
static void
proto__encode__sync_next(void **state)
{
	(void)state;
	char *s = proto_sync_next_request("ab.12", 5000);
	assert_string_equal(s, "{\"next\":\"ab.12\",\"limit\":5000}");
	free(s);
	s = proto_sync_next_request("ab.12", 0);
	assert_string_equal(s, "{\"next\":\"ab.12\"}");
	free(s);
}

/* Read state: the read event, marks in changes, the request and its answer. */
static void
proto__read__events_changes_request(void **state)
{
	(void)state;
	struct err e = {0};
	struct events_reply r;
	const char *ev = "{\"cursor\":9,\"gap\":false,\"events\":[{\"type\":\"read\","
			 "\"conv\":\"c1\",\"read\":{\"bob\":8,\"carol\":0}}]}";
	assert_int_equal(proto_parse_events(S(ev), &r, &e), 0);
	assert_int_equal(r.nevents, 1);
	assert_int_equal(r.events[0].type, EVENT_READ);
	assert_string_equal(r.events[0].conv.id, "c1");
	assert_int_equal(r.events[0].conv.read.n, 1); /* a 0 mark is no mark */
	assert_string_equal(r.events[0].conv.read.v[0].sender, "bob");
	assert_int_equal(r.events[0].conv.read.v[0].seq, 8);
	events_reply_free(&r);
	const char *bad[] = {
	    "{\"cursor\":9,\"events\":[{\"type\":\"read\",\"conv\":\"c1\"}]}",
	    "{\"cursor\":9,\"events\":[{\"type\":\"read\",\"conv\":\"c1\",\"read\":{\"b\":-1}}]}",
	    "{\"cursor\":9,\"events\":[{\"type\":\"read\",\"conv\":\"c1\",\"read\":{\"b\":1.5}}]}",
	    ("{\"cursor\":9,\"events\":[{\"type\":\"read\",\"conv\":\"c1\",\"read\":{\"\\u001b\":1}"
	     "}"
	     "]}"),
	    "{\"cursor\":9,\"events\":[{\"type\":\"read\",\"conv\":\"../x\",\"read\":{}}]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(proto_parse_events(S(bad[i]), &r, &e), -1);
		assert_int_equal(e.kind, ERR_PROTOCOL);
	}
	struct changes_reply cr;
	const char *ch = "{\"cursor\":5,\"full\":false,\"conversations\":["
			 "{\"id\":\"c1\",\"digest\":\"e3b0c44298fc1c149afbf4c8996fb924\","
			 "\"read\":{\"bob\":3}},"
			 "{\"id\":\"c2\",\"digest\":\"e3b0c44298fc1c149afbf4c8996fb924\"}]}";
	assert_int_equal(proto_parse_changes(S(ch), &cr, &e), 0);
	assert_true(cr.convs[0].has_read);
	assert_int_equal(cr.convs[0].read.v[0].seq, 3);
	assert_false(cr.convs[1].has_read); /* a server without read state */
	changes_reply_free(&cr);
	struct marks m = {0};
	marks_raise(&m, "bob", 3);
	marks_raise(&m, "bob", 2);
	char *req = proto_read_request(&m);
	assert_string_equal(req, "{\"read\":{\"bob\":3}}");
	free(req);
	marks_free(&m);
	assert_int_equal(proto_parse_read(S("{\"conv\":\"c1\",\"read\":{\"bob\":4}}"), &m, &e), 0);
	assert_int_equal(m.v[0].seq, 4);
	marks_free(&m);
	assert_int_equal(proto_parse_read(S("{\"conv\":\"c1\"}"), &m, &e), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(proto__parse__invalid_json_error_is_sanitized),
	    cmocka_unit_test(proto__sync__decodes_good_answer),
	    cmocka_unit_test(proto__items__decode_kinds_and_refuse_bad_ones),
	    cmocka_unit_test(proto__sync__refuses_bad_answers),
	    cmocka_unit_test(proto__vector__strict_ranges),
	    cmocka_unit_test(proto__conversations__decode_with_vector),
	    cmocka_unit_test(proto__misc__ack_auth_events_error),
	    cmocka_unit_test(proto__read__events_changes_request),
	    cmocka_unit_test(proto__encode__requests),
	    cmocka_unit_test(proto__grammar__names_and_ids),
	    cmocka_unit_test(proto__changes__decodes_listed_conversations),
	    cmocka_unit_test(proto__changes__refuses_bad_answers),
	    cmocka_unit_test(proto__sync__continuation_token),
	    cmocka_unit_test(proto__sync__newest_and_older),
	    cmocka_unit_test(proto__encode__sync_next),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
