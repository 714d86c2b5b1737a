/*
 * slots.c: the availability engine, SEMANTICS.md section 1.
 *
 * Windows come from the hours of each local date, candidates from the grid
 * of each window, and the filters drop candidates one by one. The intervals
 * that filter (time off, external busy times, sessions) are sorted once and
 * indexed by a prefix maximum of their ends, so that each candidate costs a
 * few binary searches however many bookings the worker has.
 */
#include <stdlib.h>
#include <string.h>

#include "slots.h"
#include "tzconv.h"

#define DAY		86400
#define NO_ID		((size_t)-1)

struct span {
	int64_t		start;
	int64_t		end;
	size_t		id;		/* index in the caller's array */
};

/*
 * Intervals sorted by start, with for every prefix the largest end and the
 * largest end of another interval than the one holding the first: enough
 * to ask "does any interval but this one overlap [a, b)?".
 */
struct span_index {
	struct span	*v;
	int64_t		*max1;
	size_t		*arg1;
	int64_t		*max2;
	size_t		 n;
};

/* A session of the queried service, for seats and the daily limit. */
struct own {
	int64_t		start;
	int		seats;
	size_t		id;
};

static int
span_cmp(const void *a, const void *b)
{
	const struct span	*x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

static int
own_cmp(const void *a, const void *b)
{
	const struct own	*x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
i64_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
i32_cmp(const void *a, const void *b)
{
	int32_t	x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v unless it is sorted already, as callers' rows usually are. */
static void
sort_if_needed(void *v, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	const char	*p = v;
	size_t		 i;

	for (i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) > 0) {
			qsort(v, n, size, cmp);
			return;
		}
}

static void
span_index_free(struct span_index *ix)
{
	free(ix->v);
	free(ix->max1);
	free(ix->arg1);
	free(ix->max2);
	memset(ix, 0, sizeof(*ix));
}

/* Takes ownership of v[0..n), whose empty intervals are already left out. */
static int
span_index_build(struct span_index *ix, struct span *v, size_t n)
{
	size_t	i;

	ix->v = v;
	ix->n = n;
	if (n == 0)
		return 0;
	ix->max1 = calloc(n, sizeof(*ix->max1));
	ix->arg1 = calloc(n, sizeof(*ix->arg1));
	ix->max2 = calloc(n, sizeof(*ix->max2));
	if (ix->max1 == NULL || ix->arg1 == NULL || ix->max2 == NULL)
		return -1;
	sort_if_needed(v, n, sizeof(*v), span_cmp);
	for (i = 0; i < n; i++) {
		int64_t	m1 = i ? ix->max1[i - 1] : INT64_MIN;
		int64_t	m2 = i ? ix->max2[i - 1] : INT64_MIN;
		size_t	a1 = i ? ix->arg1[i - 1] : NO_ID;

		if (v[i].end > m1) {
			m2 = m1;
			m1 = v[i].end;
			a1 = v[i].id;
		} else if (v[i].end > m2)
			m2 = v[i].end;
		ix->max1[i] = m1;
		ix->arg1[i] = a1;
		ix->max2[i] = m2;
	}
	return 0;
}

/* Whether an interval other than the one with id `skip` meets [a, b). */
static int
span_index_hits(const struct span_index *ix, int64_t a, int64_t b,
    size_t skip)
{
	size_t	lo = 0, hi = ix->n, mid;
	int64_t	m;

	/* lo = the number of intervals starting before b. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ix->v[mid].start < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	m = ix->arg1[lo - 1] == skip ? ix->max2[lo - 1] : ix->max1[lo - 1];
	return m > a;
}

static int
spans_from_intervals(struct span_index *ix, const struct interval *iv,
    size_t n)
{
	struct span	*v = NULL;
	size_t		 i, k = 0;

	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (iv[i].end <= iv[i].start)
			continue;	/* empty: meets nothing */
		v[k].start = iv[i].start;
		v[k].end = iv[i].end;
		v[k].id = i;
		k++;
	}
	return span_index_build(ix, v, k);
}

static const struct day_hours *
day_of(const struct hours *h, int32_t date)
{
	size_t	lo = 0, hi = h->noverrides, mid;

	/* Overrides are sorted by date (model.h). */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->overrides[mid].date < date)
			lo = mid + 1;
		else if (h->overrides[mid].date > date)
			hi = mid;
		else
			return &h->overrides[mid].day;
	}
	return &h->weekly[date_weekday(date)];
}

static int
push_i64(int64_t **v, size_t *n, size_t *cap, int64_t x)
{
	int64_t	*nv;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		if ((nv = reallocarray(*v, *cap, sizeof(**v))) == NULL)
			return -1;
		*v = nv;
	}
	(*v)[(*n)++] = x;
	return 0;
}

static int
slot_push(struct slot_list *out, int64_t start, int64_t end, int seats)
{
	struct slot	*nv;
	size_t		 cap;

	if (out->n == out->cap) {
		cap = out->cap ? out->cap * 2 : 64;
		if ((nv = reallocarray(out->v, cap, sizeof(*nv))) == NULL)
			return -1;
		out->v = nv;
		out->cap = cap;
	}
	out->v[out->n].start = start;
	out->v[out->n].end = end;
	out->v[out->n].seats_left = seats;
	out->n++;
	return 0;
}

/* Grid starts of every window that lie in [lo, hi), unsorted. */
static int
candidates(const struct slot_query *q, int64_t lo, int64_t hi,
    int64_t **cand, size_t *ncand)
{
	const struct day_hours	*day;
	int64_t			 step, dur, ws, we, s, k;
	int32_t			 d, d0, d1, sec;
	size_t			 cap = 0, i;

	step = (int64_t)q->service->step_min * 60;
	dur = (int64_t)q->service->duration_min * 60;
	if (step <= 0 || dur <= 0)
		return 0;
	/* A window of date D starts on D and ends by D + 1 (plus a gap). */
	tz_instant_to_local(q->zone, lo - DAY, &d0, &sec);
	tz_instant_to_local(q->zone, hi + DAY, &d1, &sec);
	for (d = d0; d <= d1; d++) {
		day = day_of(q->hours, d);
		for (i = 0; i < day->n && i < HOURS_PER_DAY_MAX; i++) {
			if (day->v[i].end <= day->v[i].start)
				continue;
			ws = tz_local_to_instant(q->zone, d, day->v[i].start);
			we = tz_local_to_instant(q->zone, d, day->v[i].end);
			if (we - ws < dur)
				continue;
			/* Jump to the first grid point not before lo. */
			k = lo > ws ? (lo - ws + step - 1) / step : 0;
			for (s = ws + k * step; s < hi && s + dur <= we;
			    s += step)
				if (push_i64(cand, ncand, &cap, s) == -1)
					return -1;
		}
	}
	return 0;
}

int
slots_compute(const struct slot_query *q, struct slot_list *out)
{
	const struct service	*sv = q->service;
	struct span_index	 toff = { 0 }, busy = { 0 }, occ = { 0 };
	struct span		*sp = NULL;
	struct own		*own = NULL, *j;
	int32_t			*dates = NULL, date, sec;
	int64_t			*cand = NULL, lo, hi, dur, bb, ba, s;
	size_t			 ncand = 0, nown = 0, nsp = 0, i, k, skip;
	size_t			 a, b, mid, count;
	int			 seats, rc = -1;

	dur = (int64_t)sv->duration_min * 60;
	bb = (int64_t)sv->buffer_before_min * 60;
	ba = (int64_t)sv->buffer_after_min * 60;
	lo = q->now + (int64_t)sv->min_notice_min * 60;
	if (q->from > lo)
		lo = q->from;
	hi = q->now + (int64_t)sv->horizon_days * DAY;
	if (q->to < hi)
		hi = q->to;
	if (lo >= hi)
		return 0;

	if (spans_from_intervals(&toff, q->hours->time_off,
	    q->hours->ntime_off) == -1 ||
	    spans_from_intervals(&busy, q->busy, q->busy ? q->nbusy : 0) == -1)
		goto done;
	/*
	 * A session without a confirmed seat (a rescheduled booking's own,
	 * decremented by the caller) holds nothing.
	 */
	if (q->nsessions > 0) {
		sp = calloc(q->nsessions, sizeof(*sp));
		own = calloc(q->nsessions, sizeof(*own));
		dates = calloc(q->nsessions, sizeof(*dates));
		if (sp == NULL || own == NULL || dates == NULL)
			goto done;
	}
	for (i = 0; i < q->nsessions; i++) {
		const struct slot_session *ss = &q->sessions[i];

		if (ss->seats <= 0)
			continue;
		/* Only what can meet a candidate's occupied interval. */
		if (ss->occ_end > ss->occ_start && ss->occ_end > lo - bb &&
		    ss->occ_start < hi + dur + ba) {
			sp[nsp].start = ss->occ_start;
			sp[nsp].end = ss->occ_end;
			sp[nsp].id = i;
			nsp++;
		}
		/* Only what can share a start or a local date with one. */
		if (ss->same_service && ss->start > lo - 2 * DAY &&
		    ss->start < hi + 2 * DAY) {
			own[nown].start = ss->start;
			own[nown].seats = ss->seats;
			own[nown].id = i;
			if (sv->max_per_day > 0)
				tz_instant_to_local(q->zone, ss->start,
				    &dates[nown], &sec);
			nown++;
		}
	}
	if (span_index_build(&occ, sp, nsp) == -1) {
		sp = NULL;
		goto done;
	}
	sp = NULL;			/* owned by occ */
	sort_if_needed(own, nown, sizeof(*own), own_cmp);
	if (sv->max_per_day > 0)
		sort_if_needed(dates, nown, sizeof(*dates), i32_cmp);

	if (candidates(q, lo, hi, &cand, &ncand) == -1)
		goto done;
	sort_if_needed(cand, ncand, sizeof(*cand), i64_cmp);

	for (i = 0; i < ncand; i++) {
		s = cand[i];
		if (i > 0 && s == cand[i - 1])
			continue;	/* given by two windows */
		if (span_index_hits(&toff, s, s + dur, NO_ID) ||
		    span_index_hits(&busy, s, s + dur, NO_ID))
			continue;
		/* The first session of this service starting at s. */
		a = 0;
		b = nown;
		while (a < b) {
			mid = a + (b - a) / 2;
			if (own[mid].start < s)
				a = mid + 1;
			else
				b = mid;
		}
		j = a < nown && own[a].start == s ? &own[a] : NULL;
		seats = sv->capacity;
		skip = NO_ID;
		if (j != NULL) {
			/* Joinable only in a group with a seat left. */
			if (sv->capacity <= 1 || j->seats >= sv->capacity)
				continue;
			seats = sv->capacity - j->seats;
			skip = j->id;
		}
		if (span_index_hits(&occ, s - bb, s + dur + ba, skip))
			continue;
		if (sv->max_per_day > 0 && j == NULL) {
			tz_instant_to_local(q->zone, s, &date, &sec);
			/* count = sessions of this service on date. */
			a = 0;
			b = nown;
			while (a < b) {
				mid = a + (b - a) / 2;
				if (dates[mid] < date)
					a = mid + 1;
				else
					b = mid;
			}
			for (k = a, count = 0; k < nown && dates[k] == date;
			    k++)
				count++;
			if (count >= (size_t)sv->max_per_day)
				continue;
		}
		if (slot_push(out, s, s + dur, seats) == -1)
			goto done;
	}
	rc = 0;
done:
	free(cand);
	free(sp);
	free(own);
	free(dates);
	span_index_free(&toff);
	span_index_free(&busy);
	span_index_free(&occ);
	return rc;
}

const struct slot *
slot_list_find(const struct slot_list *l, int64_t start)
{
	size_t	lo = 0, hi = l->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->v[mid].start < start)
			lo = mid + 1;
		else if (l->v[mid].start > start)
			hi = mid;
		else
			return &l->v[mid];
	}
	return NULL;
}

void
slot_list_free(struct slot_list *l)
{
	if (l == NULL)
		return;
	free(l->v);
	memset(l, 0, sizeof(*l));
}
