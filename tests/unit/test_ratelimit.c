/*
 * test_ratelimit.c: N events per client in any sliding 60 seconds, with
 * explicit clocks (milliseconds).
 */
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "ratelimit.h"

#define S	1000

static void
test_n_allowed_then_refused(void **state)
{
	struct ratelimit	*rl;
	int			 i;

	assert_non_null(rl = ratelimit_new(3));
	for (i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, "192.0.2.1", i * S), 0);
	/* The oldest (0) leaves at 60 s: 57.5 s to wait, rounded up. */
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", 2500), 58);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", 59000), 1);
	/* Just under a second left is one second, never zero. */
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", 59999), 1);
	ratelimit_free(rl);
}

static void
test_window_slides(void **state)
{
	struct ratelimit	*rl;

	assert_non_null(rl = ratelimit_new(2));
	assert_int_equal(ratelimit_take(rl, "a", 0), 0);
	assert_int_equal(ratelimit_take(rl, "a", 30 * S), 0);
	assert_int_equal(ratelimit_take(rl, "a", 59 * S), 1);
	/* At 60 s the event at 0 has left the window. */
	assert_int_equal(ratelimit_take(rl, "a", 60 * S), 0);
	/* Now the oldest is the one at 30 s: it leaves at 90 s. */
	assert_int_equal(ratelimit_take(rl, "a", 61 * S), 29);
	assert_int_equal(ratelimit_take(rl, "a", 89 * S + 1), 1);
	assert_int_equal(ratelimit_take(rl, "a", 90 * S), 0);
	/* Then 60 s (the event at 60 s leaves at 120 s). */
	assert_int_equal(ratelimit_take(rl, "a", 90 * S), 30);
	/* A long silence: everything has left. */
	assert_int_equal(ratelimit_take(rl, "a", 3600 * S), 0);
	assert_int_equal(ratelimit_take(rl, "a", 3600 * S), 0);
	assert_int_equal(ratelimit_take(rl, "a", 3600 * S), 60);
	ratelimit_free(rl);
}

/* A refused event is not counted: it does not push the window on. */
static void
test_refusals_do_not_count(void **state)
{
	struct ratelimit	*rl;
	int			 i;

	assert_non_null(rl = ratelimit_new(1));
	assert_int_equal(ratelimit_take(rl, "a", 0), 0);
	for (i = 1; i < 60; i++)
		assert_int_equal(ratelimit_take(rl, "a", i * S), 60 - i);
	assert_int_equal(ratelimit_take(rl, "a", 60 * S), 0);
	ratelimit_free(rl);
}

static void
test_per_client(void **state)
{
	struct ratelimit	*rl;
	int			 i;

	assert_non_null(rl = ratelimit_new(5));
	for (i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(rl, "2001:db8::1", 10), 0);
	assert_true(ratelimit_take(rl, "2001:db8::1", 10) > 0);
	/* Another address, even a near one, has its own window. */
	for (i = 0; i < 5; i++) {
		assert_int_equal(ratelimit_take(rl, "2001:db8::2", 10), 0);
		assert_int_equal(ratelimit_take(rl, "192.0.2.1", 10), 0);
	}
	assert_true(ratelimit_take(rl, "2001:db8::2", 10) > 0);
	assert_true(ratelimit_take(rl, "192.0.2.1", 10) > 0);
	assert_int_equal(ratelimit_take(rl, "2001:db8::", 10), 0);
	ratelimit_free(rl);
}

static void
test_zero_is_unlimited(void **state)
{
	struct ratelimit	*rl;
	int			 i;

	assert_non_null(rl = ratelimit_new(0));
	for (i = 0; i < 10000; i++)
		assert_int_equal(ratelimit_take(rl, "a", 0), 0);
	ratelimit_free(rl);
	/* No limiter at all allows too. */
	assert_int_equal(ratelimit_take(NULL, "a", 0), 0);
	ratelimit_free(NULL);
}

/*
 * More clients than the table keeps before sweeping: idle ones go, the
 * ones with events in the window keep their count.
 */
static void
test_many_clients(void **state)
{
	struct ratelimit	*rl;
	char			 addr[64];
	int			 i;

	assert_non_null(rl = ratelimit_new(2));
	/* Two clients fill their window at 30 s. */
	assert_int_equal(ratelimit_take(rl, "busy-1", 30 * S), 0);
	assert_int_equal(ratelimit_take(rl, "busy-1", 30 * S), 0);
	assert_int_equal(ratelimit_take(rl, "busy-2", 50 * S), 0);
	assert_int_equal(ratelimit_take(rl, "busy-2", 50 * S), 0);
	/* 20000 one-off clients, the first half long before. */
	for (i = 0; i < 10000; i++) {
		snprintf(addr, sizeof(addr), "10.0.%d.%d", i / 256, i % 256);
		assert_int_equal(ratelimit_take(rl, addr, 0), 0);
	}
	for (i = 0; i < 10000; i++) {
		snprintf(addr, sizeof(addr), "10.1.%d.%d", i / 256, i % 256);
		assert_int_equal(ratelimit_take(rl, addr, 70 * S), 0);
	}
	/* The full ones are still full, with the right waits. */
	assert_int_equal(ratelimit_take(rl, "busy-1", 70 * S), 20);
	assert_int_equal(ratelimit_take(rl, "busy-2", 70 * S), 40);
	/* A client of the second batch still has its event counted. */
	assert_int_equal(ratelimit_take(rl, "10.1.0.7", 71 * S), 0);
	assert_int_equal(ratelimit_take(rl, "10.1.0.7", 71 * S), 59);
	/* One of the first batch starts afresh. */
	assert_int_equal(ratelimit_take(rl, "10.0.0.7", 71 * S), 0);
	assert_int_equal(ratelimit_take(rl, "10.0.0.7", 71 * S), 0);
	assert_int_equal(ratelimit_take(rl, "10.0.0.7", 71 * S), 60);
	ratelimit_free(rl);
}

struct worker_arg {
	struct ratelimit	*rl;
	int			 allowed;
};

static void *
hammer(void *p)
{
	struct worker_arg	*a = p;
	int			 i;

	for (i = 0; i < 2000; i++)
		if (ratelimit_take(a->rl, "shared", 1000) == 0)
			a->allowed++;
	return NULL;
}

/* Four threads on one client: exactly N get through. */
static void
test_threads(void **state)
{
	struct worker_arg	 a[4];
	pthread_t		 t[4];
	struct ratelimit	*rl;
	int			 i, total = 0;

	assert_non_null(rl = ratelimit_new(100));
	for (i = 0; i < 4; i++) {
		a[i].rl = rl;
		a[i].allowed = 0;
		assert_int_equal(pthread_create(&t[i], NULL, hammer, &a[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		total += a[i].allowed;
	}
	assert_int_equal(total, 100);
	ratelimit_free(rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_n_allowed_then_refused),
		cmocka_unit_test(test_window_slides),
		cmocka_unit_test(test_refusals_do_not_count),
		cmocka_unit_test(test_per_client),
		cmocka_unit_test(test_zero_is_unlimited),
		cmocka_unit_test(test_many_clients),
		cmocka_unit_test(test_threads),
	};

	if (getenv("UNIT_FILTER") != NULL)
		cmocka_set_test_filter(getenv("UNIT_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
