/*
 * booking.c: book, cancel, reschedule. See booking.h.
 *
 * Every write takes the database's write lock first (BEGIN IMMEDIATE),
 * then reads the state, asks slots_compute() whether the start is bookable
 * now, and writes. Writers are serialized, so what was read is what is
 * written over: no seat is sold twice. The store's CHECK and trigger refuse
 * an oversold or overlapping session if this code were ever wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "booking.h"
#include "log.h"
#include "notify.h"
#include "tzconv.h"

#define DAY	86400
#define IDEM_TTL	DAY

/*
 * The engine's view of the worker's busy sessions for starts in [from, to):
 * those whose occupied interval meets a candidate's, and with max_per_day
 * those on the candidates' local dates too (27 hours either side covers a
 * local date in any zone). A booking being moved (skip_session) does not
 * count its own seat.
 */
static int
load_sessions(struct store *st, const struct service *s, int64_t from,
    int64_t to, int64_t skip_session, struct slot_session **outp,
    size_t *np)
{
	int64_t	 lo, hi;

	lo = from - (int64_t)s->buffer_before_min * 60;
	hi = to + ((int64_t)s->duration_min + s->buffer_after_min) * 60;
	if (s->max_per_day > 0) {
		if (lo > from - 27 * 3600)
			lo = from - 27 * 3600;
		if (hi < to + 27 * 3600)
			hi = to + 27 * 3600;
	}
	return store_busy_slots(st, s->worker_id, s->id, lo, hi,
	    skip_session, outp, np) == STORE_OK ? 0 : -1;
}

/* Computes the slots of an already loaded worker and service. */
static int
compute(struct store *st, const struct booking_env *env,
    const struct worker *w, const struct service *s, int64_t from,
    int64_t to, int64_t skip_session, struct slot_list *out)
{
	struct slot_query	 q;
	struct hours		 h;
	struct slot_session	*sess = NULL;
	size_t			 nsess = 0;
	const struct zone	*z;
	int			 rc = -1;

	if (!s->active)
		return 0;
	if ((z = tz_get(w->timezone)) == NULL) {
		log_warnx("worker %s: unknown zone %s", w->id, w->timezone);
		return -1;
	}
	if (store_hours_get(st, w->id, &h) != STORE_OK)
		return -1;
	if (load_sessions(st, s, from, to, skip_session, &sess, &nsess) == -1)
		goto done;
	memset(&q, 0, sizeof(q));
	q.zone = z;
	q.hours = &h;
	q.service = s;
	q.sessions = sess;
	q.nsessions = nsess;
	q.now = env->now;
	q.from = from;
	q.to = to;
	rc = slots_compute(&q, out);
done:
	free(sess);
	hours_clear(&h);
	return rc;
}

static int
load(struct store *st, const char *w, const char *s, struct worker *wo,
    struct service *so)
{
	int	 rc;

	if ((rc = store_worker_get(st, w, wo)) != STORE_OK)
		return rc == STORE_NOTFOUND ? BOOK_NOTFOUND : BOOK_ERR;
	if ((rc = store_service_get(st, w, s, so)) != STORE_OK) {
		worker_clear(wo);
		return rc == STORE_NOTFOUND ? BOOK_NOTFOUND : BOOK_ERR;
	}
	return BOOK_OK;
}

int
booking_slots_for(struct store *st, const struct booking_env *env,
    const struct worker *w, const struct service *s, int64_t from,
    int64_t to, int64_t skip_session, struct slot_list *out)
{
	return compute(st, env, w, s, from, to, skip_session, out) == 0 ?
	    BOOK_OK : BOOK_ERR;
}

int
booking_slots(struct store *st, const struct booking_env *env,
    const char *w, const char *s, int64_t from, int64_t to,
    struct slot_list *out)
{
	struct worker	 wo;
	struct service	 so;
	int		 rc;

	if ((rc = load(st, w, s, &wo, &so)) != BOOK_OK)
		return rc;
	rc = compute(st, env, &wo, &so, from, to, 0, out) == 0 ? BOOK_OK :
	    BOOK_ERR;
	worker_clear(&wo);
	service_clear(&so);
	return rc;
}

/* Is start bookable now? Fills *seats_left. */
static int
bookable(struct store *st, const struct booking_env *env,
    const struct worker *w, const struct service *s, int64_t start,
    int64_t skip_session)
{
	struct slot_list	 l = { 0 };
	int			 rc;

	if (compute(st, env, w, s, start, start + 1, skip_session, &l) == -1)
		rc = BOOK_ERR;
	else
		rc = slot_list_find(&l, start) != NULL ? BOOK_OK :
		    BOOK_UNAVAILABLE;
	slot_list_free(&l);
	return rc;
}

static char *
room_new(const struct booking_env *env)
{
	char	 name[ROOM_MAX], *url;

	token_room(name);
	if (asprintf(&url, "%s%s", env->video_base_url, name) == -1)
		return NULL;
	return url;
}

/*
 * Takes a seat in the session of s at start, creating the session (and
 * its room, for a group) when there is none. *room gets the room of a
 * group session, NULL for a 1:1 class (its room is the booking's).
 */
static int
take_seat(struct store *st, const struct booking_env *env,
    const struct service *s, int64_t start, int64_t *session_id,
    char **room)
{
	struct session	 se;
	int		 rc;

	*room = NULL;
	rc = store_session_at(st, s->worker_id, s->id, start, &se);
	if (rc == STORE_ERR)
		return BOOK_ERR;
	if (rc == STORE_NOTFOUND) {
		memset(&se, 0, sizeof(se));
		snprintf(se.worker_id, sizeof(se.worker_id), "%s",
		    s->worker_id);
		snprintf(se.service_id, sizeof(se.service_id), "%s", s->id);
		se.start = start;
		se.end = start + (int64_t)s->duration_min * 60;
		se.occ_start = start - (int64_t)s->buffer_before_min * 60;
		se.occ_end = se.end + (int64_t)s->buffer_after_min * 60;
		se.updated_at = env->now;
		if (s->capacity > 1 && s->video &&
		    (se.room_url = room_new(env)) == NULL)
			return BOOK_ERR;
		if (store_session_insert(st, &se) != STORE_OK) {
			session_clear(&se);
			return BOOK_ERR;
		}
	}
	rc = store_session_seats(st, se.id, 1, s->capacity, env->now);
	if (rc != STORE_OK) {
		session_clear(&se);
		return rc == STORE_CONFLICT ? BOOK_UNAVAILABLE : BOOK_ERR;
	}
	*session_id = se.id;
	*room = se.room_url;
	se.room_url = NULL;
	session_clear(&se);
	return BOOK_OK;
}

static int
replay(struct store *st, const char *w, const char *s,
    const struct booking_idem *idem, const struct booking_env *env,
    int *status, char **answer)
{
	uint8_t	 hash[HASH_LEN];
	int	 rc;

	rc = store_idem_get(st, w, s, idem->key, hash, status, answer,
	    env->now - IDEM_TTL);
	if (rc == STORE_NOTFOUND)
		return BOOK_OK;
	if (rc != STORE_OK)
		return BOOK_ERR;
	if (memcmp(hash, idem->body_hash, HASH_LEN) != 0) {
		free(*answer);
		*answer = NULL;
		return BOOK_MISMATCH;
	}
	return BOOK_REPLAY;
}

int
booking_create(struct store *st, const struct booking_env *env,
    const char *w, const char *s, const struct booking_req *req,
    const struct booking_idem *idem, struct booking *b,
    char token[TOKEN_MAX], int *status, char **answer)
{
	struct worker	 wo;
	struct service	 so;
	uint8_t		 hash[HASH_LEN];
	char		*room = NULL;
	int		 rc;

	memset(b, 0, sizeof(*b));
	*answer = NULL;
	if (store_tx_begin(st) != STORE_OK)
		return BOOK_ERR;
	if ((rc = load(st, w, s, &wo, &so)) != BOOK_OK) {
		store_tx_rollback(st);
		return rc;
	}
	if (idem != NULL && (rc = replay(st, w, s, idem, env, status,
	    answer)) != BOOK_OK)
		goto done;
	if ((rc = bookable(st, env, &wo, &so, req->start, 0)) != BOOK_OK)
		goto done;
	if ((rc = take_seat(st, env, &so, req->start, &b->session_id,
	    &room)) != BOOK_OK)
		goto done;

	token_uuid(b->id);
	b->status = BOOKING_CONFIRMED;
	snprintf(b->worker_id, sizeof(b->worker_id), "%s", w);
	snprintf(b->service_id, sizeof(b->service_id), "%s", s);
	b->start = req->start;
	b->end = req->start + (int64_t)so.duration_min * 60;
	b->name = strdup(req->name);
	b->email = strdup(req->email);
	b->note = strdup(req->note != NULL ? req->note : "");
	snprintf(b->timezone, sizeof(b->timezone), "%s",
	    req->timezone != NULL ? req->timezone : wo.timezone);
	snprintf(b->locale, sizeof(b->locale), "%s",
	    req->locale != NULL ? req->locale : wo.locale);
	if (room != NULL)
		b->room_url = room;
	else if (so.video)
		b->room_url = room_new(env);
	room = NULL;
	b->sequence = 0;
	b->created_at = b->updated_at = env->now;
	rc = BOOK_ERR;
	if (b->name == NULL || b->email == NULL || b->note == NULL ||
	    (so.video && b->room_url == NULL))
		goto done;
	token_new("crb", token);
	token_hash(token, hash);
	if (store_booking_insert(st, b, hash) != STORE_OK ||
	    store_worker_touch_feed(st, w, env->now) != STORE_OK)
		goto done;
	if (notify_booked(st, env->now, b, &wo, &so, token) == -1)
		goto done;
	if (idem != NULL) {
		*status = 201;
		if ((*answer = idem->render(b, token, idem->arg)) == NULL ||
		    store_idem_put(st, w, s, idem->key, idem->body_hash, 201,
		    *answer, env->now) != STORE_OK)
			goto done;
	}
	rc = store_tx_commit(st) == STORE_OK ? BOOK_OK : BOOK_ERR;
	if (rc == BOOK_OK) {
		notify_wake();
		worker_clear(&wo);
		service_clear(&so);
		return BOOK_OK;
	}
done:
	store_tx_rollback(st);
	free(room);
	worker_clear(&wo);
	service_clear(&so);
	if (rc != BOOK_REPLAY) {
		free(*answer);
		*answer = NULL;
	}
	booking_clear(b);
	return rc;
}

int
booking_cancel(struct store *st, const struct booking_env *env,
    const char *id, const char *reason, struct booking *b)
{
	struct worker	 wo;
	struct service	 so;
	int		 rc;

	if (store_tx_begin(st) != STORE_OK)
		return BOOK_ERR;
	rc = store_booking_get(st, id, b);
	if (rc != STORE_OK) {
		store_tx_rollback(st);
		return rc == STORE_NOTFOUND ? BOOK_NOTFOUND : BOOK_ERR;
	}
	if (b->status == BOOKING_CANCELLED) {
		store_tx_rollback(st);
		return BOOK_OK;
	}
	b->status = BOOKING_CANCELLED;
	b->sequence++;
	b->updated_at = env->now;
	free(b->cancel_reason);
	b->cancel_reason = NULL;
	if (reason != NULL && *reason != '\0' &&
	    (b->cancel_reason = strdup(reason)) == NULL)
		goto fail;
	if (store_session_seats(st, b->session_id, -1, 0, env->now) !=
	    STORE_OK || store_booking_update(st, b) != STORE_OK ||
	    store_worker_touch_feed(st, b->worker_id, env->now) != STORE_OK)
		goto fail;
	if (notify_enabled()) {
		if (load(st, b->worker_id, b->service_id, &wo, &so) != BOOK_OK)
			goto fail;
		rc = notify_cancelled(st, env->now, b, &wo, &so);
		worker_clear(&wo);
		service_clear(&so);
		if (rc == -1)
			goto fail;
	}
	if (store_tx_commit(st) != STORE_OK)
		goto fail;
	notify_wake();
	return BOOK_OK;
fail:
	store_tx_rollback(st);
	booking_clear(b);
	return BOOK_ERR;
}

/*
 * Moves a booking: its own seat is not counted when checking the new start
 * (a 1:1 class may move by half an hour into its own time). Either all of
 * it is written, or nothing.
 */
int
booking_reschedule(struct store *st, const struct booking_env *env,
    const char *id, int64_t start, struct booking *b)
{
	struct worker	 wo;
	struct service	 so;
	char		*room = NULL;
	int64_t		 session_id;
	int		 rc;

	if (store_tx_begin(st) != STORE_OK)
		return BOOK_ERR;
	rc = store_booking_get(st, id, b);
	if (rc != STORE_OK) {
		store_tx_rollback(st);
		return rc == STORE_NOTFOUND ? BOOK_NOTFOUND : BOOK_ERR;
	}
	if (b->status == BOOKING_CANCELLED) {
		store_tx_rollback(st);
		booking_clear(b);
		return BOOK_CANCELLED;
	}
	if ((rc = load(st, b->worker_id, b->service_id, &wo, &so)) !=
	    BOOK_OK) {
		store_tx_rollback(st);
		booking_clear(b);
		return rc == BOOK_NOTFOUND ? BOOK_UNAVAILABLE : rc;
	}
	if ((rc = bookable(st, env, &wo, &so, start, b->session_id)) !=
	    BOOK_OK)
		goto fail;
	rc = BOOK_ERR;
	if (store_session_seats(st, b->session_id, -1, 0, env->now) !=
	    STORE_OK)
		goto fail;
	if ((rc = take_seat(st, env, &so, start, &session_id, &room)) !=
	    BOOK_OK)
		goto fail;
	rc = BOOK_ERR;
	/* A group booking joins the new session's room; 1:1 keeps its own. */
	if (so.capacity > 1) {
		free(b->room_url);
		b->room_url = room;
		room = NULL;
	}
	b->session_id = session_id;
	b->start = start;
	b->end = start + (int64_t)so.duration_min * 60;
	b->sequence++;
	b->updated_at = env->now;
	if (store_booking_update(st, b) != STORE_OK ||
	    store_worker_touch_feed(st, b->worker_id, env->now) != STORE_OK ||
	    notify_rescheduled(st, env->now, b, &wo, &so) == -1 ||
	    store_tx_commit(st) != STORE_OK)
		goto fail;
	notify_wake();
	worker_clear(&wo);
	service_clear(&so);
	return BOOK_OK;
fail:
	store_tx_rollback(st);
	free(room);
	worker_clear(&wo);
	service_clear(&so);
	booking_clear(b);
	return rc;
}
