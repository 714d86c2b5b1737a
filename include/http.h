/*
 * http.h: the HTTP layer on libmicrohttpd (the only file that includes
 * microhttpd.h is http.c).
 *
 * http.c owns the connection, the request struct, the 64 KiB body cap, the
 * routing table's 404/405 answers, the security headers and the static
 * files. The API (api.c) supplies the routes, the authorisation step and
 * the handlers; a handler fills the answer with one of the http_* calls.
 */
#ifndef CRENEAU_HTTP_H
#define CRENEAU_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model.h"

#define BODY_MAX	(64 * 1024)
#define ROUTE_ARGS_MAX	4
#define HEADERS_MAX	8

struct request;
struct store;

enum auth {
	AUTH_NONE,		/* anyone; a token, when given, is read */
	AUTH_ADMIN,		/* the admin token */
	AUTH_WORKER,		/* the worker of args[0], or admin */
	AUTH_BOOKING		/* the booking args[0]'s token, its worker */
};

#define R_BODY		0x01	/* a JSON object body is required */
#define R_BODY_OPT	0x02	/* an optional JSON object body */
#define R_LIMITED	0x04	/* a booking write: rate limited */
#define R_PAGE		0x08	/* an HTML page: no JSON error bodies */

struct route {
	const char	*method;
	const char	*pattern;	/* '*' matches one path segment */
	int		(*handler)(struct request *);
	enum auth	 auth;
	int		 flags;
};

/* Who a valid token says the caller is. */
enum caller {
	CALLER_NOBODY,
	CALLER_ADMIN,
	CALLER_WORKER,
	CALLER_BOOKING
};

struct request {
	void			*conn;		/* MHD_Connection */
	const struct route	*route;
	const char		*method;
	char			*path;		/* owned, decoded */
	char			*args[ROUTE_ARGS_MAX];	/* into argbuf */
	int			 nargs;
	char			 argbuf[512];
	char			 client[64];	/* client address */
	char			*body;		/* owned, NUL-terminated */
	size_t			 bodylen;
	size_t			 bodycap;
	int			 too_large;
	json_t			*json;		/* owned, the parsed body */
	struct store		*st;		/* this thread's */
	int64_t			 now;
	enum caller		 caller;
	char			 worker[ID_MAX];	/* CALLER_WORKER */
	/* The worker and service the path names, once looked up (owned). */
	struct worker		*res_worker;
	struct service		*res_service;
	/* The answer. */
	int			 status;
	char			*resp;		/* owned */
	size_t			 resplen;
	const char		*ctype;
	int			 nheaders;
	char			*hname[HEADERS_MAX];	/* owned */
	char			*hvalue[HEADERS_MAX];	/* owned */
	int			 answered;
};

struct http_config {
	const char		*listen;	/* "ADDR:PORT" */
	int			 fd;		/* socket to use, or -1 */
	int			 threads;
	const char		*web_dir;
	const struct route	*routes;
	size_t			 nroutes;
	/* Route checks after the match: 0 to go on, -1 when answered. */
	int			(*authorize)(struct request *);
	/* The thread's store, opened on first use. */
	struct store		*(*thread_store)(void);
};

struct http;

struct http	*http_start(const struct http_config *);
/* The port actually bound (for port 0). */
int		 http_port(struct http *);
/* Stops accepting, waits for requests in flight (at most ms), stops. */
void		 http_stop(struct http *, int ms);

/* Request accessors. */
const char	*http_header(struct request *, const char *name);
const char	*http_query(struct request *, const char *name);

/* Answers; each returns 0. Bodies passed as char * are copied. */
int	http_json(struct request *, int status, json_t *body);	/* steals */
int	http_error(struct request *, int status, const char *code,
	    const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
int	http_send(struct request *, int status, const char *ctype,
	    const char *body, size_t len);
/* Takes ownership of a malloc'd body. */
int	http_send_owned(struct request *, int status, const char *ctype,
	    char *body, size_t len);
int	http_add_header(struct request *, const char *name,
	    const char *value);
/* Serves file rel under the web folder; lang rewrites <html lang="fr">. */
int	http_page(struct request *, const char *rel, const char *lang);

#endif
