/*
 * booking.c: book, cancel, reschedule. See booking.h.
 *
 * Every write takes the database's write lock first (BEGIN IMMEDIATE),
 * then reads the state, asks slots_compute() whether the start is bookable
 * now, and writes. Writers are serialized, so what was read is what is
 * written over: no seat is sold twice. The store's CHECK and trigger refuse
 * an oversold or overlapping session if this code were ever wrong.
 */
#include <pthread.h>
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

/*
 * Group commit. A booking write is a job; the first thread that has one
 * and finds no leader becomes the leader: it takes every job queued so far,
 * runs each in a savepoint of one write transaction (a job that fails is
 * undone alone), commits once, and wakes their threads. So many bookings
 * share one fsync, and none is answered before it is on disk: a job's
 * result is given only after the commit that holds it succeeded.
 */
struct write_job {
	int			(*run)(struct store *, void *);
	void			(*undo)(void *);	/* commit failed */
	void			*arg;
	int			 rc;
	int			 done;
	struct write_job	*next;
};

#define BATCH_MAX	64

static struct {
	pthread_mutex_t		 mtx;
	pthread_cond_t		 done;
	struct write_job	*head, *tail;
	int			 leader;
} wq = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0 };

/*
 * The batch's transaction is lost: every answer it would give is wrong,
 * also a replay that read a key written earlier in the same batch.
 */
static void
batch_failed(struct write_job *batch)
{
	struct write_job	*j;

	for (j = batch; j != NULL; j = j->next) {
		if ((j->rc == BOOK_OK || j->rc == BOOK_REPLAY) &&
		    j->undo != NULL)
			j->undo(j->arg);
		j->rc = BOOK_ERR;
	}
}

/* Runs a batch on st; every job's rc is final when this returns. */
static void
run_batch(struct store *st, struct write_job *batch)
{
	struct write_job	*j;
	int			 kept = 0;

	if (store_tx_begin(st) != STORE_OK) {
		for (j = batch; j != NULL; j = j->next)
			j->rc = BOOK_ERR;
		return;
	}
	for (j = batch; j != NULL; j = j->next) {
		if (store_savepoint(st) != STORE_OK) {
			j->rc = BOOK_ERR;
			continue;
		}
		j->rc = j->run(st, j->arg);
		if (store_savepoint_end(st, j->rc == BOOK_OK) != STORE_OK) {
			/* The transaction is in doubt: give all of it up. */
			store_tx_rollback(st);
			batch_failed(batch);
			return;
		}
		kept += j->rc == BOOK_OK;
	}
	if (store_tx_commit(st) != STORE_OK) {
		batch_failed(batch);
		return;
	}
	if (kept > 0)
		notify_wake();
}

static int
run_write(struct store *st, int (*run)(struct store *, void *),
    void (*undo)(void *), void *arg)
{
	struct write_job	 job = { run, undo, arg, BOOK_ERR, 0, NULL };
	struct write_job	*batch, *j, *next;
	int			 n;

	pthread_mutex_lock(&wq.mtx);
	if (wq.tail != NULL)
		wq.tail->next = &job;
	else
		wq.head = &job;
	wq.tail = &job;
	while (!job.done) {
		if (wq.leader) {
			pthread_cond_wait(&wq.done, &wq.mtx);
			continue;
		}
		/* Lead: take up to BATCH_MAX jobs, run them unlocked. */
		wq.leader = 1;
		batch = wq.head;
		for (j = batch, n = 1; j->next != NULL && n < BATCH_MAX; n++)
			j = j->next;
		wq.head = j->next;
		if (wq.head == NULL)
			wq.tail = NULL;
		j->next = NULL;
		pthread_mutex_unlock(&wq.mtx);
		run_batch(st, batch);
		pthread_mutex_lock(&wq.mtx);
		for (j = batch; j != NULL; j = next) {
			next = j->next;
			j->done = 1;
		}
		wq.leader = 0;
		pthread_cond_broadcast(&wq.done);
	}
	pthread_mutex_unlock(&wq.mtx);
	return job.rc;
}

struct create_job {
	const struct booking_env	*env;
	const char			*w, *s;
	const struct booking_req	*req;
	const struct booking_idem	*idem;
	struct booking			*b;
	char				*token;
	int				*status;
	char				**answer;
};

static void
create_undo(void *arg)
{
	struct create_job	*c = arg;

	booking_clear(c->b);
	free(*c->answer);
	*c->answer = NULL;
}

static int
create_run(struct store *st, void *arg)
{
	struct create_job		*c = arg;
	const struct booking_env	*env = c->env;
	const struct booking_req	*req = c->req;
	struct booking			*b = c->b;
	struct worker			 wo;
	struct service			 so;
	uint8_t				 hash[HASH_LEN];
	char				*room = NULL;
	int				 rc;

	memset(b, 0, sizeof(*b));
	*c->answer = NULL;
	if ((rc = load(st, c->w, c->s, &wo, &so)) != BOOK_OK)
		return rc;
	if (c->idem != NULL && (rc = replay(st, c->w, c->s, c->idem, env,
	    c->status, c->answer)) != BOOK_OK)
		goto done;
	if ((rc = bookable(st, env, &wo, &so, req->start, 0)) != BOOK_OK)
		goto done;
	if ((rc = take_seat(st, env, &so, req->start, &b->session_id,
	    &room)) != BOOK_OK)
		goto done;

	token_uuid(b->id);
	b->status = BOOKING_CONFIRMED;
	snprintf(b->worker_id, sizeof(b->worker_id), "%s", c->w);
	snprintf(b->service_id, sizeof(b->service_id), "%s", c->s);
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
	token_new("crb", c->token);
	token_hash(c->token, hash);
	if (store_booking_insert(st, b, hash) != STORE_OK ||
	    store_worker_touch_feed(st, c->w, env->now) != STORE_OK)
		goto done;
	if (notify_booked(st, env->now, b, &wo, &so, c->token) == -1)
		goto done;
	if (c->idem != NULL) {
		*c->status = 201;
		if ((*c->answer = c->idem->render(b, c->token,
		    c->idem->arg)) == NULL ||
		    store_idem_put(st, c->w, c->s, c->idem->key,
		    c->idem->body_hash, 201, *c->answer, env->now) != STORE_OK)
			goto done;
	}
	worker_clear(&wo);
	service_clear(&so);
	return BOOK_OK;
done:
	free(room);
	worker_clear(&wo);
	service_clear(&so);
	if (rc != BOOK_REPLAY) {
		free(*c->answer);
		*c->answer = NULL;
	}
	booking_clear(b);
	return rc;
}

int
booking_create(struct store *st, const struct booking_env *env,
    const char *w, const char *s, const struct booking_req *req,
    const struct booking_idem *idem, struct booking *b,
    char token[TOKEN_MAX], int *status, char **answer)
{
	struct create_job	 c = { env, w, s, req, idem, b, token, status,
				    answer };

	memset(b, 0, sizeof(*b));
	*answer = NULL;
	return run_write(st, create_run, create_undo, &c);
}

struct change_job {
	const struct booking_env	*env;
	const char			*id;
	const char			*reason;	/* cancel */
	int64_t				 start;		/* reschedule */
	struct booking			*b;
};

static void
change_undo(void *arg)
{
	struct change_job	*c = arg;

	booking_clear(c->b);
}

static int
cancel_run(struct store *st, void *arg)
{
	struct change_job		*c = arg;
	const struct booking_env	*env = c->env;
	struct booking			*b = c->b;
	struct worker			 wo;
	struct service			 so;
	int				 rc;

	rc = store_booking_get(st, c->id, b);
	if (rc != STORE_OK) {
		booking_clear(b);
		return rc == STORE_NOTFOUND ? BOOK_NOTFOUND : BOOK_ERR;
	}
	/* Cancelling again changes nothing (a kept job that wrote nothing). */
	if (b->status == BOOKING_CANCELLED)
		return BOOK_OK;
	b->status = BOOKING_CANCELLED;
	b->sequence++;
	b->updated_at = env->now;
	free(b->cancel_reason);
	b->cancel_reason = NULL;
	if (c->reason != NULL && *c->reason != '\0' &&
	    (b->cancel_reason = strdup(c->reason)) == NULL)
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
	return BOOK_OK;
fail:
	booking_clear(b);
	return BOOK_ERR;
}

int
booking_cancel(struct store *st, const struct booking_env *env,
    const char *id, const char *reason, struct booking *b)
{
	struct change_job	 c = { env, id, reason, 0, b };

	memset(b, 0, sizeof(*b));
	return run_write(st, cancel_run, change_undo, &c);
}

/*
 * Moves a booking: its own seat is not counted when checking the new start
 * (a 1:1 class may move by half an hour into its own time). Either all of
 * it is written, or nothing.
 */
static int
reschedule_run(struct store *st, void *arg)
{
	struct change_job		*c = arg;
	const struct booking_env	*env = c->env;
	struct booking			*b = c->b;
	struct worker			 wo;
	struct service			 so;
	char				*room = NULL;
	int64_t				 session_id, start = c->start;
	int				 rc;

	rc = store_booking_get(st, c->id, b);
	if (rc != STORE_OK) {
		booking_clear(b);
		return rc == STORE_NOTFOUND ? BOOK_NOTFOUND : BOOK_ERR;
	}
	if (b->status == BOOKING_CANCELLED) {
		booking_clear(b);
		return BOOK_CANCELLED;
	}
	if ((rc = load(st, b->worker_id, b->service_id, &wo, &so)) !=
	    BOOK_OK) {
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
	    notify_rescheduled(st, env->now, b, &wo, &so) == -1)
		goto fail;
	worker_clear(&wo);
	service_clear(&so);
	return BOOK_OK;
fail:
	free(room);
	worker_clear(&wo);
	service_clear(&so);
	booking_clear(b);
	return rc;
}

int
booking_reschedule(struct store *st, const struct booking_env *env,
    const char *id, int64_t start, struct booking *b)
{
	struct change_job	 c = { env, id, NULL, start, b };

	memset(b, 0, sizeof(*b));
	return run_write(st, reschedule_run, change_undo, &c);
}
