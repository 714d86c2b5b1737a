/*
 * mail_text.c: what the e-mails say, in French, Dutch and English.
 *
 * Everything here is pure: it writes UTF-8 text with LF line ends; mail.c
 * turns it into MIME parts. Text that a client or a worker typed is never
 * used as a format string; in HTML it is escaped, in one-line places
 * (subject, table cells) its control characters become spaces.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "tzconv.h"

struct mail_locale {
	const char	*code;
	const char	*wday[7];		/* Monday first */
	const char	*month[12];
	const char	*subject[MAIL_KIND_COUNT];	/* prefix */
	const char	*intro[MAIL_KIND_COUNT];
	const char	*colon;			/* after a label */
	const char	*with;			/* "service with worker" */
	const char	*hello;
	const char	*l_what;
	const char	*l_with;
	const char	*l_when;
	const char	*l_client;
	const char	*l_email;
	const char	*l_video;
	const char	*l_note;
	const char	*l_reason;
	const char	*manage;
	const char	*attached;
	const char	*attached_cancel;
	const char	*footer;
};

static const struct mail_locale locales[] = {
	{
		"en",
		{ "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
		  "Saturday", "Sunday" },
		{ "January", "February", "March", "April", "May", "June",
		  "July", "August", "September", "October", "November",
		  "December" },
		{ "Booking confirmed: ", "Booking moved: ",
		  "Booking cancelled: ", "New booking: ",
		  "Booking cancelled: ", "Reminder: " },
		{ "Your booking is confirmed.",
		  "Your booking has been moved to a new time.",
		  "Your booking has been cancelled.",
		  "You have a new booking.",
		  "A booking has been cancelled.",
		  "A reminder of your upcoming session." },
		": ", "with", "Hello",
		"What", "With", "When", "Client", "E-mail", "Video link",
		"Note", "Reason",
		"To reschedule or cancel:",
		"The invitation is attached (invite.ics): open it to add the "
		"session to your calendar.",
		"The attached cancellation (invite.ics) removes the session "
		"from your calendar.",
		"This is an automatic message."
	},
	{
		"fr",
		{ "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
		  "dimanche" },
		{ "janvier", "f\u00e9vrier", "mars", "avril", "mai", "juin",
		  "juillet", "ao\u00fbt", "septembre", "octobre", "novembre",
		  "d\u00e9cembre" },
		{ "R\u00e9servation confirm\u00e9e : ",
		  "R\u00e9servation d\u00e9plac\u00e9e : ",
		  "R\u00e9servation annul\u00e9e : ",
		  "Nouvelle r\u00e9servation : ",
		  "R\u00e9servation annul\u00e9e : ",
		  "Rappel : " },
		{ "Votre r\u00e9servation est confirm\u00e9e.",
		  "Votre r\u00e9servation a \u00e9t\u00e9 d\u00e9plac\u00e9e.",
		  "Votre r\u00e9servation a \u00e9t\u00e9 annul\u00e9e.",
		  "Vous avez une nouvelle r\u00e9servation.",
		  "Une r\u00e9servation a \u00e9t\u00e9 annul\u00e9e.",
		  "Petit rappel de votre prochaine s\u00e9ance." },
		" : ", "avec", "Bonjour",
		"Quoi", "Avec", "Quand", "Client", "E-mail", "Lien vid\u00e9o",
		"Note", "Motif",
		"Pour d\u00e9placer ou annuler :",
		"L'invitation est jointe (invite.ics) : ouvrez-la pour ajouter "
		"la s\u00e9ance \u00e0 votre agenda.",
		"L'annulation jointe (invite.ics) retire la s\u00e9ance de "
		"votre agenda.",
		"Ceci est un message automatique."
	},
	{
		"nl",
		{ "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag",
		  "zaterdag", "zondag" },
		{ "januari", "februari", "maart", "april", "mei", "juni",
		  "juli", "augustus", "september", "oktober", "november",
		  "december" },
		{ "Afspraak bevestigd: ", "Afspraak verplaatst: ",
		  "Afspraak geannuleerd: ", "Nieuwe boeking: ",
		  "Boeking geannuleerd: ", "Herinnering: " },
		{ "Je afspraak is bevestigd.",
		  "Je afspraak is verplaatst naar een nieuw tijdstip.",
		  "Je afspraak is geannuleerd.",
		  "Je hebt een nieuwe boeking.",
		  "Een boeking is geannuleerd.",
		  "Een herinnering aan je volgende sessie." },
		": ", "met", "Hallo",
		"Wat", "Met", "Wanneer", "Klant", "E-mail", "Videolink",
		"Notitie", "Reden",
		"Verplaatsen of annuleren:",
		"De uitnodiging zit in de bijlage (invite.ics): open ze om de "
		"sessie aan je agenda toe te voegen.",
		"De bijgevoegde annulering (invite.ics) haalt de sessie uit je "
		"agenda.",
		"Dit is een automatisch bericht."
	},
};

static const struct mail_locale *
locale_get(const char *code)
{
	size_t	 i;

	if (code != NULL)
		for (i = 0; i < sizeof(locales) / sizeof(locales[0]); i++)
			if (strcmp(locales[i].code, code) == 0)
				return &locales[i];
	return &locales[0];
}

static int
for_worker(enum mail_kind k)
{
	return k == MAIL_WORKER_NEW || k == MAIL_WORKER_CANCEL;
}

static int
is_cancel(enum mail_kind k)
{
	return k == MAIL_CANCEL || k == MAIL_WORKER_CANCEL;
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/*
 * Writes s on one line: control characters (C0, DEL, and the C1 range
 * U+0080..U+009F as UTF-8) become spaces, so that nothing typed can start a
 * new line where one line is meant.
 */
static void
put_line(FILE *f, const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)nz(s); *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fputc(' ', f);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc(' ', f);
			p++;
		} else
			fputc(*p, f);
	}
}

/* Multi-line text (a note): CR LF and CR become LF, other controls spaces. */
static void
put_block(FILE *f, const char *s, const char *indent)
{
	const unsigned char	*p;

	fputs(indent, f);
	for (p = (const unsigned char *)nz(s); *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n') {
			if (*p == '\r' && p[1] == '\n')
				p++;
			fputc('\n', f);
			fputs(indent, f);
		} else if (*p < 0x20 || *p == 0x7f)
			fputc(*p == '\t' ? '\t' : ' ', f);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc(' ', f);
			p++;
		} else
			fputc(*p, f);
	}
}

/* HTML text content and attribute values: escapes all five specials. */
static void
put_html(FILE *f, const char *s, int multiline)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)nz(s); *p != '\0'; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		case '\r':
		case '\n':
			if (*p == '\r' && p[1] == '\n')
				p++;
			/* The break before the tag: typed text never starts a line. */
			fputs(multiline ? "\n<br>" : " ", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fputc(' ', f);
			else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
				fputc(' ', f);
				p++;
			} else
				fputc(*p, f);
		}
	}
}

/* Only web links become <a href>: a typed "javascript:" stays text. */
static int
is_web_url(const char *u)
{
	return u != NULL && (strncmp(u, "https://", 8) == 0 ||
	    strncmp(u, "http://", 7) == 0);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t	 q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Local date and minute of the day of t in zone z (NULL: UTC). */
static void
to_local(const struct zone *z, int64_t t, int32_t *date, int *minute)
{
	int64_t	 local, d;

	local = t + (z != NULL ? tz_offset_at(z, t) : 0);
	d = floor_div(local, 86400);
	*date = (int32_t)d;
	*minute = (int)((local - d * 86400) / 60);
}

static void
put_date(FILE *f, const struct mail_locale *lc, int32_t date)
{
	int	 y, m, d;

	date_to_ymd(date, &y, &m, &d);
	fprintf(f, "%s %d %s %d", lc->wday[date_weekday(date)], d,
	    lc->month[m - 1], y);
}

/*
 * "lundi 29 mars 2027, 09:00–10:00 (Europe/Brussels)"; the end gets its own
 * date when the session crosses midnight. An unknown zone shows UTC.
 */
static void
put_when(FILE *f, const struct mail_locale *lc, const struct mail_msg *m,
    int with_end)
{
	const struct zone	*z = NULL;
	int32_t			 d0, d1;
	int			 m0, m1;

	if (m->timezone != NULL)
		z = tz_get(m->timezone);
	to_local(z, m->start, &d0, &m0);
	to_local(z, m->end, &d1, &m1);
	put_date(f, lc, d0);
	fprintf(f, ", %02d:%02d", m0 / 60, m0 % 60);
	if (!with_end)
		return;
	fputs(" \u2013 ", f);
	if (d1 != d0) {
		put_date(f, lc, d1);
		fputs(", ", f);
	}
	fprintf(f, "%02d:%02d (%s)", m1 / 60, m1 % 60,
	    z != NULL ? tz_name(z) : "UTC");
}

/* Closes a memory stream; its text, or NULL (and freed) on error. */
static char *
finish(FILE *f, char **bufp)
{
	int	 bad;

	bad = ferror(f);
	/* open_memstream() sets *bufp for good only at fclose(). */
	if (fclose(f) != 0 || bad) {
		free(*bufp);
		*bufp = NULL;
	}
	return *bufp;
}

char *
mail_subject(const struct mail_msg *m)
{
	const struct mail_locale	*lc = locale_get(m->locale);
	FILE				*f;
	char				*buf = NULL;
	size_t				 len;

	if ((unsigned)m->kind >= MAIL_KIND_COUNT)
		return NULL;
	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	fputs(lc->subject[m->kind], f);
	if (for_worker(m->kind)) {
		put_line(f, m->client_name);
		fputs(", ", f);
		put_line(f, m->service_title);
	} else {
		put_line(f, m->service_title);
		fprintf(f, " %s ", lc->with);
		put_line(f, m->worker_name);
	}
	fputs(", ", f);
	put_when(f, lc, m, 0);
	return finish(f, &buf);
}

char *
mail_text_plain(const struct mail_msg *m)
{
	const struct mail_locale	*lc = locale_get(m->locale);
	FILE				*f;
	char				*buf = NULL;
	size_t				 len;
	int				 w = for_worker(m->kind);

	if ((unsigned)m->kind >= MAIL_KIND_COUNT)
		return NULL;
	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	fprintf(f, "%s ", lc->hello);
	put_line(f, w ? m->worker_name : m->client_name);
	fprintf(f, ",\n\n%s\n\n", lc->intro[m->kind]);

	fprintf(f, "%s%s", lc->l_what, lc->colon);
	put_line(f, m->service_title);
	if (w) {
		fprintf(f, "\n%s%s", lc->l_client, lc->colon);
		put_line(f, m->client_name);
		if (m->client_email != NULL) {
			fprintf(f, "\n%s%s", lc->l_email, lc->colon);
			put_line(f, m->client_email);
		}
	} else {
		fprintf(f, "\n%s%s", lc->l_with, lc->colon);
		put_line(f, m->worker_name);
	}
	fprintf(f, "\n%s%s", lc->l_when, lc->colon);
	put_when(f, lc, m, 1);
	if (m->room_url != NULL && !is_cancel(m->kind)) {
		fprintf(f, "\n%s%s", lc->l_video, lc->colon);
		put_line(f, m->room_url);
	}
	if (m->cancel_reason != NULL && *m->cancel_reason != '\0' &&
	    is_cancel(m->kind)) {
		fprintf(f, "\n%s%s", lc->l_reason, lc->colon);
		put_line(f, m->cancel_reason);
	}
	if (m->note != NULL && *m->note != '\0') {
		fprintf(f, "\n%s%s\n", lc->l_note, lc->colon);
		put_block(f, m->note, "    ");
	}
	fputs("\n", f);
	if (m->manage_url != NULL && m->kind != MAIL_CANCEL) {
		fprintf(f, "\n%s\n", lc->manage);
		put_line(f, m->manage_url);
		fputs("\n", f);
	}
	if (m->ics != NULL)
		fprintf(f, "\n%s\n", m->kind == MAIL_CANCEL ?
		    lc->attached_cancel : lc->attached);
	fprintf(f, "\n-- \n%s\n", lc->footer);
	return finish(f, &buf);
}

static void
html_row(FILE *f, const char *label, const char *value, const char *href,
    int multiline)
{
	fputs("<tr><th style=\"text-align:left;vertical-align:top;"
	    "padding-right:1em\">", f);
	put_html(f, label, 0);
	fputs("</th><td>", f);
	if (is_web_url(href)) {
		fputs("<a href=\"", f);
		put_html(f, href, 0);
		fputs("\">", f);
		put_html(f, value, 0);
		fputs("</a>", f);
	} else
		put_html(f, value, multiline);
	fputs("</td></tr>\n", f);
}

char *
mail_text_html(const struct mail_msg *m)
{
	const struct mail_locale	*lc = locale_get(m->locale);
	FILE				*f, *wf;
	char				*buf = NULL, *when = NULL, *subj;
	size_t				 len, wlen;
	int				 w = for_worker(m->kind);

	if ((unsigned)m->kind >= MAIL_KIND_COUNT)
		return NULL;
	if ((wf = open_memstream(&when, &wlen)) == NULL)
		return NULL;
	put_when(wf, lc, m, 1);
	if ((when = finish(wf, &when)) == NULL)
		return NULL;
	if ((subj = mail_subject(m)) == NULL) {
		free(when);
		return NULL;
	}
	if ((f = open_memstream(&buf, &len)) == NULL) {
		free(when);
		free(subj);
		return NULL;
	}
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", lc->code);
	put_html(f, subj, 0);
	fputs("</title>\n</head>\n<body style=\"font-family:sans-serif\">\n"
	    "<p>", f);
	put_html(f, lc->hello, 0);
	fputs(" ", f);
	put_html(f, w ? m->worker_name : m->client_name, 0);
	fputs(",</p>\n<p>", f);
	put_html(f, lc->intro[m->kind], 0);
	fputs("</p>\n<table>\n", f);
	html_row(f, lc->l_what, m->service_title, NULL, 0);
	if (w) {
		html_row(f, lc->l_client, m->client_name, NULL, 0);
		if (m->client_email != NULL)
			html_row(f, lc->l_email, m->client_email, NULL, 0);
	} else
		html_row(f, lc->l_with, m->worker_name, NULL, 0);
	html_row(f, lc->l_when, when, NULL, 0);
	if (m->room_url != NULL && !is_cancel(m->kind))
		html_row(f, lc->l_video, m->room_url, m->room_url, 0);
	if (m->cancel_reason != NULL && *m->cancel_reason != '\0' &&
	    is_cancel(m->kind))
		html_row(f, lc->l_reason, m->cancel_reason, NULL, 1);
	if (m->note != NULL && *m->note != '\0')
		html_row(f, lc->l_note, m->note, NULL, 1);
	fputs("</table>\n", f);
	if (m->manage_url != NULL && m->kind != MAIL_CANCEL) {
		fputs("<p>", f);
		put_html(f, lc->manage, 0);
		fputs("<br>\n", f);
		if (is_web_url(m->manage_url)) {
			fputs("<a href=\"", f);
			put_html(f, m->manage_url, 0);
			fputs("\">", f);
			put_html(f, m->manage_url, 0);
			fputs("</a>", f);
		} else
			put_html(f, m->manage_url, 0);
		fputs("</p>\n", f);
	}
	if (m->ics != NULL) {
		fputs("<p>", f);
		put_html(f, m->kind == MAIL_CANCEL ? lc->attached_cancel :
		    lc->attached, 0);
		fputs("</p>\n", f);
	}
	fputs("<p style=\"color:#666\">", f);
	put_html(f, lc->footer, 0);
	fputs("</p>\n</body>\n</html>\n", f);
	free(when);
	free(subj);
	return finish(f, &buf);
}
