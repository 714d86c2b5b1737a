/*
 * store_sqlite.c: the store on SQLite, the only file that includes sqlite3.h.
 *
 * WAL mode with synchronous=FULL: a commit returns once the WAL is on disk,
 * so a booking answered 201 survives kill -9 and power loss. Each thread has
 * its own connection; writers serialize on BEGIN IMMEDIATE and wait up to
 * busy_timeout for each other. Statements are prepared once per connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <sodium.h>

#include "log.h"
#include "slots.h"
#include "store.h"

#define BUSY_TIMEOUT_MS	10000

/*
 * Numbered migrations: migrations[i] takes user_version i to i + 1. Never
 * edit one that has shipped; add the next.
 */
static const char *migrations[] = {
	/* 1: the first schema. */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value BLOB NOT NULL"
	");"
	"CREATE TABLE workers ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  timezone TEXT NOT NULL,"
	"  locale TEXT NOT NULL,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  feed_nonce BLOB NOT NULL,"
	"  feed_changed_at INTEGER NOT NULL,"
	"  feed_version INTEGER NOT NULL DEFAULT 0,"
	/* The longest occupied interval of the worker's sessions. */
	"  max_span INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE TABLE weekly_hours ("
	"  worker_id TEXT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,"
	"  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),"
	"  idx INTEGER NOT NULL,"
	"  start_min INTEGER NOT NULL,"
	"  end_min INTEGER NOT NULL,"
	"  PRIMARY KEY (worker_id, weekday, idx)"
	");"
	"CREATE TABLE override_days ("
	"  worker_id TEXT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,"
	"  date INTEGER NOT NULL,"
	"  PRIMARY KEY (worker_id, date)"
	");"
	"CREATE TABLE override_hours ("
	"  worker_id TEXT NOT NULL,"
	"  date INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  start_min INTEGER NOT NULL,"
	"  end_min INTEGER NOT NULL,"
	"  PRIMARY KEY (worker_id, date, idx),"
	"  FOREIGN KEY (worker_id, date) REFERENCES override_days"
	"    ON DELETE CASCADE"
	");"
	"CREATE TABLE time_off ("
	"  worker_id TEXT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  end INTEGER NOT NULL CHECK (end > start),"
	"  PRIMARY KEY (worker_id, idx)"
	");"
	"CREATE TABLE services ("
	"  worker_id TEXT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,"
	"  id TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  description TEXT NOT NULL,"
	"  duration_min INTEGER NOT NULL,"
	"  step_min INTEGER NOT NULL,"
	"  capacity INTEGER NOT NULL,"
	"  buffer_before_min INTEGER NOT NULL,"
	"  buffer_after_min INTEGER NOT NULL,"
	"  min_notice_min INTEGER NOT NULL,"
	"  horizon_days INTEGER NOT NULL,"
	"  max_per_day INTEGER NOT NULL,"
	"  video INTEGER NOT NULL,"
	"  active INTEGER NOT NULL,"
	"  PRIMARY KEY (worker_id, id)"
	");"
	/*
	 * A session holds seats <= capacity, and two sessions of a worker
	 * that hold seats never overlap (buffers included): the triggers
	 * back the check that booking.c makes, whatever the code does.
	 */
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  worker_id TEXT NOT NULL,"
	"  service_id TEXT NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  end INTEGER NOT NULL CHECK (end > start),"
	"  occ_start INTEGER NOT NULL,"
	"  occ_end INTEGER NOT NULL,"
	"  seats INTEGER NOT NULL DEFAULT 0,"
	"  capacity INTEGER NOT NULL,"
	"  room_url TEXT,"
	"  updated_at INTEGER NOT NULL,"
	"  CHECK (seats >= 0 AND seats <= capacity),"
	"  UNIQUE (worker_id, service_id, start),"
	"  FOREIGN KEY (worker_id, service_id) REFERENCES services"
	"    ON DELETE CASCADE"
	");"
	/* Covers the slot engine's busy query: no table look-up. */
	"CREATE INDEX sessions_busy ON sessions (worker_id, occ_start,"
	"  occ_end, seats, start, end, service_id) WHERE seats > 0;"
	"CREATE TRIGGER sessions_no_overlap_upd"
	"  BEFORE UPDATE OF seats ON sessions"
	"  WHEN NEW.seats > 0 AND OLD.seats = 0"
	"  BEGIN SELECT RAISE(ABORT, 'session overlap') WHERE EXISTS ("
	"    SELECT 1 FROM sessions s WHERE s.worker_id = NEW.worker_id"
	"    AND s.id <> NEW.id AND s.seats > 0"
	"    AND s.occ_start > NEW.occ_start - (SELECT max_span FROM workers"
	"      WHERE id = NEW.worker_id)"
	"    AND s.occ_start < NEW.occ_end AND NEW.occ_start < s.occ_end);"
	"  END;"
	"CREATE TABLE bookings ("
	"  id TEXT PRIMARY KEY,"
	"  session_id INTEGER NOT NULL REFERENCES sessions(id),"
	"  worker_id TEXT NOT NULL,"
	"  service_id TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  end INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  note TEXT NOT NULL,"
	"  timezone TEXT NOT NULL,"
	"  locale TEXT NOT NULL,"
	"  room_url TEXT,"
	"  cancel_reason TEXT,"
	"  token_hash BLOB NOT NULL,"
	"  sequence INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX bookings_worker ON bookings (worker_id, start);"
	"CREATE INDEX bookings_session ON bookings (session_id);"
	"CREATE TABLE idempotency ("
	"  worker_id TEXT NOT NULL,"
	"  service_id TEXT NOT NULL,"
	"  key TEXT NOT NULL,"
	"  body_hash BLOB NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  answer TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (worker_id, service_id, key)"
	");"
	"CREATE INDEX idempotency_age ON idempotency (created_at);",

	/*
	 * 2: the mail outbox, written in the same transaction as the change
	 * that causes each message. body is the whole message, or NULL for a
	 * reminder, composed when it is due. state: 0 to send, 1 sent,
	 * 2 failed for good, 3 dropped (a reminder of a cancelled or moved
	 * booking).
	 */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  booking_id TEXT NOT NULL,"
	"  kind INTEGER NOT NULL,"
	"  rcpt TEXT NOT NULL,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  body BLOB,"
	"  due_at INTEGER NOT NULL,"
	"  next_at INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER"
	");"
	"CREATE INDEX outbox_due ON outbox (state, next_at);"
	"CREATE INDEX outbox_booking ON outbox (booking_id, state);",
};
#define NMIGRATIONS	(sizeof(migrations) / sizeof(migrations[0]))

enum stmt_id {
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_PING,
	Q_META_GET, Q_META_PUT,
	Q_W_INSERT, Q_W_GET, Q_W_UPDATE, Q_W_DELETE, Q_W_BY_TOKEN,
	Q_W_SET_TOKEN, Q_W_FEED, Q_W_SET_NONCE, Q_W_TOUCH, Q_W_LIST,
	Q_W_FUTURE,
	Q_H_WEEKLY, Q_H_ODAYS, Q_H_OHOURS, Q_H_TIMEOFF,
	Q_H_DEL_WEEKLY, Q_H_DEL_ODAYS, Q_H_DEL_TIMEOFF,
	Q_H_INS_WEEKLY, Q_H_INS_ODAY, Q_H_INS_OHOUR, Q_H_INS_TIMEOFF,
	Q_S_INSERT, Q_S_GET, Q_S_LIST, Q_S_LIST_ACTIVE, Q_S_UPDATE,
	Q_S_DELETE, Q_S_FUTURE,
	Q_SE_FEED, Q_SE_AT, Q_SE_GET, Q_SE_INSERT, Q_SE_SEATS,
	Q_B_INSERT, Q_B_GET, Q_B_TOKEN, Q_B_UPDATE, Q_B_LIST, Q_B_SESSION,
	Q_I_GET, Q_I_PUT, Q_I_PURGE,
	Q_O_ADD, Q_O_DUE, Q_O_SENT, Q_O_RETRY, Q_O_FAIL, Q_O_DROP, Q_O_NEXT,
	Q_SE_SLOTS, Q_READ_BEGIN, Q_W_SPAN, Q_SP, Q_SP_RELEASE, Q_SP_ROLLBACK,
	Q_COUNT
};

#define SESSION_COLS "id, worker_id, service_id, start, end, occ_start," \
	" occ_end, seats, room_url, updated_at"
#define BOOKING_COLS "id, session_id, worker_id, service_id, status, start," \
	" end, name, email, note, timezone, locale, room_url, cancel_reason," \
	" sequence, created_at, updated_at"
#define SERVICE_COLS "worker_id, id, title, description, duration_min," \
	" step_min, capacity, buffer_before_min, buffer_after_min," \
	" min_notice_min, horizon_days, max_per_day, video, active"

static const char *stmt_sql[Q_COUNT] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_PING] = "SELECT count(*) FROM meta",
	[Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[Q_META_PUT] = "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
	[Q_W_INSERT] = "INSERT INTO workers (id, name, email, timezone, locale,"
	    " token_hash, feed_nonce, feed_changed_at, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?8)",
	[Q_W_GET] = "SELECT id, name, email, timezone, locale, created_at,"
	    " updated_at FROM workers WHERE id = ?1",
	[Q_W_UPDATE] = "UPDATE workers SET name = ?2, email = ?3, timezone = ?4,"
	    " locale = ?5, updated_at = ?6, feed_version = feed_version + 1,"
	    " feed_changed_at = max(feed_changed_at, ?6) WHERE id = ?1",
	[Q_W_DELETE] = "DELETE FROM workers WHERE id = ?1",
	[Q_W_BY_TOKEN] = "SELECT id, token_hash FROM workers"
	    " WHERE token_hash = ?1",
	[Q_W_SET_TOKEN] = "UPDATE workers SET token_hash = ?2 WHERE id = ?1",
	[Q_W_FEED] = "SELECT feed_nonce, feed_changed_at, feed_version"
	    " FROM workers WHERE id = ?1",
	[Q_W_SET_NONCE] = "UPDATE workers SET feed_nonce = ?2 WHERE id = ?1",
	[Q_W_TOUCH] = "UPDATE workers SET feed_changed_at ="
	    " max(feed_changed_at, ?2), feed_version = feed_version + 1"
	    " WHERE id = ?1",
	[Q_W_LIST] = "SELECT id, name, email, timezone, locale, created_at,"
	    " updated_at FROM workers ORDER BY id",
	[Q_W_FUTURE] = "SELECT count(*) FROM bookings WHERE worker_id = ?1"
	    " AND status = 0 AND end > ?2",
	[Q_H_WEEKLY] = "SELECT weekday, start_min, end_min FROM weekly_hours"
	    " WHERE worker_id = ?1 ORDER BY weekday, idx",
	[Q_H_ODAYS] = "SELECT date FROM override_days WHERE worker_id = ?1"
	    " ORDER BY date",
	[Q_H_OHOURS] = "SELECT date, start_min, end_min FROM override_hours"
	    " WHERE worker_id = ?1 ORDER BY date, idx",
	[Q_H_TIMEOFF] = "SELECT start, end FROM time_off WHERE worker_id = ?1"
	    " ORDER BY start, idx",
	[Q_H_DEL_WEEKLY] = "DELETE FROM weekly_hours WHERE worker_id = ?1",
	[Q_H_DEL_ODAYS] = "DELETE FROM override_days WHERE worker_id = ?1",
	[Q_H_DEL_TIMEOFF] = "DELETE FROM time_off WHERE worker_id = ?1",
	[Q_H_INS_WEEKLY] = "INSERT INTO weekly_hours (worker_id, weekday, idx,"
	    " start_min, end_min) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_H_INS_ODAY] = "INSERT INTO override_days (worker_id, date)"
	    " VALUES (?1, ?2)",
	[Q_H_INS_OHOUR] = "INSERT INTO override_hours (worker_id, date, idx,"
	    " start_min, end_min) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_H_INS_TIMEOFF] = "INSERT INTO time_off (worker_id, idx, start, end)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[Q_S_INSERT] = "INSERT INTO services (" SERVICE_COLS ") VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[Q_S_GET] = "SELECT " SERVICE_COLS " FROM services"
	    " WHERE worker_id = ?1 AND id = ?2",
	[Q_S_LIST] = "SELECT " SERVICE_COLS " FROM services"
	    " WHERE worker_id = ?1 ORDER BY id",
	[Q_S_LIST_ACTIVE] = "SELECT " SERVICE_COLS " FROM services"
	    " WHERE worker_id = ?1 AND active = 1 ORDER BY id",
	[Q_S_UPDATE] = "UPDATE services SET title = ?3, description = ?4,"
	    " duration_min = ?5, step_min = ?6, capacity = ?7,"
	    " buffer_before_min = ?8, buffer_after_min = ?9,"
	    " min_notice_min = ?10, horizon_days = ?11, max_per_day = ?12,"
	    " video = ?13, active = ?14 WHERE worker_id = ?1 AND id = ?2",
	[Q_S_DELETE] = "DELETE FROM services WHERE worker_id = ?1 AND id = ?2",
	[Q_S_FUTURE] = "SELECT count(*) FROM bookings WHERE worker_id = ?1"
	    " AND service_id = ?2 AND status = 0 AND end > ?3",
	[Q_SE_FEED] = "SELECT " SESSION_COLS " FROM sessions s"
	    " WHERE worker_id = ?1 AND end > ?2 AND EXISTS (SELECT 1 FROM"
	    " bookings b WHERE b.session_id = s.id) ORDER BY start, id",
	[Q_SE_AT] = "SELECT " SESSION_COLS " FROM sessions"
	    " WHERE worker_id = ?1 AND service_id = ?2 AND start = ?3",
	[Q_SE_GET] = "SELECT " SESSION_COLS " FROM sessions WHERE id = ?1",
	[Q_SE_INSERT] = "INSERT INTO sessions (worker_id, service_id, start,"
	    " end, occ_start, occ_end, seats, capacity, room_url, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9)",
	[Q_SE_SEATS] = "UPDATE sessions SET seats = seats + ?2,"
	    " capacity = CASE WHEN ?2 > 0 THEN ?3 ELSE capacity END,"
	    " updated_at = ?4 WHERE id = ?1",
	[Q_B_INSERT] = "INSERT INTO bookings (" BOOKING_COLS ", token_hash)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, ?15, ?16, ?17, ?18)",
	[Q_B_GET] = "SELECT " BOOKING_COLS " FROM bookings WHERE id = ?1",
	[Q_B_TOKEN] = "SELECT token_hash FROM bookings WHERE id = ?1",
	[Q_B_UPDATE] = "UPDATE bookings SET session_id = ?2, status = ?3,"
	    " start = ?4, end = ?5, room_url = ?6, cancel_reason = ?7,"
	    " sequence = ?8, updated_at = ?9 WHERE id = ?1",
	[Q_B_LIST] = "SELECT " BOOKING_COLS " FROM bookings WHERE worker_id = ?1"
	    " AND start >= ?2 AND start < ?3 ORDER BY start, created_at, id",
	[Q_B_SESSION] = "SELECT " BOOKING_COLS " FROM bookings"
	    " WHERE session_id = ?1 ORDER BY created_at, id",
	[Q_I_GET] = "SELECT body_hash, status, answer FROM idempotency"
	    " WHERE worker_id = ?1 AND service_id = ?2 AND key = ?3"
	    " AND created_at >= ?4",
	[Q_I_PUT] = "INSERT OR REPLACE INTO idempotency (worker_id, service_id,"
	    " key, body_hash, status, answer, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_I_PURGE] = "DELETE FROM idempotency WHERE created_at < ?1",
	[Q_O_ADD] = "INSERT INTO outbox (booking_id, kind, rcpt, message_id,"
	    " body, due_at, next_at, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
	[Q_O_DUE] = "SELECT id, booking_id, kind, rcpt, message_id, body,"
	    " due_at, attempts FROM outbox WHERE state = 0 AND next_at <= ?1"
	    " ORDER BY next_at, id LIMIT ?2",
	[Q_O_SENT] = "UPDATE outbox SET state = 1, sent_at = ?2, body = NULL,"
	    " attempts = attempts + 1 WHERE id = ?1 AND state = 0",
	[Q_O_RETRY] = "UPDATE outbox SET next_at = ?2, attempts = attempts + 1,"
	    " last_error = ?3 WHERE id = ?1 AND state = 0",
	[Q_O_FAIL] = "UPDATE outbox SET state = ?3, last_error = ?2,"
	    " attempts = attempts + 1 WHERE id = ?1 AND state = 0",
	[Q_O_DROP] = "UPDATE outbox SET state = 3 WHERE booking_id = ?1"
	    " AND kind = ?2 AND state = 0",
	[Q_O_NEXT] = "SELECT min(next_at) FROM outbox WHERE state = 0",
	/*
	 * A session meeting [?2, ?3) starts after ?2 minus the worker's
	 * longest occupied interval: that bounds the index range.
	 */
	[Q_SE_SLOTS] = "SELECT start, end, occ_start, occ_end,"
	    " seats - (id = ?5), service_id = ?4 FROM sessions"
	    " WHERE worker_id = ?1 AND seats > 0 AND occ_start < ?3"
	    " AND occ_end > ?2 AND occ_start >= ?2 - (SELECT max_span FROM"
	    " workers WHERE id = ?1)"
	    " AND seats - (id = ?5) > 0 ORDER BY occ_start",
	[Q_READ_BEGIN] = "BEGIN",
	[Q_SP] = "SAVEPOINT job",
	[Q_SP_RELEASE] = "RELEASE job",
	[Q_SP_ROLLBACK] = "ROLLBACK TO job",
	[Q_W_SPAN] = "UPDATE workers SET max_span = max(max_span, ?2)"
	    " WHERE id = ?1",
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[Q_COUNT];
	int		 in_tx;
};

/* Prepares statement q once per connection and resets it for use. */
static sqlite3_stmt *
get(struct store *st, enum stmt_id q)
{
	if (st->stmt[q] == NULL) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[q], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[q], NULL) != SQLITE_OK) {
			log_warnx("store: prepare %d: %s", q,
			    sqlite3_errmsg(st->db));
			return NULL;
		}
	}
	sqlite3_reset(st->stmt[q]);
	sqlite3_clear_bindings(st->stmt[q]);
	return st->stmt[q];
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

static char *
col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	if (t == NULL)
		return NULL;
	return strdup((const char *)t);
}

static void
col_copy(sqlite3_stmt *s, int i, char *dst, size_t len)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	snprintf(dst, len, "%s", t != NULL ? (const char *)t : "");
}

/* Steps a statement that returns no row. */
static int
exec_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	 rc;

	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	if (rc == SQLITE_CONSTRAINT) {
		log_debug("store: %s: %s", what, sqlite3_errmsg(st->db));
		return STORE_CONFLICT;
	}
	log_warnx("store: %s: %s", what, sqlite3_errmsg(st->db));
	return STORE_ERR;
}

static int
exec_sql(sqlite3 *db, const char *sql)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("store: %s", msg != NULL ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
migrate(sqlite3 *db)
{
	sqlite3_stmt	*s = NULL;
	int		 version = 0;
	size_t		 i;
	char		 sql[64];
	uint8_t		 key[32];

	if (exec_sql(db, "BEGIN IMMEDIATE") == -1)
		return -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_ROW)
		goto fail;
	version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (version > (int)NMIGRATIONS) {
		log_warnx("store: database version %d is newer than this "
		    "program (%zu)", version, NMIGRATIONS);
		goto fail;
	}
	for (i = version; i < NMIGRATIONS; i++) {
		if (exec_sql(db, migrations[i]) == -1)
			goto fail;
		if (i == 0) {
			/* The key that derives feed URLs (token.c). */
			randombytes_buf(key, sizeof(key));
			if (sqlite3_prepare_v2(db, "INSERT INTO meta (key, value)"
			    " VALUES ('server_key', ?1)", -1, &s, NULL) !=
			    SQLITE_OK)
				goto fail;
			sqlite3_bind_blob(s, 1, key, sizeof(key),
			    SQLITE_TRANSIENT);
			sodium_memzero(key, sizeof(key));
			if (sqlite3_step(s) != SQLITE_DONE)
				goto fail;
			sqlite3_finalize(s);
			s = NULL;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu", i + 1);
		if (exec_sql(db, sql) == -1)
			goto fail;
	}
	return exec_sql(db, "COMMIT");
fail:
	if (s != NULL) {
		log_warnx("store: migrate: %s", sqlite3_errmsg(db));
		sqlite3_finalize(s);
	}
	exec_sql(db, "ROLLBACK");
	return -1;
}

struct store *
store_open(const char *path)
{
	struct store	*st;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_warnx("store: %s: %s", path, st->db != NULL ?
		    sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(st->db, 0);
	/* mmap: pages are read without a system call each. */
	if (exec_sql(st->db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA temp_store = MEMORY;"
	    "PRAGMA mmap_size = 67108864;") == -1)
		goto fail;
	if (migrate(st->db) == -1)
		goto fail;
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st);
}

int
store_ping(struct store *st)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = get(st, Q_PING)) == NULL)
		return STORE_ERR;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERR;
}

/*
 * The online backup API copies pages while other connections keep writing;
 * the copy is a consistent snapshot. It goes to a temporary name in the
 * destination's folder, is synced, then renamed, so that DEST is either the
 * old file or a whole new one.
 */
int
store_backup(const char *src, const char *dest)
{
	sqlite3		*from = NULL, *to = NULL;
	sqlite3_backup	*b;
	char		 tmp[4096];
	int		 fd, rc = STORE_ERR;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%d", dest, (int)getpid()) >=
	    (int)sizeof(tmp))
		return STORE_ERR;
	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		log_warnx("backup: %s: %s", src, sqlite3_errmsg(from));
		goto done;
	}
	sqlite3_busy_timeout(from, BUSY_TIMEOUT_MS);
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_warnx("backup: %s: %s", tmp, sqlite3_errmsg(to));
		goto done;
	}
	if ((b = sqlite3_backup_init(to, "main", from, "main")) == NULL) {
		log_warnx("backup: %s", sqlite3_errmsg(to));
		goto done;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(10);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		log_warnx("backup: %s", sqlite3_errmsg(to));
		rc = STORE_ERR;
		goto done;
	}
	/* The copy is a plain rollback-journal file, whole in itself. */
	if (exec_sql(to, "PRAGMA journal_mode = DELETE") == -1) {
		rc = STORE_ERR;
		goto done;
	}
	sqlite3_close(to);
	to = NULL;
	rc = STORE_ERR;
	if ((fd = open(tmp, O_RDONLY)) == -1 || fsync(fd) == -1) {
		log_warn("backup: %s", tmp);
		if (fd != -1)
			close(fd);
		goto done;
	}
	close(fd);
	if (rename(tmp, dest) == -1) {
		log_warn("backup: rename to %s", dest);
		goto done;
	}
	rc = STORE_OK;
done:
	sqlite3_close(to);
	sqlite3_close(from);
	if (rc != STORE_OK)
		unlink(tmp);
	return rc;
}

/*
 * Writers of this process take turns (a ticket lock) before BEGIN IMMEDIATE:
 * SQLite's busy handler would make them sleep in steps of up to 100 ms,
 * the mutex wakes the next one as soon as the lock is free. Other processes
 * (the command line) still meet the busy handler.
 */
static struct {
	pthread_mutex_t	 mtx;
	pthread_cond_t	 turn;
	unsigned long	 next;		/* the next ticket to hand out */
	unsigned long	 serving;	/* the ticket that may write */
} tx_lock = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };

/* First come, first served: a plain mutex lets one thread starve. */
static void
tx_lock_take(void)
{
	unsigned long	 mine;

	pthread_mutex_lock(&tx_lock.mtx);
	mine = tx_lock.next++;
	while (mine != tx_lock.serving)
		pthread_cond_wait(&tx_lock.turn, &tx_lock.mtx);
	pthread_mutex_unlock(&tx_lock.mtx);
}

static void
tx_lock_give(void)
{
	pthread_mutex_lock(&tx_lock.mtx);
	tx_lock.serving++;
	pthread_cond_broadcast(&tx_lock.turn);
	pthread_mutex_unlock(&tx_lock.mtx);
}

int
store_read_begin(struct store *st)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_READ_BEGIN)) == NULL)
		return STORE_ERR;
	return exec_done(st, s, "read begin") == STORE_OK ? STORE_OK :
	    STORE_ERR;
}

void
store_read_end(struct store *st)
{
	sqlite3_stmt	*s;

	if (sqlite3_get_autocommit(st->db))
		return;
	if ((s = get(st, Q_COMMIT)) != NULL)
		exec_done(st, s, "read end");
}

int
store_tx_begin(struct store *st)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = get(st, Q_BEGIN)) == NULL)
		return STORE_ERR;
	tx_lock_take();
	rc = exec_done(st, s, "begin");
	if (rc == STORE_OK)
		st->in_tx = 1;
	else
		tx_lock_give();
	return rc == STORE_OK ? STORE_OK : STORE_ERR;
}

/* Commit: with synchronous=FULL the WAL is on disk when this returns. */
int
store_tx_commit(struct store *st)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = get(st, Q_COMMIT)) == NULL)
		return STORE_ERR;
	rc = exec_done(st, s, "commit");
	if (rc != STORE_OK) {
		store_tx_rollback(st);
		return STORE_ERR;
	}
	st->in_tx = 0;
	tx_lock_give();
	return STORE_OK;
}

void
store_tx_rollback(struct store *st)
{
	sqlite3_stmt	*s;

	if (!sqlite3_get_autocommit(st->db) &&
	    (s = get(st, Q_ROLLBACK)) != NULL)
		exec_done(st, s, "rollback");
	if (st->in_tx) {
		st->in_tx = 0;
		tx_lock_give();
	}
}

/* Secrets. */

static int
meta_get(struct store *st, const char *key, uint8_t *v, size_t len)
{
	sqlite3_stmt	*s;
	int		 rc = STORE_NOTFOUND;

	if ((s = get(st, Q_META_GET)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, key);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (size_t)sqlite3_column_bytes(s, 0) == len) {
		memcpy(v, sqlite3_column_blob(s, 0), len);
		rc = STORE_OK;
	}
	sqlite3_reset(s);
	return rc;
}

int
store_admin_set(struct store *st, const uint8_t hash[HASH_LEN])
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_META_PUT)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, "admin_token");
	sqlite3_bind_blob(s, 2, hash, HASH_LEN, SQLITE_TRANSIENT);
	return exec_done(st, s, "admin token");
}

int
store_admin_check(struct store *st, const uint8_t hash[HASH_LEN])
{
	uint8_t	 have[HASH_LEN];
	int	 rc;

	if ((rc = meta_get(st, "admin_token", have, sizeof(have))) != STORE_OK)
		return rc;
	return sodium_memcmp(have, hash, HASH_LEN) == 0 ? STORE_OK :
	    STORE_NOTFOUND;
}

int
store_server_key(struct store *st, uint8_t key[32])
{
	int	 rc;

	rc = meta_get(st, "server_key", key, 32);
	return rc == STORE_OK ? STORE_OK : STORE_ERR;
}

/* Workers. */

static void
worker_row(sqlite3_stmt *s, void *p)
{
	struct worker	*w = p;

	memset(w, 0, sizeof(*w));
	col_copy(s, 0, w->id, sizeof(w->id));
	w->name = col_dup(s, 1);
	w->email = col_dup(s, 2);
	col_copy(s, 3, w->timezone, sizeof(w->timezone));
	col_copy(s, 4, w->locale, sizeof(w->locale));
	w->created_at = sqlite3_column_int64(s, 5);
	w->updated_at = sqlite3_column_int64(s, 6);
}

int
store_worker_insert(struct store *st, const struct worker *w,
    const uint8_t token_hash[HASH_LEN], const uint8_t nonce[FEED_NONCE_LEN])
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = get(st, Q_W_INSERT)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, w->id);
	bind_text(s, 2, w->name);
	bind_text(s, 3, w->email);
	bind_text(s, 4, w->timezone);
	bind_text(s, 5, w->locale);
	sqlite3_bind_blob(s, 6, token_hash, HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_blob(s, 7, nonce, FEED_NONCE_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 8, w->created_at);
	rc = exec_done(st, s, "worker insert");
	return rc == STORE_CONFLICT ? STORE_EXISTS : rc;
}

int
store_worker_get(struct store *st, const char *id, struct worker *w)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(w, 0, sizeof(*w));

	if ((s = get(st, Q_W_GET)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		worker_row(s, w);
		rc = w->name != NULL && w->email != NULL ? STORE_OK : STORE_ERR;
	} else
		rc = rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERR;
	sqlite3_reset(s);
	return rc;
}

static int
changes_or_notfound(struct store *st, int rc)
{
	if (rc == STORE_OK && sqlite3_changes(st->db) == 0)
		return STORE_NOTFOUND;
	return rc;
}

int
store_worker_update(struct store *st, const struct worker *w)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_W_UPDATE)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, w->id);
	bind_text(s, 2, w->name);
	bind_text(s, 3, w->email);
	bind_text(s, 4, w->timezone);
	bind_text(s, 5, w->locale);
	sqlite3_bind_int64(s, 6, w->updated_at);
	return changes_or_notfound(st, exec_done(st, s, "worker update"));
}

static int
count_query(struct store *st, sqlite3_stmt *s, int64_t *n)
{
	int	 rc;

	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		log_warnx("store: count: %s", sqlite3_errmsg(st->db));
		return STORE_ERR;
	}
	return STORE_OK;
}

/*
 * Deleting a worker removes their hours, services, sessions and bookings;
 * refused while a confirmed booking is still to come.
 */
int
store_worker_delete(struct store *st, const char *id, int64_t now)
{
	sqlite3_stmt	*s;
	int64_t		 n;
	int		 rc;

	if (store_tx_begin(st) != STORE_OK)
		return STORE_ERR;
	if ((s = get(st, Q_W_FUTURE)) == NULL)
		goto fail;
	bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	if (count_query(st, s, &n) != STORE_OK)
		goto fail;
	if (n > 0) {
		store_tx_rollback(st);
		return STORE_CONFLICT;
	}
	{
		static const char *del[] = {
			"DELETE FROM bookings WHERE worker_id = ?1",
			"DELETE FROM sessions WHERE worker_id = ?1",
			"DELETE FROM idempotency WHERE worker_id = ?1",
		};
		size_t	i;

		for (i = 0; i < sizeof(del) / sizeof(del[0]); i++) {
			sqlite3_stmt	*d;

			if (sqlite3_prepare_v2(st->db, del[i], -1, &d, NULL) !=
			    SQLITE_OK)
				goto fail;
			bind_text(d, 1, id);
			rc = sqlite3_step(d);
			sqlite3_finalize(d);
			if (rc != SQLITE_DONE)
				goto fail;
		}
	}
	if ((s = get(st, Q_W_DELETE)) == NULL)
		goto fail;
	bind_text(s, 1, id);
	rc = changes_or_notfound(st, exec_done(st, s, "worker delete"));
	if (rc != STORE_OK) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st);
fail:
	log_warnx("store: worker delete: %s", sqlite3_errmsg(st->db));
	store_tx_rollback(st);
	return STORE_ERR;
}

int
store_worker_by_token(struct store *st, const uint8_t hash[HASH_LEN],
    char id[ID_MAX])
{
	sqlite3_stmt	*s;
	int		 rc = STORE_NOTFOUND;

	if ((s = get(st, Q_W_BY_TOKEN)) == NULL)
		return STORE_ERR;
	sqlite3_bind_blob(s, 1, hash, HASH_LEN, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_bytes(s, 1) == HASH_LEN &&
	    sodium_memcmp(sqlite3_column_blob(s, 1), hash, HASH_LEN) == 0) {
		col_copy(s, 0, id, ID_MAX);
		rc = STORE_OK;
	}
	sqlite3_reset(s);
	return rc;
}

int
store_worker_set_token(struct store *st, const char *id,
    const uint8_t hash[HASH_LEN])
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_W_SET_TOKEN)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, id);
	sqlite3_bind_blob(s, 2, hash, HASH_LEN, SQLITE_TRANSIENT);
	return changes_or_notfound(st, exec_done(st, s, "worker token"));
}

int
store_worker_feed(struct store *st, const char *id,
    uint8_t nonce[FEED_NONCE_LEN], int64_t *changed_at)
{
	return store_worker_feed_state(st, id, nonce, changed_at, NULL);
}

int
store_worker_feed_state(struct store *st, const char *id,
    uint8_t nonce[FEED_NONCE_LEN], int64_t *changed_at, int64_t *version)
{
	sqlite3_stmt	*s;
	int		 rc = STORE_NOTFOUND;

	if ((s = get(st, Q_W_FEED)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_bytes(s, 0) == FEED_NONCE_LEN) {
		memcpy(nonce, sqlite3_column_blob(s, 0), FEED_NONCE_LEN);
		if (changed_at != NULL)
			*changed_at = sqlite3_column_int64(s, 1);
		if (version != NULL)
			*version = sqlite3_column_int64(s, 2);
		rc = STORE_OK;
	}
	sqlite3_reset(s);
	return rc;
}

int
store_worker_set_feed_nonce(struct store *st, const char *id,
    const uint8_t nonce[FEED_NONCE_LEN])
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_W_SET_NONCE)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, id);
	sqlite3_bind_blob(s, 2, nonce, FEED_NONCE_LEN, SQLITE_TRANSIENT);
	return changes_or_notfound(st, exec_done(st, s, "feed nonce"));
}

int
store_worker_touch_feed(struct store *st, const char *id, int64_t t)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_W_TOUCH)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, t);
	return exec_done(st, s, "feed touch");
}

/* Grows *v by one element of size sz; NULL when out of memory. */
static void *
grow(void **v, size_t *n, size_t *cap, size_t sz)
{
	void	*nv;
	size_t	 ncap;

	if (*n == *cap) {
		ncap = *cap ? *cap * 2 : 16;
		if ((nv = reallocarray(*v, ncap, sz)) == NULL)
			return NULL;
		*v = nv;
		*cap = ncap;
	}
	return (char *)*v + (*n)++ * sz;
}

/*
 * Steps s to its end, one element of size sz per row, filled by fill().
 * On an error the elements so far are cleared with clear() and freed.
 */
static int
rows(struct store *st, sqlite3_stmt *s, size_t sz,
    void (*fill)(sqlite3_stmt *, void *), void (*clear)(void *),
    void **vp, size_t *np)
{
	void	*v = NULL, *e;
	size_t	 n = 0, cap = 0, i;
	int	 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((e = grow(&v, &n, &cap, sz)) == NULL)
			break;
		fill(s, e);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: rows: %s", sqlite3_errmsg(st->db));
		for (i = 0; i < n; i++)
			clear((char *)v + i * sz);
		free(v);
		return STORE_ERR;
	}
	*vp = v;
	*np = n;
	return STORE_OK;
}

static void
worker_clear_v(void *p)
{
	worker_clear(p);
}

static void
service_clear_v(void *p)
{
	service_clear(p);
}

static void
session_clear_v(void *p)
{
	session_clear(p);
}

static void
booking_clear_v(void *p)
{
	booking_clear(p);
}

int
store_worker_list(struct store *st, struct worker **vp, size_t *np)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_W_LIST)) == NULL)
		return STORE_ERR;
	return rows(st, s, sizeof(**vp), worker_row, worker_clear_v,
	    (void **)vp, np);
}

void
worker_list_free(struct worker *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		worker_clear(&v[i]);
	free(v);
}

/* Availability. */

int
store_hours_get(struct store *st, const char *worker, struct hours *h)
{
	sqlite3_stmt		*s;
	struct day_hours	*d;
	struct hours_override	*o;
	struct interval		*t;
	size_t			 cap = 0, tcap = 0, k;
	int			 rc, wd;

	memset(h, 0, sizeof(*h));
	if ((s = get(st, Q_H_WEEKLY)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, worker);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		wd = sqlite3_column_int(s, 0);
		if (wd < 0 || wd > 6)
			continue;
		d = &h->weekly[wd];
		if (d->n >= HOURS_PER_DAY_MAX)
			continue;
		d->v[d->n].start = sqlite3_column_int(s, 1);
		d->v[d->n].end = sqlite3_column_int(s, 2);
		d->n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;

	if ((s = get(st, Q_H_ODAYS)) == NULL)
		goto fail;
	bind_text(s, 1, worker);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((o = grow((void **)&h->overrides, &h->noverrides, &cap,
		    sizeof(*o))) == NULL)
			break;
		memset(o, 0, sizeof(*o));
		o->date = sqlite3_column_int(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;

	if ((s = get(st, Q_H_OHOURS)) == NULL)
		goto fail;
	bind_text(s, 1, worker);
	k = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int32_t	 date = sqlite3_column_int(s, 0);

		while (k < h->noverrides && h->overrides[k].date < date)
			k++;
		if (k == h->noverrides || h->overrides[k].date != date)
			continue;
		d = &h->overrides[k].day;
		if (d->n >= HOURS_PER_DAY_MAX)
			continue;
		d->v[d->n].start = sqlite3_column_int(s, 1);
		d->v[d->n].end = sqlite3_column_int(s, 2);
		d->n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;

	if ((s = get(st, Q_H_TIMEOFF)) == NULL)
		goto fail;
	bind_text(s, 1, worker);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((t = grow((void **)&h->time_off, &h->ntime_off, &tcap,
		    sizeof(*t))) == NULL)
			break;
		t->start = sqlite3_column_int64(s, 0);
		t->end = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	return STORE_OK;
fail:
	log_warnx("store: hours: %s", sqlite3_errmsg(st->db));
	hours_clear(h);
	return STORE_ERR;
}

static int
insert_interval(struct store *st, enum stmt_id q, const char *worker,
    int64_t a, int64_t b, int64_t c, int64_t d)
{
	sqlite3_stmt	*s;

	if ((s = get(st, q)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, worker);
	sqlite3_bind_int64(s, 2, a);
	sqlite3_bind_int64(s, 3, b);
	sqlite3_bind_int64(s, 4, c);
	if (q != Q_H_INS_TIMEOFF)
		sqlite3_bind_int64(s, 5, d);
	return exec_done(st, s, "hours insert");
}

/* Replaces the availability whole, in one transaction. */
int
store_hours_put(struct store *st, const char *worker, const struct hours *h)
{
	static const enum stmt_id dels[] = {
		Q_H_DEL_WEEKLY, Q_H_DEL_ODAYS, Q_H_DEL_TIMEOFF
	};
	const struct day_hours	*d;
	sqlite3_stmt		*s;
	size_t			 i, j;
	int			 wd;

	if (store_tx_begin(st) != STORE_OK)
		return STORE_ERR;
	for (i = 0; i < sizeof(dels) / sizeof(dels[0]); i++) {
		if ((s = get(st, dels[i])) == NULL)
			goto fail;
		bind_text(s, 1, worker);
		if (exec_done(st, s, "hours delete") != STORE_OK)
			goto fail;
	}
	for (wd = 0; wd < 7; wd++) {
		d = &h->weekly[wd];
		for (j = 0; j < d->n; j++)
			if (insert_interval(st, Q_H_INS_WEEKLY, worker, wd, j,
			    d->v[j].start, d->v[j].end) != STORE_OK)
				goto fail;
	}
	for (i = 0; i < h->noverrides; i++) {
		if ((s = get(st, Q_H_INS_ODAY)) == NULL)
			goto fail;
		bind_text(s, 1, worker);
		sqlite3_bind_int(s, 2, h->overrides[i].date);
		if (exec_done(st, s, "override insert") != STORE_OK)
			goto fail;
		d = &h->overrides[i].day;
		for (j = 0; j < d->n; j++)
			if (insert_interval(st, Q_H_INS_OHOUR, worker,
			    h->overrides[i].date, j, d->v[j].start,
			    d->v[j].end) != STORE_OK)
				goto fail;
	}
	for (i = 0; i < h->ntime_off; i++)
		if (insert_interval(st, Q_H_INS_TIMEOFF, worker, i,
		    h->time_off[i].start, h->time_off[i].end, 0) != STORE_OK)
			goto fail;
	return store_tx_commit(st);
fail:
	store_tx_rollback(st);
	return STORE_ERR;
}

/* Services. */

static void
service_row(sqlite3_stmt *s, void *p)
{
	struct service	*v = p;

	memset(v, 0, sizeof(*v));
	col_copy(s, 0, v->worker_id, sizeof(v->worker_id));
	col_copy(s, 1, v->id, sizeof(v->id));
	v->title = col_dup(s, 2);
	v->description = col_dup(s, 3);
	v->duration_min = sqlite3_column_int(s, 4);
	v->step_min = sqlite3_column_int(s, 5);
	v->capacity = sqlite3_column_int(s, 6);
	v->buffer_before_min = sqlite3_column_int(s, 7);
	v->buffer_after_min = sqlite3_column_int(s, 8);
	v->min_notice_min = sqlite3_column_int(s, 9);
	v->horizon_days = sqlite3_column_int(s, 10);
	v->max_per_day = sqlite3_column_int(s, 11);
	v->video = sqlite3_column_int(s, 12) != 0;
	v->active = sqlite3_column_int(s, 13) != 0;
}

static void
service_bind(sqlite3_stmt *s, const struct service *v)
{
	bind_text(s, 1, v->worker_id);
	bind_text(s, 2, v->id);
	bind_text(s, 3, v->title);
	bind_text(s, 4, v->description != NULL ? v->description : "");
	sqlite3_bind_int(s, 5, v->duration_min);
	sqlite3_bind_int(s, 6, v->step_min);
	sqlite3_bind_int(s, 7, v->capacity);
	sqlite3_bind_int(s, 8, v->buffer_before_min);
	sqlite3_bind_int(s, 9, v->buffer_after_min);
	sqlite3_bind_int(s, 10, v->min_notice_min);
	sqlite3_bind_int(s, 11, v->horizon_days);
	sqlite3_bind_int(s, 12, v->max_per_day);
	sqlite3_bind_int(s, 13, v->video);
	sqlite3_bind_int(s, 14, v->active);
}

int
store_service_insert(struct store *st, const struct service *v)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = get(st, Q_S_INSERT)) == NULL)
		return STORE_ERR;
	service_bind(s, v);
	rc = exec_done(st, s, "service insert");
	return rc == STORE_CONFLICT ? STORE_EXISTS : rc;
}

int
store_service_get(struct store *st, const char *worker, const char *id,
    struct service *v)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(v, 0, sizeof(*v));

	if ((s = get(st, Q_S_GET)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, worker);
	bind_text(s, 2, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		service_row(s, v);
		rc = v->title != NULL && v->description != NULL ? STORE_OK :
		    STORE_ERR;
	} else
		rc = rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERR;
	sqlite3_reset(s);
	return rc;
}

int
store_service_list(struct store *st, const char *worker, int active_only,
    struct service **vp, size_t *np)
{
	sqlite3_stmt	*s;

	if ((s = get(st, active_only ? Q_S_LIST_ACTIVE : Q_S_LIST)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, worker);
	return rows(st, s, sizeof(**vp), service_row, service_clear_v,
	    (void **)vp, np);
}

void
service_list_free(struct service *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		service_clear(&v[i]);
	free(v);
}

int
store_service_update(struct store *st, const struct service *v)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_S_UPDATE)) == NULL)
		return STORE_ERR;
	service_bind(s, v);
	return changes_or_notfound(st, exec_done(st, s, "service update"));
}

int
store_service_delete(struct store *st, const char *worker, const char *id,
    int64_t now)
{
	sqlite3_stmt	*s, *d;
	int64_t		 n;
	int		 rc;

	if (store_tx_begin(st) != STORE_OK)
		return STORE_ERR;
	if ((s = get(st, Q_S_FUTURE)) == NULL)
		goto fail;
	bind_text(s, 1, worker);
	bind_text(s, 2, id);
	sqlite3_bind_int64(s, 3, now);
	if (count_query(st, s, &n) != STORE_OK)
		goto fail;
	if (n > 0) {
		store_tx_rollback(st);
		return STORE_CONFLICT;
	}
	/* Past bookings and their sessions go with the service. */
	if (sqlite3_prepare_v2(st->db, "DELETE FROM bookings WHERE"
	    " worker_id = ?1 AND service_id = ?2", -1, &d, NULL) != SQLITE_OK)
		goto fail;
	bind_text(d, 1, worker);
	bind_text(d, 2, id);
	rc = sqlite3_step(d);
	sqlite3_finalize(d);
	if (rc != SQLITE_DONE)
		goto fail;
	if ((s = get(st, Q_S_DELETE)) == NULL)
		goto fail;
	bind_text(s, 1, worker);
	bind_text(s, 2, id);
	rc = changes_or_notfound(st, exec_done(st, s, "service delete"));
	if (rc != STORE_OK) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st);
fail:
	log_warnx("store: service delete: %s", sqlite3_errmsg(st->db));
	store_tx_rollback(st);
	return STORE_ERR;
}

/* Sessions. */

static void
session_row(sqlite3_stmt *s, void *p)
{
	struct session	*v = p;

	memset(v, 0, sizeof(*v));
	v->id = sqlite3_column_int64(s, 0);
	col_copy(s, 1, v->worker_id, sizeof(v->worker_id));
	col_copy(s, 2, v->service_id, sizeof(v->service_id));
	v->start = sqlite3_column_int64(s, 3);
	v->end = sqlite3_column_int64(s, 4);
	v->occ_start = sqlite3_column_int64(s, 5);
	v->occ_end = sqlite3_column_int64(s, 6);
	v->seats = sqlite3_column_int(s, 7);
	v->room_url = col_dup(s, 8);
	v->updated_at = sqlite3_column_int64(s, 9);
}

static int
session_rows(struct store *st, sqlite3_stmt *s, struct session **vp,
    size_t *np)
{
	return rows(st, s, sizeof(**vp), session_row, session_clear_v,
	    (void **)vp, np);
}

int
store_sessions_feed(struct store *st, const char *worker, int64_t since,
    struct session **vp, size_t *np)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_SE_FEED)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, worker);
	sqlite3_bind_int64(s, 2, since);
	return session_rows(st, s, vp, np);
}

void
session_list_free(struct session *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		session_clear(&v[i]);
	free(v);
}

static int
session_one(struct store *st, sqlite3_stmt *s, struct session *v)
{
	int	 rc;

	memset(v, 0, sizeof(*v));

	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		session_row(s, v);
		rc = STORE_OK;
	} else
		rc = rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERR;
	sqlite3_reset(s);
	return rc;
}

int
store_session_at(struct store *st, const char *worker, const char *service,
    int64_t start, struct session *v)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_SE_AT)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, worker);
	bind_text(s, 2, service);
	sqlite3_bind_int64(s, 3, start);
	return session_one(st, s, v);
}

int
store_session_get(struct store *st, int64_t id, struct session *v)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_SE_GET)) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	return session_one(st, s, v);
}

int
store_session_insert(struct store *st, struct session *v)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = get(st, Q_SE_INSERT)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, v->worker_id);
	bind_text(s, 2, v->service_id);
	sqlite3_bind_int64(s, 3, v->start);
	sqlite3_bind_int64(s, 4, v->end);
	sqlite3_bind_int64(s, 5, v->occ_start);
	sqlite3_bind_int64(s, 6, v->occ_end);
	sqlite3_bind_int(s, 7, 1);
	bind_text(s, 8, v->room_url);
	sqlite3_bind_int64(s, 9, v->updated_at);
	rc = exec_done(st, s, "session insert");
	if (rc != STORE_OK)
		return rc;
	v->id = sqlite3_last_insert_rowid(st->db);
	if ((s = get(st, Q_W_SPAN)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, v->worker_id);
	sqlite3_bind_int64(s, 2, v->occ_end - v->occ_start);
	return exec_done(st, s, "worker span");
}

/*
 * The capacity written with the seats is the service's at this moment; the
 * CHECK constraint and the overlap trigger refuse what booking.c should
 * never ask for, as a last line of defence.
 */
int
store_session_seats(struct store *st, int64_t id, int delta, int capacity,
    int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_SE_SEATS)) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, delta);
	sqlite3_bind_int(s, 3, capacity);
	sqlite3_bind_int64(s, 4, now);
	return changes_or_notfound(st, exec_done(st, s, "session seats"));
}

/* Bookings. */

static void
booking_row(sqlite3_stmt *s, void *p)
{
	struct booking	*b = p;

	memset(b, 0, sizeof(*b));
	col_copy(s, 0, b->id, sizeof(b->id));
	b->session_id = sqlite3_column_int64(s, 1);
	col_copy(s, 2, b->worker_id, sizeof(b->worker_id));
	col_copy(s, 3, b->service_id, sizeof(b->service_id));
	b->status = sqlite3_column_int(s, 4) == 1 ? BOOKING_CANCELLED :
	    BOOKING_CONFIRMED;
	b->start = sqlite3_column_int64(s, 5);
	b->end = sqlite3_column_int64(s, 6);
	b->name = col_dup(s, 7);
	b->email = col_dup(s, 8);
	b->note = col_dup(s, 9);
	col_copy(s, 10, b->timezone, sizeof(b->timezone));
	col_copy(s, 11, b->locale, sizeof(b->locale));
	b->room_url = col_dup(s, 12);
	b->cancel_reason = col_dup(s, 13);
	b->sequence = sqlite3_column_int(s, 14);
	b->created_at = sqlite3_column_int64(s, 15);
	b->updated_at = sqlite3_column_int64(s, 16);
}

int
store_booking_insert(struct store *st, const struct booking *b,
    const uint8_t token_hash[HASH_LEN])
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_B_INSERT)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, b->id);
	sqlite3_bind_int64(s, 2, b->session_id);
	bind_text(s, 3, b->worker_id);
	bind_text(s, 4, b->service_id);
	sqlite3_bind_int(s, 5, b->status);
	sqlite3_bind_int64(s, 6, b->start);
	sqlite3_bind_int64(s, 7, b->end);
	bind_text(s, 8, b->name);
	bind_text(s, 9, b->email);
	bind_text(s, 10, b->note != NULL ? b->note : "");
	bind_text(s, 11, b->timezone);
	bind_text(s, 12, b->locale);
	bind_text(s, 13, b->room_url);
	bind_text(s, 14, b->cancel_reason);
	sqlite3_bind_int(s, 15, b->sequence);
	sqlite3_bind_int64(s, 16, b->created_at);
	sqlite3_bind_int64(s, 17, b->updated_at);
	sqlite3_bind_blob(s, 18, token_hash, HASH_LEN, SQLITE_TRANSIENT);
	return exec_done(st, s, "booking insert");
}

int
store_booking_get(struct store *st, const char *id, struct booking *b)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(b, 0, sizeof(*b));

	if ((s = get(st, Q_B_GET)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		booking_row(s, b);
		rc = b->name != NULL && b->email != NULL && b->note != NULL ?
		    STORE_OK : STORE_ERR;
	} else
		rc = rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERR;
	sqlite3_reset(s);
	return rc;
}

int
store_booking_check_token(struct store *st, const char *id,
    const uint8_t hash[HASH_LEN])
{
	sqlite3_stmt	*s;
	int		 rc = STORE_NOTFOUND;

	if ((s = get(st, Q_B_TOKEN)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_bytes(s, 0) == HASH_LEN &&
	    sodium_memcmp(sqlite3_column_blob(s, 0), hash, HASH_LEN) == 0)
		rc = STORE_OK;
	sqlite3_reset(s);
	return rc;
}

int
store_booking_update(struct store *st, const struct booking *b)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_B_UPDATE)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, b->id);
	sqlite3_bind_int64(s, 2, b->session_id);
	sqlite3_bind_int(s, 3, b->status);
	sqlite3_bind_int64(s, 4, b->start);
	sqlite3_bind_int64(s, 5, b->end);
	bind_text(s, 6, b->room_url);
	bind_text(s, 7, b->cancel_reason);
	sqlite3_bind_int(s, 8, b->sequence);
	sqlite3_bind_int64(s, 9, b->updated_at);
	return changes_or_notfound(st, exec_done(st, s, "booking update"));
}

static int
booking_rows(struct store *st, sqlite3_stmt *s, struct booking **vp,
    size_t *np)
{
	return rows(st, s, sizeof(**vp), booking_row, booking_clear_v,
	    (void **)vp, np);
}

int
store_bookings_list(struct store *st, const char *worker, int64_t from,
    int64_t to, struct booking **vp, size_t *np)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_B_LIST)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, worker);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	return booking_rows(st, s, vp, np);
}

int
store_session_bookings(struct store *st, int64_t session,
    struct booking **vp, size_t *np)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_B_SESSION)) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, session);
	return booking_rows(st, s, vp, np);
}

void
booking_list_free(struct booking *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		booking_clear(&v[i]);
	free(v);
}

/* Idempotency. */

int
store_idem_get(struct store *st, const char *worker, const char *service,
    const char *key, uint8_t body_hash[HASH_LEN], int *status, char **answer,
    int64_t not_before)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = get(st, Q_I_GET)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, worker);
	bind_text(s, 2, service);
	bind_text(s, 3, key);
	sqlite3_bind_int64(s, 4, not_before);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 0) == HASH_LEN) {
		memcpy(body_hash, sqlite3_column_blob(s, 0), HASH_LEN);
		*status = sqlite3_column_int(s, 1);
		*answer = col_dup(s, 2);
		rc = *answer != NULL ? STORE_OK : STORE_ERR;
	} else
		rc = rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERR;
	sqlite3_reset(s);
	return rc;
}

int
store_idem_put(struct store *st, const char *worker, const char *service,
    const char *key, const uint8_t body_hash[HASH_LEN], int status,
    const char *answer, int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_I_PUT)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, worker);
	bind_text(s, 2, service);
	bind_text(s, 3, key);
	sqlite3_bind_blob(s, 4, body_hash, HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 5, status);
	bind_text(s, 6, answer);
	sqlite3_bind_int64(s, 7, now);
	return exec_done(st, s, "idempotency put");
}

int
store_idem_purge(struct store *st, int64_t before)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_I_PURGE)) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, before);
	return exec_done(st, s, "idempotency purge");
}

/* The outbox. */

int
store_outbox_add(struct store *st, const struct outbox_msg *m)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_O_ADD)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, m->booking_id);
	sqlite3_bind_int(s, 2, m->kind);
	bind_text(s, 3, m->rcpt);
	bind_text(s, 4, m->message_id);
	if (m->body != NULL)
		sqlite3_bind_blob(s, 5, m->body, m->bodylen, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 6, m->due_at);
	sqlite3_bind_int64(s, 7, m->created_at);
	return exec_done(st, s, "outbox add");
}

int
store_outbox_due(struct store *st, int64_t now, size_t max,
    struct outbox_msg **vp, size_t *np)
{
	sqlite3_stmt		*s;
	struct outbox_msg	*v = NULL, *m;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = get(st, Q_O_DUE)) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((m = grow((void **)&v, &n, &cap, sizeof(*m))) == NULL)
			break;
		memset(m, 0, sizeof(*m));
		m->id = sqlite3_column_int64(s, 0);
		col_copy(s, 1, m->booking_id, sizeof(m->booking_id));
		m->kind = sqlite3_column_int(s, 2);
		m->rcpt = col_dup(s, 3);
		m->message_id = col_dup(s, 4);
		if (sqlite3_column_type(s, 5) != SQLITE_NULL) {
			m->bodylen = sqlite3_column_bytes(s, 5);
			if ((m->body = malloc(m->bodylen + 1)) != NULL) {
				memcpy(m->body, sqlite3_column_blob(s, 5),
				    m->bodylen);
				m->body[m->bodylen] = '\0';
			}
		}
		m->due_at = sqlite3_column_int64(s, 6);
		m->attempts = sqlite3_column_int(s, 7);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: outbox: %s", sqlite3_errmsg(st->db));
		outbox_list_free(v, n);
		return STORE_ERR;
	}
	*vp = v;
	*np = n;
	return STORE_OK;
}

void
outbox_list_free(struct outbox_msg *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].rcpt);
		free(v[i].message_id);
		free(v[i].body);
	}
	free(v);
}

int
store_outbox_sent(struct store *st, int64_t id, int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_O_SENT)) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return exec_done(st, s, "outbox sent");
}

int
store_outbox_retry(struct store *st, int64_t id, int64_t next_at,
    const char *err)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_O_RETRY)) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, next_at);
	bind_text(s, 3, err);
	return exec_done(st, s, "outbox retry");
}

int
store_outbox_fail(struct store *st, int64_t id, int dropped, const char *err)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_O_FAIL)) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, err);
	sqlite3_bind_int(s, 3, dropped ? 3 : 2);
	return exec_done(st, s, "outbox fail");
}

int
store_outbox_drop(struct store *st, const char *booking, int kind)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_O_DROP)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, booking);
	sqlite3_bind_int(s, 2, kind);
	return exec_done(st, s, "outbox drop");
}

int
store_outbox_next(struct store *st, int64_t *next)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = get(st, Q_O_NEXT)) == NULL)
		return STORE_ERR;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) == SQLITE_NULL)
			rc = STORE_NOTFOUND;
		else {
			*next = sqlite3_column_int64(s, 0);
			rc = STORE_OK;
		}
	} else
		rc = STORE_ERR;
	sqlite3_reset(s);
	return rc;
}

int
store_busy_slots(struct store *st, const char *worker, const char *service,
    int64_t from, int64_t to, int64_t skip, struct slot_session **vp,
    size_t *np)
{
	sqlite3_stmt		*s;
	struct slot_session	*v = NULL, *e;
	size_t			 n = 0, cap = 0;
	int			 rc;

	if ((s = get(st, Q_SE_SLOTS)) == NULL)
		return STORE_ERR;
	bind_text(s, 1, worker);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	bind_text(s, 4, service);
	sqlite3_bind_int64(s, 5, skip);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((e = grow((void **)&v, &n, &cap, sizeof(*e))) == NULL)
			break;
		e->start = sqlite3_column_int64(s, 0);
		e->end = sqlite3_column_int64(s, 1);
		e->occ_start = sqlite3_column_int64(s, 2);
		e->occ_end = sqlite3_column_int64(s, 3);
		e->seats = sqlite3_column_int(s, 4);
		e->same_service = sqlite3_column_int(s, 5);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: busy: %s", sqlite3_errmsg(st->db));
		free(v);
		return STORE_ERR;
	}
	*vp = v;
	*np = n;
	return STORE_OK;
}

/*
 * The daemon's request threads leave checkpoints to one background caller
 * (store_checkpoint), so that no booking waits for the WAL to be copied
 * into the database; other programs keep SQLite's automatic checkpoints.
 */
int
store_autocheckpoint(struct store *st, int pages)
{
	return sqlite3_wal_autocheckpoint(st->db, pages) == SQLITE_OK ?
	    STORE_OK : STORE_ERR;
}

/* A passive checkpoint: copies what it can without blocking anybody. */
int
store_checkpoint(struct store *st)
{
	int	 rc, wal = 0, done = 0;

	rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    &wal, &done);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
		log_warnx("store: checkpoint: %s", sqlite3_errmsg(st->db));
		return STORE_ERR;
	}
	return STORE_OK;
}

/* Savepoints: one job of a group commit, kept or undone alone. */
int
store_savepoint(struct store *st)
{
	sqlite3_stmt	*s;

	if ((s = get(st, Q_SP)) == NULL)
		return STORE_ERR;
	return exec_done(st, s, "savepoint") == STORE_OK ? STORE_OK :
	    STORE_ERR;
}

int
store_savepoint_end(struct store *st, int keep)
{
	sqlite3_stmt	*s;

	if (!keep && ((s = get(st, Q_SP_ROLLBACK)) == NULL ||
	    exec_done(st, s, "rollback to") != STORE_OK))
		return STORE_ERR;
	if ((s = get(st, Q_SP_RELEASE)) == NULL)
		return STORE_ERR;
	return exec_done(st, s, "release") == STORE_OK ? STORE_OK :
	    STORE_ERR;
}
