/*
 * main.c: `creneau COMMAND [OPTIONS]`. Reads the settings (config.c),
 * checks the positional arguments of the command and hands over to it
 * (cli.h). Exit 0 on success, 2 on a usage error with one line on stderr,
 * 1 on a runtime error.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "log.h"

#ifndef CRENEAU_VERSION
#define CRENEAU_VERSION	"0.0.0"
#endif
#ifndef CRENEAU_DATADIR
#define CRENEAU_DATADIR	"/usr/local/share/creneau"
#endif

static int	run_serve(const struct config *);
static int	run_admin_token(const struct config *);
static int	run_backup(const struct config *);
static int	run_worker(const struct config *);
static int	run_bookings(const struct config *);

/* Which command-line-only options a command takes. */
#define TAKES_WORKER	0x1	/* --name --email --timezone --locale */
#define TAKES_RANGE	0x2	/* --from --to */

struct command {
	const char	*name;
	int		 minpos, maxpos;	/* positional arguments */
	const char	*args;			/* for messages */
	int		 takes;
	int		(*run)(const struct config *);
};

static const struct command commands[] = {
	{ "serve",	 0, 0, "",		0,		run_serve },
	{ "admin-token", 0, 0, "",		0,		run_admin_token },
	{ "backup",	 1, 1, "DEST",		0,		run_backup },
	{ "worker",	 1, 2, "add|list|token ...",
	    TAKES_WORKER, run_worker },
	{ "bookings",	 1, 1, "ID",		TAKES_RANGE,	run_bookings },
};

static const char usage_text[] =
"usage: creneau COMMAND [OPTIONS]\n"
"\n"
"Commands:\n"
"  serve                   run the booking daemon\n"
"  admin-token             print a new admin token (the old one stops\n"
"                          working, also in a running daemon)\n"
"  backup DEST             copy the database to DEST, consistently, also\n"
"                          while the daemon runs\n"
"  worker add ID --name NAME --email EMAIL [--timezone TZ] [--locale LANG]\n"
"                          create a worker and print their token\n"
"  worker list             list the workers\n"
"  worker token ID         print a new token for worker ID\n"
"  bookings ID [--from DATE] [--to DATE]\n"
"                          list worker ID's bookings (dates YYYY-MM-DD)\n"
"  help, --help, -h        print this text\n"
"  --version               print the version\n"
"\n"
"Options, [default] (config file key: the option without '--', '-' as '_';\n"
"environment: CRENEAU_ and the key in capitals, e.g. CRENEAU_BASE_URL):\n"
"  --config FILE           read `key = value` settings from FILE\n"
"  --db PATH               the SQLite database [./creneau.db]\n"
"  --listen ADDR:PORT      where to listen, [ADDR]:PORT for IPv6; port 0\n"
"                          takes a free one [127.0.0.1:8080]\n"
"  --base-url URL          the public address of the site, for links in\n"
"                          mails and feeds [http://ADDR:PORT of --listen]\n"
"  --web-dir DIR           the pages and assets [" CRENEAU_DATADIR "/web\n"
"                          if it exists, else ./web]\n"
"  --demo                  add a demo worker if the database has none\n"
"  --video-base-url URL    where video rooms are [https://meet.jit.si/]\n"
"  --rate-limit N          booking writes per minute per client address,\n"
"                          0 for no limit [30]\n"
"  --threads N             HTTP threads, 0 to choose from the CPUs [0]\n"
"  --smtp-url URL          mail server, smtp:// or smtps:// [no mail]\n"
"  --smtp-user USER        SMTP user name\n"
"  --smtp-password-file F  file holding the SMTP password\n"
"  --mail-from ADDR        sender of the mails\n"
"  --reminders LIST        reminders before a session: 24h,1h-style (m, h,\n"
"                          d) or none [24h,1h]\n"
"  --debug                 log debug lines\n"
"Booleans (--demo, --debug) take =yes or =no; any option takes --opt=VALUE.\n"
"The command line wins over the environment, which wins over the file.\n";

static int
run_serve(const struct config *c)
{
	return serve_main(c);
}

static int
run_admin_token(const struct config *c)
{
	return cmd_admin_token(c);
}

static int
run_backup(const struct config *c)
{
	return cmd_backup(c, c->positional[0]);
}

static int
run_worker(const struct config *c)
{
	const char	*verb = c->positional[0];
	int		 want;

	if (strcmp(verb, "add") == 0 || strcmp(verb, "token") == 0)
		want = 2;
	else if (strcmp(verb, "list") == 0)
		want = 1;
	else {
		fprintf(stderr, "creneau: worker: unknown verb '%s' (add, "
		    "list or token)\n", verb);
		return 2;
	}
	if (c->npositional != want) {
		fprintf(stderr, "creneau: usage: creneau worker %s%s\n", verb,
		    want == 2 ? " ID" : "");
		return 2;
	}
	if (strcmp(verb, "add") != 0 && (c->name != NULL ||
	    c->email != NULL || c->timezone != NULL || c->locale != NULL)) {
		fprintf(stderr, "creneau: worker %s: --name, --email, "
		    "--timezone and --locale are for worker add\n", verb);
		return 2;
	}
	return cmd_worker(c);
}

static int
run_bookings(const struct config *c)
{
	return cmd_bookings(c);
}

/* The command-line-only options that cmd does not take, as a message. */
static const char *
stray_option(const struct command *cmd, const struct config *c)
{
	if (!(cmd->takes & TAKES_WORKER)) {
		if (c->name != NULL)
			return "--name";
		if (c->email != NULL)
			return "--email";
		if (c->timezone != NULL)
			return "--timezone";
		if (c->locale != NULL)
			return "--locale";
	}
	if (!(cmd->takes & TAKES_RANGE)) {
		if (c->from != NULL)
			return "--from";
		if (c->to != NULL)
			return "--to";
	}
	return NULL;
}

int
main(int argc, char *argv[])
{
	const struct command	*cmd = NULL;
	struct config		 c;
	const char		*stray;
	char			 err[1024];
	size_t			 i;
	int			 rc;

	/* The database and backups hold e-mails and notes: ours only. */
	umask(077);
	if (argc < 2) {
		fprintf(stderr, "creneau: no command (see creneau --help)\n");
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("creneau %s\n", CRENEAU_VERSION);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "creneau: unknown %s '%s' (see creneau "
		    "--help)\n", argv[1][0] == '-' ? "option" : "command",
		    argv[1]);
		return 2;
	}

	rc = config_parse(&c, argc - 2, argv + 2, NULL, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "creneau: %s\n", err);
		goto done;
	}
	if (c.help) {
		fputs(usage_text, stdout);
		rc = fflush(stdout) == 0 ? 0 : 1;
		goto done;
	}
	if (c.npositional < cmd->minpos || c.npositional > cmd->maxpos) {
		rc = 2;
		if (c.npositional > cmd->maxpos)
			fprintf(stderr, "creneau: %s: unexpected argument "
			    "'%s'\n", cmd->name, c.positional[cmd->maxpos]);
		else
			fprintf(stderr, "creneau: usage: creneau %s %s\n",
			    cmd->name, cmd->args);
		goto done;
	}
	if ((stray = stray_option(cmd, &c)) != NULL) {
		fprintf(stderr, "creneau: %s: option %s does not apply\n",
		    cmd->name, stray);
		rc = 2;
		goto done;
	}

	log_init(c.debug);
	rc = cmd->run(&c);
	if (rc < 0 || rc > 2)
		rc = 1;
done:
	config_free(&c);
	return rc;
}
