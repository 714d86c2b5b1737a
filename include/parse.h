/*
 * parse.h: request bodies and values into records, with the rules of
 * API.md. Pure functions (no I/O, no clock): the fuzz target drives them.
 *
 * On a bad value they return -1 and fill *e with the JSON path of the
 * field ("weekly.mon[1]", "overrides[0].date") and a message for people.
 */
#ifndef CRENEAU_PARSE_H
#define CRENEAU_PARSE_H

#include <stdint.h>

#include <jansson.h>

#include "model.h"

struct field_error {
	char	field[96];
	char	msg[160];
};

#define NAME_MAX_CHARS	200
#define NOTE_MAX_CHARS	2000
#define TITLE_MAX_CHARS	200
#define DESC_MAX_CHARS	2000
#define EMAIL_MAX	254
#define REASON_MAX_CHARS 500

/* ^[a-z0-9][a-z0-9-]{0,62}$ */
int	valid_id(const char *);
/* One of the paths the pages use (api, feeds, static, ...). */
int	reserved_worker_id(const char *);
int	valid_email(const char *);
/* 1..max characters of UTF-8 with no control character at all. */
int	valid_line(const char *, size_t max);
/*
 * Up to max characters; LF, CR LF and tab allowed. Returns a copy with
 * CR LF turned into LF, or NULL (invalid or out of memory: see *bad).
 */
char	*note_normalize(const char *, size_t max, int *bad);
int	valid_locale(const char *);
/*
 * The text of a JSON string, or NULL when v is not a string or holds a NUL
 * ("\u0000" is valid JSON, but no field of ours may carry it).
 */
const char *json_text(json_t *v);
/* Nesting of arrays and objects at most JSON_DEPTH_MAX; the top is 1. */
#define JSON_DEPTH_MAX	32
int	json_depth_ok(json_t *, int depth);

/*
 * Worker fields from a POST (partial = 0: id, name, email, timezone
 * required) or a PATCH (partial = 1: only the fields present, id ignored).
 * Time zones are checked by the caller-supplied function.
 */
int	parse_worker(json_t *, int partial, struct worker *,
	    int (*zone_ok)(const char *), struct field_error *);
/* Service fields, with the defaults of API.md when partial = 0. */
int	parse_service(json_t *, int partial, struct service *,
	    struct field_error *);
int	parse_hours(json_t *, struct hours *, struct field_error *);

json_t	*hours_to_json(const struct hours *);
json_t	*service_to_json(const struct service *);

#endif
