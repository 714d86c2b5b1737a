/*
 * test_token.c: secrets, their hashes, feed secrets, room names and UUIDs.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"

static int
b64url_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static void
assert_b64url(const char *s, size_t len)
{
	size_t	 i;

	assert_int_equal(strlen(s), len);
	for (i = 0; i < len; i++)
		if (!b64url_char((unsigned char)s[i]))
			fail_msg("\"%s\": '%c' at %zu", s, s[i], i);
}

static void
test_token_prefixes_and_lengths(void **state)
{
	static const char *prefix[] = { "cra", "crw", "crb" };
	char	 t[TOKEN_MAX], u[TOKEN_MAX];
	size_t	 i;

	for (i = 0; i < 3; i++) {
		memset(t, 'x', sizeof(t));
		token_new(prefix[i], t);
		assert_int_equal(strlen(t), 3 + 1 + 43);
		assert_memory_equal(t, prefix[i], 3);
		assert_int_equal(t[3], '_');
		/* 43 characters of base64url: 258 bits, 256 of them random. */
		assert_b64url(t + 4, 43);
		token_new(prefix[i], u);
		assert_string_not_equal(t, u);
	}
}

static void
test_tokens_do_not_repeat(void **state)
{
	char	 (*t)[TOKEN_MAX];
	size_t	 i, j, n = 500;

	assert_non_null(t = calloc(n, sizeof(*t)));
	for (i = 0; i < n; i++)
		token_new("crb", t[i]);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(t[i], t[j]);
	free(t);
}

static void
test_hash_stable(void **state)
{
	/* BLAKE2b-256 of "abc", no key (as Python hashlib.blake2b gives it). */
	static const uint8_t abc[HASH_LEN] = {
		0xbd, 0xdd, 0x81, 0x3c, 0x63, 0x42, 0x39, 0x72,
		0x31, 0x71, 0xef, 0x3f, 0xee, 0x98, 0x57, 0x9b,
		0x94, 0x96, 0x4e, 0x3b, 0xb1, 0xcb, 0x3e, 0x42,
		0x72, 0x62, 0xc8, 0xc0, 0x68, 0xd5, 0x23, 0x19,
	};
	uint8_t	 a[HASH_LEN], b[HASH_LEN], c[HASH_LEN], zero[HASH_LEN];
	char	 t[TOKEN_MAX];

	token_new("crw", t);
	token_hash(t, a);
	token_hash(t, b);
	assert_memory_equal(a, b, HASH_LEN);
	memset(zero, 0, sizeof(zero));
	assert_memory_not_equal(a, zero, HASH_LEN);
	/* One character changed, another hash. */
	t[10] = t[10] == 'A' ? 'B' : 'A';
	token_hash(t, c);
	assert_memory_not_equal(a, c, HASH_LEN);
	/* A prefix of a token is not the token. */
	t[20] = '\0';
	token_hash(t, c);
	assert_memory_not_equal(a, c, HASH_LEN);

	/* Hashes are stored: they must not change between versions. */
	token_hash("abc", c);
	assert_memory_equal(c, abc, HASH_LEN);
}

static void
test_feed_deterministic(void **state)
{
	uint8_t	 key[32], key2[32];
	uint8_t	 nonce[FEED_NONCE_LEN], nonce2[FEED_NONCE_LEN];
	char	 a[TOKEN_MAX], b[TOKEN_MAX], c[TOKEN_MAX];

	memset(key, 7, sizeof(key));
	memset(nonce, 9, sizeof(nonce));
	token_feed(key, "jean", nonce, a);
	token_feed(key, "jean", nonce, b);
	assert_string_equal(a, b);
	assert_b64url(a, 43);

	/* Any input changed: another secret. */
	memcpy(key2, key, sizeof(key));
	key2[31] ^= 1;
	token_feed(key2, "jean", nonce, c);
	assert_string_not_equal(a, c);
	token_feed(key, "jeam", nonce, c);
	assert_string_not_equal(a, c);
	token_feed(key, "jean-2", nonce, c);
	assert_string_not_equal(a, c);
	token_feed(key, "jea", nonce, c);
	assert_string_not_equal(a, c);
	memcpy(nonce2, nonce, sizeof(nonce));
	nonce2[0] ^= 0x80;
	token_feed(key, "jean", nonce2, c);
	assert_string_not_equal(a, c);
	/* A fresh nonce, as a rotation makes. */
	token_nonce(nonce2);
	assert_memory_not_equal(nonce, nonce2, FEED_NONCE_LEN);
	token_feed(key, "jean", nonce2, c);
	assert_string_not_equal(a, c);
	token_feed(key, "jean", nonce2, b);
	assert_string_equal(b, c);
}

static void
test_token_equal(void **state)
{
	char	 t[TOKEN_MAX], u[TOKEN_MAX];

	token_new("crb", t);
	memcpy(u, t, sizeof(t));
	assert_true(token_equal(t, u));
	u[46] = u[46] == 'x' ? 'y' : 'x';
	assert_false(token_equal(t, u));
	u[46] = '\0';
	assert_false(token_equal(t, u));
	assert_false(token_equal(t, ""));
	assert_true(token_equal("", ""));
	assert_false(token_equal("crw_a", "crb_a"));
}

static void
test_room_names(void **state)
{
	char	 r[64][ROOM_MAX];
	size_t	 i, j, len;

	for (i = 0; i < 64; i++) {
		token_room(r[i]);
		assert_memory_equal(r[i], "creneau-", 8);
		len = strlen(r[i]) - 8;
		/* 6 bits a base64url character: >= 128 bits wants >= 22. */
		assert_true(len * 6 >= 128);
		assert_true(strlen(r[i]) < ROOM_MAX);
		assert_b64url(r[i] + 8, len);
		for (j = 0; j < i; j++)
			assert_string_not_equal(r[i], r[j]);
	}
}

static int
hexdigit(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void
test_uuid_v4(void **state)
{
	char	 u[UUID_MAX], v[UUID_MAX];
	size_t	 i;
	int	 k;

	for (k = 0; k < 100; k++) {
		token_uuid(u);
		assert_int_equal(strlen(u), 36);
		for (i = 0; i < 36; i++) {
			if (i == 8 || i == 13 || i == 18 || i == 23)
				assert_int_equal(u[i], '-');
			else if (!hexdigit((unsigned char)u[i]))
				fail_msg("%s: not lower-case hex at %zu", u,
				    i);
		}
		assert_int_equal(u[14], '4');			/* version */
		assert_non_null(strchr("89ab", u[19]));		/* variant */
		token_uuid(v);
		assert_string_not_equal(u, v);
	}
}

static int
setup(void **state)
{
	return token_init();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_prefixes_and_lengths),
		cmocka_unit_test(test_tokens_do_not_repeat),
		cmocka_unit_test(test_hash_stable),
		cmocka_unit_test(test_feed_deterministic),
		cmocka_unit_test(test_token_equal),
		cmocka_unit_test(test_room_names),
		cmocka_unit_test(test_uuid_v4),
	};

	if (getenv("UNIT_FILTER") != NULL)
		cmocka_set_test_filter(getenv("UNIT_FILTER"));
	return cmocka_run_group_tests(tests, setup, NULL);
}
