/* --faults SPEC: drop=P, delay=MS, close=P, so clients can be proven robust. */
#include <stdlib.h>
#include <string.h>

#include "server.h"

static double p_drop, p_close;
static int delay_ms;

/* A uniform number in [0, 1). */
static double
uniform(void)
{
	uint64_t x;
	random_bytes(&x, sizeof(x));
	return (double)(x >> 11) / (double)(UINT64_C(1) << 53);
}

/* Parses a probability in [0, 1]. */
static int
prob(const char *v, double *p)
{
	char *end;
	*p = strtod(v, &end);
	return end != v && *end == '\0' && *p >= 0 && *p <= 1 ? 0 : -1;
}

/* Parses "drop=P,delay=MS,close=P" (any subset, comma-separated). */
int
faults_parse(const char *spec, struct err *e)
{
	char *copy = xstrdup(spec), *save = NULL;
	int rc = 0;
	for (char *item = strtok_r(copy, ",", &save); item != NULL;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (eq == NULL) {
			rc = err_set(e, ERR_USAGE, "fault \"%s\" needs a value", item);
			break;
		}
		*eq++ = '\0';
		if (strcmp(item, "drop") == 0 && prob(eq, &p_drop) == 0)
			continue;
		if (strcmp(item, "close") == 0 && prob(eq, &p_close) == 0)
			continue;
		if (strcmp(item, "delay") == 0) {
			char *end;
			long ms = strtol(eq, &end, 10);
			if (end != eq && *end == '\0' && ms >= 0 && ms <= 600000) {
				delay_ms = (int)ms;
				continue;
			}
		}
		rc = err_set(
		    e, ERR_USAGE, "bad fault \"%s=%s\" (drop=P, close=P, delay=MS)", item, eq);
		break;
	}
	free(copy);
	return rc;
}

/* Whether to close this connection without answering (after the work is done). */
bool
faults_drop(void)
{
	return p_drop > 0 && uniform() < p_drop;
}

/* Whether to cut this response in the middle. */
bool
faults_close(void)
{
	return p_close > 0 && uniform() < p_close;
}

/* How long every response waits before it is sent. */
int
faults_delay_ms(void)
{
	return delay_ms;
}
