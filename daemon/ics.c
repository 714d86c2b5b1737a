/*
 * ics.c: the calendar files (SEMANTICS.md section 4), and the only file that
 * includes libical.
 *
 * The text is written here rather than by icalcomponent_as_ical_string_r(),
 * because libical 3.0.16 folds by characters, not octets (so its lines go
 * past 75 octets with accented text or emoji), does not escape "^" in
 * parameter values (RFC 6868), drops a lone CR, and writes mailto: and URI
 * values as given, so a CR LF in an e-mail would start a new property.
 * libical is used afterwards to parse every file back: a file that libical
 * reads with an error, or with another count of components or properties
 * than we wrote, is never handed out.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "ics.h"
#include "log.h"
#include "model.h"

#ifndef CRENEAU_VERSION
#define CRENEAU_VERSION	"0"
#endif

#define ICS_PRODID	"-//creneau//creneau " CRENEAU_VERSION "//EN"
#define ICS_LINE_MAX	75	/* octets per physical line, CRLF excluded */
#define ICS_URI_MAX	2048
#define ICS_EMAIL_MAX	254
#define ICS_HOST_MAX	253
#define ICS_REFRESH	"PT1H"

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: what DATE-TIME can hold. */
#define ICS_TIME_MIN	INT64_C(-62135596800)
#define ICS_TIME_MAX	INT64_C(253402300799)

/* U+FFFD, written for invalid UTF-8 and for control characters. */
#define REPLACEMENT	"\xef\xbf\xbd"

enum esc {
	ESC_NONE,	/* our own ASCII/UTF-8 literals, checked values */
	ESC_TEXT,	/* RFC 5545 3.3.11 TEXT */
	ESC_PARAM	/* RFC 6868 inside a quoted parameter value */
};

/*
 * The output being built. col counts the octets on the current physical
 * line so that folding happens as atoms are added; an atom (one UTF-8
 * character, one escape pair, one percent triplet) is never split.
 */
struct ics_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 col;
	int	 err;
	size_t	 ncomps;	/* BEGIN lines written */
	size_t	 nprops;	/* property lines written */
	size_t	 nevents;	/* VEVENTs written */
};

/* The few words of the DESCRIPTION and SUMMARY, per locale. */
struct ics_words {
	const char	*locale;
	const char	*with;
	const char	*room;
	const char	*manage;
	const char	*cancelled;
	const char	*reason;
	const char	*participants;
	const char	*note;
};

static const struct ics_words words[] = {
	{ "en", "with", "Video room", "Manage or cancel your booking",
	    "Cancelled", "Reason", "Participants", "Note" },
	{ "fr", "avec", "Salle vid\xc3\xa9o",
	    "G\xc3\xa9rer ou annuler votre r\xc3\xa9servation",
	    "Annul\xc3\xa9", "Motif", "Participants", "Note" },
	{ "nl", "met", "Videoruimte", "Uw afspraak beheren of annuleren",
	    "Geannuleerd", "Reden", "Deelnemers", "Opmerking" },
};

static const struct ics_words *
words_for(const char *locale)
{
	size_t	i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strncmp(locale, words[i].locale, LOCALE_MAX) == 0)
			return &words[i];
	return &words[0];
}

static void
buf_raw(struct ics_buf *b, const char *s, size_t n)
{
	char	*np;
	size_t	 ncap;

	if (b->err)
		return;
	if (b->cap - b->len < n + 1) {
		ncap = b->cap ? b->cap : 1024;
		while (ncap - b->len < n + 1) {
			if (ncap > SIZE_MAX / 2) {
				b->err = 1;
				return;
			}
			ncap *= 2;
		}
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->err = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Adds one atom, folding first when it would not fit on this line. */
static void
buf_atom(struct ics_buf *b, const char *s, size_t n)
{
	if (b->col + n > ICS_LINE_MAX) {
		buf_raw(b, "\r\n ", 3);
		b->col = 1;
	}
	buf_raw(b, s, n);
	b->col += n;
}

static void
buf_eol(struct ics_buf *b)
{
	buf_raw(b, "\r\n", 2);
	b->col = 0;
}

/*
 * Decodes one UTF-8 character from s (n > 0 octets left). Returns the code
 * point and its length in *lenp, or -1 with *lenp = 1 for an invalid
 * sequence (overlong forms, surrogates and values past U+10FFFF included).
 */
static int32_t
utf8_next(const unsigned char *s, size_t n, size_t *lenp)
{
	int32_t	 cp, min;
	size_t	 len, i;

	*lenp = 1;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return -1;
	if (n < len)
		return -1;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*lenp = len;
	return cp;
}

/*
 * Writes s with the escaping of mode, one atom at a time. CR LF, a lone CR
 * and LF all become one line break (\n in TEXT, ^n in a parameter), so text
 * typed by a client can never end the line. Other control characters and
 * invalid UTF-8 become U+FFFD: RFC 5545 allows neither.
 */
/* A byte that stands for itself in a value of this mode. */
static int
plain_ascii(unsigned char c, enum esc mode)
{
	if (c < 0x20 || c >= 0x7f)
		return 0;
	if (mode == ESC_TEXT)
		return c != '\\' && c != ';' && c != ',';
	if (mode == ESC_PARAM)
		return c != '^' && c != '"';
	return 1;
}

static void
buf_str(struct ics_buf *b, const char *str, enum esc mode)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n, len;
	int32_t			 cp;
	char			 e[2] = { '\\', '\0' };

	n = strlen(str);
	while (n > 0) {
		/* A run of plain ASCII goes in whole, cut only to fold. */
		for (len = 0; len < n && plain_ascii(s[len], mode); len++)
			;
		if (len > 0) {
			if (b->col >= ICS_LINE_MAX) {
				buf_raw(b, "\r\n ", 3);
				b->col = 1;
			}
			if (len > ICS_LINE_MAX - b->col)
				len = ICS_LINE_MAX - b->col;
			buf_raw(b, (const char *)s, len);
			b->col += len;
			s += len;
			n -= len;
			continue;
		}
		cp = utf8_next(s, n, &len);
		if (cp == '\r' || cp == '\n') {
			if (cp == '\r' && n > 1 && s[1] == '\n')
				len = 2;
			if (mode == ESC_PARAM)
				buf_atom(b, "^n", 2);
			else
				buf_atom(b, "\\n", 2);
		} else if (cp < 0 || (cp < 0x20 && cp != '\t') || cp == 0x7f)
			buf_atom(b, REPLACEMENT, 3);
		else if (mode == ESC_TEXT &&
		    (cp == '\\' || cp == ';' || cp == ',')) {
			e[1] = (char)cp;
			buf_atom(b, e, 2);
		} else if (mode == ESC_PARAM && cp == '^')
			buf_atom(b, "^^", 2);
		else if (mode == ESC_PARAM && cp == '"')
			buf_atom(b, "^'", 2);
		else
			buf_atom(b, (const char *)s, len);
		s += len;
		n -= len;
	}
}

static void
comp_begin(struct ics_buf *b, const char *name)
{
	buf_raw(b, "BEGIN:", 6);
	buf_raw(b, name, strlen(name));
	buf_eol(b);
	b->ncomps++;
}

static void
comp_end(struct ics_buf *b, const char *name)
{
	buf_raw(b, "END:", 4);
	buf_raw(b, name, strlen(name));
	buf_eol(b);
}

/* Starts a property line: its name, then parameters, then prop_value(). */
static void
prop_begin(struct ics_buf *b, const char *name)
{
	buf_str(b, name, ESC_NONE);
	b->nprops++;
}

/* A parameter whose value is ours, e.g. "PARTSTAT=ACCEPTED". */
static void
param_raw(struct ics_buf *b, const char *nameval)
{
	buf_atom(b, ";", 1);
	buf_str(b, nameval, ESC_NONE);
}

/* A parameter whose value may hold anything: always quoted, RFC 6868. */
static void
param_quoted(struct ics_buf *b, const char *name, const char *val)
{
	buf_atom(b, ";", 1);
	buf_str(b, name, ESC_NONE);
	buf_atom(b, "=\"", 2);
	buf_str(b, val, ESC_PARAM);
	buf_atom(b, "\"", 1);
}

static void
prop_colon(struct ics_buf *b)
{
	buf_atom(b, ":", 1);
}

static void
prop_raw(struct ics_buf *b, const char *name, const char *val)
{
	prop_begin(b, name);
	prop_colon(b);
	buf_str(b, val, ESC_NONE);
	buf_eol(b);
}

static void
prop_text(struct ics_buf *b, const char *name, const char *val)
{
	prop_begin(b, name);
	prop_colon(b);
	buf_str(b, val, ESC_TEXT);
	buf_eol(b);
}

/* Formats t as a UTC DATE-TIME ("20270329T070000Z"); -1 if out of range. */
static int
fmt_time(int64_t t, char out[17])
{
	struct tm	 tm;
	time_t		 tt;

	if (t < ICS_TIME_MIN || t > ICS_TIME_MAX)
		return -1;
	tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL)
		return -1;
	if (snprintf(out, 17, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec) != 16)
		return -1;
	return 0;
}

static int
prop_time(struct ics_buf *b, const char *name, int64_t t)
{
	char	 s[17];

	if (fmt_time(t, s) == -1) {
		log_warnx("ics: %s %" PRId64 " out of range", name, t);
		return -1;
	}
	prop_raw(b, name, s);
	return 0;
}

/* A fixed array must hold a NUL and only [a-z0-9-]: ids and UUIDs. */
static int
check_id(const char *id, size_t size)
{
	size_t	 i, n;

	n = strnlen(id, size);
	if (n == 0 || n == size)
		return -1;
	for (i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
			return -1;
	return 0;
}

/* A host name or address literal, optionally with a port. */
static int
check_host(const char *h)
{
	size_t	 i, n;

	if (h == NULL)
		return -1;
	n = strlen(h);
	if (n == 0 || n > ICS_HOST_MAX)
		return -1;
	for (i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		    (h[i] >= 'A' && h[i] <= 'Z') ||
		    (h[i] >= '0' && h[i] <= '9') ||
		    strchr(".-_:[]", h[i]) != NULL))
			return -1;
	return 0;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/*
 * A URI value is written as it is (RFC 5545 has no escaping for it), so it
 * must hold only the characters of RFC 3986: nothing that could end the
 * line, open a quoted string or be read as another encoding. Only http and
 * https, the only schemes a video room or a page has.
 */
static int
check_uri(const char *u)
{
	size_t	 i, n;

	if (u == NULL)
		return -1;
	n = strlen(u);
	if (n == 0 || n > ICS_URI_MAX)
		return -1;
	if (strncasecmp(u, "https://", 8) != 0 &&
	    strncasecmp(u, "http://", 7) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (u[i] == '%') {
			if (i + 2 >= n || !is_hex(u[i + 1]) ||
			    !is_hex(u[i + 2]))
				return -1;
			continue;
		}
		if (!((u[i] >= 'a' && u[i] <= 'z') ||
		    (u[i] >= 'A' && u[i] <= 'Z') ||
		    (u[i] >= '0' && u[i] <= '9') ||
		    strchr("-._~:/?#[]@!$&'()*+,;=", u[i]) != NULL))
			return -1;
	}
	return 0;
}

/* Writes a checked URI value, one atom per character or triplet. */
static void
buf_uri(struct ics_buf *b, const char *u)
{
	size_t	 n;

	while (*u != '\0') {
		n = *u == '%' ? 3 : 1;
		buf_atom(b, u, n);
		u += n;
	}
}

/*
 * Writes "mailto:" and the address, percent-encoding (RFC 6068) every octet
 * but letters, digits, "@" and the few others that need no encoding in an
 * address: non-ASCII domains and local parts become %XX of their UTF-8, and
 * "%", "?", "#", "&", "=", "/" cannot start URI parts. The API has checked
 * the address already; here we only refuse what no address may hold
 * (controls, spaces, not exactly one "@").
 */
static int
buf_mailto(struct ics_buf *b, const char *email)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*s;
	size_t			 n, at = 0;
	char			 t[3];

	if (email == NULL)
		return -1;
	n = strlen(email);
	if (n == 0 || n > ICS_EMAIL_MAX)
		return -1;
	for (s = (const unsigned char *)email; *s != '\0'; s++) {
		if (*s <= 0x20 || *s == 0x7f)
			return -1;
		if (*s == '@')
			at++;
	}
	if (at != 1 || email[0] == '@' || email[n - 1] == '@')
		return -1;
	buf_str(b, "mailto:", ESC_NONE);
	for (s = (const unsigned char *)email; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') ||
		    strchr("@-._~!$'*+", *s) != NULL) {
			buf_atom(b, (const char *)s, 1);
			continue;
		}
		t[0] = '%';
		t[1] = hex[*s >> 4];
		t[2] = hex[*s & 0x0f];
		buf_atom(b, t, 3);
	}
	return 0;
}

/* ORGANIZER or ATTENDEE: the CN quoted, then the mailto: address. */
static int
prop_person(struct ics_buf *b, const char *name, const char *cn,
    const char *email, bool attendee)
{
	prop_begin(b, name);
	param_quoted(b, "CN", cn);
	if (attendee) {
		param_raw(b, "ROLE=REQ-PARTICIPANT");
		param_raw(b, "PARTSTAT=ACCEPTED");
		param_raw(b, "RSVP=FALSE");
	}
	prop_colon(b);
	if (buf_mailto(b, email) == -1) {
		log_warnx("ics: %s e-mail cannot be written", name);
		return -1;
	}
	buf_eol(b);
	return 0;
}

/* LOCATION, URL and CONFERENCE for a room URL already checked. */
static void
props_room(struct ics_buf *b, const char *room, const struct ics_words *w)
{
	prop_text(b, "LOCATION", room);
	prop_begin(b, "URL");
	prop_colon(b);
	buf_uri(b, room);
	buf_eol(b);
	prop_begin(b, "CONFERENCE");
	param_raw(b, "VALUE=URI");
	param_raw(b, "FEATURE=VIDEO");
	param_quoted(b, "LABEL", w->room);
	prop_colon(b);
	buf_uri(b, room);
	buf_eol(b);
}

static void
calendar_begin(struct ics_buf *b)
{
	comp_begin(b, "VCALENDAR");
	prop_raw(b, "VERSION", "2.0");
	prop_text(b, "PRODID", ICS_PRODID);
	prop_raw(b, "CALSCALE", "GREGORIAN");
}

static size_t
count_props(icalcomponent *c, size_t *ncomps, size_t *nevents)
{
	icalcomponent	*sub;
	size_t		 n;

	(*ncomps)++;
	if (icalcomponent_isa(c) == ICAL_VEVENT_COMPONENT)
		(*nevents)++;
	n = (size_t)icalcomponent_count_properties(c, ICAL_ANY_PROPERTY);
	for (sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
	    sub != NULL;
	    sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		n += count_props(sub, ncomps, nevents);
	return n;
}

/*
 * Parses the finished text with libical and compares what it read with what
 * we meant to write: no X-LIC-ERROR, the same number of components, VEVENTs
 * and properties. Anything that slipped through the escaping would show
 * here as an extra line or a broken one.
 */
static int
selfcheck(const struct ics_buf *b)
{
	icalcomponent	*c;
	size_t		 nprops, ncomps = 0, nevents = 0;
	int		 rv = -1;

	if ((c = icalparser_parse_string(b->p)) == NULL) {
		log_warnx("ics: libical cannot parse our calendar");
		return -1;
	}
	if (icalcomponent_isa(c) != ICAL_VCALENDAR_COMPONENT) {
		log_warnx("ics: libical reads no single VCALENDAR");
		goto done;
	}
	if (icalcomponent_count_errors(c) != 0) {
		log_warnx("ics: libical reports %d errors",
		    icalcomponent_count_errors(c));
		goto done;
	}
	nprops = count_props(c, &ncomps, &nevents);
	if (nprops != b->nprops || ncomps != b->ncomps ||
	    nevents != b->nevents) {
		log_warnx("ics: libical reads %zu properties, %zu components, "
		    "%zu events; we wrote %zu, %zu, %zu", nprops, ncomps,
		    nevents, b->nprops, b->ncomps, b->nevents);
		goto done;
	}
	rv = 0;
 done:
	icalcomponent_free(c);
	return rv;
}

/*
 * Hands the text over after the self-check, or frees it. The feed skips the
 * check: it is written on every request and reading 2,000 sessions back
 * would cost more than writing them; its escaping is the invite's, which
 * is checked, and the unit tests read both back.
 */
static char *
finish(struct ics_buf *b, size_t *lenp, bool check)
{
	if (b->err) {
		log_warnx("ics: out of memory");
		goto fail;
	}
	if (check && selfcheck(b) == -1)
		goto fail;
	if (lenp != NULL)
		*lenp = b->len;
	return b->p;
 fail:
	free(b->p);
	return NULL;
}

/* Writes "\n\n" between the sections of a DESCRIPTION. */
static void
desc_section(struct ics_buf *b, bool *first)
{
	if (!*first)
		buf_str(b, "\n\n", ESC_TEXT);
	*first = false;
}

static void
desc_label(struct ics_buf *b, const char *label, const char *val)
{
	buf_str(b, label, ESC_TEXT);
	buf_str(b, ": ", ESC_TEXT);
	buf_str(b, val, ESC_TEXT);
}

static void
invite_description(struct ics_buf *b, const struct ics_invite *in,
    const char *room, const struct ics_words *w)
{
	const struct booking	*bk = in->booking;
	const char		*sdesc = in->service->description;
	bool			 cancelled, first = true;

	cancelled = bk->status == BOOKING_CANCELLED;
	if (!cancelled && room == NULL && in->manage_url == NULL &&
	    (sdesc == NULL || *sdesc == '\0'))
		return;
	prop_begin(b, "DESCRIPTION");
	prop_colon(b);
	if (cancelled) {
		desc_section(b, &first);
		buf_str(b, w->cancelled, ESC_TEXT);
		if (bk->cancel_reason != NULL && *bk->cancel_reason != '\0') {
			buf_str(b, "\n", ESC_TEXT);
			desc_label(b, w->reason, bk->cancel_reason);
		}
	}
	if (room != NULL) {
		desc_section(b, &first);
		desc_label(b, w->room, room);
	}
	if (in->manage_url != NULL) {
		desc_section(b, &first);
		desc_label(b, w->manage, in->manage_url);
	}
	if (sdesc != NULL && *sdesc != '\0') {
		desc_section(b, &first);
		buf_str(b, sdesc, ESC_TEXT);
	}
	buf_eol(b);
}

char *
ics_invite_new(const struct ics_invite *in, size_t *lenp)
{
	struct ics_buf		 b;
	const struct booking	*bk;
	const struct ics_words	*w;
	const char		*room;
	char			 seq[16];
	bool			 cancelled;

	memset(&b, 0, sizeof(b));
	if (in == NULL || in->booking == NULL || in->worker == NULL ||
	    in->service == NULL || in->worker->name == NULL ||
	    in->service->title == NULL || in->booking->name == NULL) {
		log_warnx("ics: invite: missing field");
		return NULL;
	}
	bk = in->booking;
	if (check_id(bk->id, sizeof(bk->id)) == -1 ||
	    check_host(in->uid_domain) == -1) {
		log_warnx("ics: invite: bad booking id or UID domain");
		return NULL;
	}
	if (bk->end <= bk->start || bk->sequence < 0) {
		log_warnx("ics: invite %s: end before start or bad sequence",
		    bk->id);
		return NULL;
	}
	room = bk->room_url;
	if (room != NULL && check_uri(room) == -1) {
		log_warnx("ics: invite %s: room URL cannot be written", bk->id);
		return NULL;
	}
	cancelled = bk->status == BOOKING_CANCELLED;
	w = words_for(bk->locale);

	calendar_begin(&b);
	prop_raw(&b, "METHOD", cancelled ? "CANCEL" : "REQUEST");
	comp_begin(&b, "VEVENT");
	b.nevents++;
	prop_begin(&b, "UID");
	prop_colon(&b);
	buf_str(&b, bk->id, ESC_TEXT);
	buf_str(&b, "@", ESC_TEXT);
	buf_str(&b, in->uid_domain, ESC_TEXT);
	buf_eol(&b);
	snprintf(seq, sizeof(seq), "%d", bk->sequence);
	prop_raw(&b, "SEQUENCE", seq);
	if (prop_time(&b, "DTSTAMP", in->dtstamp) == -1 ||
	    prop_time(&b, "DTSTART", bk->start) == -1 ||
	    prop_time(&b, "DTEND", bk->end) == -1)
		goto fail;
	prop_begin(&b, "SUMMARY");
	prop_colon(&b);
	buf_str(&b, in->service->title, ESC_TEXT);
	buf_str(&b, " ", ESC_TEXT);
	buf_str(&b, w->with, ESC_TEXT);
	buf_str(&b, " ", ESC_TEXT);
	buf_str(&b, in->worker->name, ESC_TEXT);
	buf_eol(&b);
	prop_raw(&b, "STATUS", cancelled ? "CANCELLED" : "CONFIRMED");
	if (prop_person(&b, "ORGANIZER", in->worker->name, in->worker->email,
	    false) == -1 ||
	    prop_person(&b, "ATTENDEE", bk->name, bk->email, true) == -1)
		goto fail;
	if (room != NULL)
		props_room(&b, room, w);
	invite_description(&b, in, room, w);
	comp_end(&b, "VEVENT");
	comp_end(&b, "VCALENDAR");
	return finish(&b, lenp, true);
 fail:
	free(b.p);
	return NULL;
}

static void
feed_description(struct ics_buf *b, const struct ics_feed_entry *e,
    const char *room, const struct ics_words *w)
{
	const struct booking	*p;
	char			 count[32];
	size_t			 i;
	bool			 first = true;

	if (room == NULL && e->nparticipants == 0)
		return;
	prop_begin(b, "DESCRIPTION");
	prop_colon(b);
	if (room != NULL) {
		desc_section(b, &first);
		desc_label(b, w->room, room);
	}
	if (e->nparticipants > 0) {
		desc_section(b, &first);
		snprintf(count, sizeof(count), " (%zu/%d):",
		    e->nparticipants, e->service->capacity);
		buf_str(b, w->participants, ESC_TEXT);
		buf_str(b, count, ESC_TEXT);
	}
	for (i = 0; i < e->nparticipants; i++) {
		p = e->participants[i];
		buf_str(b, "\n- ", ESC_TEXT);
		buf_str(b, p->name, ESC_TEXT);
		if (p->email != NULL) {
			buf_str(b, " <", ESC_TEXT);
			buf_str(b, p->email, ESC_TEXT);
			buf_str(b, ">", ESC_TEXT);
		}
		if (p->note != NULL && *p->note != '\0') {
			buf_str(b, "\n  ", ESC_TEXT);
			desc_label(b, w->note, p->note);
		}
	}
	buf_eol(b);
}

static int
feed_event(struct ics_buf *b, const struct ics_feed *in,
    const struct ics_feed_entry *e, const struct ics_words *w)
{
	const struct session	*s = e->session;
	const struct service	*sv = e->service;
	const char		*room;
	char			 buf[64];
	size_t			 i;

	if (s == NULL || sv == NULL || sv->title == NULL ||
	    (e->nparticipants > 0 && e->participants == NULL)) {
		log_warnx("ics: feed: missing field");
		return -1;
	}
	for (i = 0; i < e->nparticipants; i++)
		if (e->participants[i] == NULL ||
		    e->participants[i]->name == NULL) {
			log_warnx("ics: feed: missing participant");
			return -1;
		}
	if (s->end <= s->start) {
		log_warnx("ics: feed: session %" PRId64 " ends before start",
		    s->id);
		return -1;
	}
	/* A 1:1 session's room may be held by its booking only. */
	room = s->room_url;
	if (room == NULL && e->nparticipants == 1)
		room = e->participants[0]->room_url;
	if (room != NULL && check_uri(room) == -1) {
		log_warnx("ics: feed: session %" PRId64 ": room URL cannot "
		    "be written", s->id);
		return -1;
	}

	comp_begin(b, "VEVENT");
	b->nevents++;
	prop_begin(b, "UID");
	prop_colon(b);
	snprintf(buf, sizeof(buf), "session-%" PRId64 ".", s->id);
	buf_str(b, buf, ESC_TEXT);
	buf_str(b, in->worker->id, ESC_TEXT);
	buf_str(b, "@", ESC_TEXT);
	buf_str(b, in->uid_domain, ESC_TEXT);
	buf_eol(b);
	if (prop_time(b, "DTSTAMP", s->updated_at) == -1 ||
	    prop_time(b, "LAST-MODIFIED", s->updated_at) == -1 ||
	    prop_time(b, "DTSTART", s->start) == -1 ||
	    prop_time(b, "DTEND", s->end) == -1)
		return -1;
	prop_begin(b, "SUMMARY");
	prop_colon(b);
	buf_str(b, sv->title, ESC_TEXT);
	if (sv->capacity <= 1) {
		if (e->nparticipants > 0) {
			/* " – " with an EN DASH. */
			buf_str(b, " \xe2\x80\x93 ", ESC_TEXT);
			buf_str(b, e->participants[0]->name, ESC_TEXT);
		}
	} else {
		snprintf(buf, sizeof(buf), " (%zu/%d)", e->nparticipants,
		    sv->capacity);
		buf_str(b, buf, ESC_TEXT);
	}
	buf_eol(b);
	prop_raw(b, "STATUS", e->cancelled ? "CANCELLED" : "CONFIRMED");
	if (room != NULL)
		props_room(b, room, w);
	feed_description(b, e, room, w);
	comp_end(b, "VEVENT");
	return 0;
}

char *
ics_feed_new(const struct ics_feed *in, size_t *lenp)
{
	struct ics_buf		 b;
	const struct ics_words	*w;
	size_t			 i;

	memset(&b, 0, sizeof(b));
	if (in == NULL || in->worker == NULL || in->worker->name == NULL ||
	    (in->nentries > 0 && in->entries == NULL)) {
		log_warnx("ics: feed: missing field");
		return NULL;
	}
	if (check_id(in->worker->id, sizeof(in->worker->id)) == -1 ||
	    check_host(in->uid_domain) == -1) {
		log_warnx("ics: feed: bad worker id or UID domain");
		return NULL;
	}
	w = words_for(in->worker->locale);

	calendar_begin(&b);
	prop_text(&b, "NAME", in->worker->name);
	prop_text(&b, "X-WR-CALNAME", in->worker->name);
	prop_begin(&b, "REFRESH-INTERVAL");
	param_raw(&b, "VALUE=DURATION");
	prop_colon(&b);
	buf_str(&b, ICS_REFRESH, ESC_NONE);
	buf_eol(&b);
	prop_raw(&b, "X-PUBLISHED-TTL", ICS_REFRESH);
	for (i = 0; i < in->nentries; i++)
		if (feed_event(&b, in, &in->entries[i], w) == -1)
			goto fail;
	comp_end(&b, "VCALENDAR");
	return finish(&b, lenp, false);
 fail:
	free(b.p);
	return NULL;
}
