/*
 * log.h: one line per event on stderr (journald adds the time), in the
 * manner of the OpenBSD daemons. fatal()/fatalx() are for start-up only:
 * nothing on a request path may exit.
 */
#ifndef CRENEAU_LOG_H
#define CRENEAU_LOG_H

#include <stdarg.h>

void	log_init(int debug);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
