/* Tests of the server's request body decoding (server-mock/request.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"

/* Parses text as a request body; returns the object or NULL with r filled. */
static json_t *
parse(const char *text, size_t len, struct reply *r)
{
	struct buf b = {0};
	buf_append(&b, text, len);
	json_t *j = request_json(&b, r);
	buf_free(&b);
	return j;
}

/*
 * jansson quotes the bad bytes in its error, here half a UTF-8 sequence:
 * the 400 still carries a JSON error body (found by fuzz_server_request).
 */
static void
server__request_json__error_body_despite_bad_bytes(void **state)
{
	(void)state;
	static const char body[] = "{\"user\":\"rol\",\"password\":\"x\\u000\xd0\x86\xdd\x82";
	struct reply r = {0};
	assert_null(parse(body, sizeof(body) - 1, &r));
	assert_int_equal(r.status, 400);
	assert_non_null(r.json);
	assert_string_equal(json_string_value(json_object_get(r.json, "error")), "malformed_json");
	assert_non_null(json_string_value(json_object_get(r.json, "message")));
	json_decref(r.json);
}

/* Deep nesting, a non-object and NUL are refused with their codes. */
static void
server__request_json__refusals(void **state)
{
	(void)state;
	struct reply r = {0};
	char deep[80];
	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	assert_null(parse(deep, sizeof(deep), &r));
	assert_string_equal(json_string_value(json_object_get(r.json, "error")), "malformed_json");
	assert_null(parse("[1]", 3, &r));
	assert_string_equal(json_string_value(json_object_get(r.json, "error")), "malformed_json");
	/* A NUL parses (jansson is told to allow it) and is refused by request_string. */
	json_t *j = parse("{\"a\":\"b\\u0000c\"}", 16, &r);
	assert_non_null(j);
	const char *s;
	size_t len;
	assert_int_equal(request_string(j, "a", &s, &len, &r), -1);
	assert_string_equal(json_string_value(json_object_get(r.json, "error")), "invalid_utf8");
	json_decref(j);
	json_decref(r.json);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(server__request_json__error_body_despite_bad_bytes),
	    cmocka_unit_test(server__request_json__refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
