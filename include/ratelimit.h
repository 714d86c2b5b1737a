/*
 * ratelimit.h: at most N events per client address in any sliding 60
 * seconds. Thread-safe; memory bounded by the number of active clients.
 */
#ifndef CRENEAU_RATELIMIT_H
#define CRENEAU_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

/* per_minute 0: no limit (ratelimit_take always allows). */
struct ratelimit	*ratelimit_new(int per_minute);
void			 ratelimit_free(struct ratelimit *);
/*
 * Counts one event of client at now_ms. Returns 0 when allowed, else the
 * whole seconds to wait before the oldest event leaves the window (>= 1).
 */
int			 ratelimit_take(struct ratelimit *, const char *client,
			    int64_t now_ms);

#endif
