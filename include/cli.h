/*
 * cli.h: the subcommands of creneau, called by main() once the command
 * line, the environment and the config file have been read into a struct
 * config (config.h). Each returns the process's exit status: 0 done, 1 a
 * runtime error (logged), 2 a usage error (one line "creneau: ..." on
 * stderr). main() has already checked the number of positional arguments
 * listed below; the values themselves are the callee's to check.
 */
#ifndef CRENEAU_CLI_H
#define CRENEAU_CLI_H

struct config;

/* `creneau serve`: no positional argument. Returns when SIGTERM or
 * SIGINT has been handled. daemon/serve.c */
int	serve_main(const struct config *);

/* `creneau admin-token`: no positional argument; prints the new token and
 * a newline on stdout. daemon/cli.c */
int	cmd_admin_token(const struct config *);

/* `creneau backup DEST`: dest is c->positional[0]. daemon/cli.c */
int	cmd_backup(const struct config *, const char *dest);

/*
 * `creneau worker VERB ...`: c->positional[0] is the verb, checked by
 * main() with its arguments:
 *   add ID    positional[1]; --name, --email, --timezone, --locale
 *   list      none
 *   token ID  positional[1]: rotates and prints the worker's token
 * daemon/cli.c
 */
int	cmd_worker(const struct config *);

/* `creneau bookings ID [--from DATE] [--to DATE]`: the worker id is
 * c->positional[0]. daemon/cli.c */
int	cmd_bookings(const struct config *);

#endif
