/* Reading request bodies: depth, UTF-8 and type checks before any route sees them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "text.h"

/* Fills r with the error body {"error","message"}; returns -1. */
int
reply_error(struct reply *r, unsigned status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_decref(r->json);
	r->status = status;
	/* msg may quote the client's bytes (jansson's error text): make it valid UTF-8. */
	char *clean = text_sanitize(msg, strlen(msg), TEXT_KEEP_NEWLINE);
	r->json = json_pack("{s:s, s:s}", "error", code, "message", clean);
	free(clean);
	return -1;
}

/*
 * The deepest nesting of arrays and objects in JSON text, skipping strings.
 * jansson's own limit is fixed at build time, so the protocol's 32 is
 * checked here first.
 */
int
request_json_depth(const char *s, size_t len)
{
	int depth = 0, max = 0;
	bool str = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				str = false;
		} else if (c == '"') {
			str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return max;
}

/* Parses the body as a JSON object. */
json_t *
request_json(const struct buf *body, struct reply *r)
{
	const char *s = body->data ? body->data : "";
	if (!text_acceptable(s, body->len)) {
		reply_error(r, 400, "invalid_utf8", "the request is not valid UTF-8 or holds NUL");
		return NULL;
	}
	if (request_json_depth(s, body->len) > MAX_JSON_DEPTH) {
		reply_error(r, 400, "malformed_json", "JSON nested deeper than %d", MAX_JSON_DEPTH);
		return NULL;
	}
	json_error_t je;
	json_t *j = json_loadb(s, body->len, JSON_ALLOW_NUL, &je);
	if (j == NULL) {
		if (json_error_code(&je) == json_error_invalid_utf8)
			reply_error(r, 400, "invalid_utf8", "%s", je.text);
		else
			reply_error(
			    r, 400, "malformed_json", "%s at byte %d", je.text, je.position);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		reply_error(r, 400, "malformed_json", "the request body must be a JSON object");
		return NULL;
	}
	return j;
}

/* A required string field, valid UTF-8 without NUL. */
int
request_string(json_t *o, const char *key, const char **s, size_t *len, struct reply *r)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		return reply_error(r, 400, "invalid_field", "\"%s\" must be a string", key);
	*s = json_string_value(v);
	*len = json_string_length(v);
	if (!text_acceptable(*s, *len))
		return reply_error(
		    r, 400, "invalid_utf8", "\"%s\" holds NUL or invalid UTF-8", key);
	return 0;
}
