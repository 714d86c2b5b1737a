/*
 * serve.c: `creneau serve`, the daemon's life: load the zones and open the
 * database on the main thread, start the HTTP server, tell systemd we are
 * ready, wait for SIGTERM or SIGINT, then stop accepting, let requests in
 * flight finish (at most 10 s), close the database and exit 0.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "cli.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "mail.h"
#include "notify.h"
#include "parse.h"
#include "sd.h"
#include "store.h"
#include "token.h"
#include "tzconv.h"

#define STOP_GRACE_MS	10000

static char		*db_path;
static pthread_key_t	 store_key;

static void
store_key_free(void *p)
{
	store_close(p);
}

/* Each HTTP thread opens its own connection on first use. */
static struct store *
thread_store(void)
{
	struct store	*st;

	if ((st = pthread_getspecific(store_key)) != NULL)
		return st;
	if ((st = store_open(db_path)) == NULL)
		return NULL;
	/* The main thread checkpoints, every second (serve_main). */
	store_autocheckpoint(st, 0);
	pthread_setspecific(store_key, st);
	return st;
}

static int
demo_service(struct store *st, const char *json)
{
	struct service		 s;
	struct field_error	 e;
	json_t			*o;
	int			 rc = -1;

	memset(&s, 0, sizeof(s));
	snprintf(s.worker_id, sizeof(s.worker_id), "demo");
	if ((o = json_loads(json, 0, NULL)) != NULL &&
	    parse_service(o, 0, &s, &e) == 0 &&
	    store_service_insert(st, &s) == STORE_OK)
		rc = 0;
	json_decref(o);
	service_clear(&s);
	return rc;
}

/*
 * --demo: a worker with weekday hours, a private lesson and a workshop,
 * when the database has no worker yet. Prints the booking link and the
 * worker's token (for /admin) on stdout.
 */
static int
demo(struct store *st, const char *base_url)
{
	struct worker		*v, w;
	struct hours		 h;
	struct field_error	 e;
	size_t			 n;
	uint8_t			 hash[HASH_LEN], nonce[FEED_NONCE_LEN];
	char			 tok[TOKEN_MAX];
	json_t			*o;
	int			 rc;

	if (store_worker_list(st, &v, &n) != STORE_OK)
		return -1;
	worker_list_free(v, n);
	if (n > 0) {
		printf("creneau demo: the database has workers already; "
		    "booking pages are at %s/WORKER\n", base_url);
		fflush(stdout);
		return 0;
	}
	memset(&w, 0, sizeof(w));
	snprintf(w.id, sizeof(w.id), "demo");
	w.name = strdup("Marie Dubois");
	w.email = strdup("marie.dubois@example.org");
	snprintf(w.timezone, sizeof(w.timezone), "Europe/Brussels");
	snprintf(w.locale, sizeof(w.locale), "fr");
	w.created_at = w.updated_at = time(NULL);
	token_new("crw", tok);
	token_hash(tok, hash);
	token_nonce(nonce);
	rc = w.name != NULL && w.email != NULL ?
	    store_worker_insert(st, &w, hash, nonce) : STORE_ERR;
	worker_clear(&w);
	if (rc != STORE_OK)
		return -1;
	o = json_loads("{\"weekly\": {"
	    "\"mon\": [[\"09:00\", \"12:00\"], [\"13:00\", \"17:00\"]],"
	    "\"tue\": [[\"09:00\", \"12:00\"], [\"13:00\", \"17:00\"]],"
	    "\"wed\": [[\"14:00\", \"20:00\"]],"
	    "\"thu\": [[\"09:00\", \"12:00\"], [\"13:00\", \"17:00\"]],"
	    "\"fri\": [[\"09:00\", \"12:00\"], [\"13:00\", \"17:00\"]],"
	    "\"sat\": [[\"10:00\", \"13:00\"]]}}", 0, NULL);
	rc = o != NULL && parse_hours(o, &h, &e) == 0 ? 0 : -1;
	json_decref(o);
	if (rc == 0) {
		rc = store_hours_put(st, "demo", &h) == STORE_OK ? 0 : -1;
		hours_clear(&h);
	}
	if (rc == -1 ||
	    demo_service(st, "{\"id\": \"cours-particulier\", \"title\": "
	    "\"Cours particulier\", \"description\": \"Une heure en tête-à-"
	    "tête, par vidéo.\", \"duration_min\": 60, \"buffer_after_min\": "
	    "15, \"step_min\": 30}") == -1 ||
	    demo_service(st, "{\"id\": \"atelier\", \"title\": \"Atelier en "
	    "groupe\", \"description\": \"Huit places, une heure et demie.\", "
	    "\"duration_min\": 90, \"capacity\": 8, \"step_min\": 90}") == -1)
		return -1;
	printf("creneau demo: booking page %s/demo\n"
	    "creneau demo: worker console %s/admin (worker token %s)\n",
	    base_url, base_url, tok);
	fflush(stdout);
	return 0;
}

static int
default_threads(void)
{
	long	 n = sysconf(_SC_NPROCESSORS_ONLN);

	/* Two per CPU: a thread waiting on fsync leaves the CPU to another. */
	if (n < 1)
		n = 1;
	return n * 2 > 16 ? 16 : (int)n * 2;
}

int
serve_main(const struct config *c)
{
	struct http_config	 hc;
	struct api_config	 ac;
	struct notify_config	 nc;
	struct mail_config	 mc;
	struct http		*h = NULL;
	struct store		*st = NULL;
	sigset_t		 sigs;
	struct timespec		 tick = { 1, 0 };
	char			*base = NULL, addr[160];
	int			 sig, fd, port, rc = 1, ticks = 0;

	log_init(c->debug);
	memset(&mc, 0, sizeof(mc));
	if (token_init() == -1)
		return 1;
	if (tz_init(NULL) == -1)
		return 1;
	if ((db_path = strdup(c->db)) == NULL)
		goto done;
	if (pthread_key_create(&store_key, store_key_free) != 0)
		goto done;
	/* Creates and migrates the database before any thread runs. */
	if ((st = store_open(c->db)) == NULL)
		goto done;

	/* Signals go to this thread only, through sigtimedwait(). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	fd = sd_listen_fd();
	memset(&hc, 0, sizeof(hc));
	hc.listen = c->listen;
	hc.fd = fd;
	hc.threads = c->threads > 0 ? c->threads : default_threads();
	hc.web_dir = c->web_dir;
	hc.routes = api_routes;
	hc.nroutes = api_nroutes;
	hc.authorize = api_authorize;
	hc.thread_store = thread_store;
	if ((h = http_start(&hc)) == NULL)
		goto done;
	port = http_port(h);
	if (fd != -1)
		snprintf(addr, sizeof(addr), "socket from systemd (port %d)",
		    port);
	else {
		const char	*colon = strrchr(c->listen, ':');

		snprintf(addr, sizeof(addr), "%.*s:%d",
		    (int)(colon - c->listen), c->listen, port);
	}
	if (c->base_url != NULL)
		base = strdup(c->base_url);
	else if (asprintf(&base, "http://%s", addr) == -1)
		base = NULL;
	if (base == NULL)
		goto done;
	memset(&ac, 0, sizeof(ac));
	ac.base_url = base;
	ac.video_base_url = c->video_base_url;
	ac.rate_limit = c->rate_limit;
	if (api_init(&ac) == -1)
		goto done;
	/* mail_config owns its strings (mail_config_clear frees them). */
	if ((c->smtp_url != NULL && (mc.smtp_url = strdup(c->smtp_url)) ==
	    NULL) || (c->smtp_user != NULL && (mc.smtp_user =
	    strdup(c->smtp_user)) == NULL) || (c->smtp_password_file != NULL &&
	    (mc.smtp_password_file = strdup(c->smtp_password_file)) == NULL) ||
	    (c->mail_from != NULL && (mc.mail_from = strdup(c->mail_from)) ==
	    NULL))
		goto done;
	if (mail_parse_reminders(c->reminders != NULL ? c->reminders : "",
	    mc.reminders, MAIL_REMINDERS_MAX, &mc.nreminders) == -1) {
		log_warnx("reminders: %s is not a list like 24h,1h",
		    c->reminders);
		goto done;
	}
	memset(&nc, 0, sizeof(nc));
	nc.mail = &mc;
	nc.base_url = base;
	nc.uid_domain = api_uid_domain();
	nc.db_path = c->db;
	if (notify_init(&nc) == -1)
		goto done;
	if (c->demo && demo(st, base) == -1) {
		log_warnx("demo: cannot create the demo worker");
		goto done;
	}
	log_info("listening on %s (%d threads), database %s", addr,
	    hc.threads, c->db);
	if (c->smtp_url == NULL)
		log_info("mail: no smtp_url set, no e-mail will be sent");
	sd_notifyf("READY=1\nSTATUS=serving on %s", addr);

	for (;;) {
		sig = sigtimedwait(&sigs, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig != -1 || errno != EAGAIN)
			continue;
		/*
		 * Each second, the WAL is copied into the database in the
		 * background; every ten minutes, old idempotency keys go.
		 */
		store_checkpoint(st);
		if (++ticks % 600 == 0)
			store_idem_purge(st, time(NULL) - 86400);
	}
	log_info("stopping: finishing requests in flight");
	sd_notifyf("STOPPING=1");
	http_stop(h, STOP_GRACE_MS);
	h = NULL;
	rc = 0;
done:
	http_stop(h, 0);
	notify_shutdown();
	mail_config_clear(&mc);
	api_shutdown();
	store_close(st);
	tz_shutdown();
	free(base);
	free(db_path);
	db_path = NULL;
	if (rc == 0)
		log_info("stopped");
	return rc;
}
