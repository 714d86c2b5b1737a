/*
 * test_booking.c: book, cancel, reschedule and the slot list, against a
 * real store file, with a fixed clock (SEMANTICS.md sections 1.4, 2, 3).
 *
 * The worker is in Brussels, open 09:00-17:00 every day; the bookings are
 * in January 2030 (UTC+1) and "now" is 2029-06-01, so that nothing depends
 * on today's date.
 */
#include "unit.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "booking.h"
#include "store.h"
#include "token.h"
#include "tzconv.h"

#define H	3600
#define M	60
#define ROOMS	"https://meet.jit.si/"

struct fix {
	char			 dir[64];
	char			 path[128];
	struct store		*st;
	struct booking_env	 env;
};

static int64_t
at(const char *s)
{
	int64_t	 t = 0;

	if (rfc3339_parse(s, &t) == -1)
		fail_msg("bad instant %s", s);
	return t;
}

static void
add_service(struct store *st, const char *id, int duration, int step,
    int capacity, int before, int after)
{
	struct service	 s;

	memset(&s, 0, sizeof(s));
	snprintf(s.worker_id, sizeof(s.worker_id), "jean");
	snprintf(s.id, sizeof(s.id), "%s", id);
	s.title = (char *)"Cours";
	s.description = (char *)"";
	s.duration_min = duration;
	s.step_min = step;
	s.capacity = capacity;
	s.buffer_before_min = before;
	s.buffer_after_min = after;
	s.min_notice_min = 60;
	s.horizon_days = 730;
	s.video = true;
	s.active = true;
	assert_int_equal(store_service_insert(st, &s), STORE_OK);
}

static int
rm_entry(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	return remove(path);
}

static int
setup(void **state)
{
	struct fix	*f;
	struct worker	 w;
	struct hours	 h;
	uint8_t		 th[HASH_LEN], n[FEED_NONCE_LEN];
	int		 d;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/creneau-booking-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/creneau.db", f->dir);
	if ((f->st = store_open(f->path)) == NULL)
		return -1;
	f->env.video_base_url = ROOMS;
	f->env.now = at("2029-06-01T00:00:00Z");

	memset(&w, 0, sizeof(w));
	snprintf(w.id, sizeof(w.id), "jean");
	w.name = (char *)"Jean Peeters";
	w.email = (char *)"jean@example.org";
	snprintf(w.timezone, sizeof(w.timezone), "Europe/Brussels");
	snprintf(w.locale, sizeof(w.locale), "fr");
	w.created_at = w.updated_at = f->env.now;
	token_hash("crw_jean", th);
	token_nonce(n);
	if (store_worker_insert(f->st, &w, th, n) != STORE_OK)
		return -1;
	memset(&h, 0, sizeof(h));
	for (d = 0; d < 7; d++) {
		h.weekly[d].n = 1;
		h.weekly[d].v[0].start = 9 * 60;
		h.weekly[d].v[0].end = 17 * 60;
	}
	if (store_hours_put(f->st, "jean", &h) != STORE_OK)
		return -1;
	/* 1:1, an hour every half hour. */
	add_service(f->st, "maths", 60, 30, 1, 0, 0);
	/* A group of three, every hour. */
	add_service(f->st, "atelier", 60, 60, 3, 0, 0);
	/* Half an hour with buffers either side. */
	add_service(f->st, "coupe", 30, 30, 1, 15, 30);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	store_close(f->st);
	nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static int
group_setup(void **state)
{
	if (tz_init(NULL) == -1 || token_init() == -1)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	tz_shutdown();
	return 0;
}

static const struct booking_req marie = {
	0, "Marie Dupont", "marie@example.be", "Chapitre 3", NULL, NULL
};

/* Books s at start for marie; returns the result, *b filled on BOOK_OK. */
static int
book(struct fix *f, const char *s, int64_t start, struct booking *b,
    char token[TOKEN_MAX])
{
	struct booking_req	 r = marie;
	char			*answer = NULL;
	int			 status = 0, rc;

	r.start = start;
	rc = booking_create(f->st, &f->env, "jean", s, &r, NULL, b, token,
	    &status, &answer);
	assert_null(answer);
	return rc;
}

/* Books and expects success; the booking is cleared, its id kept. */
static void
book_ok(struct fix *f, const char *s, const char *when, char id[40])
{
	struct booking	 b;
	char		 token[TOKEN_MAX];
	int		 rc;

	if ((rc = book(f, s, at(when), &b, token)) != BOOK_OK)
		fail_msg("booking %s at %s: %d", s, when, rc);
	if (id != NULL)
		memcpy(id, b.id, 40);
	booking_clear(&b);
}

static void
book_refused(struct fix *f, const char *s, const char *when, int want)
{
	struct booking	 b;
	char		 token[TOKEN_MAX];
	int		 rc;

	if ((rc = book(f, s, at(when), &b, token)) != want) {
		booking_clear(&b);
		fail_msg("booking %s at %s: %d, wanted %d", s, when, rc, want);
	}
}

/* The slots of s on 2030-01-07 (Brussels). */
static void
day_slots(struct fix *f, const char *s, struct slot_list *l)
{
	memset(l, 0, sizeof(*l));
	assert_int_equal(booking_slots(f->st, &f->env, "jean", s,
	    at("2030-01-07T00:00:00+01:00"), at("2030-01-08T00:00:00+01:00"),
	    l), BOOK_OK);
}

static int
listed(struct fix *f, const char *s, const char *when)
{
	struct slot_list	 l;
	int			 yes;

	day_slots(f, s, &l);
	yes = slot_list_find(&l, at(when)) != NULL;
	slot_list_free(&l);
	return yes;
}

static int
seats_left(struct fix *f, const char *s, const char *when)
{
	struct slot_list	 l;
	const struct slot	*x;
	int			 n;

	day_slots(f, s, &l);
	n = (x = slot_list_find(&l, at(when))) != NULL ? x->seats_left : 0;
	slot_list_free(&l);
	return n;
}

static size_t
count_bookings(struct fix *f)
{
	struct booking	*v;
	size_t		 n;

	assert_int_equal(store_bookings_list(f->st, "jean", 0, INT64_MAX, &v,
	    &n), STORE_OK);
	booking_list_free(v, n);
	return n;
}

static void
test_book_a_listed_slot(void **state)
{
	struct fix		*f = *state;
	struct slot_list	 l;
	struct booking		 b, got;
	char			 token[TOKEN_MAX];
	uint8_t			 h[HASH_LEN];
	int64_t			 t = at("2030-01-07T10:00:00+01:00");

	day_slots(f, "maths", &l);
	assert_int_equal(l.n, 15);		/* 09:00 to 16:00 */
	assert_int_equal(l.v[0].start, at("2030-01-07T09:00:00+01:00"));
	assert_int_equal(l.v[14].start, at("2030-01-07T16:00:00+01:00"));
	assert_non_null(slot_list_find(&l, t));
	slot_list_free(&l);

	assert_int_equal(book(f, "maths", t, &b, token), BOOK_OK);
	assert_int_equal(strlen(b.id), 36);
	assert_int_equal(b.status, BOOKING_CONFIRMED);
	assert_string_equal(b.worker_id, "jean");
	assert_string_equal(b.service_id, "maths");
	assert_int_equal(b.start, t);
	assert_int_equal(b.end, t + H);
	assert_string_equal(b.name, "Marie Dupont");
	assert_string_equal(b.email, "marie@example.be");
	assert_string_equal(b.note, "Chapitre 3");
	assert_string_equal(b.timezone, "Europe/Brussels");
	assert_string_equal(b.locale, "fr");
	assert_non_null(b.room_url);
	assert_memory_equal(b.room_url, ROOMS, strlen(ROOMS));
	assert_true(strlen(b.room_url) > strlen(ROOMS));
	assert_int_equal(b.sequence, 0);
	assert_int_equal(b.created_at, f->env.now);
	assert_memory_equal(token, "crb_", 4);

	/* It is in the store, under its token. */
	assert_int_equal(store_booking_get(f->st, b.id, &got), STORE_OK);
	assert_int_equal(got.start, t);
	assert_int_equal(got.session_id, b.session_id);
	assert_string_equal(got.room_url, b.room_url);
	booking_clear(&got);
	token_hash(token, h);
	assert_int_equal(store_booking_check_token(f->st, b.id, h), STORE_OK);
	booking_clear(&b);

	/* The slot and those overlapping it are gone; touching ones stay. */
	assert_false(listed(f, "maths", "2030-01-07T10:00:00+01:00"));
	assert_false(listed(f, "maths", "2030-01-07T09:30:00+01:00"));
	assert_false(listed(f, "maths", "2030-01-07T10:30:00+01:00"));
	assert_true(listed(f, "maths", "2030-01-07T09:00:00+01:00"));
	assert_true(listed(f, "maths", "2030-01-07T11:00:00+01:00"));
}

static void
test_client_zone_and_locale(void **state)
{
	struct fix		*f = *state;
	struct booking_req	 r = marie;
	struct booking		 b;
	char			 token[TOKEN_MAX], *answer = NULL;
	int			 status;

	r.start = at("2030-01-07T15:00:00+01:00");
	r.timezone = "America/New_York";
	r.locale = "en";
	r.note = NULL;
	assert_int_equal(booking_create(f->st, &f->env, "jean", "maths", &r,
	    NULL, &b, token, &status, &answer), BOOK_OK);
	assert_string_equal(b.timezone, "America/New_York");
	assert_string_equal(b.locale, "en");
	assert_string_equal(b.note, "");
	booking_clear(&b);
}

static void
test_refused_starts(void **state)
{
	struct fix	*f = *state;

	/* Off the step grid. */
	book_refused(f, "maths", "2030-01-07T10:15:00+01:00", BOOK_UNAVAILABLE);
	book_refused(f, "maths", "2030-01-07T10:00:01+01:00", BOOK_UNAVAILABLE);
	/* Outside the hours, or not ending inside them. */
	book_refused(f, "maths", "2030-01-07T08:30:00+01:00", BOOK_UNAVAILABLE);
	book_refused(f, "maths", "2030-01-07T16:30:00+01:00", BOOK_UNAVAILABLE);
	/* In the past (before now + notice), or past the horizon. */
	book_refused(f, "maths", "2029-05-31T10:00:00+02:00", BOOK_UNAVAILABLE);
	book_refused(f, "maths", "2031-06-02T10:00:00+02:00", BOOK_UNAVAILABLE);
	/* No such worker or service. */
	book_refused(f, "nope", "2030-01-07T10:00:00+01:00", BOOK_NOTFOUND);
	assert_int_equal(count_bookings(f), 0);
	/* Less than the hour of notice ahead; then just enough. */
	f->env.now = at("2030-01-07T09:30:00+01:00");
	book_refused(f, "maths", "2030-01-07T10:00:00+01:00", BOOK_UNAVAILABLE);
	book_ok(f, "maths", "2030-01-07T10:30:00+01:00", NULL);
}

static void
test_unknown_worker(void **state)
{
	struct fix		*f = *state;
	struct booking_req	 r = marie;
	struct booking		 b;
	struct slot_list	 l = { 0 };
	char			 token[TOKEN_MAX], *answer = NULL;
	int			 status;

	r.start = at("2030-01-07T10:00:00+01:00");
	assert_int_equal(booking_create(f->st, &f->env, "marie", "maths", &r,
	    NULL, &b, token, &status, &answer), BOOK_NOTFOUND);
	assert_int_equal(booking_slots(f->st, &f->env, "marie", "maths",
	    r.start, r.start + H, &l), BOOK_NOTFOUND);
	assert_int_equal(booking_slots(f->st, &f->env, "jean", "nope",
	    r.start, r.start + H, &l), BOOK_NOTFOUND);
	slot_list_free(&l);
}

static void
test_capacity_one(void **state)
{
	struct fix	*f = *state;

	book_ok(f, "maths", "2030-01-07T10:00:00+01:00", NULL);
	book_refused(f, "maths", "2030-01-07T10:00:00+01:00", BOOK_UNAVAILABLE);
	book_refused(f, "maths", "2030-01-07T10:30:00+01:00", BOOK_UNAVAILABLE);
	book_refused(f, "maths", "2030-01-07T09:30:00+01:00", BOOK_UNAVAILABLE);
	/* Another service of the worker cannot take that hour either. */
	book_refused(f, "atelier", "2030-01-07T10:00:00+01:00",
	    BOOK_UNAVAILABLE);
	assert_int_equal(count_bookings(f), 1);
}

static void
test_capacity_three(void **state)
{
	struct fix	*f = *state;
	const char	*t = "2030-01-07T14:00:00+01:00";
	int		 i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(seats_left(f, "atelier", t), 3 - i);
		book_ok(f, "atelier", t, NULL);
	}
	assert_false(listed(f, "atelier", t));
	book_refused(f, "atelier", t, BOOK_UNAVAILABLE);
	assert_int_equal(count_bookings(f), 3);
	/* The hour is the group's: a 1:1 cannot take it. */
	book_refused(f, "maths", t, BOOK_UNAVAILABLE);
}

static void
test_cancel(void **state)
{
	struct fix	*f = *state;
	struct booking	 b, again;
	struct session	 se;
	char		 id[40];

	book_ok(f, "maths", "2030-01-07T10:00:00+01:00", id);
	f->env.now += 100;
	assert_int_equal(booking_cancel(f->st, &f->env, id, "malade", &b),
	    BOOK_OK);
	assert_int_equal(b.status, BOOKING_CANCELLED);
	assert_int_equal(b.sequence, 1);
	assert_string_equal(b.cancel_reason, "malade");
	assert_int_equal(b.updated_at, f->env.now);
	assert_int_equal(store_session_get(f->st, b.session_id, &se),
	    STORE_OK);
	assert_int_equal(se.seats, 0);
	session_clear(&se);
	booking_clear(&b);

	/* The seat is free at once. */
	assert_true(listed(f, "maths", "2030-01-07T10:00:00+01:00"));
	assert_true(listed(f, "maths", "2030-01-07T09:30:00+01:00"));

	/* Cancelling again changes nothing. */
	f->env.now += 100;
	assert_int_equal(booking_cancel(f->st, &f->env, id, "encore", &again),
	    BOOK_OK);
	assert_int_equal(again.status, BOOKING_CANCELLED);
	booking_clear(&again);
	assert_int_equal(store_booking_get(f->st, id, &b), STORE_OK);
	assert_int_equal(b.sequence, 1);
	assert_string_equal(b.cancel_reason, "malade");
	assert_int_equal(b.updated_at, f->env.now - 100);
	booking_clear(&b);

	/* Someone else books the freed slot. */
	book_ok(f, "maths", "2030-01-07T10:00:00+01:00", NULL);
	assert_int_equal(booking_cancel(f->st, &f->env,
	    "00000000-0000-4000-8000-000000000000", NULL, &b), BOOK_NOTFOUND);
}

static void
test_cancel_without_reason(void **state)
{
	struct fix	*f = *state;
	struct booking	 b;
	char		 id[40];

	book_ok(f, "atelier", "2030-01-07T14:00:00+01:00", id);
	book_ok(f, "atelier", "2030-01-07T14:00:00+01:00", NULL);
	assert_int_equal(booking_cancel(f->st, &f->env, id, "", &b), BOOK_OK);
	assert_null(b.cancel_reason);
	booking_clear(&b);
	/* One seat of the group came back. */
	assert_int_equal(seats_left(f, "atelier",
	    "2030-01-07T14:00:00+01:00"), 2);
}

static void
test_reschedule_moves(void **state)
{
	struct fix	*f = *state;
	struct booking	 b, got;
	char		 id[40], room[256];

	book_ok(f, "maths", "2030-01-07T10:00:00+01:00", id);
	assert_int_equal(store_booking_get(f->st, id, &got), STORE_OK);
	snprintf(room, sizeof(room), "%s", got.room_url);
	booking_clear(&got);

	f->env.now += 60;
	assert_int_equal(booking_reschedule(f->st, &f->env, id,
	    at("2030-01-07T14:00:00+01:00"), &b), BOOK_OK);
	assert_string_equal(b.id, id);
	assert_int_equal(b.sequence, 1);
	assert_int_equal(b.start, at("2030-01-07T14:00:00+01:00"));
	assert_int_equal(b.end, at("2030-01-07T15:00:00+01:00"));
	assert_int_equal(b.status, BOOKING_CONFIRMED);
	/* A 1:1 keeps its room. */
	assert_string_equal(b.room_url, room);
	booking_clear(&b);

	assert_int_equal(store_booking_get(f->st, id, &got), STORE_OK);
	assert_int_equal(got.start, at("2030-01-07T14:00:00+01:00"));
	assert_int_equal(got.sequence, 1);
	assert_int_equal(got.updated_at, f->env.now);
	assert_string_equal(got.room_url, room);
	booking_clear(&got);
	assert_int_equal(count_bookings(f), 1);

	/* The old slot is free, the new one taken. */
	assert_true(listed(f, "maths", "2030-01-07T10:00:00+01:00"));
	assert_false(listed(f, "maths", "2030-01-07T14:00:00+01:00"));
	book_ok(f, "maths", "2030-01-07T10:00:00+01:00", NULL);
	/* To another day. */
	assert_int_equal(booking_reschedule(f->st, &f->env, id,
	    at("2030-01-09T09:00:00+01:00"), &b), BOOK_OK);
	assert_int_equal(b.sequence, 2);
	booking_clear(&b);
}

/* A 1:1 class may move by half an hour into its own time. */
static void
test_reschedule_into_own_time(void **state)
{
	struct fix	*f = *state;
	struct booking	 b;
	char		 id[40];

	book_ok(f, "maths", "2030-01-07T10:00:00+01:00", id);
	assert_int_equal(booking_reschedule(f->st, &f->env, id,
	    at("2030-01-07T10:30:00+01:00"), &b), BOOK_OK);
	assert_int_equal(b.start, at("2030-01-07T10:30:00+01:00"));
	assert_int_equal(b.sequence, 1);
	booking_clear(&b);
	assert_int_equal(booking_reschedule(f->st, &f->env, id,
	    at("2030-01-07T10:00:00+01:00"), &b), BOOK_OK);
	assert_int_equal(b.sequence, 2);
	booking_clear(&b);
	/* Even onto its own start. */
	assert_int_equal(booking_reschedule(f->st, &f->env, id,
	    at("2030-01-07T10:00:00+01:00"), &b), BOOK_OK);
	assert_int_equal(b.start, at("2030-01-07T10:00:00+01:00"));
	booking_clear(&b);
	assert_false(listed(f, "maths", "2030-01-07T10:30:00+01:00"));
}

static void
test_reschedule_refused(void **state)
{
	struct fix	*f = *state;
	struct booking	 b, before, after;
	char		 a[40], other[40];

	book_ok(f, "maths", "2030-01-07T10:00:00+01:00", a);
	book_ok(f, "maths", "2030-01-07T12:00:00+01:00", other);
	assert_int_equal(store_booking_get(f->st, a, &before), STORE_OK);

	/* Taken, overlapping what is taken, off the grid, outside hours. */
	assert_int_equal(booking_reschedule(f->st, &f->env, a,
	    at("2030-01-07T12:00:00+01:00"), &b), BOOK_UNAVAILABLE);
	assert_int_equal(booking_reschedule(f->st, &f->env, a,
	    at("2030-01-07T11:30:00+01:00"), &b), BOOK_UNAVAILABLE);
	assert_int_equal(booking_reschedule(f->st, &f->env, a,
	    at("2030-01-07T10:15:00+01:00"), &b), BOOK_UNAVAILABLE);
	assert_int_equal(booking_reschedule(f->st, &f->env, a,
	    at("2030-01-07T18:00:00+01:00"), &b), BOOK_UNAVAILABLE);

	/* Unchanged, and still holding its seat. */
	assert_int_equal(store_booking_get(f->st, a, &after), STORE_OK);
	assert_int_equal(after.start, before.start);
	assert_int_equal(after.session_id, before.session_id);
	assert_int_equal(after.sequence, 0);
	assert_int_equal(after.updated_at, before.updated_at);
	assert_string_equal(after.room_url, before.room_url);
	booking_clear(&before);
	booking_clear(&after);
	book_refused(f, "maths", "2030-01-07T10:00:00+01:00", BOOK_UNAVAILABLE);
	assert_false(listed(f, "maths", "2030-01-07T10:00:00+01:00"));

	/* A cancelled booking does not move. */
	assert_int_equal(booking_cancel(f->st, &f->env, other, NULL, &b),
	    BOOK_OK);
	booking_clear(&b);
	assert_int_equal(booking_reschedule(f->st, &f->env, other,
	    at("2030-01-07T15:00:00+01:00"), &b), BOOK_CANCELLED);
	assert_int_equal(store_booking_get(f->st, other, &after), STORE_OK);
	assert_int_equal(after.start, at("2030-01-07T12:00:00+01:00"));
	assert_int_equal(after.sequence, 1);
	booking_clear(&after);
	assert_int_equal(booking_reschedule(f->st, &f->env,
	    "00000000-0000-4000-8000-000000000000",
	    at("2030-01-07T15:00:00+01:00"), &b), BOOK_NOTFOUND);
}

static char *
room_of(struct fix *f, const char *id)
{
	struct booking	 b;
	char		*r;

	assert_int_equal(store_booking_get(f->st, id, &b), STORE_OK);
	r = b.room_url != NULL ? strdup(b.room_url) : NULL;
	booking_clear(&b);
	assert_non_null(r);
	return r;
}

static void
test_rooms(void **state)
{
	struct fix	*f = *state;
	struct booking	 b;
	char		 g1[40], g2[40], g3[40], o1[40], o2[40];
	char		*r1, *r2, *r3, *s1, *s2;

	/* A group session has one room; another session another. */
	book_ok(f, "atelier", "2030-01-07T14:00:00+01:00", g1);
	book_ok(f, "atelier", "2030-01-07T14:00:00+01:00", g2);
	book_ok(f, "atelier", "2030-01-08T14:00:00+01:00", g3);
	r1 = room_of(f, g1);
	r2 = room_of(f, g2);
	r3 = room_of(f, g3);
	assert_string_equal(r1, r2);
	assert_string_not_equal(r1, r3);
	assert_memory_equal(r1, ROOMS "creneau-", strlen(ROOMS) + 8);

	/* Moving a group booking joins the new session's room. */
	assert_int_equal(booking_reschedule(f->st, &f->env, g2,
	    at("2030-01-08T14:00:00+01:00"), &b), BOOK_OK);
	assert_string_equal(b.room_url, r3);
	booking_clear(&b);
	free(r2);
	r2 = room_of(f, g2);
	assert_string_equal(r2, r3);
	/* Into a session of its own: a new room, not the old one. */
	assert_int_equal(booking_reschedule(f->st, &f->env, g1,
	    at("2030-01-09T14:00:00+01:00"), &b), BOOK_OK);
	assert_non_null(b.room_url);
	assert_string_not_equal(b.room_url, r1);
	assert_string_not_equal(b.room_url, r3);
	booking_clear(&b);

	/* 1:1 bookings each have their own. */
	book_ok(f, "maths", "2030-01-07T09:00:00+01:00", o1);
	book_ok(f, "maths", "2030-01-07T11:00:00+01:00", o2);
	s1 = room_of(f, o1);
	s2 = room_of(f, o2);
	assert_string_not_equal(s1, s2);
	assert_string_not_equal(s1, r1);
	free(r1);
	free(r2);
	free(r3);
	free(s1);
	free(s2);
}

/* The answer kept for replays: the booking's id and token. */
static char *
render(const struct booking *b, const char *token, void *arg)
{
	char	*s;

	(*(int *)arg)++;
	if (asprintf(&s, "{\"id\": \"%s\", \"token\": \"%s\"}", b->id,
	    token) == -1)
		return NULL;
	return s;
}

static void
test_idempotency(void **state)
{
	struct fix		*f = *state;
	struct booking_idem	 idem;
	struct booking_req	 r = marie;
	struct booking		 b;
	char			 token[TOKEN_MAX], *first, *answer = NULL;
	char			 want[256];
	int			 status = 0, calls = 0;

	memset(&idem, 0, sizeof(idem));
	idem.key = "3f1c-key";
	memset(idem.body_hash, 0x11, HASH_LEN);
	idem.render = render;
	idem.arg = &calls;
	r.start = at("2030-01-07T10:00:00+01:00");

	assert_int_equal(booking_create(f->st, &f->env, "jean", "maths", &r,
	    &idem, &b, token, &status, &answer), BOOK_OK);
	assert_int_equal(status, 201);
	assert_non_null(answer);
	snprintf(want, sizeof(want), "{\"id\": \"%s\", \"token\": \"%s\"}",
	    b.id, token);
	assert_string_equal(answer, want);
	assert_int_equal(calls, 1);
	booking_clear(&b);
	first = answer;

	/* The same key and body: the first answer, nothing new. */
	f->env.now += 3600;
	answer = NULL;
	status = 0;
	assert_int_equal(booking_create(f->st, &f->env, "jean", "maths", &r,
	    &idem, &b, token, &status, &answer), BOOK_REPLAY);
	assert_int_equal(status, 201);
	assert_non_null(answer);
	assert_string_equal(answer, first);
	assert_int_equal(calls, 1);
	free(answer);
	assert_int_equal(count_bookings(f), 1);

	/* The same key, another body. */
	memset(idem.body_hash, 0x22, HASH_LEN);
	answer = NULL;
	assert_int_equal(booking_create(f->st, &f->env, "jean", "maths", &r,
	    &idem, &b, token, &status, &answer), BOOK_MISMATCH);
	assert_null(answer);
	assert_int_equal(count_bookings(f), 1);

	/* Another key is another request: that slot is taken. */
	memset(idem.body_hash, 0x11, HASH_LEN);
	idem.key = "other-key";
	assert_int_equal(booking_create(f->st, &f->env, "jean", "maths", &r,
	    &idem, &b, token, &status, &answer), BOOK_UNAVAILABLE);
	assert_null(answer);

	/* A key is kept for 24 hours, not more. */
	idem.key = "3f1c-key";
	r.start = at("2030-01-07T12:00:00+01:00");
	f->env.now += 86400 - 3600 + 1;
	assert_int_equal(booking_create(f->st, &f->env, "jean", "maths", &r,
	    &idem, &b, token, &status, &answer), BOOK_OK);
	assert_string_not_equal(answer, first);
	assert_int_equal(calls, 2);
	booking_clear(&b);
	free(answer);
	free(first);
	assert_int_equal(count_bookings(f), 2);
}

/* Buffers count across services: occupied intervals may not meet. */
static void
test_buffers_across_services(void **state)
{
	struct fix	*f = *state;

	/* coupe 10:00-10:30 occupies 09:45-11:00. */
	book_ok(f, "coupe", "2030-01-07T10:00:00+01:00", NULL);
	assert_false(listed(f, "maths", "2030-01-07T10:30:00+01:00"));
	assert_false(listed(f, "maths", "2030-01-07T09:00:00+01:00"));
	assert_true(listed(f, "maths", "2030-01-07T11:00:00+01:00"));
	book_refused(f, "maths", "2030-01-07T10:30:00+01:00", BOOK_UNAVAILABLE);
	/* 09:00-10:00 meets the 15 minutes before the cut. */
	book_refused(f, "maths", "2030-01-07T09:00:00+01:00", BOOK_UNAVAILABLE);
	book_ok(f, "maths", "2030-01-07T11:00:00+01:00", NULL);
	/*
	 * maths 11:00-12:00: a coupe at 12:00 would occupy from 11:45;
	 * 12:30 starts its buffer at 12:15, after the class.
	 */
	assert_false(listed(f, "coupe", "2030-01-07T12:00:00+01:00"));
	book_refused(f, "coupe", "2030-01-07T12:00:00+01:00", BOOK_UNAVAILABLE);
	assert_true(listed(f, "coupe", "2030-01-07T12:30:00+01:00"));
	book_ok(f, "coupe", "2030-01-07T12:30:00+01:00", NULL);
	/* And the coupe's 30 minutes after hold the next 1:1 off. */
	assert_false(listed(f, "maths", "2030-01-07T13:00:00+01:00"));
	assert_true(listed(f, "maths", "2030-01-07T13:30:00+01:00"));
	assert_int_equal(count_bookings(f), 3);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_book_a_listed_slot),
		T(test_client_zone_and_locale),
		T(test_refused_starts),
		T(test_unknown_worker),
		T(test_capacity_one),
		T(test_capacity_three),
		T(test_cancel),
		T(test_cancel_without_reason),
		T(test_reschedule_moves),
		T(test_reschedule_into_own_time),
		T(test_reschedule_refused),
		T(test_rooms),
		T(test_idempotency),
		T(test_buffers_across_services),
	};

	if (getenv("UNIT_FILTER") != NULL)
		cmocka_set_test_filter(getenv("UNIT_FILTER"));
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
