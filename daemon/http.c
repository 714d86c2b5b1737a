/*
 * http.c: the HTTP layer on libmicrohttpd, the only file that includes
 * microhttpd.h.
 *
 * Threading: an internal thread pool (MHD_OPTION_THREAD_POOL_SIZE), each
 * thread polling its share of the connections with epoll and running their
 * handlers; each thread has its own SQLite connection. Measured against
 * thread-per-connection in bench/: see README.md, "HTTP server".
 *
 * The access handler is called several times per request: once with the
 * headers, then with pieces of the body, then once with none left. One
 * struct request lives in *req_cls from the first call to the completion
 * callback. Checks run in the order of API.md: route, authentication,
 * rate limit (api.c's authorize()), then the body cap and the JSON.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http.h"
#include "log.h"
#include "parse.h"

struct http {
	struct MHD_Daemon	*d;
	struct http_config	 cfg;
	char			*web_dir;	/* owned */
	int			 own_fd;	/* we opened the socket */
	atomic_int		 inflight;
};

/* Every answer carries these. */
static const char *security_headers[][2] = {
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Frame-Options", "DENY" },
	{ "Content-Security-Policy", "default-src 'self'; script-src 'self'; "
	    "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
};

static const struct {
	const char	*ext;
	const char	*type;
} mime_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
};

static void
request_free(struct request *rq)
{
	int	 i;

	if (rq == NULL)
		return;
	free(rq->path);
	free(rq->body);
	worker_clear(rq->res_worker);
	free(rq->res_worker);
	service_clear(rq->res_service);
	free(rq->res_service);
	json_decref(rq->json);
	free(rq->resp);
	for (i = 0; i < rq->nheaders; i++) {
		free(rq->hname[i]);
		free(rq->hvalue[i]);
	}
	free(rq);
}

/*
 * Matches path against a pattern of segments, '*' standing for one
 * non-empty segment and a final "**" for the rest of the path. Captures go
 * to rq->args.
 */
static int
route_match(const char *pattern, const char *path, struct request *rq)
{
	const char	*p = pattern, *s = path;
	char		*out = rq->argbuf;
	size_t		 left = sizeof(rq->argbuf), len;
	int		 n = 0;

	while (*p != '\0') {
		if (p[0] == '*' && p[1] == '*') {
			if (*s == '\0' || n == ROUTE_ARGS_MAX)
				return 0;
			len = strlen(s);
			if (len + 1 > left)
				return 0;
			memcpy(out, s, len + 1);
			rq->args[n++] = out;
			rq->nargs = n;
			return 1;
		}
		if (*p == '*') {
			len = strcspn(s, "/");
			if (len == 0 || len + 1 > left || n == ROUTE_ARGS_MAX)
				return 0;
			memcpy(out, s, len);
			out[len] = '\0';
			rq->args[n++] = out;
			out += len + 1;
			left -= len + 1;
			s += len;
			p++;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*s != '\0')
		return 0;
	rq->nargs = n;
	return 1;
}

/*
 * Finds the route for method and path. Returns it, or NULL with *allowed
 * set when the path exists with other methods (405) and clear when it does
 * not exist at all (404).
 */
static const struct route *
route_find(const struct http *h, const char *method, struct request *rq,
    char *allowed, size_t alen)
{
	const struct route	*r;
	size_t			 i;
	int			 head = strcmp(method, "HEAD") == 0;

	allowed[0] = '\0';
	for (i = 0; i < h->cfg.nroutes; i++) {
		r = &h->cfg.routes[i];
		rq->nargs = 0;
		if (!route_match(r->pattern, rq->path, rq))
			continue;
		if (strcmp(r->method, method) == 0 ||
		    (head && strcmp(r->method, "GET") == 0))
			return r;
		if (strstr(allowed, r->method) == NULL) {
			size_t	 used = strlen(allowed);

			snprintf(allowed + used, alen - used, "%s%s",
			    used ? ", " : "", r->method);
		}
	}
	return NULL;
}

const char *
http_header(struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *
http_query(struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

int
http_add_header(struct request *rq, const char *name, const char *value)
{
	if (rq->nheaders == HEADERS_MAX)
		return -1;
	rq->hname[rq->nheaders] = strdup(name);
	rq->hvalue[rq->nheaders] = strdup(value);
	if (rq->hname[rq->nheaders] == NULL ||
	    rq->hvalue[rq->nheaders] == NULL) {
		free(rq->hname[rq->nheaders]);
		free(rq->hvalue[rq->nheaders]);
		return -1;
	}
	rq->nheaders++;
	return 0;
}

int
http_send_owned(struct request *rq, int status, const char *ctype,
    char *body, size_t len)
{
	free(rq->resp);
	rq->resp = body;
	rq->resplen = len;
	rq->status = status;
	rq->ctype = ctype;
	rq->answered = 1;
	return 0;
}

int
http_send(struct request *rq, int status, const char *ctype,
    const char *body, size_t len)
{
	char	*copy;

	if ((copy = malloc(len + 1)) == NULL) {
		http_send_owned(rq, 500, "text/plain", NULL, 0);
		return 0;
	}
	memcpy(copy, body, len);
	copy[len] = '\0';
	return http_send_owned(rq, status, ctype, copy, len);
}

int
http_json(struct request *rq, int status, json_t *body)
{
	char	*s;

	if (body == NULL ||
	    (s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
	    NULL) {
		json_decref(body);
		return http_error(rq, 500, "internal", NULL,
		    "out of memory");
	}
	json_decref(body);
	return http_send_owned(rq, status, "application/json", s, strlen(s));
}

int
http_error(struct request *rq, int status, const char *code,
    const char *field, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[256];
	json_t	*err, *o;
	char	*s;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err = json_pack("{s:s, s:s}", "code", code, "message", msg);
	if (err != NULL && field != NULL)
		json_object_set_new(err, "field", json_string(field));
	o = json_pack("{s:o}", "error", err);
	if (o == NULL || (s = json_dumps(o, JSON_COMPACT |
	    JSON_PRESERVE_ORDER)) == NULL) {
		json_decref(o);
		return http_send(rq, 500, "application/json",
		    "{\"error\":{\"code\":\"internal\",\"message\":"
		    "\"out of memory\"}}", 52);
	}
	json_decref(o);
	return http_send_owned(rq, status, "application/json", s, strlen(s));
}

static const char *
mime_type(const char *path)
{
	const char	*dot = strrchr(path, '.');
	size_t		 i;

	if (dot != NULL)
		for (i = 0; i < sizeof(mime_types) / sizeof(mime_types[0]); i++)
			if (strcmp(dot, mime_types[i].ext) == 0)
				return mime_types[i].type;
	return "application/octet-stream";
}

/* A relative path of plain segments: no "..", no hidden files. */
static int
safe_relpath(const char *rel)
{
	const char	*s;

	if (*rel == '\0' || *rel == '/')
		return 0;
	for (s = rel; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '/')
			continue;
		if (*s == '.' && s != rel && s[-1] != '/')
			continue;
		return 0;
	}
	return strstr(rel, "//") == NULL;
}

static struct http	*the_http;	/* for http_page(): one per process */

int
http_page(struct request *rq, const char *rel, const char *lang)
{
	char		 path[PATH_MAX], *buf = NULL, *at;
	struct stat	 sb;
	ssize_t		 r;
	size_t		 off = 0;
	int		 fd = -1;

	if (!safe_relpath(rel) || snprintf(path, sizeof(path), "%s/%s",
	    the_http->web_dir, rel) >= (int)sizeof(path))
		goto notfound;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		goto notfound;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > 16 * 1024 * 1024)
		goto notfound;
	if ((buf = malloc(sb.st_size + 1)) == NULL)
		goto fail;
	while (off < (size_t)sb.st_size) {
		r = read(fd, buf + off, sb.st_size - off);
		if (r <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			goto fail;
		}
		off += r;
	}
	buf[off] = '\0';
	close(fd);
	/* The negotiated language replaces the page's default. */
	if (lang != NULL && strlen(lang) == 2 &&
	    (at = strstr(buf, "<html lang=\"fr\"")) != NULL)
		memcpy(at + 12, lang, 2);
	http_add_header(rq, "Cache-Control", "no-cache");
	return http_send_owned(rq, 200, mime_type(path), buf, off);
fail:
	log_warn("%s", path);
	free(buf);
	if (fd != -1)
		close(fd);
	return http_error(rq, 500, "internal", NULL, "cannot read the page");
notfound:
	if (fd != -1)
		close(fd);
	return http_error(rq, 404, "not_found", NULL, "no such file");
}

static const char *
added_header(const struct request *rq, const char *name)
{
	int	 i;

	for (i = 0; i < rq->nheaders; i++)
		if (strcasecmp(rq->hname[i], name) == 0)
			return rq->hvalue[i];
	return NULL;
}

static enum MHD_Result
queue(struct MHD_Connection *conn, struct request *rq)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;
	size_t			 i;
	int			 k;

	resp = MHD_create_response_from_buffer(rq->resplen,
	    rq->resp != NULL ? rq->resp : (char *)"", rq->resp != NULL ?
	    MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	rq->resp = NULL;		/* the response owns it now */
	for (i = 0; i < sizeof(security_headers) /
	    sizeof(security_headers[0]); i++)
		MHD_add_response_header(resp, security_headers[i][0],
		    security_headers[i][1]);
	if (rq->ctype != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    rq->ctype);
	for (k = 0; k < rq->nheaders; k++)
		MHD_add_response_header(resp, rq->hname[k], rq->hvalue[k]);
	if (rq->ctype != NULL && strcmp(rq->ctype, "application/json") == 0 &&
	    added_header(rq, "Cache-Control") == NULL)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	ret = MHD_queue_response(conn, rq->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
client_address(struct MHD_Connection *conn, char *out, size_t len)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;

	snprintf(out, len, "unknown");
	ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, out, len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, out, len);
}

/* The first call: route, authorisation, the announced body size. */
static int
request_begin(struct http *h, struct MHD_Connection *conn, const char *url,
    const char *method, struct request *rq)
{
	char		 allowed[128];
	const char	*cl;
	char		*end;
	unsigned long long n;

	rq->conn = conn;
	rq->method = method;
	rq->now = time(NULL);
	if ((rq->path = strdup(url)) == NULL)
		return -1;
	client_address(conn, rq->client, sizeof(rq->client));
	rq->route = route_find(h, method, rq, allowed, sizeof(allowed));
	if (rq->route == NULL) {
		if (allowed[0] != '\0') {
			http_add_header(rq, "Allow", allowed);
			return http_error(rq, 405, "method_not_allowed", NULL,
			    "%s is not allowed here", method);
		}
		return http_error(rq, 404, "not_found", NULL,
		    "no such resource");
	}
	rq->st = h->cfg.thread_store();
	if (rq->st == NULL)
		return http_error(rq, 503, "unavailable", NULL,
		    "the database is unavailable");
	if (h->cfg.authorize(rq) == -1)
		return 0;
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno != 0 || *end != '\0' || n > BODY_MAX)
			return http_error(rq, 413, "payload_too_large", NULL,
			    "the body is over %d bytes", BODY_MAX);
	}
	return 0;
}

static int
body_append(struct request *rq, const char *data, size_t len)
{
	char	*nb;
	size_t	 ncap;

	if (rq->too_large || rq->bodylen + len > BODY_MAX) {
		rq->too_large = 1;
		return 0;
	}
	if (rq->bodylen + len + 1 > rq->bodycap) {
		ncap = rq->bodycap ? rq->bodycap : 1024;
		while (ncap < rq->bodylen + len + 1)
			ncap *= 2;
		if ((nb = realloc(rq->body, ncap)) == NULL)
			return -1;
		rq->body = nb;
		rq->bodycap = ncap;
	}
	memcpy(rq->body + rq->bodylen, data, len);
	rq->bodylen += len;
	rq->body[rq->bodylen] = '\0';
	return 0;
}

/* The last call: the body is whole; parse it and run the handler. */
static void
request_run(struct request *rq)
{
	const struct route	*r = rq->route;
	json_error_t		 jerr;

	if (rq->too_large) {
		http_error(rq, 413, "payload_too_large", NULL,
		    "the body is over %d bytes", BODY_MAX);
		return;
	}
	if ((r->flags & (R_BODY | R_BODY_OPT)) &&
	    !((r->flags & R_BODY_OPT) && rq->bodylen == 0)) {
		rq->json = json_loadb(rq->body != NULL ? rq->body : "",
		    rq->bodylen, JSON_ALLOW_NUL, &jerr);
		if (rq->json == NULL) {
			http_error(rq, 400, "invalid_json", NULL,
			    "the body is not valid JSON: %s", jerr.text);
			return;
		}
		if (!json_is_object(rq->json)) {
			http_error(rq, 400, "invalid_json", NULL,
			    "the body must be a JSON object");
			return;
		}
		if (!json_depth_ok(rq->json, 1)) {
			http_error(rq, 400, "invalid_json", NULL,
			    "the body nests deeper than %d levels",
			    JSON_DEPTH_MAX);
			return;
		}
	}
	r->handler(rq);
	if (!rq->answered)
		http_error(rq, 500, "internal", NULL, "no answer");
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct http	*h = cls;
	struct request	*rq = *req_cls;

	if (rq == NULL) {
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		*req_cls = rq;
		atomic_fetch_add(&h->inflight, 1);
		if (request_begin(h, conn, url, method, rq) == -1)
			return MHD_NO;
		if (rq->answered)
			return queue(conn, rq);
		return MHD_YES;
	}
	if (rq->answered)
		return queue(conn, rq);
	if (*upload_data_size > 0) {
		if (body_append(rq, upload_data, *upload_data_size) == -1)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	request_run(rq);
	return queue(conn, rq);
}

static void
completed_cb(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http	*h = cls;

	if (*req_cls == NULL)
		return;
	request_free(*req_cls);
	*req_cls = NULL;
	atomic_fetch_sub(&h->inflight, 1);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	 line[512];
	size_t	 n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	log_debug("http: %s", line);
}

static int
parse_listen(const char *listen, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	char		 host[128];
	const char	*colon;
	char		*end;
	long		 port;
	size_t		 hl;

	memset(ss, 0, sizeof(*ss));
	if ((colon = strrchr(listen, ':')) == NULL)
		return -1;
	hl = colon - listen;
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535 || colon[1] == '\0')
		return -1;
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*sslen = sizeof(*s6);
	} else {
		struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;

		if (strcmp(host, "localhost") == 0)
			snprintf(host, sizeof(host), "127.0.0.1");
		if (host[0] == '\0' || strcmp(host, "*") == 0)
			snprintf(host, sizeof(host), "0.0.0.0");
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return -1;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*sslen = sizeof(*s4);
	}
	return 0;
}

/* Opens the listening socket ourselves, so that errors are ours to say. */
static int
listen_socket(const char *listen_addr)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 fd, on = 1;

	if (parse_listen(listen_addr, &ss, &sslen) == -1) {
		log_warnx("listen: bad address %s", listen_addr);
		return -1;
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1) {
		log_warn("listen: socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1) {
		log_warn("listen: %s", listen_addr);
		close(fd);
		return -1;
	}
	if (listen(fd, 1024) == -1) {
		log_warn("listen: %s", listen_addr);
		close(fd);
		return -1;
	}
	return fd;
}

struct http *
http_start(const struct http_config *cfg)
{
	struct http	*h;
	int		 fd = cfg->fd;
	unsigned int	 flags;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->cfg = *cfg;
	if ((h->web_dir = strdup(cfg->web_dir)) == NULL)
		goto fail;
	if (fd == -1) {
		if ((fd = listen_socket(cfg->listen)) == -1)
			goto fail;
		h->own_fd = 1;
	}
	the_http = h;
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC | MHD_USE_ERROR_LOG;
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, h,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, h,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4096,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		log_warnx("http: cannot start the server");
		if (h->own_fd)
			close(fd);
		goto fail;
	}
	return h;
fail:
	free(h->web_dir);
	free(h);
	the_http = NULL;
	return NULL;
}

int
http_port(struct http *h)
{
	const union MHD_DaemonInfo	*di;

	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	return di != NULL ? di->port : -1;
}

/*
 * Quiescing first stops accepting without closing the listening socket,
 * which under socket activation belongs to systemd and must stay open for
 * the next start. Then requests in flight get up to ms to finish.
 */
void
http_stop(struct http *h, int ms)
{
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	MHD_socket	 fd;
	int		 waited = 0;

	if (h == NULL)
		return;
	fd = MHD_quiesce_daemon(h->d);
	while (atomic_load(&h->inflight) > 0 && waited < ms) {
		nanosleep(&ts, NULL);
		waited += 10;
	}
	MHD_stop_daemon(h->d);
	if (h->own_fd && fd != MHD_INVALID_SOCKET)
		close(fd);
	the_http = NULL;
	free(h->web_dir);
	free(h);
}
