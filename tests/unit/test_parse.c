/*
 * test_parse.c: every validation rule of API.md, through parse_worker(),
 * parse_service(), parse_hours() and the valid_*() helpers, each at and
 * just past its edges.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "parse.h"
#include "tzconv.h"

/* A JSON body as the daemon reads it (NUL allowed inside strings). */
static json_t *
body(const char *text)
{
	json_error_t	 err;
	json_t		*j;

	j = json_loadb(text, strlen(text), JSON_ALLOW_NUL, &err);
	if (j == NULL)
		fail_msg("bad test JSON: %s: %s", err.text, text);
	return j;
}

/* n copies of s, in a static buffer big enough for the tests below. */
static char *
rep(const char *s, size_t n)
{
	static char	 buf[4][16384];
	static int	 k;
	char		*p = buf[k++ % 4];
	size_t		 len = strlen(s), i;

	assert_true(len * n < sizeof(buf[0]));
	for (i = 0; i < n; i++)
		memcpy(p + i * len, s, len);
	p[len * n] = '\0';
	return p;
}

static int
zone_ok(const char *name)
{
	return tz_get(name) != NULL;
}

/* ids */

static void
test_valid_id(void **state)
{
	assert_true(valid_id("a"));
	assert_true(valid_id("0"));
	assert_true(valid_id("maths-60"));
	assert_true(valid_id("a-"));
	assert_true(valid_id(rep("a", 63)));
	assert_false(valid_id(rep("a", 64)));
	assert_false(valid_id(""));
	assert_false(valid_id(NULL));
	assert_false(valid_id("-a"));
	assert_false(valid_id("A"));
	assert_false(valid_id("aB"));
	assert_false(valid_id("a_b"));
	assert_false(valid_id("a b"));
	assert_false(valid_id("a.b"));
	assert_false(valid_id("a/b"));
	assert_false(valid_id("\xc3\xa9t\xc3\xa9"));
}

static void
test_reserved_worker_ids(void **state)
{
	static const char *r[] = {
		"api", "feeds", "static", "manage", "admin", "healthz",
		"metrics", "favicon.ico", "robots.txt",
	};
	size_t	 i;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		assert_true(reserved_worker_id(r[i]));
	assert_false(reserved_worker_id("apis"));
	assert_false(reserved_worker_id("ap"));
	assert_false(reserved_worker_id("jean"));
}

/* e-mail */

static void
test_email_accepts(void **state)
{
	char	 buf[300];

	assert_true(valid_email("jean@example.org"));
	assert_true(valid_email("a@b.c"));
	assert_true(valid_email("jean.peeters+tag@mail.example.be"));
	assert_true(valid_email("x!#$%&'*/=?^_`{|}~-@ex-ample.org"));
	/* UTF-8 letters in the domain. */
	assert_true(valid_email("jean@b\xc3\xbc" "cher.de"));
	assert_true(valid_email("jean@\xc3\xa9\xc3\xa9.be"));
	/* Local part of exactly 64. */
	snprintf(buf, sizeof(buf), "%s@example.org", rep("l", 64));
	assert_true(valid_email(buf));
	/* 254 octets in all: 64 + 1 + 63 + 1 + 63 + 1 + 61. */
	snprintf(buf, sizeof(buf), "%s@%s.%s.%s", rep("l", 64), rep("a", 63),
	    rep("b", 63), rep("c", 61));
	assert_int_equal(strlen(buf), 254);
	assert_true(valid_email(buf));
}

static void
test_email_refuses(void **state)
{
	static const char *bad[] = {
		"", "jean", "jean.example.org", "@example.org", "jean@",
		"jean@example", "jean@@example.org", "a@b@example.org",
		"jean@example..org", "jean@.example.org", "jean@example.org.",
		"jean@exa mple.org", "jean@exa_mple.org", "jean@exa!mple.org",
		"je an@example.org", "jean\t@example.org", "jean\x01@ex.org",
		"jean\x7f@example.org", "jean@ex\xff.org", "jean@ex\xc3.org",
		"jean@ex\xc2\x85.org",		/* C1 control */
		"jean@ex\xed\xa0\x80.org",	/* a surrogate */
		"\"jean\"@example.org", "je(an@example.org",
		"je)an@example.org", "je,an@example.org", "je:an@example.org",
		"je;an@example.org", "je<an@example.org", "je>an@example.org",
		"je[an@example.org", "je\\an@example.org", "je]an@example.org",
		"<jean@example.org>", "Jean <jean@example.org>",
		"jean@example.org\r\nBcc: x@y.z",
	};
	char	 buf[300];
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (valid_email(bad[i]))
			fail_msg("accepted e-mail #%zu \"%s\"", i, bad[i]);
	assert_false(valid_email(NULL));
	/* Local part of 65. */
	snprintf(buf, sizeof(buf), "%s@example.org", rep("l", 65));
	assert_false(valid_email(buf));
	/* 255 octets. */
	snprintf(buf, sizeof(buf), "%s@%s.%s.%s", rep("l", 64), rep("a", 63),
	    rep("b", 63), rep("c", 62));
	assert_int_equal(strlen(buf), 255);
	assert_false(valid_email(buf));
}

/*
 * "UTF-8 letters allowed" in the domain: letters, not any non-ASCII
 * character. A no-break space or a currency sign is no letter.
 */
static void
test_email_domain_non_letters(void **state)
{
	assert_false(valid_email("jean@exa\xc2\xa0mple.org"));	/* U+00A0 */
	assert_false(valid_email("jean@\xe2\x82\xac.org"));	/* U+20AC */
	assert_false(valid_email("jean@ex\xe2\x80\xa8.org"));	/* U+2028 */
}

/* names and lines */

static void
test_line_lengths_in_characters(void **state)
{
	assert_true(valid_line("J", NAME_MAX_CHARS));
	assert_true(valid_line(rep("a", 200), NAME_MAX_CHARS));
	assert_false(valid_line(rep("a", 201), NAME_MAX_CHARS));
	/* 200 two-octet characters are 400 octets, still 200 characters. */
	assert_true(valid_line(rep("\xc3\xa9", 200), NAME_MAX_CHARS));
	assert_false(valid_line(rep("\xc3\xa9", 201), NAME_MAX_CHARS));
	assert_true(valid_line(rep("\xe2\x82\xac", 200), NAME_MAX_CHARS));
	assert_true(valid_line(rep("\xf0\x9f\x98\x80", 200), NAME_MAX_CHARS));
	assert_false(valid_line(rep("\xf0\x9f\x98\x80", 201), NAME_MAX_CHARS));
	assert_false(valid_line("", NAME_MAX_CHARS));
	assert_false(valid_line(NULL, NAME_MAX_CHARS));
}

static void
test_line_refuses_controls(void **state)
{
	static const char *bad[] = {
		"a\nb", "a\rb", "a\tb", "a\x01", "\x1f", "a\x7f",
		"a\xc2\x80", "a\xc2\x85", "a\xc2\x9f",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (valid_line(bad[i], NAME_MAX_CHARS))
			fail_msg("accepted line #%zu", i);
	/* U+00A0 is the first character after C1: not a control. */
	assert_true(valid_line("Jean\xc2\xa0Peeters", NAME_MAX_CHARS));
	assert_true(valid_line("Ren\xc3\xa9 Fran\xc3\xa7ois", NAME_MAX_CHARS));
}

static void
test_line_refuses_bad_utf8(void **state)
{
	static const char *bad[] = {
		"\xff", "a\xfe", "\x80", "\xc3", "\xc3(", "\xe2\x82",
		"\xc0\xaf",		/* overlong '/' */
		"\xe0\x80\xaf",		/* overlong, three octets */
		"\xf0\x80\x80\xaf",	/* overlong, four octets */
		"\xed\xa0\x80",		/* U+D800 */
		"\xed\xbf\xbf",		/* U+DFFF */
		"\xf4\x90\x80\x80",	/* U+110000 */
		"\xf8\x88\x80\x80\x80",	/* five octets */
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (valid_line(bad[i], NAME_MAX_CHARS))
			fail_msg("accepted bad UTF-8 #%zu", i);
	assert_true(valid_line("\xf4\x8f\xbf\xbf", NAME_MAX_CHARS));
	assert_true(valid_line("\xee\x80\x80", NAME_MAX_CHARS));
}

/* notes */

static void
test_note_normalize(void **state)
{
	static const char *refused[] = {
		"a\rb", "a\r", "a\x01", "a\x0b", "a\x0c", "a\x1b[31m", "\x7f",
		"a\xc2\x85", "a\xc2\x9f", "a\r\r\n", "\xff", "\xc3",
		"\xed\xa0\x80",
	};
	char	*n;
	size_t	 i;
	int	 bad = -1;

	n = note_normalize("Chapitre 3\r\nexercice\t2\nfin", NOTE_MAX_CHARS,
	    &bad);
	assert_non_null(n);
	assert_int_equal(bad, 0);
	assert_string_equal(n, "Chapitre 3\nexercice\t2\nfin");
	free(n);

	n = note_normalize("", NOTE_MAX_CHARS, &bad);
	assert_non_null(n);
	assert_string_equal(n, "");
	free(n);

	n = note_normalize("\r\n\r\n", NOTE_MAX_CHARS, &bad);
	assert_non_null(n);
	assert_string_equal(n, "\n\n");
	free(n);

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		bad = 0;
		n = note_normalize(refused[i], NOTE_MAX_CHARS, &bad);
		if (n != NULL || bad != 1)
			fail_msg("note #%zu: got %p bad %d", i, (void *)n,
			    bad);
	}
}

static void
test_note_lengths(void **state)
{
	char	*n;
	int	 bad;

	n = note_normalize(rep("a", 2000), NOTE_MAX_CHARS, &bad);
	assert_non_null(n);
	assert_int_equal(strlen(n), 2000);
	free(n);
	n = note_normalize(rep("a", 2001), NOTE_MAX_CHARS, &bad);
	assert_null(n);
	assert_int_equal(bad, 1);
	/* Characters, not octets. */
	n = note_normalize(rep("\xc3\xa9", 2000), NOTE_MAX_CHARS, &bad);
	assert_non_null(n);
	free(n);
	n = note_normalize(rep("\xc3\xa9", 2001), NOTE_MAX_CHARS, &bad);
	assert_null(n);
	assert_int_equal(bad, 1);
	/* CR LF is stored as LF, one character: 2000 of them fit. */
	n = note_normalize(rep("\r\n", 2000), NOTE_MAX_CHARS, &bad);
	assert_non_null(n);
	assert_int_equal(strlen(n), 2000);
	free(n);
	n = note_normalize(rep("\r\n", 2001), NOTE_MAX_CHARS, &bad);
	assert_null(n);
}

/* JSON */

static void
test_json_text(void **state)
{
	json_t	*v, *o;

	v = json_stringn("a\0b", 3);
	assert_non_null(v);
	assert_null(json_text(v));
	json_decref(v);
	v = json_string("ab");
	assert_string_equal(json_text(v), "ab");
	json_decref(v);
	v = json_integer(3);
	assert_null(json_text(v));
	json_decref(v);
	assert_null(json_text(NULL));

	/* As it comes in a body: "\u0000" is valid JSON. */
	o = body("{\"name\": \"Je\\u0000an\"}");
	assert_null(json_text(json_object_get(o, "name")));
	json_decref(o);
}

static json_t *
nested(int depth, int objects)
{
	char	*s, *p;
	json_t	*j;
	int	 i;

	s = p = malloc((size_t)depth * 8 + 8);
	assert_non_null(s);
	for (i = 0; i < depth; i++)
		p += sprintf(p, objects ? "{\"a\":" : "[");
	p += sprintf(p, "1");
	for (i = 0; i < depth; i++)
		*p++ = objects ? '}' : ']';
	*p = '\0';
	j = body(s);
	free(s);
	return j;
}

static void
test_json_depth(void **state)
{
	json_t	*j;

	j = nested(32, 0);
	assert_true(json_depth_ok(j, 1));
	json_decref(j);
	j = nested(33, 0);
	assert_false(json_depth_ok(j, 1));
	json_decref(j);
	j = nested(32, 1);
	assert_true(json_depth_ok(j, 1));
	json_decref(j);
	j = nested(33, 1);
	assert_false(json_depth_ok(j, 1));
	json_decref(j);
	/* The deep branch is not the first one. */
	j = body("{\"a\": 1, \"b\": [[[]]], \"c\": {\"d\": []}}");
	assert_true(json_depth_ok(j, 1));
	assert_true(json_depth_ok(j, 29));
	assert_false(json_depth_ok(j, 30));
	json_decref(j);
}

/* workers */

static void
expect_worker_fail(const char *text, int partial, const char *field)
{
	struct worker		 w;
	struct field_error	 e;
	json_t			*o = body(text);

	memset(&w, 0, sizeof(w));
	memset(&e, 0, sizeof(e));
	if (parse_worker(o, partial, &w, zone_ok, &e) != -1)
		fail_msg("accepted worker %s", text);
	if (strcmp(e.field, field) != 0)
		fail_msg("worker %s: field \"%s\", wanted \"%s\"", text,
		    e.field, field);
	assert_true(e.msg[0] != '\0');
	worker_clear(&w);
	json_decref(o);
}

static void
test_worker_post(void **state)
{
	struct worker		 w;
	struct field_error	 e;
	json_t			*o;

	memset(&w, 0, sizeof(w));
	o = body("{\"id\": \"jean\", \"name\": \"Jean Peeters\", \"email\":"
	    " \"jean@example.org\", \"timezone\": \"Europe/Brussels\"}");
	assert_int_equal(parse_worker(o, 0, &w, zone_ok, &e), 0);
	assert_string_equal(w.id, "jean");
	assert_string_equal(w.name, "Jean Peeters");
	assert_string_equal(w.email, "jean@example.org");
	assert_string_equal(w.timezone, "Europe/Brussels");
	assert_string_equal(w.locale, "fr");	/* the default */
	worker_clear(&w);
	json_decref(o);

	o = body("{\"id\": \"marie-2\", \"name\": \"Marie\", \"email\":"
	    " \"m@ex.be\", \"timezone\": \"America/New_York\","
	    " \"locale\": \"nl\"}");
	assert_int_equal(parse_worker(o, 0, &w, zone_ok, &e), 0);
	assert_string_equal(w.locale, "nl");
	assert_string_equal(w.timezone, "America/New_York");
	worker_clear(&w);
	json_decref(o);
}

static void
test_worker_post_refusals(void **state)
{
	char	 buf[512];

	expect_worker_fail("{\"name\": \"J\", \"email\": \"j@ex.be\","
	    " \"timezone\": \"UTC\"}", 0, "id");
	expect_worker_fail("{\"id\": \"j\", \"email\": \"j@ex.be\","
	    " \"timezone\": \"UTC\"}", 0, "name");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"J\","
	    " \"timezone\": \"UTC\"}", 0, "email");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"J\","
	    " \"email\": \"j@ex.be\"}", 0, "timezone");
	expect_worker_fail("{\"id\": 7, \"name\": \"J\", \"email\":"
	    " \"j@ex.be\","
	    " \"timezone\": \"UTC\"}", 0, "id");
	expect_worker_fail("{\"id\": \"Jean\", \"name\": \"J\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"UTC\"}", 0, "id");
	expect_worker_fail("{\"id\": \"api\", \"name\": \"J\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"UTC\"}", 0, "id");
	expect_worker_fail("{\"id\": \"healthz\", \"name\": \"J\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"UTC\"}", 0, "id");
	snprintf(buf, sizeof(buf), "{\"id\": \"%s\", \"name\": \"J\","
	    " \"email\": \"j@ex.be\", \"timezone\": \"UTC\"}", rep("a", 64));
	expect_worker_fail(buf, 0, "id");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"J\\nK\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"UTC\"}", 0, "name");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"UTC\"}", 0, "name");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"J\\u0000\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"UTC\"}", 0, "name");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"J\\u0085\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"UTC\"}", 0, "name");
	expect_worker_fail("{\"id\": \"j\", \"name\": [\"J\"], \"email\":"
	    " \"j@ex.be\", \"timezone\": \"UTC\"}", 0, "name");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"J\", \"email\":"
	    " \"j.ex.be\", \"timezone\": \"UTC\"}", 0, "email");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"J\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"Europe/Nowhere\"}", 0, "timezone");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"J\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"Europe/Brussels\\u0000\"}", 0,
	    "timezone");
	snprintf(buf, sizeof(buf), "{\"id\": \"j\", \"name\": \"J\","
	    " \"email\": \"j@ex.be\", \"timezone\": \"Europe/%s\"}",
	    rep("x", 100));
	expect_worker_fail(buf, 0, "timezone");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"J\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"UTC\", \"locale\": \"de\"}", 0,
	    "locale");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"J\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"UTC\", \"locale\": \"FR\"}", 0,
	    "locale");
	expect_worker_fail("{\"id\": \"j\", \"name\": \"J\", \"email\":"
	    " \"j@ex.be\", \"timezone\": \"UTC\", \"locale\": 1}", 0,
	    "locale");
}

static void
test_worker_name_edges(void **state)
{
	struct worker		 w;
	struct field_error	 e;
	char			 buf[1200];
	json_t			*o;

	memset(&w, 0, sizeof(w));
	snprintf(buf, sizeof(buf), "{\"id\": \"j\", \"name\": \"%s\", "
	    "\"email\": \"j@ex.be\", \"timezone\": \"UTC\"}",
	    rep("\xc3\xa9", 200));
	o = body(buf);
	assert_int_equal(parse_worker(o, 0, &w, zone_ok, &e), 0);
	assert_int_equal(strlen(w.name), 400);
	worker_clear(&w);
	json_decref(o);
	snprintf(buf, sizeof(buf), "{\"id\": \"j\", \"name\": \"%s\", "
	    "\"email\": \"j@ex.be\", \"timezone\": \"UTC\"}",
	    rep("\xc3\xa9", 201));
	expect_worker_fail(buf, 0, "name");
}

static void
test_worker_patch(void **state)
{
	struct worker		 w;
	struct field_error	 e;
	json_t			*o;

	memset(&w, 0, sizeof(w));
	snprintf(w.id, sizeof(w.id), "jean");
	w.name = strdup("Jean");
	w.email = strdup("jean@example.org");
	snprintf(w.timezone, sizeof(w.timezone), "Europe/Brussels");
	snprintf(w.locale, sizeof(w.locale), "fr");

	/* Nothing given: nothing changes. */
	o = body("{}");
	assert_int_equal(parse_worker(o, 1, &w, zone_ok, &e), 0);
	json_decref(o);
	assert_string_equal(w.name, "Jean");
	assert_string_equal(w.locale, "fr");

	/* Only what is there; the id is ignored, even a bad one. */
	o = body("{\"id\": \"NOT VALID\", \"name\": \"Jean P.\","
	    " \"locale\": \"en\"}");
	assert_int_equal(parse_worker(o, 1, &w, zone_ok, &e), 0);
	json_decref(o);
	assert_string_equal(w.id, "jean");
	assert_string_equal(w.name, "Jean P.");
	assert_string_equal(w.email, "jean@example.org");
	assert_string_equal(w.timezone, "Europe/Brussels");
	assert_string_equal(w.locale, "en");

	o = body("{\"email\": \"jp@example.be\", \"timezone\":"
	    " \"Asia/Tokyo\"}");
	assert_int_equal(parse_worker(o, 1, &w, zone_ok, &e), 0);
	json_decref(o);
	assert_string_equal(w.email, "jp@example.be");
	assert_string_equal(w.timezone, "Asia/Tokyo");
	assert_string_equal(w.name, "Jean P.");
	worker_clear(&w);

	expect_worker_fail("{\"email\": \"nope\"}", 1, "email");
	expect_worker_fail("{\"name\": \"a\\tb\"}", 1, "name");
	expect_worker_fail("{\"name\": null}", 1, "name");
	expect_worker_fail("{\"timezone\": \"Mars/Olympus\"}", 1, "timezone");
	expect_worker_fail("{\"locale\": \"\"}", 1, "locale");
}

/* services */

static void
expect_service_fail(const char *text, int partial, const char *field)
{
	struct service		 s;
	struct field_error	 e;
	json_t			*o = body(text);

	memset(&s, 0, sizeof(s));
	memset(&e, 0, sizeof(e));
	if (parse_service(o, partial, &s, &e) != -1)
		fail_msg("accepted service %s", text);
	if (strcmp(e.field, field) != 0)
		fail_msg("service %s: field \"%s\", wanted \"%s\"", text,
		    e.field, field);
	service_clear(&s);
	json_decref(o);
}

static void
test_service_defaults(void **state)
{
	struct service		 s;
	struct field_error	 e;
	json_t			*o;

	memset(&s, 0, sizeof(s));
	o = body("{\"id\": \"maths-45\", \"title\": \"Maths\","
	    " \"duration_min\": 45}");
	assert_int_equal(parse_service(o, 0, &s, &e), 0);
	json_decref(o);
	assert_string_equal(s.id, "maths-45");
	assert_string_equal(s.title, "Maths");
	assert_string_equal(s.description, "");
	assert_int_equal(s.duration_min, 45);
	assert_int_equal(s.step_min, 45);
	assert_int_equal(s.capacity, 1);
	assert_int_equal(s.buffer_before_min, 0);
	assert_int_equal(s.buffer_after_min, 0);
	assert_int_equal(s.min_notice_min, 60);
	assert_int_equal(s.horizon_days, 60);
	assert_int_equal(s.max_per_day, 0);
	assert_true(s.video);
	assert_true(s.active);
	service_clear(&s);

	/* The example of API.md, every field given. */
	o = body("{\"id\": \"maths-60\", \"title\": \"Cours de maths\","
	    " \"description\": \"Secondaire\", \"duration_min\": 60,"
	    " \"step_min\": 30, \"capacity\": 4, \"buffer_before_min\": 5,"
	    " \"buffer_after_min\": 15, \"min_notice_min\": 120,"
	    " \"horizon_days\": 90, \"max_per_day\": 3, \"video\": false,"
	    " \"active\": false}");
	assert_int_equal(parse_service(o, 0, &s, &e), 0);
	json_decref(o);
	assert_string_equal(s.description, "Secondaire");
	assert_int_equal(s.step_min, 30);
	assert_int_equal(s.capacity, 4);
	assert_int_equal(s.buffer_before_min, 5);
	assert_int_equal(s.buffer_after_min, 15);
	assert_int_equal(s.min_notice_min, 120);
	assert_int_equal(s.horizon_days, 90);
	assert_int_equal(s.max_per_day, 3);
	assert_false(s.video);
	assert_false(s.active);
	service_clear(&s);

	o = body("{\"id\": \"x\", \"title\": \"X\", \"duration_min\": 30,"
	    " \"max_per_day\": null, \"description\": null}");
	assert_int_equal(parse_service(o, 0, &s, &e), 0);
	json_decref(o);
	assert_int_equal(s.max_per_day, 0);
	assert_string_equal(s.description, "");
	service_clear(&s);
}

static void
test_service_required(void **state)
{
	expect_service_fail("{\"title\": \"X\", \"duration_min\": 30}", 0,
	    "id");
	expect_service_fail("{\"id\": \"x\", \"duration_min\": 30}", 0,
	    "title");
	expect_service_fail("{\"id\": \"x\", \"title\": \"X\"}", 0,
	    "duration_min");
	expect_service_fail("{\"id\": \"X\", \"title\": \"X\","
	    " \"duration_min\": 30}", 0, "id");
	expect_service_fail("{\"id\": 1, \"title\": \"X\","
	    " \"duration_min\": 30}", 0, "id");
	expect_service_fail("{\"id\": \"x\", \"title\": \"\","
	    " \"duration_min\": 30}", 0, "title");
	expect_service_fail("{\"id\": \"x\", \"title\": \"a\\u007fb\","
	    " \"duration_min\": 30}", 0, "title");
	expect_service_fail("{\"id\": \"x\", \"title\": 5,"
	    " \"duration_min\": 30}", 0, "title");
}

struct limit {
	const char	*key;
	long long	 lo, hi;
};

static const struct limit limits[] = {
	{ "duration_min", 5, 720 },
	{ "step_min", 5, 720 },
	{ "capacity", 1, 1000 },
	{ "buffer_before_min", 0, 720 },
	{ "buffer_after_min", 0, 720 },
	{ "min_notice_min", 0, 525600 },
	{ "horizon_days", 1, 730 },
	{ "max_per_day", 1, 1000 },
};

/* The value of key in s, for the fields of limits[]. */
static int
service_field(const struct service *s, const char *key)
{
	if (strcmp(key, "duration_min") == 0)
		return s->duration_min;
	if (strcmp(key, "step_min") == 0)
		return s->step_min;
	if (strcmp(key, "capacity") == 0)
		return s->capacity;
	if (strcmp(key, "buffer_before_min") == 0)
		return s->buffer_before_min;
	if (strcmp(key, "buffer_after_min") == 0)
		return s->buffer_after_min;
	if (strcmp(key, "min_notice_min") == 0)
		return s->min_notice_min;
	if (strcmp(key, "horizon_days") == 0)
		return s->horizon_days;
	if (strcmp(key, "max_per_day") == 0)
		return s->max_per_day;
	fail_msg("no field %s", key);
	return -1;
}

static void
service_with(const char *key, const char *value, int partial, int ok)
{
	struct service		 s;
	struct field_error	 e;
	char			 buf[256];
	json_t			*o;
	int			 rc;

	memset(&s, 0, sizeof(s));
	if (partial)
		snprintf(buf, sizeof(buf), "{\"%s\": %s}", key, value);
	else if (strcmp(key, "duration_min") == 0)
		snprintf(buf, sizeof(buf), "{\"id\": \"x\", \"title\": \"X\","
		    " \"duration_min\": %s}", value);
	else
		snprintf(buf, sizeof(buf), "{\"id\": \"x\", \"title\": \"X\","
		    " \"duration_min\": 30, \"%s\": %s}", key, value);
	o = body(buf);
	memset(&e, 0, sizeof(e));
	rc = parse_service(o, partial, &s, &e);
	if (ok) {
		if (rc != 0)
			fail_msg("refused %s (%s: %s)", buf, e.field, e.msg);
		if (service_field(&s, key) != atoi(value))
			fail_msg("%s: %s is %d", buf, key,
			    service_field(&s, key));
	} else {
		if (rc != -1)
			fail_msg("accepted %s", buf);
		if (strcmp(e.field, key) != 0)
			fail_msg("%s: field \"%s\"", buf, e.field);
	}
	service_clear(&s);
	json_decref(o);
}

static void
test_service_limits(void **state)
{
	char	 v[32];
	size_t	 i;
	int	 partial;

	for (partial = 0; partial <= 1; partial++)
		for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
			const struct limit	*l = &limits[i];

			snprintf(v, sizeof(v), "%lld", l->lo);
			service_with(l->key, v, partial, 1);
			snprintf(v, sizeof(v), "%lld", l->hi);
			service_with(l->key, v, partial, 1);
			snprintf(v, sizeof(v), "%lld", l->lo - 1);
			service_with(l->key, v, partial, 0);
			snprintf(v, sizeof(v), "%lld", l->hi + 1);
			service_with(l->key, v, partial, 0);
			service_with(l->key, "1099511627776", partial, 0);
			service_with(l->key, "-1099511627776", partial, 0);
			service_with(l->key, "\"30\"", partial, 0);
			service_with(l->key, "true", partial, 0);
			service_with(l->key, "30.5", partial, 0);
			service_with(l->key, "[30]", partial, 0);
		}
	/* A whole number written as a real is that number. */
	service_with("capacity", "7.0", 0, 1);
	service_with("duration_min", "null", 0, 0);
}

/*
 * Reals far outside the range of json_int_t: converting them to an integer
 * is undefined behaviour in C (UBSan: float-cast-overflow); they must be
 * refused like any other out-of-range value.
 */
static void
test_service_huge_reals(void **state)
{
	service_with("capacity", "1e300", 0, 0);
	service_with("capacity", "-1e300", 0, 0);
	service_with("horizon_days", "9.3e18", 1, 0);
	service_with("duration_min", "1e19", 0, 0);
}

static void
test_service_bools_and_text(void **state)
{
	char	 buf[8192];

	expect_service_fail("{\"id\": \"x\", \"title\": \"X\","
	    " \"duration_min\":"
	    " 30, \"video\": 1}", 0, "video");
	expect_service_fail("{\"id\": \"x\", \"title\": \"X\","
	    " \"duration_min\":"
	    " 30, \"active\": \"true\"}", 0, "active");
	expect_service_fail("{\"active\": null}", 1, "active");
	expect_service_fail("{\"id\": \"x\", \"title\": \"X\","
	    " \"duration_min\":"
	    " 30, \"description\": \"a\\u0001\"}", 0, "description");
	expect_service_fail("{\"id\": \"x\", \"title\": \"X\","
	    " \"duration_min\":"
	    " 30, \"description\": 3}", 0, "description");
	snprintf(buf, sizeof(buf), "{\"id\": \"x\", \"title\": \"%s\","
	    " \"duration_min\": 30}", rep("t", 201));
	expect_service_fail(buf, 0, "title");
	snprintf(buf, sizeof(buf), "{\"id\": \"x\", \"title\": \"X\","
	    " \"description\": \"%s\", \"duration_min\": 30}", rep("d", 2001));
	expect_service_fail(buf, 0, "description");
}

static void
test_service_text_edges(void **state)
{
	struct service		 s;
	struct field_error	 e;
	char			 buf[8192];
	json_t			*o;

	memset(&s, 0, sizeof(s));
	snprintf(buf, sizeof(buf), "{\"id\": \"x\", \"title\": \"%s\","
	    " \"description\": \"%s\", \"duration_min\": 30}", rep("t", 200),
	    rep("d", 2000));
	o = body(buf);
	assert_int_equal(parse_service(o, 0, &s, &e), 0);
	json_decref(o);
	assert_int_equal(strlen(s.title), 200);
	assert_int_equal(strlen(s.description), 2000);
	service_clear(&s);

	o = body("{\"id\": \"x\", \"title\": \"X\", \"duration_min\": 30,"
	    " \"description\": \"un\\r\\ndeux\\ttrois\"}");
	assert_int_equal(parse_service(o, 0, &s, &e), 0);
	json_decref(o);
	assert_string_equal(s.description, "un\ndeux\ttrois");
	service_clear(&s);
}

static void
test_service_patch(void **state)
{
	struct service		 s;
	struct field_error	 e;
	json_t			*o;

	memset(&s, 0, sizeof(s));
	o = body("{\"id\": \"x\", \"title\": \"X\", \"description\": \"d\","
	    " \"duration_min\": 60, \"step_min\": 30, \"max_per_day\": 4}");
	assert_int_equal(parse_service(o, 0, &s, &e), 0);
	json_decref(o);

	/* A new duration does not reset the step given before. */
	o = body("{\"id\": \"other\", \"duration_min\": 90, \"capacity\": 5}");
	assert_int_equal(parse_service(o, 1, &s, &e), 0);
	json_decref(o);
	assert_string_equal(s.id, "x");
	assert_int_equal(s.duration_min, 90);
	assert_int_equal(s.step_min, 30);
	assert_int_equal(s.capacity, 5);
	assert_int_equal(s.max_per_day, 4);
	assert_string_equal(s.title, "X");
	assert_string_equal(s.description, "d");
	assert_int_equal(s.min_notice_min, 60);

	o = body("{\"max_per_day\": null, \"video\": false, \"title\": \"Y\","
	    " \"description\": \"\"}");
	assert_int_equal(parse_service(o, 1, &s, &e), 0);
	json_decref(o);
	assert_int_equal(s.max_per_day, 0);
	assert_false(s.video);
	assert_true(s.active);
	assert_string_equal(s.title, "Y");
	assert_string_equal(s.description, "");

	/* A refused PATCH names the field. */
	o = body("{\"capacity\": 0}");
	assert_int_equal(parse_service(o, 1, &s, &e), -1);
	assert_string_equal(e.field, "capacity");
	json_decref(o);
	service_clear(&s);
}

static void
test_service_to_json(void **state)
{
	struct service		 s;
	struct field_error	 e;
	json_t			*o, *j;

	memset(&s, 0, sizeof(s));
	o = body("{\"id\": \"maths-60\", \"title\": \"Cours de maths\","
	    " \"description\": \"Secondaire\", \"duration_min\": 60,"
	    " \"step_min\": 60, \"capacity\": 1, \"buffer_before_min\": 0,"
	    " \"buffer_after_min\": 15, \"min_notice_min\": 120,"
	    " \"horizon_days\": 60, \"max_per_day\": null, \"video\": true,"
	    " \"active\": true}");
	assert_int_equal(parse_service(o, 0, &s, &e), 0);
	j = service_to_json(&s);
	assert_non_null(j);
	assert_true(json_equal(o, j));
	json_decref(j);
	json_decref(o);
	service_clear(&s);
}

/* hours */

static void
expect_hours_fail(const char *text, const char *field)
{
	struct hours		 h;
	struct field_error	 e;
	json_t			*o = body(text);

	memset(&e, 0, sizeof(e));
	if (parse_hours(o, &h, &e) != -1)
		fail_msg("accepted hours %s", text);
	if (strcmp(e.field, field) != 0)
		fail_msg("hours %s: field \"%s\", wanted \"%s\"", text,
		    e.field, field);
	/* A refusal leaves nothing to free. */
	assert_null(h.overrides);
	assert_null(h.time_off);
	json_decref(o);
}

static const char example_hours[] =
    "{\"weekly\": {"
    "  \"mon\": [[\"09:00\", \"12:00\"], [\"13:00\", \"17:00\"]],"
    "  \"wed\": [[\"14:00\", \"20:00\"]],"
    "  \"sat\": [[\"10:00\", \"24:00\"]]},"
    " \"overrides\": ["
    "  {\"date\": \"2027-12-24\", \"intervals\": [[\"09:00\", \"12:00\"]]},"
    "  {\"date\": \"2027-12-25\", \"intervals\": []}],"
    " \"time_off\": ["
    "  {\"start\": \"2027-12-28T00:00:00+01:00\","
    "   \"end\": \"2028-01-03T00:00:00+01:00\"}]}";

static int64_t
instant(const char *s)
{
	int64_t	 t;

	assert_int_equal(rfc3339_parse(s, &t), 0);
	return t;
}

static void
test_hours_example(void **state)
{
	struct hours		 h;
	struct field_error	 e;
	json_t			*o = body(example_hours);

	assert_int_equal(parse_hours(o, &h, &e), 0);
	json_decref(o);
	assert_int_equal(h.weekly[0].n, 2);
	assert_int_equal(h.weekly[0].v[0].start, 9 * 60);
	assert_int_equal(h.weekly[0].v[0].end, 12 * 60);
	assert_int_equal(h.weekly[0].v[1].start, 13 * 60);
	assert_int_equal(h.weekly[0].v[1].end, 17 * 60);
	assert_int_equal(h.weekly[1].n, 0);
	assert_int_equal(h.weekly[2].n, 1);
	assert_int_equal(h.weekly[5].n, 1);
	assert_int_equal(h.weekly[5].v[0].end, 1440);
	assert_int_equal(h.weekly[6].n, 0);
	assert_int_equal(h.noverrides, 2);
	assert_int_equal(h.overrides[0].date, date_from_ymd(2027, 12, 24));
	assert_int_equal(h.overrides[0].day.n, 1);
	assert_int_equal(h.overrides[1].date, date_from_ymd(2027, 12, 25));
	assert_int_equal(h.overrides[1].day.n, 0);
	assert_int_equal(h.ntime_off, 1);
	assert_int_equal(h.time_off[0].start,
	    instant("2027-12-27T23:00:00Z"));
	assert_int_equal(h.time_off[0].end, instant("2028-01-02T23:00:00Z"));
	hours_clear(&h);

	o = body("{}");
	assert_int_equal(parse_hours(o, &h, &e), 0);
	json_decref(o);
	assert_int_equal(h.noverrides + h.ntime_off + h.weekly[0].n, 0);
	hours_clear(&h);
}

static void
test_hours_times(void **state)
{
	expect_hours_fail("{\"weekly\": {\"mon\": [[\"24:00\", \"24:00\"]]}}",
	    "weekly.mon[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [[\"9:00\", \"12:00\"]]}}",
	    "weekly.tue[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [[\"09:00\", \"12:60\"]]}}",
	    "weekly.tue[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [[\"09:00\", \"24:01\"]]}}",
	    "weekly.tue[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [[\"09:00\", \"25:00\"]]}}",
	    "weekly.tue[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [[\"09:00:00\","
	    " \"10:00\"]]}}",
	    "weekly.tue[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [[\"09h00\", \"10:00\"]]}}",
	    "weekly.tue[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [[\" 9:00\", \"10:00\"]]}}",
	    "weekly.tue[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [[540, 600]]}}",
	    "weekly.tue[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [[\"09:00\"]]}}",
	    "weekly.tue[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [[\"09:00\", \"10:00\","
	    " \"11:00\"]]}}", "weekly.tue[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [\"09:00-10:00\"]}}",
	    "weekly.tue[0]");
	expect_hours_fail("{\"weekly\": {\"tue\": [[\"09:00\\u0000\","
	    " \"10:00\"]]}}", "weekly.tue[0]");
	/* start < end */
	expect_hours_fail("{\"weekly\": {\"fri\": [[\"10:00\", \"10:00\"]]}}",
	    "weekly.fri[0]");
	expect_hours_fail("{\"weekly\": {\"fri\": [[\"11:00\", \"10:00\"]]}}",
	    "weekly.fri[0]");
	expect_hours_fail("{\"weekly\": {\"sun\": \"09:00\"}}", "weekly.sun");
	expect_hours_fail("{\"weekly\": {\"monday\": []}}", "weekly.monday");
	expect_hours_fail("{\"weekly\": {\"Mon\": []}}", "weekly.Mon");
	expect_hours_fail("{\"weekly\": [[\"09:00\", \"10:00\"]]}", "weekly");
}

static void
test_hours_edges_of_the_day(void **state)
{
	struct hours		 h;
	struct field_error	 e;
	json_t			*o;

	o = body("{\"weekly\": {\"thu\": [[\"00:00\", \"00:05\"],"
	    " [\"23:59\", \"24:00\"]]}}");
	assert_int_equal(parse_hours(o, &h, &e), 0);
	json_decref(o);
	assert_int_equal(h.weekly[3].n, 2);
	assert_int_equal(h.weekly[3].v[0].start, 0);
	assert_int_equal(h.weekly[3].v[1].start, 1439);
	assert_int_equal(h.weekly[3].v[1].end, 1440);
	hours_clear(&h);
}

static void
test_hours_overlaps(void **state)
{
	struct hours		 h;
	struct field_error	 e;
	json_t			*o;

	expect_hours_fail("{\"weekly\": {\"mon\": [[\"09:00\", \"12:00\"],"
	    " [\"11:00\", \"13:00\"]]}}", "weekly.mon[1]");
	/* The later as given, not the later in time. */
	expect_hours_fail("{\"weekly\": {\"mon\": [[\"11:00\", \"13:00\"],"
	    " [\"09:00\", \"12:00\"]]}}", "weekly.mon[1]");
	expect_hours_fail("{\"weekly\": {\"mon\": [[\"08:00\", \"09:00\"],"
	    " [\"10:00\", \"18:00\"], [\"12:00\", \"13:00\"]]}}",
	    "weekly.mon[2]");
	expect_hours_fail("{\"weekly\": {\"wed\": [[\"09:00\", \"12:00\"],"
	    " [\"09:00\", \"12:00\"]]}}", "weekly.wed[1]");
	expect_hours_fail("{\"weekly\": {\"wed\": [[\"09:00\", \"12:00\"],"
	    " [\"10:00\", \"11:00\"]]}}", "weekly.wed[1]");
	expect_hours_fail("{\"overrides\": [{\"date\": \"2027-01-01\","
	    " \"intervals\": [[\"09:00\", \"12:00\"], [\"11:59\","
	    " \"13:00\"]]}]}", "overrides[0].intervals[1]");

	/* Touching intervals do not overlap. */
	o = body("{\"weekly\": {\"mon\": [[\"11:00\", \"12:00\"],"
	    " [\"09:00\", \"11:00\"], [\"12:00\", \"24:00\"]]}}");
	assert_int_equal(parse_hours(o, &h, &e), 0);
	json_decref(o);
	assert_int_equal(h.weekly[0].n, 3);
	hours_clear(&h);
}

static void
test_hours_intervals_per_day(void **state)
{
	struct hours		 h;
	struct field_error	 e;
	char			 buf[2048], *p;
	json_t			*o;
	int			 i, n;

	for (n = 24; n <= 25; n++) {
		p = buf + sprintf(buf, "{\"weekly\": {\"tue\": [");
		for (i = 0; i < n; i++)
			p += sprintf(p, "%s[\"%02d:00\", \"%02d:30\"]",
			    i > 0 ? ", " : "", i % 24, i % 24);
		sprintf(p, "]}}");
		if (n == 24) {
			o = body(buf);
			assert_int_equal(parse_hours(o, &h, &e), 0);
			assert_int_equal(h.weekly[1].n, 24);
			hours_clear(&h);
			json_decref(o);
		} else
			expect_hours_fail(buf, "weekly.tue");
	}
}

static void
test_hours_overrides(void **state)
{
	struct hours		 h;
	struct field_error	 e;
	json_t			*o;

	expect_hours_fail("{\"overrides\": [{\"date\": \"2027-02-30\","
	    " \"intervals\": []}]}", "overrides[0].date");
	expect_hours_fail("{\"overrides\": [{\"date\": \"2027-2-3\","
	    " \"intervals\": []}]}", "overrides[0].date");
	expect_hours_fail("{\"overrides\": [{\"date\": \"2027-13-01\","
	    " \"intervals\": []}]}", "overrides[0].date");
	expect_hours_fail("{\"overrides\": [{\"date\": 20270101,"
	    " \"intervals\": []}]}", "overrides[0].date");
	expect_hours_fail("{\"overrides\": [{\"intervals\": []}]}",
	    "overrides[0].date");
	expect_hours_fail("{\"overrides\": [{\"date\": \"2027-01-01\","
	    " \"intervals\": []}, {\"date\": \"2028-02-29T00:00:00Z\","
	    " \"intervals\": []}]}", "overrides[1].date");
	expect_hours_fail("{\"overrides\": [{\"date\": \"2027-01-01\","
	    " \"intervals\": []}, {\"date\": \"2027-01-01\","
	    " \"intervals\": []}]}", "overrides[1].date");
	expect_hours_fail("{\"overrides\": [{\"date\": \"2027-01-01\"}]}",
	    "overrides[0].intervals");
	expect_hours_fail("{\"overrides\": [{\"date\": \"2027-01-01\","
	    " \"intervals\": [[\"24:00\", \"24:00\"]]}]}",
	    "overrides[0].intervals[0]");
	expect_hours_fail("{\"overrides\": [\"2027-01-01\"]}", "overrides[0]");
	expect_hours_fail("{\"overrides\": {\"date\": \"2027-01-01\"}}",
	    "overrides");
	/* An error after the weekly hours were read frees everything. */
	expect_hours_fail("{\"weekly\": {\"mon\": [[\"09:00\", \"12:00\"]]},"
	    " \"overrides\": [{\"date\": \"2027-01-01\", \"intervals\": []},"
	    " {\"date\": \"x\", \"intervals\": []}]}", "overrides[1].date");

	/* Sorted by date; a leap day exists in 2028. */
	o = body("{\"overrides\": ["
	    " {\"date\": \"2028-02-29\", \"intervals\": [[\"10:00\","
	    " \"11:00\"]]},"
	    " {\"date\": \"2027-06-01\", \"intervals\": []},"
	    " {\"date\": \"2027-12-31\", \"intervals\": [[\"00:00\","
	    " \"24:00\"]]}"
	    "]}");
	assert_int_equal(parse_hours(o, &h, &e), 0);
	json_decref(o);
	assert_int_equal(h.noverrides, 3);
	assert_int_equal(h.overrides[0].date, date_from_ymd(2027, 6, 1));
	assert_int_equal(h.overrides[0].day.n, 0);
	assert_int_equal(h.overrides[1].date, date_from_ymd(2027, 12, 31));
	assert_int_equal(h.overrides[1].day.v[0].end, 1440);
	assert_int_equal(h.overrides[2].date, date_from_ymd(2028, 2, 29));
	assert_int_equal(h.overrides[2].day.v[0].start, 600);
	hours_clear(&h);
}

static char *
many(const char *what, int n)
{
	char	*buf, *p;
	int	 i;

	buf = p = malloc((size_t)n * 96 + 64);
	assert_non_null(buf);
	p += sprintf(p, "{\"%s\": [", what);
	for (i = 0; i < n; i++) {
		int32_t	 d = date_from_ymd(2027, 1, 1) + i;
		char	 ds[11];

		date_format(d, ds);
		if (strcmp(what, "overrides") == 0)
			p += sprintf(p, "%s{\"date\": \"%s\", \"intervals\":"
			    " []}", i > 0 ? "," : "", ds);
		else
			p += sprintf(p, "%s{\"start\": \"%sT10:00:00Z\","
			    " \"end\": \"%sT11:00:00Z\"}", i > 0 ? "," : "",
			    ds, ds);
	}
	sprintf(p, "]}");
	return buf;
}

static void
test_hours_list_limits(void **state)
{
	struct hours		 h;
	struct field_error	 e;
	json_t			*o;
	char			*t;

	t = many("overrides", 1000);
	o = body(t);
	free(t);
	assert_int_equal(parse_hours(o, &h, &e), 0);
	assert_int_equal(h.noverrides, 1000);
	hours_clear(&h);
	json_decref(o);
	t = many("overrides", 1001);
	expect_hours_fail(t, "overrides");
	free(t);

	t = many("time_off", 1000);
	o = body(t);
	free(t);
	assert_int_equal(parse_hours(o, &h, &e), 0);
	assert_int_equal(h.ntime_off, 1000);
	hours_clear(&h);
	json_decref(o);
	t = many("time_off", 1001);
	expect_hours_fail(t, "time_off");
	free(t);
}

static void
test_hours_time_off(void **state)
{
	struct hours		 h;
	struct field_error	 e;
	json_t			*o;

	/* RFC 3339 offsets are required. */
	expect_hours_fail("{\"time_off\": [{\"start\": \"2027-12-28T00:00:00\","
	    " \"end\": \"2027-12-29T00:00:00Z\"}]}", "time_off[0].start");
	expect_hours_fail("{\"time_off\": [{\"start\":"
	    " \"2027-12-28T00:00:00Z\","
	    " \"end\": \"2027-12-29T00:00:00\"}]}", "time_off[0].end");
	expect_hours_fail("{\"time_off\": [{\"start\": \"2027-12-28\","
	    " \"end\": \"2027-12-29T00:00:00Z\"}]}", "time_off[0].start");
	expect_hours_fail("{\"time_off\": [{\"start\": 1830000000,"
	    " \"end\": \"2027-12-29T00:00:00Z\"}]}", "time_off[0].start");
	expect_hours_fail("{\"time_off\": [{\"end\":"
	    " \"2027-12-29T00:00:00Z\"}]}",
	    "time_off[0].start");
	expect_hours_fail("{\"time_off\": [{\"start\":"
	    " \"2027-12-28T00:00:00Z\"}]}",
	    "time_off[0].end");
	/* end after start: equal is refused, and so is before. */
	expect_hours_fail("{\"time_off\": [{\"start\":"
	    " \"2027-12-28T10:00:00Z\","
	    " \"end\": \"2027-12-28T11:00:00+01:00\"}]}", "time_off[0].end");
	expect_hours_fail("{\"time_off\": [{\"start\":"
	    " \"2027-12-28T10:00:00Z\","
	    " \"end\": \"2027-12-28T09:00:00Z\"}]}", "time_off[0].end");
	expect_hours_fail("{\"time_off\": [{\"start\":"
	    " \"2027-12-28T10:00:00Z\","
	    " \"end\": \"2027-12-28T11:00:00Z\"}, {\"start\":"
	    " \"2027-12-29T10:00:00Z\", \"end\": \"2027-12-29T10:00:00Z\"}]}",
	    "time_off[1].end");
	expect_hours_fail("{\"time_off\": [[\"2027-12-28T10:00:00Z\","
	    " \"2027-12-28T11:00:00Z\"]]}", "time_off[0]");
	expect_hours_fail("{\"time_off\": {}}", "time_off");

	/* Offsets are honoured, fractions dropped, the list sorted. */
	o = body("{\"time_off\": ["
	    " {\"start\": \"2027-12-29T10:00:00-05:00\","
	    "  \"end\": \"2027-12-29T12:00:00.750-05:00\"},"
	    " {\"start\": \"2027-12-28T00:00:00+01:00\","
	    "  \"end\": \"2027-12-28T00:00:01+01:00\"}]}");
	assert_int_equal(parse_hours(o, &h, &e), 0);
	json_decref(o);
	assert_int_equal(h.ntime_off, 2);
	assert_int_equal(h.time_off[0].start, instant("2027-12-27T23:00:00Z"));
	assert_int_equal(h.time_off[0].end, instant("2027-12-27T23:00:01Z"));
	assert_int_equal(h.time_off[1].start, instant("2027-12-29T15:00:00Z"));
	assert_int_equal(h.time_off[1].end, instant("2027-12-29T17:00:00Z"));
	hours_clear(&h);
}

/* Empty lists are no lists: nothing to hold, nothing to sort. */
static void
test_hours_empty_lists(void **state)
{
	struct hours		 h;
	struct field_error	 e;
	json_t			*o;

	o = body("{\"weekly\": {\"mon\": []}, \"overrides\": [],"
	    " \"time_off\": []}");
	assert_int_equal(parse_hours(o, &h, &e), 0);
	json_decref(o);
	assert_int_equal(h.weekly[0].n, 0);
	assert_int_equal(h.noverrides, 0);
	assert_int_equal(h.ntime_off, 0);
	hours_clear(&h);
	o = body("{\"weekly\": null, \"overrides\": null, \"time_off\": null}");
	assert_int_equal(parse_hours(o, &h, &e), 0);
	json_decref(o);
	hours_clear(&h);
}

/*
 * What parse_hours() accepts, hours_to_json() must give back as the same
 * instant: 9999-12-31T23:59:59-10:00 is 10000-01-01T09:59:59Z. Refusing it
 * would do too; writing another instant would not.
 */
static void
test_hours_time_off_at_the_end_of_time(void **state)
{
	struct hours		 h, h2;
	struct field_error	 e;
	json_t			*o, *j;

	o = body("{\"time_off\": [{\"start\": \"9999-12-31T00:00:00Z\","
	    " \"end\": \"9999-12-31T23:59:59-10:00\"}]}");
	if (parse_hours(o, &h, &e) == -1) {
		json_decref(o);
		return;
	}
	json_decref(o);
	j = hours_to_json(&h);
	assert_non_null(j);
	/* Only the time off matters here (see test_hours_empty_lists). */
	json_object_del(j, "overrides");
	if (parse_hours(j, &h2, &e) == -1) {
		char	*text = json_dumps(j, JSON_SORT_KEYS);

		fail_msg("hours_to_json wrote %s, parse_hours refuses %s: %s",
		    text, e.field, e.msg);
	}
	json_decref(j);
	if (h2.time_off[0].end != h.time_off[0].end) {
		char	 buf[RFC3339_LEN];

		rfc3339_format(h.time_off[0].end, 0, buf);
		fail_msg("end %lld written as %s, read back as %lld",
		    (long long)h.time_off[0].end, buf,
		    (long long)h2.time_off[0].end);
	}
	hours_clear(&h);
	hours_clear(&h2);
}

static void
assert_hours_equal(const struct hours *a, const struct hours *b)
{
	size_t	 i;
	int	 d;

	for (d = 0; d < 7; d++) {
		assert_int_equal(a->weekly[d].n, b->weekly[d].n);
		assert_memory_equal(a->weekly[d].v, b->weekly[d].v,
		    a->weekly[d].n * sizeof(a->weekly[d].v[0]));
	}
	assert_int_equal(a->noverrides, b->noverrides);
	for (i = 0; i < a->noverrides; i++) {
		assert_int_equal(a->overrides[i].date, b->overrides[i].date);
		assert_int_equal(a->overrides[i].day.n,
		    b->overrides[i].day.n);
		assert_memory_equal(a->overrides[i].day.v,
		    b->overrides[i].day.v,
		    a->overrides[i].day.n * sizeof(a->overrides[i].day.v[0]));
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
	struct hours		 h1, h2;
	struct field_error	 e;
	json_t			*o, *j1, *j2, *want;

	o = body(example_hours);
	assert_int_equal(parse_hours(o, &h1, &e), 0);
	json_decref(o);
	j1 = hours_to_json(&h1);
	assert_non_null(j1);
	/* The shape of API.md, time off given at +00:00. */
	want = body("{\"weekly\": {"
	    "  \"mon\": [[\"09:00\", \"12:00\"], [\"13:00\", \"17:00\"]],"
	    "  \"wed\": [[\"14:00\", \"20:00\"]],"
	    "  \"sat\": [[\"10:00\", \"24:00\"]]},"
	    " \"overrides\": ["
	    "  {\"date\": \"2027-12-24\", \"intervals\": [[\"09:00\","
	    "   \"12:00\"]]},"
	    "  {\"date\": \"2027-12-25\", \"intervals\": []}],"
	    " \"time_off\": ["
	    "  {\"start\": \"2027-12-27T23:00:00+00:00\","
	    "   \"end\": \"2028-01-02T23:00:00+00:00\"}]}");
	if (!json_equal(j1, want)) {
		char	*s = json_dumps(j1, JSON_SORT_KEYS);

		fail_msg("hours_to_json gave %s", s);
	}
	json_decref(want);
	assert_int_equal(parse_hours(j1, &h2, &e), 0);
	assert_hours_equal(&h1, &h2);
	j2 = hours_to_json(&h2);
	assert_true(json_equal(j1, j2));
	json_decref(j1);
	json_decref(j2);
	hours_clear(&h1);
	hours_clear(&h2);

	/* No hours at all. */
	memset(&h1, 0, sizeof(h1));
	j1 = hours_to_json(&h1);
	want = body("{\"weekly\": {}, \"overrides\": [], \"time_off\": []}");
	assert_true(json_equal(j1, want));
	json_decref(j1);
	json_decref(want);
}

static int
setup(void **state)
{
	return tz_init(NULL);
}

static int
teardown(void **state)
{
	tz_shutdown();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_id),
		cmocka_unit_test(test_reserved_worker_ids),
		cmocka_unit_test(test_email_accepts),
		cmocka_unit_test(test_email_refuses),
		cmocka_unit_test(test_email_domain_non_letters),
		cmocka_unit_test(test_line_lengths_in_characters),
		cmocka_unit_test(test_line_refuses_controls),
		cmocka_unit_test(test_line_refuses_bad_utf8),
		cmocka_unit_test(test_note_normalize),
		cmocka_unit_test(test_note_lengths),
		cmocka_unit_test(test_json_text),
		cmocka_unit_test(test_json_depth),
		cmocka_unit_test(test_worker_post),
		cmocka_unit_test(test_worker_post_refusals),
		cmocka_unit_test(test_worker_name_edges),
		cmocka_unit_test(test_worker_patch),
		cmocka_unit_test(test_service_defaults),
		cmocka_unit_test(test_service_required),
		cmocka_unit_test(test_service_limits),
		cmocka_unit_test(test_service_huge_reals),
		cmocka_unit_test(test_service_bools_and_text),
		cmocka_unit_test(test_service_text_edges),
		cmocka_unit_test(test_service_patch),
		cmocka_unit_test(test_service_to_json),
		cmocka_unit_test(test_hours_example),
		cmocka_unit_test(test_hours_times),
		cmocka_unit_test(test_hours_edges_of_the_day),
		cmocka_unit_test(test_hours_overlaps),
		cmocka_unit_test(test_hours_intervals_per_day),
		cmocka_unit_test(test_hours_overrides),
		cmocka_unit_test(test_hours_list_limits),
		cmocka_unit_test(test_hours_time_off),
		cmocka_unit_test(test_hours_time_off_at_the_end_of_time),
		cmocka_unit_test(test_hours_round_trip),
		/* Last: UBSan stops the program where it fails. */
		cmocka_unit_test(test_hours_empty_lists),
	};

	if (getenv("UNIT_FILTER") != NULL)
		cmocka_set_test_filter(getenv("UNIT_FILTER"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
