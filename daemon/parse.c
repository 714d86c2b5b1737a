/*
 * parse.c: request values into records, with every rule of API.md.
 */
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "parse.h"
#include "tzconv.h"

static const char *reserved_ids[] = {
	"api", "feeds", "static", "manage", "admin", "healthz", "metrics",
	"favicon.ico", "robots.txt",
};

static const char *weekdays[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

static int
fail(struct field_error *e, const char *field, const char *msg)
{
	snprintf(e->field, sizeof(e->field), "%s", field);
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
	return -1;
}

int
valid_id(const char *s)
{
	size_t	 n;

	if (s == NULL || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return 0;
	return n <= 63;
}

int
reserved_worker_id(const char *s)
{
	size_t	 i;

	for (i = 0; i < sizeof(reserved_ids) / sizeof(reserved_ids[0]); i++)
		if (strcmp(s, reserved_ids[i]) == 0)
			return 1;
	return 0;
}

/*
 * Decodes one UTF-8 character at s; returns its length (1..4) and the code
 * point in *cp, or 0 for an invalid sequence (overlong, surrogate, > 10FFFF).
 */
static int
utf8_next(const unsigned char *s, uint32_t *cp)
{
	uint32_t	 c;
	int		 n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
	    (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static int
is_control(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f);
}

int
valid_line(const char *s, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c;
	size_t			 chars = 0;
	int			 n;

	if (s == NULL || *s == '\0')
		return 0;
	while (*p != '\0') {
		if ((n = utf8_next(p, &c)) == 0 || is_control(c))
			return 0;
		p += n;
		if (++chars > max)
			return 0;
	}
	return 1;
}

char *
note_normalize(const char *s, size_t max, int *bad)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out, *o;
	uint32_t		 c;
	size_t			 chars = 0;
	int			 n;

	*bad = 0;
	if ((out = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	o = out;
	while (*p != '\0') {
		if (p[0] == '\r' && p[1] == '\n')
			p++;
		if ((n = utf8_next(p, &c)) == 0 ||
		    (is_control(c) && c != '\n' && c != '\t'))
			goto invalid;
		memcpy(o, p, n);
		o += n;
		p += n;
		if (++chars > max)
			goto invalid;
	}
	*o = '\0';
	return out;
invalid:
	*bad = 1;
	free(out);
	return NULL;
}

static locale_t		 utf8_locale;
static pthread_once_t	 utf8_once = PTHREAD_ONCE_INIT;

static void
utf8_locale_init(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/*
 * Letters (in any script), digits and hyphens. Beyond ASCII, the C library's
 * Unicode tables say what a letter is, through a locale object of our own
 * (the process's locale is left alone).
 */
static int
valid_label(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c;
	size_t			 i;
	int			 n;

	if (len == 0 || len > 63)
		return 0;
	pthread_once(&utf8_once, utf8_locale_init);
	for (i = 0; i < len; i += n) {
		if (p[i] < 0x80) {
			n = 1;
			if ((p[i] >= 'a' && p[i] <= 'z') ||
			    (p[i] >= 'A' && p[i] <= 'Z') ||
			    (p[i] >= '0' && p[i] <= '9') || p[i] == '-')
				continue;
			return 0;
		}
		if ((n = utf8_next(p + i, &c)) == 0 || i + n > len ||
		    utf8_locale == (locale_t)0 ||
		    !iswalnum_l((wint_t)c, utf8_locale))
			return 0;
	}
	return 1;
}

int
valid_email(const char *s)
{
	const char		*at, *d, *dot;
	const unsigned char	*p;
	uint32_t		 c;
	size_t			 len, labels = 0;
	int			 n;

	if (s == NULL || (len = strlen(s)) == 0 || len > EMAIL_MAX)
		return 0;
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	if (at == s || at - s > 64)
		return 0;
	for (p = (const unsigned char *)s; p < (const unsigned char *)at;
	    p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("\"(),:;<>[\\]", *p))
			return 0;
	/* The domain: valid UTF-8, two or more labels. */
	for (p = (const unsigned char *)at + 1; *p != '\0'; p += n)
		if ((n = utf8_next(p, &c)) == 0 || is_control(c))
			return 0;
	for (d = at + 1;; d = dot + 1) {
		dot = strchr(d, '.');
		if (!valid_label(d, dot != NULL ? (size_t)(dot - d) :
		    strlen(d)))
			return 0;
		labels++;
		if (dot == NULL)
			break;
	}
	return labels >= 2;
}

int
valid_locale(const char *s)
{
	return s != NULL && (strcmp(s, "fr") == 0 || strcmp(s, "nl") == 0 ||
	    strcmp(s, "en") == 0);
}

/* Depth of nested arrays and objects; the top level is 1. */
int
json_depth_ok(json_t *j, int depth)
{
	const char	*k;
	json_t		*v;
	size_t		 i;

	if (!json_is_object(j) && !json_is_array(j))
		return 1;
	if (depth > JSON_DEPTH_MAX)
		return 0;
	if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			if (!json_depth_ok(v, depth + 1))
				return 0;
	} else {
		json_array_foreach(j, i, v)
			if (!json_depth_ok(v, depth + 1))
				return 0;
	}
	return 1;
}

const char *
json_text(json_t *v)
{
	const char	*s;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	return strlen(s) == json_string_length(v) ? s : NULL;
}

/* A string member, NULL when absent; -1 when present but not a string. */
static int
get_str(json_t *o, const char *key, const char **out)
{
	json_t	*v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL)
		return 0;
	if ((*out = json_text(v)) == NULL)
		return -1;
	return 0;
}

static int
set_dup(char **dst, const char *src)
{
	char	*d;

	if ((d = strdup(src)) == NULL)
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

int
parse_worker(json_t *o, int partial, struct worker *w,
    int (*zone_ok)(const char *), struct field_error *e)
{
	const char	*id, *name, *email, *tz, *locale;

	if (get_str(o, "id", &id) == -1 && !partial)
		return fail(e, "id", "must be a string");
	if (get_str(o, "name", &name) == -1)
		return fail(e, "name", "must be a string");
	if (get_str(o, "email", &email) == -1)
		return fail(e, "email", "must be a string");
	if (get_str(o, "timezone", &tz) == -1)
		return fail(e, "timezone", "must be a string");
	if (get_str(o, "locale", &locale) == -1)
		return fail(e, "locale", "must be a string");
	if (!partial) {
		if (id == NULL)
			return fail(e, "id", "is required");
		if (!valid_id(id))
			return fail(e, "id", "must match ^[a-z0-9][a-z0-9-]"
			    "{0,62}$");
		if (reserved_worker_id(id))
			return fail(e, "id", "is reserved");
		if (name == NULL)
			return fail(e, "name", "is required");
		if (email == NULL)
			return fail(e, "email", "is required");
		if (tz == NULL)
			return fail(e, "timezone", "is required");
		snprintf(w->id, sizeof(w->id), "%s", id);
	}
	if (name != NULL && !valid_line(name, NAME_MAX_CHARS))
		return fail(e, "name", "must be 1 to 200 characters without "
		    "control characters");
	if (email != NULL && !valid_email(email))
		return fail(e, "email", "is not a valid e-mail address");
	if (tz != NULL && (strlen(tz) >= TZNAME_MAX || !zone_ok(tz)))
		return fail(e, "timezone", "is not an IANA time zone");
	if (locale != NULL && !valid_locale(locale))
		return fail(e, "locale", "must be fr, nl or en");
	if ((name != NULL && set_dup(&w->name, name) == -1) ||
	    (email != NULL && set_dup(&w->email, email) == -1))
		return fail(e, "", "out of memory");
	if (tz != NULL)
		snprintf(w->timezone, sizeof(w->timezone), "%s", tz);
	if (locale != NULL)
		snprintf(w->locale, sizeof(w->locale), "%s", locale);
	else if (!partial)
		snprintf(w->locale, sizeof(w->locale), "fr");
	return 0;
}

/* An integer member within [lo, hi]; absent leaves *out alone. */
static int
get_int(json_t *o, const char *key, int lo, int hi, int *out,
    struct field_error *e)
{
	json_t		*v = json_object_get(o, key);
	json_int_t	 n;
	char		 msg[96];

	if (v == NULL)
		return 0;
	if (json_is_real(v)) {
		double	 d = json_real_value(v);

		/* Range first: converting a huge double is undefined. */
		if (!(d >= lo && d <= hi)) {
			snprintf(msg, sizeof(msg), "must be between %d and %d",
			    lo, hi);
			return fail(e, key, msg);
		}
		if (d != (double)(json_int_t)d)
			return fail(e, key, "must be a whole number");
		n = (json_int_t)d;
	} else if (json_is_integer(v))
		n = json_integer_value(v);
	else
		return fail(e, key, "must be a number");
	if (n < lo || n > hi) {
		snprintf(msg, sizeof(msg), "must be between %d and %d", lo, hi);
		return fail(e, key, msg);
	}
	*out = (int)n;
	return 0;
}

static int
get_bool(json_t *o, const char *key, bool *out, struct field_error *e)
{
	json_t	*v = json_object_get(o, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return fail(e, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

int
parse_service(json_t *o, int partial, struct service *s,
    struct field_error *e)
{
	const char	*id, *title, *desc;
	json_t		*mpd;
	int		 step_given;

	if (get_str(o, "id", &id) == -1 && !partial)
		return fail(e, "id", "must be a string");
	if (get_str(o, "title", &title) == -1)
		return fail(e, "title", "must be a string");
	if (get_str(o, "description", &desc) == -1 &&
	    !json_is_null(json_object_get(o, "description")))
		return fail(e, "description", "must be a string");
	if (!partial) {
		if (id == NULL)
			return fail(e, "id", "is required");
		if (!valid_id(id))
			return fail(e, "id", "must match ^[a-z0-9][a-z0-9-]"
			    "{0,62}$");
		if (title == NULL)
			return fail(e, "title", "is required");
		if (json_object_get(o, "duration_min") == NULL)
			return fail(e, "duration_min", "is required");
		snprintf(s->id, sizeof(s->id), "%s", id);
		s->capacity = 1;
		s->min_notice_min = 60;
		s->horizon_days = 60;
		s->video = true;
		s->active = true;
	}
	if (title != NULL && !valid_line(title, TITLE_MAX_CHARS))
		return fail(e, "title", "must be 1 to 200 characters without "
		    "control characters");
	if (desc != NULL) {
		char	*d;
		int	 bad;

		if ((d = note_normalize(desc, DESC_MAX_CHARS, &bad)) == NULL)
			return fail(e, "description", bad ? "must be at most "
			    "2000 characters without control characters" :
			    "out of memory");
		free(s->description);
		s->description = d;
	} else if (s->description == NULL &&
	    (s->description = strdup("")) == NULL)
		return fail(e, "description", "out of memory");
	if (title != NULL && set_dup(&s->title, title) == -1)
		return fail(e, "title", "out of memory");
	if (get_int(o, "duration_min", 5, 720, &s->duration_min, e) == -1)
		return -1;
	step_given = json_object_get(o, "step_min") != NULL;
	if (get_int(o, "step_min", 5, 720, &s->step_min, e) == -1)
		return -1;
	if (!partial && !step_given)
		s->step_min = s->duration_min;
	if (get_int(o, "capacity", 1, 1000, &s->capacity, e) == -1 ||
	    get_int(o, "buffer_before_min", 0, 720, &s->buffer_before_min,
	    e) == -1 ||
	    get_int(o, "buffer_after_min", 0, 720, &s->buffer_after_min,
	    e) == -1 ||
	    get_int(o, "min_notice_min", 0, 525600, &s->min_notice_min,
	    e) == -1 ||
	    get_int(o, "horizon_days", 1, 730, &s->horizon_days, e) == -1)
		return -1;
	mpd = json_object_get(o, "max_per_day");
	if (mpd != NULL && json_is_null(mpd))
		s->max_per_day = 0;
	else if (get_int(o, "max_per_day", 1, 1000, &s->max_per_day, e) == -1)
		return -1;
	if (get_bool(o, "video", &s->video, e) == -1 ||
	    get_bool(o, "active", &s->active, e) == -1)
		return -1;
	return 0;
}

/*
 * A list of [start, end] wall-clock pairs into d; path names it in errors.
 * Intervals must not overlap; the later of two overlapping ones, as given,
 * is named.
 */
static int
parse_intervals(json_t *a, struct day_hours *d, const char *path,
    struct field_error *e)
{
	char		 f[96];
	json_t		*iv, *x, *y;
	size_t		 i, j;
	int		 a0, b0;

	if (!json_is_array(a))
		return fail(e, path, "must be a list of [start, end] pairs");
	if (json_array_size(a) > HOURS_PER_DAY_MAX)
		return fail(e, path, "has more than 24 intervals");
	d->n = 0;
	json_array_foreach(a, i, iv) {
		snprintf(f, sizeof(f), "%s[%zu]", path, i);
		if (!json_is_array(iv) || json_array_size(iv) != 2 ||
		    json_text(x = json_array_get(iv, 0)) == NULL ||
		    json_text(y = json_array_get(iv, 1)) == NULL)
			return fail(e, f, "must be [\"HH:MM\", \"HH:MM\"]");
		if (hhmm_parse(json_string_value(x), 0, &a0) == -1)
			return fail(e, f, "start must be HH:MM (00:00 to "
			    "23:59)");
		if (hhmm_parse(json_string_value(y), 1, &b0) == -1)
			return fail(e, f, "end must be HH:MM (00:00 to "
			    "24:00)");
		if (a0 >= b0)
			return fail(e, f, "start must be before end");
		for (j = 0; j < d->n; j++)
			if (a0 < d->v[j].end && d->v[j].start < b0)
				return fail(e, f, "overlaps another interval "
				    "of the same day");
		d->v[d->n].start = a0;
		d->v[d->n].end = b0;
		d->n++;
	}
	return 0;
}

static int
cmp_override(const void *a, const void *b)
{
	const struct hours_override	*x = a, *y = b;

	return (x->date > y->date) - (x->date < y->date);
}

static int
cmp_interval(const void *a, const void *b)
{
	const struct interval	*x = a, *y = b;

	if (x->start != y->start)
		return (x->start > y->start) - (x->start < y->start);
	return (x->end > y->end) - (x->end < y->end);
}

int
parse_hours(json_t *o, struct hours *h, struct field_error *e)
{
	json_t		*weekly, *ovs, *toff, *v, *x;
	const char	*k;
	char		 f[96];
	size_t		 i, j;
	int		 wd;

	memset(h, 0, sizeof(*h));
	weekly = json_object_get(o, "weekly");
	if (weekly != NULL && !json_is_null(weekly)) {
		if (!json_is_object(weekly))
			return fail(e, "weekly", "must be an object of days");
		json_object_foreach(weekly, k, v) {
			for (wd = 0; wd < 7; wd++)
				if (strcmp(k, weekdays[wd]) == 0)
					break;
			snprintf(f, sizeof(f), "weekly.%s", k);
			if (wd == 7)
				return fail(e, f, "is not a day (mon..sun)");
			if (parse_intervals(v, &h->weekly[wd], f, e) == -1)
				goto fail;
		}
	}
	ovs = json_object_get(o, "overrides");
	if (ovs != NULL && !json_is_null(ovs)) {
		if (!json_is_array(ovs))
			return fail(e, "overrides", "must be a list");
		if (json_array_size(ovs) > OVERRIDES_MAX)
			return fail(e, "overrides", "has more than 1000 "
			    "dates");
		if (json_array_size(ovs) > 0 && (h->overrides =
		    calloc(json_array_size(ovs), sizeof(*h->overrides))) ==
		    NULL)
			return fail(e, "overrides", "out of memory");
		json_array_foreach(ovs, i, v) {
			struct hours_override	*ov = &h->overrides[i];

			snprintf(f, sizeof(f), "overrides[%zu]", i);
			if (!json_is_object(v)) {
				fail(e, f, "must be {date, intervals}");
				goto fail;
			}
			snprintf(f, sizeof(f), "overrides[%zu].date", i);
			x = json_object_get(v, "date");
			if (json_text(x) == NULL ||
			    date_parse(json_string_value(x), &ov->date) == -1) {
				fail(e, f, "must be a date YYYY-MM-DD");
				goto fail;
			}
			for (j = 0; j < i; j++)
				if (h->overrides[j].date == ov->date) {
					fail(e, f, "is given twice");
					goto fail;
				}
			snprintf(f, sizeof(f), "overrides[%zu].intervals", i);
			x = json_object_get(v, "intervals");
			if (x == NULL) {
				fail(e, f, "is required (empty: day off)");
				goto fail;
			}
			if (parse_intervals(x, &ov->day, f, e) == -1)
				goto fail;
			h->noverrides++;
		}
		if (h->noverrides > 0)
			qsort(h->overrides, h->noverrides,
			    sizeof(*h->overrides),
		    cmp_override);
	}
	toff = json_object_get(o, "time_off");
	if (toff != NULL && !json_is_null(toff)) {
		if (!json_is_array(toff)) {
			fail(e, "time_off", "must be a list");
			goto fail;
		}
		if (json_array_size(toff) > TIME_OFF_MAX) {
			fail(e, "time_off", "has more than 1000 ranges");
			goto fail;
		}
		if (json_array_size(toff) > 0 && (h->time_off =
		    calloc(json_array_size(toff), sizeof(*h->time_off))) ==
		    NULL) {
			fail(e, "time_off", "out of memory");
			goto fail;
		}
		json_array_foreach(toff, i, v) {
			struct interval	*t = &h->time_off[i];

			snprintf(f, sizeof(f), "time_off[%zu]", i);
			if (!json_is_object(v)) {
				fail(e, f, "must be {start, end}");
				goto fail;
			}
			snprintf(f, sizeof(f), "time_off[%zu].start", i);
			x = json_object_get(v, "start");
			if (json_text(x) == NULL ||
			    rfc3339_parse(json_string_value(x), &t->start) ==
			    -1) {
				fail(e, f, "must be an RFC 3339 instant with "
				    "an offset");
				goto fail;
			}
			snprintf(f, sizeof(f), "time_off[%zu].end", i);
			x = json_object_get(v, "end");
			if (json_text(x) == NULL ||
			    rfc3339_parse(json_string_value(x), &t->end) ==
			    -1) {
				fail(e, f, "must be an RFC 3339 instant with "
				    "an offset");
				goto fail;
			}
			if (t->end <= t->start) {
				fail(e, f, "must be after start");
				goto fail;
			}
			h->ntime_off++;
		}
		if (h->ntime_off > 0)
			qsort(h->time_off, h->ntime_off, sizeof(*h->time_off),
		    cmp_interval);
	}
	return 0;
fail:
	hours_clear(h);
	return -1;
}

static json_t *
intervals_to_json(const struct day_hours *d)
{
	json_t	*a = json_array();
	char	 x[6], y[6];
	size_t	 i;

	for (i = 0; a != NULL && i < d->n; i++) {
		hhmm_format(d->v[i].start, x);
		hhmm_format(d->v[i].end, y);
		json_array_append_new(a, json_pack("[s,s]", x, y));
	}
	return a;
}

json_t *
hours_to_json(const struct hours *h)
{
	json_t	*o, *week, *ovs, *toff;
	char	 date[11], a[RFC3339_LEN], b[RFC3339_LEN];
	size_t	 i;
	int	 wd;

	week = json_object();
	for (wd = 0; week != NULL && wd < 7; wd++)
		if (h->weekly[wd].n > 0)
			json_object_set_new(week, weekdays[wd],
			    intervals_to_json(&h->weekly[wd]));
	ovs = json_array();
	for (i = 0; ovs != NULL && i < h->noverrides; i++) {
		date_format(h->overrides[i].date, date);
		json_array_append_new(ovs, json_pack("{s:s, s:o}", "date",
		    date, "intervals",
		    intervals_to_json(&h->overrides[i].day)));
	}
	toff = json_array();
	for (i = 0; toff != NULL && i < h->ntime_off; i++) {
		rfc3339_format(h->time_off[i].start, 0, a);
		rfc3339_format(h->time_off[i].end, 0, b);
		json_array_append_new(toff, json_pack("{s:s, s:s}", "start",
		    a, "end", b));
	}
	o = json_pack("{s:o*, s:o*, s:o*}", "weekly", week, "overrides", ovs,
	    "time_off", toff);
	return o;
}

json_t *
service_to_json(const struct service *s)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i}",
	    "id", s->id, "title", s->title != NULL ? s->title : "",
	    "description", s->description != NULL ? s->description : "",
	    "duration_min", s->duration_min, "step_min", s->step_min,
	    "capacity", s->capacity, "buffer_before_min",
	    s->buffer_before_min, "buffer_after_min", s->buffer_after_min,
	    "min_notice_min", s->min_notice_min, "horizon_days",
	    s->horizon_days);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "max_per_day", s->max_per_day > 0 ?
	    json_integer(s->max_per_day) : json_null());
	json_object_set_new(o, "video", json_boolean(s->video));
	json_object_set_new(o, "active", json_boolean(s->active));
	return o;
}
