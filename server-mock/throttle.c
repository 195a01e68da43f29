/*
 * Login throttling (--login-throttle): attempts counted per account name
 * (existing or not) and per client address, exponential waits after the
 * free ones. docs/protocol.md, "Login throttling", states the rule. Each
 * server process keeps its own counts, in memory.
 */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "server.h"

#define SLOTS 8192
/* An address may fail this many times more than an account before waiting (NAT). */
#define ADDR_FACTOR 4

struct entry {
	unsigned char key[16];
	bool used;
	int count; /* attempts since the last success (names) or ever (addresses) */
	int64_t last; /* mono_ms of the latest counted attempt */
};

struct table {
	struct entry e[SLOTS];
};

static struct table names, addrs;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int free_tries = 5; /* 0: off */
static int cap_s = 300;

/* Sets the free attempts per account (0 turns throttling off) and the longest wait. */
void
throttle_init(int free_attempts, int cap_seconds)
{
	free_tries = free_attempts;
	cap_s = cap_seconds > 0 ? cap_seconds : 1;
}

/* Whether login throttling is on. */
bool
throttle_on(void)
{
	return free_tries > 0;
}

/* The wait (ms) that an entry with count attempts asks after its latest one. */
static int64_t
delay_ms(int count, int free)
{
	if (count < free)
		return 0;
	int k = count - free;
	int64_t s = k >= 30 ? cap_s : (int64_t)1 << k;
	return (s > cap_s ? cap_s : s) * 1000;
}

/* An entry is forgotten when its wait is over and a cap more has passed with no attempt. */
static bool
stale(const struct entry *x, int free, int64_t now)
{
	return now - x->last >= delay_ms(x->count, free) + (int64_t)cap_s * 1000;
}

/* The entry of key (mu held), made when absent; NULL when the table is full. */
static struct entry *
slot(struct table *t, const unsigned char key[16], int free, int64_t now)
{
	uint32_t h;
	memcpy(&h, key, sizeof(h));
	struct entry *spare = NULL;
	for (int i = 0; i < SLOTS; i++) {
		struct entry *x = &t->e[(h + (uint32_t)i) % SLOTS];
		if (x->used && memcmp(x->key, key, 16) == 0) {
			if (stale(x, free, now))
				x->count = 0;
			return x;
		}
		if (spare == NULL && (!x->used || stale(x, free, now)))
			spare = x;
		if (!x->used)
			break;
	}
	if (spare != NULL) {
		memcpy(spare->key, key, 16);
		spare->used = true;
		spare->count = 0;
		spare->last = now;
	}
	return spare;
}

/* The entry of key (mu held), or NULL. */
static struct entry *
find(struct table *t, const unsigned char key[16])
{
	uint32_t h;
	memcpy(&h, key, sizeof(h));
	for (int i = 0; i < SLOTS; i++) {
		struct entry *x = &t->e[(h + (uint32_t)i) % SLOTS];
		if (!x->used)
			break;
		if (memcmp(x->key, key, 16) == 0)
			return x;
	}
	return NULL;
}

/* The 16-byte key of a name. */
static void
name_key(const char *name, unsigned char key[16])
{
	crypto_generichash(key, 16, (const unsigned char *)name, strlen(name), NULL, 0);
}

/* Seconds (rounded up) until x may try again, 0 when it may now. */
static int
wait_s(const struct entry *x, int free, int64_t now)
{
	int64_t left = x->last + delay_ms(x->count, free) - now;
	return left <= 0 ? 0 : (int)((left + 999) / 1000);
}

/*
 * Counts a login attempt for name from address sa, before its password is
 * checked: 0 when it may go on, else the seconds to wait (nothing counted).
 */
int
throttle_attempt(const char *name, const struct sockaddr *sa, int64_t now)
{
	if (free_tries <= 0)
		return 0;
	unsigned char nk[16], ak[16];
	name_key(name, nk);
	ratelimit_addr_key(sa, ak);
	pthread_mutex_lock(&mu);
	struct entry *n = slot(&names, nk, free_tries, now);
	struct entry *a = slot(&addrs, ak, free_tries * ADDR_FACTOR, now);
	int wait;
	if (n == NULL || a == NULL) {
		/* Full of recent attempts: an attack; everyone waits a cap. */
		wait = cap_s;
	} else {
		int wn = wait_s(n, free_tries, now), wa = wait_s(a, free_tries * ADDR_FACTOR, now);
		wait = wn > wa ? wn : wa;
		if (wait == 0) {
			n->count++;
			n->last = now;
			a->count++;
			a->last = now;
		}
	}
	pthread_mutex_unlock(&mu);
	return wait;
}

/* A wrong password for name from sa, answered now: the next wait counts from here. */
void
throttle_failure(const char *name, const struct sockaddr *sa, int64_t now)
{
	if (free_tries <= 0)
		return;
	unsigned char nk[16], ak[16];
	name_key(name, nk);
	ratelimit_addr_key(sa, ak);
	pthread_mutex_lock(&mu);
	struct entry *x = find(&names, nk);
	if (x != NULL && x->count > 0)
		x->last = now;
	x = find(&addrs, ak);
	if (x != NULL && x->count > 0)
		x->last = now;
	pthread_mutex_unlock(&mu);
}

/* A good password for name from sa: the name's attempts are forgotten, this one uncounted. */
void
throttle_success(const char *name, const struct sockaddr *sa)
{
	if (free_tries <= 0)
		return;
	unsigned char nk[16], ak[16];
	name_key(name, nk);
	ratelimit_addr_key(sa, ak);
	pthread_mutex_lock(&mu);
	struct entry *x = find(&names, nk);
	if (x != NULL)
		x->count = 0;
	x = find(&addrs, ak);
	if (x != NULL && x->count > 0)
		x->count--;
	pthread_mutex_unlock(&mu);
}
