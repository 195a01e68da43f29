/* The server's store: the event log a long-poll reads. */
#include <stdlib.h>

#include "store.h"

/* The newest event cursor. */
uint64_t
store_cursor(struct store *s)
{
	return s->ops->cursor(s);
}

/* Loads what an event of uid refers to: its message, its conversation, uid's marks. */
static int
load(struct store *s, int64_t uid, const struct store_event_ref *ref, struct store_event *ev,
    struct err *e)
{
	*ev = (struct store_event){.cursor = ref->cursor, .type = ref->type};
	if (ref->type == STORE_EV_MESSAGE)
		return s->ops->message_get(s, ref->msg, &ev->msg, e);
	if (s->ops->conv_get(s, ref->conv, &ev->conv, e) < 0 ||
	    store_conv_view(s, ref->conv, uid, &ev->conv, e) < 0)
		return -1;
	/* Marks only go up: the marks now are at least those of the event. */
	if (ref->type == STORE_EV_READ)
		return s->ops->read_get(s, uid, ref->conv, &ev->read, e);
	return 0;
}

/* uid's retained events after `after`, with the gap flag and the next cursor. */
int
store_events(struct store *s, int64_t uid, uint64_t after, size_t limit, struct event_answer *out,
    struct err *e)
{
	*out = (struct event_answer){.cursor = s->ops->cursor(s)};
	if (after > out->cursor) {
		out->gap = true;
		return 0;
	}
	struct store_event_ref *refs;
	size_t n;
	uint64_t dropped;
	/* One snapshot: no event dropped or added between the reads. */
	if (s->ops->read_begin(s, e) < 0)
		return -1;
	if (s->ops->event_list(s, uid, after, limit + 1, &refs, &n, &dropped, e) < 0) {
		s->ops->read_end(s);
		return -1;
	}
	out->gap = dropped > after;
	/* The snapshot may hold events committed after the cursor was read: resume after them. */
	bool more = n > limit;
	if (more)
		n = limit;
	if (n > 0 && (more || refs[n - 1].cursor > out->cursor))
		out->cursor = refs[n - 1].cursor;
	out->ev = xcalloc(n + 1, sizeof(*out->ev));
	for (; out->n < n; out->n++) {
		if (load(s, uid, &refs[out->n], &out->ev[out->n], e) < 0) {
			s->ops->read_end(s);
			free(refs);
			store_events_free(out);
			return -1;
		}
	}
	s->ops->read_end(s);
	free(refs);
	return (int)n;
}

/* Frees a long-poll's events. */
void
store_events_free(struct event_answer *a)
{
	for (size_t i = 0; i < a->n; i++) {
		store_message_free(&a->ev[i].msg);
		store_conv_free(&a->ev[i].conv);
		store_marks_free(&a->ev[i].read);
	}
	free(a->ev);
	*a = (struct event_answer){0};
}
