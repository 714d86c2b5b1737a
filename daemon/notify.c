/*
 * notify.c: the outbox and its sender. See notify.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ics.h"
#include "log.h"
#include "notify.h"
#include "store.h"

#define BATCH		16
#define RETRY_FIRST	15		/* seconds */
#define RETRY_CAP	3600
#define GIVE_UP_AFTER	(3 * 86400)	/* then the message is failed */
#define IDLE_WAIT	5		/* seconds between looks when idle */

static struct {
	struct notify_config	 cfg;
	int			 on;
	pthread_t		 thread;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond;
	int			 stop;
	int			 kick;
} nt = { .mtx = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

int
notify_enabled(void)
{
	return nt.on;
}

static char *
manage_url(const struct booking *b, const char *token)
{
	char	*u;

	if (asprintf(&u, "%s/manage/%s%s%s", nt.cfg.base_url, b->id,
	    token != NULL ? "#" : "", token != NULL ? token : "") == -1)
		return NULL;
	return u;
}

/* Fills the parts of a message that every kind shares. */
static void
msg_fill(struct mail_msg *m, enum mail_kind kind, int64_t now,
    const struct booking *b, const struct worker *w, const struct service *s)
{
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->date = now;
	m->from_addr = nt.cfg.mail->mail_from;
	m->from_name = nt.cfg.mail->mail_from_name;
	m->service_title = s->title;
	m->worker_name = w->name;
	m->client_name = b->name;
	m->client_email = b->email;
	m->start = b->start;
	m->end = b->end;
	m->room_url = b->room_url;
	m->cancel_reason = b->cancel_reason;
	m->note = b->note;
	if (kind == MAIL_WORKER_NEW || kind == MAIL_WORKER_CANCEL) {
		m->locale = w->locale;
		m->timezone = w->timezone;
		m->to_addr = w->email;
		m->to_name = w->name;
		m->reply_to_addr = b->email;
		m->reply_to_name = b->name;
	} else {
		m->locale = b->locale;
		m->timezone = b->timezone;
		m->to_addr = b->email;
		m->to_name = b->name;
		m->reply_to_addr = w->email;
		m->reply_to_name = w->name;
	}
}

/*
 * Queues one message. body_now: compose it now (its content is frozen at
 * the change that caused it); else it is composed when due (reminders).
 */
static int
queue(struct store *st, enum mail_kind kind, int64_t now, int64_t due,
    const struct booking *b, const struct worker *w, const struct service *s,
    const char *manage, const char *ics, int body_now)
{
	struct outbox_msg	 o;
	struct mail_msg		 m;
	char			 mid[256];
	int			 rc;

	if (mail_message_id_new(nt.cfg.mail->mail_from, mid,
	    sizeof(mid)) == -1)
		return -1;
	msg_fill(&m, kind, now, b, w, s);
	m.message_id = mid;
	m.manage_url = manage;
	m.ics = ics;
	memset(&o, 0, sizeof(o));
	snprintf(o.booking_id, sizeof(o.booking_id), "%s", b->id);
	o.kind = kind;
	o.rcpt = (char *)m.to_addr;
	o.message_id = mid;
	o.due_at = due;
	o.created_at = now;
	if (body_now && (o.body = mail_compose(&m, &o.bodylen)) == NULL)
		return -1;
	rc = store_outbox_add(st, &o);
	free(o.body);
	return rc == STORE_OK ? 0 : -1;
}

static char *
invite_ics(const struct booking *b, const struct worker *w,
    const struct service *s, const char *manage)
{
	struct ics_invite	 in;

	memset(&in, 0, sizeof(in));
	in.booking = b;
	in.worker = w;
	in.service = s;
	in.manage_url = manage;
	in.uid_domain = nt.cfg.uid_domain;
	in.dtstamp = b->updated_at;
	return ics_invite_new(&in, NULL);
}

/* Reminders before the session; none whose time has passed already. */
static int
queue_reminders(struct store *st, int64_t now, const struct booking *b,
    const struct worker *w, const struct service *s)
{
	size_t	 i;
	int64_t	 due;

	for (i = 0; i < nt.cfg.mail->nreminders; i++) {
		due = b->start - (int64_t)nt.cfg.mail->reminders[i] * 60;
		if (due <= now)
			continue;
		if (queue(st, MAIL_REMINDER, now, due, b, w, s, NULL, NULL,
		    0) == -1)
			return -1;
	}
	return 0;
}

int
notify_booked(struct store *st, int64_t now, const struct booking *b,
    const struct worker *w, const struct service *s, const char *token)
{
	char	*manage = NULL, *ics = NULL;
	int	 rc = -1;

	if (!nt.on)
		return 0;
	if ((manage = manage_url(b, token)) == NULL ||
	    (ics = invite_ics(b, w, s, manage)) == NULL)
		goto done;
	if (queue(st, MAIL_INVITE, now, now, b, w, s, manage, ics, 1) == -1 ||
	    queue(st, MAIL_WORKER_NEW, now, now, b, w, s, NULL, NULL, 1) ==
	    -1 || queue_reminders(st, now, b, w, s) == -1)
		goto done;
	rc = 0;
done:
	free(manage);
	free(ics);
	return rc;
}

/*
 * Later invites carry the booking's page without its token (only the first
 * answer and the first invite hold the token): the client opens it from the
 * first mail, or the page asks for the link.
 */
static char *
later_invite(const struct booking *b, const struct worker *w,
    const struct service *s)
{
	char	*manage, *ics;

	if ((manage = manage_url(b, NULL)) == NULL)
		return NULL;
	ics = invite_ics(b, w, s, manage);
	free(manage);
	return ics;
}

int
notify_rescheduled(struct store *st, int64_t now, const struct booking *b,
    const struct worker *w, const struct service *s)
{
	char	*ics;
	int	 rc = -1;

	if (!nt.on)
		return 0;
	if ((ics = later_invite(b, w, s)) == NULL)
		return -1;
	if (queue(st, MAIL_UPDATE, now, now, b, w, s, NULL, ics, 1) == 0 &&
	    store_outbox_drop(st, b->id, MAIL_REMINDER) == STORE_OK &&
	    queue_reminders(st, now, b, w, s) == 0)
		rc = 0;
	free(ics);
	return rc;
}

int
notify_cancelled(struct store *st, int64_t now, const struct booking *b,
    const struct worker *w, const struct service *s)
{
	char	*ics;
	int	 rc = -1;

	if (!nt.on)
		return 0;
	if ((ics = later_invite(b, w, s)) == NULL)
		return -1;
	if (queue(st, MAIL_CANCEL, now, now, b, w, s, NULL, ics, 1) == 0 &&
	    queue(st, MAIL_WORKER_CANCEL, now, now, b, w, s, NULL, NULL, 1) ==
	    0 && store_outbox_drop(st, b->id, MAIL_REMINDER) == STORE_OK)
		rc = 0;
	free(ics);
	return rc;
}

void
notify_wake(void)
{
	if (!nt.on)
		return;
	pthread_mutex_lock(&nt.mtx);
	nt.kick = 1;
	pthread_cond_signal(&nt.cond);
	pthread_mutex_unlock(&nt.mtx);
}

/* A reminder is written when it is due, from the booking as it is then. */
static char *
compose_reminder(struct store *st, const struct outbox_msg *o, int64_t now,
    int *drop)
{
	struct booking	 b;
	struct worker	 w;
	struct service	 s;
	struct mail_msg	 m;
	char		*body = NULL;

	*drop = 0;
	memset(&w, 0, sizeof(w));
	memset(&s, 0, sizeof(s));
	if (store_booking_get(st, o->booking_id, &b) != STORE_OK) {
		*drop = 1;
		return NULL;
	}
	if (b.status != BOOKING_CONFIRMED || b.start <= now) {
		*drop = 1;
		goto done;
	}
	if (store_worker_get(st, b.worker_id, &w) != STORE_OK ||
	    store_service_get(st, b.worker_id, b.service_id, &s) != STORE_OK)
		goto done;
	msg_fill(&m, MAIL_REMINDER, now, &b, &w, &s);
	m.message_id = o->message_id;
	body = mail_compose(&m, NULL);
done:
	booking_clear(&b);
	worker_clear(&w);
	service_clear(&s);
	return body;
}

static int64_t
backoff(int attempts)
{
	int64_t	 d = RETRY_FIRST;

	while (attempts-- > 0 && d < RETRY_CAP)
		d *= 2;
	return d < RETRY_CAP ? d : RETRY_CAP;
}

static void
send_one(struct store *st, const struct outbox_msg *o)
{
	char	 err[256];
	char	*body = o->body, *made = NULL;
	int64_t	 now = time(NULL);
	int	 rc, drop;

	if (body == NULL) {
		if ((made = compose_reminder(st, o, now, &drop)) == NULL) {
			if (drop)
				store_outbox_fail(st, o->id, 1, "not wanted");
			else
				store_outbox_retry(st, o->id,
				    now + backoff(o->attempts), "compose");
			return;
		}
		body = made;
	}
	rc = mail_send(nt.cfg.mail, nt.cfg.mail->mail_from, o->rcpt, body,
	    strlen(body), err, sizeof(err));
	free(made);
	now = time(NULL);
	if (rc == MAIL_SENT) {
		if (store_outbox_sent(st, o->id, now) != STORE_OK)
			log_warnx("mail: message %lld sent but not marked",
			    (long long)o->id);
		return;
	}
	if (rc == MAIL_PERMFAIL || now - o->due_at > GIVE_UP_AFTER) {
		log_warnx("mail: giving up on message %lld: %s",
		    (long long)o->id, err);
		store_outbox_fail(st, o->id, 0, err);
		return;
	}
	log_info("mail: message %lld not sent (%s), retrying in %lld s",
	    (long long)o->id, err, (long long)backoff(o->attempts));
	store_outbox_retry(st, o->id, now + backoff(o->attempts), err);
}

static void *
sender(void *arg)
{
	struct store		*st;
	struct outbox_msg	*v;
	struct timespec		 until;
	size_t			 n, i;
	int64_t			 next, now;
	int			 stop = 0;

	if ((st = store_open(nt.cfg.db_path)) == NULL) {
		log_warnx("mail: the sender cannot open the database");
		return NULL;
	}
	while (!stop) {
		now = time(NULL);
		if (store_outbox_due(st, now, BATCH, &v, &n) == STORE_OK) {
			for (i = 0; i < n && !nt.stop; i++)
				send_one(st, &v[i]);
			outbox_list_free(v, n);
			if (n == BATCH)
				continue;
		}
		next = now + IDLE_WAIT;
		if (store_outbox_next(st, &next) == STORE_OK && next <= now)
			next = now + 1;
		if (next > now + IDLE_WAIT)
			next = now + IDLE_WAIT;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += next - now;
		pthread_mutex_lock(&nt.mtx);
		while (!nt.stop && !nt.kick &&
		    pthread_cond_timedwait(&nt.cond, &nt.mtx, &until) == 0)
			;
		nt.kick = 0;
		stop = nt.stop;
		pthread_mutex_unlock(&nt.mtx);
	}
	store_close(st);
	return NULL;
}

int
notify_init(const struct notify_config *c)
{
	nt.cfg = *c;
	nt.on = 0;
	if (c->mail == NULL || !mail_config_enabled(c->mail))
		return 0;
	if (c->mail->mail_from == NULL) {
		log_warnx("mail: smtp_url needs mail_from");
		return -1;
	}
	if (mail_global_init() == -1 || mail_config_load_password(c->mail) ==
	    -1)
		return -1;
	nt.stop = 0;
	nt.on = 1;
	if (pthread_create(&nt.thread, NULL, sender, NULL) != 0) {
		log_warnx("mail: cannot start the sender");
		nt.on = 0;
		return -1;
	}
	/* Not the URL: it may carry a user name. */
	log_info("mail: sending as %s", c->mail->mail_from);
	return 0;
}

void
notify_shutdown(void)
{
	if (!nt.on)
		return;
	pthread_mutex_lock(&nt.mtx);
	nt.stop = 1;
	pthread_cond_signal(&nt.cond);
	pthread_mutex_unlock(&nt.mtx);
	pthread_join(nt.thread, NULL);
	mail_global_cleanup();
	nt.on = 0;
}
