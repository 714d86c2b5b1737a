/*
 * floor.c: the HTTP floor of the benchmarks. A bare libmicrohttpd server
 * in the daemon's threading mode (an internal thread pool, each thread
 * polling its connections with epoll, the same options as http.c) that
 * answers every request with one fixed body read from a file, with the
 * headers that the daemon puts on every answer. Whatever the daemon does
 * beyond this (routing, database, slots, JSON) is what the benchmarks
 * measure against it.
 *
 * usage: floor THREADS BODYFILE [STATUS [ETAG]]
 *
 * Listens on 127.0.0.1, port 0, prints "floor: listening on
 * 127.0.0.1:PORT" on stderr and serves until SIGTERM or SIGINT. With
 * STATUS 304 the body is empty and ETAG is sent, as a feed's 304 is.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

static char		*body;		/* owned, the fixed answer */
static size_t		 bodylen;
static unsigned int	 status = MHD_HTTP_OK;
static const char	*etag;
static volatile sig_atomic_t stop;

/* The same headers as the daemon's answers (http.c), so the bytes match. */
static const char *headers[][2] = {
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Frame-Options", "DENY" },
	{ "Content-Security-Policy", "default-src 'self'; script-src 'self'; "
	    "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
	{ "Content-Type", "application/json" },
	{ "Cache-Control", "no-store" },
};

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;
	size_t			 i;

	/* A response is made per request, as the daemon does. */
	if (status == MHD_HTTP_NOT_MODIFIED)
		resp = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	else
		resp = MHD_create_response_from_buffer(bodylen, body,
		    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
		MHD_add_response_header(resp, headers[i][0], headers[i][1]);
	if (etag != NULL)
		MHD_add_response_header(resp, "ETag", etag);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
on_signal(int sig)
{
	stop = 1;
}

static int
read_file(const char *path)
{
	FILE		*f;
	struct stat	 sb;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	if (fstat(fileno(f), &sb) == -1 || (body = malloc(sb.st_size + 1)) ==
	    NULL)
		goto fail;
	bodylen = fread(body, 1, sb.st_size, f);
	if ((off_t)bodylen != sb.st_size)
		goto fail;
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

int
main(int argc, char *argv[])
{
	struct MHD_Daemon	*d;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	const union MHD_DaemonInfo *info;
	struct sigaction	 sa;
	int			 threads, fd;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: floor THREADS BODYFILE [STATUS "
		    "[ETAG]]\n");
		return 2;
	}
	threads = atoi(argv[1]);
	if (threads < 1 || read_file(argv[2]) == -1) {
		fprintf(stderr, "floor: bad thread count or body file\n");
		return 2;
	}
	if (argc > 3)
		status = (unsigned int)atoi(argv[3]);
	if (argc > 4)
		etag = argv[4];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL, access_cb, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4096,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "floor: cannot start the server\n");
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
	fd = info != NULL ? info->listen_fd : -1;
	if (fd == -1 || getsockname(fd, (struct sockaddr *)&sin, &slen) ==
	    -1) {
		fprintf(stderr, "floor: cannot read the port back\n");
		MHD_stop_daemon(d);
		return 1;
	}
	fprintf(stderr, "floor: listening on 127.0.0.1:%u\n",
	    (unsigned int)ntohs(sin.sin_port));
	/* Bounded: the bench script stops us, and we stop after an hour. */
	for (int i = 0; !stop && i < 36000; i++)
		usleep(100 * 1000);
	MHD_stop_daemon(d);
	free(body);
	return 0;
}
