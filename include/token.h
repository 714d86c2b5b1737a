/*
 * token.h: secrets and unguessable names, from the OS random source
 * (libsodium's randombytes, getrandom(2) underneath).
 *
 * A token is shown once and stored only as its BLAKE2b-256 hash; with 256
 * random bits a plain hash is enough (nothing to brute-force). Comparisons
 * go through sodium_memcmp(), in constant time.
 */
#ifndef CRENEAU_TOKEN_H
#define CRENEAU_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define TOKEN_MAX	72	/* "crw_" + 43 base64url characters + NUL */
#define ROOM_MAX	40	/* "creneau-" + 24 characters + NUL */
#define UUID_MAX	37

int	token_init(void);
/* A new token "<prefix>_<43 base64url chars>", prefix "cra", "crw", "crb". */
void	token_new(const char *prefix, char out[TOKEN_MAX]);
void	token_hash(const char *token, uint8_t out[HASH_LEN]);
void	token_nonce(uint8_t nonce[FEED_NONCE_LEN]);
/*
 * The feed secret of a worker: a keyed BLAKE2b of the worker id and the
 * current nonce under the server key, so that it can be shown again (in
 * feed_url) without being stored. Rotating the nonce changes it.
 */
void	token_feed(const uint8_t key[32], const char *worker,
	    const uint8_t nonce[FEED_NONCE_LEN], char out[TOKEN_MAX]);
/* Compares two NUL-terminated strings in time that depends on len only. */
int	token_equal(const char *a, const char *b);
/* A video room name carrying 144 random bits. */
void	token_room(char out[ROOM_MAX]);
/* A random (version 4) UUID in lower case. */
void	token_uuid(char out[UUID_MAX]);

#endif
