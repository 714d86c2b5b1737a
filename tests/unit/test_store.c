/*
 * test_store.c: the store on a real SQLite file in a fresh folder: the
 * schema and its migrations, the connection's settings, every record's
 * round trip, and the constraints that back booking.c.
 *
 * A second connection, opened here with sqlite3 directly, looks at the file
 * the way another process would.
 */
#include "unit.h"

#include <dlfcn.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "slots.h"
#include "store.h"

#define T0	INT64_C(1900000000)	/* 2030-03-17T17:46:40Z */
#define H	3600

struct fix {
	char		 dir[64];
	char		 path[128];
	struct store	*st;
};

/*
 * The store's own connection, seen through a pass-through wrapper of
 * sqlite3_open_v2(): journal mode is a property of the file, but
 * synchronous and foreign_keys are settings of each connection, which only
 * that connection can report. The wrapper calls the real function and
 * remembers the handle the store opened (the only caller that asks for
 * SQLITE_OPEN_NOMUTEX).
 */
static sqlite3	*store_db;

int
sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs)
{
	static int	(*real)(const char *, sqlite3 **, int, const char *);
	void		*sym;
	int		 rc;

	if (real == NULL && (sym = dlsym(RTLD_NEXT, "sqlite3_open_v2")) != NULL)
		memcpy(&real, &sym, sizeof(real));
	if (real == NULL)
		return SQLITE_ERROR;
	rc = real(name, db, flags, vfs);
	if (rc == SQLITE_OK && (flags & SQLITE_OPEN_NOMUTEX))
		store_db = *db;
	return rc;
}

static int
rm_entry(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	return remove(path);
}

static int
setup(void **state)
{
	struct fix	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/creneau-store-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/creneau.db", f->dir);
	if ((f->st = store_open(f->path)) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	store_close(f->st);
	nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Another connection on the same file, as another process would open it. */
static sqlite3 *
peer(const char *path, int readonly)
{
	sqlite3	*db = NULL;

	if (sqlite3_open_v2(path, &db, readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fail_msg("open %s: %s", path, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 2000);
	return db;
}

/* The first column of the first row of sql, as an integer. */
static int64_t
q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s;
	int64_t		 v;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) != SQLITE_ROW)
		fail_msg("%s: no row: %s", sql, sqlite3_errmsg(db));
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static char *
q_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s;
	char		*v;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) != SQLITE_ROW)
		fail_msg("%s: no row: %s", sql, sqlite3_errmsg(db));
	v = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

static void
hash_of(int seed, uint8_t h[HASH_LEN])
{
	memset(h, seed, HASH_LEN);
}

static void
add_worker(struct store *st, const char *id, int seed)
{
	struct worker	 w;
	uint8_t		 h[HASH_LEN], n[FEED_NONCE_LEN];

	memset(&w, 0, sizeof(w));
	snprintf(w.id, sizeof(w.id), "%s", id);
	w.name = (char *)"Jean Peeters";
	w.email = (char *)"jean@example.org";
	snprintf(w.timezone, sizeof(w.timezone), "Europe/Brussels");
	snprintf(w.locale, sizeof(w.locale), "fr");
	w.created_at = w.updated_at = T0;
	hash_of(seed, h);
	memset(n, seed, sizeof(n));
	assert_int_equal(store_worker_insert(st, &w, h, n), STORE_OK);
}

static void
fill_service(struct service *s, const char *worker, const char *id,
    int capacity)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->worker_id, sizeof(s->worker_id), "%s", worker);
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->title = (char *)"Cours de maths";
	s->description = (char *)"Secondaire";
	s->duration_min = 60;
	s->step_min = 30;
	s->capacity = capacity;
	s->buffer_before_min = 0;
	s->buffer_after_min = 15;
	s->min_notice_min = 120;
	s->horizon_days = 60;
	s->max_per_day = 0;
	s->video = true;
	s->active = true;
}

static void
add_service(struct store *st, const char *worker, const char *id,
    int capacity)
{
	struct service	 s;

	fill_service(&s, worker, id, capacity);
	assert_int_equal(store_service_insert(st, &s), STORE_OK);
}

/* A session of service sv at start (one hour) with occupied [os, oe). */
static int64_t
add_session(struct store *st, const char *worker, const char *sv,
    int64_t start, int64_t os, int64_t oe)
{
	struct session	 se;

	memset(&se, 0, sizeof(se));
	snprintf(se.worker_id, sizeof(se.worker_id), "%s", worker);
	snprintf(se.service_id, sizeof(se.service_id), "%s", sv);
	se.start = start;
	se.end = start + H;
	se.occ_start = os;
	se.occ_end = oe;
	se.updated_at = T0;
	assert_int_equal(store_session_insert(st, &se), STORE_OK);
	assert_true(se.id > 0);
	return se.id;
}

static void
fill_booking(struct booking *b, const char *id, const char *worker,
    const char *sv, int64_t session, int64_t start)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->id, sizeof(b->id), "%s", id);
	b->status = BOOKING_CONFIRMED;
	snprintf(b->worker_id, sizeof(b->worker_id), "%s", worker);
	snprintf(b->service_id, sizeof(b->service_id), "%s", sv);
	b->session_id = session;
	b->start = start;
	b->end = start + H;
	b->name = (char *)"Marie Dupont";
	b->email = (char *)"marie@example.be";
	b->note = (char *)"Chapitre 3\nexercices";
	snprintf(b->timezone, sizeof(b->timezone), "America/New_York");
	snprintf(b->locale, sizeof(b->locale), "en");
	b->room_url = (char *)"https://meet.jit.si/creneau-abc";
	b->sequence = 0;
	b->created_at = b->updated_at = T0;
}

/* A confirmed booking in its own session of sv at start. */
static int64_t
book(struct store *st, const char *id, const char *worker, const char *sv,
    int64_t start, int seed)
{
	struct booking	 b;
	uint8_t		 h[HASH_LEN];
	int64_t		 se;

	se = add_session(st, worker, sv, start, start, start + H);
	assert_int_equal(store_session_seats(st, se, 1, 1, T0), STORE_OK);
	fill_booking(&b, id, worker, sv, se, start);
	hash_of(seed, h);
	assert_int_equal(store_booking_insert(st, &b, h), STORE_OK);
	return se;
}

/* open and migrations */

static void
test_open_migrates(void **state)
{
	struct fix	*f = *state;
	uint8_t		 key[32], key2[32], zero[32];
	sqlite3		*db;
	int64_t		 version;

	assert_int_equal(store_ping(f->st), STORE_OK);
	db = peer(f->path, 1);
	version = q_int(db, "PRAGMA user_version");
	assert_true(version >= 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_master WHERE"
	    " type = 'table' AND name IN ('meta', 'workers', 'weekly_hours',"
	    " 'override_days', 'override_hours', 'time_off', 'services',"
	    " 'sessions', 'bookings', 'idempotency', 'outbox')"), 11);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_master WHERE"
	    " type = 'trigger'"), 1);
	sqlite3_close(db);

	/* The server key is made once, by the first migration. */
	memset(zero, 0, sizeof(zero));
	assert_int_equal(store_server_key(f->st, key), STORE_OK);
	assert_memory_not_equal(key, zero, sizeof(key));
	add_worker(f->st, "jean", 1);

	/* Opening again migrates nothing and loses nothing. */
	store_close(f->st);
	assert_non_null(f->st = store_open(f->path));
	assert_int_equal(store_server_key(f->st, key2), STORE_OK);
	assert_memory_equal(key, key2, sizeof(key));
	db = peer(f->path, 1);
	assert_int_equal(q_int(db, "PRAGMA user_version"), version);
	assert_int_equal(q_int(db, "SELECT count(*) FROM workers"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM meta WHERE"
	    " key = 'server_key'"), 1);
	sqlite3_close(db);
}

static void
test_open_refuses_newer(void **state)
{
	struct fix	*f = *state;
	sqlite3		*db;
	char		 path[192];

	store_close(f->st);
	f->st = NULL;
	db = peer(f->path, 0);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1000", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open(f->path));
	/* Nor a folder that is not there. */
	snprintf(path, sizeof(path), "%s/nope/creneau.db", f->dir);
	assert_null(store_open(path));
}

static void
test_connection_settings(void **state)
{
	struct fix	*f = *state;
	struct service	 s;
	sqlite3		*db;
	char		*mode;

	/* setup() opened the store last: the wrapper has its handle. */
	store_close(f->st);
	store_db = NULL;
	assert_non_null(f->st = store_open(f->path));
	assert_non_null(store_db);
	mode = q_text(store_db, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(q_int(store_db, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(q_int(store_db, "PRAGMA foreign_keys"), 1);

	/* WAL is the file's: another connection sees it too. */
	db = peer(f->path, 1);
	mode = q_text(db, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	sqlite3_close(db);

	/* Foreign keys at work: no service of a worker that is not there. */
	fill_service(&s, "ghost", "maths", 1);
	assert_int_not_equal(store_service_insert(f->st, &s), STORE_OK);
	assert_int_equal(store_service_get(f->st, "ghost", "maths", &s),
	    STORE_NOTFOUND);
}

/* workers */

static void
test_workers(void **state)
{
	struct fix	*f = *state;
	struct worker	 w, *v;
	uint8_t		 h[HASH_LEN], n[FEED_NONCE_LEN], n2[FEED_NONCE_LEN];
	char		 id[ID_MAX];
	size_t		 nw;
	int64_t		 changed;

	add_worker(f->st, "marie", 2);
	add_worker(f->st, "jean", 1);
	assert_int_equal(store_worker_get(f->st, "jean", &w), STORE_OK);
	assert_string_equal(w.id, "jean");
	assert_string_equal(w.name, "Jean Peeters");
	assert_string_equal(w.email, "jean@example.org");
	assert_string_equal(w.timezone, "Europe/Brussels");
	assert_string_equal(w.locale, "fr");
	assert_int_equal(w.created_at, T0);
	assert_int_equal(w.updated_at, T0);

	/* The same id, or the same token hash, is refused. */
	memset(h, 9, sizeof(h));
	memset(n, 9, sizeof(n));
	assert_int_equal(store_worker_insert(f->st, &w, h, n), STORE_EXISTS);
	snprintf(w.id, sizeof(w.id), "other");
	hash_of(1, h);
	assert_int_equal(store_worker_insert(f->st, &w, h, n), STORE_EXISTS);

	/* Update. */
	snprintf(w.id, sizeof(w.id), "jean");
	free(w.name);
	w.name = strdup("Jean P.");
	snprintf(w.timezone, sizeof(w.timezone), "Asia/Tokyo");
	snprintf(w.locale, sizeof(w.locale), "nl");
	w.updated_at = T0 + 50;
	assert_int_equal(store_worker_update(f->st, &w), STORE_OK);
	snprintf(w.id, sizeof(w.id), "nobody");
	assert_int_equal(store_worker_update(f->st, &w), STORE_NOTFOUND);
	worker_clear(&w);
	assert_int_equal(store_worker_get(f->st, "jean", &w), STORE_OK);
	assert_string_equal(w.name, "Jean P.");
	assert_string_equal(w.timezone, "Asia/Tokyo");
	assert_string_equal(w.locale, "nl");
	assert_int_equal(w.created_at, T0);
	assert_int_equal(w.updated_at, T0 + 50);
	worker_clear(&w);
	assert_int_equal(store_worker_get(f->st, "nobody", &w),
	    STORE_NOTFOUND);
	assert_null(w.name);

	/* Listed by id. */
	assert_int_equal(store_worker_list(f->st, &v, &nw), STORE_OK);
	assert_int_equal(nw, 2);
	assert_string_equal(v[0].id, "jean");
	assert_string_equal(v[1].id, "marie");
	assert_string_equal(v[1].name, "Jean Peeters");
	worker_list_free(v, nw);

	/* Tokens. */
	hash_of(1, h);
	assert_int_equal(store_worker_by_token(f->st, h, id), STORE_OK);
	assert_string_equal(id, "jean");
	hash_of(2, h);
	assert_int_equal(store_worker_by_token(f->st, h, id), STORE_OK);
	assert_string_equal(id, "marie");
	hash_of(3, h);
	assert_int_equal(store_worker_by_token(f->st, h, id), STORE_NOTFOUND);
	assert_int_equal(store_worker_set_token(f->st, "jean", h), STORE_OK);
	assert_int_equal(store_worker_by_token(f->st, h, id), STORE_OK);
	assert_string_equal(id, "jean");
	hash_of(1, h);
	assert_int_equal(store_worker_by_token(f->st, h, id), STORE_NOTFOUND);
	assert_int_equal(store_worker_set_token(f->st, "nobody", h),
	    STORE_NOTFOUND);

	/* The feed: nonce and change time. */
	assert_int_equal(store_worker_feed(f->st, "marie", n, &changed),
	    STORE_OK);
	memset(n2, 2, sizeof(n2));
	assert_memory_equal(n, n2, sizeof(n));
	assert_int_equal(changed, T0);
	/* The update above moved jean's. */
	assert_int_equal(store_worker_feed(f->st, "jean", n, &changed),
	    STORE_OK);
	assert_int_equal(changed, T0 + 50);
	/* It never goes back. */
	assert_int_equal(store_worker_touch_feed(f->st, "jean", T0 + 10),
	    STORE_OK);
	assert_int_equal(store_worker_feed(f->st, "jean", n, &changed),
	    STORE_OK);
	assert_int_equal(changed, T0 + 50);
	assert_int_equal(store_worker_touch_feed(f->st, "jean", T0 + 99),
	    STORE_OK);
	assert_int_equal(store_worker_feed(f->st, "jean", n, &changed),
	    STORE_OK);
	assert_int_equal(changed, T0 + 99);
	memset(n2, 0x5a, sizeof(n2));
	assert_int_equal(store_worker_set_feed_nonce(f->st, "jean", n2),
	    STORE_OK);
	assert_int_equal(store_worker_feed(f->st, "jean", n, NULL), STORE_OK);
	assert_memory_equal(n, n2, sizeof(n));
	assert_int_equal(store_worker_feed(f->st, "nobody", n, NULL),
	    STORE_NOTFOUND);
	assert_int_equal(store_worker_set_feed_nonce(f->st, "nobody", n2),
	    STORE_NOTFOUND);

	/* Delete. */
	assert_int_equal(store_worker_delete(f->st, "marie", T0), STORE_OK);
	assert_int_equal(store_worker_get(f->st, "marie", &w),
	    STORE_NOTFOUND);
	hash_of(2, h);
	assert_int_equal(store_worker_by_token(f->st, h, id), STORE_NOTFOUND);
	assert_int_equal(store_worker_delete(f->st, "marie", T0),
	    STORE_NOTFOUND);
}

static void
test_worker_delete_cascades_and_conflicts(void **state)
{
	struct fix	*f = *state;
	struct hours	 h;
	struct booking	 b;
	sqlite3		*db;

	add_worker(f->st, "jean", 1);
	add_service(f->st, "jean", "maths", 1);
	memset(&h, 0, sizeof(h));
	h.weekly[0].n = 1;
	h.weekly[0].v[0].start = 540;
	h.weekly[0].v[0].end = 720;
	assert_int_equal(store_hours_put(f->st, "jean", &h), STORE_OK);
	book(f->st, "b-1", "jean", "maths", T0 + 10 * H, 11);

	/* A confirmed booking still to come: refused, nothing gone. */
	assert_int_equal(store_worker_delete(f->st, "jean", T0),
	    STORE_CONFLICT);
	assert_int_equal(store_booking_get(f->st, "b-1", &b), STORE_OK);
	booking_clear(&b);

	/* Once it has ended, everything of the worker goes. */
	assert_int_equal(store_worker_delete(f->st, "jean", T0 + 11 * H),
	    STORE_OK);
	db = peer(f->path, 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM weekly_hours"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM services"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sessions"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM bookings"), 0);
	sqlite3_close(db);
}

/* hours */

static void
assert_hours_equal(const struct hours *a, const struct hours *b)
{
	size_t	 i, j;
	int	 d;

	for (d = 0; d < 7; d++) {
		assert_int_equal(a->weekly[d].n, b->weekly[d].n);
		for (j = 0; j < a->weekly[d].n; j++) {
			assert_int_equal(a->weekly[d].v[j].start,
			    b->weekly[d].v[j].start);
			assert_int_equal(a->weekly[d].v[j].end,
			    b->weekly[d].v[j].end);
		}
	}
	assert_int_equal(a->noverrides, b->noverrides);
	for (i = 0; i < a->noverrides; i++) {
		assert_int_equal(a->overrides[i].date, b->overrides[i].date);
		assert_int_equal(a->overrides[i].day.n, b->overrides[i].day.n);
		for (j = 0; j < a->overrides[i].day.n; j++) {
			assert_int_equal(a->overrides[i].day.v[j].start,
			    b->overrides[i].day.v[j].start);
			assert_int_equal(a->overrides[i].day.v[j].end,
			    b->overrides[i].day.v[j].end);
		}
	}
	assert_int_equal(a->ntime_off, b->ntime_off);
	for (i = 0; i < a->ntime_off; i++) {
		assert_int_equal(a->time_off[i].start, b->time_off[i].start);
		assert_int_equal(a->time_off[i].end, b->time_off[i].end);
	}
}

static void
test_hours_round_trip(void **state)
{
	struct fix		*f = *state;
	struct hours		 h, got;
	struct hours_override	 ov[3];
	struct interval		 off[2];
	int			 i;

	add_worker(f->st, "jean", 1);
	add_worker(f->st, "marie", 2);
	assert_int_equal(store_hours_get(f->st, "jean", &got), STORE_OK);
	assert_int_equal(got.noverrides + got.ntime_off + got.weekly[0].n, 0);
	hours_clear(&got);

	memset(&h, 0, sizeof(h));
	memset(ov, 0, sizeof(ov));
	h.weekly[0].n = 2;
	h.weekly[0].v[0].start = 540;
	h.weekly[0].v[0].end = 720;
	h.weekly[0].v[1].start = 780;
	h.weekly[0].v[1].end = 1020;
	/* A full day of 24 intervals, given out of order. */
	h.weekly[5].n = HOURS_PER_DAY_MAX;
	for (i = 0; i < HOURS_PER_DAY_MAX; i++) {
		h.weekly[5].v[i].start = (23 - i) * 60;
		h.weekly[5].v[i].end = (23 - i) * 60 + 60;
	}
	h.weekly[6].n = 1;
	h.weekly[6].v[0].start = 600;
	h.weekly[6].v[0].end = 1440;
	ov[0].date = 20000;
	ov[0].day.n = 1;
	ov[0].day.v[0].start = 540;
	ov[0].day.v[0].end = 600;
	ov[1].date = 20001;			/* a day off */
	ov[2].date = 20005;
	ov[2].day.n = 2;
	ov[2].day.v[0].start = 900;
	ov[2].day.v[0].end = 960;
	ov[2].day.v[1].start = 0;
	ov[2].day.v[1].end = 60;
	h.overrides = ov;
	h.noverrides = 3;
	off[0].start = T0;
	off[0].end = T0 + 86400 * 6;
	off[1].start = T0 + 86400 * 30;
	off[1].end = T0 + 86400 * 30 + 1;
	h.time_off = off;
	h.ntime_off = 2;

	assert_int_equal(store_hours_put(f->st, "jean", &h), STORE_OK);
	assert_int_equal(store_hours_get(f->st, "jean", &got), STORE_OK);
	assert_hours_equal(&h, &got);
	hours_clear(&got);
	/* The other worker has none. */
	assert_int_equal(store_hours_get(f->st, "marie", &got), STORE_OK);
	assert_int_equal(got.noverrides + got.ntime_off + got.weekly[0].n, 0);
	hours_clear(&got);

	/* A put replaces the whole. */
	h.weekly[5].n = 0;
	h.weekly[0].n = 1;
	h.noverrides = 1;
	h.overrides = &ov[1];
	h.ntime_off = 0;
	assert_int_equal(store_hours_put(f->st, "jean", &h), STORE_OK);
	assert_int_equal(store_hours_get(f->st, "jean", &got), STORE_OK);
	assert_hours_equal(&h, &got);
	assert_int_equal(got.noverrides, 1);
	assert_int_equal(got.overrides[0].day.n, 0);
	hours_clear(&got);
}

/* services */

static void
test_services(void **state)
{
	struct fix	*f = *state;
	struct service	 s, *v;
	size_t		 n;

	add_worker(f->st, "jean", 1);
	add_worker(f->st, "marie", 2);
	fill_service(&s, "jean", "maths", 1);
	assert_int_equal(store_service_insert(f->st, &s), STORE_OK);
	assert_int_equal(store_service_insert(f->st, &s), STORE_EXISTS);
	/* The same id for another worker is another service. */
	snprintf(s.worker_id, sizeof(s.worker_id), "marie");
	assert_int_equal(store_service_insert(f->st, &s), STORE_OK);
	fill_service(&s, "jean", "atelier", 8);
	s.description = (char *)"";
	s.duration_min = 120;
	s.buffer_before_min = 30;
	s.buffer_after_min = 10;
	s.max_per_day = 2;
	s.video = false;
	s.active = false;
	assert_int_equal(store_service_insert(f->st, &s), STORE_OK);

	assert_int_equal(store_service_get(f->st, "jean", "atelier", &s),
	    STORE_OK);
	assert_string_equal(s.worker_id, "jean");
	assert_string_equal(s.id, "atelier");
	assert_string_equal(s.title, "Cours de maths");
	assert_string_equal(s.description, "");
	assert_int_equal(s.duration_min, 120);
	assert_int_equal(s.step_min, 30);
	assert_int_equal(s.capacity, 8);
	assert_int_equal(s.buffer_before_min, 30);
	assert_int_equal(s.buffer_after_min, 10);
	assert_int_equal(s.min_notice_min, 120);
	assert_int_equal(s.horizon_days, 60);
	assert_int_equal(s.max_per_day, 2);
	assert_false(s.video);
	assert_false(s.active);
	service_clear(&s);
	assert_int_equal(store_service_get(f->st, "jean", "nope", &s),
	    STORE_NOTFOUND);
	assert_int_equal(store_service_get(f->st, "nobody", "maths", &s),
	    STORE_NOTFOUND);

	/* Listed by id; active ones only when asked. */
	assert_int_equal(store_service_list(f->st, "jean", 0, &v, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "atelier");
	assert_string_equal(v[1].id, "maths");
	service_list_free(v, n);
	assert_int_equal(store_service_list(f->st, "jean", 1, &v, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "maths");
	service_list_free(v, n);

	/* Update. */
	fill_service(&s, "jean", "maths", 3);
	s.title = (char *)"Maths";
	s.active = false;
	assert_int_equal(store_service_update(f->st, &s), STORE_OK);
	snprintf(s.id, sizeof(s.id), "nope");
	assert_int_equal(store_service_update(f->st, &s), STORE_NOTFOUND);
	assert_int_equal(store_service_get(f->st, "jean", "maths", &s),
	    STORE_OK);
	assert_string_equal(s.title, "Maths");
	assert_int_equal(s.capacity, 3);
	assert_false(s.active);
	service_clear(&s);
	assert_int_equal(store_service_get(f->st, "marie", "maths", &s),
	    STORE_OK);
	assert_int_equal(s.capacity, 1);
	service_clear(&s);

	/* Delete. */
	assert_int_equal(store_service_delete(f->st, "jean", "maths", T0),
	    STORE_OK);
	assert_int_equal(store_service_get(f->st, "jean", "maths", &s),
	    STORE_NOTFOUND);
	assert_int_equal(store_service_delete(f->st, "jean", "maths", T0),
	    STORE_NOTFOUND);
	assert_int_equal(store_service_get(f->st, "marie", "maths", &s),
	    STORE_OK);
	service_clear(&s);
}

static void
test_service_delete_conflict(void **state)
{
	struct fix	*f = *state;
	struct service	 s;
	struct booking	 b;
	struct session	 se;
	int64_t		 sid, past;

	add_worker(f->st, "jean", 1);
	add_service(f->st, "jean", "maths", 1);
	past = book(f->st, "b-past", "jean", "maths", T0 - 5 * H, 10);
	sid = book(f->st, "b-1", "jean", "maths", T0 + 10 * H, 11);

	assert_int_equal(store_service_delete(f->st, "jean", "maths", T0),
	    STORE_CONFLICT);
	assert_int_equal(store_service_get(f->st, "jean", "maths", &s),
	    STORE_OK);
	service_clear(&s);
	/* "Ending after now": a booking under way still counts. */
	assert_int_equal(store_service_delete(f->st, "jean", "maths",
	    T0 + 11 * H - 1), STORE_CONFLICT);

	/* Cancelled, it no longer holds the service. */
	assert_int_equal(store_booking_get(f->st, "b-1", &b), STORE_OK);
	b.status = BOOKING_CANCELLED;
	b.sequence = 1;
	assert_int_equal(store_booking_update(f->st, &b), STORE_OK);
	booking_clear(&b);
	assert_int_equal(store_session_seats(f->st, sid, -1, 0, T0), STORE_OK);
	assert_int_equal(store_service_delete(f->st, "jean", "maths", T0),
	    STORE_OK);
	/* Its past bookings and its sessions went with it. */
	assert_int_equal(store_booking_get(f->st, "b-past", &b),
	    STORE_NOTFOUND);
	assert_int_equal(store_booking_get(f->st, "b-1", &b), STORE_NOTFOUND);
	assert_int_equal(store_session_get(f->st, past, &se), STORE_NOTFOUND);
	assert_int_equal(store_session_get(f->st, sid, &se), STORE_NOTFOUND);
}

/* sessions and bookings */

static void
test_sessions_and_bookings(void **state)
{
	struct fix	*f = *state;
	struct session	 se, *sv;
	struct slot_session *ss;
	struct booking	 b, *bv;
	uint8_t		 h[HASH_LEN];
	size_t		 n;
	int64_t		 s1, s2, start = T0 + 24 * H;

	add_worker(f->st, "jean", 1);
	add_service(f->st, "jean", "atelier", 3);

	assert_int_equal(store_tx_begin(f->st), STORE_OK);
	memset(&se, 0, sizeof(se));
	snprintf(se.worker_id, sizeof(se.worker_id), "jean");
	snprintf(se.service_id, sizeof(se.service_id), "atelier");
	se.start = start;
	se.end = start + 2 * H;
	se.occ_start = start - 1800;
	se.occ_end = start + 2 * H + 900;
	se.room_url = (char *)"https://meet.jit.si/creneau-room";
	se.updated_at = T0;
	assert_int_equal(store_session_insert(f->st, &se), STORE_OK);
	s1 = se.id;
	/* One session per service and start. */
	assert_int_not_equal(store_session_insert(f->st, &se), STORE_OK);
	assert_int_equal(store_session_seats(f->st, s1, 1, 3, T0 + 1),
	    STORE_OK);
	assert_int_equal(store_tx_commit(f->st), STORE_OK);

	assert_int_equal(store_session_at(f->st, "jean", "atelier", start,
	    &se), STORE_OK);
	assert_int_equal(se.id, s1);
	assert_int_equal(se.end, start + 2 * H);
	assert_int_equal(se.occ_start, start - 1800);
	assert_int_equal(se.occ_end, start + 2 * H + 900);
	assert_int_equal(se.seats, 1);
	assert_int_equal(se.updated_at, T0 + 1);
	assert_string_equal(se.room_url, "https://meet.jit.si/creneau-room");
	session_clear(&se);
	assert_int_equal(store_session_at(f->st, "jean", "atelier", start + 1,
	    &se), STORE_NOTFOUND);
	assert_int_equal(store_session_get(f->st, s1 + 100, &se),
	    STORE_NOTFOUND);

	/*
	 * Busy: sessions with seats whose occupied interval meets the range,
	 * as the slot engine sees them; a session being moved counts one
	 * seat less, and is gone when that was its only one.
	 */
	assert_int_equal(store_busy_slots(f->st, "jean", "atelier",
	    start - 1800, start - 1799, 0, &ss, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ss[0].start, start);
	assert_int_equal(ss[0].occ_start, start - 1800);
	assert_int_equal(ss[0].occ_end, start + 2 * H + 900);
	assert_int_equal(ss[0].seats, 1);
	assert_int_equal(ss[0].same_service, 1);
	free(ss);
	assert_int_equal(store_busy_slots(f->st, "jean", "maths",
	    start - 1800, start - 1799, 0, &ss, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ss[0].same_service, 0);
	free(ss);
	assert_int_equal(store_busy_slots(f->st, "jean", "atelier",
	    start - 1800, start - 1799, s1, &ss, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(ss);
	assert_int_equal(store_busy_slots(f->st, "jean", "atelier",
	    start - 3600, start - 1800, 0, &ss, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(ss);
	assert_int_equal(store_busy_slots(f->st, "jean", "atelier",
	    start + 2 * H + 900, start + 3 * H, 0, &ss, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(ss);
	/* An empty session is not busy. */
	s2 = add_session(f->st, "jean", "atelier", start + 5 * H,
	    start + 5 * H, start + 6 * H);
	assert_int_equal(store_busy_slots(f->st, "jean", "atelier", start,
	    start + 7 * H, 0, &ss, &n), STORE_OK);
	assert_int_equal(n, 1);
	free(ss);

	/* Bookings. */
	fill_booking(&b, "0b1c2d3e-0000-4000-8000-000000000001", "jean",
	    "atelier", s1, start);
	b.end = start + 2 * H;
	b.cancel_reason = NULL;
	hash_of(21, h);
	assert_int_equal(store_booking_insert(f->st, &b, h), STORE_OK);
	assert_int_not_equal(store_booking_insert(f->st, &b, h), STORE_OK);
	fill_booking(&b, "0b1c2d3e-0000-4000-8000-000000000002", "jean",
	    "atelier", s1, start);
	b.note = (char *)"";
	b.room_url = NULL;
	b.created_at = T0 + 5;
	hash_of(22, h);
	assert_int_equal(store_booking_insert(f->st, &b, h), STORE_OK);

	assert_int_equal(store_booking_get(f->st,
	    "0b1c2d3e-0000-4000-8000-000000000001", &b), STORE_OK);
	assert_int_equal(b.status, BOOKING_CONFIRMED);
	assert_string_equal(b.worker_id, "jean");
	assert_string_equal(b.service_id, "atelier");
	assert_int_equal(b.session_id, s1);
	assert_int_equal(b.start, start);
	assert_int_equal(b.end, start + 2 * H);
	assert_string_equal(b.name, "Marie Dupont");
	assert_string_equal(b.email, "marie@example.be");
	assert_string_equal(b.note, "Chapitre 3\nexercices");
	assert_string_equal(b.timezone, "America/New_York");
	assert_string_equal(b.locale, "en");
	assert_string_equal(b.room_url, "https://meet.jit.si/creneau-abc");
	assert_null(b.cancel_reason);
	assert_int_equal(b.sequence, 0);
	assert_int_equal(b.created_at, T0);

	/* The token check. */
	hash_of(21, h);
	assert_int_equal(store_booking_check_token(f->st, b.id, h), STORE_OK);
	hash_of(22, h);
	assert_int_equal(store_booking_check_token(f->st, b.id, h),
	    STORE_NOTFOUND);
	assert_int_equal(store_booking_check_token(f->st, "nope", h),
	    STORE_NOTFOUND);

	/* Update: moved to s2 and cancelled. */
	b.status = BOOKING_CANCELLED;
	b.session_id = s2;
	b.start = start + 5 * H;
	b.end = start + 6 * H;
	free(b.cancel_reason);
	b.cancel_reason = strdup("malade");
	b.sequence = 2;
	b.updated_at = T0 + 77;
	assert_int_equal(store_booking_update(f->st, &b), STORE_OK);
	booking_clear(&b);
	assert_int_equal(store_booking_get(f->st,
	    "0b1c2d3e-0000-4000-8000-000000000001", &b), STORE_OK);
	assert_int_equal(b.status, BOOKING_CANCELLED);
	assert_int_equal(b.session_id, s2);
	assert_int_equal(b.start, start + 5 * H);
	assert_int_equal(b.end, start + 6 * H);
	assert_string_equal(b.cancel_reason, "malade");
	assert_int_equal(b.sequence, 2);
	assert_int_equal(b.updated_at, T0 + 77);
	assert_int_equal(b.created_at, T0);
	snprintf(b.id, sizeof(b.id), "nope");
	assert_int_equal(store_booking_update(f->st, &b), STORE_NOTFOUND);
	booking_clear(&b);
	assert_int_equal(store_booking_get(f->st, "nope", &b),
	    STORE_NOTFOUND);

	/* Lists: [from, to) by start. */
	assert_int_equal(store_bookings_list(f->st, "jean", start,
	    start + 5 * H, &bv, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(bv[0].id, "0b1c2d3e-0000-4000-8000-000000000002");
	assert_string_equal(bv[0].note, "");
	assert_null(bv[0].room_url);
	booking_list_free(bv, n);
	assert_int_equal(store_bookings_list(f->st, "jean", start,
	    start + 5 * H + 1, &bv, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(bv[0].start, start);
	assert_int_equal(bv[1].start, start + 5 * H);
	booking_list_free(bv, n);
	assert_int_equal(store_bookings_list(f->st, "marie", 0, INT64_MAX,
	    &bv, &n), STORE_OK);
	assert_int_equal(n, 0);
	booking_list_free(bv, n);
	assert_int_equal(store_session_bookings(f->st, s1, &bv, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	booking_list_free(bv, n);
	assert_int_equal(store_session_bookings(f->st, s2, &bv, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(bv[0].status, BOOKING_CANCELLED);
	booking_list_free(bv, n);

	/* The feed: sessions with any booking, ending after since. */
	assert_int_equal(store_sessions_feed(f->st, "jean", T0, &sv, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(sv[0].id, s1);
	assert_int_equal(sv[1].id, s2);
	session_list_free(sv, n);
	assert_int_equal(store_sessions_feed(f->st, "jean", start + 2 * H,
	    &sv, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sv[0].id, s2);
	session_list_free(sv, n);
}

/* A session never holds more seats than its capacity, nor fewer than 0. */
static void
test_capacity_check(void **state)
{
	struct fix	*f = *state;
	struct session	 se;
	sqlite3		*db;
	int64_t		 id;
	char		 sql[128];

	add_worker(f->st, "jean", 1);
	add_service(f->st, "jean", "atelier", 2);
	id = add_session(f->st, "jean", "atelier", T0, T0, T0 + H);
	assert_int_equal(store_session_seats(f->st, id, 1, 2, T0), STORE_OK);
	assert_int_equal(store_session_seats(f->st, id, 1, 2, T0), STORE_OK);
	assert_int_equal(store_session_seats(f->st, id, 1, 2, T0 + 9),
	    STORE_CONFLICT);
	assert_int_equal(store_session_get(f->st, id, &se), STORE_OK);
	assert_int_equal(se.seats, 2);
	assert_int_equal(se.updated_at, T0);
	session_clear(&se);
	assert_int_equal(store_session_seats(f->st, id, -1, 0, T0), STORE_OK);
	assert_int_equal(store_session_seats(f->st, id, -1, 0, T0), STORE_OK);
	assert_int_equal(store_session_seats(f->st, id, -1, 0, T0),
	    STORE_CONFLICT);
	assert_int_equal(store_session_seats(f->st, id + 1, 1, 2, T0),
	    STORE_NOTFOUND);

	/* The CHECK is the schema's: it binds any connection. */
	db = peer(f->path, 0);
	snprintf(sql, sizeof(sql), "UPDATE sessions SET seats = 3 WHERE"
	    " id = %lld", (long long)id);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
	    SQLITE_CONSTRAINT);
	sqlite3_close(db);
	assert_int_equal(store_session_get(f->st, id, &se), STORE_OK);
	assert_int_equal(se.seats, 0);
	session_clear(&se);
}

/* Two sessions of one worker holding seats never overlap, buffers included. */
static void
test_overlap_trigger(void **state)
{
	struct fix	*f = *state;
	struct session	 se;
	sqlite3		*db;
	int64_t		 a, b, c, d, e;
	char		 sql[128];

	add_worker(f->st, "jean", 1);
	add_worker(f->st, "marie", 2);
	add_service(f->st, "jean", "maths", 1);
	add_service(f->st, "jean", "atelier", 4);
	add_service(f->st, "marie", "maths", 1);

	/* maths 10:00-11:00, occupied to 11:15. */
	a = add_session(f->st, "jean", "maths", T0, T0, T0 + H + 900);
	assert_int_equal(store_session_seats(f->st, a, 1, 1, T0), STORE_OK);
	/* atelier occupied from 11:00: meets a's buffer. */
	b = add_session(f->st, "jean", "atelier", T0 + H, T0 + H,
	    T0 + 2 * H);
	assert_int_equal(store_session_seats(f->st, b, 1, 4, T0),
	    STORE_CONFLICT);
	assert_int_equal(store_session_get(f->st, b, &se), STORE_OK);
	assert_int_equal(se.seats, 0);
	session_clear(&se);
	/* One starting before a, reaching into it. */
	c = add_session(f->st, "jean", "atelier", T0 - H, T0 - H, T0 + 1);
	assert_int_equal(store_session_seats(f->st, c, 1, 4, T0),
	    STORE_CONFLICT);
	/* One that holds a inside it. */
	d = add_session(f->st, "jean", "atelier", T0 - 2 * H, T0 - 2 * H,
	    T0 + 3 * H);
	assert_int_equal(store_session_seats(f->st, d, 1, 4, T0),
	    STORE_CONFLICT);
	/* Touching is not overlapping. */
	e = add_session(f->st, "jean", "atelier", T0 + H + 900, T0 + H + 900,
	    T0 + 3 * H);
	assert_int_equal(store_session_seats(f->st, e, 1, 4, T0), STORE_OK);
	/* More seats in a session that already holds some. */
	assert_int_equal(store_session_seats(f->st, e, 1, 4, T0), STORE_OK);
	/* Another worker's sessions do not count. */
	c = add_session(f->st, "marie", "maths", T0, T0, T0 + H + 900);
	assert_int_equal(store_session_seats(f->st, c, 1, 1, T0), STORE_OK);

	/* Once a is empty, b still meets e... */
	assert_int_equal(store_session_seats(f->st, a, -1, 0, T0), STORE_OK);
	assert_int_equal(store_session_seats(f->st, b, 1, 4, T0),
	    STORE_CONFLICT);
	/* ...and the trigger binds any connection, not only the store. */
	db = peer(f->path, 0);
	snprintf(sql, sizeof(sql), "UPDATE sessions SET seats = 1 WHERE"
	    " id = %lld", (long long)b);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
	    SQLITE_CONSTRAINT);
	sqlite3_close(db);
	/* With e empty too, b takes its seat. */
	assert_int_equal(store_session_seats(f->st, e, -2, 0, T0), STORE_OK);
	assert_int_equal(store_session_seats(f->st, b, 1, 4, T0), STORE_OK);
	/* And a cannot take one back. */
	assert_int_equal(store_session_seats(f->st, a, 1, 1, T0),
	    STORE_CONFLICT);
}

/* idempotency */

static void
test_idempotency(void **state)
{
	struct fix	*f = *state;
	uint8_t		 h[HASH_LEN], got[HASH_LEN];
	char		*answer = NULL;
	int		 status = 0;

	hash_of(0x33, h);
	assert_int_equal(store_idem_put(f->st, "jean", "maths", "key-1", h, 201,
	    "{\"id\": \"x\"}", T0), STORE_OK);
	assert_int_equal(store_idem_get(f->st, "jean", "maths", "key-1", got,
	    &status, &answer, T0 - 86400), STORE_OK);
	assert_memory_equal(got, h, HASH_LEN);
	assert_int_equal(status, 201);
	assert_string_equal(answer, "{\"id\": \"x\"}");
	free(answer);
	answer = NULL;
	/* At not_before exactly it is still there; one second later not. */
	assert_int_equal(store_idem_get(f->st, "jean", "maths", "key-1", got,
	    &status, &answer, T0), STORE_OK);
	free(answer);
	answer = NULL;
	assert_int_equal(store_idem_get(f->st, "jean", "maths", "key-1", got,
	    &status, &answer, T0 + 1), STORE_NOTFOUND);
	assert_null(answer);
	/* Scoped to the worker, the service and the key. */
	assert_int_equal(store_idem_get(f->st, "jean", "maths", "key-2", got,
	    &status, &answer, 0), STORE_NOTFOUND);
	assert_int_equal(store_idem_get(f->st, "jean", "other", "key-1", got,
	    &status, &answer, 0), STORE_NOTFOUND);
	assert_int_equal(store_idem_get(f->st, "marie", "maths", "key-1", got,
	    &status, &answer, 0), STORE_NOTFOUND);

	/* A later put of the same key replaces it. */
	hash_of(0x44, h);
	assert_int_equal(store_idem_put(f->st, "jean", "maths", "key-1", h, 409,
	    "{}", T0 + 100), STORE_OK);
	assert_int_equal(store_idem_put(f->st, "jean", "maths", "key-old", h,
	    201, "{\"old\": 1}", T0 - 86400), STORE_OK);
	assert_int_equal(store_idem_get(f->st, "jean", "maths", "key-1", got,
	    &status, &answer, T0), STORE_OK);
	assert_memory_equal(got, h, HASH_LEN);
	assert_int_equal(status, 409);
	assert_string_equal(answer, "{}");
	free(answer);
	answer = NULL;

	/* Purge drops what was made before the cut, and only that. */
	assert_int_equal(store_idem_purge(f->st, T0 - 86400), STORE_OK);
	assert_int_equal(store_idem_get(f->st, "jean", "maths", "key-old",
	    got, &status, &answer, 0), STORE_OK);
	free(answer);
	answer = NULL;
	assert_int_equal(store_idem_purge(f->st, T0 + 100), STORE_OK);
	assert_int_equal(store_idem_get(f->st, "jean", "maths", "key-old",
	    got, &status, &answer, 0), STORE_NOTFOUND);
	assert_int_equal(store_idem_get(f->st, "jean", "maths", "key-1", got,
	    &status, &answer, 0), STORE_OK);
	free(answer);
	answer = NULL;
	assert_int_equal(store_idem_purge(f->st, T0 + 101), STORE_OK);
	assert_int_equal(store_idem_get(f->st, "jean", "maths", "key-1", got,
	    &status, &answer, 0), STORE_NOTFOUND);
}

/* backup */

static int
count_files(const char *dir)
{
	char	 cmd[256];
	FILE	*p;
	int	 n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", dir);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

static void
test_backup_during_a_write(void **state)
{
	struct fix	*f = *state;
	struct store	*writer;
	struct worker	 w;
	uint8_t		 h[HASH_LEN], n[FEED_NONCE_LEN];
	sqlite3		*db;
	char		 dest[192], *mode, *ok;
	int		 before;

	add_worker(f->st, "jean", 1);
	add_service(f->st, "jean", "maths", 1);
	snprintf(dest, sizeof(dest), "%s/backup.db", f->dir);

	/* Another connection is in the middle of a write. */
	assert_non_null(writer = store_open(f->path));
	assert_int_equal(store_tx_begin(writer), STORE_OK);
	memset(&w, 0, sizeof(w));
	snprintf(w.id, sizeof(w.id), "marie");
	w.name = (char *)"Marie";
	w.email = (char *)"marie@example.be";
	snprintf(w.timezone, sizeof(w.timezone), "UTC");
	snprintf(w.locale, sizeof(w.locale), "en");
	hash_of(2, h);
	memset(n, 2, sizeof(n));
	assert_int_equal(store_worker_insert(writer, &w, h, n), STORE_OK);

	before = count_files(f->dir);
	assert_int_equal(store_backup(f->path, dest), STORE_OK);
	/* The new file and nothing else (no temporary left). */
	assert_int_equal(count_files(f->dir), before + 1);

	db = peer(dest, 1);
	ok = q_text(db, "PRAGMA integrity_check");
	assert_string_equal(ok, "ok");
	free(ok);
	mode = q_text(db, "PRAGMA journal_mode");
	assert_string_equal(mode, "delete");
	free(mode);
	assert_int_equal(q_int(db, "SELECT count(*) FROM workers WHERE"
	    " id = 'jean'"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM workers WHERE"
	    " id = 'marie'"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM services"), 1);
	sqlite3_close(db);

	/* Once committed, a new backup replaces the old one. */
	assert_int_equal(store_tx_commit(writer), STORE_OK);
	store_close(writer);
	assert_int_equal(store_backup(f->path, dest), STORE_OK);
	db = peer(dest, 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM workers"), 2);
	sqlite3_close(db);

	/* The copy is a database the daemon opens as it is. */
	store_close(f->st);
	assert_non_null(f->st = store_open(dest));
	assert_int_equal(store_worker_get(f->st, "marie", &w), STORE_OK);
	worker_clear(&w);
}

static void
test_backup_of_nothing(void **state)
{
	struct fix	*f = *state;
	char		 src[192], dest[192];

	snprintf(src, sizeof(src), "%s/absent.db", f->dir);
	snprintf(dest, sizeof(dest), "%s/backup.db", f->dir);
	assert_int_equal(store_backup(src, dest), STORE_ERR);
	assert_int_equal(access(dest, F_OK), -1);
	assert_int_equal(access(src, F_OK), -1);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_migrates),
		T(test_open_refuses_newer),
		T(test_connection_settings),
		T(test_workers),
		T(test_worker_delete_cascades_and_conflicts),
		T(test_hours_round_trip),
		T(test_services),
		T(test_service_delete_conflict),
		T(test_sessions_and_bookings),
		T(test_capacity_check),
		T(test_overlap_trigger),
		T(test_idempotency),
		T(test_backup_during_a_write),
		T(test_backup_of_nothing),
	};

	if (getenv("UNIT_FILTER") != NULL)
		cmocka_set_test_filter(getenv("UNIT_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
