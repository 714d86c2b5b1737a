/*
 * api.c: the routes of API.md and their handlers. A handler parses and
 * checks the request, calls one domain function (store.h, booking.h,
 * ics.h) and maps its result to an answer. No SQL, no business rule here.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "api.h"
#include "booking.h"
#include "ics.h"
#include "log.h"
#include "parse.h"
#include "ratelimit.h"
#include "store.h"
#include "token.h"
#include "tzconv.h"

#define DAY		86400
#define SLOTS_DAYS_MAX	62
#define LIST_DAYS_MAX	366
#define FEED_KEEP	(30 * DAY)
#define IDEM_KEY_MAX	255
#define ETAG_LEN	35

static struct {
	char			*base_url;
	char			*video_base_url;
	char			 uid_domain[256];
	struct ratelimit	*rl;
} api;

static void	feed_cache_clear(void);
static int	send_calendar_etag(struct request *, char *, size_t,
		    const char *, int64_t, const char *);

int
api_init(const struct api_config *c)
{
	const char	*h;
	size_t		 n;

	api.base_url = strdup(c->base_url);
	api.video_base_url = strdup(c->video_base_url);
	if (api.base_url == NULL || api.video_base_url == NULL)
		return -1;
	/* The host of the base URL names our calendar UIDs. */
	h = strstr(api.base_url, "://");
	h = h != NULL ? h + 3 : api.base_url;
	/* The host alone: UIDs must not change with the port. */
	if (*h == '[')
		n = strcspn(h, "]") + 1;
	else
		n = strcspn(h, ":/?#");
	if (n == 0 || n >= sizeof(api.uid_domain))
		n = 0;
	snprintf(api.uid_domain, sizeof(api.uid_domain), "%.*s", (int)n, h);
	if (api.uid_domain[0] == '\0')
		snprintf(api.uid_domain, sizeof(api.uid_domain), "localhost");
	if (c->rate_limit > 0 &&
	    (api.rl = ratelimit_new(c->rate_limit)) == NULL)
		return -1;
	return 0;
}

const char *
api_uid_domain(void)
{
	return api.uid_domain;
}

void
api_shutdown(void)
{
	feed_cache_clear();
	free(api.base_url);
	free(api.video_base_url);
	ratelimit_free(api.rl);
	memset(&api, 0, sizeof(api));
}

static int
internal(struct request *rq)
{
	return http_error(rq, 500, "internal", NULL, "internal error");
}

static int
invalid(struct request *rq, const struct field_error *e)
{
	return http_error(rq, 422, "validation_failed", e->field, "%s %s",
	    e->field, e->msg);
}

static int
invalid_field(struct request *rq, const char *field, const char *msg)
{
	return http_error(rq, 422, "validation_failed", field, "%s %s", field,
	    msg);
}

static int
not_found(struct request *rq)
{
	return http_error(rq, 404, "not_found", NULL, "no such resource");
}

static struct booking_env
env_of(struct request *rq)
{
	struct booking_env	 e;

	e.video_base_url = api.video_base_url;
	e.now = rq->now;
	return e;
}

static int
zone_ok(const char *name)
{
	return tz_get(name) != NULL;
}

/* Authorisation. */

/* The bearer token, or on .ics URLs the ?token= parameter. */
static const char *
request_token(struct request *rq, int query_ok)
{
	const char	*h = http_header(rq, "Authorization");

	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		h += 7;
		while (*h == ' ')
			h++;
		return *h != '\0' ? h : NULL;
	}
	if (query_ok)
		return http_query(rq, "token");
	return NULL;
}

/* Who the token says the caller is (nobody when unknown or malformed). */
static void
identify(struct request *rq, const char *tok)
{
	uint8_t	 hash[HASH_LEN];

	rq->caller = CALLER_NOBODY;
	if (tok == NULL || strlen(tok) >= TOKEN_MAX)
		return;
	token_hash(tok, hash);
	if (strncmp(tok, "cra_", 4) == 0) {
		if (store_admin_check(rq->st, hash) == STORE_OK)
			rq->caller = CALLER_ADMIN;
	} else if (strncmp(tok, "crw_", 4) == 0) {
		if (store_worker_by_token(rq->st, hash, rq->worker) ==
		    STORE_OK)
			rq->caller = CALLER_WORKER;
	} else if (strncmp(tok, "crb_", 4) == 0 && rq->nargs > 0 &&
	    rq->route->auth == AUTH_BOOKING) {
		if (store_booking_check_token(rq->st, rq->args[0], hash) ==
		    STORE_OK)
			rq->caller = CALLER_BOOKING;
	}
}

/* May the caller see booking id? Admin, its token, or its worker. */
static int
booking_visible(struct request *rq, const char *id)
{
	struct booking	 b;
	int		 ok;

	if (rq->caller == CALLER_ADMIN || rq->caller == CALLER_BOOKING)
		return 1;
	if (rq->caller != CALLER_WORKER)
		return 0;
	if (store_booking_get(rq->st, id, &b) != STORE_OK)
		return 0;
	ok = strcmp(b.worker_id, rq->worker) == 0;
	booking_clear(&b);
	return ok;
}

/*
 * The worker (and service) a path names must exist before the body is
 * looked at: a missing one is 404 whatever the body says.
 */
static int
resource_check(struct request *rq)
{
	const char	*p = rq->route->pattern;
	int		 rc;

	if (strncmp(p, "/api/v1/workers/*", 17) != 0)
		return 0;
	if ((rq->res_worker = calloc(1, sizeof(*rq->res_worker))) == NULL)
		goto fail;
	rc = store_worker_get(rq->st, rq->args[0], rq->res_worker);
	if (rc == STORE_OK && strncmp(p + 17, "/services/*", 11) == 0) {
		if ((rq->res_service = calloc(1, sizeof(*rq->res_service))) ==
		    NULL)
			goto fail;
		rc = store_service_get(rq->st, rq->args[0], rq->args[1],
		    rq->res_service);
	}
	if (rc == STORE_OK)
		return 0;
	if (rc == STORE_NOTFOUND) {
		not_found(rq);
		return -1;
	}
fail:
	internal(rq);
	return -1;
}

/*
 * Runs after the route matched, before the body is read: authentication
 * (401/403/404 as API.md says, so that nothing can be probed), then the
 * rate limit of booking writes.
 */
int
api_authorize(struct request *rq)
{
	const struct route	*r = rq->route;
	const char		*tok;
	int			 wait;
	char			 ra[16];

	tok = request_token(rq, r->auth == AUTH_BOOKING);
	identify(rq, tok);
	switch (r->auth) {
	case AUTH_NONE:
		break;
	case AUTH_ADMIN:
		if (rq->caller == CALLER_ADMIN)
			break;
		if (rq->caller == CALLER_WORKER) {
			http_error(rq, 403, "forbidden", NULL,
			    "this needs the admin token");
			return -1;
		}
		http_error(rq, 401, "unauthorized", NULL,
		    "a valid admin token is required");
		return -1;
	case AUTH_WORKER:
		if (rq->caller == CALLER_ADMIN || (rq->caller ==
		    CALLER_WORKER && strcmp(rq->worker, rq->args[0]) == 0))
			break;
		if (rq->caller == CALLER_WORKER) {
			http_error(rq, 403, "forbidden", NULL,
			    "this token may not touch another worker");
			return -1;
		}
		http_error(rq, 401, "unauthorized", NULL,
		    "a valid worker token is required");
		return -1;
	case AUTH_BOOKING:
		if (tok == NULL) {
			http_error(rq, 401, "unauthorized", NULL,
			    "a booking token is required");
			return -1;
		}
		if (!booking_visible(rq, rq->args[0])) {
			not_found(rq);
			return -1;
		}
		break;
	}
	if (resource_check(rq) == -1)
		return -1;
	if ((r->flags & R_LIMITED) && api.rl != NULL &&
	    (wait = ratelimit_take(api.rl, rq->client,
	    (int64_t)rq->now * 1000)) > 0) {
		snprintf(ra, sizeof(ra), "%d", wait);
		http_add_header(rq, "Retry-After", ra);
		http_error(rq, 429, "rate_limited", NULL,
		    "too many booking requests; retry in %d s", wait);
		return -1;
	}
	return 0;
}

static int
is_owner(struct request *rq, const char *w)
{
	return rq->caller == CALLER_ADMIN || (rq->caller == CALLER_WORKER &&
	    strcmp(rq->worker, w) == 0);
}

/* JSON of records. */

static char *
feed_url(struct request *rq, const char *w)
{
	uint8_t	 key[32], nonce[FEED_NONCE_LEN];
	char	 tok[TOKEN_MAX], *url = NULL;

	if (store_server_key(rq->st, key) != STORE_OK ||
	    store_worker_feed(rq->st, w, nonce, NULL) != STORE_OK)
		return NULL;
	token_feed(key, w, nonce, tok);
	if (asprintf(&url, "%s/feeds/%s/%s.ics", api.base_url, w, tok) == -1)
		url = NULL;
	sodium_memzero(key, sizeof(key));
	sodium_memzero(tok, sizeof(tok));
	return url;
}

static json_t *
services_json(struct request *rq, const char *w, int active_only)
{
	struct service	*v;
	size_t		 n, i;
	json_t		*a;

	if (store_service_list(rq->st, w, active_only, &v, &n) != STORE_OK)
		return NULL;
	a = json_array();
	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, service_to_json(&v[i]));
	service_list_free(v, n);
	return a;
}

/* The worker; private adds email and feed_url (owner or admin). */
static json_t *
worker_json(struct request *rq, const struct worker *w, int private)
{
	json_t	*o, *svc;
	char	*url;

	if ((svc = services_json(rq, w->id, 1)) == NULL)
		return NULL;
	o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", w->id, "name",
	    w->name, "timezone", w->timezone, "locale", w->locale,
	    "services", svc);
	if (o == NULL || !private)
		return o;
	json_object_set_new(o, "email", json_string(w->email));
	if ((url = feed_url(rq, w->id)) == NULL) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "feed_url", json_string(url));
	free(url);
	return o;
}

static json_t *
booking_json(const struct booking *b, const char *token)
{
	const struct zone	*z = tz_get(b->timezone);
	char			 start[RFC3339_LEN], end[RFC3339_LEN];
	char			 created[RFC3339_LEN], *manage = NULL;
	char			*invite = NULL;
	json_t			*o;

	if (z == NULL)
		z = tz_get("UTC");
	rfc3339_format_tz(b->start, z, start);
	rfc3339_format_tz(b->end, z, end);
	rfc3339_format(b->created_at, 0, created);
	if (asprintf(&manage, "%s/manage/%s%s%s", api.base_url, b->id,
	    token != NULL ? "#" : "", token != NULL ? token : "") == -1)
		return NULL;
	if (asprintf(&invite, "%s/api/v1/bookings/%s/invite.ics%s%s",
	    api.base_url, b->id, token != NULL ? "?token=" : "",
	    token != NULL ? token : "") == -1) {
		free(manage);
		return NULL;
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
	    " s:s, s:s*, s:s, s:s, s:i, s:s}",
	    "id", b->id,
	    "status", b->status == BOOKING_CANCELLED ? "cancelled" :
	    "confirmed",
	    "worker", b->worker_id, "service", b->service_id,
	    "start", start, "end", end, "name", b->name, "email", b->email,
	    "note", b->note, "timezone", b->timezone, "locale", b->locale,
	    "room_url", b->room_url, "manage_url", manage,
	    "invite_url", invite, "sequence", b->sequence,
	    "created_at", created);
	free(manage);
	free(invite);
	if (o != NULL && token != NULL)
		json_object_set_new(o, "token", json_string(token));
	if (o != NULL && b->cancel_reason != NULL)
		json_object_set_new(o, "cancel_reason",
		    json_string(b->cancel_reason));
	return o;
}

static char *
render_booking(const struct booking *b, const char *token, void *arg)
{
	json_t	*o = booking_json(b, token);
	char	*s;

	if (o == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

/* Operations. */

static int
api_health(struct request *rq)
{
	if (store_ping(rq->st) != STORE_OK)
		return http_error(rq, 503, "unavailable", NULL,
		    "the database does not answer");
	return http_json(rq, 200, json_pack("{s:s}", "status", "ok"));
}

/*
 * Who a token is (an extension of API.md, for the console's sign-in): the
 * admin, or a worker and their id. Any other token is 401.
 */
static int
api_me(struct request *rq)
{
	if (rq->caller == CALLER_ADMIN)
		return http_json(rq, 200, json_pack("{s:s}", "role", "admin"));
	if (rq->caller == CALLER_WORKER)
		return http_json(rq, 200, json_pack("{s:s, s:s}", "role",
		    "worker", "worker", rq->worker));
	return http_error(rq, 401, "unauthorized", NULL,
	    "a valid admin or worker token is required");
}

static int
api_robots(struct request *rq)
{
	static const char	 txt[] = "User-agent: *\nDisallow: /\n";

	return http_send(rq, 200, "text/plain; charset=utf-8", txt,
	    sizeof(txt) - 1);
}

/* Workers. */

static int
api_worker_create(struct request *rq)
{
	struct worker		 w;
	struct field_error	 e;
	uint8_t			 hash[HASH_LEN], nonce[FEED_NONCE_LEN];
	char			 tok[TOKEN_MAX];
	json_t			*o;
	int			 rc;

	memset(&w, 0, sizeof(w));
	if (parse_worker(rq->json, 0, &w, zone_ok, &e) == -1) {
		worker_clear(&w);
		return invalid(rq, &e);
	}
	w.created_at = w.updated_at = rq->now;
	token_new("crw", tok);
	token_hash(tok, hash);
	token_nonce(nonce);
	rc = store_worker_insert(rq->st, &w, hash, nonce);
	if (rc == STORE_EXISTS) {
		worker_clear(&w);
		return http_error(rq, 409, "conflict", "id",
		    "a worker with this id exists");
	}
	if (rc != STORE_OK) {
		worker_clear(&w);
		return internal(rq);
	}
	log_info("worker %s created", w.id);
	o = worker_json(rq, &w, 1);
	worker_clear(&w);
	if (o == NULL)
		return internal(rq);
	json_object_set_new(o, "token", json_string(tok));
	sodium_memzero(tok, sizeof(tok));
	return http_json(rq, 201, o);
}

static int
api_worker_get(struct request *rq)
{
	struct worker	 w;
	json_t		*o;
	int		 rc;

	if ((rc = store_worker_get(rq->st, rq->args[0], &w)) != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	o = worker_json(rq, &w, is_owner(rq, w.id));
	worker_clear(&w);
	return o != NULL ? http_json(rq, 200, o) : internal(rq);
}

static int
api_worker_patch(struct request *rq)
{
	struct worker		 w;
	struct field_error	 e;
	json_t			*o;
	int			 rc;

	if ((rc = store_worker_get(rq->st, rq->args[0], &w)) != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	if (parse_worker(rq->json, 1, &w, zone_ok, &e) == -1) {
		worker_clear(&w);
		return invalid(rq, &e);
	}
	w.updated_at = rq->now;
	if (store_worker_update(rq->st, &w) != STORE_OK) {
		worker_clear(&w);
		return internal(rq);
	}
	o = worker_json(rq, &w, 1);
	worker_clear(&w);
	return o != NULL ? http_json(rq, 200, o) : internal(rq);
}

static int
api_worker_delete(struct request *rq)
{
	int	 rc;

	rc = store_worker_delete(rq->st, rq->args[0], rq->now);
	if (rc == STORE_NOTFOUND)
		return not_found(rq);
	if (rc == STORE_CONFLICT)
		return http_error(rq, 409, "conflict", NULL,
		    "the worker has confirmed bookings to come");
	if (rc != STORE_OK)
		return internal(rq);
	log_info("worker %s deleted", rq->args[0]);
	return http_send(rq, 204, NULL, "", 0);
}

static int
api_worker_token(struct request *rq)
{
	uint8_t	 hash[HASH_LEN];
	char	 tok[TOKEN_MAX];
	int	 rc;

	token_new("crw", tok);
	token_hash(tok, hash);
	rc = store_worker_set_token(rq->st, rq->args[0], hash);
	if (rc != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	log_info("worker %s: token rotated", rq->args[0]);
	rc = http_json(rq, 200, json_pack("{s:s}", "token", tok));
	sodium_memzero(tok, sizeof(tok));
	return rc;
}

static int
api_worker_feed_token(struct request *rq)
{
	uint8_t	 nonce[FEED_NONCE_LEN];
	char	*url;
	int	 rc;

	token_nonce(nonce);
	rc = store_worker_set_feed_nonce(rq->st, rq->args[0], nonce);
	if (rc != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	if ((url = feed_url(rq, rq->args[0])) == NULL)
		return internal(rq);
	log_info("worker %s: feed URL rotated", rq->args[0]);
	rc = http_json(rq, 200, json_pack("{s:s}", "feed_url", url));
	free(url);
	return rc;
}

/* Availability. */

static int
worker_exists(struct request *rq, const char *id)
{
	struct worker	 w;
	int		 rc;

	rc = store_worker_get(rq->st, id, &w);
	worker_clear(&w);
	return rc;
}

static int
api_hours_get(struct request *rq)
{
	struct hours	 h;
	json_t		*o;
	int		 rc;

	if ((rc = worker_exists(rq, rq->args[0])) != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	if (store_hours_get(rq->st, rq->args[0], &h) != STORE_OK)
		return internal(rq);
	o = hours_to_json(&h);
	hours_clear(&h);
	return o != NULL ? http_json(rq, 200, o) : internal(rq);
}

static int
api_hours_put(struct request *rq)
{
	struct hours		 h;
	struct field_error	 e;
	int			 rc;

	if ((rc = worker_exists(rq, rq->args[0])) != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	if (parse_hours(rq->json, &h, &e) == -1)
		return invalid(rq, &e);
	rc = store_hours_put(rq->st, rq->args[0], &h);
	hours_clear(&h);
	if (rc != STORE_OK)
		return internal(rq);
	return api_hours_get(rq);
}

/* Services. */

static int
api_service_create(struct request *rq)
{
	struct service		 s;
	struct field_error	 e;
	int			 rc;

	if ((rc = worker_exists(rq, rq->args[0])) != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	memset(&s, 0, sizeof(s));
	snprintf(s.worker_id, sizeof(s.worker_id), "%s", rq->args[0]);
	if (parse_service(rq->json, 0, &s, &e) == -1) {
		service_clear(&s);
		return invalid(rq, &e);
	}
	rc = store_service_insert(rq->st, &s);
	if (rc == STORE_OK)
		rc = http_json(rq, 201, service_to_json(&s));
	else if (rc == STORE_EXISTS)
		rc = http_error(rq, 409, "conflict", "id",
		    "a service with this id exists");
	else
		rc = internal(rq);
	service_clear(&s);
	return rc;
}

static int
api_service_list(struct request *rq)
{
	json_t	*a;
	int	 rc;

	if ((rc = worker_exists(rq, rq->args[0])) != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	if ((a = services_json(rq, rq->args[0],
	    !is_owner(rq, rq->args[0]))) == NULL)
		return internal(rq);
	return http_json(rq, 200, json_pack("{s:o}", "services", a));
}

static int
api_service_get(struct request *rq)
{
	struct service	 s;
	int		 rc;

	rc = store_service_get(rq->st, rq->args[0], rq->args[1], &s);
	if (rc != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	rc = http_json(rq, 200, service_to_json(&s));
	service_clear(&s);
	return rc;
}

static int
api_service_patch(struct request *rq)
{
	struct service		 s;
	struct field_error	 e;
	int			 rc;

	rc = store_service_get(rq->st, rq->args[0], rq->args[1], &s);
	if (rc != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	if (parse_service(rq->json, 1, &s, &e) == -1)
		rc = invalid(rq, &e);
	else if (store_service_update(rq->st, &s) != STORE_OK ||
	    store_worker_touch_feed(rq->st, s.worker_id, rq->now) != STORE_OK)
		rc = internal(rq);
	else
		rc = http_json(rq, 200, service_to_json(&s));
	service_clear(&s);
	return rc;
}

static int
api_service_delete(struct request *rq)
{
	int	 rc;

	rc = store_service_delete(rq->st, rq->args[0], rq->args[1], rq->now);
	if (rc == STORE_NOTFOUND)
		return not_found(rq);
	if (rc == STORE_CONFLICT)
		return http_error(rq, 409, "conflict", NULL,
		    "the service has confirmed bookings to come");
	if (rc != STORE_OK ||
	    store_worker_touch_feed(rq->st, rq->args[0], rq->now) != STORE_OK)
		return internal(rq);
	return http_send(rq, 204, NULL, "", 0);
}

/* Slots. */

/* A required date parameter; answers 422 naming it when bad. */
static int
query_date(struct request *rq, const char *name, int32_t *d, int required)
{
	const char	*v = http_query(rq, name);

	if (v == NULL) {
		if (!required)
			return 1;
		invalid_field(rq, name, "is required (YYYY-MM-DD)");
		return -1;
	}
	if (date_parse(v, d) == -1) {
		invalid_field(rq, name, "must be a date YYYY-MM-DD");
		return -1;
	}
	return 0;
}

/*
 * ?booking=ID (an extension of API.md, for the manage page): the slots a
 * reschedule of that booking may move to, its own seat left out. Only with
 * that booking's token or its worker's; anything else is 404, as on the
 * booking itself. Returns 0 (and *skip), -1 for 404, -2 on error.
 */
static int
moving_session(struct request *rq, int64_t *skip)
{
	const char	*id = http_query(rq, "booking"), *tok;
	struct booking	 b;
	uint8_t		 hash[HASH_LEN];
	int		 ok, rc;

	*skip = 0;
	if (id == NULL)
		return 0;
	if ((tok = request_token(rq, 0)) == NULL || strlen(tok) >= TOKEN_MAX)
		return -1;
	token_hash(tok, hash);
	if ((rc = store_booking_get(rq->st, id, &b)) != STORE_OK) {
		booking_clear(&b);
		return rc == STORE_NOTFOUND ? -1 : -2;
	}
	ok = rq->caller == CALLER_ADMIN || (rq->caller == CALLER_WORKER &&
	    strcmp(rq->worker, b.worker_id) == 0) ||
	    store_booking_check_token(rq->st, id, hash) == STORE_OK;
	if (ok && (strcmp(b.worker_id, rq->res_worker->id) != 0 ||
	    strcmp(b.service_id, rq->res_service->id) != 0))
		ok = 0;
	if (ok && b.status == BOOKING_CONFIRMED)
		*skip = b.session_id;
	booking_clear(&b);
	return ok ? 0 : -1;
}

/*
 * The slot list is the hot path: its answer is written straight into a
 * buffer (no field needs escaping: times, numbers, and names already
 * checked against the id and zone rules), and its reads share one snapshot.
 */
static int
api_slots(struct request *rq)
{
	struct slot_list	 l = { 0 };
	struct booking_env	 env = env_of(rq);
	const struct zone	*z;
	const char		*tz;
	char			 a[RFC3339_LEN], b[RFC3339_LEN], *out, *o;
	int32_t			 from, to;
	int64_t			 skip = 0;
	size_t			 i, cap;
	int			 rc;

	tz = http_query(rq, "tz");
	z = tz_get(tz != NULL ? tz : rq->res_worker->timezone);
	if (z == NULL)
		return invalid_field(rq, "tz", "is not an IANA time zone");
	if (query_date(rq, "from", &from, 1) != 0 ||
	    query_date(rq, "to", &to, 1) != 0)
		return 0;
	if (to < from)
		return invalid_field(rq, "to", "must not be before from");
	if (to - from > SLOTS_DAYS_MAX)
		return invalid_field(rq, "to", "must be at most 62 days after "
		    "from");
	if ((rc = moving_session(rq, &skip)) != 0)
		return rc == -1 ? not_found(rq) : internal(rq);
	if (store_read_begin(rq->st) != STORE_OK)
		return internal(rq);
	rc = booking_slots_for(rq->st, &env, rq->res_worker, rq->res_service,
	    tz_local_to_instant(z, from, 0), tz_local_to_instant(z, to + 1, 0),
	    skip, &l);
	store_read_end(rq->st);
	if (rc != BOOK_OK) {
		slot_list_free(&l);
		return internal(rq);
	}
	cap = 256 + strlen(tz_name(z)) + 2 * ID_MAX + l.n * 96;
	if ((out = malloc(cap)) == NULL) {
		slot_list_free(&l);
		return internal(rq);
	}
	o = out + snprintf(out, cap, "{\"worker\":\"%s\",\"service\":\"%s\","
	    "\"timezone\":\"%s\",\"slots\":[", rq->res_worker->id,
	    rq->res_service->id, tz_name(z));
	for (i = 0; i < l.n; i++) {
		rfc3339_format_tz(l.v[i].start, z, a);
		rfc3339_format_tz(l.v[i].end, z, b);
		o += snprintf(o, cap - (o - out), "%s{\"start\":\"%s\","
		    "\"end\":\"%s\",\"seats_left\":%d}", i > 0 ? "," : "", a,
		    b, l.v[i].seats_left);
	}
	o += snprintf(o, cap - (o - out), "]}");
	slot_list_free(&l);
	return http_send_owned(rq, 200, "application/json", out, o - out);
}

/* Bookings. */

static int
api_booking_create(struct request *rq)
{
	struct booking_req	 req;
	struct booking_idem	 idem, *ip = NULL;
	struct booking_env	 env = env_of(rq);
	struct booking		 b;
	const char		*start, *key, *bad;
	char			 tok[TOKEN_MAX], *note = NULL, *answer = NULL;
	char			*canon;
	json_t			*v;
	int			 rc, status = 201, badnote, frac;

	memset(&req, 0, sizeof(req));
	v = json_object_get(rq->json, "start");
	if (v == NULL || json_text(v) == NULL)
		return invalid_field(rq, "start", "is required (RFC 3339 with "
		    "an offset)");
	start = json_string_value(v);
	if (rfc3339_parse_frac(start, &req.start, &frac) == -1)
		return invalid_field(rq, "start", "must be an RFC 3339 instant "
		    "with an offset");
	v = json_object_get(rq->json, "name");
	if (json_text(v) == NULL || !valid_line(json_string_value(v),
	    NAME_MAX_CHARS))
		return invalid_field(rq, "name", "must be 1 to 200 characters "
		    "without control characters");
	req.name = json_string_value(v);
	v = json_object_get(rq->json, "email");
	if (json_text(v) == NULL || !valid_email(json_string_value(v)))
		return invalid_field(rq, "email", "is not a valid e-mail "
		    "address");
	req.email = json_string_value(v);
	bad = NULL;
	v = json_object_get(rq->json, "timezone");
	if (v != NULL && !json_is_null(v)) {
		if (json_text(v) == NULL || strlen(json_string_value(v)) >=
		    TZNAME_MAX || tz_get(json_string_value(v)) == NULL)
			bad = "timezone";
		else
			req.timezone = json_string_value(v);
	}
	if (bad != NULL)
		return invalid_field(rq, bad, "is not an IANA time zone");
	v = json_object_get(rq->json, "locale");
	if (v != NULL && !json_is_null(v)) {
		if (json_text(v) == NULL || !valid_locale(json_string_value(v)))
			return invalid_field(rq, "locale", "must be fr, nl or "
			    "en");
		req.locale = json_string_value(v);
	}
	v = json_object_get(rq->json, "note");
	if (v != NULL && !json_is_null(v)) {
		if (json_text(v) == NULL)
			return invalid_field(rq, "note", "must be a string "
			    "without NUL");
		note = note_normalize(json_string_value(v), NOTE_MAX_CHARS,
		    &badnote);
		if (note == NULL)
			return badnote ? invalid_field(rq, "note", "must be at "
			    "most 2000 characters; line breaks and tabs are "
			    "the only control characters allowed") :
			    internal(rq);
		req.note = note;
	}
	if ((key = http_header(rq, "Idempotency-Key")) != NULL) {
		size_t	 i, n = strlen(key);

		for (i = 0; i < n; i++)
			if (key[i] < 0x21 || key[i] > 0x7e)
				break;
		if (n == 0 || n > IDEM_KEY_MAX || i < n) {
			free(note);
			return invalid_field(rq, "Idempotency-Key", "must be 1 "
			    "to 255 printable ASCII characters");
		}
		/* The same body is the same JSON, whatever its spacing. */
		canon = json_dumps(rq->json, JSON_COMPACT | JSON_SORT_KEYS);
		if (canon == NULL) {
			free(note);
			return internal(rq);
		}
		crypto_generichash(idem.body_hash, HASH_LEN,
		    (const uint8_t *)canon, strlen(canon), NULL, 0);
		free(canon);
		idem.key = key;
		idem.render = render_booking;
		idem.arg = NULL;
		ip = &idem;
	}
	/* A fraction of a second is a well-formed instant on no grid. */
	if (frac)
		rc = BOOK_UNAVAILABLE;
	else
		rc = booking_create(rq->st, &env, rq->args[0], rq->args[1],
		    &req, ip, &b, tok, &status, &answer);
	free(note);
	switch (rc) {
	case BOOK_OK:
		log_info("booking %s: %s/%s confirmed", b.id, b.worker_id,
		    b.service_id);
		if (answer != NULL)
			rc = http_send_owned(rq, 201, "application/json",
			    answer, strlen(answer));
		else
			rc = http_json(rq, 201, booking_json(&b, tok));
		booking_clear(&b);
		sodium_memzero(tok, sizeof(tok));
		return rc;
	case BOOK_REPLAY:
		return http_send_owned(rq, status, "application/json", answer,
		    strlen(answer));
	case BOOK_MISMATCH:
		return http_error(rq, 422, "idempotency_mismatch",
		    "Idempotency-Key", "this key was used with another body");
	case BOOK_NOTFOUND:
		return not_found(rq);
	case BOOK_UNAVAILABLE:
		return http_error(rq, 409, "slot_unavailable", "start",
		    "this start is not bookable now");
	default:
		return internal(rq);
	}
}

static int
api_booking_get(struct request *rq)
{
	struct booking	 b;
	int		 rc;

	if ((rc = store_booking_get(rq->st, rq->args[0], &b)) != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	rc = http_json(rq, 200, booking_json(&b, NULL));
	booking_clear(&b);
	return rc;
}

static int
api_booking_cancel(struct request *rq)
{
	struct booking_env	 env = env_of(rq);
	struct booking		 b;
	json_t			*v = NULL;
	char			*reason = NULL;
	int			 rc, bad;

	if (rq->json != NULL)
		v = json_object_get(rq->json, "reason");
	if (v != NULL && !json_is_null(v)) {
		if (json_text(v) == NULL)
			return invalid_field(rq, "reason", "must be a string "
			    "without NUL");
		if ((reason = note_normalize(json_string_value(v),
		    REASON_MAX_CHARS, &bad)) == NULL)
			return bad ? invalid_field(rq, "reason", "must be at "
			    "most 500 characters without control characters") :
			    internal(rq);
	}
	rc = booking_cancel(rq->st, &env, rq->args[0], reason, &b);
	free(reason);
	if (rc == BOOK_NOTFOUND)
		return not_found(rq);
	if (rc != BOOK_OK)
		return internal(rq);
	rc = http_json(rq, 200, booking_json(&b, NULL));
	booking_clear(&b);
	return rc;
}

static int
api_booking_reschedule(struct request *rq)
{
	struct booking_env	 env = env_of(rq);
	struct booking		 b;
	json_t			*v;
	int64_t			 start;
	int			 rc, frac;

	v = json_object_get(rq->json, "start");
	if (json_text(v) == NULL || rfc3339_parse_frac(json_string_value(v),
	    &start, &frac) == -1)
		return invalid_field(rq, "start", "must be an RFC 3339 instant "
		    "with an offset");
	rc = frac ? BOOK_UNAVAILABLE : booking_reschedule(rq->st, &env,
	    rq->args[0], start, &b);
	switch (rc) {
	case BOOK_OK:
		rc = http_json(rq, 200, booking_json(&b, NULL));
		booking_clear(&b);
		return rc;
	case BOOK_NOTFOUND:
		return not_found(rq);
	case BOOK_UNAVAILABLE:
		return http_error(rq, 409, "slot_unavailable", "start",
		    "this start is not bookable now");
	case BOOK_CANCELLED:
		return http_error(rq, 409, "conflict", NULL,
		    "the booking is cancelled");
	default:
		return internal(rq);
	}
}

static int
api_worker_bookings(struct request *rq)
{
	struct worker		 w;
	struct booking		*v;
	const struct zone	*z;
	int32_t			 from, to, today, sec;
	size_t			 n, i;
	json_t			*a;
	int			 rc;

	if ((rc = store_worker_get(rq->st, rq->args[0], &w)) != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	z = tz_get(w.timezone);
	worker_clear(&w);
	if (z == NULL)
		return internal(rq);
	tz_instant_to_local(z, rq->now, &today, &sec);
	if ((rc = query_date(rq, "from", &from, 0)) == -1)
		return 0;
	if (rc == 1)
		from = today;
	if ((rc = query_date(rq, "to", &to, 0)) == -1)
		return 0;
	if (rc == 1)
		to = from + LIST_DAYS_MAX;
	if (to < from)
		return invalid_field(rq, "to", "must not be before from");
	if (to - from > LIST_DAYS_MAX)
		return invalid_field(rq, "to", "must be at most 366 days after "
		    "from");
	if (store_bookings_list(rq->st, rq->args[0],
	    tz_local_to_instant(z, from, 0), tz_local_to_instant(z, to + 1, 0),
	    &v, &n) != STORE_OK)
		return internal(rq);
	a = json_array();
	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, booking_json(&v[i], NULL));
	booking_list_free(v, n);
	if (a == NULL)
		return internal(rq);
	return http_json(rq, 200, json_pack("{s:o}", "bookings", a));
}

/* Calendar files. */

static void
http_date(int64_t t, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	static const char *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

	gmtime_r(&tt, &tm);
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
parse_http_date(const char *s, int64_t *t)
{
	struct tm	 tm;
	char		*end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	*t = (int64_t)timegm(&tm);
	return 0;
}

/* Does an If-None-Match list name etag ("*" too)? */
static int
etag_matches(const char *inm, const char *etag)
{
	size_t	 n = strlen(etag);
	const char *p;

	for (p = inm; *p != '\0';) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' ||
		    p[n] == ' '))
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

/*
 * Sends a calendar with a strong ETag from its bytes and Last-Modified, or
 * 304 when the client has it already. No compression: Outlook fails on a
 * gzipped calendar.
 */
/* A strong ETag: a hash of the body, quoted. */
static void
body_etag(const char *body, size_t len, char etag[ETAG_LEN])
{
	uint8_t	 h[16];
	size_t	 i;

	crypto_generichash(h, sizeof(h), (const uint8_t *)body, len, NULL, 0);
	etag[0] = '"';
	for (i = 0; i < sizeof(h); i++)
		snprintf(etag + 1 + 2 * i, 3, "%02x", h[i]);
	etag[33] = '"';
	etag[34] = '\0';
}

/* Does the client hold this version already (If-None-Match, else -Since)? */
static int
not_modified(struct request *rq, const char *etag, int64_t modified)
{
	const char	*inm, *ims;
	int64_t		 t;

	inm = http_header(rq, "If-None-Match");
	ims = http_header(rq, "If-Modified-Since");
	return (inm != NULL && etag_matches(inm, etag)) || (inm == NULL &&
	    ims != NULL && parse_http_date(ims, &t) == 0 && modified <= t);
}

static int
send_calendar(struct request *rq, char *body, size_t len, int64_t modified,
    const char *filename)
{
	char		 etag[ETAG_LEN];

	body_etag(body, len, etag);
	return send_calendar_etag(rq, body, len, etag, modified, filename);
}

/*
 * Sends a calendar (body may be NULL for a 304 known in advance) with its
 * ETag and Last-Modified, or 304 when the client has it already.
 */
static int
send_calendar_etag(struct request *rq, char *body, size_t len,
    const char *etag, int64_t modified, const char *filename)
{
	char		 lm[40], cd[128];

	http_date(modified, lm, sizeof(lm));
	http_add_header(rq, "ETag", etag);
	http_add_header(rq, "Last-Modified", lm);
	http_add_header(rq, "Cache-Control", "private, no-cache");
	if (not_modified(rq, etag, modified)) {
		free(body);
		return http_send(rq, 304, NULL, "", 0);
	}
	snprintf(cd, sizeof(cd), "inline; filename=\"%s\"", filename);
	http_add_header(rq, "Content-Disposition", cd);
	return http_send_owned(rq, 200, "text/calendar; charset=utf-8", body,
	    len);
}

static int
api_invite(struct request *rq)
{
	struct booking		 b;
	struct worker		 w;
	struct service		 s;
	struct ics_invite	 in;
	const char		*tok;
	char			*manage = NULL, *cal;
	size_t			 len;
	int			 rc;

	if ((rc = store_booking_get(rq->st, rq->args[0], &b)) != STORE_OK)
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	memset(&w, 0, sizeof(w));
	memset(&s, 0, sizeof(s));
	if (store_worker_get(rq->st, b.worker_id, &w) != STORE_OK ||
	    store_service_get(rq->st, b.worker_id, b.service_id, &s) !=
	    STORE_OK) {
		rc = internal(rq);
		goto done;
	}
	/* The holder's own copy carries the way back to their booking. */
	tok = rq->caller == CALLER_BOOKING ? request_token(rq, 1) : NULL;
	if (asprintf(&manage, "%s/manage/%s%s%s", api.base_url, b.id,
	    tok != NULL ? "#" : "", tok != NULL ? tok : "") == -1) {
		manage = NULL;
		rc = internal(rq);
		goto done;
	}
	memset(&in, 0, sizeof(in));
	in.booking = &b;
	in.worker = &w;
	in.service = &s;
	in.manage_url = manage;
	in.uid_domain = api.uid_domain;
	in.dtstamp = b.updated_at;
	if ((cal = ics_invite_new(&in, &len)) == NULL) {
		rc = internal(rq);
		goto done;
	}
	rc = send_calendar(rq, cal, len, b.updated_at, "invite.ics");
done:
	free(manage);
	booking_clear(&b);
	worker_clear(&w);
	service_clear(&s);
	return rc;
}

static int
cmp_booking_session(const void *a, const void *b)
{
	const struct booking	*x = a, *y = b;

	if (x->session_id != y->session_id)
		return (x->session_id > y->session_id) -
		    (x->session_id < y->session_id);
	if (x->created_at != y->created_at)
		return (x->created_at > y->created_at) -
		    (x->created_at < y->created_at);
	return strcmp(x->id, y->id);
}

/* The worker's feed: sessions that ended less than 30 days ago or later. */
static int
build_feed(struct request *rq, const struct worker *w, int64_t hour,
    char **calp, size_t *lenp)
{
	struct session		*sess = NULL;
	struct booking		*bk = NULL;
	struct service		*svc = NULL;
	struct ics_feed_entry	*ent = NULL;
	const struct booking	**parts = NULL;
	struct ics_feed		 feed;
	size_t			 ns = 0, nb = 0, nsvc = 0, ne = 0, np = 0;
	size_t			 i, j, k, lo, hi;
	int			 rc = -1;

	if (store_sessions_feed(rq->st, w->id, hour - FEED_KEEP, &sess,
	    &ns) != STORE_OK ||
	    store_bookings_list(rq->st, w->id, hour - FEED_KEEP - 2 * DAY,
	    INT64_MAX, &bk, &nb) != STORE_OK ||
	    store_service_list(rq->st, w->id, 0, &svc, &nsvc) != STORE_OK)
		goto done;
	qsort(bk, nb, sizeof(*bk), cmp_booking_session);
	if ((ns > 0 && (ent = calloc(ns, sizeof(*ent))) == NULL) ||
	    (nb > 0 && (parts = calloc(nb, sizeof(*parts))) == NULL))
		goto done;
	for (i = 0; i < ns; i++) {
		const struct service	*sv = NULL;
		size_t			 first = np;
		int64_t			 last_change = 0;

		for (k = 0; k < nsvc; k++)
			if (strcmp(svc[k].id, sess[i].service_id) == 0)
				sv = &svc[k];
		if (sv == NULL)
			continue;
		/* Bookings are sorted by session id: find the first of it. */
		for (lo = 0, hi = nb; lo < hi;) {
			size_t	 mid = lo + (hi - lo) / 2;

			if (bk[mid].session_id < sess[i].id)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (j = lo; j < nb && bk[j].session_id == sess[i].id; j++) {
			if (bk[j].updated_at > last_change)
				last_change = bk[j].updated_at;
			if (bk[j].status == BOOKING_CONFIRMED)
				parts[np++] = &bk[j];
		}
		/* A wholly cancelled session stays 30 days, then goes. */
		if (np == first && last_change < hour - FEED_KEEP)
			continue;
		ent[ne].session = &sess[i];
		ent[ne].service = sv;
		ent[ne].participants = np > first ? &parts[first] : NULL;
		ent[ne].nparticipants = np - first;
		ent[ne].cancelled = np == first;
		ne++;
	}
	memset(&feed, 0, sizeof(feed));
	feed.worker = w;
	feed.entries = ent;
	feed.nentries = ne;
	feed.uid_domain = api.uid_domain;
	if ((*calp = ics_feed_new(&feed, lenp)) != NULL)
		rc = 0;
done:
	free(ent);
	free(parts);
	session_list_free(sess, ns);
	booking_list_free(bk, nb);
	service_list_free(svc, nsvc);
	return rc;
}

/*
 * Built feeds, by worker: the body is a function of the worker's feed
 * version (moved by every change of what the feed shows) and of the hour
 * its 30-day window is anchored to, so a calendar app polling an unchanged
 * feed is answered from here, a 304 without building anything.
 */
#define FEED_CACHE	32
#define FEED_CACHE_MAX	(8 * 1024 * 1024)

struct feed_entry {
	char		 worker[ID_MAX];
	int64_t		 version;
	int64_t		 hour;
	char		*body;		/* owned */
	size_t		 len;
	char		 etag[ETAG_LEN];
	uint64_t	 used;
};

static struct {
	pthread_mutex_t		 mtx;
	struct feed_entry	 e[FEED_CACHE];
	uint64_t		 clock;
} feeds = { .mtx = PTHREAD_MUTEX_INITIALIZER };

/*
 * Is this version cached? Fills etag; with want_body, *bodyp gets a copy
 * of the body (NULL when out of memory).
 */
static int
feed_cached(const char *w, int64_t version, int64_t hour, int want_body,
    char etag[ETAG_LEN], char **bodyp, size_t *len)
{
	struct feed_entry	*e;
	size_t			 i;
	int			 hit = 0;

	*bodyp = NULL;
	pthread_mutex_lock(&feeds.mtx);
	for (i = 0; i < FEED_CACHE; i++) {
		e = &feeds.e[i];
		if (e->body == NULL || e->version != version ||
		    e->hour != hour || strcmp(e->worker, w) != 0)
			continue;
		e->used = ++feeds.clock;
		memcpy(etag, e->etag, ETAG_LEN);
		if (want_body && (*bodyp = malloc(e->len + 1)) != NULL) {
			memcpy(*bodyp, e->body, e->len + 1);
			*len = e->len;
		}
		hit = !want_body || *bodyp != NULL;
		break;
	}
	pthread_mutex_unlock(&feeds.mtx);
	return hit;
}

static void
feed_keep(const char *w, int64_t version, int64_t hour, const char *body,
    size_t len)
{
	struct feed_entry	*e, *victim = &feeds.e[0];
	char			*copy, etag[ETAG_LEN];
	size_t			 i;

	if (len > FEED_CACHE_MAX || (copy = malloc(len + 1)) == NULL)
		return;
	memcpy(copy, body, len + 1);
	body_etag(body, len, etag);
	pthread_mutex_lock(&feeds.mtx);
	for (i = 0; i < FEED_CACHE; i++) {
		e = &feeds.e[i];
		if (e->body != NULL && strcmp(e->worker, w) == 0) {
			victim = e;
			break;
		}
		if (e->used < victim->used)
			victim = e;
	}
	free(victim->body);
	snprintf(victim->worker, sizeof(victim->worker), "%s", w);
	victim->version = version;
	victim->hour = hour;
	victim->body = copy;
	victim->len = len;
	memcpy(victim->etag, etag, ETAG_LEN);
	victim->used = ++feeds.clock;
	pthread_mutex_unlock(&feeds.mtx);
}

static void
feed_cache_clear(void)
{
	size_t	 i;

	pthread_mutex_lock(&feeds.mtx);
	for (i = 0; i < FEED_CACHE; i++) {
		free(feeds.e[i].body);
		memset(&feeds.e[i], 0, sizeof(feeds.e[i]));
	}
	pthread_mutex_unlock(&feeds.mtx);
}

static int
api_feed(struct request *rq)
{
	struct worker	 w;
	uint8_t		 key[32], nonce[FEED_NONCE_LEN];
	char		 want[TOKEN_MAX], given[TOKEN_MAX], *cal;
	char		 etag[ETAG_LEN];
	const char	*arg = rq->args[1];
	size_t		 n = strlen(arg), len;
	int64_t		 changed, version, hour;
	int		 rc;

	if (n < 5 || n - 4 >= sizeof(given) || strcmp(arg + n - 4, ".ics"))
		return not_found(rq);
	snprintf(given, sizeof(given), "%.*s", (int)(n - 4), arg);
	if (store_read_begin(rq->st) != STORE_OK)
		return internal(rq);
	rc = store_worker_feed_state(rq->st, rq->args[0], nonce, &changed,
	    &version) == STORE_OK && store_server_key(rq->st, key) == STORE_OK;
	if (rc) {
		token_feed(key, rq->args[0], nonce, want);
		rc = token_equal(want, given);
	}
	sodium_memzero(key, sizeof(key));
	sodium_memzero(want, sizeof(want));
	if (!rc) {
		store_read_end(rq->st);
		return not_found(rq);
	}
	hour = rq->now - rq->now % 3600;
	if (feed_cached(rq->args[0], version, hour, 0, etag, &cal, &len)) {
		/* An unchanged feed costs one small read and no copy. */
		if (not_modified(rq, etag, changed) ||
		    feed_cached(rq->args[0], version, hour, 1, etag, &cal,
		    &len)) {
			store_read_end(rq->st);
			return send_calendar_etag(rq, cal, len, etag, changed,
			    "creneau.ics");
		}
	}
	if ((rc = store_worker_get(rq->st, rq->args[0], &w)) != STORE_OK) {
		store_read_end(rq->st);
		return rc == STORE_NOTFOUND ? not_found(rq) : internal(rq);
	}
	rc = build_feed(rq, &w, hour, &cal, &len);
	store_read_end(rq->st);
	worker_clear(&w);
	if (rc == -1)
		return internal(rq);
	feed_keep(rq->args[0], version, hour, cal, len);
	return send_calendar(rq, cal, len, changed, "creneau.ics");
}

/* Pages. */

/*
 * The page language: the page's ?lang= switch, the visitor's
 * Accept-Language (fr, nl, en, by q),
 * else the worker's locale, else French.
 */
static const char *
page_lang(struct request *rq, const char *fallback)
{
	static const char	*langs[] = { "fr", "nl", "en" };
	const char		*al = http_header(rq, "Accept-Language");
	const char		*p, *best = NULL, *chosen;
	double			 bestq = 0, q;
	size_t			 i;

	/* The page's own switch (?lang=) first. */
	if ((chosen = http_query(rq, "lang")) != NULL && valid_locale(chosen))
		return chosen;
	for (p = al; p != NULL && *p != '\0';) {
		while (*p == ' ' || *p == ',')
			p++;
		q = 1.0;
		const char	*tag = p;
		size_t		 tlen = strcspn(p, ",;");
		const char	*semi = p + tlen;

		if (*semi == ';') {
			const char	*qs = strstr(semi, "q=");

			if (qs != NULL && qs < semi + strcspn(semi, ","))
				q = strtod(qs + 2, NULL);
		}
		for (i = 0; i < 3; i++)
			if (tlen >= 2 && strncasecmp(tag, langs[i], 2) == 0 &&
			    (tlen == 2 || tag[2] == '-') && q > bestq) {
				best = langs[i];
				bestq = q;
			}
		p += strcspn(p, ",");
	}
	if (best != NULL)
		return best;
	if (fallback != NULL && valid_locale(fallback))
		return fallback;
	return "fr";
}

/*
 * A worker or service that does not exist: the same page, answered 404,
 * whose script says so in the visitor's language.
 */
static int
page_not_found(struct request *rq, const char *page)
{
	http_page(rq, page, page_lang(rq, NULL));
	if (rq->status == 200)
		rq->status = 404;
	return 0;
}

static int
page_worker(struct request *rq)
{
	struct worker	 w;
	int		 rc;

	if (!valid_id(rq->args[0]) ||
	    store_worker_get(rq->st, rq->args[0], &w) != STORE_OK)
		return page_not_found(rq, "worker.html");
	rc = http_page(rq, "worker.html", page_lang(rq, w.locale));
	worker_clear(&w);
	return rc;
}

static int
page_book(struct request *rq)
{
	struct worker	 w;
	struct service	 s;
	int		 rc;

	if (!valid_id(rq->args[0]) || !valid_id(rq->args[1]) ||
	    store_worker_get(rq->st, rq->args[0], &w) != STORE_OK)
		return page_not_found(rq, "book.html");
	if (store_service_get(rq->st, rq->args[0], rq->args[1], &s) !=
	    STORE_OK) {
		worker_clear(&w);
		return page_not_found(rq, "book.html");
	}
	rc = http_page(rq, "book.html", page_lang(rq, w.locale));
	worker_clear(&w);
	service_clear(&s);
	return rc;
}

static int
page_manage(struct request *rq)
{
	return http_page(rq, "manage.html", page_lang(rq, NULL));
}

static int
page_admin(struct request *rq)
{
	return http_page(rq, "admin.html", page_lang(rq, NULL));
}

static int
page_static(struct request *rq)
{
	char	 rel[512];

	if (snprintf(rel, sizeof(rel), "static/%s", rq->args[0]) >=
	    (int)sizeof(rel))
		return not_found(rq);
	return http_page(rq, rel, NULL);
}

/*
 * The routes, read top to bottom; the first match wins. A path that
 * matches with another method answers 405, none at all 404.
 */
const struct route api_routes[] = {
	{ "GET", "/healthz", api_health, AUTH_NONE, 0 },
	{ "GET", "/robots.txt", api_robots, AUTH_NONE, 0 },
	{ "GET", "/api/v1/me", api_me, AUTH_NONE, 0 },
	{ "POST", "/api/v1/workers", api_worker_create, AUTH_ADMIN, R_BODY },
	{ "GET", "/api/v1/workers/*", api_worker_get, AUTH_NONE, 0 },
	{ "PATCH", "/api/v1/workers/*", api_worker_patch, AUTH_WORKER,
	    R_BODY },
	{ "DELETE", "/api/v1/workers/*", api_worker_delete, AUTH_ADMIN, 0 },
	{ "POST", "/api/v1/workers/*/token", api_worker_token, AUTH_WORKER,
	    0 },
	{ "POST", "/api/v1/workers/*/feed-token", api_worker_feed_token,
	    AUTH_WORKER, 0 },
	{ "GET", "/api/v1/workers/*/availability", api_hours_get,
	    AUTH_WORKER, 0 },
	{ "PUT", "/api/v1/workers/*/availability", api_hours_put,
	    AUTH_WORKER, R_BODY },
	{ "POST", "/api/v1/workers/*/services", api_service_create,
	    AUTH_WORKER, R_BODY },
	{ "GET", "/api/v1/workers/*/services", api_service_list, AUTH_NONE,
	    0 },
	{ "GET", "/api/v1/workers/*/services/*", api_service_get, AUTH_NONE,
	    0 },
	{ "PATCH", "/api/v1/workers/*/services/*", api_service_patch,
	    AUTH_WORKER, R_BODY },
	{ "DELETE", "/api/v1/workers/*/services/*", api_service_delete,
	    AUTH_WORKER, 0 },
	{ "GET", "/api/v1/workers/*/services/*/slots", api_slots, AUTH_NONE,
	    0 },
	{ "POST", "/api/v1/workers/*/services/*/bookings",
	    api_booking_create, AUTH_NONE, R_BODY | R_LIMITED },
	{ "GET", "/api/v1/workers/*/bookings", api_worker_bookings,
	    AUTH_WORKER, 0 },
	{ "GET", "/api/v1/bookings/*", api_booking_get, AUTH_BOOKING, 0 },
	{ "POST", "/api/v1/bookings/*/cancel", api_booking_cancel,
	    AUTH_BOOKING, R_BODY_OPT | R_LIMITED },
	{ "POST", "/api/v1/bookings/*/reschedule", api_booking_reschedule,
	    AUTH_BOOKING, R_BODY | R_LIMITED },
	{ "GET", "/api/v1/bookings/*/invite.ics", api_invite, AUTH_BOOKING,
	    0 },
	{ "GET", "/feeds/*/*", api_feed, AUTH_NONE, 0 },
	{ "GET", "/static/**", page_static, AUTH_NONE, R_PAGE },
	{ "GET", "/admin", page_admin, AUTH_NONE, R_PAGE },
	{ "GET", "/manage/*", page_manage, AUTH_NONE, R_PAGE },
	{ "GET", "/*", page_worker, AUTH_NONE, R_PAGE },
	{ "GET", "/*/*", page_book, AUTH_NONE, R_PAGE },
};
const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
