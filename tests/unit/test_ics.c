/*
 * test_ics.c: the invite and the feed, checked on the raw bytes (CRLF,
 * folding at 75 octets on UTF-8 boundaries, no line, property or parameter
 * added by what a client typed) and parsed back with libical.
 *
 * When ICS_SAMPLES_DIR is set, every calendar made here is also written
 * there, so that tests/ics/run-samples.sh can hand them to ical.js,
 * python-icalendar and vobject.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "ics.h"
#include "model.h"

#define T_START		INT64_C(1806303600)	/* 2027-03-29T07:00:00Z */
#define T_STAMP		INT64_C(1803902400)	/* 2027-03-01T12:00:00Z */
#define ROOM		"https://meet.jit.si/" \
			"creneau-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
#define MANAGE		"https://localhost/manage/" \
			"3f2b8c1e-2d4a-4c5b-9e6f-7a8b9c0d1e2f#tok"

/* Text a client could type: every character with a meaning in RFC 5545. */
#define HOSTILE		"Jos\xc3\xa9 \"Zo\xc3\xa9\" d'Arc; O'Neil, " \
			"\\ a:b ^' ^n \xf0\x9f\x98\x80" \
			"\r\nBEGIN:VEVENT\rX-EVIL:1\nEND:VEVENT"
/* What a parser must read back: each line break one LF. */
#define HOSTILE_READ	"Jos\xc3\xa9 \"Zo\xc3\xa9\" d'Arc; O'Neil, " \
			"\\ a:b ^' ^n \xf0\x9f\x98\x80" \
			"\nBEGIN:VEVENT\nX-EVIL:1\nEND:VEVENT"

struct fx {
	struct worker	 worker;
	struct service	 service;
	struct booking	 booking;
	struct session	 session;
};

static void
fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->worker.id, "marie");
	f->worker.name = "Marie Dupont";
	f->worker.email = "marie@example.org";
	strcpy(f->worker.timezone, "Europe/Brussels");
	strcpy(f->worker.locale, "fr");
	strcpy(f->service.worker_id, "marie");
	strcpy(f->service.id, "maths-60");
	f->service.title = "Cours de maths";
	f->service.description = "";
	f->service.duration_min = 60;
	f->service.capacity = 1;
	f->service.video = true;
	strcpy(f->booking.id, "3f2b8c1e-2d4a-4c5b-9e6f-7a8b9c0d1e2f");
	f->booking.status = BOOKING_CONFIRMED;
	strcpy(f->booking.worker_id, "marie");
	strcpy(f->booking.service_id, "maths-60");
	f->booking.session_id = 42;
	f->booking.start = T_START;
	f->booking.end = T_START + 3600;
	f->booking.name = "Jean Peeters";
	f->booking.email = "jean@example.org";
	f->booking.note = "Chapitre 3";
	strcpy(f->booking.timezone, "Europe/Brussels");
	strcpy(f->booking.locale, "fr");
	f->booking.room_url = ROOM;
	f->session.id = 42;
	strcpy(f->session.worker_id, "marie");
	strcpy(f->session.service_id, "maths-60");
	f->session.start = T_START;
	f->session.end = T_START + 3600;
	f->session.seats = 1;
	f->session.updated_at = T_STAMP;
}

static struct ics_invite
invite_of(const struct fx *f)
{
	struct ics_invite	 in;

	memset(&in, 0, sizeof(in));
	in.booking = &f->booking;
	in.worker = &f->worker;
	in.service = &f->service;
	in.manage_url = MANAGE;
	in.uid_domain = "localhost";
	in.dtstamp = T_STAMP;
	return in;
}

static void
save_sample(const char *name, const char *ics, size_t len)
{
	const char	*dir;
	char		 path[4096];
	FILE		*fp;

	if ((dir = getenv("ICS_SAMPLES_DIR")) == NULL || *dir == '\0')
		return;
	snprintf(path, sizeof(path), "%s/%s.ics", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(ics, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/*
 * The raw rules: only CRLF line ends, no line over 75 octets, a folded line
 * starts with one space, no fold inside a UTF-8 sequence, and the whole
 * file valid UTF-8.
 */
static void
check_raw(const char *ics, size_t len)
{
	size_t	 i, col = 0, need = 0;
	unsigned char c;

	assert_int_equal(strlen(ics), len);
	assert_true(len > 2);
	assert_memory_equal(ics + len - 2, "\r\n", 2);
	for (i = 0; i < len; i++) {
		c = (unsigned char)ics[i];
		if (c == '\r') {
			assert_true(i + 1 < len && ics[i + 1] == '\n');
			/* A fold here would cut a character in two. */
			assert_int_equal(need, 0);
			i++;
			col = 0;
			continue;
		}
		assert_int_not_equal(c, '\n');
		col++;
		assert_true(col <= 75);
		if (need > 0) {
			assert_int_equal(c & 0xc0, 0x80);
			need--;
		} else if (c >= 0xf0) {
			assert_true(c <= 0xf4);
			need = 3;
		} else if (c >= 0xe0)
			need = 2;
		else if (c >= 0xc2)
			need = 1;
		else
			assert_true(c < 0x80);
		/* Only tab among the controls, and never at a line start. */
		if (c < 0x20)
			assert_int_equal(c, '\t');
	}
	assert_int_equal(need, 0);
}

/* Unfolds into logical lines; returns how many, *linesp is malloc'd. */
static size_t
unfold(const char *ics, char ***linesp)
{
	char	*u, *p, *eol, **lines = NULL;
	size_t	 n = 0, i, j;

	u = strdup(ics);
	assert_non_null(u);
	for (i = 0, j = 0; u[i] != '\0'; ) {
		if (u[i] == '\r' && u[i + 1] == '\n' &&
		    (u[i + 2] == ' ' || u[i + 2] == '\t')) {
			i += 3;
			continue;
		}
		u[j++] = u[i++];
	}
	u[j] = '\0';
	for (p = u; *p != '\0'; p = eol + 2) {
		eol = strstr(p, "\r\n");
		assert_non_null(eol);
		*eol = '\0';
		lines = realloc(lines, (n + 1) * sizeof(*lines));
		assert_non_null(lines);
		lines[n] = strdup(p);
		assert_non_null(lines[n]);
		n++;
	}
	free(u);
	*linesp = lines;
	return n;
}

static void
lines_free(char **lines, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/*
 * Splits a logical line the way RFC 5545 reads it: the name, then each
 * parameter name (values in DQUOTEs may hold ; : ,), up to the first colon
 * outside quotes. Returns the number of parameters; name and the parameter
 * names are written as "NAME;P1;P2" into out.
 */
static size_t
line_shape(const char *line, char *out, size_t outsz)
{
	size_t	 np = 0, o = 0;
	int	 quoted = 0, inname = 1;
	const char *p;

	for (p = line; *p != '\0'; p++) {
		if (quoted) {
			if (*p == '"')
				quoted = 0;
			continue;
		}
		if (*p == '"') {
			quoted = 1;
			continue;
		}
		if (*p == ':')
			break;
		if (*p == ';') {
			np++;
			inname = 1;
		} else if (*p == '=')
			inname = 0;
		if (inname && o + 1 < outsz)
			out[o++] = *p;
	}
	assert_int_equal(quoted, 0);
	assert_int_equal(*p, ':');
	out[o] = '\0';
	return np;
}

/* The file with its folds removed, malloc'd. */
static char *
unfolded(const char *ics)
{
	char	**lines, *u;
	size_t	 n, i, len = 1;

	n = unfold(ics, &lines);
	for (i = 0; i < n; i++)
		len += strlen(lines[i]) + 2;
	u = calloc(1, len);
	assert_non_null(u);
	for (i = 0; i < n; i++) {
		strcat(u, lines[i]);
		strcat(u, "\r\n");
	}
	lines_free(lines, n);
	return u;
}

/*
 * In TEXT properties every backslash starts a pair, so the text before a
 * fold must end in an even run of backslashes: a fold never separates a
 * backslash from the character it escapes.
 */
static void
check_text_folds(const char *ics)
{
	const char	*p, *eol;
	size_t		 run = 0;
	int		 text = 0;

	for (p = ics; *p != '\0'; p = eol + 2) {
		eol = strstr(p, "\r\n");
		assert_non_null(eol);
		if (*p != ' ') {
			text = strncmp(p, "SUMMARY:", 8) == 0 ||
			    strncmp(p, "DESCRIPTION:", 12) == 0 ||
			    strncmp(p, "LOCATION:", 9) == 0;
			run = 0;
		} else
			p++;
		for (; p < eol; p++)
			run = *p == '\\' ? run + 1 : 0;
		if (text && eol[2] == ' ')
			assert_int_equal(run % 2, 0);
	}
}

/* Checks that the file's logical lines have exactly the shapes given. */
static void
check_shape(const char *ics, const char *const *want, size_t nwant)
{
	char	**lines, shape[256];
	size_t	 n, i;

	n = unfold(ics, &lines);
	for (i = 0; i < n && i < nwant; i++) {
		line_shape(lines[i], shape, sizeof(shape));
		if (strcmp(shape, want[i]) != 0)
			fail_msg("line %zu: shape %s, want %s: %s", i, shape,
			    want[i], lines[i]);
	}
	assert_int_equal(n, nwant);
	lines_free(lines, n);
}

/* The first logical line whose name is name, NULL if none. */
static char *
find_line(const char *ics, const char *name)
{
	char	**lines, shape[256], *found = NULL;
	size_t	 n, i, nl;

	nl = strlen(name);
	n = unfold(ics, &lines);
	for (i = 0; i < n && found == NULL; i++) {
		line_shape(lines[i], shape, sizeof(shape));
		if (strncmp(shape, name, nl) == 0 &&
		    (shape[nl] == '\0' || shape[nl] == ';'))
			found = strdup(lines[i]);
	}
	lines_free(lines, n);
	return found;
}

static icalcomponent *
parse(const char *ics)
{
	icalcomponent	*c;

	c = icalparser_parse_string(ics);
	assert_non_null(c);
	assert_int_equal(icalcomponent_isa(c), ICAL_VCALENDAR_COMPONENT);
	assert_int_equal(icalcomponent_count_errors(c), 0);
	return c;
}

static void
check_utc(icalproperty *p, int64_t want)
{
	struct icaltimetype	 t;

	assert_non_null(p);
	/* No TZID parameter: the value itself says UTC. */
	assert_null(icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER));
	t = icalvalue_get_datetime(icalproperty_get_value(p));
	assert_true(icaltime_is_utc(t));
	assert_false(icaltime_is_date(t));
	assert_int_equal((int64_t)icaltime_as_timet(t), want);
}

static const char *const invite_shape[] = {
	"BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD", "BEGIN", "UID",
	"SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "STATUS",
	"ORGANIZER;CN", "ATTENDEE;CN;ROLE;PARTSTAT;RSVP", "LOCATION", "URL",
	"CONFERENCE;VALUE;FEATURE;LABEL", "DESCRIPTION", "END", "END"
};

static void
test_invite_request(void **state)
{
	struct fx		 f;
	struct ics_invite	 in;
	icalcomponent		*c, *e;
	icalproperty		*p;
	icalparameter		*pm;
	char			*ics, *line;
	const char		*d;
	size_t			 len;

	fx_init(&f);
	in = invite_of(&f);
	ics = ics_invite_new(&in, &len);
	assert_non_null(ics);
	save_sample("invite-request", ics, len);
	check_raw(ics, len);
	check_shape(ics, invite_shape,
	    sizeof(invite_shape) / sizeof(invite_shape[0]));
	assert_non_null(strstr(ics, "\r\nMETHOD:REQUEST\r\n"));
	assert_non_null(strstr(ics, "\r\nSTATUS:CONFIRMED\r\n"));
	assert_non_null(strstr(ics, "\r\nDTSTART:20270329T070000Z\r\n"));
	assert_non_null(strstr(ics, "\r\nDTEND:20270329T080000Z\r\n"));
	assert_non_null(strstr(ics, "\r\nSEQUENCE:0\r\n"));
	assert_null(strstr(ics, "TZID"));
	assert_null(strstr(ics, "VTIMEZONE"));
	line = find_line(ics, "ATTENDEE");
	assert_string_equal(line, "ATTENDEE;CN=\"Jean Peeters\";"
	    "ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:"
	    "mailto:jean@example.org");
	free(line);
	line = find_line(ics, "ORGANIZER");
	assert_string_equal(line,
	    "ORGANIZER;CN=\"Marie Dupont\":mailto:marie@example.org");
	free(line);

	c = parse(ics);
	e = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	assert_non_null(e);
	assert_null(icalcomponent_get_next_component(c,
	    ICAL_VEVENT_COMPONENT));
	assert_int_equal(icalcomponent_get_method(c), ICAL_METHOD_REQUEST);
	assert_string_equal(icalcomponent_get_uid(e),
	    "3f2b8c1e-2d4a-4c5b-9e6f-7a8b9c0d1e2f@localhost");
	assert_string_equal(icalcomponent_get_summary(e),
	    "Cours de maths avec Marie Dupont");
	assert_int_equal(icalcomponent_get_status(e), ICAL_STATUS_CONFIRMED);
	check_utc(icalcomponent_get_first_property(e, ICAL_DTSTART_PROPERTY),
	    T_START);
	check_utc(icalcomponent_get_first_property(e, ICAL_DTEND_PROPERTY),
	    T_START + 3600);
	check_utc(icalcomponent_get_first_property(e, ICAL_DTSTAMP_PROPERTY),
	    T_STAMP);
	assert_string_equal(icalcomponent_get_location(e), ROOM);
	p = icalcomponent_get_first_property(e, ICAL_URL_PROPERTY);
	assert_non_null(p);
	assert_string_equal(icalproperty_get_url(p), ROOM);
	p = icalcomponent_get_first_property(e, ICAL_ATTENDEE_PROPERTY);
	pm = icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER);
	assert_int_equal(icalparameter_get_partstat(pm),
	    ICAL_PARTSTAT_ACCEPTED);
	d = icalcomponent_get_description(e);
	assert_non_null(strstr(d, "Salle vid\xc3\xa9o: " ROOM));
	assert_non_null(strstr(d, MANAGE));
	icalcomponent_free(c);
	free(ics);
}

/* Rescheduled, then cancelled: same UID, higher SEQUENCE, new times. */
static void
test_invite_reschedule_cancel(void **state)
{
	struct fx		 f;
	struct ics_invite	 in;
	icalcomponent		*c, *e;
	char			*ics, *first, uid[128];
	size_t			 len;

	fx_init(&f);
	in = invite_of(&f);
	first = ics_invite_new(&in, NULL);
	assert_non_null(first);
	c = parse(first);
	e = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	snprintf(uid, sizeof(uid), "%s", icalcomponent_get_uid(e));
	icalcomponent_free(c);

	f.booking.start += 1800;
	f.booking.end += 1800;
	f.booking.sequence = 1;
	in.dtstamp = T_STAMP + 60;
	ics = ics_invite_new(&in, &len);
	assert_non_null(ics);
	save_sample("invite-rescheduled", ics, len);
	check_raw(ics, len);
	check_shape(ics, invite_shape,
	    sizeof(invite_shape) / sizeof(invite_shape[0]));
	assert_string_not_equal(ics, first);
	c = parse(ics);
	e = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_uid(e), uid);
	assert_int_equal(icalcomponent_get_sequence(e), 1);
	check_utc(icalcomponent_get_first_property(e, ICAL_DTSTART_PROPERTY),
	    T_START + 1800);
	check_utc(icalcomponent_get_first_property(e, ICAL_DTSTAMP_PROPERTY),
	    T_STAMP + 60);
	icalcomponent_free(c);
	free(ics);

	f.booking.status = BOOKING_CANCELLED;
	f.booking.sequence = 2;
	f.booking.cancel_reason = "Malade; d\xc3\xa9sol\xc3\xa9" "e";
	in.dtstamp = T_STAMP + 120;
	ics = ics_invite_new(&in, &len);
	assert_non_null(ics);
	save_sample("invite-cancel", ics, len);
	check_raw(ics, len);
	check_shape(ics, invite_shape,
	    sizeof(invite_shape) / sizeof(invite_shape[0]));
	assert_non_null(strstr(ics, "\r\nMETHOD:CANCEL\r\n"));
	assert_non_null(strstr(ics, "\r\nSTATUS:CANCELLED\r\n"));
	c = parse(ics);
	e = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	assert_int_equal(icalcomponent_get_method(c), ICAL_METHOD_CANCEL);
	assert_int_equal(icalcomponent_get_status(e), ICAL_STATUS_CANCELLED);
	assert_string_equal(icalcomponent_get_uid(e), uid);
	assert_int_equal(icalcomponent_get_sequence(e), 2);
	assert_non_null(strstr(icalcomponent_get_description(e),
	    "Motif: Malade; d\xc3\xa9sol\xc3\xa9" "e"));
	icalcomponent_free(c);
	free(ics);
	free(first);
}

/*
 * Hostile names and notes: the file keeps exactly its shape (no added line,
 * property or parameter) and every value reads back as typed, line breaks
 * as LF.
 */
static void
test_invite_hostile(void **state)
{
	struct fx		 f;
	struct ics_invite	 in;
	icalcomponent		*c, *e;
	icalproperty		*p;
	icalparameter		*pm;
	char			*ics, *u, want[512];
	size_t			 len;

	fx_init(&f);
	f.booking.name = HOSTILE;
	f.worker.name = "M\xc3\xa4rie \"the\" ^boss^; x:y, \\z";
	f.service.title = "Maths, physique; \"chimie\" \\ :: " HOSTILE;
	f.service.description = "Line 1\r\nLine 2\n\nBEGIN:VALARM";
	strcpy(f.booking.locale, "en");
	in = invite_of(&f);
	ics = ics_invite_new(&in, &len);
	assert_non_null(ics);
	save_sample("invite-hostile", ics, len);
	check_raw(ics, len);
	check_shape(ics, invite_shape,
	    sizeof(invite_shape) / sizeof(invite_shape[0]));
	check_text_folds(ics);
	u = unfolded(ics);
	/* Text escaping on the wire. */
	assert_non_null(strstr(u, "d'Arc\\; O'Neil\\, \\\\ a:b"));
	/* RFC 6868 in the CN. */
	assert_non_null(strstr(u, "CN=\"M\xc3\xa4rie ^'the^' ^^boss^^; x:y"));
	free(u);

	c = parse(ics);
	e = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	snprintf(want, sizeof(want), "Maths, physique; \"chimie\" \\ :: %s "
	    "with M\xc3\xa4rie \"the\" ^boss^; x:y, \\z", HOSTILE_READ);
	assert_string_equal(icalcomponent_get_summary(e), want);
	p = icalcomponent_get_first_property(e, ICAL_ATTENDEE_PROPERTY);
	assert_string_equal(icalproperty_get_attendee(p),
	    "mailto:jean@example.org");
	pm = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
	assert_string_equal(icalparameter_get_cn(pm), HOSTILE_READ);
	p = icalcomponent_get_first_property(e, ICAL_ORGANIZER_PROPERTY);
	pm = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
	assert_string_equal(icalparameter_get_cn(pm),
	    "M\xc3\xa4rie \"the\" ^boss^; x:y, \\z");
	assert_non_null(strstr(icalcomponent_get_description(e),
	    "Line 1\nLine 2\n\nBEGIN:VALARM"));
	assert_int_equal(icalcomponent_count_components(e,
	    ICAL_ANY_COMPONENT), 0);
	icalcomponent_free(c);
	free(ics);
}

/*
 * Long text of 1-, 2-, 3- and 4-octet characters, shifted by 0..4 octets so
 * that every fold position meets every place inside a character.
 */
static void
test_folding(void **state)
{
	struct fx		 f;
	struct ics_invite	 in;
	icalcomponent		*c, *e;
	char			 title[1024], name[64];
	char			*ics;
	size_t			 len, shift, i;
	int			 folds;

	for (shift = 0; shift < 5; shift++) {
		fx_init(&f);
		memset(title, 'a', shift);
		title[shift] = '\0';
		for (i = 0; i < 12; i++)
			strcat(title, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
			    "b,\\;");
		f.service.title = title;
		f.booking.name = title;
		f.booking.note = title;
		in = invite_of(&f);
		ics = ics_invite_new(&in, &len);
		assert_non_null(ics);
		if (shift == 1)
			save_sample("invite-folding", ics, len);
		check_raw(ics, len);
		for (folds = 0, i = 0; i + 2 < len; i++)
			if (memcmp(ics + i, "\r\n ", 3) == 0)
				folds++;
		assert_true(folds >= 6);
		check_shape(ics, invite_shape,
		    sizeof(invite_shape) / sizeof(invite_shape[0]));
		check_text_folds(ics);
		c = parse(ics);
		e = icalcomponent_get_first_component(c,
		    ICAL_VEVENT_COMPONENT);
		assert_non_null(strstr(icalcomponent_get_summary(e), title));
		icalcomponent_free(c);
		free(ics);
	}
	/* A 74-octet name puts the fold exactly at the limit. */
	fx_init(&f);
	memset(name, 'x', 60);
	name[60] = '\0';
	f.worker.name = name;
	in = invite_of(&f);
	ics = ics_invite_new(&in, &len);
	assert_non_null(ics);
	check_raw(ics, len);
	free(ics);
}

/* What cannot be written safely is refused, not written. */
static void
test_invite_refused(void **state)
{
	struct fx		 f;
	struct ics_invite	 in;
	char			*ics;

	fx_init(&f);
	in = invite_of(&f);
	f.booking.email = "jean@example.org\r\nX-EVIL:1";
	assert_null(ics_invite_new(&in, NULL));
	f.booking.email = "jean@exa\"mple.org";
	ics = ics_invite_new(&in, NULL);
	/* A quote is percent-encoded, never written as is. */
	assert_non_null(ics);
	assert_non_null(strstr(ics, "mailto:jean@exa%22mple.org\r\n"));
	free(ics);
	f.booking.email = "no-at-sign";
	assert_null(ics_invite_new(&in, NULL));
	f.booking.email = "a@b@c";
	assert_null(ics_invite_new(&in, NULL));
	f.booking.email = "jean@example.org";
	f.worker.email = "marie @example.org";
	assert_null(ics_invite_new(&in, NULL));
	f.worker.email = "marie@example.org";
	f.booking.room_url = "https://meet.jit.si/a\"b";
	assert_null(ics_invite_new(&in, NULL));
	f.booking.room_url = "https://meet.jit.si/a\r\nX-EVIL:1";
	assert_null(ics_invite_new(&in, NULL));
	f.booking.room_url = "javascript:alert(1)";
	assert_null(ics_invite_new(&in, NULL));
	f.booking.room_url = "https://meet.jit.si/%zz";
	assert_null(ics_invite_new(&in, NULL));
	f.booking.room_url = ROOM;
	in.uid_domain = "evil\r\nX:1";
	assert_null(ics_invite_new(&in, NULL));
	in.uid_domain = "localhost";
	f.booking.end = f.booking.start;
	assert_null(ics_invite_new(&in, NULL));
	f.booking.end = f.booking.start + 3600;
	f.booking.start = INT64_C(400000000000);
	assert_null(ics_invite_new(&in, NULL));
	f.booking.start = T_START;
	in.worker = NULL;
	assert_null(ics_invite_new(&in, NULL));
	assert_null(ics_invite_new(NULL, NULL));
	in.worker = &f.worker;
	ics = ics_invite_new(&in, NULL);
	assert_non_null(ics);
	free(ics);
}

/*
 * Non-ASCII e-mail domains are percent-encoded UTF-8 (RFC 6068), invalid
 * UTF-8 and control characters in text become U+FFFD, no video gives no
 * LOCATION, URL or CONFERENCE.
 */
static void
test_invite_encoding(void **state)
{
	struct fx		 f;
	struct ics_invite	 in;
	icalcomponent		*c, *e;
	char			*ics, *line;
	size_t			 len;

	fx_init(&f);
	f.booking.email = "z\xc3\xb6\x65+x@exa\xcc\x88mple.be";
	f.booking.name = "Bad \xc3( utf8 \xed\xa0\x80 \x01\x7f\ttab";
	f.booking.room_url = NULL;
	in = invite_of(&f);
	in.manage_url = NULL;
	ics = ics_invite_new(&in, &len);
	assert_non_null(ics);
	save_sample("invite-encoding", ics, len);
	check_raw(ics, len);
	line = find_line(ics, "ATTENDEE");
	assert_non_null(line);
	assert_non_null(strstr(line,
	    ":mailto:z%C3%B6e+x@exa%CC%88mple.be"));
	assert_non_null(strstr(line, "CN=\"Bad \xef\xbf\xbd( utf8 "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd"
	    "\ttab\""));
	free(line);
	assert_null(strstr(ics, "LOCATION"));
	assert_null(strstr(ics, "\r\nURL"));
	assert_null(strstr(ics, "CONFERENCE"));
	/* Nothing left to describe. */
	assert_null(strstr(ics, "DESCRIPTION"));
	c = parse(ics);
	e = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	assert_non_null(e);
	icalcomponent_free(c);
	free(ics);
}

static const char *const feed_head[] = {
	"BEGIN", "VERSION", "PRODID", "CALSCALE", "NAME", "X-WR-CALNAME",
	"REFRESH-INTERVAL;VALUE", "X-PUBLISHED-TTL"
};

static void
test_feed(void **state)
{
	struct fx		 f;
	struct service		 group;
	struct session		 gs, cs;
	struct booking		 b2, b3;
	const struct booking	*one[1], *three[3];
	struct ics_feed_entry	 ent[3];
	struct ics_feed		 feed;
	icalcomponent		*c, *e;
	icalproperty		*p;
	char			*ics, *again, **lines, shape[256];
	const char		*d;
	size_t			 len, len2, n, i, nev = 0;

	fx_init(&f);
	f.worker.name = "Marie \"Coiffure\" Dupont; Li\xc3\xa8ge";
	f.booking.note = "Chapitre 3\nexercices 4, 5; 6";
	group = f.service;
	strcpy(group.id, "atelier");
	group.title = "Atelier coiffure";
	group.capacity = 8;
	gs = f.session;
	gs.id = 43;
	gs.service_id[0] = '\0';
	strcpy(gs.service_id, "atelier");
	gs.start = T_START + 86400;
	gs.end = gs.start + 7200;
	gs.seats = 3;
	gs.room_url = "https://meet.jit.si/creneau-group-00112233445566778899";
	gs.updated_at = T_STAMP + 10;
	b2 = f.booking;
	b2.name = HOSTILE;
	b2.email = "zoe@example.be";
	b2.note = "Allergie: \xf0\x9f\xa5\x9c; \"noix\"\r\nmerci";
	b3 = f.booking;
	b3.name = "\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e";
	b3.email = "taro@example.jp";
	b3.note = "";
	cs = f.session;
	cs.id = 44;
	cs.start = T_START - 86400;
	cs.end = cs.start + 3600;
	cs.seats = 0;
	cs.updated_at = T_STAMP + 20;

	one[0] = &f.booking;
	three[0] = &f.booking;
	three[1] = &b2;
	three[2] = &b3;
	memset(ent, 0, sizeof(ent));
	ent[0].session = &f.session;
	ent[0].service = &f.service;
	ent[0].participants = one;
	ent[0].nparticipants = 1;
	ent[1].session = &gs;
	ent[1].service = &group;
	ent[1].participants = three;
	ent[1].nparticipants = 3;
	ent[2].session = &cs;
	ent[2].service = &f.service;
	ent[2].cancelled = true;
	memset(&feed, 0, sizeof(feed));
	feed.worker = &f.worker;
	feed.entries = ent;
	feed.nentries = 3;
	feed.uid_domain = "localhost";

	ics = ics_feed_new(&feed, &len);
	assert_non_null(ics);
	save_sample("feed", ics, len);
	check_raw(ics, len);
	assert_null(strstr(ics, "METHOD"));
	assert_null(strstr(ics, "TZID"));
	assert_non_null(strstr(ics,
	    "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
	assert_non_null(strstr(ics, "\r\nX-PUBLISHED-TTL:PT1H\r\n"));
	assert_non_null(strstr(ics, "\r\nSUMMARY:Atelier coiffure (3/8)\r\n"));
	assert_non_null(strstr(ics,
	    "\r\nSUMMARY:Cours de maths \xe2\x80\x93 Jean Peeters\r\n"));

	/* Same data, same bytes; a change in a session changes them. */
	again = ics_feed_new(&feed, &len2);
	assert_non_null(again);
	assert_int_equal(len, len2);
	assert_memory_equal(ics, again, len);
	free(again);
	gs.updated_at++;
	again = ics_feed_new(&feed, &len2);
	assert_non_null(again);
	assert_true(len != len2 || memcmp(ics, again, len) != 0);
	free(again);
	gs.updated_at--;

	/* The head, then only VEVENTs, one BEGIN per entry, no more. */
	n = unfold(ics, &lines);
	for (i = 0; i < n; i++) {
		line_shape(lines[i], shape, sizeof(shape));
		if (i < sizeof(feed_head) / sizeof(feed_head[0]))
			assert_string_equal(shape, feed_head[i]);
		if (strcmp(lines[i], "BEGIN:VEVENT") == 0)
			nev++;
		else if (strcmp(shape, "BEGIN") == 0)
			assert_int_equal(i, 0);
		/* No participant's text may start a property of its own. */
		assert_true(strncmp(lines[i], "X-EVIL", 6) != 0);
	}
	assert_int_equal(nev, 3);
	lines_free(lines, n);

	c = parse(ics);
	p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY);
	assert_non_null(p);
	assert_string_equal(icalproperty_get_x_name(p), "X-WR-CALNAME");
	assert_string_equal(icalproperty_get_x(p),
	    "Marie \"Coiffure\" Dupont; Li\xc3\xa8ge");
	e = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_uid(e),
	    "session-42.marie@localhost");
	assert_int_equal(icalcomponent_get_status(e), ICAL_STATUS_CONFIRMED);
	check_utc(icalcomponent_get_first_property(e, ICAL_DTSTART_PROPERTY),
	    T_START);
	check_utc(icalcomponent_get_first_property(e, ICAL_DTSTAMP_PROPERTY),
	    T_STAMP);
	/* The 1:1 room is the booking's. */
	assert_string_equal(icalcomponent_get_location(e), ROOM);
	d = icalcomponent_get_description(e);
	assert_non_null(strstr(d, "Participants (1/1):\n- Jean Peeters "
	    "<jean@example.org>\n  Note: Chapitre 3\nexercices 4, 5; 6"));

	e = icalcomponent_get_next_component(c, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_uid(e),
	    "session-43.marie@localhost");
	assert_string_equal(icalcomponent_get_summary(e),
	    "Atelier coiffure (3/8)");
	check_utc(icalcomponent_get_first_property(e, ICAL_DTEND_PROPERTY),
	    T_START + 86400 + 7200);
	check_utc(icalcomponent_get_first_property(e, ICAL_DTSTAMP_PROPERTY),
	    T_STAMP + 10);
	assert_string_equal(icalcomponent_get_location(e), gs.room_url);
	p = icalcomponent_get_first_property(e, ICAL_URL_PROPERTY);
	assert_string_equal(icalproperty_get_url(p), gs.room_url);
	d = icalcomponent_get_description(e);
	assert_non_null(strstr(d, "- " HOSTILE_READ " <zoe@example.be>\n"
	    "  Note: Allergie: \xf0\x9f\xa5\x9c; \"noix\"\nmerci\n- "
	    "\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e "
	    "<taro@example.jp>"));
	assert_null(strstr(d, "taro@example.jp>\n"));

	e = icalcomponent_get_next_component(c, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_uid(e),
	    "session-44.marie@localhost");
	assert_int_equal(icalcomponent_get_status(e), ICAL_STATUS_CANCELLED);
	assert_string_equal(icalcomponent_get_summary(e), "Cours de maths");
	assert_null(icalcomponent_get_next_component(c,
	    ICAL_VEVENT_COMPONENT));
	icalcomponent_free(c);
	free(ics);

	/* An empty feed is still a calendar. */
	feed.nentries = 0;
	ics = ics_feed_new(&feed, &len);
	assert_non_null(ics);
	save_sample("feed-empty", ics, len);
	check_raw(ics, len);
	c = parse(ics);
	assert_null(icalcomponent_get_first_component(c,
	    ICAL_VEVENT_COMPONENT));
	icalcomponent_free(c);
	free(ics);

	/* A bad room URL or missing session is refused. */
	feed.nentries = 3;
	gs.room_url = "https://x/ \"";
	assert_null(ics_feed_new(&feed, NULL));
	gs.room_url = NULL;
	ent[1].session = NULL;
	assert_null(ics_feed_new(&feed, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invite_request),
		cmocka_unit_test(test_invite_reschedule_cancel),
		cmocka_unit_test(test_invite_hostile),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_invite_refused),
		cmocka_unit_test(test_invite_encoding),
		cmocka_unit_test(test_feed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
