/*
 * test_slots.c: the availability engine, SEMANTICS.md section 1, rule by
 * rule, on DST days, and against a deliberately naive reference.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slots.h"
#include "tzconv.h"

#define H	3600
#define DAY	86400

/* One worker, one service, and what is booked: the engine's whole input. */
struct fix {
	const struct zone	*zone;
	struct hours		 hours;
	struct hours_override	 ov[8];
	struct interval		 off[8];
	struct service		 sv;
	struct slot_session	 ss[16];
	size_t			 nss;
	struct interval		 busy[8];
	size_t			 nbusy;
	int64_t			 now, from, to;
	struct slot_list	 out;
};

static const char *
utc(int64_t t)
{
	static char	buf[8][RFC3339_LEN];
	static int	i;
	char		*p = buf[i++ % 8];

	rfc3339_format(t, 0, p);
	strcpy(p + 19, "Z");
	return p;
}

static int64_t
at(const char *s)
{
	int64_t	t = 0;

	assert_int_equal(rfc3339_parse(s, &t), 0);
	return t;
}

static int32_t
date(const char *s)
{
	int32_t	d = 0;

	assert_int_equal(date_parse(s, &d), 0);
	return d;
}

static struct wall_interval
wi(const char *a, const char *b)
{
	struct wall_interval	w;
	int			ma, mb;

	assert_int_equal(hhmm_parse(a, 0, &ma), 0);
	assert_int_equal(hhmm_parse(b, 1, &mb), 0);
	w.start = ma;
	w.end = mb;
	return w;
}

/*
 * A worker in zone with no hours, a 1:1 service of dur minutes every step
 * minutes, no notice, a horizon of two years from now = 2027-01-01, and the
 * answer asked for the whole of 2027.
 */
static void
fix_init(struct fix *f, const char *zone, int dur, int step)
{
	memset(f, 0, sizeof(*f));
	f->zone = tz_get(zone);
	assert_non_null(f->zone);
	f->hours.overrides = f->ov;
	f->hours.time_off = f->off;
	f->sv.duration_min = dur;
	f->sv.step_min = step;
	f->sv.capacity = 1;
	f->sv.horizon_days = 730;
	f->now = at("2027-01-01T00:00:00Z");
	f->from = f->now;
	f->to = at("2028-01-01T00:00:00Z");
}

/* Weekly hours: weekday 0 = Monday. */
static void
fix_weekly(struct fix *f, int weekday, const char *a, const char *b)
{
	struct day_hours	*d = &f->hours.weekly[weekday];

	d->v[d->n++] = wi(a, b);
}

/* An override for the date; a NULL a makes it a day off. */
static void
fix_override(struct fix *f, const char *day, const char *a, const char *b)
{
	int32_t	d = date(day);
	size_t	i;

	for (i = 0; i < f->hours.noverrides && f->ov[i].date < d; i++)
		;
	if (i == f->hours.noverrides || f->ov[i].date != d) {
		memmove(&f->ov[i + 1], &f->ov[i],
		    (f->hours.noverrides - i) * sizeof(f->ov[0]));
		memset(&f->ov[i], 0, sizeof(f->ov[i]));
		f->ov[i].date = d;
		f->hours.noverrides++;
	}
	if (a != NULL)
		f->ov[i].day.v[f->ov[i].day.n++] = wi(a, b);
}

static void
fix_time_off(struct fix *f, const char *a, const char *b)
{
	f->off[f->hours.ntime_off].start = at(a);
	f->off[f->hours.ntime_off].end = at(b);
	f->hours.ntime_off++;
}

static void
fix_busy(struct fix *f, const char *a, const char *b)
{
	f->busy[f->nbusy].start = at(a);
	f->busy[f->nbusy].end = at(b);
	f->nbusy++;
}

/* A session with seats confirmed, of this service when same is set. */
static void
fix_session(struct fix *f, const char *start, int dur, int before,
    int after, int seats, int same)
{
	struct slot_session	*s = &f->ss[f->nss++];

	s->start = at(start);
	s->end = s->start + dur * 60;
	s->occ_start = s->start - before * 60;
	s->occ_end = s->end + after * 60;
	s->seats = seats;
	s->same_service = same;
}

static size_t
run(struct fix *f)
{
	struct slot_query	q;

	memset(&q, 0, sizeof(q));
	q.zone = f->zone;
	q.hours = &f->hours;
	q.service = &f->sv;
	q.sessions = f->ss;
	q.nsessions = f->nss;
	q.busy = f->nbusy ? f->busy : NULL;
	q.nbusy = f->nbusy;
	q.now = f->now;
	q.from = f->from;
	q.to = f->to;
	slot_list_free(&f->out);
	assert_int_equal(slots_compute(&q, &f->out), 0);
	return f->out.n;
}

static const char *
start(struct fix *f, size_t i)
{
	assert_true(i < f->out.n);
	return utc(f->out.v[i].start);
}

static int
seats(struct fix *f, size_t i)
{
	assert_true(i < f->out.n);
	return f->out.v[i].seats_left;
}

/* Asserts the starts, in UTC, of the whole answer. */
static void
assert_starts(struct fix *f, const char *const *want, size_t n)
{
	size_t	i;

	for (i = 0; i < f->out.n && i < n; i++)
		if (strcmp(start(f, i), want[i]) != 0)
			fail_msg("slot %zu: %s, want %s", i, start(f, i),
			    want[i]);
	if (f->out.n != n)
		fail_msg("%zu slots, want %zu (first %s)", f->out.n, n,
		    f->out.n ? start(f, 0) : "none");
}

#define ASSERT_STARTS(f, ...) do {					\
	static const char *const w_[] = { __VA_ARGS__ };		\
	assert_starts((f), w_, sizeof(w_) / sizeof(w_[0]));		\
} while (0)

static int
setup(void **state)
{
	return tz_init(NULL);
}

static int
teardown(void **state)
{
	tz_shutdown();
	return 0;
}

/* The DST matrix: one window on one date, one-hour classes every hour. */

struct dst_case {
	const char	*zone;
	const char	*date;
	const char	*a, *b;
	size_t		 n;
	const char	*first, *last;
};

static const struct dst_case dst_cases[] = {
	/* Brussels springs forward 02:00 -> 03:00 on 2027-03-28. */
	{ "Europe/Brussels", "2027-03-28", "00:00", "24:00", 23,
	    "2027-03-27T23:00:00Z", "2027-03-28T21:00:00Z" },
	{ "Europe/Brussels", "2027-03-28", "01:00", "04:00", 2,
	    "2027-03-28T00:00:00Z", "2027-03-28T01:00:00Z" },
	{ "Europe/Brussels", "2027-03-28", "02:00", "03:00", 0, NULL, NULL },
	{ "Europe/Brussels", "2027-03-27", "22:00", "24:00", 2,
	    "2027-03-27T21:00:00Z", "2027-03-27T22:00:00Z" },
	{ "Europe/Brussels", "2027-03-28", "22:00", "24:00", 2,
	    "2027-03-28T20:00:00Z", "2027-03-28T21:00:00Z" },
	/* ... and falls back 03:00 -> 02:00 on 2027-10-31. */
	{ "Europe/Brussels", "2027-10-31", "00:00", "24:00", 25,
	    "2027-10-30T22:00:00Z", "2027-10-31T22:00:00Z" },
	{ "Europe/Brussels", "2027-10-31", "01:00", "04:00", 4,
	    "2027-10-30T23:00:00Z", "2027-10-31T02:00:00Z" },
	{ "Europe/Brussels", "2027-10-31", "02:00", "03:00", 2,
	    "2027-10-31T00:00:00Z", "2027-10-31T01:00:00Z" },
	{ "Europe/Brussels", "2027-10-30", "22:00", "24:00", 2,
	    "2027-10-30T20:00:00Z", "2027-10-30T21:00:00Z" },
	/* New York springs forward 02:00 -> 03:00 on 2027-03-14. */
	{ "America/New_York", "2027-03-14", "00:00", "24:00", 23,
	    "2027-03-14T05:00:00Z", "2027-03-15T03:00:00Z" },
	{ "America/New_York", "2027-03-14", "01:00", "04:00", 2,
	    "2027-03-14T06:00:00Z", "2027-03-14T07:00:00Z" },
	{ "America/New_York", "2027-03-14", "02:00", "03:00", 0, NULL, NULL },
	{ "America/New_York", "2027-03-13", "22:00", "24:00", 2,
	    "2027-03-14T03:00:00Z", "2027-03-14T04:00:00Z" },
	/* ... and falls back 02:00 -> 01:00 on 2027-11-07. */
	{ "America/New_York", "2027-11-07", "00:00", "24:00", 25,
	    "2027-11-07T04:00:00Z", "2027-11-08T04:00:00Z" },
	{ "America/New_York", "2027-11-07", "01:00", "04:00", 4,
	    "2027-11-07T05:00:00Z", "2027-11-07T08:00:00Z" },
	{ "America/New_York", "2027-11-07", "02:00", "03:00", 1,
	    "2027-11-07T07:00:00Z", "2027-11-07T07:00:00Z" },
	{ "America/New_York", "2027-11-06", "22:00", "24:00", 2,
	    "2027-11-07T02:00:00Z", "2027-11-07T03:00:00Z" },
	/* Sydney falls back 03:00 -> 02:00 on 2027-04-04. */
	{ "Australia/Sydney", "2027-04-04", "00:00", "24:00", 25,
	    "2027-04-03T13:00:00Z", "2027-04-04T13:00:00Z" },
	{ "Australia/Sydney", "2027-04-04", "01:00", "04:00", 4,
	    "2027-04-03T14:00:00Z", "2027-04-03T17:00:00Z" },
	{ "Australia/Sydney", "2027-04-04", "02:00", "03:00", 2,
	    "2027-04-03T15:00:00Z", "2027-04-03T16:00:00Z" },
	{ "Australia/Sydney", "2027-04-03", "22:00", "24:00", 2,
	    "2027-04-03T11:00:00Z", "2027-04-03T12:00:00Z" },
	/* ... and springs forward 02:00 -> 03:00 on 2027-10-03. */
	{ "Australia/Sydney", "2027-10-03", "00:00", "24:00", 23,
	    "2027-10-02T14:00:00Z", "2027-10-03T12:00:00Z" },
	{ "Australia/Sydney", "2027-10-03", "01:00", "04:00", 2,
	    "2027-10-02T15:00:00Z", "2027-10-02T16:00:00Z" },
	{ "Australia/Sydney", "2027-10-03", "02:00", "03:00", 0, NULL, NULL },
	{ "Australia/Sydney", "2027-10-02", "22:00", "24:00", 2,
	    "2027-10-02T12:00:00Z", "2027-10-02T13:00:00Z" },
	/* Santiago: Saturday 24:00 -> Sunday 01:00, a day of 23 hours. */
	{ "America/Santiago", "2027-09-05", "00:00", "24:00", 23,
	    "2027-09-05T04:00:00Z", "2027-09-06T02:00:00Z" },
	/* ... Saturday 24:00 -> 23:00: the eve's last hour comes twice. */
	{ "America/Santiago", "2027-04-03", "22:00", "24:00", 3,
	    "2027-04-04T01:00:00Z", "2027-04-04T03:00:00Z" },
};

static void
test_dst_matrix(void **state)
{
	struct fix	f;
	size_t		i, k;

	for (i = 0; i < sizeof(dst_cases) / sizeof(dst_cases[0]); i++) {
		const struct dst_case	*c = &dst_cases[i];

		fix_init(&f, c->zone, 60, 60);
		fix_override(&f, c->date, c->a, c->b);
		if (run(&f) != c->n)
			fail_msg("%s %s %s-%s: %zu slots, want %zu", c->zone,
			    c->date, c->a, c->b, f.out.n, c->n);
		if (c->n > 0) {
			assert_string_equal(start(&f, 0), c->first);
			assert_string_equal(start(&f, c->n - 1), c->last);
		}
		/* Real hours: one apart, each an hour long. */
		for (k = 0; k < f.out.n; k++) {
			assert_int_equal(f.out.v[k].end - f.out.v[k].start, H);
			if (k > 0)
				assert_int_equal(f.out.v[k].start -
				    f.out.v[k - 1].start, H);
		}
		slot_list_free(&f.out);
	}
}

/* Brussels, spring forward: 01:00-04:00 lasts two real hours. */
static void
test_half_hours_across_the_gap(void **state)
{
	struct fix	f;

	fix_init(&f, "Europe/Brussels", 30, 30);
	fix_override(&f, "2027-03-28", "01:00", "04:00");
	run(&f);
	ASSERT_STARTS(&f, "2027-03-28T00:00:00Z", "2027-03-28T00:30:00Z",
	    "2027-03-28T01:00:00Z", "2027-03-28T01:30:00Z");
	/* A window ending in the gap ends at the gap's start. */
	slot_list_free(&f.out);
	fix_init(&f, "Europe/Brussels", 30, 30);
	fix_override(&f, "2027-03-28", "01:00", "02:30");
	run(&f);
	ASSERT_STARTS(&f, "2027-03-28T00:00:00Z", "2027-03-28T00:30:00Z",
	    "2027-03-28T01:00:00Z");
	slot_list_free(&f.out);
}

/* Brussels, fall back: 01:00-04:00 lasts four real hours. */
static void
test_half_hours_across_the_fold(void **state)
{
	struct fix	f;

	fix_init(&f, "Europe/Brussels", 30, 30);
	fix_override(&f, "2027-10-31", "01:00", "04:00");
	assert_int_equal(run(&f), 8);
	assert_string_equal(start(&f, 0), "2027-10-30T23:00:00Z");
	assert_string_equal(start(&f, 7), "2027-10-31T02:30:00Z");
	slot_list_free(&f.out);
}

/* Lord Howe: the clocks move by half an hour. */
static void
test_lord_howe(void **state)
{
	struct fix	f;

	fix_init(&f, "Australia/Lord_Howe", 30, 30);
	fix_override(&f, "2027-10-03", "01:00", "04:00");
	run(&f);		/* 02:00 -> 02:30: two and a half hours */
	assert_int_equal(f.out.n, 5);
	assert_string_equal(start(&f, 0), "2027-10-02T14:30:00Z");
	fix_override(&f, "2027-04-04", "01:00", "04:00");
	run(&f);		/* 02:00 -> 01:30: three and a half more */
	assert_int_equal(f.out.n, 5 + 7);
	assert_string_equal(start(&f, 0), "2027-04-03T14:00:00Z");
	assert_string_equal(start(&f, 6), "2027-04-03T17:00:00Z");
	slot_list_free(&f.out);
}

/* Where two windows meet in the gap, a start they share is listed once. */
static void
test_dedupe_around_a_gap(void **state)
{
	struct fix	f;

	fix_init(&f, "Europe/Brussels", 30, 30);
	f.sv.capacity = 2;
	fix_override(&f, "2027-03-28", "01:00", "02:30");
	fix_override(&f, "2027-03-28", "02:00", "04:00");
	run(&f);
	ASSERT_STARTS(&f, "2027-03-28T00:00:00Z", "2027-03-28T00:30:00Z",
	    "2027-03-28T01:00:00Z", "2027-03-28T01:30:00Z");
	assert_int_equal(seats(&f, 2), 2);
	slot_list_free(&f.out);
}

/* Each rule alone, on Monday 2027-03-29 in Brussels (UTC+2). */

static void
monday(struct fix *f, int dur, int step)
{
	fix_init(f, "Europe/Brussels", dur, step);
	fix_weekly(f, 0, "09:00", "12:00");
	f->from = at("2027-03-29T00:00:00Z");
	f->to = at("2027-03-30T00:00:00Z");
}

static void
test_step_shorter_than_duration(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T07:30:00Z",
	    "2027-03-29T08:00:00Z", "2027-03-29T08:30:00Z",
	    "2027-03-29T09:00:00Z");
	assert_int_equal(f.out.v[0].end - f.out.v[0].start, H);
	slot_list_free(&f.out);
	monday(&f, 60, 45);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T07:45:00Z",
	    "2027-03-29T08:30:00Z");
	slot_list_free(&f.out);
	monday(&f, 30, 90);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T08:30:00Z");
	slot_list_free(&f.out);
}

static void
test_min_notice(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	f.now = at("2027-03-29T07:10:00Z");
	f.sv.min_notice_min = 60;
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T08:30:00Z", "2027-03-29T09:00:00Z");
	/* Exactly min_notice ahead is still bookable. */
	f.now = at("2027-03-29T07:00:00Z");
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T08:00:00Z", "2027-03-29T08:30:00Z",
	    "2027-03-29T09:00:00Z");
	/* Without notice, a start in the past is never offered. */
	f.sv.min_notice_min = 0;
	f.now = at("2027-03-29T08:00:01Z");
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T08:30:00Z", "2027-03-29T09:00:00Z");
	slot_list_free(&f.out);
}

static void
test_horizon(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	f.now = at("2027-03-20T08:00:00Z");
	f.sv.horizon_days = 9;		/* until 2027-03-29T08:00Z, excluded */
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T07:30:00Z");
	f.sv.horizon_days = 8;
	assert_int_equal(run(&f), 0);
	slot_list_free(&f.out);
}

static void
test_only_starts_in_from_to(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	f.from = at("2027-03-29T07:30:00Z");
	f.to = at("2027-03-29T08:30:00Z");
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:30:00Z", "2027-03-29T08:00:00Z");
	f.to = f.from;
	assert_int_equal(run(&f), 0);
	slot_list_free(&f.out);
}

static void
test_time_off_removes_but_does_not_move(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	fix_time_off(&f, "2027-03-29T08:00:00Z", "2027-03-29T08:30:00Z");
	run(&f);
	/* 07:00Z ends as the time off begins: half-open, no overlap. */
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T08:30:00Z",
	    "2027-03-29T09:00:00Z");
	slot_list_free(&f.out);
}

static void
test_whole_day_time_off(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	f.to = at("2027-04-06T00:00:00Z");
	fix_time_off(&f, "2027-03-28T22:00:00Z", "2027-03-29T22:00:00Z");
	run(&f);
	assert_int_equal(f.out.n, 5);
	assert_string_equal(start(&f, 0), "2027-04-05T07:00:00Z");
	slot_list_free(&f.out);
}

static void
test_busy_calendar_blocks(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	fix_busy(&f, "2027-03-29T08:15:00Z", "2027-03-29T08:45:00Z");
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T09:00:00Z");
	slot_list_free(&f.out);
}

static void
test_another_service_blocks_its_time(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	fix_session(&f, "2027-03-29T08:00:00Z", 30, 0, 0, 1, 0);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T08:30:00Z",
	    "2027-03-29T09:00:00Z");
	slot_list_free(&f.out);
}

static void
test_our_buffers_keep_clear_of_other_sessions(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	f.sv.buffer_before_min = 15;
	f.sv.buffer_after_min = 15;
	fix_session(&f, "2027-03-29T08:00:00Z", 30, 0, 0, 1, 0);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T09:00:00Z");
	/* Buffers may reach outside the window: 09:00 local is offered. */
	slot_list_free(&f.out);
	fix_init(&f, "Europe/Brussels", 60, 60);
	fix_weekly(&f, 0, "09:00", "10:00");
	f.sv.buffer_before_min = 120;
	f.sv.buffer_after_min = 120;
	f.from = at("2027-03-29T00:00:00Z");
	f.to = at("2027-03-30T00:00:00Z");
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z");
	slot_list_free(&f.out);
}

static void
test_their_buffers_keep_clear_of_us(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	/* Occupies 07:45Z-08:45Z with its own buffers. */
	fix_session(&f, "2027-03-29T08:00:00Z", 30, 15, 15, 1, 0);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T09:00:00Z");
	/* Occupied intervals that only touch do not collide. */
	slot_list_free(&f.out);
	monday(&f, 60, 30);
	f.sv.buffer_before_min = 15;
	fix_session(&f, "2027-03-29T07:30:00Z", 30, 0, 15, 1, 0);
	run(&f);	/* occupies up to 08:15Z; 08:30Z's starts there */
	ASSERT_STARTS(&f, "2027-03-29T08:30:00Z", "2027-03-29T09:00:00Z");
	slot_list_free(&f.out);
}

static void
test_group_session_is_joinable(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	f.sv.capacity = 3;
	fix_session(&f, "2027-03-29T08:00:00Z", 60, 0, 0, 2, 1);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T08:00:00Z",
	    "2027-03-29T09:00:00Z");
	assert_int_equal(seats(&f, 0), 3);
	assert_int_equal(seats(&f, 1), 1);
	assert_int_equal(seats(&f, 2), 3);
	slot_list_free(&f.out);
}

static void
test_full_group_session_is_gone(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	f.sv.capacity = 3;
	fix_session(&f, "2027-03-29T08:00:00Z", 60, 0, 0, 3, 1);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T09:00:00Z");
	slot_list_free(&f.out);
}

static void
test_group_session_still_collides_with_others(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	f.sv.capacity = 3;
	fix_session(&f, "2027-03-29T08:00:00Z", 60, 0, 0, 1, 1);
	fix_session(&f, "2027-03-29T08:45:00Z", 30, 0, 0, 1, 0);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z");
	slot_list_free(&f.out);
}

static void
test_one_to_one_session_is_busy(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	fix_session(&f, "2027-03-29T08:00:00Z", 60, 0, 0, 1, 1);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T09:00:00Z");
	/* Rescheduling: the caller takes the moving seat away. */
	f.ss[0].seats = 0;
	run(&f);
	assert_int_equal(f.out.n, 5);
	assert_int_equal(seats(&f, 2), 1);
	slot_list_free(&f.out);
}

static void
test_max_per_day_counts_local_dates(void **state)
{
	struct fix	f;

	/* New York evenings cross midnight UTC. */
	fix_init(&f, "America/New_York", 60, 60);
	fix_weekly(&f, 0, "18:00", "23:00");
	fix_weekly(&f, 1, "18:00", "23:00");
	f.sv.max_per_day = 1;
	f.from = at("2027-03-29T00:00:00Z");
	f.to = at("2027-04-01T00:00:00Z");
	/* Monday 22:00 local is Tuesday 02:00Z: it counts for Monday. */
	fix_session(&f, "2027-03-30T02:00:00Z", 60, 0, 0, 1, 1);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-30T22:00:00Z", "2027-03-30T23:00:00Z",
	    "2027-03-31T00:00:00Z", "2027-03-31T01:00:00Z",
	    "2027-03-31T02:00:00Z");
	/* Sessions of other services do not count. */
	f.ss[0].same_service = 0;
	f.sv.max_per_day = 1;
	run(&f);
	assert_int_equal(f.out.n, 4 + 5);
	slot_list_free(&f.out);
}

static void
test_max_per_day_keeps_open_sessions(void **state)
{
	struct fix	f;

	monday(&f, 60, 60);
	f.sv.capacity = 4;
	f.sv.max_per_day = 1;
	fix_session(&f, "2027-03-29T08:00:00Z", 60, 0, 0, 1, 1);
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T08:00:00Z");
	assert_int_equal(seats(&f, 0), 3);
	f.sv.max_per_day = 2;
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T08:00:00Z",
	    "2027-03-29T09:00:00Z");
	slot_list_free(&f.out);
}

static void
test_touching_windows_are_not_merged(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	memset(&f.hours.weekly[0], 0, sizeof(f.hours.weekly[0]));
	fix_weekly(&f, 0, "09:00", "11:00");
	fix_weekly(&f, 0, "11:00", "12:00");
	run(&f);
	/* No 10:30 local: that class would span the seam. */
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T07:30:00Z",
	    "2027-03-29T08:00:00Z", "2027-03-29T09:00:00Z");
	slot_list_free(&f.out);
}

static void
test_every_window_restarts_the_grid(void **state)
{
	struct fix	f;

	monday(&f, 30, 30);
	memset(&f.hours.weekly[0], 0, sizeof(f.hours.weekly[0]));
	fix_weekly(&f, 0, "09:00", "10:45");
	fix_weekly(&f, 0, "10:45", "12:00");
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T07:00:00Z", "2027-03-29T07:30:00Z",
	    "2027-03-29T08:00:00Z", "2027-03-29T08:45:00Z",
	    "2027-03-29T09:15:00Z");
	slot_list_free(&f.out);
}

static void
test_override_replaces_weekly(void **state)
{
	struct fix	f;

	monday(&f, 60, 60);
	f.to = at("2027-04-06T00:00:00Z");
	fix_override(&f, "2027-03-29", "14:00", "15:00");
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T12:00:00Z", "2027-04-05T07:00:00Z",
	    "2027-04-05T08:00:00Z", "2027-04-05T09:00:00Z");
	slot_list_free(&f.out);
}

static void
test_empty_override_is_a_day_off(void **state)
{
	struct fix	f;

	monday(&f, 60, 60);
	f.to = at("2027-04-06T00:00:00Z");
	fix_override(&f, "2027-03-29", NULL, NULL);
	run(&f);
	ASSERT_STARTS(&f, "2027-04-05T07:00:00Z", "2027-04-05T08:00:00Z",
	    "2027-04-05T09:00:00Z");
	/* An override also opens a day without weekly hours. */
	fix_override(&f, "2027-04-04", "10:00", "11:00");
	run(&f);
	assert_string_equal(start(&f, 0), "2027-04-04T08:00:00Z");
	slot_list_free(&f.out);
}

static void
test_a_window_shorter_than_the_class_gives_nothing(void **state)
{
	struct fix	f;

	monday(&f, 60, 15);
	memset(&f.hours.weekly[0], 0, sizeof(f.hours.weekly[0]));
	fix_weekly(&f, 0, "09:00", "09:59");
	assert_int_equal(run(&f), 0);
	fix_weekly(&f, 0, "11:00", "12:00");
	run(&f);
	ASSERT_STARTS(&f, "2027-03-29T09:00:00Z");
	slot_list_free(&f.out);
}

static void
test_slot_list_find(void **state)
{
	struct fix	f;

	monday(&f, 60, 30);
	run(&f);
	assert_non_null(slot_list_find(&f.out, at("2027-03-29T08:30:00Z")));
	assert_int_equal(slot_list_find(&f.out,
	    at("2027-03-29T08:30:00Z"))->end, at("2027-03-29T09:30:00Z"));
	assert_null(slot_list_find(&f.out, at("2027-03-29T08:15:00Z")));
	assert_null(slot_list_find(&f.out, at("2027-03-29T09:30:00Z")));
	slot_list_free(&f.out);
	assert_null(slot_list_find(&f.out, at("2027-03-29T08:30:00Z")));
}

/* Combinations. */

static void
test_fall_back_day_with_everything(void **state)
{
	struct fix	f;

	/* New York, 2027-11-07: 00:00-06:00 lasts seven real hours. */
	fix_init(&f, "America/New_York", 60, 30);
	f.sv.capacity = 2;
	f.sv.buffer_after_min = 30;
	f.sv.max_per_day = 2;
	fix_override(&f, "2027-11-07", "00:00", "06:00");
	f.now = at("2027-11-07T03:40:00Z");
	f.sv.min_notice_min = 30;
	/* The second 01:00 (EST) has one seat taken. */
	fix_session(&f, "2027-11-07T06:00:00Z", 60, 0, 30, 1, 1);
	fix_time_off(&f, "2027-11-07T09:00:00Z", "2027-11-07T09:30:00Z");
	run(&f);
	/*
	 * From 04:30Z (notice), before 06:00Z's occupied 06:00-07:30 less
	 * our 30-minute tail: 04:30Z only; then the session itself; then
	 * from 07:30Z up to the time off at 09:00Z: 07:30Z, 08:00Z.
	 */
	ASSERT_STARTS(&f, "2027-11-07T04:30:00Z", "2027-11-07T06:00:00Z",
	    "2027-11-07T07:30:00Z", "2027-11-07T08:00:00Z",
	    "2027-11-07T09:30:00Z", "2027-11-07T10:00:00Z");
	assert_int_equal(seats(&f, 1), 1);
	/* A second session that day reaches max_per_day. */
	fix_session(&f, "2027-11-07T08:00:00Z", 60, 0, 30, 1, 1);
	run(&f);
	ASSERT_STARTS(&f, "2027-11-07T06:00:00Z", "2027-11-07T08:00:00Z");
	slot_list_free(&f.out);
}

/*
 * The naive reference: minute by minute over instants, every rule applied
 * as written, with its own wall-clock reading that searches the offsets.
 */

static int64_t
naive_local(const struct zone *z, int32_t d, int minute)
{
	int64_t	l = (int64_t)d * DAY + minute * 60, u, best = INT64_MAX;
	int32_t	o;

	/* Every offset in force within a day (sampled: none lasts < 3 h). */
	for (u = l - 27 * H; u <= l + 27 * H; u += 3 * H) {
		o = tz_offset_at(z, u);
		if (tz_offset_at(z, l - o) == o && l - o < best)
			best = l - o;
	}
	if (best != INT64_MAX)
		return best;
	/* In a gap: the offset of the last minute whose clock is before l. */
	for (u = l - 26 * H; u + 60 + tz_offset_at(z, u + 60) < l; u += 60)
		;
	return l - tz_offset_at(z, u);
}

static int
overlap(int64_t a, int64_t b, int64_t c, int64_t d)
{
	return (a > c ? a : c) < (b < d ? b : d);
}

static int32_t
naive_date(const struct zone *z, int64_t t)
{
	int64_t	l = t + tz_offset_at(z, t);

	return (int32_t)(l >= 0 ? l / DAY : (l - DAY + 1) / DAY);
}

struct window {
	int64_t	start, end;
};

static void
naive_slots(const struct fix *f, struct slot_list *out)
{
	const struct service	*sv = &f->sv;
	const struct day_hours	*day;
	struct window		 w[512];
	size_t			 nw = 0, i, k;
	int64_t			 t, dur = sv->duration_min * 60;
	int32_t			 d;

	for (d = naive_date(f->zone, f->from) - 3;
	    d <= naive_date(f->zone, f->to) + 3; d++) {
		day = &f->hours.weekly[date_weekday(d)];
		for (i = 0; i < f->hours.noverrides; i++)
			if (f->hours.overrides[i].date == d)
				day = &f->hours.overrides[i].day;
		for (i = 0; i < day->n; i++) {
			if (day->v[i].end <= day->v[i].start)
				continue;
			assert_true(nw < 512);
			w[nw].start = naive_local(f->zone, d, day->v[i].start);
			w[nw].end = naive_local(f->zone, d, day->v[i].end);
			nw++;
		}
	}
	for (t = (f->from + 59) / 60 * 60; t < f->to; t += 60) {
		const struct slot_session	*j = NULL;
		int				 ok = 0, left, count;

		for (i = 0; i < nw; i++)
			if (t >= w[i].start && (t - w[i].start) %
			    (sv->step_min * 60) == 0 && t + dur <= w[i].end)
				ok = 1;
		if (!ok || t < f->now + sv->min_notice_min * 60 ||
		    t >= f->now + (int64_t)sv->horizon_days * DAY)
			continue;
		for (i = 0; i < f->hours.ntime_off; i++)
			if (overlap(t, t + dur, f->off[i].start,
			    f->off[i].end))
				ok = 0;
		for (i = 0; i < f->nbusy; i++)
			if (overlap(t, t + dur, f->busy[i].start,
			    f->busy[i].end))
				ok = 0;
		for (i = 0; i < f->nss && j == NULL; i++)
			if (f->ss[i].same_service && f->ss[i].seats > 0 &&
			    f->ss[i].start == t)
				j = &f->ss[i];
		left = sv->capacity;
		if (j != NULL) {
			if (sv->capacity == 1 || j->seats >= sv->capacity)
				ok = 0;
			left = sv->capacity - j->seats;
		}
		for (i = 0; i < f->nss; i++)
			if (&f->ss[i] != j && f->ss[i].seats > 0 &&
			    overlap(t - sv->buffer_before_min * 60,
			    t + dur + sv->buffer_after_min * 60,
			    f->ss[i].occ_start, f->ss[i].occ_end))
				ok = 0;
		if (sv->max_per_day > 0 && j == NULL) {
			count = 0;
			for (k = 0; k < f->nss; k++)
				if (f->ss[k].same_service &&
				    f->ss[k].seats > 0 &&
				    naive_date(f->zone, f->ss[k].start) ==
				    naive_date(f->zone, t))
					count++;
			if (count >= sv->max_per_day)
				ok = 0;
		}
		if (!ok)
			continue;
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 64;
			out->v = realloc(out->v, out->cap * sizeof(*out->v));
			assert_non_null(out->v);
		}
		out->v[out->n].start = t;
		out->v[out->n].end = t + dur;
		out->v[out->n].seats_left = left;
		out->n++;
	}
}

static uint64_t	rng;

static int
rnd(int n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)((rng >> 33) % (uint64_t)n);
}

static int
pick(const int *v, int n)
{
	return v[rnd(n)];
}

static struct wall_interval
random_interval(void)
{
	struct wall_interval	w;

	w.start = rnd(96) * 15;
	w.end = w.start + 15 * (1 + rnd(40));
	if (w.end > 1440)
		w.end = 1440;
	return w;
}

/* A random instant near t, on a five-minute mark. */
static int64_t
near(int64_t t, int hours)
{
	return t / 300 * 300 + (int64_t)(rnd(2 * hours * 12) - hours * 12) *
	    300;
}

static void
random_case(struct fix *f, uint64_t seed)
{
	static const char	*zones[] = { "Europe/Brussels",
	    "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
	    "America/Santiago", "America/Havana", "Asia/Beirut", "UTC",
	    "Asia/Kolkata", "Pacific/Chatham", "Europe/Dublin" };
	static const int	 durs[] = { 5, 15, 30, 35, 45, 60, 90, 120 };
	static const int	 steps[] = { 5, 10, 15, 30, 45, 60, 90 };
	static const int	 caps[] = { 1, 2, 3, 4 };
	static const int	 bufs[] = { 0, 0, 0, 5, 15, 30, 60 };
	static const int	 notice[] = { 0, 0, 30, 60, 600 };
	struct slot_list	 plain = { 0 };
	struct slot_query	 q;
	struct service		 open;
	int32_t			 d0, d;
	int64_t			 base;
	int			 i, k, y, n;

	rng = seed;
	fix_init(f, zones[rnd(sizeof(zones) / sizeof(zones[0]))],
	    pick(durs, 8), pick(steps, 7));
	/* Mostly days on which the clocks change, some ordinary ones. */
	y = 2026 + rnd(3) + (rnd(4) == 0 ? 14 : 0);
	d0 = date_from_ymd(y, 1, 1) + rnd(365);
	if (rnd(3) != 0) {
		/* The first or the second transition day of the year. */
		k = 1 + rnd(2);
		for (d = date_from_ymd(y, 1, 1), n = 0;
		    d < date_from_ymd(y + 1, 1, 1) && n < k; d += 7) {
			if (tz_offset_at(f->zone, (int64_t)d * DAY) ==
			    tz_offset_at(f->zone, (int64_t)(d + 7) * DAY))
				continue;
			for (i = 0; i < 7; i++)
				if (tz_offset_at(f->zone, (int64_t)(d + i) *
				    DAY) != tz_offset_at(f->zone,
				    (int64_t)(d + i + 1) * DAY))
					break;
			d0 = d + i - 1 + rnd(3);
			n++;
		}
	}
	base = (int64_t)d0 * DAY;
	for (i = 0; i < 7; i++)
		for (k = rnd(4); k > 0; k--)
			f->hours.weekly[i].v[f->hours.weekly[i].n++] =
			    random_interval();
	for (i = rnd(3); i > 0; i--) {
		char	buf[11];

		date_format(d0 - 1 + rnd(3), buf);
		fix_override(f, buf, NULL, NULL);
	}
	for (i = 0; i < (int)f->hours.noverrides; i++)
		for (k = rnd(3); k > 0; k--)
			f->ov[i].day.v[f->ov[i].day.n++] = random_interval();
	f->sv.capacity = pick(caps, 4);
	f->sv.buffer_before_min = pick(bufs, 7);
	f->sv.buffer_after_min = pick(bufs, 7);
	f->sv.min_notice_min = pick(notice, 5);
	f->sv.max_per_day = rnd(3) == 0 ? 1 + rnd(2) : 0;
	f->now = base - 2 * DAY + (int64_t)rnd(48 * 12) * 300 + rnd(300);
	f->sv.horizon_days = 1 + rnd(5);
	f->from = near(base, 24) + (rnd(4) == 0 ? rnd(60) : 0);
	f->to = f->from + (1 + rnd(96)) * 1800 + (rnd(4) == 0 ? rnd(60) : 0);
	for (i = rnd(3); i > 0; i--) {
		f->off[f->hours.ntime_off].start = near(base, 36);
		f->off[f->hours.ntime_off].end =
		    f->off[f->hours.ntime_off].start + (1 + rnd(36)) * 600;
		f->hours.ntime_off++;
	}
	for (i = rnd(3); i > 0; i--) {
		f->busy[f->nbusy].start = near(base, 36);
		f->busy[f->nbusy].end = f->busy[f->nbusy].start +
		    (1 + rnd(18)) * 600;
		f->nbusy++;
	}

	/* Sessions: some of this service on its own slots, some others. */
	open = f->sv;
	open.min_notice_min = 0;
	open.horizon_days = 730;
	memset(&q, 0, sizeof(q));
	q.zone = f->zone;
	q.hours = &f->hours;
	q.service = &open;
	q.now = base - 7 * DAY;
	q.from = base - 3 * DAY;
	q.to = base + 3 * DAY;
	assert_int_equal(slots_compute(&q, &plain), 0);
	for (i = rnd(8); i > 0; i--) {
		struct slot_session	*s = &f->ss[f->nss++];
		int			 same = rnd(2);

		if (same && plain.n > 0)
			s->start = plain.v[rnd((int)plain.n)].start;
		else
			s->start = near(base, 36);
		s->end = s->start + (same ? f->sv.duration_min :
		    pick(durs, 8)) * 60;
		s->occ_start = s->start - pick(bufs, 7) * 60;
		s->occ_end = s->end + pick(bufs, 7) * 60;
		s->seats = rnd(5) == 0 ? 0 : 1 + rnd(3);
		s->same_service = same;
	}
	slot_list_free(&plain);
}

static void
test_matches_naive_reference(void **state)
{
	struct fix		f;
	struct slot_list	want = { 0 };
	uint64_t		seed;
	size_t			i, total = 0, nonempty = 0, joins = 0;

	for (seed = 1; seed <= 3000; seed++) {
		random_case(&f, seed);
		run(&f);
		naive_slots(&f, &want);
		total += want.n;
		nonempty += want.n > 0;
		for (i = 0; i < want.n; i++)
			joins += want.v[i].seats_left < f.sv.capacity;
		for (i = 0; i < want.n && i < f.out.n; i++)
			if (want.v[i].start != f.out.v[i].start ||
			    want.v[i].end != f.out.v[i].end ||
			    want.v[i].seats_left != f.out.v[i].seats_left)
				break;
		if (i < want.n || i < f.out.n)
			fail_msg("seed %llu (%s): slot %zu of %zu/%zu: "
			    "engine %s (%d), naive %s (%d)",
			    (unsigned long long)seed, tz_name(f.zone), i,
			    f.out.n, want.n,
			    i < f.out.n ? utc(f.out.v[i].start) : "none",
			    i < f.out.n ? f.out.v[i].seats_left : 0,
			    i < want.n ? utc(want.v[i].start) : "none",
			    i < want.n ? want.v[i].seats_left : 0);
		slot_list_free(&f.out);
		slot_list_free(&want);
	}
	/* The cases are not all empty, and some join a group. */
	print_message("%zu slots, %zu cases with some, %zu joins\n", total,
	    nonempty, joins);
	assert_true(nonempty > 1200);
	assert_true(total > 3000 * 6);
	assert_true(joins > 100);
}

/*
 * The benchmark's shape: a month of a busy worker (ten windows a week, 500
 * bookings ahead). The engine must stay far below a millisecond; here,
 * under the sanitizers, a generous bound catches only a quadratic slip.
 */
static void
test_a_busy_month_is_quick(void **state)
{
	struct fix		f;
	struct slot_session	*ss;
	struct slot_query	 q;
	struct timespec		 a, b;
	size_t			 i;
	int			 k;
	double			 ms;

	fix_init(&f, "Europe/Brussels", 60, 15);
	for (k = 0; k < 5; k++) {
		fix_weekly(&f, k, "08:00", "12:00");
		fix_weekly(&f, k, "13:00", "19:00");
	}
	ss = calloc(500, sizeof(*ss));
	assert_non_null(ss);
	for (i = 0; i < 500; i++) {
		ss[i].start = at("2027-03-01T07:00:00Z") +
		    (int64_t)(i * 7919 % 4000) * 900;
		ss[i].end = ss[i].start + 3600;
		ss[i].occ_start = ss[i].start;
		ss[i].occ_end = ss[i].end;
		ss[i].seats = 1;
		ss[i].same_service = i % 2;
	}
	memset(&q, 0, sizeof(q));
	q.zone = f.zone;
	q.hours = &f.hours;
	q.service = &f.sv;
	q.sessions = ss;
	q.nsessions = 500;
	q.now = at("2027-02-28T00:00:00Z");
	q.from = at("2027-03-01T00:00:00Z");
	q.to = at("2027-04-01T00:00:00Z");
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (k = 0; k < 20; k++) {
		slot_list_free(&f.out);
		assert_int_equal(slots_compute(&q, &f.out), 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e6 / 20;
	assert_true(f.out.n > 0);
	if (ms > 20)
		fail_msg("%.2f ms per month", ms);
	free(ss);
	slot_list_free(&f.out);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_dst_matrix),
		cmocka_unit_test(test_half_hours_across_the_gap),
		cmocka_unit_test(test_half_hours_across_the_fold),
		cmocka_unit_test(test_lord_howe),
		cmocka_unit_test(test_dedupe_around_a_gap),
		cmocka_unit_test(test_step_shorter_than_duration),
		cmocka_unit_test(test_min_notice),
		cmocka_unit_test(test_horizon),
		cmocka_unit_test(test_only_starts_in_from_to),
		cmocka_unit_test(test_time_off_removes_but_does_not_move),
		cmocka_unit_test(test_whole_day_time_off),
		cmocka_unit_test(test_busy_calendar_blocks),
		cmocka_unit_test(test_another_service_blocks_its_time),
		cmocka_unit_test(test_our_buffers_keep_clear_of_other_sessions),
		cmocka_unit_test(test_their_buffers_keep_clear_of_us),
		cmocka_unit_test(test_group_session_is_joinable),
		cmocka_unit_test(test_full_group_session_is_gone),
		cmocka_unit_test(test_group_session_still_collides_with_others),
		cmocka_unit_test(test_one_to_one_session_is_busy),
		cmocka_unit_test(test_max_per_day_counts_local_dates),
		cmocka_unit_test(test_max_per_day_keeps_open_sessions),
		cmocka_unit_test(test_touching_windows_are_not_merged),
		cmocka_unit_test(test_every_window_restarts_the_grid),
		cmocka_unit_test(test_override_replaces_weekly),
		cmocka_unit_test(test_empty_override_is_a_day_off),
		cmocka_unit_test(test_a_window_shorter_than_the_class_gives_nothing),
		cmocka_unit_test(test_slot_list_find),
		cmocka_unit_test(test_fall_back_day_with_everything),
		cmocka_unit_test(test_matches_naive_reference),
		cmocka_unit_test(test_a_busy_month_is_quick),
	};

	if (getenv("UNIT_FILTER") != NULL)
		cmocka_set_test_filter(getenv("UNIT_FILTER"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
