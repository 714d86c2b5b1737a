/*
 * test_config.c: the settings (config.c) and, as the other piece of
 * start-up plumbing, the systemd helpers (sd.c). The environment is passed
 * to config_parse() as an array, so that the machine's own CRENEAU_*
 * variables never leak into a test.
 */
#include "unit.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "sd.h"

#define NOENV	(char *[]){ NULL }

struct fixture {
	struct config	 c;
	char		 err[512];
	char		 path[128];	/* a config file, "" if none */
	char		 dir[64];	/* a temporary folder */
};

static int
setup(void **state)
{
	struct fixture	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	strcpy(f->dir, "/tmp/creneau-test-config-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	config_free(&f->c);
	if (f->path[0] != '\0')
		unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Writes text to the fixture's config file; returns its path. */
static const char *
write_file(struct fixture *f, const char *text)
{
	FILE	*fp;

	snprintf(f->path, sizeof(f->path), "%s/creneau.conf", f->dir);
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	return f->path;
}

/* Parses argv (NULL-terminated) with env; frees an earlier result. */
static int
parse(struct fixture *f, char **argv, char **env)
{
	int	 argc = 0;

	config_free(&f->c);
	while (argv[argc] != NULL)
		argc++;
	return config_parse(&f->c, argc, argv, env, f->err, sizeof(f->err));
}

#define ARGV(...)	((char *[]){ __VA_ARGS__, NULL })
#define ENV(...)	((char *[]){ __VA_ARGS__, NULL })

/* A usage error is exactly one line naming what is wrong. */
static void
assert_usage_error(struct fixture *f, int rc, const char *needle)
{
	assert_int_equal(rc, 2);
	assert_non_null(strstr(f->err, needle));
	assert_null(strchr(f->err, '\n'));
	assert_true(f->err[0] != '\0');
}

static void
test_defaults(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(parse(f, (char *[]){ NULL }, NOENV), 0);
	assert_string_equal(f->c.db, "./creneau.db");
	assert_string_equal(f->c.listen, "127.0.0.1:8080");
	assert_string_equal(f->c.base_url, "http://127.0.0.1:8080");
	assert_string_equal(f->c.video_base_url, "https://meet.jit.si/");
	assert_string_equal(f->c.reminders, "24h,1h");
	assert_int_equal(f->c.rate_limit, 30);
	assert_int_equal(f->c.threads, 0);
	assert_int_equal(f->c.demo, 0);
	assert_int_equal(f->c.debug, 0);
	assert_int_equal(f->c.help, 0);
	assert_null(f->c.config_file);
	assert_null(f->c.smtp_url);
	assert_null(f->c.mail_from);
	assert_null(f->c.name);
	assert_int_equal(f->c.npositional, 0);
	/* The installed pages when they are there, else the tree's. */
	assert_true(strcmp(f->c.web_dir, "./web") == 0 ||
	    strcmp(f->c.web_dir, CRENEAU_DATADIR "/web") == 0);
}

static void
test_precedence(void **state)
{
	struct fixture	*f = *state;
	const char	*path;
	char		 cfgenv[128];

	path = write_file(f, "db = file.db\nrate_limit = 1\nthreads = 1\n"
	    "listen = 127.0.0.1:1111\n");

	/* File only. */
	assert_int_equal(parse(f, ARGV("--config", (char *)path), NOENV), 0);
	assert_string_equal(f->c.db, "file.db");
	assert_int_equal(f->c.rate_limit, 1);
	assert_string_equal(f->c.config_file, path);

	/* The environment over the file. */
	assert_int_equal(parse(f, ARGV("--config", (char *)path),
	    ENV("CRENEAU_DB=env.db", "CRENEAU_RATE_LIMIT=2")), 0);
	assert_string_equal(f->c.db, "env.db");
	assert_int_equal(f->c.rate_limit, 2);
	assert_int_equal(f->c.threads, 1);

	/* The command line over both; untouched keys keep the file's. */
	assert_int_equal(parse(f, ARGV("--config", (char *)path, "--db",
	    "cli.db", "--rate-limit=3"),
	    ENV("CRENEAU_DB=env.db", "CRENEAU_RATE_LIMIT=2")), 0);
	assert_string_equal(f->c.db, "cli.db");
	assert_int_equal(f->c.rate_limit, 3);
	assert_int_equal(f->c.threads, 1);
	assert_string_equal(f->c.listen, "127.0.0.1:1111");
	assert_string_equal(f->c.base_url, "http://127.0.0.1:1111");

	/* CRENEAU_CONFIG names the file; --config wins over it. */
	snprintf(cfgenv, sizeof(cfgenv), "CRENEAU_CONFIG=%s", path);
	assert_int_equal(parse(f, (char *[]){ NULL }, ENV(cfgenv)), 0);
	assert_string_equal(f->c.db, "file.db");
	assert_int_equal(parse(f, ARGV("--config", "/nonexistent/x.conf"),
	    ENV(cfgenv)), 1);
	assert_non_null(strstr(f->err, "/nonexistent/x.conf"));

	/* A bad value that is overridden does not matter. */
	path = write_file(f, "rate_limit = lots\n");
	assert_int_equal(parse(f, ARGV("--config", (char *)path,
	    "--rate-limit", "4"), NOENV), 0);
	assert_int_equal(f->c.rate_limit, 4);
	assert_int_equal(parse(f, ARGV("--config", (char *)path),
	    ENV("CRENEAU_RATE_LIMIT=0")), 0);
	assert_int_equal(f->c.rate_limit, 0);
}

static void
test_environment_names(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(parse(f, (char *[]){ NULL },
	    ENV("CRENEAU_BASE_URL=https://book.example.org/",
	    "CRENEAU_WEB_DIR=/srv/web", "CRENEAU_VIDEO_BASE_URL=https://v.io/",
	    "CRENEAU_SMTP_PASSWORD_FILE=/run/pw", "CRENEAU_DEMO=yes",
	    "CRENEAU_THREADS=8", "CRENEAU_SMTP_URL=smtp://mx:25",
	    "CRENEAU_MAIL_FROM=a@b.c", "CRENEAU_SMTP_USER=u",
	    "CRENEAU_REMINDERS=2d", "CRENEAU_DEBUG=1",
	    "CRENEAU_DBX=ignored", "OTHER_DB=ignored")), 0);
	assert_string_equal(f->c.base_url, "https://book.example.org");
	assert_string_equal(f->c.web_dir, "/srv/web");
	assert_string_equal(f->c.video_base_url, "https://v.io/");
	assert_string_equal(f->c.smtp_password_file, "/run/pw");
	assert_string_equal(f->c.smtp_url, "smtp://mx:25");
	assert_string_equal(f->c.smtp_user, "u");
	assert_string_equal(f->c.mail_from, "a@b.c");
	assert_string_equal(f->c.reminders, "2d");
	assert_string_equal(f->c.db, "./creneau.db");
	assert_int_equal(f->c.demo, 1);
	assert_int_equal(f->c.debug, 1);
	assert_int_equal(f->c.threads, 8);

	/* Command-line-only options are not read from the environment. */
	assert_int_equal(parse(f, (char *[]){ NULL },
	    ENV("CRENEAU_NAME=x", "CRENEAU_FROM=2027-01-01")), 0);
	assert_null(f->c.name);
	assert_null(f->c.from);

	/* An empty variable overrides the file: here, no mail. */
	assert_int_equal(parse(f, ARGV("--config",
	    (char *)write_file(f, "smtp_url = smtp://mx\n")),
	    ENV("CRENEAU_SMTP_URL=")), 0);
	assert_null(f->c.smtp_url);

	/* The process environment when env is NULL. */
	assert_int_equal(setenv("CRENEAU_LISTEN", "127.0.0.1:4242", 1), 0);
	assert_int_equal(parse(f, (char *[]){ NULL }, NULL), 0);
	assert_string_equal(f->c.listen, "127.0.0.1:4242");
	assert_int_equal(unsetenv("CRENEAU_LISTEN"), 0);
}

static void
test_file_syntax(void **state)
{
	struct fixture	*f = *state;
	const char	*path;

	path = write_file(f,
	    "# creneau settings\n"
	    "\n"
	    "   \t\n"
	    "  # indented comment\n"
	    "db=/var/lib/creneau/creneau.db\n"
	    "listen   =   [::1]:8081   \n"
	    "\tbase_url\t=\thttps://book.example.org/  # inline comment\n"
	    "video_base_url = \"https://meet.example/#room\"  # quoted\n"
	    "mail_from = Marie <marie@example.org>\n"
	    "rate_limit = 10\n"
	    "rate_limit = 20\n"
	    "demo = on\n"
	    "reminders = 1d, 2h ,30m\r\n"
	    "smtp_user =\n");
	assert_int_equal(parse(f, ARGV("--config", (char *)path), NOENV), 0);
	assert_string_equal(f->c.db, "/var/lib/creneau/creneau.db");
	assert_string_equal(f->c.listen, "[::1]:8081");
	assert_string_equal(f->c.base_url, "https://book.example.org");
	assert_string_equal(f->c.video_base_url, "https://meet.example/#room");
	assert_string_equal(f->c.mail_from, "Marie <marie@example.org>");
	assert_int_equal(f->c.rate_limit, 20);	/* the last line wins */
	assert_int_equal(f->c.demo, 1);
	assert_string_equal(f->c.reminders, "1d,2h,30m");
	assert_null(f->c.smtp_user);		/* empty: not set */
}

static void
test_file_errors(void **state)
{
	struct fixture	*f = *state;
	const char	*path;
	char		 want[128];

	path = write_file(f, "# ok\ndb = x.db\n\nsmtp_host = mx\n");
	snprintf(want, sizeof(want), "%s:4: unknown key 'smtp_host'", path);
	assert_usage_error(f, parse(f, ARGV("--config", (char *)path), NOENV),
	    want);

	/* The long option's own spelling is not a key. */
	path = write_file(f, "base-url = http://x\n");
	assert_usage_error(f, parse(f, ARGV("--config", (char *)path), NOENV),
	    ":1: unknown key 'base-url'");

	/* Neither are the command-line-only options, nor config itself. */
	path = write_file(f, "name = Marie\n");
	assert_usage_error(f, parse(f, ARGV("--config", (char *)path), NOENV),
	    ":1: unknown key 'name'");
	path = write_file(f, "config = /etc/other.conf\n");
	assert_usage_error(f, parse(f, ARGV("--config", (char *)path), NOENV),
	    ":1: unknown key 'config'");

	path = write_file(f, "db = x\njust some words\n");
	assert_usage_error(f, parse(f, ARGV("--config", (char *)path), NOENV),
	    ":2: expected key = value");

	path = write_file(f, "db = \"x.db\n");
	assert_usage_error(f, parse(f, ARGV("--config", (char *)path), NOENV),
	    ":1: db: ");

	/* A bad value names the file, the line and the key. */
	path = write_file(f, "\n\nthreads = 1000\n");
	assert_usage_error(f, parse(f, ARGV("--config", (char *)path), NOENV),
	    ":3: threads: '1000'");

	/* Unreadable: a runtime error (1), one line, naming the file. */
	assert_int_equal(parse(f, ARGV("--config", "/nonexistent/c.conf"),
	    NOENV), 1);
	assert_non_null(strstr(f->err, "/nonexistent/c.conf"));
	assert_null(strchr(f->err, '\n'));
	assert_int_equal(parse(f, ARGV("--config", f->dir), NOENV), 1);
	assert_non_null(strstr(f->err, f->dir));
	assert_usage_error(f, parse(f, ARGV("--config="), NOENV),
	    "--config: empty path");
}

static void
test_option_forms(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(parse(f, ARGV("--db=a=b.db", "--listen",
	    "0.0.0.0:9090", "--base-url=http://h:1/", "--demo", "--debug=no",
	    "--threads=4"), NOENV), 0);
	assert_string_equal(f->c.db, "a=b.db");
	assert_string_equal(f->c.listen, "0.0.0.0:9090");
	assert_string_equal(f->c.base_url, "http://h:1");
	assert_int_equal(f->c.demo, 1);
	assert_int_equal(f->c.debug, 0);
	assert_int_equal(f->c.threads, 4);

	/* Positional arguments around options, and after "--". */
	assert_int_equal(parse(f, ARGV("add", "--name", "Marie Dubois", "marie",
	    "--email=m@example.org", "--timezone", "Europe/Brussels",
	    "--locale", "fr", "--", "--from"), NOENV), 0);
	assert_int_equal(f->c.npositional, 3);
	assert_string_equal(f->c.positional[0], "add");
	assert_string_equal(f->c.positional[1], "marie");
	assert_string_equal(f->c.positional[2], "--from");
	assert_string_equal(f->c.name, "Marie Dubois");
	assert_string_equal(f->c.email, "m@example.org");
	assert_string_equal(f->c.timezone, "Europe/Brussels");
	assert_string_equal(f->c.locale, "fr");
	assert_null(f->c.from);

	assert_int_equal(parse(f, ARGV("w1", "--from", "2027-03-01", "--to=",
	    "-"), NOENV), 0);
	assert_string_equal(f->c.from, "2027-03-01");
	assert_string_equal(f->c.to, "");
	assert_string_equal(f->c.positional[1], "-");

	assert_usage_error(f, parse(f, ARGV("1", "2", "3", "4", "5", "6", "7",
	    "8", "9"), NOENV), "too many arguments");
}

static void
test_help(void **state)
{
	struct fixture	*f = *state;

	/* Answered even with a bad option or an unreadable file. */
	assert_int_equal(parse(f, ARGV("--bogus", "--config", "/nonexistent",
	    "--help"), NOENV), 0);
	assert_int_equal(f->c.help, 1);
	assert_int_equal(parse(f, ARGV("-h"), NOENV), 0);
	assert_int_equal(f->c.help, 1);
	/* After "--" it is an argument. */
	assert_int_equal(parse(f, ARGV("--", "--help"), NOENV), 0);
	assert_int_equal(f->c.help, 0);
	assert_string_equal(f->c.positional[0], "--help");
}

static void
test_bad_options(void **state)
{
	struct fixture	*f = *state;

	assert_usage_error(f, parse(f, ARGV("--colour"), NOENV),
	    "unknown option --colour");
	assert_usage_error(f, parse(f, ARGV("--colour=red"), NOENV),
	    "unknown option --colour");
	assert_usage_error(f, parse(f, ARGV("-d"), NOENV), "unknown option -d");
	/* A prefix is not an abbreviation. */
	assert_usage_error(f, parse(f, ARGV("--rate", "3"), NOENV),
	    "unknown option --rate");

	/* Missing values. */
	assert_usage_error(f, parse(f, ARGV("--db"), NOENV),
	    "option --db needs a value");
	assert_usage_error(f, parse(f, ARGV("--db", "--listen", "x:1"), NOENV),
	    "option --db needs a value");
	assert_usage_error(f, parse(f, ARGV("serve", "--rate-limit"), NOENV),
	    "option --rate-limit needs a value");
	/* ... unless given with '='. */
	assert_int_equal(parse(f, ARGV("--db=--listen"), NOENV), 0);
	assert_string_equal(f->c.db, "--listen");
	assert_usage_error(f, parse(f, ARGV("--db="), NOENV),
	    "--db: empty path");
}

static void
test_numbers(void **state)
{
	struct fixture	*f = *state;
	static const char *bad[] = { "", "abc", "-1", "+5", " 5", "5 ", "0x10",
	    "1e3", "3.0", "1000001", "99999999999999999999", "2147483648" };
	char		 arg[64];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(arg, sizeof(arg), "--rate-limit=%s", bad[i]);
		assert_usage_error(f, parse(f, ARGV(arg), NOENV),
		    "--rate-limit: '");
		snprintf(arg, sizeof(arg), "--threads=%s", bad[i]);
		assert_usage_error(f, parse(f, ARGV(arg), NOENV),
		    "--threads: '");
	}
	assert_int_equal(parse(f, ARGV("--rate-limit", "0", "--threads", "0"),
	    NOENV), 0);
	assert_int_equal(f->c.rate_limit, 0);
	assert_int_equal(parse(f, ARGV("--rate-limit", "1000000", "--threads",
	    "256"), NOENV), 0);
	assert_int_equal(f->c.rate_limit, 1000000);
	assert_int_equal(f->c.threads, 256);
	assert_int_equal(parse(f, ARGV("--rate-limit", "007"), NOENV), 0);
	assert_int_equal(f->c.rate_limit, 7);
	assert_usage_error(f, parse(f, ARGV("--threads", "257"), NOENV),
	    "from 0 to 256");

	/* The message names the environment variable it came from. */
	assert_usage_error(f, parse(f, (char *[]){ NULL },
	    ENV("CRENEAU_RATE_LIMIT=ten")), "CRENEAU_RATE_LIMIT: 'ten'");
	assert_usage_error(f, parse(f, (char *[]){ NULL },
	    ENV("CRENEAU_DEMO=perhaps")), "CRENEAU_DEMO: 'perhaps'");
}

static void
test_values(void **state)
{
	struct fixture	*f = *state;
	static const char *bad_listen[] = { "8080", ":8080", "localhost",
	    "::1:8080", "[::1]8080", "[]:80", "127.0.0.1:65536",
	    "127.0.0.1:", "127.0.0.1:http" };
	size_t		 i;

	for (i = 0; i < sizeof(bad_listen) / sizeof(bad_listen[0]); i++)
		assert_usage_error(f, parse(f, ARGV("--listen",
		    (char *)bad_listen[i]), NOENV), "--listen: '");

	/* Port 0: the base URL is left to the daemon, once bound. */
	assert_int_equal(parse(f, ARGV("--listen", "127.0.0.1:0"), NOENV), 0);
	assert_null(f->c.base_url);
	assert_int_equal(parse(f, ARGV("--listen", "127.0.0.1:0",
	    "--base-url", "https://x.example/app/"), NOENV), 0);
	assert_string_equal(f->c.base_url, "https://x.example/app");
	assert_int_equal(parse(f, ARGV("--listen", "localhost:80"), NOENV), 0);
	assert_string_equal(f->c.base_url, "http://localhost:80");

	assert_usage_error(f, parse(f, ARGV("--base-url", "book.example.org"),
	    NOENV), "--base-url: 'book.example.org' is not");
	assert_usage_error(f, parse(f, ARGV("--base-url", "http://"), NOENV),
	    "--base-url");
	assert_usage_error(f, parse(f, ARGV("--video-base-url", "ftp://v/"),
	    NOENV), "--video-base-url");

	assert_int_equal(parse(f, ARGV("--reminders", "none"), NOENV), 0);
	assert_string_equal(f->c.reminders, "");
	assert_int_equal(parse(f, ARGV("--reminders="), NOENV), 0);
	assert_string_equal(f->c.reminders, "");
	assert_int_equal(parse(f, ARGV("--reminders", "15m"), NOENV), 0);
	assert_string_equal(f->c.reminders, "15m");
	assert_usage_error(f, parse(f, ARGV("--reminders", "24"), NOENV),
	    "--reminders");
	assert_usage_error(f, parse(f, ARGV("--reminders", "0h"), NOENV),
	    "--reminders");
	assert_usage_error(f, parse(f, ARGV("--reminders", "1h,,2h"), NOENV),
	    "--reminders");
	assert_usage_error(f, parse(f, ARGV("--reminders", "1w"), NOENV),
	    "--reminders");
	/* The mailer's limits: 30 days, no repeat (60m is 1h). */
	assert_int_equal(parse(f, ARGV("--reminders", "30d"), NOENV), 0);
	assert_usage_error(f, parse(f, ARGV("--reminders", "31d"), NOENV),
	    "--reminders: '31d'");
	assert_usage_error(f, parse(f, ARGV("--reminders", "1h,60m"), NOENV),
	    "--reminders");
	assert_usage_error(f, parse(f, ARGV("--reminders", "NONE,1h"), NOENV),
	    "--reminders");

	assert_int_equal(parse(f, ARGV("--demo=TRUE", "--debug=off"), NOENV),
	    0);
	assert_int_equal(f->c.demo, 1);
	assert_int_equal(f->c.debug, 0);
	assert_usage_error(f, parse(f, ARGV("--demo=2"), NOENV),
	    "--demo: '2' is not yes or no");
}

static void
test_config_free(void **state)
{
	struct fixture	*f = *state;
	struct config	 z;

	/* config_free() zeroes, and a second call is harmless. */
	assert_int_equal(parse(f, ARGV("a", "--db", "x"), NOENV), 0);
	config_free(&f->c);
	memset(&z, 0, sizeof(z));
	assert_memory_equal(&f->c, &z, sizeof(z));
	config_free(&f->c);
	config_free(NULL);
	/* After a failure half-way, what was copied is freed (ASan). */
	assert_int_equal(parse(f, ARGV("a", "b", "--db", "x", "--threads",
	    "x"), NOENV), 2);
}

/* sd.c */

static void
test_notify_absent(void **state)
{
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	assert_int_equal(sd_notifyf("READY=1"), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", "relative/path", 1), 0);
	assert_int_equal(sd_notifyf("READY=1"), -1);
	/* A socket that is not there. */
	assert_int_equal(setenv("NOTIFY_SOCKET", "/nonexistent/notify", 1),
	    0);
	assert_int_equal(sd_notifyf("READY=1"), -1);
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
}

/* Binds a datagram socket at name ('@' for abstract), sends, reads back. */
static void
notify_roundtrip(const char *name)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	char			 buf[256];
	ssize_t			 n;
	int			 fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, name, strlen(name));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(name));
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	else
		len++;
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, len), 0);

	assert_int_equal(setenv("NOTIFY_SOCKET", name, 1), 0);
	assert_int_equal(sd_notifyf("STATUS=serving on %s:%d", "127.0.0.1",
	    8080), 0);
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_int_equal(n, strlen("STATUS=serving on 127.0.0.1:8080"));
	buf[n] = '\0';
	assert_string_equal(buf, "STATUS=serving on 127.0.0.1:8080");
	assert_int_equal(sd_notifyf("READY=1"), 0);
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_int_equal(n, 7);
	assert_memory_equal(buf, "READY=1", 7);

	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	close(fd);
}

static void
test_notify_path(void **state)
{
	struct fixture	*f = *state;
	char		 path[128];

	snprintf(path, sizeof(path), "%s/notify", f->dir);
	notify_roundtrip(path);
	unlink(path);
}

static void
test_notify_abstract(void **state)
{
	char	 name[64];

	snprintf(name, sizeof(name), "@creneau-test-%ld", (long)getpid());
	notify_roundtrip(name);
}

/* Puts fd on 3 for a test, keeping what was there to put it back. */
static int
take_fd3(int fd)
{
	int	 saved;

	if (fd == 3)		/* 3 was free: nothing to keep */
		return -1;
	saved = fcntl(3, F_GETFD) == -1 ? -1 : fcntl(3, F_DUPFD_CLOEXEC, 10);
	assert_int_equal(dup2(fd, 3), 3);
	close(fd);
	return saved;
}

static void
give_back_fd3(int saved)
{
	if (saved == -1)
		close(3);
	else {
		assert_int_equal(dup2(saved, 3), 3);
		close(saved);
	}
}

static void
set_listen_env(long pid, const char *fds)
{
	char	 buf[32];

	snprintf(buf, sizeof(buf), "%ld", pid);
	assert_int_equal(setenv("LISTEN_PID", buf, 1), 0);
	assert_int_equal(setenv("LISTEN_FDS", fds, 1), 0);
	assert_int_equal(setenv("LISTEN_FDNAMES", "creneau.socket", 1), 0);
}

static void
test_listen_fd(void **state)
{
	int	 saved, s, p[2];

	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	assert_int_equal(sd_listen_fd(), -1);

	s = socket(AF_INET, SOCK_STREAM, 0);	/* no CLOEXEC: as passed */
	assert_true(s >= 0);
	saved = take_fd3(s);

	/* Meant for another process: left alone. */
	set_listen_env((long)getpid() + 1, "1");
	assert_int_equal(sd_listen_fd(), -1);
	assert_non_null(getenv("LISTEN_PID"));

	set_listen_env((long)getpid(), "0");
	assert_int_equal(sd_listen_fd(), -1);
	assert_null(getenv("LISTEN_PID"));

	set_listen_env((long)getpid(), "1x");
	assert_int_equal(sd_listen_fd(), -1);

	set_listen_env((long)getpid(), "2");
	assert_int_equal(sd_listen_fd(), 3);
	assert_null(getenv("LISTEN_PID"));
	assert_null(getenv("LISTEN_FDS"));
	assert_null(getenv("LISTEN_FDNAMES"));
	assert_true(fcntl(3, F_GETFD) & FD_CLOEXEC);
	/* Taken once: a second call finds nothing. */
	assert_int_equal(sd_listen_fd(), -1);
	give_back_fd3(saved);

	/* fd 3 that is not a socket is refused. */
	assert_int_equal(pipe(p), 0);
	close(p[1]);
	saved = take_fd3(p[0]);
	set_listen_env((long)getpid(), "1");
	assert_int_equal(sd_listen_fd(), -1);
	give_back_fd3(saved);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_environment_names, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_file_syntax, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_file_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_option_forms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_options, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_free, setup,
		    teardown),
		cmocka_unit_test(test_notify_absent),
		cmocka_unit_test_setup_teardown(test_notify_path, setup,
		    teardown),
		cmocka_unit_test(test_notify_abstract),
		cmocka_unit_test(test_listen_fd),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
