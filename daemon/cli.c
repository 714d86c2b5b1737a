/*
 * cli.c: the operator's commands, on the same database as a running
 * daemon (SQLite's locking makes that safe): admin-token, backup, worker
 * add|list|token, bookings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "cli.h"
#include "config.h"
#include "log.h"
#include "parse.h"
#include "store.h"
#include "token.h"
#include "tzconv.h"

static struct store *
open_db(const struct config *c)
{
	struct store	*st;

	log_init(c->debug);
	if (token_init() == -1)
		return NULL;
	if ((st = store_open(c->db)) == NULL)
		fprintf(stderr, "creneau: cannot open the database %s\n",
		    c->db);
	return st;
}

static const char *
base_url(const struct config *c, char *buf, size_t len)
{
	if (c->base_url != NULL)
		return c->base_url;
	snprintf(buf, len, "http://%s", c->listen);
	return buf;
}

int
cmd_admin_token(const struct config *c)
{
	struct store	*st;
	uint8_t		 hash[HASH_LEN];
	char		 tok[TOKEN_MAX];
	int		 rc;

	if ((st = open_db(c)) == NULL)
		return 1;
	token_new("cra", tok);
	token_hash(tok, hash);
	rc = store_admin_set(st, hash);
	store_close(st);
	if (rc != STORE_OK) {
		fprintf(stderr, "creneau: cannot store the admin token\n");
		return 1;
	}
	printf("%s\n", tok);
	sodium_memzero(tok, sizeof(tok));
	return 0;
}

int
cmd_backup(const struct config *c, const char *dest)
{
	struct store	*st;

	/* A mistyped --db must not give an empty "backup" and exit 0. */
	if (access(c->db, R_OK) == -1) {
		fprintf(stderr, "creneau: %s: %s\n", c->db, strerror(errno));
		return 1;
	}
	/* Opening first migrates an older database to this version. */
	if ((st = open_db(c)) == NULL)
		return 1;
	store_close(st);
	if (store_backup(c->db, dest) != STORE_OK) {
		fprintf(stderr, "creneau: backup to %s failed\n", dest);
		return 1;
	}
	return 0;
}

static void
print_links(const struct config *c, struct store *st, const char *id)
{
	uint8_t	 key[32], nonce[FEED_NONCE_LEN];
	char	 feed[TOKEN_MAX], buf[300];
	const char *base = base_url(c, buf, sizeof(buf));

	printf("booking page: %s/%s\n", base, id);
	if (store_server_key(st, key) == STORE_OK &&
	    store_worker_feed(st, id, nonce, NULL) == STORE_OK) {
		token_feed(key, id, nonce, feed);
		printf("feed: %s/feeds/%s/%s.ics\n", base, id, feed);
		sodium_memzero(key, sizeof(key));
	}
}

static int
zone_ok(const char *name)
{
	return tz_get(name) != NULL;
}

static int
worker_add(const struct config *c, struct store *st, const char *id)
{
	struct worker		 w;
	struct field_error	 e;
	uint8_t			 hash[HASH_LEN], nonce[FEED_NONCE_LEN];
	char			 tok[TOKEN_MAX];
	json_t			*o;
	int			 rc;

	if (c->name == NULL || c->email == NULL) {
		fprintf(stderr, "creneau: worker add needs --name and "
		    "--email\n");
		return 2;
	}
	if (tz_init(NULL) == -1)
		return 1;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "name", c->name,
	    "email", c->email, "timezone", c->timezone != NULL ?
	    c->timezone : "Europe/Brussels", "locale", c->locale != NULL ?
	    c->locale : "fr");
	memset(&w, 0, sizeof(w));
	if (o == NULL || parse_worker(o, 0, &w, zone_ok, &e) == -1) {
		json_decref(o);
		worker_clear(&w);
		if (o != NULL && strcmp(e.field, "id") == 0)
			fprintf(stderr, "creneau: worker id %s %s\n", id,
			    e.msg);
		else
			fprintf(stderr, "creneau: --%s %s\n", o != NULL ?
			    e.field : "name", o != NULL ? e.msg :
			    "is not valid UTF-8");
		return 2;
	}
	json_decref(o);
	w.created_at = w.updated_at = time(NULL);
	token_new("crw", tok);
	token_hash(tok, hash);
	token_nonce(nonce);
	rc = store_worker_insert(st, &w, hash, nonce);
	worker_clear(&w);
	if (rc == STORE_EXISTS) {
		fprintf(stderr, "creneau: worker %s exists\n", id);
		return 1;
	}
	if (rc != STORE_OK)
		return 1;
	printf("worker: %s\ntoken: %s\n", id, tok);
	sodium_memzero(tok, sizeof(tok));
	print_links(c, st, id);
	return 0;
}

int
cmd_worker(const struct config *c)
{
	struct store	*st;
	struct worker	*v;
	uint8_t		 hash[HASH_LEN];
	char		 tok[TOKEN_MAX];
	const char	*verb = c->positional[0];
	const char	*id = c->npositional > 1 ? c->positional[1] : NULL;
	size_t		 n, i;
	int		 rc = 1;

	if (strcmp(verb, "list") == 0 ? id != NULL : id == NULL ||
	    (strcmp(verb, "add") != 0 && strcmp(verb, "token") != 0)) {
		fprintf(stderr, "creneau: usage: creneau worker add ID ... | "
		    "list | token ID\n");
		return 2;
	}
	if ((st = open_db(c)) == NULL)
		return 1;
	if (strcmp(verb, "add") == 0)
		rc = worker_add(c, st, id);
	else if (strcmp(verb, "list") == 0) {
		if (store_worker_list(st, &v, &n) == STORE_OK) {
			for (i = 0; i < n; i++)
				printf("%s\t%s\t%s\t%s\t%s\n", v[i].id,
				    v[i].name, v[i].email, v[i].timezone,
				    v[i].locale);
			worker_list_free(v, n);
			rc = 0;
		}
	} else {
		token_new("crw", tok);
		token_hash(tok, hash);
		rc = store_worker_set_token(st, id, hash);
		if (rc == STORE_OK) {
			printf("%s\n", tok);
			rc = 0;
		} else {
			if (rc == STORE_NOTFOUND)
				fprintf(stderr, "creneau: no worker %s\n", id);
			rc = 1;
		}
		sodium_memzero(tok, sizeof(tok));
	}
	store_close(st);
	return rc;
}

int
cmd_bookings(const struct config *c)
{
	struct store		*st;
	struct worker		 w;
	struct booking		*v;
	const struct zone	*z;
	const char		*id = c->positional[0];
	char			 a[RFC3339_LEN], b[RFC3339_LEN];
	int32_t			 from, to, sec;
	size_t			 n, i;
	int			 rc = 1;

	if ((c->from != NULL && date_parse(c->from, &from) == -1) ||
	    (c->to != NULL && date_parse(c->to, &to) == -1)) {
		fprintf(stderr, "creneau: --from and --to take YYYY-MM-DD\n");
		return 2;
	}
	if ((st = open_db(c)) == NULL)
		return 1;
	if (tz_init(NULL) == -1)
		goto done;
	if (store_worker_get(st, id, &w) != STORE_OK) {
		fprintf(stderr, "creneau: no worker %s\n", id);
		goto done;
	}
	z = tz_get(w.timezone);
	worker_clear(&w);
	if (z == NULL)
		goto done;
	if (c->from == NULL)
		tz_instant_to_local(z, time(NULL), &from, &sec);
	if (c->to == NULL)
		to = from + 366;
	if (to < from) {
		fprintf(stderr, "creneau: --to is before --from\n");
		rc = 2;
		goto done;
	}
	if (store_bookings_list(st, id, tz_local_to_instant(z, from, 0),
	    tz_local_to_instant(z, to + 1, 0), &v, &n) != STORE_OK)
		goto done;
	for (i = 0; i < n; i++) {
		rfc3339_format_tz(v[i].start, z, a);
		rfc3339_format_tz(v[i].end, z, b);
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a, b, v[i].service_id,
		    v[i].status == BOOKING_CANCELLED ? "cancelled" :
		    "confirmed", v[i].name, v[i].email, v[i].id);
	}
	booking_list_free(v, n);
	rc = 0;
done:
	store_close(st);
	return rc;
}
