/*
 * config.c: the settings of one run, merged from three layers (command
 * line, environment, config file) over the defaults. Each layer is read
 * into raw strings first and only the winning value of each option is
 * converted and checked, so that a bad value in the file does not matter
 * once the command line overrides it, and every message names the place
 * the bad value came from.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "mail.h"

#ifndef CRENEAU_DATADIR
#define CRENEAU_DATADIR	"/usr/local/share/creneau"
#endif

#define DEFAULT_DB		"./creneau.db"
#define DEFAULT_LISTEN		"127.0.0.1:8080"
#define DEFAULT_VIDEO		"https://meet.jit.si/"
#define DEFAULT_RATE_LIMIT	30
#define DEFAULT_REMINDERS	"24h,1h"
#define ENV_PREFIX		"CRENEAU_"

enum opt_kind {
	OPT_STR,
	OPT_BOOL,
	OPT_INT
};

#define OPT_CLI_ONLY	0x1	/* neither environment nor file */
#define OPT_NOT_IN_FILE	0x2	/* environment and command line only */

struct opt {
	const char	*name;		/* the long option: "base-url" */
	enum opt_kind	 kind;
	int		 flags;
	size_t		 off;		/* of the field in struct config */
	long		 min, max;	/* OPT_INT only */
};

#define S(n, f, fl)	{ n, OPT_STR, fl, offsetof(struct config, f), 0, 0 }
#define B(n, f)		{ n, OPT_BOOL, 0, offsetof(struct config, f), 0, 0 }
#define I(n, f, lo, hi)	{ n, OPT_INT, 0, offsetof(struct config, f), lo, hi }

/* Every option, in the order of `creneau --help`. */
static const struct opt opts[] = {
	S("config",		config_file,		OPT_NOT_IN_FILE),
	S("db",			db,			0),
	S("listen",		listen,			0),
	S("base-url",		base_url,		0),
	S("web-dir",		web_dir,		0),
	B("demo",		demo),
	S("video-base-url",	video_base_url,		0),
	I("rate-limit",		rate_limit,	0, CONFIG_RATE_LIMIT_MAX),
	I("threads",		threads,	0, CONFIG_THREADS_MAX),
	S("smtp-url",		smtp_url,		0),
	S("smtp-user",		smtp_user,		0),
	S("smtp-password-file",	smtp_password_file,	0),
	S("mail-from",		mail_from,		0),
	S("reminders",		reminders,		0),
	B("debug",		debug),
	S("name",		name,			OPT_CLI_ONLY),
	S("email",		email,			OPT_CLI_ONLY),
	S("timezone",		timezone,		OPT_CLI_ONLY),
	S("locale",		locale,			OPT_CLI_ONLY),
	S("from",		from,			OPT_CLI_ONLY),
	S("to",			to,			OPT_CLI_ONLY),
};

#undef S
#undef B
#undef I

#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

enum { O_CONFIG, O_DB, O_LISTEN, O_BASE_URL, O_WEB_DIR, O_DEMO, O_VIDEO,
    O_RATE_LIMIT, O_THREADS, O_SMTP_URL, O_SMTP_USER, O_SMTP_PASSWORD_FILE,
    O_MAIL_FROM, O_REMINDERS };

enum source {
	SRC_NONE,
	SRC_CLI,
	SRC_ENV,
	SRC_FILE
};

/* The raw values of one parse: borrowed from argv and env, owned from the
 * file. */
struct layers {
	const char	*cli[NOPTS];
	const char	*env[NOPTS];
	char		*file[NOPTS];		/* owned */
	int		 file_line[NOPTS];
	const char	*path;			/* the config file, or NULL */
	enum source	 src[NOPTS];		/* who won, for messages */
};

static int
seterr(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
seterr(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list	 ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static char **
field_str(struct config *c, const struct opt *o)
{
	return (char **)(void *)((char *)c + o->off);
}

static int *
field_int(struct config *c, const struct opt *o)
{
	return (int *)(void *)((char *)c + o->off);
}

/* The option whose long name is the first len bytes of s, or -1. */
static int
opt_by_name(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < NOPTS; i++)
		if (strlen(opts[i].name) == len &&
		    strncmp(opts[i].name, s, len) == 0)
			return (int)i;
	return -1;
}

/* The option whose file key ('-' as '_') is key, or -1. */
static int
opt_by_key(const char *key)
{
	size_t	 i, j;
	const char *n;

	for (i = 0; i < NOPTS; i++) {
		n = opts[i].name;
		for (j = 0; n[j] != '\0' && key[j] != '\0'; j++)
			if ((n[j] == '-' ? '_' : n[j]) != key[j])
				break;
		if (n[j] == '\0' && key[j] == '\0')
			return (int)i;
	}
	return -1;
}

/* "CRENEAU_BASE_URL" for "base-url". */
static void
env_name(const struct opt *o, char *buf, size_t len)
{
	size_t	 i, n;

	n = strlen(ENV_PREFIX);
	if (len < n + 1)
		return;
	memcpy(buf, ENV_PREFIX, n);
	for (i = 0; o->name[i] != '\0' && n + 1 < len; i++, n++)
		buf[n] = o->name[i] == '-' ? '_' :
		    (char)toupper((unsigned char)o->name[i]);
	buf[n] = '\0';
}

static const char *
env_get(char **env, const char *name)
{
	size_t	 len;

	if (env == NULL)
		return getenv(name);
	len = strlen(name);
	for (; *env != NULL; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}

/* Where the winning value of option i came from, for a message. */
static void
origin(const struct layers *l, int i, char *buf, size_t len)
{
	char	 key[64];
	size_t	 j;

	switch (l->src[i]) {
	case SRC_ENV:
		env_name(&opts[i], buf, len);
		break;
	case SRC_FILE:
		for (j = 0; opts[i].name[j] != '\0' && j + 1 < sizeof(key);
		    j++)
			key[j] = opts[i].name[j] == '-' ? '_' : opts[i].name[j];
		key[j] = '\0';
		snprintf(buf, len, "%s:%d: %s", l->path, l->file_line[i], key);
		break;
	default:
		snprintf(buf, len, "--%s", opts[i].name);
		break;
	}
}

static int
parse_bool(const char *s, int *out)
{
	static const char *yes[] = { "1", "yes", "true", "on" };
	static const char *no[] = { "0", "no", "false", "off" };
	size_t	 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Decimal digits only: no sign, no blanks, no "0x", no exponent. */
static int
parse_long(const char *s, long min, long max, long *out)
{
	long	 v = 0;
	size_t	 i;

	if (*s == '\0' || strlen(s) > 18)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_cli(struct config *c, struct layers *l, int argc, char **argv,
    char *err, size_t errlen)
{
	const char	*a, *eq, *val;
	int		 i, k, endopts = 0;
	size_t		 len;

	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (endopts || a[0] != '-' || a[1] == '\0') {
			if (c->npositional == CONFIG_POSITIONAL_MAX)
				return seterr(err, errlen, 2,
				    "too many arguments (from '%s' on)", a);
			if ((c->positional[c->npositional] = strdup(a)) ==
			    NULL)
				return seterr(err, errlen, 1, "out of memory");
			c->npositional++;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			endopts = 1;
			continue;
		}
		if (a[1] != '-')
			return seterr(err, errlen, 2, "unknown option %s", a);
		eq = strchr(a + 2, '=');
		len = eq != NULL ? (size_t)(eq - (a + 2)) : strlen(a + 2);
		if ((k = opt_by_name(a + 2, len)) == -1)
			return seterr(err, errlen, 2, "unknown option --%.*s",
			    (int)len, a + 2);
		if (eq != NULL)
			val = eq + 1;
		else if (opts[k].kind == OPT_BOOL)
			val = "1";
		else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
			val = argv[++i];
		else
			/* "--db --listen X" is a mistake more often than a
			 * database called "--listen": --db=--listen says so. */
			return seterr(err, errlen, 2,
			    "option --%s needs a value", opts[k].name);
		l->cli[k] = val;
	}
	return 0;
}

/* Trims blanks at both ends, in place. */
static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * The value part of a line: a double-quoted string taken as it is, or the
 * text up to a '#' that follows a blank (an inline comment), trimmed.
 * Returns NULL when a quote is not closed or is followed by text.
 */
static char *
file_value(char *v)
{
	char	*q, *p;

	v = trim(v);
	if (*v == '"') {
		if ((q = strchr(v + 1, '"')) == NULL)
			return NULL;
		*q = '\0';
		p = trim(q + 1);
		if (*p != '\0' && *p != '#')
			return NULL;
		return v + 1;
	}
	for (p = v; *p != '\0'; p++)
		if (*p == '#' && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	return trim(v);
}

static int
parse_file(struct layers *l, const char *path, char *err, size_t errlen)
{
	FILE	*f;
	char	*line = NULL, *s, *eq, *key, *val;
	size_t	 cap = 0;
	ssize_t	 n;
	int	 lineno = 0, k, rc = 0;

	if ((f = fopen(path, "r")) == NULL)
		return seterr(err, errlen, 1, "%s: %s", path, strerror(errno));
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if ((size_t)n != strlen(line)) {
			rc = seterr(err, errlen, 2, "%s:%d: NUL byte", path,
			    lineno);
			goto done;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			rc = seterr(err, errlen, 2,
			    "%s:%d: expected key = value", path, lineno);
			goto done;
		}
		*eq = '\0';
		key = trim(s);
		k = opt_by_key(key);
		if (k == -1 || (opts[k].flags &
		    (OPT_CLI_ONLY | OPT_NOT_IN_FILE))) {
			rc = seterr(err, errlen, 2, "%s:%d: unknown key '%s'",
			    path, lineno, key);
			goto done;
		}
		if ((val = file_value(eq + 1)) == NULL) {
			rc = seterr(err, errlen, 2,
			    "%s:%d: %s: unterminated or trailing quote", path,
			    lineno, key);
			goto done;
		}
		/* A key given twice: the last line wins, as in most
		 * config files. */
		free(l->file[k]);
		if ((l->file[k] = strdup(val)) == NULL) {
			rc = seterr(err, errlen, 1, "out of memory");
			goto done;
		}
		l->file_line[k] = lineno;
	}
	/* getline also fails on a directory (EISDIR): unreadable. */
	if (ferror(f))
		rc = seterr(err, errlen, 1, "%s: %s", path, strerror(errno));
done:
	free(line);
	fclose(f);
	return rc;
}

static void
parse_env(struct layers *l, char **env)
{
	char	 name[64];
	size_t	 i;

	for (i = 0; i < NOPTS; i++) {
		if (opts[i].flags & OPT_CLI_ONLY)
			continue;
		env_name(&opts[i], name, sizeof(name));
		l->env[i] = env_get(env, name);
	}
}

/* Copies the winning raw value of each option into c, converted. */
static int
merge(struct config *c, struct layers *l, char *err, size_t errlen)
{
	const char	*v;
	char		 where[512];
	size_t		 i;
	long		 n;
	int		 b;

	for (i = 0; i < NOPTS; i++) {
		if (l->cli[i] != NULL) {
			v = l->cli[i];
			l->src[i] = SRC_CLI;
		} else if (l->env[i] != NULL) {
			v = l->env[i];
			l->src[i] = SRC_ENV;
		} else if (l->file[i] != NULL) {
			v = l->file[i];
			l->src[i] = SRC_FILE;
		} else
			continue;
		origin(l, (int)i, where, sizeof(where));
		switch (opts[i].kind) {
		case OPT_STR:
			free(*field_str(c, &opts[i]));
			if ((*field_str(c, &opts[i]) = strdup(v)) == NULL)
				return seterr(err, errlen, 1, "out of memory");
			break;
		case OPT_BOOL:
			if (parse_bool(v, &b) == -1)
				return seterr(err, errlen, 2,
				    "%s: '%s' is not yes or no", where, v);
			*field_int(c, &opts[i]) = b;
			break;
		case OPT_INT:
			if (parse_long(v, opts[i].min, opts[i].max, &n) == -1)
				return seterr(err, errlen, 2,
				    "%s: '%s' is not a whole number from %ld "
				    "to %ld", where, v, opts[i].min,
				    opts[i].max);
			*field_int(c, &opts[i]) = (int)n;
			break;
		}
	}
	return 0;
}

/*
 * "HOST:PORT" or "[V6]:PORT" with a decimal port 0..65535; sets *port.
 * The host itself is left to the resolver.
 */
static int
check_listen(const char *s, long *port)
{
	const char	*p;

	if (*s == '[') {
		if ((p = strchr(s, ']')) == NULL || p == s + 1 || p[1] != ':')
			return -1;
		p++;
	} else {
		if ((p = strchr(s, ':')) == NULL || p == s ||
		    strchr(p + 1, ':') != NULL)
			return -1;
	}
	return parse_long(p + 1, 0, 65535, port);
}

static int
is_http_url(const char *s)
{
	if (strncmp(s, "http://", 7) == 0)
		return s[7] != '\0' && s[7] != '/';
	if (strncmp(s, "https://", 8) == 0)
		return s[8] != '\0' && s[8] != '/';
	return 0;
}

/* Drops the trailing '/'s of a base URL: paths are appended to it. */
static void
strip_slashes(char *s)
{
	size_t	 len = strlen(s);

	while (len > 0 && s[len - 1] == '/')
		s[--len] = '\0';
}

/*
 * Checks "24h,1h"-style lists (items N followed by m, h or d, N from 1 to
 * 99999; blanks around items allowed) and rewrites them without blanks;
 * "none" and "" become "".
 */
static int
normalize_reminders(char *s)
{
	char	*r = s, *w = s;
	size_t	 digits;

	while (*r == ' ' || *r == '\t')
		r++;
	if (strcasecmp(r, "none") == 0 || *r == '\0') {
		*s = '\0';
		return 0;
	}
	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		for (digits = 0; r[digits] >= '0' && r[digits] <= '9';
		    digits++)
			;
		if (digits == 0 || digits > 5 || strspn(r, "0") == digits)
			return -1;
		if (r[digits] != 'm' && r[digits] != 'h' && r[digits] != 'd')
			return -1;
		memmove(w, r, digits + 1);
		w += digits + 1;
		r += digits + 1;
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '\0')
			break;
		if (*r != ',')
			return -1;
		*w++ = ',';
		r++;
	}
	*w = '\0';
	return 0;
}

static int
set_default(char **field, const char *value, char *err, size_t errlen)
{
	if (*field != NULL)
		return 0;
	if ((*field = strdup(value)) == NULL)
		return seterr(err, errlen, 1, "out of memory");
	return 0;
}

static int
finish(struct config *c, struct layers *l, char *err, size_t errlen)
{
	struct stat	 st;
	char		 where[512];
	char		**empty_is_null[] = { &c->smtp_url, &c->smtp_user,
	    &c->smtp_password_file, &c->mail_from };
	const char	*web;
	long		 port;
	size_t		 i, nrem;
	int		 rc, rem[MAIL_REMINDERS_MAX];

	if (l->src[O_RATE_LIMIT] == SRC_NONE)
		c->rate_limit = DEFAULT_RATE_LIMIT;
	web = stat(CRENEAU_DATADIR "/web", &st) == 0 && S_ISDIR(st.st_mode) ?
	    CRENEAU_DATADIR "/web" : "./web";
	if ((rc = set_default(&c->db, DEFAULT_DB, err, errlen)) != 0 ||
	    (rc = set_default(&c->listen, DEFAULT_LISTEN, err, errlen)) != 0 ||
	    (rc = set_default(&c->web_dir, web, err, errlen)) != 0 ||
	    (rc = set_default(&c->video_base_url, DEFAULT_VIDEO, err,
	    errlen)) != 0 ||
	    (rc = set_default(&c->reminders, DEFAULT_REMINDERS, err,
	    errlen)) != 0)
		return rc;

	if (*c->db == '\0') {
		origin(l, O_DB, where, sizeof(where));
		return seterr(err, errlen, 2, "%s: empty path", where);
	}
	if (*c->web_dir == '\0') {
		origin(l, O_WEB_DIR, where, sizeof(where));
		return seterr(err, errlen, 2, "%s: empty path", where);
	}
	if (check_listen(c->listen, &port) == -1) {
		origin(l, O_LISTEN, where, sizeof(where));
		return seterr(err, errlen, 2, "%s: '%s' is not ADDR:PORT "
		    "([ADDR]:PORT for IPv6, port 0 to 65535)", where,
		    c->listen);
	}
	if (c->base_url != NULL) {
		if (!is_http_url(c->base_url)) {
			origin(l, O_BASE_URL, where, sizeof(where));
			return seterr(err, errlen, 2, "%s: '%s' is not an "
			    "http:// or https:// URL", where, c->base_url);
		}
		strip_slashes(c->base_url);
	} else if (port != 0) {
		if (asprintf(&c->base_url, "http://%s", c->listen) == -1) {
			c->base_url = NULL;
			return seterr(err, errlen, 1, "out of memory");
		}
	}
	if (!is_http_url(c->video_base_url)) {
		origin(l, O_VIDEO, where, sizeof(where));
		return seterr(err, errlen, 2, "%s: '%s' is not an http:// or "
		    "https:// URL", where, c->video_base_url);
	}
	/* The mailer's own parser has the last word on what it takes
	 * (limits, repeats), so that a bad list is a usage error here. */
	if (normalize_reminders(c->reminders) == -1 ||
	    mail_parse_reminders(c->reminders, rem, MAIL_REMINDERS_MAX,
	    &nrem) == -1) {
		origin(l, O_REMINDERS, where, sizeof(where));
		return seterr(err, errlen, 2, "%s: '%s' is not a list like "
		    "24h,1h (m, h or d, at most 30 days and %d items, no "
		    "repeats) or none", where, c->reminders,
		    MAIL_REMINDERS_MAX);
	}
	for (i = 0; i < sizeof(empty_is_null) / sizeof(empty_is_null[0]);
	    i++)
		if (*empty_is_null[i] != NULL && **empty_is_null[i] == '\0') {
			free(*empty_is_null[i]);
			*empty_is_null[i] = NULL;
		}
	return 0;
}

int
config_parse(struct config *c, int argc, char **argv, char **env, char *err,
    size_t errlen)
{
	struct layers	 l;
	size_t		 i;
	int		 rc;

	memset(c, 0, sizeof(*c));
	memset(&l, 0, sizeof(l));
	if (errlen > 0)
		err[0] = '\0';

	/* --help is answered whatever else is wrong on the line. */
	for (i = 0; i < (size_t)argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			c->help = 1;
			return 0;
		}

	if ((rc = parse_cli(c, &l, argc, argv, err, errlen)) != 0)
		goto done;
	parse_env(&l, env);
	l.path = l.cli[O_CONFIG] != NULL ? l.cli[O_CONFIG] : l.env[O_CONFIG];
	if (l.path != NULL) {
		if (*l.path == '\0') {
			rc = seterr(err, errlen, 2, "%s: empty path",
			    l.cli[O_CONFIG] != NULL ? "--config" :
			    ENV_PREFIX "CONFIG");
			goto done;
		}
		if ((rc = parse_file(&l, l.path, err, errlen)) != 0)
			goto done;
	}
	if ((rc = merge(c, &l, err, errlen)) != 0)
		goto done;
	rc = finish(c, &l, err, errlen);
done:
	for (i = 0; i < NOPTS; i++)
		free(l.file[i]);
	return rc;
}

void
config_free(struct config *c)
{
	size_t	 i;
	int	 j;

	if (c == NULL)
		return;
	for (i = 0; i < NOPTS; i++)
		if (opts[i].kind == OPT_STR)
			free(*field_str(c, &opts[i]));
	for (j = 0; j < c->npositional; j++)
		free(c->positional[j]);
	memset(c, 0, sizeof(*c));
}
