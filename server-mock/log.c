/*
 * The server's log on standard error (--log-format): text, the lines it has
 * always written; or json, one object a line with time, level and event,
 * and a line for every answered request. Requests are logged without their
 * query, headers or body, so no password or token reaches the log.
 */
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "server.h"

bool log_json;

/* Sets the format from --log-format: text or json. */
int
log_set_format(const char *name, struct err *e)
{
	if (strcmp(name, "text") != 0 && strcmp(name, "json") != 0)
		return err_set(e, ERR_USAGE, "--log-format is text or json, not \"%s\"", name);
	log_json = strcmp(name, "json") == 0;
	return 0;
}

/* Microseconds of the monotonic clock. */
int64_t
log_clock_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Now in ISO 8601, UTC, with milliseconds: 2026-12-02T15:04:05.123Z. */
static void
iso_now(char out[32])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* Writes o (stolen) as one line, with time, level and event first. */
static void
emit(const char *level, const char *event, json_t *o)
{
	char when[32];
	iso_now(when);
	json_t *line = json_pack("{s:s, s:s, s:s}", "time", when, "level", level, "event", event);
	if (o != NULL)
		json_object_update(line, o);
	json_decref(o);
	/* 10 digits: the milliseconds of a request to the microsecond, without binary noise. */
	char *s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(line);
	if (s == NULL)
		return;
	flockfile(stderr);
	fputs(s, stderr);
	fputc('\n', stderr);
	funlockfile(stderr);
	free(s);
}

/* Logs an event: the text line as printf would write it, or a json object with it as message. */
void
log_event(const char *level, const char *event, json_t *fields, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vevent(level, event, fields, fmt, ap);
	va_end(ap);
}

/* log_event with a va_list. */
void
log_vevent(const char *level, const char *event, json_t *fields, const char *fmt, va_list ap)
{
	if (!log_json) {
		json_decref(fields);
		vfprintf(stderr, fmt, ap);
		return;
	}
	char buf[1024];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	/* The text line's own prefix says nothing an event name does not. */
	const char *msg = buf;
	if (strncmp(msg, "natter-server-mock: ", 20) == 0)
		msg += 20;
	json_t *o = fields != NULL ? fields : json_object();
	json_t *m = json_string(msg);
	if (m == NULL) { /* not UTF-8 (a path in MHD's words): its other bytes as "?" */
		for (char *p = buf; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		m = json_string(msg);
	}
	json_object_set_new(o, "message", m);
	emit(level, event, o);
}

/* Logs an answered request (json only): method, path, status, time, bytes, user, address. */
void
log_request(const struct req *q, unsigned status, size_t bytes)
{
	if (!log_json)
		return;
	char addr[NI_MAXHOST] = "";
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(q->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
								       : sizeof(struct sockaddr_in);
		if (getnameinfo(
			ci->client_addr, len, addr, sizeof(addr), NULL, 0, NI_NUMERICHOST) != 0)
			addr[0] = '\0';
	}
	size_t plen = strcspn(q->url, "?");
	double ms = (double)(log_clock_us() - q->start_us) / 1000.0;
	json_t *o = json_pack("{s:s, s:s%, s:I, s:f, s:I}", "method", q->method, "path", q->url,
	    plen, "status", (json_int_t)status, "ms", ms, "bytes", (json_int_t)bytes);
	if (o == NULL) /* bytes that are no UTF-8 in the path */
		o = json_pack("{s:s, s:I, s:f, s:I}", "method", q->method, "status",
		    (json_int_t)status, "ms", ms, "bytes", (json_int_t)bytes);
	if (o == NULL)
		return;
	if (q->user != NULL)
		json_object_set_new(o, "user", json_string(q->user));
	if (addr[0] != '\0')
		json_object_set_new(o, "client", json_string(addr));
	emit(status >= 500 ? "error" : "info", "request", o);
}
