/*
 * booking.h: the life of a booking: the slot list, book, cancel and
 * reschedule, each check-and-write in one transaction that asks the same
 * slots_compute() the listing uses (SEMANTICS.md section 1.4 and 2).
 */
#ifndef CRENEAU_BOOKING_H
#define CRENEAU_BOOKING_H

#include <stdint.h>

#include "model.h"
#include "slots.h"
#include "store.h"
#include "token.h"

enum book_result {
	BOOK_OK = 0,
	BOOK_ERR = -1,
	BOOK_NOTFOUND = 1,	/* no such worker, service or booking */
	BOOK_UNAVAILABLE = 2,	/* 409 slot_unavailable */
	BOOK_CANCELLED = 3,	/* 409 conflict: the booking is cancelled */
	BOOK_REPLAY = 4,	/* idempotent replay: *answer holds it */
	BOOK_MISMATCH = 5	/* 422 idempotency_mismatch */
};

struct booking_env {
	const char	*video_base_url;
	int64_t		 now;
};

/* What a client asks for. Strings are borrowed. */
struct booking_req {
	int64_t		 start;
	const char	*name;
	const char	*email;
	const char	*note;		/* normalized (LF) */
	const char	*timezone;	/* NULL: the worker's */
	const char	*locale;	/* NULL: the worker's */
};

/*
 * An Idempotency-Key and the way to render the answer to keep for it:
 * render() returns a malloc'd JSON text for the new booking and its token.
 */
struct booking_idem {
	const char	*key;
	uint8_t		 body_hash[HASH_LEN];
	char		*(*render)(const struct booking *, const char *token,
			    void *arg);
	void		*arg;
};

/* The slots of service s of worker w with starts in [from, to). */
int	booking_slots(struct store *, const struct booking_env *,
	    const char *w, const char *s, int64_t from, int64_t to,
	    struct slot_list *out);

/*
 * The same, for a worker and service already loaded; skip_session (or 0)
 * is the session of a booking being moved, whose seat does not count, so
 * that the list offers exactly what booking_reschedule() accepts.
 */
int	booking_slots_for(struct store *, const struct booking_env *,
	    const struct worker *, const struct service *, int64_t from,
	    int64_t to, int64_t skip_session, struct slot_list *out);

/*
 * Books. On BOOK_OK, *out is the booking and token its secret; with idem,
 * *answer is the rendered answer (kept for replays). On BOOK_REPLAY,
 * *status and *answer are the first answer's.
 */
int	booking_create(struct store *, const struct booking_env *,
	    const char *w, const char *s, const struct booking_req *,
	    const struct booking_idem *, struct booking *out,
	    char token[TOKEN_MAX], int *status, char **answer);
/* Cancels (again: BOOK_OK, unchanged). */
int	booking_cancel(struct store *, const struct booking_env *,
	    const char *id, const char *reason, struct booking *out);
int	booking_reschedule(struct store *, const struct booking_env *,
	    const char *id, int64_t start, struct booking *out);

#endif
