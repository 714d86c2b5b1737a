/*
 * test_tzconv.c: zones, offsets, the RFC 5545 reading of wall-clock times,
 * and the text formats.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tzconv.h"

#define H	3600

/* Formats t in UTC with a Z, in one of a few rotating buffers. */
static const char *
utc(int64_t t)
{
	static char	buf[4][RFC3339_LEN];
	static int	i;
	char		*p = buf[i++ % 4];

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

static const struct zone *
zone(const char *name)
{
	const struct zone	*z = tz_get(name);

	assert_non_null(z);
	return z;
}

/* The instant that "date hh:mm" means in zone name, as UTC text. */
static const char *
wall(const char *name, const char *date, const char *hhmm)
{
	int32_t	d;
	int	m;

	assert_int_equal(date_parse(date, &d), 0);
	assert_int_equal(hhmm_parse(hhmm, 1, &m), 0);
	return utc(tz_local_to_instant(zone(name), d, m));
}

/* Offsets just before and at a transition instant. */
static void
assert_change(const char *name, const char *when, int before, int after)
{
	int64_t	t = at(when);

	assert_int_equal(tz_offset_at(zone(name), t - 1), before);
	assert_int_equal(tz_offset_at(zone(name), t), after);
}

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

/* Zones. */

static void
test_known_names_resolve(void **state)
{
	assert_string_equal(tz_name(zone("Europe/Brussels")),
	    "Europe/Brussels");
	assert_string_equal(tz_name(zone("UTC")), "UTC");
	assert_string_equal(tz_name(zone("Etc/UTC")), "Etc/UTC");
	/* A Link name is a name of its own, with its target's rules. */
	assert_string_equal(tz_name(zone("US/Eastern")), "US/Eastern");
	assert_int_equal(tz_offset_at(zone("US/Eastern"),
	    at("2027-07-01T12:00:00Z")), -4 * H);
	assert_int_equal(tz_offset_at(zone("UTC"),
	    at("2027-07-01T12:00:00Z")), 0);
}

static void
test_unknown_names_are_null(void **state)
{
	assert_null(tz_get("../etc/passwd"));
	assert_null(tz_get("posix/Europe/Brussels"));
	assert_null(tz_get("right/Europe/Brussels"));
	assert_null(tz_get("Europe/brussels"));
	assert_null(tz_get("Europe/Brussels/"));
	assert_null(tz_get("/usr/share/zoneinfo/Europe/Brussels"));
	assert_null(tz_get("Mars/Olympus_Mons"));
	assert_null(tz_get("tzdata.zi"));
	assert_null(tz_get(""));
	assert_null(tz_get(NULL));
}

static void
test_init_fails_on_a_missing_directory(void **state)
{
	assert_int_equal(tz_init("/nonexistent/zoneinfo"), -1);
	assert_null(tz_get("Europe/Brussels"));
	assert_int_equal(tz_init(NULL), 0);
	assert_non_null(tz_get("Europe/Brussels"));
}

/* Offsets around transitions, from the table and from the footer. */

static void
test_brussels_offsets(void **state)
{
	assert_change("Europe/Brussels", "2027-03-28T01:00:00Z", H, 2 * H);
	assert_change("Europe/Brussels", "2027-10-31T01:00:00Z", 2 * H, H);
	/* Past the last transition of the file: the TZ string rules. */
	assert_change("Europe/Brussels", "2040-03-25T01:00:00Z", H, 2 * H);
	assert_change("Europe/Brussels", "2040-10-28T01:00:00Z", 2 * H, H);
	assert_change("Europe/Brussels", "2100-03-28T01:00:00Z", H, 2 * H);
	assert_change("Europe/Brussels", "2100-10-31T01:00:00Z", 2 * H, H);
	assert_int_equal(tz_offset_at(zone("Europe/Brussels"),
	    at("2100-12-31T23:59:59Z")), H);
}

static void
test_new_york_offsets(void **state)
{
	assert_change("America/New_York", "2027-03-14T07:00:00Z", -5 * H,
	    -4 * H);
	assert_change("America/New_York", "2027-11-07T06:00:00Z", -4 * H,
	    -5 * H);
	assert_change("America/New_York", "2040-03-11T07:00:00Z", -5 * H,
	    -4 * H);
	assert_change("America/New_York", "2040-11-04T06:00:00Z", -4 * H,
	    -5 * H);
	assert_change("America/New_York", "2100-03-14T07:00:00Z", -5 * H,
	    -4 * H);
	assert_change("America/New_York", "2100-11-07T06:00:00Z", -4 * H,
	    -5 * H);
}

static void
test_sydney_offsets(void **state)
{
	/* Southern hemisphere: DST spans the new year. */
	assert_change("Australia/Sydney", "2027-04-03T16:00:00Z", 11 * H,
	    10 * H);
	assert_change("Australia/Sydney", "2027-10-02T16:00:00Z", 10 * H,
	    11 * H);
	assert_change("Australia/Sydney", "2040-03-31T16:00:00Z", 11 * H,
	    10 * H);
	assert_change("Australia/Sydney", "2040-10-06T16:00:00Z", 10 * H,
	    11 * H);
	assert_change("Australia/Sydney", "2100-04-03T16:00:00Z", 11 * H,
	    10 * H);
	assert_change("Australia/Sydney", "2100-10-02T16:00:00Z", 10 * H,
	    11 * H);
	assert_int_equal(tz_offset_at(zone("Australia/Sydney"),
	    at("2100-01-01T00:00:00Z")), 11 * H);
}

static void
test_lord_howe_half_hour_dst(void **state)
{
	assert_change("Australia/Lord_Howe", "2027-04-03T15:00:00Z", 11 * H,
	    10 * H + 1800);
	assert_change("Australia/Lord_Howe", "2027-10-02T15:30:00Z",
	    10 * H + 1800, 11 * H);
	assert_change("Australia/Lord_Howe", "2040-03-31T15:00:00Z", 11 * H,
	    10 * H + 1800);
	assert_change("Australia/Lord_Howe", "2100-10-02T15:30:00Z",
	    10 * H + 1800, 11 * H);
}

static void
test_midnight_changes_offsets(void **state)
{
	assert_change("America/Santiago", "2040-04-08T03:00:00Z", -3 * H,
	    -4 * H);
	assert_change("America/Santiago", "2040-09-02T04:00:00Z", -4 * H,
	    -3 * H);
	assert_change("America/Havana", "2100-03-14T05:00:00Z", -5 * H,
	    -4 * H);
	assert_change("Asia/Beirut", "2100-10-30T21:00:00Z", 3 * H, 2 * H);
}

/*
 * glibc reads the same TZif files with its own code: every zone agrees
 * with it at instants spread from 1901 to 2200.
 */
static void
test_every_zone_agrees_with_glibc(void **state)
{
	char		 line[512], name[256], env[300], *old;
	FILE		*f;
	uint64_t	 seed = 12345;
	int		 nzones = 0, i;

	old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	f = fopen("/usr/share/zoneinfo/tzdata.zi", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		const struct zone	*z;

		if ((line[0] != 'Z' || sscanf(line, "Z %255s", name) != 1) &&
		    (line[0] != 'L' ||
		    sscanf(line, "L %*s %255s", name) != 1))
			continue;
		z = zone(name);
		nzones++;
		snprintf(env, sizeof(env), ":%s", name);
		setenv("TZ", env, 1);
		tzset();
		for (i = 0; i < 200; i++) {
			struct tm	tm;
			time_t		t;

			seed = seed * 6364136223846793005ULL +
			    1442695040888963407ULL;
			/* 1901..2200, and every other one after 2026. */
			t = -2177452800LL + (int64_t)((seed >> 11) %
			    9466848000ULL);
			if (i % 2)
				t = 1800000000LL + (int64_t)((seed >> 11) %
				    5500000000ULL);
			localtime_r(&t, &tm);
			if (tm.tm_gmtoff != tz_offset_at(z, t))
				fail_msg("%s at %s: glibc %ld, tz_offset_at %d",
				    name, utc(t), tm.tm_gmtoff,
				    tz_offset_at(z, t));
		}
	}
	fclose(f);
	if (old != NULL)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
	assert_true(nzones > 400);
}

/* Wall-clock times to instants: RFC 5545 section 3.3.5. */

static void
test_gap_reads_offset_before(void **state)
{
	/*
	 * 02:30 on 2027-03-28 does not exist in Brussels: read at +01:00 it
	 * is 01:30Z, which clocks show as 03:30. (libical 3.0.16 answers
	 * 00:30Z, the offset after the gap.)
	 */
	assert_string_equal(wall("Europe/Brussels", "2027-03-28", "02:30"),
	    "2027-03-28T01:30:00Z");
	assert_string_equal(wall("Europe/Brussels", "2027-03-28", "02:00"),
	    "2027-03-28T01:00:00Z");
	assert_string_equal(wall("Europe/Brussels", "2027-03-28", "01:59"),
	    "2027-03-28T00:59:00Z");
	assert_string_equal(wall("Europe/Brussels", "2027-03-28", "03:00"),
	    "2027-03-28T01:00:00Z");
	assert_string_equal(wall("America/New_York", "2027-03-14", "02:30"),
	    "2027-03-14T07:30:00Z");
	assert_string_equal(wall("Australia/Sydney", "2027-10-03", "02:30"),
	    "2027-10-02T16:30:00Z");
	/* Past the table, the footer's gap reads the same way. */
	assert_string_equal(wall("Europe/Brussels", "2100-03-28", "02:30"),
	    "2100-03-28T01:30:00Z");
}

static void
test_fold_reads_first_occurrence(void **state)
{
	/*
	 * 02:30 on 2027-10-31 happens twice in Brussels: the first, at
	 * +02:00, is 00:30Z. (libical 3.0.16 answers 01:30Z, the second.)
	 */
	assert_string_equal(wall("Europe/Brussels", "2027-10-31", "02:30"),
	    "2027-10-31T00:30:00Z");
	assert_string_equal(wall("Europe/Brussels", "2027-10-31", "02:00"),
	    "2027-10-31T00:00:00Z");
	assert_string_equal(wall("Europe/Brussels", "2027-10-31", "03:00"),
	    "2027-10-31T02:00:00Z");
	assert_string_equal(wall("America/New_York", "2027-11-07", "01:30"),
	    "2027-11-07T05:30:00Z");
	assert_string_equal(wall("America/New_York", "2027-11-07", "02:00"),
	    "2027-11-07T07:00:00Z");
	assert_string_equal(wall("Australia/Sydney", "2027-04-04", "02:30"),
	    "2027-04-03T15:30:00Z");
	assert_string_equal(wall("America/New_York", "2100-11-07", "01:30"),
	    "2100-11-07T05:30:00Z");
}

static void
test_midnight_transitions(void **state)
{
	/* Santiago springs from Saturday 24:00 to Sunday 01:00. */
	assert_string_equal(wall("America/Santiago", "2027-09-05", "00:00"),
	    "2027-09-05T04:00:00Z");
	assert_string_equal(wall("America/Santiago", "2027-09-04", "24:00"),
	    "2027-09-05T04:00:00Z");
	assert_string_equal(wall("America/Santiago", "2027-09-05", "00:30"),
	    "2027-09-05T04:30:00Z");
	assert_string_equal(wall("America/Santiago", "2027-09-05", "01:00"),
	    "2027-09-05T04:00:00Z");
	/* ... and falls back from Saturday 24:00 to Saturday 23:00. */
	assert_string_equal(wall("America/Santiago", "2027-04-03", "23:30"),
	    "2027-04-04T02:30:00Z");
	assert_string_equal(wall("America/Santiago", "2027-04-03", "24:00"),
	    "2027-04-04T04:00:00Z");
	/* Havana springs from 00:00 to 01:00 and falls from 01:00 to 00:00. */
	assert_string_equal(wall("America/Havana", "2027-03-14", "00:30"),
	    "2027-03-14T05:30:00Z");
	assert_string_equal(wall("America/Havana", "2027-03-13", "24:00"),
	    "2027-03-14T05:00:00Z");
	assert_string_equal(wall("America/Havana", "2027-11-07", "00:30"),
	    "2027-11-07T04:30:00Z");
	/* Beirut falls from Sunday 00:00 back to Saturday 23:00. */
	assert_string_equal(wall("Asia/Beirut", "2027-10-30", "23:30"),
	    "2027-10-30T20:30:00Z");
	assert_string_equal(wall("Asia/Beirut", "2027-10-31", "00:00"),
	    "2027-10-30T22:00:00Z");
	assert_string_equal(wall("Asia/Beirut", "2027-03-28", "00:30"),
	    "2027-03-27T22:30:00Z");
}

static void
test_lord_howe_half_hour_gap_and_fold(void **state)
{
	assert_string_equal(wall("Australia/Lord_Howe", "2027-10-03",
	    "02:15"), "2027-10-02T15:45:00Z");
	assert_string_equal(wall("Australia/Lord_Howe", "2027-10-03",
	    "02:30"), "2027-10-02T15:30:00Z");
	assert_string_equal(wall("Australia/Lord_Howe", "2027-04-04",
	    "01:45"), "2027-04-03T14:45:00Z");
	assert_string_equal(wall("Australia/Lord_Howe", "2027-04-04",
	    "02:00"), "2027-04-03T15:30:00Z");
}

/*
 * The definition, checked on every transition day: the answer is the
 * earliest instant whose wall clock shows the time; when none does, the
 * time read with the offset of the last minute before the jump.
 */
static void
test_local_to_instant_matches_definition(void **state)
{
	static const char	*names[] = { "Europe/Brussels",
	    "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
	    "America/Santiago", "America/Havana", "Asia/Beirut",
	    "Pacific/Chatham", "Europe/Dublin", "Asia/Kolkata" };
	size_t			 i;
	int			 y, day, m, k, ndays = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct zone	*z = zone(names[i]);

		for (y = 2026; y <= 2045; y += 19) {
			int32_t	d0 = date_from_ymd(y, 1, 1);

			for (day = 0; day < 366; day++) {
				int64_t	noon = (int64_t)(d0 + day) * 86400;
				int32_t	o[2];

				/* The two offsets of a transition day. */
				o[0] = tz_offset_at(z, noon - 86400);
				o[1] = tz_offset_at(z, noon + 86400);
				if (o[0] == o[1])
					continue;
				ndays++;
				for (m = 0; m <= 1440; m += 15) {
					int64_t	l, u, want = INT64_MAX, got;

					l = (int64_t)(d0 + day) * 86400 +
					    m * 60;
					for (k = 0; k < 2; k++) {
						u = l - o[k];
						if (u + tz_offset_at(z, u) == l &&
						    u < want)
							want = u;
					}
					if (want == INT64_MAX) {
						for (u = l - 16 * H;
						    u + 60 + tz_offset_at(z,
						    u + 60) < l; u += 60)
							;
						want = l - tz_offset_at(z, u);
					}
					got = tz_local_to_instant(z, d0 + day,
					    m);
					if (got != want)
						fail_msg("%s day %d of %d "
						    "minute %d: %s, want %s",
						    names[i], day, y, m,
						    utc(got), utc(want));
				}
			}
		}
	}
	/* Kolkata has none; the others two a year (Chatham's at 02:45). */
	assert_true(ndays >= 9 * 2 * 2);
}

/*
 * 00:00 of a date read by these rules is the first instant that shows the
 * date, also where the clocks change at midnight: so a day's instants are
 * [date 00:00, date + 1 00:00), which the slot listing relies on.
 */
static void
test_midnight_is_the_first_instant_of_a_date(void **state)
{
	static const char	*names[] = { "America/Santiago",
	    "America/Havana", "Asia/Beirut", "America/Asuncion",
	    "Europe/Brussels", "Australia/Lord_Howe", "Asia/Tehran" };
	size_t			 i;
	int32_t			 d, date, sec, n = 0;
	int64_t			 t;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct zone	*z = zone(names[i]);

		for (d = date_from_ymd(2000, 1, 1);
		    d < date_from_ymd(2050, 1, 1); d++) {
			if (tz_offset_at(z, (int64_t)d * 86400) ==
			    tz_offset_at(z, (int64_t)(d + 1) * 86400))
				continue;
			n++;
			t = tz_local_to_instant(z, d, 0);
			tz_instant_to_local(z, t, &date, &sec);
			assert_int_equal(date, d);
			tz_instant_to_local(z, t - 1, &date, &sec);
			assert_int_equal(date, d - 1);
			/* Every minute of the day shows the date. */
			for (t = tz_local_to_instant(z, d, 0);
			    t < tz_local_to_instant(z, d + 1, 0); t += 60) {
				tz_instant_to_local(z, t, &date, &sec);
				assert_int_equal(date, d);
			}
		}
	}
	assert_true(n > 400);
}

static void
test_instant_to_local(void **state)
{
	int32_t	date, sec;
	char	buf[11];

	tz_instant_to_local(zone("Europe/Brussels"),
	    at("2027-10-31T00:30:00Z"), &date, &sec);
	date_format(date, buf);
	assert_string_equal(buf, "2027-10-31");
	assert_int_equal(sec, 2 * H + 1800);
	tz_instant_to_local(zone("America/New_York"),
	    at("2027-03-14T04:59:59Z"), &date, &sec);
	date_format(date, buf);
	assert_string_equal(buf, "2027-03-13");
	assert_int_equal(sec, 86399);
	tz_instant_to_local(zone("UTC"), at("1969-12-31T23:00:00Z"), &date,
	    &sec);
	assert_int_equal(date, -1);
	assert_int_equal(sec, 23 * H);
}

/* RFC 3339. */

static void
test_rfc3339_parse_accepts(void **state)
{
	assert_string_equal(utc(at("2027-03-29T09:00:00+02:00")),
	    "2027-03-29T07:00:00Z");
	assert_string_equal(utc(at("2027-03-29T07:00:00Z")),
	    "2027-03-29T07:00:00Z");
	assert_string_equal(utc(at("2027-03-29t07:00:00z")),
	    "2027-03-29T07:00:00Z");
	assert_string_equal(utc(at("2027-03-29T03:30:00-03:30")),
	    "2027-03-29T07:00:00Z");
	assert_string_equal(utc(at("2027-03-29T07:00:00.999999Z")),
	    "2027-03-29T07:00:00Z");
	assert_string_equal(utc(at("2027-01-01T00:30:00+01:00")),
	    "2026-12-31T23:30:00Z");
	assert_string_equal(utc(at("2028-02-29T12:00:00-00:00")),
	    "2028-02-29T12:00:00Z");
	assert_int_equal(at("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(at("2000-03-01T00:00:00Z"), 951868800);
}

static void
test_rfc3339_parse_rejects(void **state)
{
	static const char	*bad[] = {
		"2027-03-29T09:00:00",		/* no offset: floating */
		"2027-02-30T09:00:00Z",
		"2027-02-29T09:00:00Z",
		"2100-02-29T09:00:00Z",
		"2027-13-01T09:00:00Z",
		"2027-00-01T09:00:00Z",
		"2027-03-29T24:00:00Z",
		"2027-03-29T23:60:00Z",
		"2027-03-29T23:59:60Z",
		"2027-03-29T09:00Z",
		"2027-03-29 09:00:00Z",
		"2027-03-29T09:00:00+2:00",
		"2027-03-29T09:00:00+0200",
		"2027-03-29T09:00:00+24:00",
		"2027-03-29T09:00:00+02:60",
		"2027-03-29T09:00:00.Z",
		"2027-03-29T09:00:00Zjunk",
		"2027-03-29T09:00:00+02:00 ",
		"27-03-29T09:00:00Z",
		"2027-3-29T09:00:00Z",
		"+2027-03-29T09:00:00Z",
		"garbage",
		"",
	};
	size_t			 i;
	int64_t			 t;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rfc3339_parse(bad[i], &t) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(rfc3339_parse(NULL, &t), -1);
}

static void
test_rfc3339_format(void **state)
{
	char	buf[RFC3339_LEN];
	int64_t	t = at("2027-03-29T07:00:00Z");

	rfc3339_format(t, 2 * H, buf);
	assert_string_equal(buf, "2027-03-29T09:00:00+02:00");
	rfc3339_format(t, 0, buf);
	assert_string_equal(buf, "2027-03-29T07:00:00+00:00");
	rfc3339_format(t, -(3 * H + 1800), buf);
	assert_string_equal(buf, "2027-03-29T03:30:00-03:30");
	rfc3339_format(at("2027-01-01T00:30:00Z"), -H, buf);
	assert_string_equal(buf, "2026-12-31T23:30:00-01:00");
	rfc3339_format_tz(t, zone("America/New_York"), buf);
	assert_string_equal(buf, "2027-03-29T03:00:00-04:00");
	rfc3339_format_tz(at("2027-10-31T00:30:00Z"), zone("Europe/Brussels"),
	    buf);
	assert_string_equal(buf, "2027-10-31T02:30:00+02:00");
	rfc3339_format_tz(at("2027-10-31T01:30:00Z"), zone("Europe/Brussels"),
	    buf);
	assert_string_equal(buf, "2027-10-31T02:30:00+01:00");
	/* An offset with seconds (LMT) keeps the instant, drops the seconds. */
	rfc3339_format(0, 1050, buf);
	assert_string_equal(buf, "1970-01-01T00:17:00+00:17");
	assert_int_equal(at(buf), 0);
}

/* Dates and times of day. */

static void
test_date_parse(void **state)
{
	int32_t	d;

	assert_int_equal(date_parse("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(date_parse("2027-03-28", &d), 0);
	assert_int_equal(d, date_from_ymd(2027, 3, 28));
	assert_int_equal(date_weekday(d), 6);		/* a Sunday */
	assert_int_equal(date_weekday(0), 3);		/* a Thursday */
	assert_int_equal(date_parse("2024-02-29", &d), 0);
	assert_int_equal(date_parse("2000-02-29", &d), 0);
	assert_int_equal(date_parse("2023-02-29", &d), -1);
	assert_int_equal(date_parse("1900-02-29", &d), -1);
	assert_int_equal(date_parse("2027-04-31", &d), -1);
	assert_int_equal(date_parse("2027-13-01", &d), -1);
	assert_int_equal(date_parse("2027-00-10", &d), -1);
	assert_int_equal(date_parse("2027-01-00", &d), -1);
	assert_int_equal(date_parse("0000-01-01", &d), -1);
	assert_int_equal(date_parse("2027-3-28", &d), -1);
	assert_int_equal(date_parse("2027-03-28x", &d), -1);
	assert_int_equal(date_parse("2027/03/28", &d), -1);
	assert_int_equal(date_parse(" 2027-03-28", &d), -1);
	assert_int_equal(date_parse("", &d), -1);
}

static void
test_dates_round_trip(void **state)
{
	int32_t	d, d0 = date_from_ymd(1600, 1, 1);
	int	y, m, dd, py = 1599, pm = 12, pd = 31;
	char	buf[11];

	/* Every date from 1600 to 2400 follows the one before. */
	for (d = d0; d < date_from_ymd(2400, 12, 31); d++) {
		date_to_ymd(d, &y, &m, &dd);
		if (dd == 1)
			assert_true((m == pm + 1 && y == py) ||
			    (m == 1 && pm == 12 && y == py + 1));
		else
			assert_true(y == py && m == pm && dd == pd + 1);
		assert_int_equal(date_from_ymd(y, m, dd), d);
		assert_int_equal(date_weekday(d), (date_weekday(d0) +
		    (d - d0)) % 7);
		py = y;
		pm = m;
		pd = dd;
	}
	date_format(date_from_ymd(2027, 3, 8), buf);
	assert_string_equal(buf, "2027-03-08");
	date_format(-1, buf);
	assert_string_equal(buf, "1969-12-31");
}

static void
test_hhmm(void **state)
{
	int	m = -1;
	char	buf[6];

	assert_int_equal(hhmm_parse("00:00", 0, &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(hhmm_parse("23:59", 0, &m), 0);
	assert_int_equal(m, 1439);
	assert_int_equal(hhmm_parse("09:30", 1, &m), 0);
	assert_int_equal(m, 570);
	assert_int_equal(hhmm_parse("24:00", 1, &m), 0);
	assert_int_equal(m, 1440);
	assert_int_equal(hhmm_parse("24:00", 0, &m), -1);
	assert_int_equal(hhmm_parse("24:01", 1, &m), -1);
	assert_int_equal(hhmm_parse("25:00", 1, &m), -1);
	assert_int_equal(hhmm_parse("09:60", 1, &m), -1);
	assert_int_equal(hhmm_parse("9:00", 1, &m), -1);
	assert_int_equal(hhmm_parse("0900", 1, &m), -1);
	assert_int_equal(hhmm_parse("09:00 ", 1, &m), -1);
	assert_int_equal(hhmm_parse("09:0a", 1, &m), -1);
	assert_int_equal(hhmm_parse("-1:00", 1, &m), -1);
	assert_int_equal(hhmm_parse("", 1, &m), -1);
	hhmm_format(570, buf);
	assert_string_equal(buf, "09:30");
	hhmm_format(1440, buf);
	assert_string_equal(buf, "24:00");
	hhmm_format(0, buf);
	assert_string_equal(buf, "00:00");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_known_names_resolve),
		cmocka_unit_test(test_unknown_names_are_null),
		cmocka_unit_test(test_init_fails_on_a_missing_directory),
		cmocka_unit_test(test_brussels_offsets),
		cmocka_unit_test(test_new_york_offsets),
		cmocka_unit_test(test_sydney_offsets),
		cmocka_unit_test(test_lord_howe_half_hour_dst),
		cmocka_unit_test(test_midnight_changes_offsets),
		cmocka_unit_test(test_every_zone_agrees_with_glibc),
		cmocka_unit_test(test_gap_reads_offset_before),
		cmocka_unit_test(test_fold_reads_first_occurrence),
		cmocka_unit_test(test_midnight_transitions),
		cmocka_unit_test(test_lord_howe_half_hour_gap_and_fold),
		cmocka_unit_test(test_local_to_instant_matches_definition),
		cmocka_unit_test(test_midnight_is_the_first_instant_of_a_date),
		cmocka_unit_test(test_instant_to_local),
		cmocka_unit_test(test_rfc3339_parse_accepts),
		cmocka_unit_test(test_rfc3339_parse_rejects),
		cmocka_unit_test(test_rfc3339_format),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_dates_round_trip),
		cmocka_unit_test(test_hhmm),
	};

	if (getenv("UNIT_FILTER") != NULL)
		cmocka_set_test_filter(getenv("UNIT_FILTER"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
