/*
 * Read state on this device: the marks of history.db (see history.h) sent to
 * the server, as the outbox sends messages: queued while offline, delivered
 * at the next chance, harmless when repeated (marks only go up).
 */
#ifndef NATTER_READMARK_H
#define NATTER_READMARK_H

#include <stddef.h>

#include "history.h"

struct client;

/*
 * Sends every conversation's marks the server lacks; *sent counts the
 * conversations delivered. A server without read state (404) keeps them
 * local for good. -1 when the server is unreachable (they stay queued).
 */
int readmark_flush(struct client *c, struct history *h, size_t *sent, struct err *e);
/* True when marks wait to be sent. */
bool readmark_pending(struct history *h);

#endif
