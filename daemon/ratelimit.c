/*
 * ratelimit.c: a sliding-window limiter. Each client keeps the times of
 * its last N admitted events in a ring; an event is admitted when the
 * oldest of them is over 60 seconds old. Clients idle for a minute are
 * dropped when the table grows.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"

#define WINDOW_MS	60000
#define NBUCKETS	1024
#define SWEEP_AT	8192

struct client {
	struct client	*next;
	char		 addr[64];
	int64_t		*ring;		/* owned: per_minute times */
	int		 head;		/* oldest */
	int		 count;
	int64_t		 last;
};

struct ratelimit {
	pthread_mutex_t	 mtx;
	int		 per_minute;
	int		 nclients;
	int		 sweep_at;	/* sweep when nclients reaches it */
	struct client	*bucket[NBUCKETS];
};

struct ratelimit *
ratelimit_new(int per_minute)
{
	struct ratelimit	*rl;

	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	pthread_mutex_init(&rl->mtx, NULL);
	rl->per_minute = per_minute;
	rl->sweep_at = SWEEP_AT;
	return rl;
}

static void
client_free(struct client *c)
{
	free(c->ring);
	free(c);
}

void
ratelimit_free(struct ratelimit *rl)
{
	struct client	*c, *next;
	int		 i;

	if (rl == NULL)
		return;
	for (i = 0; i < NBUCKETS; i++)
		for (c = rl->bucket[i]; c != NULL; c = next) {
			next = c->next;
			client_free(c);
		}
	pthread_mutex_destroy(&rl->mtx);
	free(rl);
}

static unsigned int
hash(const char *s)
{
	unsigned int	 h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % NBUCKETS;
}

static void
sweep(struct ratelimit *rl, int64_t now)
{
	struct client	**pp, *c;
	int		 i;

	for (i = 0; i < NBUCKETS; i++) {
		pp = &rl->bucket[i];
		while ((c = *pp) != NULL) {
			if (now - c->last >= WINDOW_MS) {
				*pp = c->next;
				client_free(c);
				rl->nclients--;
			} else
				pp = &c->next;
		}
	}
}

int
ratelimit_take(struct ratelimit *rl, const char *addr, int64_t now)
{
	struct client	*c;
	unsigned int	 h;
	int64_t		 oldest;
	int		 wait = 0;

	if (rl == NULL || rl->per_minute <= 0)
		return 0;
	h = hash(addr);
	pthread_mutex_lock(&rl->mtx);
	for (c = rl->bucket[h]; c != NULL; c = c->next)
		if (strcmp(c->addr, addr) == 0)
			break;
	if (c == NULL) {
		/*
		 * A sweep when the table doubled since the last one: its
		 * cost is spread over as many new clients as it visits.
		 */
		if (rl->nclients >= rl->sweep_at) {
			sweep(rl, now);
			rl->sweep_at = rl->nclients * 2 > SWEEP_AT ?
			    rl->nclients * 2 : SWEEP_AT;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL ||
		    (c->ring = calloc(rl->per_minute, sizeof(int64_t))) ==
		    NULL) {
			free(c);
			pthread_mutex_unlock(&rl->mtx);
			return 0;	/* fail open: never refuse for us */
		}
		strncpy(c->addr, addr, sizeof(c->addr) - 1);
		c->next = rl->bucket[h];
		rl->bucket[h] = c;
		rl->nclients++;
	}
	if (c->count == rl->per_minute) {
		oldest = c->ring[c->head];
		if (now - oldest < WINDOW_MS) {
			wait = (int)((oldest + WINDOW_MS - now + 999) / 1000);
			if (wait < 1)
				wait = 1;
			goto done;
		}
		c->head = (c->head + 1) % rl->per_minute;
		c->count--;
	}
	c->ring[(c->head + c->count) % rl->per_minute] = now;
	c->count++;
	c->last = now;
done:
	pthread_mutex_unlock(&rl->mtx);
	return wait;
}
