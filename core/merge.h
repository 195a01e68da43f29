/*
 * The local merge of the launch sync: copy into history.db exactly the
 * messages that sync.db (filled by natter-notifyd) holds and history.db
 * lacks, found by vector difference per conversation, in one transaction.
 * Its cost is O(missing + ranges), never O(history).
 */
#ifndef NATTER_MERGE_H
#define NATTER_MERGE_H

#include <stdint.h>

#include "history.h"
#include "syncstore.h"

/* Merges sync.db into history.db; *merged counts the messages copied. */
int merge_from_store(struct history *h, struct syncstore *s, uint64_t *merged, struct err *e);

#endif
