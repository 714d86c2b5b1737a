/*
 * sd.h: the two pieces of the systemd protocol creneau needs, without
 * libsystemd (sd_notify(3), sd_listen_fds(3)). Both do nothing outside
 * systemd.
 */
#ifndef CRENEAU_SD_H
#define CRENEAU_SD_H

/*
 * Sends one datagram ("READY=1", "STOPPING=1", "STATUS=...") to the socket
 * named by $NOTIFY_SOCKET: a path, or '@' for the abstract namespace.
 * Returns 0 when sent or when there is no $NOTIFY_SOCKET, -1 on an error
 * (logged).
 */
int	sd_notifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The listening socket handed over by socket activation: fd 3 when
 * $LISTEN_PID is this process and $LISTEN_FDS is 1 or more, else -1. The
 * variables are unset so that children do not take the socket for theirs,
 * and the fd is made close-on-exec. With more than one socket only the
 * first is used (logged).
 */
int	sd_listen_fd(void);

#endif
