/*
 * store.h: the database, behind domain operations.
 *
 * One struct store per thread (SQLite connections are not shared). Only
 * store_sqlite.c includes sqlite3.h. Functions return STORE_OK (0), one of
 * the positive outcomes below, or STORE_ERR (-1) after logging the cause.
 * Records filled by the store own their strings (free with *_clear()),
 * arrays are freed with the matching *_list_free().
 *
 * Writes that must be atomic with a check (booking, cancel, reschedule)
 * run between store_tx_begin() and store_tx_commit(); a transaction takes
 * the write lock at once (BEGIN IMMEDIATE) and is scoped to one worker.
 */
#ifndef CRENEAU_STORE_H
#define CRENEAU_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define STORE_OK	 0
#define STORE_ERR	-1
#define STORE_NOTFOUND	 1
#define STORE_EXISTS	 2
#define STORE_CONFLICT	 3

#define HASH_LEN	32	/* BLAKE2b-256 of a token */
#define FEED_NONCE_LEN	16

struct store;

/* Opens (creating and migrating) the database. NULL and a log line on error. */
struct store	*store_open(const char *path);
void		 store_close(struct store *);
int		 store_ping(struct store *);
/*
 * A consistent copy of the database at src into dest (a temporary name,
 * fsync, rename).
 */
int		 store_backup(const char *src, const char *dest);

/* A read transaction: one snapshot, one lock, for several reads. */
int		 store_read_begin(struct store *);
void		 store_read_end(struct store *);

/* Checkpoints: 0 pages turns the automatic ones off for this connection. */
int		 store_autocheckpoint(struct store *, int pages);
int		 store_checkpoint(struct store *);

int		 store_tx_begin(struct store *);
/* Inside a transaction: a job that is kept (keep = 1) or undone alone. */
int		 store_savepoint(struct store *);
int		 store_savepoint_end(struct store *, int keep);
int		 store_tx_commit(struct store *);
void		 store_tx_rollback(struct store *);

/* Secrets. */
int	store_admin_set(struct store *, const uint8_t hash[HASH_LEN]);
int	store_admin_check(struct store *, const uint8_t hash[HASH_LEN]);
int	store_server_key(struct store *, uint8_t key[32]);

/* Workers. */
int	store_worker_insert(struct store *, const struct worker *,
	    const uint8_t token_hash[HASH_LEN],
	    const uint8_t nonce[FEED_NONCE_LEN]);
int	store_worker_get(struct store *, const char *id, struct worker *);
int	store_worker_update(struct store *, const struct worker *);
int	store_worker_delete(struct store *, const char *id, int64_t now);
int	store_worker_by_token(struct store *, const uint8_t hash[HASH_LEN],
	    char id[ID_MAX]);
int	store_worker_set_token(struct store *, const char *id,
	    const uint8_t hash[HASH_LEN]);
int	store_worker_feed(struct store *, const char *id,
	    uint8_t nonce[FEED_NONCE_LEN], int64_t *changed_at);
/* The same, and a counter that every change of the feed's data moves. */
int	store_worker_feed_state(struct store *, const char *id,
	    uint8_t nonce[FEED_NONCE_LEN], int64_t *changed_at,
	    int64_t *version);
int	store_worker_set_feed_nonce(struct store *, const char *id,
	    const uint8_t nonce[FEED_NONCE_LEN]);
/* Moves the feed's change time to max(current, t). */
int	store_worker_touch_feed(struct store *, const char *id, int64_t t);
int	store_worker_list(struct store *, struct worker **, size_t *);
void	worker_list_free(struct worker *, size_t);

/* Availability. */
int	store_hours_get(struct store *, const char *worker, struct hours *);
int	store_hours_put(struct store *, const char *worker,
	    const struct hours *);

/* Services. */
int	store_service_insert(struct store *, const struct service *);
int	store_service_get(struct store *, const char *worker, const char *id,
	    struct service *);
int	store_service_list(struct store *, const char *worker, int active_only,
	    struct service **, size_t *);
void	service_list_free(struct service *, size_t);
int	store_service_update(struct store *, const struct service *);
/* STORE_CONFLICT while it has confirmed bookings ending after now. */
int	store_service_delete(struct store *, const char *worker,
	    const char *id, int64_t now);

/* Sessions (inside a transaction for writes). */
/*
 * The slot engine's view of the sessions holding seats whose occupied
 * interval meets [from, to), by occ_start; the session skip (a booking
 * being moved) counts one seat less.
 */
struct slot_session;
int	store_busy_slots(struct store *, const char *worker,
	    const char *service, int64_t from, int64_t to, int64_t skip,
	    struct slot_session **, size_t *);
/* Sessions with any booking (confirmed or not) ending after since, by start. */
int	store_sessions_feed(struct store *, const char *worker, int64_t since,
	    struct session **, size_t *);
void	session_list_free(struct session *, size_t);
int	store_session_at(struct store *, const char *worker,
	    const char *service, int64_t start, struct session *);
int	store_session_get(struct store *, int64_t id, struct session *);
/* Inserts *s with seats 0; sets s->id. */
int	store_session_insert(struct store *, struct session *);
/* seats += delta; STORE_CONFLICT when over capacity or overlapping. */
int	store_session_seats(struct store *, int64_t id, int delta,
	    int capacity, int64_t now);

/* Bookings. */
int	store_booking_insert(struct store *, const struct booking *,
	    const uint8_t token_hash[HASH_LEN]);
int	store_booking_get(struct store *, const char *id, struct booking *);
/* STORE_OK when hash is this booking's token, else STORE_NOTFOUND. */
int	store_booking_check_token(struct store *, const char *id,
	    const uint8_t hash[HASH_LEN]);
/* Writes status, session, times, room, reason, sequence, updated_at. */
int	store_booking_update(struct store *, const struct booking *);
/* Bookings of a worker starting in [from, to), by start. */
int	store_bookings_list(struct store *, const char *worker, int64_t from,
	    int64_t to, struct booking **, size_t *);
int	store_session_bookings(struct store *, int64_t session,
	    struct booking **, size_t *);
void	booking_list_free(struct booking *, size_t);

/* Idempotency keys of POST .../bookings. */
int	store_idem_get(struct store *, const char *worker, const char *service,
	    const char *key, uint8_t body_hash[HASH_LEN], int *status,
	    char **answer, int64_t not_before);
int	store_idem_put(struct store *, const char *worker, const char *service,
	    const char *key, const uint8_t body_hash[HASH_LEN], int status,
	    const char *answer, int64_t now);
int	store_idem_purge(struct store *, int64_t before);

/*
 * The mail outbox. A message is queued in the transaction of the change
 * that causes it; the sender marks it sent once the server accepted it.
 */
struct outbox_msg {
	int64_t		 id;
	char		 booking_id[40];
	int		 kind;		/* enum mail_kind */
	char		*rcpt;		/* owned */
	char		*message_id;	/* owned, fixed when queued */
	char		*body;		/* owned, NULL: compose when due */
	size_t		 bodylen;
	int64_t		 due_at;
	int64_t		 created_at;
	int		 attempts;
};

int	store_outbox_add(struct store *, const struct outbox_msg *);
int	store_outbox_due(struct store *, int64_t now, size_t max,
	    struct outbox_msg **, size_t *);
void	outbox_list_free(struct outbox_msg *, size_t);
int	store_outbox_sent(struct store *, int64_t id, int64_t now);
int	store_outbox_retry(struct store *, int64_t id, int64_t next_at,
	    const char *err);
/* Gives up on a message: failed (dropped = 0) or no longer wanted. */
int	store_outbox_fail(struct store *, int64_t id, int dropped,
	    const char *err);
/* Drops the pending messages of a kind for a booking (its reminders). */
int	store_outbox_drop(struct store *, const char *booking, int kind);
/* The earliest next_at of a pending message; STORE_NOTFOUND: none. */
int	store_outbox_next(struct store *, int64_t *next);

#endif
