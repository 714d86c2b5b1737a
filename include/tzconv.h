/*
 * tzconv.h: IANA time zones, wall-clock time <-> instants, RFC 3339.
 *
 * Zones are read from the system's TZif files (/usr/share/zoneinfo) once,
 * on the main thread, by tz_init(); afterwards every function here is pure
 * and safe to call from any thread. Conversions from wall-clock time follow
 * RFC 5545 section 3.3.5: a time in a spring-forward gap is read with the UTC
 * offset in force before the gap, a time in a fall-back fold is the first of
 * the two instants.
 */
#ifndef CRENEAU_TZCONV_H
#define CRENEAU_TZCONV_H

#include <stddef.h>
#include <stdint.h>

struct zone;				/* opaque, immutable after tz_init() */

/*
 * Loads every zone named in dir/tzdata.zi (Zone and Link lines) from its
 * TZif file under dir (NULL: /usr/share/zoneinfo). Call once, before any
 * thread starts. Returns 0, or -1 and logs why.
 */
int		 tz_init(const char *dir);
void		 tz_shutdown(void);

/* The zone called name (an IANA name such as "Europe/Brussels"), or NULL. */
const struct zone *tz_get(const char *name);
const char	*tz_name(const struct zone *);

/* UTC offset, in seconds east of Greenwich, in force at instant t. */
int32_t		 tz_offset_at(const struct zone *, int64_t t);

/*
 * The instant that wall-clock time (date, minute) means in zone z, with the
 * RFC 5545 gap and fold rules. minute is 0..1440; 1440 is 00:00 of date + 1.
 */
int64_t		 tz_local_to_instant(const struct zone *, int32_t date,
		    int minute);

/* The local date and second of the day (0..86399) of instant t in z. */
void		 tz_instant_to_local(const struct zone *, int64_t t,
		    int32_t *date, int32_t *second);

/* Calendar arithmetic on days since 1970-01-01 (proleptic Gregorian). */
int32_t		 date_from_ymd(int y, int m, int d);
void		 date_to_ymd(int32_t date, int *y, int *m, int *d);
int		 date_weekday(int32_t date);	/* 0 = Monday .. 6 = Sunday */

/* "YYYY-MM-DD" -> *date. Returns 0, or -1 when malformed or invalid. */
int		 date_parse(const char *s, int32_t *date);
/* Writes "YYYY-MM-DD" and a NUL into buf (11 bytes). */
void		 date_format(int32_t date, char buf[11]);

/*
 * "HH:MM" (00:00..23:59, and "24:00" when allow_24 is set) -> minutes.
 * Returns 0, or -1 when malformed.
 */
int		 hhmm_parse(const char *s, int allow_24, int *minute);
/* Writes "HH:MM" and a NUL into buf (6 bytes). */
void		 hhmm_format(int minute, char buf[6]);

/*
 * RFC 3339 date-time with a mandatory offset ("Z" or +hh:mm / -hh:mm),
 * optional fractional seconds (dropped). Returns 0, or -1 when malformed,
 * out of range, or without an offset.
 */
int		 rfc3339_parse(const char *s, int64_t *t);
/* The same; *frac says whether a non-zero fraction of a second was dropped. */
int		 rfc3339_parse_frac(const char *s, int64_t *t, int *frac);
/*
 * Writes t as seen at UTC offset `offset` seconds: "2027-03-29T09:00:00+02:00"
 * ("Z" is never used, "+00:00" is). buf has at least RFC3339_LEN bytes.
 */
#define RFC3339_LEN	32
void		 rfc3339_format(int64_t t, int32_t offset, char *buf);
/* The same, at the offset zone z has at t. */
void		 rfc3339_format_tz(int64_t t, const struct zone *z, char *buf);

#endif
