/*
 * mail.c: the MIME structure of the e-mails (RFC 5322, 2045-2047, 6047) and
 * their delivery over SMTP with libcurl, the only file that uses libcurl.
 *
 * Everything a client typed ends up either in an RFC 2047 encoded-word or a
 * quoted-string (headers, with control characters removed first) or inside a
 * quoted-printable or base64 body, so it can never start a header line or a
 * MIME part. Boundaries are random, start with "=_" (which neither encoding
 * ever produces), and are checked against the encoded parts all the same.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "log.h"
#include "mail.h"

#define PASSWORD_MAX	4096
#define EW_CHUNK	42	/* bytes per encoded-word: 56 base64 chars */

/* A growing string; err sticks once an allocation failed. */
struct sbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 err;
};

static void
sb_addn(struct sbuf *b, const char *s, size_t n)
{
	char	*np;
	size_t	 ncap;

	if (b->err)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap ? b->cap : 1024;
		while (ncap < b->len + n + 1)
			ncap *= 2;
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

static void
sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char	 tmp[512];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->err = 1;
		return;
	}
	sb_addn(b, tmp, (size_t)n);
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of n bytes; wrap > 0 breaks lines (CRLF) every wrap characters. */
static void
sb_base64(struct sbuf *b, const unsigned char *s, size_t n, size_t wrap)
{
	char	 q[4];
	size_t	 i, col = 0;
	uint32_t v;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64chars[(v >> 18) & 63];
		q[1] = b64chars[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64chars[v & 63] : '=';
		if (wrap > 0 && col + 4 > wrap) {
			sb_add(b, "\r\n");
			col = 0;
		}
		sb_addn(b, q, 4);
		col += 4;
	}
	if (wrap > 0)
		sb_add(b, "\r\n");
}

/*
 * Quoted-printable (RFC 2045 6.7) of UTF-8 text with LF or CRLF line ends:
 * line ends become CRLF, lines are cut with soft breaks at 76 characters,
 * trailing white space and a leading dot are encoded.
 */
static void
sb_qp(struct sbuf *b, const char *text)
{
	const unsigned char	*p;
	char			 enc[4];
	size_t			 col = 0, w;
	int			 lit;

	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
			if (*p == '\r')
				p++;
			sb_add(b, "\r\n");
			col = 0;
			continue;
		}
		lit = (*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && p[1] != '\0' &&
		    p[1] != '\n' && p[1] != '\r');
		if (*p == '.' && col == 0)
			lit = 0;
		if (lit) {
			enc[0] = (char)*p;
			w = 1;
		} else {
			snprintf(enc, sizeof(enc), "=%02X", *p);
			w = 3;
		}
		if (col + w > 75) {
			sb_add(b, "=\r\n");
			col = 0;
			if (*p == '.') {
				snprintf(enc, sizeof(enc), "=%02X", *p);
				w = 3;
			}
		}
		sb_addn(b, enc, w);
		col += w;
	}
	if (col > 0)
		sb_add(b, "\r\n");
}

/*
 * Copies s into a new string on one line: control characters (C0, DEL, C1)
 * become spaces, runs of spaces one, and the ends are trimmed. This is what
 * keeps CR LF out of every header.
 */
static char *
header_clean(const char *s)
{
	const unsigned char	*p;
	char			*out, *o;

	if ((out = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	o = out;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		int	 sp = 0;

		if (*p < 0x20 || *p == 0x7f)
			sp = 1;
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			sp = 1;
			p++;
		}
		if (sp || *p == ' ') {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
		} else
			*o++ = (char)*p;
	}
	while (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

static int
is_ascii_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/*
 * RFC 2047 B encoded-words of UTF-8 text s, folded with CRLF SP between
 * words; a word never splits a UTF-8 sequence (RFC 2047 section 5).
 */
static void
sb_encoded_words(struct sbuf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), i = 0, j;

	while (i < n) {
		j = i + EW_CHUNK < n ? i + EW_CHUNK : n;
		/* Back up to the start of a UTF-8 sequence. */
		while (j < n && j > i + 1 && (p[j] & 0xc0) == 0x80)
			j--;
		if (i > 0)
			sb_add(b, "\r\n ");
		sb_add(b, "=?utf-8?B?");
		sb_base64(b, p + i, j - i, 0);
		sb_add(b, "?=");
		i = j;
	}
}

/* An unstructured header (Subject), encoded when it is not plain ASCII. */
static int
sb_header_text(struct sbuf *b, const char *name, const char *value)
{
	char	*v;

	if ((v = header_clean(value)) == NULL)
		return -1;
	sb_printf(b, "%s: ", name);
	if (is_ascii_printable(v) && strstr(v, "=?") == NULL &&
	    strlen(name) + 2 + strlen(v) <= 78)
		sb_add(b, v);
	else
		sb_encoded_words(b, v);
	sb_add(b, "\r\n");
	free(v);
	return 0;
}

/*
 * An address usable in a header and an SMTP envelope: one '@', nothing
 * that could end it (space, controls, brackets, quotes, commas...).
 * Non-ASCII UTF-8 is let through (RFC 6531/6532 addresses).
 */
static int
addr_ok(const char *a)
{
	const unsigned char	*p;
	const char		*at;

	if (a == NULL || *a == '\0' || strlen(a) > 254)
		return 0;
	if ((at = strchr(a, '@')) == NULL || at == a || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return 0;
	for (p = (const unsigned char *)a; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f || strchr("<>()[],;:\"\\", *p))
			return 0;
	return 1;
}

/*
 * "Name" <addr>, or =?utf-8?B?...?= <addr>, or just addr; the address goes
 * on a line of its own only when the line would pass 78 columns.
 */
static int
sb_header_addr(struct sbuf *b, const char *hname, const char *addr,
    const char *dname)
{
	struct sbuf	 ph = { 0 };
	char		*v = NULL;
	char		*p;

	if (!addr_ok(addr)) {
		log_warnx("mail: unusable %s address", hname);
		return -1;
	}
	if (dname != NULL) {
		if ((v = header_clean(dname)) == NULL)
			return -1;
		if (*v == '\0')
			;
		else if (is_ascii_printable(v) && strlen(v) <= 60) {
			sb_add(&ph, "\"");
			for (p = v; *p != '\0'; p++) {
				if (*p == '"' || *p == '\\')
					sb_add(&ph, "\\");
				sb_addn(&ph, p, 1);
			}
			sb_add(&ph, "\"");
		} else
			sb_encoded_words(&ph, v);
		free(v);
		if (ph.err) {
			free(ph.p);
			return -1;
		}
	}
	sb_printf(b, "%s: ", hname);
	if (ph.len > 0) {
		sb_add(b, ph.p);
		if (strchr(ph.p, '\n') != NULL ||
		    strlen(hname) + 2 + ph.len + strlen(addr) + 3 > 78)
			sb_add(b, "\r\n ");
		else
			sb_add(b, " ");
	}
	free(ph.p);
	sb_printf(b, "<%s>\r\n", addr);
	return 0;
}

/* The value of the METHOD property of ics, into buf; -1 when absent. */
static int
ics_method(const char *ics, char *buf, size_t len)
{
	const char	*p = ics;
	size_t		 n;

	for (;;) {
		if (strncmp(p, "METHOD:", 7) == 0) {
			p += 7;
			n = strcspn(p, "\r\n");
			if (n == 0 || n >= len)
				return -1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			for (p = buf; *p != '\0'; p++)
				if (!(isupper((unsigned char)*p) || *p == '-'))
					return -1;
			return 0;
		}
		if ((p = strchr(p, '\n')) == NULL)
			return -1;
		p++;
	}
}

/* nbytes (at most 32) random bytes as hex into out (2 * nbytes + 1). */
static int
random_hex(char *out, size_t nbytes)
{
	unsigned char	 r[32];
	size_t		 i, got = 0;
	ssize_t		 n;

	if (nbytes > sizeof(r))
		nbytes = sizeof(r);
	while (got < nbytes) {
		n = getrandom(r + got, nbytes - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_warn("getrandom");
			return -1;
		}
		got += (size_t)n;
	}
	for (i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
	return 0;
}

/* A boundary found in none of the n parts. Returns 0 or -1. */
static int
new_boundary(char *out, size_t len, const char **parts, size_t n)
{
	char	 hex[33];
	size_t	 i;

	for (;;) {
		if (random_hex(hex, 16) == -1)
			return -1;
		snprintf(out, len, "=_creneau_%s", hex);
		for (i = 0; i < n; i++)
			if (parts[i] != NULL && strstr(parts[i], out) != NULL)
				break;
		if (i == n)
			return 0;
	}
}

static void
sb_date(struct sbuf *b, int64_t t)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL) {
		b->err = 1;
		return;
	}
	sb_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Transfer-encodes the three bodies; each is its own sbuf. */
struct parts {
	struct sbuf	 plain;
	struct sbuf	 html;
	struct sbuf	 cal;
};

char *
mail_compose(const struct mail_msg *m, size_t *lenp)
{
	struct sbuf	 b = { 0 };
	struct parts	 pt = { { 0 }, { 0 }, { 0 } };
	char		*plain = NULL, *html = NULL, *subj = NULL;
	char		 method[32], bmix[48], balt[48];
	const char	*all[3];
	const char	*lang;

	if ((unsigned)m->kind >= MAIL_KIND_COUNT || m->service_title == NULL ||
	    m->worker_name == NULL || m->client_name == NULL) {
		log_warnx("mail: incomplete message");
		goto fail;
	}
	if (m->message_id == NULL || !addr_ok(m->message_id)) {
		log_warnx("mail: unusable Message-ID");
		goto fail;
	}
	if (m->ics != NULL) {
		if (ics_method(m->ics, method, sizeof(method)) == -1) {
			log_warnx("mail: calendar part without METHOD");
			goto fail;
		}
		if (((m->kind == MAIL_INVITE || m->kind == MAIL_UPDATE) &&
		    strcmp(method, "REQUEST") != 0) ||
		    (m->kind == MAIL_CANCEL && strcmp(method, "CANCEL") != 0)) {
			log_warnx("mail: METHOD:%s does not suit the message",
			    method);
			goto fail;
		}
	} else if (m->kind == MAIL_INVITE || m->kind == MAIL_UPDATE ||
	    m->kind == MAIL_CANCEL) {
		log_warnx("mail: an invite needs its calendar file");
		goto fail;
	}
	lang = m->locale != NULL && (strcmp(m->locale, "fr") == 0 ||
	    strcmp(m->locale, "nl") == 0) ? m->locale : "en";

	if ((plain = mail_text_plain(m)) == NULL ||
	    (html = mail_text_html(m)) == NULL ||
	    (subj = mail_subject(m)) == NULL)
		goto fail;
	sb_qp(&pt.plain, plain);
	sb_qp(&pt.html, html);
	if (m->ics != NULL)
		sb_base64(&pt.cal, (const unsigned char *)m->ics,
		    strlen(m->ics), 76);
	if (pt.plain.err || pt.html.err || pt.cal.err)
		goto fail;
	all[0] = pt.plain.p;
	all[1] = pt.html.p;
	all[2] = pt.cal.p;
	if (new_boundary(balt, sizeof(balt), all, 3) == -1)
		goto fail;
	do {
		if (new_boundary(bmix, sizeof(bmix), all, 3) == -1)
			goto fail;
	} while (strcmp(bmix, balt) == 0);

	sb_date(&b, m->date);
	if (sb_header_addr(&b, "From", m->from_addr, m->from_name) == -1 ||
	    sb_header_addr(&b, "To", m->to_addr, m->to_name) == -1)
		goto fail;
	if (m->reply_to_addr != NULL && sb_header_addr(&b, "Reply-To",
	    m->reply_to_addr, m->reply_to_name) == -1)
		goto fail;
	sb_printf(&b, "Message-ID: <%s>\r\n", m->message_id);
	if (sb_header_text(&b, "Subject", subj) == -1)
		goto fail;
	sb_add(&b, "MIME-Version: 1.0\r\n");
	sb_printf(&b, "Content-Language: %s\r\n", lang);
	/* RFC 3834; the second stops Exchange's out-of-office answers. */
	sb_add(&b, "Auto-Submitted: auto-generated\r\n"
	    "X-Auto-Response-Suppress: All\r\n");

	if (m->ics != NULL)
		sb_printf(&b, "Content-Type: multipart/mixed;\r\n"
		    " boundary=\"%s\"\r\n\r\n"
		    "This is a multi-part message in MIME format.\r\n"
		    "--%s\r\n", bmix, bmix);
	sb_printf(&b, "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"%s\"\r\n\r\n", balt);
	if (m->ics == NULL)
		sb_add(&b, "This is a multi-part message in MIME format.\r\n");
	sb_printf(&b, "--%s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", balt);
	sb_add(&b, pt.plain.p);
	sb_printf(&b, "--%s\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", balt);
	sb_add(&b, pt.html.p);
	if (m->ics != NULL) {
		sb_printf(&b, "--%s\r\n"
		    "Content-Type: text/calendar; charset=utf-8; method=%s\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n", balt, method);
		sb_add(&b, pt.cal.p);
	}
	sb_printf(&b, "--%s--\r\n", balt);
	if (m->ics != NULL) {
		sb_printf(&b, "--%s\r\n"
		    "Content-Type: application/ics; name=\"invite.ics\"\r\n"
		    "Content-Disposition: attachment; filename=\"invite.ics\"\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n", bmix);
		sb_add(&b, pt.cal.p);
		sb_printf(&b, "--%s--\r\n", bmix);
	}
	if (b.err)
		goto fail;
	free(plain);
	free(html);
	free(subj);
	free(pt.plain.p);
	free(pt.html.p);
	free(pt.cal.p);
	if (lenp != NULL)
		*lenp = b.len;
	return b.p;
fail:
	free(plain);
	free(html);
	free(subj);
	free(pt.plain.p);
	free(pt.html.p);
	free(pt.cal.p);
	free(b.p);
	return NULL;
}

int
mail_message_id_new(const char *from_addr, char *buf, size_t len)
{
	const char	*at;
	char		 hex[33];
	int		 n;

	if (!addr_ok(from_addr) || (at = strrchr(from_addr, '@')) == NULL)
		return -1;
	if (random_hex(hex, 16) == -1)
		return -1;
	n = snprintf(buf, len, "%s@%s", hex, at + 1);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return 0;
}

int
mail_parse_reminders(const char *spec, int *minutes, size_t max, size_t *n)
{
	const char	*p = spec;
	size_t		 k = 0, i, j;
	long		 v;
	int		 t;

	*n = 0;
	if (spec == NULL)
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || strcmp(p, "none") == 0)
		return 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (v = 0; isdigit((unsigned char)*p); p++) {
			v = v * 10 + (*p - '0');
			if (v > MAIL_REMINDER_MAX_MIN)
				return -1;
		}
		switch (*p++) {
		case 'm':
			break;
		case 'h':
			v *= 60;
			break;
		case 'd':
			v *= 60 * 24;
			break;
		default:
			return -1;
		}
		if (v <= 0 || v > MAIL_REMINDER_MAX_MIN || k >= max)
			return -1;
		for (i = 0; i < k; i++)
			if (minutes[i] == (int)v)
				return -1;
		minutes[k++] = (int)v;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return -1;
	}
	/* Largest first: the order in which they fall due. */
	for (i = 1; i < k; i++)
		for (j = i; j > 0 && minutes[j - 1] < minutes[j]; j--) {
			t = minutes[j];
			minutes[j] = minutes[j - 1];
			minutes[j - 1] = t;
		}
	*n = k;
	return 0;
}

int
mail_config_enabled(const struct mail_config *c)
{
	return c != NULL && c->smtp_url != NULL && *c->smtp_url != '\0';
}

int
mail_config_load_password(struct mail_config *c)
{
	char		 buf[PASSWORD_MAX + 2];
	struct stat	 st;
	ssize_t		 r;
	size_t		 len = 0, n;
	int		 fd = -1, rv = -1;

	if (c->smtp_password_file == NULL || *c->smtp_password_file == '\0')
		return 0;
	if ((fd = open(c->smtp_password_file, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("smtp_password_file %s", c->smtp_password_file);
		goto done;
	}
	if (fstat(fd, &st) == -1) {
		log_warn("smtp_password_file %s", c->smtp_password_file);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("smtp_password_file %s: not a regular file",
		    c->smtp_password_file);
		goto done;
	}
	if (st.st_mode & S_IROTH) {
		log_warnx("smtp_password_file %s: readable by anybody; "
		    "chmod o-r it", c->smtp_password_file);
		goto done;
	}
	if (st.st_mode & S_IRGRP)
		log_warnx("smtp_password_file %s: readable by its group",
		    c->smtp_password_file);
	while (len < sizeof(buf)) {
		r = read(fd, buf + len, sizeof(buf) - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			log_warn("smtp_password_file %s",
			    c->smtp_password_file);
			goto done;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > PASSWORD_MAX) {
		log_warnx("smtp_password_file %s: longer than %d bytes",
		    c->smtp_password_file, PASSWORD_MAX);
		goto done;
	}
	/* The first line; a trailing newline is an editor's, not ours. */
	for (n = 0; n < len && buf[n] != '\n' && buf[n] != '\r'; n++)
		if (buf[n] == '\0')
			break;
	if (n < len && buf[n] == '\0') {
		log_warnx("smtp_password_file %s: holds a NUL byte",
		    c->smtp_password_file);
		goto done;
	}
	if (n == 0) {
		log_warnx("smtp_password_file %s: empty",
		    c->smtp_password_file);
		goto done;
	}
	if (c->password != NULL) {
		explicit_bzero(c->password, strlen(c->password));
		free(c->password);
	}
	if ((c->password = strndup(buf, n)) == NULL) {
		log_warn("smtp_password_file");
		goto done;
	}
	rv = 0;
done:
	explicit_bzero(buf, sizeof(buf));
	if (fd != -1)
		close(fd);
	return rv;
}

void
mail_config_clear(struct mail_config *c)
{
	if (c == NULL)
		return;
	if (c->password != NULL)
		explicit_bzero(c->password, strlen(c->password));
	free(c->password);
	free(c->smtp_url);
	free(c->smtp_user);
	free(c->smtp_password_file);
	free(c->mail_from);
	free(c->mail_from_name);
	memset(c, 0, sizeof(*c));
}

int
mail_global_init(void)
{
	CURLcode	 rc;

	if ((rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		log_warnx("curl_global_init: %s", curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

void
mail_global_cleanup(void)
{
	curl_global_cleanup();
}

struct reader {
	const char	*p;
	size_t		 len;
	size_t		 off;
};

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct reader	*r = arg;
	size_t		 n = size * nitems;

	if (n > r->len - r->off)
		n = r->len - r->off;
	memcpy(buf, r->p + r->off, n);
	r->off += n;
	return n;
}

/* Is the URL's host this machine? Then plain-text AUTH risks nothing. */
static int
url_is_loopback(const char *url)
{
	CURLU	*u;
	char	*host = NULL;
	int	 lo = 0;

	if ((u = curl_url()) == NULL)
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		lo = strcmp(host, "localhost") == 0 ||
		    strncmp(host, "127.", 4) == 0 ||
		    strcmp(host, "[::1]") == 0;
	curl_free(host);
	curl_url_cleanup(u);
	return lo;
}

int
mail_send(const struct mail_config *c, const char *from, const char *rcpt,
    const char *msg, size_t len, char *err, size_t errlen)
{
	CURL			*h = NULL;
	struct curl_slist	*to = NULL;
	struct reader		 rd = { msg, len, 0 };
	char			 ebuf[CURL_ERROR_SIZE] = "";
	char			 envfrom[300], envto[300];
	long			 code = 0, ssl;
	CURLcode		 rc;
	int			 rv = MAIL_TEMPFAIL;

	if (errlen > 0)
		err[0] = '\0';
	if (!mail_config_enabled(c)) {
		snprintf(err, errlen, "no SMTP server configured");
		return MAIL_TEMPFAIL;
	}
	if (!addr_ok(from) || !addr_ok(rcpt)) {
		snprintf(err, errlen, "unusable envelope address");
		return MAIL_PERMFAIL;
	}
	snprintf(envfrom, sizeof(envfrom), "<%s>", from);
	snprintf(envto, sizeof(envto), "<%s>", rcpt);
	if ((h = curl_easy_init()) == NULL ||
	    (to = curl_slist_append(NULL, envto)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	/*
	 * smtps:// is TLS from the first byte. For smtp://, STARTTLS when the
	 * server offers it, and no password in clear to another machine.
	 */
	ssl = CURLUSESSL_TRY;
	if (c->smtp_user != NULL && c->password != NULL &&
	    !url_is_loopback(c->smtp_url))
		ssl = CURLUSESSL_ALL;

	if (curl_easy_setopt(h, CURLOPT_URL, c->smtp_url) != CURLE_OK ||
#if LIBCURL_VERSION_NUM >= 0x075500
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps") !=
	    CURLE_OK ||
#endif
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	    c->connect_timeout > 0 ? c->connect_timeout : 10L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT,
	    c->timeout > 0 ? c->timeout : 60L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_USE_SSL, ssl) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_MAIL_FROM, envfrom) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, to) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)len) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_READDATA, &rd) != CURLE_OK) {
		snprintf(err, errlen, "curl_easy_setopt failed");
		goto done;
	}
	if (c->smtp_user != NULL && c->password != NULL &&
	    (curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_user) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PASSWORD, c->password) != CURLE_OK)) {
		snprintf(err, errlen, "curl_easy_setopt failed");
		goto done;
	}

	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		rv = MAIL_SENT;
		goto done;
	}
	snprintf(err, errlen, "%s (SMTP %ld)",
	    ebuf[0] != '\0' ? ebuf : curl_easy_strerror(rc), code);
	/*
	 * A 5xx to RCPT or to the message itself will not change by trying
	 * again. Everything else may: the server down or busy (4xx), a
	 * timeout, or our own configuration (login refused, sender refused,
	 * no STARTTLS) which the administrator fixes, after which the queued
	 * mail should still go out.
	 */
	if (code >= 500 && code <= 599 && rc != CURLE_LOGIN_DENIED &&
	    strncmp(ebuf, "MAIL failed", 11) != 0)
		rv = MAIL_PERMFAIL;
done:
	curl_slist_free_all(to);
	if (h != NULL)
		curl_easy_cleanup(h);
	return rv;
}
