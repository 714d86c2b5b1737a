/*
 * fuzz_request.c: a request body, read exactly as the daemon reads it
 * (http.c: json_loadb with JSON_ALLOW_NUL, an object, json_depth_ok),
 * through every parser of parse.h, with the invariants they promise:
 *
 *   - what hours_to_json() writes, parse_hours() reads back the same;
 *   - a valid line is a valid note, unchanged by note_normalize();
 *   - a normalized note holds no CR and is valid again, unchanged;
 *   - a parsed worker or service satisfies the rules it was checked by.
 *
 * JSON strings are always valid UTF-8 (jansson checks), so the validators
 * also get the raw bytes, to reach their UTF-8 checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "parse.h"
#include "tzconv.h"

int		 LLVMFuzzerInitialize(int *, char ***);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
const char	*__ubsan_default_options(void);

/* A broken invariant: a crash that the fuzzer reports with its input. */
#define CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)

/*
 * Undefined behaviour is a finding like a crash: the fuzz objects are built
 * without -fno-sanitize-recover, so ask the runtime to stop at the first.
 */
const char *
__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

static int
zone_ok(const char *name)
{
	return tz_get(name) != NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (tz_init(NULL) == -1)
		__builtin_trap();
	return 0;
}

static void
check_note(const char *s)
{
	char	*n, *again;
	int	 bad;

	if ((n = note_normalize(s, NOTE_MAX_CHARS, &bad)) == NULL) {
		/* Only a bad text is refused; a valid line is never bad. */
		CHECK(bad == 1);
		CHECK(!valid_line(s, NOTE_MAX_CHARS));
		return;
	}
	CHECK(bad == 0);
	CHECK(strchr(n, '\r') == NULL);
	CHECK(strlen(n) <= strlen(s));
	if (valid_line(s, NAME_MAX_CHARS))
		CHECK(strcmp(n, s) == 0);
	again = note_normalize(n, NOTE_MAX_CHARS, &bad);
	CHECK(again != NULL && strcmp(again, n) == 0);
	free(again);
	free(n);
}

/* Every validator on one string. */
static void
check_text(const char *s)
{
	if (valid_id(s)) {
		CHECK(strlen(s) < ID_MAX);
		CHECK(valid_line(s, NAME_MAX_CHARS));
	}
	if (valid_email(s)) {
		CHECK(strlen(s) <= EMAIL_MAX);
		CHECK(strchr(s, '@') != NULL);
		CHECK(valid_line(s, EMAIL_MAX));
	}
	(void)reserved_worker_id(s);
	(void)valid_locale(s);
	check_note(s);
}

static void
fuzz_worker(json_t *o)
{
	struct worker		 w;
	struct field_error	 e;

	memset(&w, 0, sizeof(w));
	if (parse_worker(o, 0, &w, zone_ok, &e) == 0) {
		CHECK(valid_id(w.id) && !reserved_worker_id(w.id));
		CHECK(valid_line(w.name, NAME_MAX_CHARS));
		CHECK(valid_email(w.email));
		CHECK(tz_get(w.timezone) != NULL);
		CHECK(valid_locale(w.locale));
	} else
		CHECK(memchr(e.field, '\0', sizeof(e.field)) != NULL);
	worker_clear(&w);

	/* A PATCH over a worker that exists. */
	memset(&w, 0, sizeof(w));
	strcpy(w.id, "jean");
	w.name = strdup("Jean");
	w.email = strdup("jean@example.org");
	strcpy(w.timezone, "Europe/Brussels");
	strcpy(w.locale, "fr");
	if (w.name != NULL && w.email != NULL &&
	    parse_worker(o, 1, &w, zone_ok, &e) == 0) {
		CHECK(strcmp(w.id, "jean") == 0);
		CHECK(valid_line(w.name, NAME_MAX_CHARS));
		CHECK(valid_email(w.email));
		CHECK(valid_locale(w.locale));
	}
	worker_clear(&w);
}

static void
check_service(const struct service *s)
{
	json_t	*j;

	CHECK(valid_id(s->id));
	CHECK(valid_line(s->title, TITLE_MAX_CHARS));
	CHECK(s->description != NULL);
	CHECK(s->duration_min >= 5 && s->duration_min <= 720);
	CHECK(s->step_min >= 5 && s->step_min <= 720);
	CHECK(s->capacity >= 1 && s->capacity <= 1000);
	CHECK(s->buffer_before_min >= 0 && s->buffer_before_min <= 720);
	CHECK(s->buffer_after_min >= 0 && s->buffer_after_min <= 720);
	CHECK(s->min_notice_min >= 0 && s->min_notice_min <= 525600);
	CHECK(s->horizon_days >= 1 && s->horizon_days <= 730);
	CHECK(s->max_per_day >= 0 && s->max_per_day <= 1000);
	if ((j = service_to_json(s)) != NULL)
		json_decref(j);
}

static void
fuzz_service(json_t *o)
{
	struct service		 s;
	struct field_error	 e;

	memset(&s, 0, sizeof(s));
	if (parse_service(o, 0, &s, &e) == 0)
		check_service(&s);
	service_clear(&s);

	/* A PATCH over a service that exists. */
	memset(&s, 0, sizeof(s));
	strcpy(s.worker_id, "jean");
	strcpy(s.id, "maths-60");
	s.title = strdup("Cours de maths");
	s.description = strdup("Secondaire");
	s.duration_min = s.step_min = 60;
	s.capacity = 1;
	s.min_notice_min = 60;
	s.horizon_days = 60;
	s.video = s.active = true;
	if (s.title != NULL && s.description != NULL &&
	    parse_service(o, 1, &s, &e) == 0) {
		CHECK(strcmp(s.id, "maths-60") == 0);
		check_service(&s);
	}
	service_clear(&s);
}

static int
same_days(const struct day_hours *a, const struct day_hours *b, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		if (a[i].n != b[i].n)
			return 0;
		for (j = 0; j < a[i].n; j++)
			if (a[i].v[j].start != b[i].v[j].start ||
			    a[i].v[j].end != b[i].v[j].end)
				return 0;
	}
	return 1;
}

static void
fuzz_hours(json_t *o)
{
	struct hours		 h, h2;
	struct field_error	 e;
	json_t			*j, *j2;
	size_t			 i;

	if (parse_hours(o, &h, &e) == -1) {
		CHECK(h.overrides == NULL && h.time_off == NULL);
		return;
	}
	for (i = 1; i < h.noverrides; i++)
		CHECK(h.overrides[i - 1].date < h.overrides[i].date);
	for (i = 0; i < h.ntime_off; i++)
		CHECK(h.time_off[i].start < h.time_off[i].end);
	if ((j = hours_to_json(&h)) != NULL) {
		/* What GET gives, PUT takes, and it means the same. */
		CHECK(parse_hours(j, &h2, &e) == 0);
		CHECK(h2.noverrides == h.noverrides);
		CHECK(h2.ntime_off == h.ntime_off);
		CHECK(same_days(h2.weekly, h.weekly, 7));
		for (i = 0; i < h.ntime_off; i++) {
			CHECK(h2.time_off[i].start == h.time_off[i].start);
			CHECK(h2.time_off[i].end == h.time_off[i].end);
		}
		for (i = 0; i < h.noverrides; i++) {
			CHECK(h2.overrides[i].date == h.overrides[i].date);
			CHECK(same_days(&h2.overrides[i].day,
			    &h.overrides[i].day, 1));
		}
		j2 = hours_to_json(&h2);
		CHECK(j2 == NULL || json_equal(j, j2));
		json_decref(j2);
		hours_clear(&h2);
		json_decref(j);
	}
	hours_clear(&h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t	 err;
	json_t		*o, *v;
	const char	*k, *s;
	char		*raw;

	/* The validators on the raw bytes, up to the first NUL. */
	if ((raw = malloc(size + 1)) != NULL) {
		memcpy(raw, data, size);
		raw[size] = '\0';
		check_text(raw);
		free(raw);
	}

	o = json_loadb((const char *)data, size, JSON_ALLOW_NUL, &err);
	if (o == NULL)
		return 0;
	if (!json_is_object(o) || !json_depth_ok(o, 1)) {
		json_decref(o);
		return 0;
	}
	json_object_foreach(o, k, v) {
		if ((s = json_text(v)) != NULL)
			check_text(s);
		else if (json_is_string(v))
			CHECK(strlen(json_string_value(v)) <
			    json_string_length(v));
	}
	fuzz_worker(o);
	fuzz_service(o);
	fuzz_hours(o);
	json_decref(o);
	return 0;
}
