/* Counters for GET /v1/metrics, in the Prometheus text format; any thread counts. */
#include <stdatomic.h>

#include "server.h"

static const char *const labels[EP_COUNT] = {
    [EP_REGISTER] = "register",
    [EP_LOGIN] = "login",
    [EP_LOGOUT] = "logout",
    [EP_PASSWORD] = "password",
    [EP_CONVERSATIONS] = "conversations",
    [EP_MESSAGES] = "messages",
    [EP_SYNC] = "sync",
    [EP_EVENTS] = "events",
    [EP_CHANGES] = "changes",
    [EP_READ] = "read",
    [EP_MEMBERS] = "members",
    [EP_HEALTH] = "health",
    [EP_METRICS] = "metrics",
    [EP_EPOCH] = "epoch",
    [EP_OTHER] = "other",
};

typedef atomic_uint_least64_t counter;
static counter requests[EP_COUNT], req_bytes[EP_COUNT], resp_bytes[EP_COUNT];
static counter delivered_sync, delivered_events, stored;

/* Adds n to a counter: only the sum matters, so no ordering is asked. */
static void
add(counter *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* A counter's value. */
static unsigned long long
get(counter *c)
{
	return (unsigned long long)atomic_load_explicit(c, memory_order_relaxed);
}

/* Counts one answered request. */
void
metrics_request(enum endpoint ep, uint64_t reqbytes, uint64_t respbytes)
{
	add(&requests[ep], 1);
	add(&req_bytes[ep], reqbytes);
	add(&resp_bytes[ep], respbytes);
}

/* Counts message objects sent by sync or by events. */
void
metrics_delivered(bool via_events, uint64_t n)
{
	add(via_events ? &delivered_events : &delivered_sync, n);
}

/* Counts one accepted message. */
void
metrics_stored(void)
{
	add(&stored, 1);
}

/* Appends one counter family with the endpoint label. */
static void
family(struct buf *b, const char *name, const char *help, counter *v)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (int i = 0; i < EP_COUNT; i++)
		buf_printf(b, "%s{endpoint=\"%s\"} %llu\n", name, labels[i], get(&v[i]));
}

/* Appends one histogram of store durations, labelled with the backend and kind. */
static void
histogram(
    struct buf *b, const struct store_stats *st, const char *kind, const struct store_histogram *h)
{
	const char *name = "natter_store_transaction_seconds";
	uint64_t cum = 0;
	for (size_t i = 0; i < STORE_BUCKETS; i++) {
		cum += h->count[i];
		if (i < STORE_BUCKETS - 1)
			buf_printf(b, "%s_bucket{backend=\"%s\",kind=\"%s\",le=\"%g\"} %llu\n",
			    name, st->backend, kind, (double)st->bounds_us[i] / 1e6,
			    (unsigned long long)cum);
		else
			buf_printf(b, "%s_bucket{backend=\"%s\",kind=\"%s\",le=\"+Inf\"} %llu\n",
			    name, st->backend, kind, (unsigned long long)cum);
	}
	buf_printf(b, "%s_sum{backend=\"%s\",kind=\"%s\"} %.6f\n", name, st->backend, kind,
	    (double)h->sum_us / 1e6);
	buf_printf(b, "%s_count{backend=\"%s\",kind=\"%s\"} %llu\n", name, st->backend, kind,
	    (unsigned long long)cum);
}

/* Appends the store's figures (store-stats.c), each labelled with its backend. */
static void
store_figures(struct buf *b, struct store *s)
{
	struct store_stats st;
	store_stats(s, &st);
	const char *be = st.backend;
	buf_printf(b,
	    "# HELP natter_store_info The database backend.\n"
	    "# TYPE natter_store_info gauge\n"
	    "natter_store_info{backend=\"%s\"} 1\n"
	    "# HELP natter_store_transactions_total Write transactions, by outcome.\n"
	    "# TYPE natter_store_transactions_total counter\n"
	    "natter_store_transactions_total{backend=\"%s\",result=\"commit\"} %llu\n"
	    "natter_store_transactions_total{backend=\"%s\",result=\"rollback\"} %llu\n"
	    "# HELP natter_store_transaction_seconds Time in write transactions and read "
	    "snapshots.\n"
	    "# TYPE natter_store_transaction_seconds histogram\n",
	    be, be, (unsigned long long)st.commits, be, (unsigned long long)st.rollbacks);
	histogram(b, &st, "write", &st.write);
	histogram(b, &st, "read", &st.read);
	buf_printf(b,
	    "# HELP natter_store_lock_waits_total Writes that waited for another writer.\n"
	    "# TYPE natter_store_lock_waits_total counter\n"
	    "natter_store_lock_waits_total{backend=\"%s\"} %llu\n"
	    "# HELP natter_store_lock_wait_seconds_total Time writes waited for another writer.\n"
	    "# TYPE natter_store_lock_wait_seconds_total counter\n"
	    "natter_store_lock_wait_seconds_total{backend=\"%s\"} %.6f\n"
	    "# HELP natter_store_busy_total Busy or locked answers of the database, retried.\n"
	    "# TYPE natter_store_busy_total counter\n"
	    "natter_store_busy_total{backend=\"%s\"} %llu\n",
	    be, (unsigned long long)st.waits, be, (double)st.wait_us / 1e6, be,
	    (unsigned long long)st.busy);
	if (st.size >= 0)
		buf_printf(b,
		    "# HELP natter_store_size_bytes Size of the database.\n"
		    "# TYPE natter_store_size_bytes gauge\n"
		    "natter_store_size_bytes{backend=\"%s\"} %lld\n",
		    be, (long long)st.size);
}

/* The metrics page. */
char *
metrics_render(struct store *s)
{
	struct buf b = {0};
	family(&b, "natter_requests_total", "Requests answered.", requests);
	family(&b, "natter_response_bytes_total", "Response body bytes sent.", resp_bytes);
	family(&b, "natter_request_bytes_total", "Request body bytes received.", req_bytes);
	buf_printf(&b,
	    "# HELP natter_messages_delivered_total Message objects sent.\n"
	    "# TYPE natter_messages_delivered_total counter\n"
	    "natter_messages_delivered_total{via=\"sync\"} %llu\n"
	    "natter_messages_delivered_total{via=\"events\"} %llu\n"
	    "# HELP natter_messages_stored_total Messages accepted.\n"
	    "# TYPE natter_messages_stored_total counter\n"
	    "natter_messages_stored_total %llu\n"
	    "# HELP natter_longpolls_open Long-polls waiting now.\n"
	    "# TYPE natter_longpolls_open gauge\n"
	    "natter_longpolls_open %zu\n",
	    get(&delivered_sync), get(&delivered_events), get(&stored), events_waiting());
	store_figures(&b, s);
	return b.data;
}
