/*++
 * NAME
 *	unix_connect - connect to a UNIX-domain stream socket within a time limit
 * SYNOPSIS
 *	#include <sockets.h>
 *
 *	int	unix_connect(const char *path, int timeout_ms, VSTRING *why);
 * DESCRIPTION
 *	unix_connect() connects to the socket at path and returns a
 *	blocking, close-on-exec descriptor, or -1 with a reason in why. When
 *	the listener's backlog is full it keeps trying until timeout_ms
 *	milliseconds have passed (0: it tries once; negative: for ever).
 * DIAGNOSTICS
 *	Returned: the reason names the path and the system error.
 *--*/

/* System library. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "sockets.h"
#include "timed_io.h"

/* unix_connect - connect to path */

int unix_connect(const char *path, int timeout_ms, VSTRING *why)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int64_t deadline = monotonic_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
    int fd;

    if (strlen(path) >= sizeof(sun.sun_path)) {
        vstring_sprintf(why, "socket path too long: %s", path);
        return -1;
    }
    strcpy(sun.sun_path, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
        vstring_sprintf(why, "socket for %s: %m", path);
        return -1;
    }
    for (;;) {
        if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
            break;
        if (errno == EINPROGRESS) {
            socklen_t errlen = sizeof(int);
            int err = 0;

            if (poll_fd(fd, POLLOUT, timeout_ms) > 0 &&
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) == 0 && err == 0)
                break;
            if (err)
                errno = err;
        } else if (errno == EAGAIN && (timeout_ms < 0 || monotonic_ms() < deadline)) {
            /* Backlog full: the listener is busy, not gone. */
            nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
            continue;
        }
        if (errno == EAGAIN)
            errno = ETIMEDOUT;
        vstring_sprintf(why, "connect to %s: %m", path);
        close(fd);
        return -1;
    }
    if (set_nonblock(fd, 0) < 0) {
        vstring_sprintf(why, "connect to %s: %m", path);
        close(fd);
        return -1;
    }
    return fd;
}
