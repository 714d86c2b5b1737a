/*
 * mail.h: composing and sending the e-mails of SEMANTICS.md section 5.
 *
 * mail_compose() is pure: it turns one struct mail_msg into the full RFC 5322
 * text (CRLF line ends) of an RFC 6047 message, in the booking's locale.
 * mail_send() hands such a text to the configured SMTP server with libcurl
 * (mail.c is the only file that uses libcurl). The caller (the outbox thread)
 * keeps the text and the Message-ID in the database, so that a retry sends
 * the very same bytes.
 *
 * Depends on tzconv.h (local times in the recipient's zone): tz_init() must
 * have run before mail_compose() is called.
 */
#ifndef CRENEAU_MAIL_H
#define CRENEAU_MAIL_H

#include <stddef.h>
#include <stdint.h>

#define MAIL_REMINDERS_MAX	8
#define MAIL_REMINDER_MAX_MIN	(60 * 24 * 30)	/* 30 days before */

/*
 * The [mail] part of the configuration. The strings are owned (freed by
 * mail_config_clear()); password is filled by mail_config_load_password()
 * and is never taken from the command line.
 */
struct mail_config {
	char	*smtp_url;		/* smtps://host:465, smtp://host:587 */
	char	*smtp_user;		/* NULL: no authentication */
	char	*smtp_password_file;	/* NULL: no authentication */
	char	*mail_from;		/* bare address: booking@example.org */
	char	*mail_from_name;	/* display name, NULL: none */
	char	*password;		/* owned, wiped by mail_config_clear() */
	long	 connect_timeout;	/* seconds, 0: 10 */
	long	 timeout;		/* seconds for a whole send, 0: 60 */
	int	 reminders[MAIL_REMINDERS_MAX];	/* minutes, largest first */
	size_t	 nreminders;
};

/* True when an SMTP server is configured (else: no mail at all). */
int	mail_config_enabled(const struct mail_config *);

/*
 * Reads cfg->smtp_password_file into cfg->password: the first line, trailing
 * CR/LF stripped. Refuses a file that anybody may read (mode o+r), an empty
 * one and one over 4 KiB; warns when the group may read it. Start-up only.
 * Does nothing and returns 0 when no file is configured.
 * Returns 0, or -1 and logs why.
 */
int	mail_config_load_password(struct mail_config *);

/* Frees the strings, wipes the password; the struct may be reused. */
void	mail_config_clear(struct mail_config *);

/*
 * Parses a reminder list: "24h,1h", "30m", "2d, 90m", "" or "none" (no
 * reminders). Each item is a positive integer and a unit (m, h or d), at most
 * 30 days; duplicates, empty items, missing units and more than max items are
 * rejected. On success *n items are stored in minutes[], largest first.
 * Returns 0, or -1 (the value is garbage: a 422 or a start-up error).
 */
int	mail_parse_reminders(const char *spec, int *minutes, size_t max,
	    size_t *n);

enum mail_kind {
	MAIL_INVITE = 0,	/* to the client: new booking, METHOD:REQUEST */
	MAIL_UPDATE,		/* to the client: rescheduled, METHOD:REQUEST */
	MAIL_CANCEL,		/* to the client: cancelled, METHOD:CANCEL */
	MAIL_WORKER_NEW,	/* to the worker: a new booking */
	MAIL_WORKER_CANCEL,	/* to the worker: a cancellation */
	MAIL_REMINDER,		/* to the client, before the session */
	MAIL_KIND_COUNT
};

/*
 * Everything one message says. Nothing here is owned; NULL means "absent"
 * for the fields marked optional. Text fields are UTF-8 and may hold
 * anything a client typed: mail_compose() encodes and escapes them.
 */
struct mail_msg {
	enum mail_kind	 kind;
	const char	*locale;	/* "fr", "nl", "en"; other or NULL: en */
	const char	*from_addr;	/* envelope and From: address */
	const char	*from_name;	/* optional display name */
	const char	*to_addr;
	const char	*to_name;	/* optional display name */
	const char	*reply_to_addr;	/* optional (the worker, the client) */
	const char	*reply_to_name;	/* optional */
	const char	*message_id;	/* "left@right", no brackets */
	int64_t		 date;		/* the Date: header, when queued */

	const char	*service_title;
	const char	*worker_name;
	const char	*client_name;
	const char	*client_email;	/* optional, shown in worker notices */
	int64_t		 start;
	int64_t		 end;
	const char	*timezone;	/* IANA name to show times in */
	const char	*room_url;	/* optional */
	const char	*manage_url;	/* optional */
	const char	*cancel_reason;	/* optional */
	const char	*note;		/* optional, may hold line feeds */

	/*
	 * Optional iCalendar text (from ics.c). When present the message is
	 * RFC 6047: the file inline as text/calendar with method= equal to its
	 * METHOD, and again as an "invite.ics" attachment. The invite kinds
	 * need it, with METHOD:REQUEST (MAIL_INVITE, MAIL_UPDATE) or
	 * METHOD:CANCEL (MAIL_CANCEL).
	 */
	const char	*ics;
};

/*
 * Builds the whole message. Returns a NUL-terminated string the caller frees
 * (its length in *lenp when lenp is not NULL), or NULL and logs why: a
 * missing field, an address or Message-ID that cannot be put in a header, an
 * ics without METHOD or with one that does not suit the kind.
 */
char	*mail_compose(const struct mail_msg *, size_t *lenp);

/* The subject mail_compose() would use, decoded (UTF-8). Caller frees. */
char	*mail_subject(const struct mail_msg *);

/*
 * Internal to mail.c and mail_text.c (the localized texts): the bodies,
 * UTF-8 with LF line ends, before any transfer encoding. Caller frees;
 * NULL when out of memory.
 */
char	*mail_text_plain(const struct mail_msg *);
char	*mail_text_html(const struct mail_msg *);

/*
 * Writes a fresh Message-ID ("<128 random bits in hex>@<domain of
 * from_addr>", no brackets) into buf. Returns 0, or -1 when buf is too small
 * or from_addr has no domain.
 */
int	mail_message_id_new(const char *from_addr, char *buf, size_t len);

/* curl_global_init(); call once at start-up before any thread. 0 or -1. */
int	mail_global_init(void);
void	mail_global_cleanup(void);

#define MAIL_SENT	0
#define MAIL_TEMPFAIL	1	/* retry later: unreachable, 4xx, timeout */
#define MAIL_PERMFAIL	(-1)	/* the server said 5xx to this message */

/*
 * Sends msg (len octets, CRLF lines, as mail_compose() made it) from the
 * envelope sender `from` to the one recipient `rcpt`. smtps:// is implicit
 * TLS; smtp:// uses STARTTLS when the server offers it, and requires it when
 * a password would be sent to a host other than the loopback. Thread-safe
 * (one curl handle per call, no signals). Returns MAIL_SENT, MAIL_TEMPFAIL
 * or MAIL_PERMFAIL; on failure err (errlen bytes) says why, for the log.
 */
int	mail_send(const struct mail_config *, const char *from,
	    const char *rcpt, const char *msg, size_t len, char *err,
	    size_t errlen);

#endif
