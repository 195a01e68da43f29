/* The server's log on standard error (log.c), for the store's files too. */
#ifndef NATTER_SERVER_LOG_H
#define NATTER_SERVER_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "util.h"

/* log.c: --log-format, the log on standard error */
extern bool log_json;
int log_set_format(const char *name, struct err *e);
int64_t log_clock_us(void);
/* A text line as printf writes it (text), or an object with fields (stolen, may be NULL). */
void log_event(const char *level, const char *event, json_t *fields, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void log_vevent(const char *level, const char *event, json_t *fields, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* An answered request (json only). */
struct req;
void log_request(const struct req *q, unsigned status, size_t bytes);

#endif
