/*
 * test_mail.c: the e-mails. Composition is checked twice: here, on the
 * bytes, and by tests/mail/check_mail.py with Python's email package (an
 * independent MIME parser). Sending is checked against a real SMTP server,
 * tests/mail/smtp_sink.py (aiosmtpd), on a loopback port; those tests are
 * skipped when /usr/bin/python3 or aiosmtpd is missing.
 */
#include "unit.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ics.h"
#include "mail.h"
#include "model.h"
#include "tzconv.h"

#define PYTHON		"/usr/bin/python3"
#define CHECK_MAIL	"tests/mail/check_mail.py"
#define SMTP_SINK	"tests/mail/smtp_sink.py"

static char	 tmpdir[64];
static int	 have_python;	/* python3 with the email package */
static int	 have_sink;	/* ... and aiosmtpd */

/* 2027-03-29 09:00 to 10:00 in Brussels (CEST, +02:00). */
#define START	1806303600LL
#define END	(START + 3600)

static const char ics_request[] =
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//creneau//test//EN\r\n"
    "METHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:0b8a3c1e-5f43-4f1b-9d6a-2c7e51b0f1aa@creneau.test\r\n"
    "SEQUENCE:0\r\n"
    "DTSTAMP:20270301T120000Z\r\n"
    "DTSTART:20270329T070000Z\r\n"
    "DTEND:20270329T080000Z\r\n"
    "STATUS:CONFIRMED\r\n"
    "SUMMARY:Cours de math\xc3\xa9matiques \xe2\x80\x93 Marie Dupr\xc3\xa9\r\n"
    "ORGANIZER;CN=Marie Dupr\xc3\xa9:mailto:marie@example.org\r\n"
    "ATTENDEE;CN=Zo\xc3\xab;PARTSTAT=ACCEPTED:mailto:zoe@example.org\r\n"
    "LOCATION:https://meet.jit.si/abc\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

static const char ics_cancel[] =
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//creneau//test//EN\r\n"
    "METHOD:CANCEL\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:0b8a3c1e-5f43-4f1b-9d6a-2c7e51b0f1aa@creneau.test\r\n"
    "SEQUENCE:2\r\n"
    "DTSTAMP:20270301T120000Z\r\n"
    "DTSTART:20270329T070000Z\r\n"
    "DTEND:20270329T080000Z\r\n"
    "STATUS:CANCELLED\r\n"
    "SUMMARY:Cours\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

static void
sample(struct mail_msg *m, enum mail_kind kind, const char *locale)
{
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->locale = locale;
	m->from_addr = "booking@creneau.test";
	m->from_name = "creneau";
	if (kind == MAIL_WORKER_NEW || kind == MAIL_WORKER_CANCEL) {
		m->to_addr = "marie@example.org";
		m->to_name = "Marie Dupr\xc3\xa9";
		m->reply_to_addr = "zoe@example.org";
		m->reply_to_name = "Zo\xc3\xab";
	} else {
		m->to_addr = "zoe@example.org";
		m->to_name = "Zo\xc3\xab";
		m->reply_to_addr = "marie@example.org";
		m->reply_to_name = "Marie Dupr\xc3\xa9";
	}
	m->message_id = "4f1c2d3e@creneau.test";
	m->date = 1803970800;		/* 2027-03-02 */
	m->service_title = "Cours de math\xc3\xa9matiques";
	m->worker_name = "Marie Dupr\xc3\xa9";
	m->client_name = "Zo\xc3\xab";
	m->client_email = "zoe@example.org";
	m->start = START;
	m->end = END;
	m->timezone = "Europe/Brussels";
	m->room_url = "https://meet.jit.si/creneau-0123456789abcdef";
	m->manage_url = "https://book.example.org/b/42#tok";
	m->note = "Chapitre 3";
	if (kind == MAIL_CANCEL || kind == MAIL_WORKER_CANCEL)
		m->cancel_reason = "Malade";
	if (kind == MAIL_CANCEL)
		m->ics = ics_cancel;
	else if (kind != MAIL_WORKER_NEW && kind != MAIL_WORKER_CANCEL)
		m->ics = ics_request;
}

/* Runs argv (argv[0] a path), stdout and stderr to ours; its exit code. */
static int
run(char *const argv[])
{
	pid_t	 pid;
	int	 st;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
write_file(const char *path, const char *s, size_t len, mode_t mode)
{
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static char *
read_file(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*buf;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*lenp = (size_t)n;
	return buf;
}

/* The header section (up to the first empty line), as a new string. */
static char *
headers_of(const char *msg)
{
	const char	*e = strstr(msg, "\r\n\r\n");

	assert_non_null(e);
	return strndup(msg, (size_t)(e - msg) + 2);
}

/* How many header lines (unfolded starts) begin with name + ":". */
static int
header_count(const char *hdrs, const char *name)
{
	const char	*p = hdrs;
	size_t		 n = strlen(name);
	int		 c = 0;

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			c++;
		if ((p = strstr(p, "\r\n")) != NULL)
			p += 2;
	}
	return c;
}

static int
count_substr(const char *s, const char *sub)
{
	int	 c = 0;

	while ((s = strstr(s, sub)) != NULL) {
		c++;
		s += strlen(sub);
	}
	return c;
}

/*
 * Each boundary occurs only in its Content-Type parameter and in its own
 * delimiter lines, exactly as many as the structure has parts: this is
 * what makes a typed "--xyz" or "--=_creneau_..." harmless.
 */
static void
assert_only_own_boundaries(const char *msg, int with_ics)
{
	char		 b[2][80], line[90];
	const char	*p, *q;
	size_t		 nb = 0;

	for (p = msg; (p = strstr(p, "boundary=\"")) != NULL; p = q) {
		p += 10;
		q = strchr(p, '"');
		assert_non_null(q);
		assert_true(nb < 2 && (size_t)(q - p) < sizeof(b[0]));
		memcpy(b[nb], p, (size_t)(q - p));
		b[nb++][q - p] = '\0';
		assert_int_equal(strncmp(b[nb - 1], "=_creneau_", 10), 0);
	}
	assert_int_equal(nb, with_ics ? 2 : 1);
	if (with_ics) {
		/* mixed: the alternative and the attachment. */
		snprintf(line, sizeof(line), "\r\n--%s\r\n", b[0]);
		assert_int_equal(count_substr(msg, line), 2);
		snprintf(line, sizeof(line), "\r\n--%s--\r\n", b[0]);
		assert_int_equal(count_substr(msg, line), 1);
		assert_int_equal(count_substr(msg, b[0]), 1 + 3);
	}
	/* alternative: plain, html and, with ics, the calendar. */
	snprintf(line, sizeof(line), "\r\n--%s\r\n", b[nb - 1]);
	assert_int_equal(count_substr(msg, line), with_ics ? 3 : 2);
	snprintf(line, sizeof(line), "\r\n--%s--\r\n", b[nb - 1]);
	assert_int_equal(count_substr(msg, line), 1);
	assert_int_equal(count_substr(msg, b[nb - 1]), with_ics ? 5 : 4);
}

/* Lines end in CRLF, never a bare CR or LF; body lines within 78. */
static void
assert_crlf_and_short(const char *msg, size_t len)
{
	size_t	 i, col = 0;

	assert_true(len >= 2);
	assert_memory_equal(msg + len - 2, "\r\n", 2);
	for (i = 0; i < len; i++) {
		if (msg[i] == '\r') {
			assert_true(i + 1 < len && msg[i + 1] == '\n');
			i++;
			col = 0;
			continue;
		}
		assert_true(msg[i] != '\n');
		col++;
		assert_true(col <= 78);
	}
}

static int
check_with_python(const char *msg, size_t len, const char *const *args)
{
	char	 path[128];
	char	*argv[40];
	size_t	 n = 0;
	int	 rc;

	snprintf(path, sizeof(path), "%s/check.eml", tmpdir);
	write_file(path, msg, len, 0600);
	argv[n++] = (char *)PYTHON;
	argv[n++] = (char *)CHECK_MAIL;
	argv[n++] = path;
	while (*args != NULL && n < 39)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	rc = run(argv);
	if (rc == 0)
		unlink(path);
	else	/* kept for a look; the directory goes at the end */
		fprintf(stderr, "test_mail: check_mail.py failed on %s\n",
		    path);
	return rc;
}

static void
test_compose_every_kind_and_locale(void **state)
{
	static const char *const locales[] = { "fr", "nl", "en" };
	static const char *const intro[3][MAIL_KIND_COUNT] = {
		{ "Votre r\xc3\xa9servation est confirm\xc3\xa9" "e.",
		  "Votre r\xc3\xa9servation a \xc3\xa9t\xc3\xa9 "
		  "d\xc3\xa9plac\xc3\xa9" "e.",
		  "Votre r\xc3\xa9servation a \xc3\xa9t\xc3\xa9 "
		  "annul\xc3\xa9" "e.",
		  "Vous avez une nouvelle r\xc3\xa9servation.",
		  "Une r\xc3\xa9servation a \xc3\xa9t\xc3\xa9 annul\xc3\xa9" "e.",
		  "Petit rappel" },
		{ "Je afspraak is bevestigd.", "Je afspraak is verplaatst",
		  "Je afspraak is geannuleerd.", "Je hebt een nieuwe boeking.",
		  "Een boeking is geannuleerd.", "Een herinnering" },
		{ "Your booking is confirmed.", "Your booking has been moved",
		  "Your booking has been cancelled.", "You have a new booking.",
		  "A booking has been cancelled.", "A reminder" },
	};
	static const char *const when[3] = {
		"lundi 29 mars 2027, 09:00 \xe2\x80\x93 10:00 (Europe/Brussels)",
		"maandag 29 maart 2027, 09:00 \xe2\x80\x93 10:00 "
		"(Europe/Brussels)",
		"Monday 29 March 2027, 09:00 \xe2\x80\x93 10:00 "
		"(Europe/Brussels)",
	};
	struct mail_msg	 m;
	size_t		 li, len;
	int		 k;
	char		*msg, *h, *subj;

	for (li = 0; li < 3; li++)
		for (k = 0; k < MAIL_KIND_COUNT; k++) {
			sample(&m, (enum mail_kind)k, locales[li]);
			msg = mail_compose(&m, &len);
			assert_non_null(msg);
			assert_int_equal(strlen(msg), len);
			assert_crlf_and_short(msg, len);
			assert_only_own_boundaries(msg, m.ics != NULL);
			h = headers_of(msg);
			assert_int_equal(header_count(h, "Date"), 1);
			assert_int_equal(header_count(h, "From"), 1);
			assert_int_equal(header_count(h, "To"), 1);
			assert_int_equal(header_count(h, "Reply-To"), 1);
			assert_int_equal(header_count(h, "Subject"), 1);
			assert_int_equal(header_count(h, "Message-ID"), 1);
			assert_int_equal(header_count(h, "MIME-Version"), 1);
			assert_non_null(strstr(h,
			    "Date: Tue, 02 Mar 2027 07:00:00 +0000\r\n"));
			assert_non_null(strstr(h,
			    "Message-ID: <4f1c2d3e@creneau.test>\r\n"));
			assert_non_null(strstr(h, "MIME-Version: 1.0\r\n"));
			/* Every subject has a non-ASCII name: encoded. */
			assert_non_null(strstr(h, "Subject: =?utf-8?B?"));
			assert_null(strstr(h, "Zo\xc3\xab"));
			if (m.ics != NULL) {
				assert_non_null(strstr(h,
				    "Content-Type: multipart/mixed;"));
				assert_int_equal(count_substr(msg,
				    "Content-Type: text/calendar; charset=utf-8;"
				    " method="), 1);
				assert_non_null(strstr(msg, k == MAIL_CANCEL ?
				    "method=CANCEL\r\n" : "method=REQUEST\r\n"));
				assert_int_equal(count_substr(msg,
				    "Content-Disposition: attachment; "
				    "filename=\"invite.ics\""), 1);
			} else {
				assert_non_null(strstr(h,
				    "Content-Type: multipart/alternative;"));
				assert_null(strstr(msg, "text/calendar"));
			}
			assert_int_equal(count_substr(msg,
			    "Content-Type: text/plain; charset=utf-8\r\n"
			    "Content-Transfer-Encoding: quoted-printable"), 1);
			assert_int_equal(count_substr(msg,
			    "Content-Type: text/html; charset=utf-8\r\n"
			    "Content-Transfer-Encoding: quoted-printable"), 1);
			free(h);

			subj = mail_subject(&m);
			assert_non_null(subj);
			assert_non_null(strstr(subj, "29"));
			assert_non_null(strstr(subj, "09:00"));

			if (have_python) {
				const char *args[] = {
				    "--subject", subj,
				    "--to-name", m.to_name,
				    "--to-addr", m.to_addr,
				    "--contains", intro[li][k],
				    "--contains", when[li],
				    "--html-contains", intro[li][k],
				    "--no-header", "Bcc",
				    m.ics != NULL ? "--method" : NULL,
				    k == MAIL_CANCEL ? "CANCEL" : "REQUEST",
				    NULL };
				assert_int_equal(check_with_python(msg, len,
				    args), 0);
			}
			free(subj);
			free(msg);
		}
}

static void
test_subjects(void **state)
{
	struct mail_msg	 m;
	char		*s;

	sample(&m, MAIL_INVITE, "en");
	s = mail_subject(&m);
	assert_string_equal(s, "Booking confirmed: Cours de "
	    "math\xc3\xa9matiques with Marie Dupr\xc3\xa9, Monday 29 March "
	    "2027, 09:00");
	free(s);
	sample(&m, MAIL_WORKER_CANCEL, "nl");
	s = mail_subject(&m);
	assert_string_equal(s, "Boeking geannuleerd: Zo\xc3\xab, Cours de "
	    "math\xc3\xa9matiques, maandag 29 maart 2027, 09:00");
	free(s);
	sample(&m, MAIL_REMINDER, "fr");
	m.timezone = "America/New_York";	/* 03:00 EDT */
	s = mail_subject(&m);
	assert_string_equal(s, "Rappel : Cours de math\xc3\xa9matiques avec "
	    "Marie Dupr\xc3\xa9, lundi 29 mars 2027, 03:00");
	free(s);
	/* An unknown locale is English, an unknown zone UTC. */
	sample(&m, MAIL_UPDATE, "de");
	m.timezone = "Mars/Olympus";
	s = mail_subject(&m);
	assert_non_null(strstr(s, "Booking moved: "));
	assert_non_null(strstr(s, ", 07:00"));
	free(s);
}

/* An ASCII subject stays readable; "=?" in it is encoded all the same. */
static void
test_ascii_headers(void **state)
{
	struct mail_msg	 m;
	char		*msg;
	size_t		 len;

	sample(&m, MAIL_INVITE, "en");
	m.service_title = "Maths";
	m.worker_name = "Marie";
	m.to_name = "Jean \"JP\" Peeters";
	msg = mail_compose(&m, &len);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "\r\nSubject: Booking confirmed: Maths "
	    "with Marie, Monday 29 March 2027, 09:00\r\n"));
	assert_non_null(strstr(msg,
	    "\r\nTo: \"Jean \\\"JP\\\" Peeters\" <zoe@example.org>\r\n"));
	if (have_python) {
		const char *args[] = { "--to-name", "Jean \"JP\" Peeters",
		    "--method", "REQUEST", NULL };
		assert_int_equal(check_with_python(msg, len, args), 0);
	}
	free(msg);

	/* A short encoded name stays on the address's line. */
	sample(&m, MAIL_INVITE, "en");
	msg = mail_compose(&m, &len);
	assert_non_null(msg);
	assert_non_null(strstr(msg,
	    "\r\nTo: =?utf-8?B?Wm/Dqw==?= <zoe@example.org>\r\n"));
	free(msg);

	m.service_title = "=?utf-8?B?QmNjOiB4?=";
	m.worker_name = "Marie";
	msg = mail_compose(&m, &len);
	assert_non_null(msg);
	assert_null(strstr(msg, "Subject: Booking confirmed: =?utf-8?B?QmNj"));
	if (have_python) {
		const char *args[] = { "--subject", "Booking confirmed: "
		    "=?utf-8?B?QmNjOiB4?= with Marie, Monday 29 March 2027, "
		    "09:00", "--no-header", "Bcc", "--method", "REQUEST", NULL };
		assert_int_equal(check_with_python(msg, len, args), 0);
	}
	free(msg);
}

/* Long non-ASCII names fold into several encoded-words within 78 columns. */
static void
test_long_names_fold(void **state)
{
	struct mail_msg	 m;
	char		 name[400], *msg;
	size_t		 len, i;

	for (i = 0; i + 2 < 380; i += 2)
		memcpy(name + i, "\xc3\xa9", 2);	/* é, never split */
	name[i] = '\0';
	sample(&m, MAIL_INVITE, "fr");
	m.to_name = name;
	m.client_name = name;
	msg = mail_compose(&m, &len);
	assert_non_null(msg);
	assert_crlf_and_short(msg, len);
	if (have_python) {
		const char *args[] = { "--to-name", name, "--method",
		    "REQUEST", NULL };
		assert_int_equal(check_with_python(msg, len, args), 0);
	}
	free(msg);
}

static void
test_injection(void **state)
{
	struct mail_msg	 m;
	char		*msg, *h;
	size_t		 len;
	const char	*note = "--xyz\n"
	    "Content-Type: text/html\n"
	    "\n"
	    "<script>alert(1)</script>\n"
	    "--=_creneau_0123456789abcdef0123456789abcdef--\n"
	    ".\n"
	    "Bcc: evil@attacker.test";

	sample(&m, MAIL_INVITE, "en");
	m.to_name = "Jean\r\nBcc: evil@attacker.test";
	m.client_name = "Jean\r\nBcc: evil@attacker.test";
	m.worker_name = "Marie\nX-Evil: 1";
	m.service_title = "Maths\r\n\r\n--xyz";
	m.note = note;
	msg = mail_compose(&m, &len);
	assert_non_null(msg);
	h = headers_of(msg);
	assert_int_equal(header_count(h, "Bcc"), 0);
	assert_int_equal(header_count(h, "X-Evil"), 0);
	assert_int_equal(header_count(msg, "Bcc"), 0);
	assert_int_equal(header_count(msg, "X-Evil"), 0);
	/* Only our own part headers: three in the alternative, one more. */
	assert_int_equal(header_count(msg, "Content-Type"), 6);
	assert_only_own_boundaries(msg, 1);
	assert_crlf_and_short(msg, len);
	free(h);
	if (have_python) {
		const char *args[] = { "--no-header", "Bcc",
		    "--no-header", "X-Evil",
		    "--to-name", "Jean Bcc: evil@attacker.test",
		    "--contains", "    --xyz\n    Content-Type: text/html\n",
		    "--html-contains", "&lt;script&gt;",
		    "--html-absent", "<script>",
		    "--method", "REQUEST", NULL };
		assert_int_equal(check_with_python(msg, len, args), 0);
	}
	free(msg);

	/* Addresses and Message-IDs are refused, not repaired. */
	sample(&m, MAIL_INVITE, "en");
	m.to_addr = "zoe@example.org\r\nBcc: evil@attacker.test";
	assert_null(mail_compose(&m, NULL));
	m.to_addr = "Zoe <zoe@example.org>";
	assert_null(mail_compose(&m, NULL));
	m.to_addr = "zoe@example.org";
	m.reply_to_addr = "a@b@c";
	assert_null(mail_compose(&m, NULL));
	m.reply_to_addr = NULL;
	m.message_id = "x@y>\r\nBcc: e@f";
	assert_null(mail_compose(&m, NULL));
	m.message_id = "no-at-sign";
	assert_null(mail_compose(&m, NULL));
}

static void
test_method_must_match(void **state)
{
	struct mail_msg	 m;
	char		*msg;

	sample(&m, MAIL_INVITE, "en");
	m.ics = ics_cancel;
	assert_null(mail_compose(&m, NULL));
	sample(&m, MAIL_CANCEL, "en");
	m.ics = ics_request;
	assert_null(mail_compose(&m, NULL));
	sample(&m, MAIL_UPDATE, "en");
	m.ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";
	assert_null(mail_compose(&m, NULL));
	m.ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST;X=1\r\nEND:VCALENDAR\r\n";
	assert_null(mail_compose(&m, NULL));
	/* The invites need their file; the notices do not. */
	sample(&m, MAIL_INVITE, "en");
	m.ics = NULL;
	assert_null(mail_compose(&m, NULL));
	/* A reminder may carry the invite, with its method. */
	sample(&m, MAIL_REMINDER, "nl");
	msg = mail_compose(&m, NULL);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "method=REQUEST\r\n"));
	free(msg);
	/* A notice to the worker may attach the file too. */
	sample(&m, MAIL_WORKER_NEW, "fr");
	m.ics = ics_request;
	msg = mail_compose(&m, NULL);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "filename=\"invite.ics\""));
	free(msg);
}

/*
 * With the real calendar file from ics.c (folded lines, escaped text, a
 * typed note and a name with a comma): the invite and the cancellation
 * carry it inline and attached, with the method of the file.
 */
static void
test_with_real_ics(void **state)
{
	struct booking		 bk;
	struct worker		 w;
	struct service		 sv;
	struct ics_invite	 in;
	struct mail_msg		 m;
	char			*ics, *msg;
	size_t			 len;
	int			 cancel;

	for (cancel = 0; cancel <= 1; cancel++) {
		memset(&bk, 0, sizeof(bk));
		memset(&w, 0, sizeof(w));
		memset(&sv, 0, sizeof(sv));
		strcpy(bk.id, "0b8a3c1e-5f43-4f1b-9d6a-2c7e51b0f1aa");
		bk.status = cancel ? BOOKING_CANCELLED : BOOKING_CONFIRMED;
		strcpy(bk.worker_id, "marie");
		strcpy(bk.service_id, "maths-60");
		bk.start = START;
		bk.end = END;
		bk.name = (char *)"Peeters, Zo\xc3\xab";
		bk.email = (char *)"zoe@example.org";
		bk.note = (char *)"--xyz\nContent-Type: text/html; a;b\\c";
		strcpy(bk.timezone, "Europe/Brussels");
		strcpy(bk.locale, "nl");
		bk.room_url = (char *)"https://meet.jit.si/creneau-0123456789ab";
		bk.sequence = cancel ? 2 : 0;
		strcpy(w.id, "marie");
		w.name = (char *)"Marie Dupr\xc3\xa9";
		w.email = (char *)"marie@example.org";
		strcpy(w.timezone, "Europe/Brussels");
		strcpy(w.locale, "fr");
		strcpy(sv.worker_id, "marie");
		strcpy(sv.id, "maths-60");
		sv.title = (char *)"Wiskunde \xe2\x80\x93 een uur met een "
		    "heel lange titel die zeker gevouwen moet worden";
		sv.description = (char *)"";
		sv.duration_min = 60;
		sv.capacity = 1;
		memset(&in, 0, sizeof(in));
		in.booking = &bk;
		in.worker = &w;
		in.service = &sv;
		in.manage_url = "https://book.example.org/b/x#tok";
		in.uid_domain = "book.example.org";
		in.dtstamp = 1803970800;
		ics = ics_invite_new(&in, NULL);
		assert_non_null(ics);

		sample(&m, cancel ? MAIL_CANCEL : MAIL_INVITE, "nl");
		m.ics = ics;
		m.client_name = bk.name;
		m.to_name = bk.name;
		m.service_title = sv.title;
		msg = mail_compose(&m, &len);
		assert_non_null(msg);
		assert_only_own_boundaries(msg, 1);
		assert_crlf_and_short(msg, len);
		if (have_python) {
			const char *args[] = { "--method",
			    cancel ? "CANCEL" : "REQUEST",
			    "--to-name", "Peeters, Zo\xc3\xab",
			    "--contains", cancel ? "Je afspraak is geannuleerd." :
			    "Je afspraak is bevestigd.", NULL };
			assert_int_equal(check_with_python(msg, len, args), 0);
		}
		free(msg);
		free(ics);
	}
}

/* Each message gets fresh boundaries; they never occur in the content. */
static void
test_boundaries_random(void **state)
{
	struct mail_msg	 m;
	char		*a, *b, *pa, *pb;

	sample(&m, MAIL_INVITE, "en");
	a = mail_compose(&m, NULL);
	b = mail_compose(&m, NULL);
	assert_non_null(a);
	assert_non_null(b);
	pa = strstr(a, "boundary=\"");
	pb = strstr(b, "boundary=\"");
	assert_non_null(pa);
	assert_non_null(pb);
	assert_memory_not_equal(pa, pb, 40);
	free(a);
	free(b);
}

/* What the bodies say, and which links become links. */
static void
test_texts(void **state)
{
	struct mail_msg	 m;
	char		*t, *h;

	sample(&m, MAIL_WORKER_NEW, "en");
	m.note = "line one\r\nline two\n\tindented ";
	t = mail_text_plain(&m);
	assert_non_null(t);
	assert_non_null(strstr(t, "Hello Marie Dupr\xc3\xa9,\n"));
	assert_non_null(strstr(t, "Client: Zo\xc3\xab\n"));
	assert_non_null(strstr(t, "E-mail: zoe@example.org\n"));
	assert_non_null(strstr(t, "    line one\n    line two\n    \t"));
	assert_non_null(strstr(t, "Video link: https://meet.jit.si/"));
	assert_null(strstr(t, "invite.ics"));
	free(t);
	sample(&m, MAIL_CANCEL, "fr");
	t = mail_text_plain(&m);
	assert_non_null(strstr(t, "Motif : Malade\n"));
	assert_null(strstr(t, "Lien vid\xc3\xa9o"));	/* no room: cancelled */
	assert_null(strstr(t, "https://book.example.org"));
	free(t);
	sample(&m, MAIL_INVITE, "en");
	m.manage_url = "javascript:alert(1)";
	h = mail_text_html(&m);
	assert_null(strstr(h, "href=\"javascript"));
	assert_non_null(strstr(h,
	    "<a href=\"https://meet.jit.si/creneau-0123456789abcdef\">"));
	assert_non_null(strstr(h, "<html lang=\"en\">"));
	free(h);
}

static void
test_reminders(void **state)
{
	int	 v[MAIL_REMINDERS_MAX];
	size_t	 n;

	assert_int_equal(mail_parse_reminders("24h,1h", v, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0], 1440);
	assert_int_equal(v[1], 60);
	assert_int_equal(mail_parse_reminders("30m", v, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0], 30);
	assert_int_equal(mail_parse_reminders("15m, 2d ,90m", v, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0], 2880);
	assert_int_equal(v[1], 90);
	assert_int_equal(v[2], 15);
	assert_int_equal(mail_parse_reminders("", v, 8, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mail_parse_reminders("none", v, 8, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mail_parse_reminders("30d", v, 8, &n), 0);
	assert_int_equal(v[0], MAIL_REMINDER_MAX_MIN);

	n = 99;
	assert_int_equal(mail_parse_reminders("24", v, 8, &n), -1);
	assert_int_equal(n, 0);
	assert_int_equal(mail_parse_reminders("24h,", v, 8, &n), -1);
	assert_int_equal(mail_parse_reminders(",1h", v, 8, &n), -1);
	assert_int_equal(mail_parse_reminders("24h,,1h", v, 8, &n), -1);
	assert_int_equal(mail_parse_reminders("0m", v, 8, &n), -1);
	assert_int_equal(mail_parse_reminders("-1h", v, 8, &n), -1);
	assert_int_equal(mail_parse_reminders("1h,60m", v, 8, &n), -1);
	assert_int_equal(mail_parse_reminders("31d", v, 8, &n), -1);
	assert_int_equal(mail_parse_reminders("99999999999999999999m", v, 8,
	    &n), -1);
	assert_int_equal(mail_parse_reminders("1x", v, 8, &n), -1);
	assert_int_equal(mail_parse_reminders("1h 2h", v, 8, &n), -1);
	assert_int_equal(mail_parse_reminders("1hh", v, 8, &n), -1);
	assert_int_equal(mail_parse_reminders("1h,2h,3h", v, 2, &n), -1);
	assert_int_equal(mail_parse_reminders("1H", v, 8, &n), -1);
}

static void
test_password_file(void **state)
{
	struct mail_config	 c;
	char			 path[128];

	memset(&c, 0, sizeof(c));
	snprintf(path, sizeof(path), "%s/pw", tmpdir);
	c.smtp_password_file = strdup(path);
	c.smtp_url = strdup("smtp://127.0.0.1:25");
	assert_true(mail_config_enabled(&c));

	write_file(path, "s3cret pass\n", 12, 0600);
	assert_int_equal(mail_config_load_password(&c), 0);
	assert_string_equal(c.password, "s3cret pass");
	write_file(path, "other\r\n", 7, 0640);	/* warns, accepts */
	assert_int_equal(mail_config_load_password(&c), 0);
	assert_string_equal(c.password, "other");
	write_file(path, "nonl", 4, 0400);
	assert_int_equal(mail_config_load_password(&c), 0);
	assert_string_equal(c.password, "nonl");
	write_file(path, "open\n", 5, 0644);
	assert_int_equal(mail_config_load_password(&c), -1);
	write_file(path, "\n", 1, 0600);
	assert_int_equal(mail_config_load_password(&c), -1);
	write_file(path, "a\0b\n", 4, 0600);
	assert_int_equal(mail_config_load_password(&c), -1);
	unlink(path);
	assert_int_equal(mail_config_load_password(&c), -1);
	mail_config_clear(&c);
	assert_null(c.password);
	assert_false(mail_config_enabled(&c));
	/* No file configured: nothing to do. */
	assert_int_equal(mail_config_load_password(&c), 0);
}

static void
test_message_id(void **state)
{
	char	 a[128], b[128];

	assert_int_equal(mail_message_id_new("booking@creneau.test", a,
	    sizeof(a)), 0);
	assert_int_equal(mail_message_id_new("booking@creneau.test", b,
	    sizeof(b)), 0);
	assert_int_equal(strlen(a), 32 + 1 + strlen("creneau.test"));
	assert_string_equal(a + 33, "creneau.test");
	assert_string_not_equal(a, b);
	assert_int_equal(mail_message_id_new("nodomain", a, sizeof(a)), -1);
	assert_int_equal(mail_message_id_new("a@b.test", a, 20), -1);
}

/* --- sending, against tests/mail/smtp_sink.py --- */

struct sink {
	pid_t	 pid;
	int	 port;
	int	 fd;		/* its stdout, open until it stops */
	char	 dir[128];
};

static void
sink_stop(struct sink *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	close(s->fd);
}

static int
sink_start(struct sink *s, const char *name, const char *extra1,
    const char *extra2)
{
	char		 line[32], *argv[12];
	struct pollfd	 pfd;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd[2];

	snprintf(s->dir, sizeof(s->dir), "%s/%s", tmpdir, name);
	if (pipe(fd) == -1)
		return -1;
	argv[n++] = (char *)PYTHON;
	argv[n++] = (char *)SMTP_SINK;
	argv[n++] = (char *)"--port";
	argv[n++] = (char *)"0";
	argv[n++] = (char *)"--max-seconds";
	argv[n++] = (char *)"60";
	argv[n++] = (char *)"--dir";
	argv[n++] = s->dir;
	if (extra1 != NULL) {
		argv[n++] = (char *)extra1;
		argv[n++] = (char *)extra2;
	}
	argv[n] = NULL;
	if ((s->pid = fork()) == -1)
		return -1;
	if (s->pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	pfd.fd = fd[0];
	pfd.events = POLLIN;
	memset(line, 0, sizeof(line));
	r = 0;
	if (poll(&pfd, 1, 10000) == 1)
		r = read(fd[0], line, sizeof(line) - 1);
	s->fd = fd[0];
	s->port = r > 0 && strchr(line, '\n') != NULL ? atoi(line) : 0;
	if (s->port <= 0) {
		sink_stop(s);
		return -1;
	}
	return 0;
}


/* How many .eml files the sink stored. */
static int
sink_count(const struct sink *s)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 l;
	int		 n = 0;

	if ((d = opendir(s->dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		l = strlen(e->d_name);
		if (l > 4 && strcmp(e->d_name + l - 4, ".eml") == 0)
			n++;
	}
	closedir(d);
	return n;
}

static void
config_for(struct mail_config *c, int port)
{
	char	 url[64];

	memset(c, 0, sizeof(*c));
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	c->smtp_url = strdup(url);
	c->mail_from = strdup("booking@creneau.test");
	c->connect_timeout = 5;
	c->timeout = 20;
}

static void
test_send(void **state)
{
	struct sink		 s;
	struct mail_config	 c;
	struct mail_msg		 m;
	char			 err[256], path[256], *msg, *got;
	size_t			 len, glen;

	if (!have_sink)
		skip();
	assert_int_equal(sink_start(&s, "send", NULL, NULL), 0);
	config_for(&c, s.port);
	sample(&m, MAIL_INVITE, "fr");
	/* A line that is a lone dot must survive SMTP's dot-stuffing. */
	m.note = ".\n..\nfin";
	msg = mail_compose(&m, &len);
	assert_non_null(msg);
	assert_int_equal(mail_send(&c, "booking@creneau.test",
	    "zoe@example.org", msg, len, err, sizeof(err)), MAIL_SENT);
	assert_int_equal(sink_count(&s), 1);
	snprintf(path, sizeof(path), "%s/0001.eml", s.dir);
	got = read_file(path, &glen);
	assert_non_null(got);
	assert_int_equal(glen, len);
	assert_memory_equal(got, msg, len);
	if (have_python) {
		const char *args[] = { "--method", "REQUEST", "--to-addr",
		    "zoe@example.org", "--contains", "    .\n    ..\n    fin",
		    NULL };
		snprintf(path, sizeof(path), "%s/0001.eml", s.dir);
		assert_int_equal(check_with_python(got, glen, args), 0);
	}
	free(got);

	/* 550 on the recipient: permanent, nothing stored. */
	assert_int_equal(mail_send(&c, "booking@creneau.test",
	    "reject-me@example.org", msg, len, err, sizeof(err)),
	    MAIL_PERMFAIL);
	assert_non_null(strstr(err, "550"));
	assert_int_equal(sink_count(&s), 1);
	/* Envelope addresses are checked like header ones. */
	assert_int_equal(mail_send(&c, "booking@creneau.test",
	    "a@b.test>\r\nRCPT TO:<c@d.test", msg, len, err, sizeof(err)),
	    MAIL_PERMFAIL);
	assert_int_equal(sink_count(&s), 1);
	sink_stop(&s);
	mail_config_clear(&c);
	free(msg);
}

static void
test_send_tempfail_then_ok(void **state)
{
	struct sink		 s;
	struct mail_config	 c;
	struct mail_msg		 m;
	char			 err[256], *msg;
	size_t			 len;

	if (!have_sink)
		skip();
	assert_int_equal(sink_start(&s, "tempfail", "--tempfail", "1"), 0);
	config_for(&c, s.port);
	sample(&m, MAIL_WORKER_NEW, "nl");
	msg = mail_compose(&m, &len);
	assert_non_null(msg);
	assert_int_equal(mail_send(&c, "booking@creneau.test",
	    "marie@example.org", msg, len, err, sizeof(err)), MAIL_TEMPFAIL);
	assert_non_null(strstr(err, "451"));
	assert_int_equal(sink_count(&s), 0);
	assert_int_equal(mail_send(&c, "booking@creneau.test",
	    "marie@example.org", msg, len, err, sizeof(err)), MAIL_SENT);
	assert_int_equal(sink_count(&s), 1);
	sink_stop(&s);
	mail_config_clear(&c);
	free(msg);
}

static void
test_send_auth(void **state)
{
	struct sink		 s;
	struct mail_config	 c;
	char			 err[256], pw[128];
	const char		*msg = "Subject: t\r\n\r\nbody\r\n";

	if (!have_sink)
		skip();
	assert_int_equal(sink_start(&s, "auth", "--auth", "creneau:p4ss"), 0);
	config_for(&c, s.port);
	/* No credentials: the server demands AUTH (530), try again later. */
	assert_int_equal(mail_send(&c, "booking@creneau.test",
	    "zoe@example.org", msg, strlen(msg), err, sizeof(err)),
	    MAIL_TEMPFAIL);
	assert_int_equal(sink_count(&s), 0);
	snprintf(pw, sizeof(pw), "%s/smtp-pw", tmpdir);
	write_file(pw, "wrong\n", 6, 0600);
	c.smtp_user = strdup("creneau");
	c.smtp_password_file = strdup(pw);
	assert_int_equal(mail_config_load_password(&c), 0);
	assert_int_equal(mail_send(&c, "booking@creneau.test",
	    "zoe@example.org", msg, strlen(msg), err, sizeof(err)),
	    MAIL_TEMPFAIL);
	assert_int_equal(sink_count(&s), 0);
	write_file(pw, "p4ss\n", 5, 0600);
	assert_int_equal(mail_config_load_password(&c), 0);
	assert_int_equal(mail_send(&c, "booking@creneau.test",
	    "zoe@example.org", msg, strlen(msg), err, sizeof(err)),
	    MAIL_SENT);
	assert_int_equal(sink_count(&s), 1);
	unlink(pw);
	sink_stop(&s);
	mail_config_clear(&c);
}

/* Nobody listening: a temporary failure, to be retried. */
static void
test_send_refused(void **state)
{
	struct sockaddr_in	 sin;
	struct mail_config	 c;
	socklen_t		 sl = sizeof(sin);
	char			 err[256];
	const char		*msg = "Subject: t\r\n\r\nbody\r\n";
	int			 fd;

	/* A port that was free a moment ago, and is closed now. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	close(fd);
	config_for(&c, ntohs(sin.sin_port));
	assert_int_equal(mail_send(&c, "booking@creneau.test",
	    "zoe@example.org", msg, strlen(msg), err, sizeof(err)),
	    MAIL_TEMPFAIL);
	assert_true(err[0] != '\0');
	mail_config_clear(&c);
	/* Not configured at all: also "later", never "sent". */
	assert_int_equal(mail_send(&c, "booking@creneau.test",
	    "zoe@example.org", msg, strlen(msg), err, sizeof(err)),
	    MAIL_TEMPFAIL);
}

static void
rm_tree(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		 p[512];
	struct stat	 st;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static int
setup(void **state)
{
	char	*py_email[] = { (char *)PYTHON, (char *)"-c",
	    (char *)"import email.policy", NULL };
	char	*py_sink[] = { (char *)PYTHON, (char *)"-c",
	    (char *)"import aiosmtpd.smtp", NULL };

	if (tz_init(NULL) == -1)
		return -1;
	if (mail_global_init() == -1)
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/creneau-mail-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	have_python = access(PYTHON, X_OK) == 0 &&
	    access(CHECK_MAIL, R_OK) == 0 && run(py_email) == 0;
	have_sink = have_python && access(SMTP_SINK, R_OK) == 0 &&
	    run(py_sink) == 0;
	if (!have_python)
		fprintf(stderr, "test_mail: no %s, Python checks skipped\n",
		    PYTHON);
	return 0;
}

static int
teardown(void **state)
{
	rm_tree(tmpdir);
	mail_global_cleanup();
	tz_shutdown();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compose_every_kind_and_locale),
		cmocka_unit_test(test_subjects),
		cmocka_unit_test(test_ascii_headers),
		cmocka_unit_test(test_long_names_fold),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_method_must_match),
		cmocka_unit_test(test_with_real_ics),
		cmocka_unit_test(test_boundaries_random),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_reminders),
		cmocka_unit_test(test_password_file),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_send),
		cmocka_unit_test(test_send_tempfail_then_ok),
		cmocka_unit_test(test_send_auth),
		cmocka_unit_test(test_send_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
