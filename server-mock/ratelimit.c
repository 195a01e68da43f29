/*
 * --rate-limit: a token bucket per client IP address (rate per second,
 * burst tokens), in a small open-addressed table that forgets full buckets.
 */
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>

#include "server.h"

#define SLOTS 4096

struct bucket {
	unsigned char key[16];
	bool used;
	double tokens;
	int64_t at;
};

static struct bucket table[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER; /* the table, for every request thread */
static double rate;
static int burst;

/* Sets the rate (0 disables) and the burst. */
void
ratelimit_init(double r, int b)
{
	rate = r;
	burst = b > 0 ? b : 1;
}

/* The 16-byte key of an address (IPv4 mapped); throttle.c's too. */
void
ratelimit_addr_key(const struct sockaddr *sa, unsigned char key[16])
{
	memset(key, 0, 16);
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &in->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		memcpy(key, &in6->sin6_addr, 16);
	}
}

/* Takes one token for the key (mu held); 0, or the seconds until one is there. */
static int
take(const unsigned char key[16], int64_t now)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	struct bucket *b = NULL;
	for (int i = 0; i < SLOTS; i++) {
		struct bucket *c = &table[(h + (uint32_t)i) % SLOTS];
		if (!c->used || memcmp(c->key, key, 16) == 0) {
			b = c;
			break;
		}
		/* A bucket that has refilled is as good as a new one. */
		if (c->tokens + (double)(now - c->at) / 1000.0 * rate >= burst) {
			b = c;
			b->used = false;
			break;
		}
	}
	if (b == NULL)
		return 1;
	if (!b->used) {
		memcpy(b->key, key, 16);
		b->used = true;
		b->tokens = burst;
		b->at = now;
	}
	b->tokens += (double)(now - b->at) / 1000.0 * rate;
	if (b->tokens > burst)
		b->tokens = burst;
	b->at = now;
	if (b->tokens >= 1) {
		b->tokens -= 1;
		return 0;
	}
	int wait = (int)((1 - b->tokens) / rate + 0.999);
	return wait < 1 ? 1 : wait;
}

/* Takes one token for the address; 0, or the seconds until one is there. */
int
ratelimit_take(const struct sockaddr *sa, int64_t now)
{
	if (rate <= 0)
		return 0;
	unsigned char key[16];
	ratelimit_addr_key(sa, key);
	pthread_mutex_lock(&mu);
	int wait = take(key, now);
	pthread_mutex_unlock(&mu);
	return wait;
}
