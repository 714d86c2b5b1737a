/*
 * tzconv.c: IANA time zones from the system's TZif files, wall-clock time
 * <-> instants with the RFC 5545 gap and fold rules, RFC 3339 and the small
 * date and time-of-day formats of the API.
 *
 * Every zone is loaded once by tz_init(); the tables are never written
 * again, so lookups need no lock. Instants after a zone's last transition
 * follow the POSIX TZ string in the TZif footer (RFC 8536 section 3.3).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "tzconv.h"

#define TZ_DEFAULT_DIR	"/usr/share/zoneinfo"
#define TZIF_MAX	(256 * 1024)	/* the largest real one is ~4 KB */
#define DAY		86400
/* 1900-01-01T00:00:00Z: older transitions are of no use to a booking. */
#define TZ_CUTOFF	INT64_C(-2208988800)
#define TZ_YMIN		INT64_C(-62135596800)	/* 0001-01-01T00:00:00Z */
#define TZ_YMAX		INT64_C(253402300799)	/* 9999-12-31T23:59:59Z */

/* One end of a DST period in a POSIX TZ string: Jn, n or Mm.w.d, /time. */
struct posix_rule {
	char		 kind;		/* 'J', 'N' (plain n) or 'M' */
	int		 n;		/* Jn: 1..365, n: 0..365 */
	int		 m, w, d;	/* Mm.w.d, d: 0 = Sunday */
	int32_t		 secs;		/* local time of day, may be < 0 or > 24h */
};

struct posix_tz {
	int32_t			 std_off;	/* seconds east of Greenwich */
	int32_t			 dst_off;
	int			 has_dst;
	struct posix_rule	 start, end;
};

/* The rules of one TZif file; links share them. */
struct tzdata {
	int64_t		*t;		/* transitions, increasing */
	uint8_t		*ti;		/* type index after each transition */
	size_t		 n;
	int32_t		*off;		/* UT offset of each type */
	size_t		 ntypes;
	int32_t		 pre_off;	/* before t[0] */
	int		 has_footer;
	struct posix_tz	 ft;
};

struct zone {
	char			*name;
	const struct tzdata	*d;
};

static struct zone	 *zones;	/* sorted by name */
static size_t		  nzones;
static struct tzdata	**datas;
static size_t		  ndatas;

/* A UTC zone for systems whose tzdata.zi does not name one. */
static int32_t		 utc_off0;
static struct tzdata	 utc_data = { NULL, NULL, 0, &utc_off0, 1, 0, 0,
			    { 0, 0, 0, { 0, 0, 0, 0, 0, 0 },
			    { 0, 0, 0, 0, 0, 0 } } };

static const int	 mdays[12] = {
	31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
};

/* Calendar arithmetic. */

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t	q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Leap years in [1, y), extended to y <= 0 by the same 400-year cycle. */
static int64_t
leaps_before(int64_t y)
{
	int64_t	p = y - 1;

	return floordiv(p, 4) - floordiv(p, 100) + floordiv(p, 400);
}

int32_t
date_from_ymd(int y, int m, int d)
{
	/* Days in the year before the first of each month (not leap). */
	static const int	before[12] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
	};
	int64_t			days;

	/* Normalise the month so that callers may step past December. */
	y += (int)floordiv(m - 1, 12);
	m = (int)(m - 1 - floordiv(m - 1, 12) * 12) + 1;
	days = 365 * ((int64_t)y - 1970) + leaps_before(y) -
	    leaps_before(1970) + before[m - 1] + (m > 2 && is_leap(y));
	return (int32_t)(days + d - 1);
}

void
date_to_ymd(int32_t date, int *y, int *m, int *d)
{
	int32_t	jan1;
	int	yy, mm, left;

	/* An estimate from the mean year, then exact steps. */
	yy = 1970 + (int)floordiv((int64_t)date * 400, 146097);
	while (date < (jan1 = date_from_ymd(yy, 1, 1)))
		yy--;
	while (date >= date_from_ymd(yy + 1, 1, 1))
		jan1 = date_from_ymd(++yy, 1, 1);
	left = date - jan1;
	for (mm = 1; mm < 12 && left >= month_days(yy, mm); mm++)
		left -= month_days(yy, mm);
	*y = yy;
	*m = mm;
	*d = left + 1;
}

int
date_weekday(int32_t date)
{
	/* 1970-01-01 was a Thursday (3 counting from Monday = 0). */
	return (int)(((int64_t)date % 7 + 7 + 3) % 7);
}

/* POSIX TZ strings. */

/* Reads [+-]h[h...][:mm[:ss]] with at most maxh hours into *secs. */
static const char *
posix_hms(const char *p, int maxh, int32_t *secs)
{
	int	sign = 1, h = 0, mi = 0, s = 0, nd = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	while (isdigit((unsigned char)*p) && nd < 3) {
		h = h * 10 + (*p++ - '0');
		nd++;
	}
	if (nd == 0 || h > maxh)
		return NULL;
	if (*p == ':') {
		p++;
		if (!isdigit((unsigned char)p[0]) ||
		    !isdigit((unsigned char)p[1]))
			return NULL;
		mi = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
		if (*p == ':') {
			p++;
			if (!isdigit((unsigned char)p[0]) ||
			    !isdigit((unsigned char)p[1]))
				return NULL;
			s = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		}
		if (mi > 59 || s > 59)
			return NULL;
	}
	*secs = sign * (h * 3600 + mi * 60 + s);
	return p;
}

static const char *
posix_name(const char *p)
{
	const char	*q = p;

	if (*p == '<') {
		for (q = p + 1; *q != '\0' && *q != '>'; q++)
			if (!isalnum((unsigned char)*q) && *q != '+' &&
			    *q != '-')
				return NULL;
		if (*q != '>' || q - p < 4)
			return NULL;
		return q + 1;
	}
	while (isalpha((unsigned char)*q))
		q++;
	return q - p >= 3 ? q : NULL;
}

static int
posix_num(const char **pp, int lo, int hi, int *v)
{
	const char	*p = *pp;
	int		 x = 0, nd = 0;

	while (isdigit((unsigned char)*p) && nd < 4) {
		x = x * 10 + (*p++ - '0');
		nd++;
	}
	if (nd == 0 || x < lo || x > hi)
		return -1;
	*pp = p;
	*v = x;
	return 0;
}

static const char *
posix_rule(const char *p, struct posix_rule *r)
{
	r->secs = 2 * 3600;
	if (*p == 'J') {
		p++;
		r->kind = 'J';
		if (posix_num(&p, 1, 365, &r->n) == -1)
			return NULL;
	} else if (*p == 'M') {
		p++;
		r->kind = 'M';
		if (posix_num(&p, 1, 12, &r->m) == -1 || *p++ != '.' ||
		    posix_num(&p, 1, 5, &r->w) == -1 || *p++ != '.' ||
		    posix_num(&p, 0, 6, &r->d) == -1)
			return NULL;
	} else {
		r->kind = 'N';
		if (posix_num(&p, 0, 365, &r->n) == -1)
			return NULL;
	}
	/* RFC 8536 section 3.3.1 allows -167..167 hours here. */
	if (*p == '/')
		p = posix_hms(p + 1, 167, &r->secs);
	return p;
}

static int
posix_parse(const char *s, struct posix_tz *tz)
{
	const char	*p = s;
	int32_t		 v;

	memset(tz, 0, sizeof(*tz));
	if ((p = posix_name(p)) == NULL ||
	    (p = posix_hms(p, 24, &v)) == NULL)
		return -1;
	tz->std_off = -v;		/* POSIX counts west as positive */
	if (*p == '\0')
		return 0;
	if ((p = posix_name(p)) == NULL)
		return -1;
	tz->has_dst = 1;
	tz->dst_off = tz->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = posix_hms(p, 24, &v)) == NULL)
			return -1;
		tz->dst_off = -v;
	}
	if (*p == '\0') {
		/* No rule: POSIX leaves it open; use the US rule, as zic. */
		tz->start = (struct posix_rule){ 'M', 0, 3, 2, 0, 7200 };
		tz->end = (struct posix_rule){ 'M', 0, 11, 1, 0, 7200 };
		return 0;
	}
	if (*p++ != ',' || (p = posix_rule(p, &tz->start)) == NULL ||
	    *p++ != ',' || (p = posix_rule(p, &tz->end)) == NULL ||
	    *p != '\0')
		return -1;
	return 0;
}

/* The local date on which rule r falls in year y. */
static int32_t
rule_date(const struct posix_rule *r, int y)
{
	int32_t	first, next;
	int	wd;

	switch (r->kind) {
	case 'J':	/* 1..365, February 29 never counted */
		first = date_from_ymd(y, 1, 1) + r->n - 1;
		return first + (is_leap(y) && r->n >= 60 ? 1 : 0);
	case 'N':	/* 0..365, February 29 counted */
		return date_from_ymd(y, 1, 1) + r->n;
	default:
		first = date_from_ymd(y, r->m, 1);
		next = date_from_ymd(y, r->m + 1, 1);
		wd = (date_weekday(first) + 1) % 7;	/* 0 = Sunday */
		first += (r->d - wd + 7) % 7 + (r->w - 1) * 7;
		while (first >= next)		/* w = 5: the last one */
			first -= 7;
		return first;
	}
}

struct tz_event {
	int64_t		t;
	int32_t		off;		/* in force from t */
	int		seq;		/* order among events at the same t */
};

/*
 * The DST starts and ends of years y0..y0+nyears-1, in time order. At equal
 * instants the later rule wins, so that "all year DST" strings such as
 * "...,0/0,J365/25" stay in DST.
 */
static size_t
footer_events(const struct posix_tz *tz, int y0, int nyears,
    struct tz_event *ev)
{
	struct tz_event	 e;
	size_t		 n = 0, i, j;
	int		 k;

	for (k = 0; k < nyears; k++) {
		ev[n].t = (int64_t)rule_date(&tz->start, y0 + k) * DAY +
		    tz->start.secs - tz->std_off;
		ev[n].off = tz->dst_off;
		ev[n].seq = 2 * k;
		n++;
		ev[n].t = (int64_t)rule_date(&tz->end, y0 + k) * DAY +
		    tz->end.secs - tz->dst_off;
		ev[n].off = tz->std_off;
		ev[n].seq = 2 * k + 1;
		n++;
	}
	for (i = 1; i < n; i++) {
		e = ev[i];
		for (j = i; j > 0 && (ev[j - 1].t > e.t ||
		    (ev[j - 1].t == e.t && ev[j - 1].seq > e.seq)); j--)
			ev[j] = ev[j - 1];
		ev[j] = e;
	}
	return n;
}

static int
year_of(int64_t t)
{
	int	y, m, d;

	date_to_ymd((int32_t)floordiv(t, DAY), &y, &m, &d);
	return y;
}

/* Offset at t by the footer, and the next change after t (or INT64_MAX). */
static int32_t
footer_offset(const struct posix_tz *tz, int64_t t, int64_t *next)
{
	struct tz_event	 ev[8];
	size_t		 n, i;
	int32_t		 off;

	if (!tz->has_dst) {
		if (next != NULL)
			*next = INT64_MAX;
		return tz->std_off;
	}
	/* Years beyond 9999 are not calendar years anyone books in. */
	n = footer_events(tz, year_of(t < TZ_YMIN ? TZ_YMIN :
	    t > TZ_YMAX ? TZ_YMAX : t) - 1, 3, ev);
	off = ev[0].off == tz->dst_off ? tz->std_off : tz->dst_off;
	for (i = 0; i < n && ev[i].t <= t; i++)
		off = ev[i].off;
	if (next != NULL)
		*next = i < n ? ev[i].t : INT64_MAX;
	return off;
}

/* The offset at t and the instant of the next transition after t. */
static int32_t
offset_next(const struct tzdata *d, int64_t t, int64_t *next)
{
	size_t	lo, hi, mid;

	if (d->n == 0 || t < d->t[0]) {
		if (d->n > 0) {
			*next = d->t[0];
			return d->pre_off;
		}
		if (d->has_footer)
			return footer_offset(&d->ft, t, next);
		*next = INT64_MAX;
		return d->pre_off;
	}
	if (t >= d->t[d->n - 1]) {
		if (d->has_footer)
			return footer_offset(&d->ft, t, next);
		*next = INT64_MAX;
		return d->off[d->ti[d->n - 1]];
	}
	/* The last transition <= t: t[lo] <= t < t[hi]. */
	lo = 0;
	hi = d->n - 1;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (d->t[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	*next = d->t[hi];
	return d->off[d->ti[lo]];
}

int32_t
tz_offset_at(const struct zone *z, int64_t t)
{
	int64_t	next;

	return offset_next(z->d, t, &next);
}

void
tz_instant_to_local(const struct zone *z, int64_t t, int32_t *date,
    int32_t *second)
{
	int64_t	l = t + tz_offset_at(z, t);

	*date = (int32_t)floordiv(l, DAY);
	*second = (int32_t)(l - floordiv(l, DAY) * DAY);
}

int64_t
tz_local_to_instant(const struct zone *z, int32_t date, int minute)
{
	int64_t	l, u, end, next, gap = 0;
	int32_t	off, prev = 0;
	int	have_gap = 0, first = 1;

	l = (int64_t)date * DAY + (int64_t)minute * 60;
	/*
	 * Walk the spans of constant offset that can hold l (real offsets
	 * stay within a day of UTC). The first span that contains l - off
	 * gives the earliest instant: the first occurrence in a fold. When
	 * none does, l is in a gap, read with the offset before it.
	 */
	u = l - 2 * DAY;
	end = l + 2 * DAY;
	while (u < end) {
		off = offset_next(z->d, u, &next);
		if (!first && !have_gap && u + prev <= l && l < u + off) {
			have_gap = 1;
			gap = l - prev;
		}
		if (l - off >= u && l - off < next)
			return l - off;
		prev = off;
		first = 0;
		if (next <= u)
			break;
		u = next;
	}
	return have_gap ? gap : l - prev;
}

/* Loading. */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
	uint32_t	isut, isstd, leap, time, type, chr;
};

static int
tzif_header(const unsigned char *p, size_t len, struct tzif_counts *c)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chr = be32(p + 40);
	if (c->type == 0 || c->type > 256 || c->time > 65536 ||
	    c->chr > 65536 || c->leap > 65536 || c->isut > 256 ||
	    c->isstd > 256)
		return -1;
	return 0;
}

static size_t
tzif_block_len(const struct tzif_counts *c, int tsize)
{
	return (size_t)c->time * tsize + c->time + (size_t)c->type * 6 +
	    c->chr + (size_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

static struct tzdata *
tzif_parse(const unsigned char *buf, size_t len, const char *name)
{
	struct tzif_counts	 c;
	struct tzdata		*d = NULL;
	const unsigned char	*p, *tt, *types, *end = buf + len;
	size_t			 i, skip, first, n, bl;
	int			 tsize = 4;
	char			 footer[128];
	const unsigned char	*nl;

	if (tzif_header(buf, len, &c) == -1)
		goto bad;
	p = buf + 44;
	if (buf[4] >= '2') {
		/* Skip the 32-bit block to the 64-bit one. */
		bl = tzif_block_len(&c, 4);
		if ((size_t)(end - p) < bl)
			goto bad;
		p += bl;
		if (tzif_header(p, end - p, &c) == -1)
			goto bad;
		p += 44;
		tsize = 8;
	}
	bl = tzif_block_len(&c, tsize);
	if ((size_t)(end - p) < bl)
		goto bad;
	tt = p + (size_t)c.time * tsize;
	types = tt + c.time;

	/* Transitions before 1900 only set the offset in force at 1900. */
	for (first = 0; first < c.time; first++) {
		int64_t	t = tsize == 8 ? be64(p + first * 8) :
		    (int32_t)be32(p + first * 4);
		if (t >= TZ_CUTOFF)
			break;
	}
	n = c.time - first;
	d = calloc(1, sizeof(*d) + n * sizeof(int64_t) + n +
	    (size_t)c.type * sizeof(int32_t));
	if (d == NULL) {
		log_warn("%s", __func__);
		return NULL;
	}
	d->t = (int64_t *)(d + 1);
	d->off = (int32_t *)(d->t + n);
	d->ti = (uint8_t *)(d->off + c.type);
	d->n = n;
	d->ntypes = c.type;
	for (i = 0; i < c.type; i++) {
		d->off[i] = (int32_t)be32(types + i * 6);
		if (d->off[i] < -89999 || d->off[i] > 93599)
			goto bad;
	}
	for (i = 0; i < n; i++) {
		skip = first + i;
		d->t[i] = tsize == 8 ? be64(p + skip * 8) :
		    (int32_t)be32(p + skip * 4);
		d->ti[i] = tt[skip];
		if (d->ti[i] >= c.type || (i > 0 && d->t[i] <= d->t[i - 1]))
			goto bad;
	}
	d->pre_off = first > 0 ? d->off[tt[first - 1] < c.type ?
	    tt[first - 1] : 0] : d->off[0];

	p += bl;
	if (tsize == 8 && p < end && *p == '\n') {
		p++;
		nl = memchr(p, '\n', end - p);
		if (nl == NULL || (size_t)(nl - p) >= sizeof(footer))
			goto bad;
		memcpy(footer, p, nl - p);
		footer[nl - p] = '\0';
		if (footer[0] != '\0') {
			if (posix_parse(footer, &d->ft) == -1) {
				log_warnx("%s: TZ string \"%s\" not understood",
				    name, footer);
				goto bad;
			}
			d->has_footer = 1;
		}
	}
	return d;
bad:
	log_warnx("%s: not a valid TZif file", name);
	free(d);
	return NULL;
}

static struct tzdata *
tzif_load(const char *dir, const char *name)
{
	char		 path[PATH_MAX];
	unsigned char	*buf = NULL;
	struct tzdata	*d = NULL;
	FILE		*f = NULL;
	size_t		 len;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		log_warnx("%s: path too long", name);
		goto done;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		log_warn("%s", path);
		goto done;
	}
	if ((buf = malloc(TZIF_MAX)) == NULL) {
		log_warn("%s", __func__);
		goto done;
	}
	len = fread(buf, 1, TZIF_MAX, f);
	if (ferror(f) || len == TZIF_MAX) {
		log_warnx("%s: unreadable or too large", path);
		goto done;
	}
	d = tzif_parse(buf, len, name);
done:
	if (f != NULL)
		fclose(f);
	free(buf);
	return d;
}

static int
zone_cmp(const void *a, const void *b)
{
	return strcmp(((const struct zone *)a)->name,
	    ((const struct zone *)b)->name);
}

static int
name_cmp(const void *key, const void *b)
{
	return strcmp(key, ((const struct zone *)b)->name);
}

/* A name as tzdata.zi writes it: no "..", no leading '/', printable. */
static int
name_ok(const char *s)
{
	const char	*p;

	if (*s == '\0' || *s == '/' || strlen(s) >= TZNAME_MAX)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("/_-+", *p) == NULL)
			return 0;
	return strstr(s, "..") == NULL;
}

static int
zones_add(const char *name, const struct tzdata *d, size_t *cap)
{
	struct zone	*nz;

	if (nzones == *cap) {
		*cap = *cap ? *cap * 2 : 512;
		if ((nz = reallocarray(zones, *cap, sizeof(*zones))) == NULL)
			return -1;
		zones = nz;
	}
	if ((zones[nzones].name = strdup(name)) == NULL)
		return -1;
	zones[nzones++].d = d;
	return 0;
}

/* Sorts the zones by name and drops repeated names, keeping the first. */
static void
zones_sort_unique(void)
{
	size_t	i, w;

	qsort(zones, nzones, sizeof(*zones), zone_cmp);
	for (i = 1, w = nzones > 0; i < nzones; i++) {
		if (strcmp(zones[i].name, zones[w - 1].name) == 0) {
			free(zones[i].name);
			continue;
		}
		zones[w++] = zones[i];
	}
	nzones = w;
}

struct zi_link {
	char	*target;
	char	*name;
};

int
tz_init(const char *dir)
{
	char		 path[PATH_MAX], line[1024], *f[4], *s, *save;
	struct zi_link	*links = NULL, *nl;
	struct tzdata	*d, **nd;
	const struct zone *tz;
	FILE		*fp = NULL;
	size_t		 nlinks = 0, lcap = 0, zcap = 0, dcap = 0, i, w;
	int		 nf, rc = -1;

	tz_shutdown();
	if (dir == NULL)
		dir = TZ_DEFAULT_DIR;
	snprintf(path, sizeof(path), "%s/tzdata.zi", dir);
	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		goto done;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] != 'Z' && line[0] != 'L')
			continue;
		nf = 0;
		for (s = strtok_r(line, " \t\n", &save); s != NULL && nf < 3;
		    s = strtok_r(NULL, " \t\n", &save))
			f[nf++] = s;
		if (nf < 2 || strlen(f[0]) != 1)
			continue;
		if (f[0][0] == 'Z') {
			if (!name_ok(f[1]))
				continue;
			if ((d = tzif_load(dir, f[1])) == NULL)
				continue;	/* logged; skip this zone */
			if (ndatas == dcap) {
				dcap = dcap ? dcap * 2 : 512;
				nd = reallocarray(datas, dcap, sizeof(*datas));
				if (nd == NULL) {
					free(d);
					goto nomem;
				}
				datas = nd;
			}
			datas[ndatas++] = d;
			if (zones_add(f[1], d, &zcap) == -1)
				goto nomem;
		} else if (nf == 3 && name_ok(f[1]) && name_ok(f[2])) {
			if (nlinks == lcap) {
				lcap = lcap ? lcap * 2 : 256;
				nl = reallocarray(links, lcap, sizeof(*links));
				if (nl == NULL)
					goto nomem;
				links = nl;
			}
			links[nlinks].target = strdup(f[1]);
			links[nlinks].name = strdup(f[2]);
			nlinks++;
			if (links[nlinks - 1].target == NULL ||
			    links[nlinks - 1].name == NULL)
				goto nomem;
		}
	}
	if (ferror(fp)) {
		log_warn("%s", path);
		goto done;
	}
	qsort(zones, nzones, sizeof(*zones), zone_cmp);
	/* Links share their target's rules; their TZif is the same file. */
	w = nzones;
	for (i = 0; i < nlinks; i++) {
		tz = bsearch(links[i].target, zones, w, sizeof(*zones),
		    name_cmp);
		if (tz == NULL) {
			log_warnx("%s: link to unknown zone %s",
			    links[i].name, links[i].target);
			continue;
		}
		if (zones_add(links[i].name, tz->d, &zcap) == -1)
			goto nomem;
	}
	zones_sort_unique();
	if (tz_get("UTC") == NULL && zones_add("UTC", &utc_data, &zcap) == -1)
		goto nomem;
	zones_sort_unique();
	if (tz_get("Etc/UTC") == NULL &&
	    zones_add("Etc/UTC", &utc_data, &zcap) == -1)
		goto nomem;
	zones_sort_unique();
	rc = 0;
	goto done;
nomem:
	log_warn("%s", __func__);
done:
	if (fp != NULL)
		fclose(fp);
	for (i = 0; i < nlinks; i++) {
		free(links[i].target);
		free(links[i].name);
	}
	free(links);
	if (rc == -1)
		tz_shutdown();
	return rc;
}

void
tz_shutdown(void)
{
	size_t	i;

	for (i = 0; i < nzones; i++)
		free(zones[i].name);
	free(zones);
	zones = NULL;
	nzones = 0;
	for (i = 0; i < ndatas; i++)
		free(datas[i]);
	free(datas);
	datas = NULL;
	ndatas = 0;
}

const struct zone *
tz_get(const char *name)
{
	if (name == NULL || zones == NULL)
		return NULL;
	return bsearch(name, zones, nzones, sizeof(*zones), name_cmp);
}

const char *
tz_name(const struct zone *z)
{
	return z->name;
}

/* Text formats. */

/* Writes v as n decimal digits at p (v is in range for n). */
static char *
put_digits(char *p, unsigned int v, int n)
{
	int	i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = '0' + v % 10;
		v /= 10;
	}
	return p + n;
}

/* Writes "YYYY-MM-DD" at p, years clamped to 0000..9999. */
static char *
put_date(char *p, int32_t date)
{
	int	y, m, d;

	date_to_ymd(date, &y, &m, &d);
	if (y < 0 || y > 9999) {
		/* Not representable; never produced from valid input. */
		y = y < 0 ? 0 : 9999;
	}
	p = put_digits(p, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	return put_digits(p, d, 2);
}

/* n decimal digits at s, or -1. */
static int
digits(const char *s, int n)
{
	int	v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD" at the start of s. */
static int
ymd_scan(const char *s, int *y, int *m, int *d)
{
	*y = digits(s, 4);
	if (*y < 1 || s[4] != '-')
		return -1;
	*m = digits(s + 5, 2);
	if (*m < 1 || *m > 12 || s[7] != '-')
		return -1;
	*d = digits(s + 8, 2);
	if (*d < 1 || *d > month_days(*y, *m))
		return -1;
	return 0;
}

int
date_parse(const char *s, int32_t *date)
{
	int	y, m, d;

	if (s == NULL || strlen(s) != 10 || ymd_scan(s, &y, &m, &d) == -1)
		return -1;
	*date = date_from_ymd(y, m, d);
	return 0;
}

void
date_format(int32_t date, char buf[11])
{
	*put_date(buf, date) = '\0';
}

int
hhmm_parse(const char *s, int allow_24, int *minute)
{
	int	h, m;

	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -1;
	if ((h = digits(s, 2)) == -1 || (m = digits(s + 3, 2)) == -1)
		return -1;
	if (h == 24 && m == 0 && allow_24) {
		*minute = 1440;
		return 0;
	}
	if (h > 23 || m > 59)
		return -1;
	*minute = h * 60 + m;
	return 0;
}

void
hhmm_format(int minute, char buf[6])
{
	if (minute < 0 || minute > 1440)
		minute = 0;
	put_digits(buf, minute / 60, 2);
	buf[2] = ':';
	put_digits(buf + 3, minute % 60, 2);
	buf[5] = '\0';
}

int
rfc3339_parse(const char *s, int64_t *t)
{
	int	frac;

	return rfc3339_parse_frac(s, t, &frac);
}

int
rfc3339_parse_frac(const char *s, int64_t *t, int *frac)
{
	int	y, mo, d, h, mi, sec, oh, om;
	int32_t	off;

	if (s == NULL || strlen(s) < 20 || ymd_scan(s, &y, &mo, &d) == -1)
		return -1;
	if (s[10] != 'T' && s[10] != 't')
		return -1;
	if ((h = digits(s + 11, 2)) == -1 || s[13] != ':' ||
	    (mi = digits(s + 14, 2)) == -1 || s[16] != ':' ||
	    (sec = digits(s + 17, 2)) == -1)
		return -1;
	/* No 24:00:00, and no leap second: an instant has no name for it. */
	if (h > 23 || mi > 59 || sec > 59)
		return -1;
	s += 19;
	*frac = 0;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s))
			if (*s++ != '0')
				*frac = 1;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		off = 0;
	else if ((*s == '+' || *s == '-') && strlen(s) == 6 && s[3] == ':') {
		if ((oh = digits(s + 1, 2)) == -1 ||
		    (om = digits(s + 4, 2)) == -1 || oh > 23 || om > 59)
			return -1;
		off = (oh * 3600 + om * 60) * (*s == '-' ? -1 : 1);
	} else
		return -1;
	*t = (int64_t)date_from_ymd(y, mo, d) * DAY + h * 3600 + mi * 60 +
	    sec - off;
	/* Only instants that have a name in UTC too (years 0000-9999). */
	if (*t < (int64_t)date_from_ymd(0, 1, 1) * DAY ||
	    *t >= (int64_t)date_from_ymd(10000, 1, 1) * DAY)
		return -1;
	return 0;
}

void
rfc3339_format(int64_t t, int32_t offset, char *buf)
{
	int64_t	l;
	int32_t	date, secs, a;
	char	*p;

	/* RFC 3339 offsets have no seconds: drop them, keep the instant. */
	offset -= offset % 60;
	l = t + offset;
	date = (int32_t)floordiv(l, DAY);
	secs = (int32_t)(l - (int64_t)date * DAY);
	a = offset < 0 ? -offset : offset;
	p = put_date(buf, date);
	*p++ = 'T';
	p = put_digits(p, secs / 3600, 2);
	*p++ = ':';
	p = put_digits(p, secs / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, secs % 60, 2);
	*p++ = offset < 0 ? '-' : '+';
	p = put_digits(p, a / 3600 % 100, 2);
	*p++ = ':';
	p = put_digits(p, a / 60 % 60, 2);
	*p = '\0';
}

void
rfc3339_format_tz(int64_t t, const struct zone *z, char *buf)
{
	rfc3339_format(t, tz_offset_at(z, t), buf);
}
