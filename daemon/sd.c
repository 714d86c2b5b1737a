/*
 * sd.c: readiness notification and socket activation, spoken directly:
 * both protocols are a few lines, and libsystemd would be one more library
 * to install and audit for them.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sd.h"

#define SD_LISTEN_FDS_START	3

int
sd_notifyf(const char *fmt, ...)
{
	struct sockaddr_un	 sun;
	socklen_t		 slen;
	const char		*path;
	char			 msg[1024];
	va_list			 ap;
	size_t			 plen;
	ssize_t			 n;
	int			 fd = -1, len, rc = -1;

	if ((path = getenv("NOTIFY_SOCKET")) == NULL || *path == '\0')
		return 0;
	va_start(ap, fmt);
	len = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(msg)) {
		log_warnx("sd_notify: message too long");
		return -1;
	}

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') ||
	    plen >= sizeof(sun.sun_path)) {
		log_warnx("sd_notify: unusable NOTIFY_SOCKET %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, plen);
	/* An abstract socket's name starts with a NUL and is not
	 * NUL-terminated: its length is the address length. */
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
	    (path[0] == '/' ? 1 : 0));

	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("sd_notify: socket");
		goto done;
	}
	n = sendto(fd, msg, (size_t)len, MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, slen);
	if (n != (ssize_t)len) {
		log_warn("sd_notify: sendto %s", path);
		goto done;
	}
	rc = 0;
done:
	if (fd != -1)
		close(fd);
	return rc;
}

int
sd_listen_fd(void)
{
	const char	*pid, *fds;
	char		*end;
	struct stat	 st;
	long		 p, n;
	int		 flags;

	pid = getenv("LISTEN_PID");
	fds = getenv("LISTEN_FDS");
	if (pid == NULL || fds == NULL)
		return -1;
	errno = 0;
	p = strtol(pid, &end, 10);
	if (errno != 0 || *end != '\0' || end == pid || p != (long)getpid())
		return -1;
	errno = 0;
	n = strtol(fds, &end, 10);
	/* Ours: whatever happens next, our children must not see them. */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (errno != 0 || *end != '\0' || end == fds || n < 1)
		return -1;
	if (n > 1)
		log_warnx("socket activation: %ld sockets passed, using the "
		    "first", n);
	if (fstat(SD_LISTEN_FDS_START, &st) == -1 || !S_ISSOCK(st.st_mode)) {
		log_warnx("socket activation: fd %d is not a socket",
		    SD_LISTEN_FDS_START);
		return -1;
	}
	if ((flags = fcntl(SD_LISTEN_FDS_START, F_GETFD)) == -1 ||
	    fcntl(SD_LISTEN_FDS_START, F_SETFD, flags | FD_CLOEXEC) == -1) {
		log_warn("socket activation: fcntl");
		return -1;
	}
	return SD_LISTEN_FDS_START;
}
