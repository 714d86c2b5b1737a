/*
 * config.h: the settings of one run of creneau, from the command line, the
 * environment and the config file (API.md "Command line").
 *
 * Precedence: the command line wins, then the environment (CRENEAU_ and the
 * key in capitals: CRENEAU_BASE_URL), then the config file (--config FILE or
 * CRENEAU_CONFIG), then the defaults. The file holds `key = value` lines;
 * the key is the long option with '-' turned to '_' (base_url). Lines whose
 * first non-blank character is '#' are comments; an unquoted value ends at
 * a '#' that follows a blank; a value in double quotes is taken as it is.
 *
 * Every string is owned by the struct and freed by config_free().
 */
#ifndef CRENEAU_CONFIG_H
#define CRENEAU_CONFIG_H

#include <stddef.h>

#define CONFIG_POSITIONAL_MAX	8
#define CONFIG_RATE_LIMIT_MAX	1000000
#define CONFIG_THREADS_MAX	256

struct config {
	char	*config_file;	/* the file read, or NULL */
	char	*db;		/* default "./creneau.db" */
	char	*listen;	/* "ADDR:PORT" or "[V6]:PORT", default
				   "127.0.0.1:8080"; port 0 = any free one */
	char	*base_url;	/* no trailing '/'; default "http://" +
				   listen, NULL when the port is 0 (the
				   daemon knows it only after binding) */
	char	*web_dir;	/* default CRENEAU_DATADIR "/web" if it
				   exists, else "./web" */
	int	 demo;		/* --demo */
	char	*video_base_url;/* default "https://meet.jit.si/" */
	int	 rate_limit;	/* per minute and client, 0 = none;
				   default 30 */
	int	 threads;	/* 0 = auto */
	char	*smtp_url;	/* NULL: no mail (an empty value too) */
	char	*smtp_user;	/* NULL when not given or empty */
	char	*smtp_password_file;	/* idem */
	char	*mail_from;	/* idem */
	char	*reminders;	/* "N{m,h,d}[,...]", default "24h,1h",
				   blanks removed, accepted by
				   mail_parse_reminders(); "" (also given
				   as "none"): no reminder */
	int	 debug;		/* --debug */
	int	 help;		/* --help or -h was given: nothing else
				   was read or checked */

	/* The arguments that are not options, in order (heap copies). */
	char	*positional[CONFIG_POSITIONAL_MAX];
	int	 npositional;

	/*
	 * For `creneau worker add ID ...` and `creneau bookings ID`: command
	 * line only (never from the environment or the file), NULL when not
	 * given, not checked beyond being present with a value.
	 */
	char	*name;		/* --name */
	char	*email;		/* --email */
	char	*timezone;	/* --timezone */
	char	*locale;	/* --locale */
	char	*from;		/* --from */
	char	*to;		/* --to */
};

/*
 * Fills c (zeroed first) from argv, which starts after the subcommand.
 * env is an environ-style array to read CRENEAU_* variables from, or NULL
 * for the process environment. Returns 0; 2 on a usage error (a bad or
 * unknown option, a bad value, an unknown key in the file) or 1 on a
 * runtime error (an unreadable config file), with one line in err (no
 * "creneau: " prefix, no newline). c must be passed to config_free()
 * whatever the result.
 */
int	config_parse(struct config *c, int argc, char **argv, char **env,
	    char *err, size_t errlen);

/* Frees what c owns and zeroes it; safe on a zeroed struct. */
void	config_free(struct config *c);

#endif
