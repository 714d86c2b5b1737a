/*
 * sqlite_floor.c: the write floor of the booking benchmark. THREADS
 * threads, each with its own connection to one database file (WAL,
 * synchronous=FULL, a busy timeout, as the daemon's store), each doing one
 * INSERT of a booking-sized row per BEGIN IMMEDIATE ... COMMIT for SECONDS
 * seconds. The busy timeout is the daemon's (10 s); a BEGIN that times out
 * is counted as an error, not retried. What the daemon does per booking beyond this one durable commit
 * (HTTP, JSON, the slots check, tokens) is what the benchmark measures
 * against it.
 *
 * usage: sqlite_floor DBFILE THREADS SECONDS
 * Prints "sqlite_floor: COMMITS commits in SECONDS s, RATE/s, ERRORS
 * errors" on stdout.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#define THREADS_MAX	256

struct worker {
	pthread_t	 tid;
	int		 n;
	long		 commits;	/* written by the thread, read after join */
	long		 errors;
};

static const char	*dbpath;
static double		 deadline;
static atomic_long	 next_id;

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
exec_sql(sqlite3 *db, const char *sql)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "sqlite_floor: %s: %s\n", sql,
		    msg != NULL ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static sqlite3 *
open_db(void)
{
	sqlite3	*db = NULL;

	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(db, 10000);
	if (exec_sql(db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;") == -1)
		goto fail;
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

static void *
run(void *arg)
{
	struct worker	*w = arg;
	sqlite3		*db;
	sqlite3_stmt	*ins = NULL;
	char		 id[40];
	long		 n;

	if ((db = open_db()) == NULL) {
		w->errors++;
		return NULL;
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO bookings (id, start, end, "
	    "name, email, note, token_hash) VALUES (?, ?, ?, "
	    "'Jean Peeters', 'jean@example.org', 'Chapitre 3', "
	    "randomblob(32))", -1, &ins, NULL) != SQLITE_OK) {
		w->errors++;
		goto done;
	}
	while (now_s() < deadline) {
		n = atomic_fetch_add(&next_id, 1);
		snprintf(id, sizeof(id), "%08lx-0000-4000-8000-%012lx",
		    (long)w->n, n);
		/* Quiet: under load a busy BEGIN is expected, and counted. */
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK) {
			w->errors++;
			continue;
		}
		sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 2, 1800000000 + n * 300);
		sqlite3_bind_int64(ins, 3, 1800000000 + n * 300 + 300);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			w->errors++;
			sqlite3_reset(ins);
			exec_sql(db, "ROLLBACK");
			continue;
		}
		sqlite3_reset(ins);
		if (exec_sql(db, "COMMIT") == -1) {
			w->errors++;
			exec_sql(db, "ROLLBACK");
			continue;
		}
		w->commits++;
	}
done:
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return NULL;
}

int
main(int argc, char *argv[])
{
	static struct worker	 w[THREADS_MAX];
	sqlite3			*db;
	double			 secs, t0;
	long			 commits = 0, errors = 0;
	int			 threads, i;

	if (argc != 4) {
		fprintf(stderr, "usage: sqlite_floor DBFILE THREADS SECONDS\n");
		return 2;
	}
	dbpath = argv[1];
	threads = atoi(argv[2]);
	secs = atof(argv[3]);
	if (threads < 1 || threads > THREADS_MAX || secs <= 0 || secs > 600) {
		fprintf(stderr, "sqlite_floor: bad thread count or duration\n");
		return 2;
	}
	if ((db = open_db()) == NULL)
		return 1;
	if (exec_sql(db, "CREATE TABLE IF NOT EXISTS bookings ("
	    "id TEXT PRIMARY KEY, start INTEGER NOT NULL, end INTEGER NOT NULL,"
	    " name TEXT NOT NULL, email TEXT NOT NULL, note TEXT NOT NULL,"
	    " token_hash BLOB NOT NULL UNIQUE)") == -1) {
		sqlite3_close(db);
		return 1;
	}
	sqlite3_close(db);

	t0 = now_s();
	deadline = t0 + secs;
	for (i = 0; i < threads; i++) {
		w[i].n = i;
		if (pthread_create(&w[i].tid, NULL, run, &w[i]) != 0) {
			fprintf(stderr, "sqlite_floor: pthread_create\n");
			threads = i;
			break;
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].tid, NULL);
		commits += w[i].commits;
		errors += w[i].errors;
	}
	secs = now_s() - t0;
	printf("sqlite_floor: %ld commits in %.2f s, %.1f/s, %ld errors\n",
	    commits, secs, commits / secs, errors);
	return errors > 0 && commits == 0;
}
