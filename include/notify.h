/*
 * notify.h: the e-mails a booking change causes (SEMANTICS.md section 5).
 *
 * booking.c calls notify_*() inside its write transaction: each message is
 * queued in the outbox with its Message-ID, in the same commit as the
 * change. A background thread sends what is due, retries with exponential
 * back-off when the server fails, and marks each message sent once the
 * server accepted it. A crash between that acceptance and the mark sends
 * the message once more, with the same Message-ID; nothing is ever lost.
 */
#ifndef CRENEAU_NOTIFY_H
#define CRENEAU_NOTIFY_H

#include <stdint.h>

#include "mail.h"
#include "model.h"

struct store;

struct notify_config {
	struct mail_config	*mail;		/* NULL or disabled: no mail */
	const char		*base_url;
	const char		*uid_domain;
	const char		*db_path;	/* the sender's own connection */
};

/* Starts the sender when mail is configured. Returns 0 or -1. */
int	notify_init(const struct notify_config *);
void	notify_shutdown(void);
int	notify_enabled(void);

/* In the booking's transaction. Return 0 or -1 (roll back). */
int	notify_booked(struct store *, int64_t now, const struct booking *,
	    const struct worker *, const struct service *, const char *token);
int	notify_rescheduled(struct store *, int64_t now,
	    const struct booking *, const struct worker *,
	    const struct service *);
int	notify_cancelled(struct store *, int64_t now, const struct booking *,
	    const struct worker *, const struct service *);
/* After the commit: the sender looks at the outbox now. */
void	notify_wake(void);

#endif
