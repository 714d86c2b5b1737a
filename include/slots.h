/*
 * slots.h: the availability engine (SEMANTICS.md section 1).
 *
 * slots_compute() is pure: everything it needs comes in through the query,
 * nothing goes out but the answer. No I/O, no clock, no globals. The slot
 * listing and the booking transaction call it with the same inputs, so that
 * they always agree.
 */
#ifndef CRENEAU_SLOTS_H
#define CRENEAU_SLOTS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct zone;

/*
 * A session of the worker that holds at least one confirmed booking, as the
 * engine sees it. The caller leaves out (or decrements) the seat of a
 * booking being rescheduled, so that it does not collide with itself.
 */
struct slot_session {
	int64_t		start;
	int64_t		end;
	int64_t		occ_start;	/* start - its buffer_before */
	int64_t		occ_end;	/* end + its buffer_after */
	int		seats;		/* confirmed seats, >= 1 */
	int		same_service;	/* of the service being queried */
};

struct slot_query {
	const struct zone		*zone;		/* the worker's */
	const struct hours		*hours;
	const struct service		*service;
	const struct slot_session	*sessions;	/* any order */
	size_t				 nsessions;
	const struct interval		*busy;		/* external, may be NULL */
	size_t				 nbusy;
	int64_t				 now;
	int64_t				 from;		/* starts in [from, to) */
	int64_t				 to;
};

struct slot {
	int64_t		start;
	int64_t		end;
	int		seats_left;
};

struct slot_list {
	struct slot	*v;		/* owned */
	size_t		 n;
	size_t		 cap;
};

/*
 * Appends the bookable slots whose start is in [q->from, q->to) to *out,
 * sorted by start, each start once. Sessions must cover every session whose
 * occupied interval may touch a candidate (the caller loads them with a
 * margin of a day plus the largest buffer and duration). Returns 0, or -1
 * when out of memory.
 */
int	slots_compute(const struct slot_query *, struct slot_list *out);

/* The slot starting exactly at start, or NULL. */
const struct slot *slot_list_find(const struct slot_list *, int64_t start);
void	slot_list_free(struct slot_list *);

#endif
