/*
 * libmicrohttpd glue: a request's life from its first header to its answer.
 * Limits come first (rate, body size before buffering), then the route; the
 * answer is serialised, maybe gzipped, and maybe spoiled by --faults.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"

/* A response cut in the middle (the close fault). */
struct cut {
	char *data;
	size_t len, half;
};

/* Hands out the first half of the body, then fails so MHD closes the connection. */
static ssize_t
cut_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct cut *c = cls;
	if (pos >= c->half)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	size_t n = c->half - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(out, c->data + pos, n);
	return (ssize_t)n;
}

/* Frees a cut response's body. */
static void
cut_free(void *cls)
{
	struct cut *c = cls;
	free(c->data);
	free(c);
}

/* True for endpoints that faults leave alone, so tests can still watch. */
static bool
fault_exempt(enum endpoint ep)
{
	return ep == EP_HEALTH || ep == EP_METRICS;
}

/* Serialises r, applies faults and queues the answer (or holds it for the delay fault). */
static enum MHD_Result
send_reply(struct req *q, struct reply *r, bool may_delay)
{
	char *data;
	size_t len;
	if (r->json != NULL) {
		data = json_dumps(r->json, JSON_COMPACT);
		json_decref(r->json);
		r->json = NULL;
		if (data == NULL)
			return MHD_NO;
		len = strlen(data);
	} else {
		data = r->text != NULL ? r->text : xstrdup("");
		r->text = NULL;
		len = strlen(data);
	}
	bool exempt = fault_exempt(q->ep);
	if (!exempt && faults_drop()) {
		free(data);
		return MHD_NO;
	}
	bool gz = false;
	if (q->gzip_ok && len >= GZIP_MIN) {
		struct buf z = {0};
		if (gzip_compress(data, len, &z) == 0) {
			free(data);
			data = z.data;
			len = z.len;
			gz = true;
		} else {
			buf_free(&z);
		}
	}
	struct MHD_Response *resp;
	if (!exempt && faults_close()) {
		struct cut *c = xmalloc(sizeof(*c));
		c->data = data;
		c->len = len;
		c->half = len / 2;
		resp = MHD_create_response_from_callback(len, 4096, cut_read, c, cut_free);
	} else {
		resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	}
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(
	    resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype != NULL ? r->ctype : "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	if (r->retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	metrics_request(q->ep, q->body.len, len);
	log_request(q, r->status, len);
	int delay = exempt ? 0 : faults_delay_ms();
	if (may_delay && delay > 0) {
		q->held = resp;
		q->held_status = r->status;
		q->release = mono_ms() + delay;
		events_suspend(q); /* always, for a held answer */
		return MHD_YES;
	}
	enum MHD_Result ret = MHD_queue_response(q->conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Sends a reply at once, before the body is read (429, 413). */
static enum MHD_Result
send_early(struct req *q, unsigned status, const char *code, const char *msg, int retry)
{
	struct reply r = {0};
	reply_error(&r, status, code, "%s", msg);
	r.retry_after = retry;
	return send_reply(q, &r, false);
}

/* The MHD access handler: called for headers, each body chunk, and the end. */
enum MHD_Result
http_answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct req *q = *con_cls;
	if (q == NULL) {
		q = xcalloc(1, sizeof(*q));
		q->conn = conn;
		q->url = xstrdup(url);
		q->method = xstrdup(method);
		q->start_us = log_clock_us();
		q->ep = route_endpoint(url);
		const char *ae = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
		q->gzip_ok = ae != NULL && strstr(ae, "gzip") != NULL;
		*con_cls = q;
		if (q->ep != EP_HEALTH && q->ep != EP_METRICS) {
			const union MHD_ConnectionInfo *ci =
			    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
			int wait = ratelimit_take(ci != NULL ? ci->client_addr : NULL, mono_ms());
			if (wait > 0)
				return send_early(
				    q, 429, "rate_limited", "too many requests", wait);
		}
		const char *cl = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > MAX_REQUEST_BODY)
			return send_early(
			    q, 413, "too_large", "the request body is over 64 KiB", 0);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		/* Without a Content-Length (chunked) the excess is discarded, never kept. */
		if (q->body.len + *upload_data_size > MAX_REQUEST_BODY)
			q->too_large = true;
		else if (!q->too_large)
			buf_append(&q->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (q->too_large && q->held == NULL) {
		q->too_large = false;
		buf_free(&q->body);
		return send_early(q, 413, "too_large", "the request body is over 64 KiB", 0);
	}
	if (q->held != NULL) {
		enum MHD_Result ret = MHD_queue_response(conn, q->held_status, q->held);
		MHD_destroy_response(q->held);
		q->held = NULL;
		return ret;
	}
	struct reply r = {0};
	enum route_result res = q->polling ? route_events_again(q, &r) : route(q, &r);
	while (res == ROUTE_SUSPEND) {
		if (events_suspend(q))
			return MHD_YES;
		res = route_events_again(q, &r); /* news came while it read */
	}
	if (res == ROUTE_WORKING)
		return MHD_YES; /* pwwork.c suspended it; resumed when the hash is done */
	return send_reply(q, &r, true);
}

/* Frees a request once MHD is done with its connection's request. */
void
http_completed(
    void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct req *q = *con_cls;
	if (q == NULL)
		return;
	events_forget(q);
	pwwork_forget(q);
	if (q->held != NULL)
		MHD_destroy_response(q->held);
	buf_free(&q->body);
	free(q->url);
	free(q->method);
	free(q->user);
	free(q);
	*con_cls = NULL;
}
