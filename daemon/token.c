/*
 * token.c: tokens, hashes and random names. See token.h.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <uuid/uuid.h>

#include "log.h"
#include "token.h"

#define TOKEN_BYTES	32

int
token_init(void)
{
	if (sodium_init() < 0) {
		log_warnx("libsodium did not initialise");
		return -1;
	}
	return 0;
}

static void
b64url(const uint8_t *v, size_t len, char *out, size_t outlen)
{
	sodium_bin2base64(out, outlen, v, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void
token_new(const char *prefix, char out[TOKEN_MAX])
{
	uint8_t	 raw[TOKEN_BYTES];
	char	 enc[48];

	randombytes_buf(raw, sizeof(raw));
	b64url(raw, sizeof(raw), enc, sizeof(enc));
	snprintf(out, TOKEN_MAX, "%s_%s", prefix, enc);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(enc, sizeof(enc));
}

void
token_hash(const char *token, uint8_t out[HASH_LEN])
{
	crypto_generichash(out, HASH_LEN, (const uint8_t *)token,
	    strlen(token), NULL, 0);
}

void
token_nonce(uint8_t nonce[FEED_NONCE_LEN])
{
	randombytes_buf(nonce, FEED_NONCE_LEN);
}

void
token_feed(const uint8_t key[32], const char *worker,
    const uint8_t nonce[FEED_NONCE_LEN], char out[TOKEN_MAX])
{
	crypto_generichash_state	 st;
	uint8_t				 mac[TOKEN_BYTES];

	crypto_generichash_init(&st, key, 32, sizeof(mac));
	crypto_generichash_update(&st, (const uint8_t *)"feed", 5);
	crypto_generichash_update(&st, (const uint8_t *)worker,
	    strlen(worker) + 1);
	crypto_generichash_update(&st, nonce, FEED_NONCE_LEN);
	crypto_generichash_final(&st, mac, sizeof(mac));
	b64url(mac, sizeof(mac), out, TOKEN_MAX);
	sodium_memzero(mac, sizeof(mac));
}

int
token_equal(const char *a, const char *b)
{
	uint8_t	 ha[HASH_LEN], hb[HASH_LEN];

	/* Hashing first makes the comparison independent of the lengths. */
	token_hash(a, ha);
	token_hash(b, hb);
	return sodium_memcmp(ha, hb, HASH_LEN) == 0;
}

void
token_room(char out[ROOM_MAX])
{
	uint8_t	 raw[18];
	char	 enc[32];

	randombytes_buf(raw, sizeof(raw));
	b64url(raw, sizeof(raw), enc, sizeof(enc));
	snprintf(out, ROOM_MAX, "creneau-%s", enc);
}

void
token_uuid(char out[UUID_MAX])
{
	uuid_t	 u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}
