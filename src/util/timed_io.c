/*++
 * NAME
 *	timed_io - read and write a descriptor within a time limit
 * SYNOPSIS
 *	#include <timed_io.h>
 *
 *	int64_t	monotonic_ms(void);
 *	int	poll_fd(int fd, short events, int timeout_ms);
 *	ssize_t	timed_read(int fd, void *buf, size_t len, int timeout_ms,
 *			void *unused_context);
 *	ssize_t	timed_write(int fd, const void *buf, size_t len, int timeout_ms,
 *			void *unused_context);
 *	int	set_nonblock(int fd, int on);
 *	int	set_cloexec(int fd, int on);
 * DESCRIPTION
 *	monotonic_ms() returns a monotonic clock in milliseconds.
 *
 *	poll_fd() waits until fd is ready for events (POLLIN or POLLOUT),
 *	at most timeout_ms milliseconds (negative: no limit). It returns 1
 *	when ready (also on hang-up or error, so that the next read or write
 *	reports it), 0 with errno ETIMEDOUT on timeout, -1 on error. A signal
 *	does not shorten the wait.
 *
 *	timed_read() and timed_write() wait with poll_fd() and then do one
 *	read(2) or write(2), retrying when a non-blocking descriptor is not
 *	ready after all. They return what the system call returns, or -1 with
 *	errno ETIMEDOUT. Their signature is that of the vstream(3) low-level
 *	I/O functions.
 *
 *	set_nonblock() and set_cloexec() switch O_NONBLOCK and FD_CLOEXEC and
 *	return the previous state, or -1 on error.
 *--*/

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "timed_io.h"

/* monotonic_ms - milliseconds since an arbitrary point */

int64_t monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll_fd - wait until a descriptor is ready */

int poll_fd(int fd, short events, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = events};
    int64_t deadline = timeout_ms < 0 ? 0 : monotonic_ms() + timeout_ms;
    int wait_ms = timeout_ms;

    for (;;) {
        int n = poll(&pfd, 1, wait_ms);

        if (n > 0)
            return 1;
        if (n == 0) {
            errno = ETIMEDOUT;
            return 0;
        }
        if (errno != EINTR)
            return -1;
        if (timeout_ms >= 0) {
            wait_ms = (int)(deadline - monotonic_ms());
            if (wait_ms < 0)
                wait_ms = 0;
        }
    }
}

/* timed_read - read within a time limit */

ssize_t timed_read(int fd, void *buf, size_t len, int timeout_ms, void *unused_context)
{
    int64_t deadline = timeout_ms < 0 ? 0 : monotonic_ms() + timeout_ms;

    for (;;) {
        int left = timeout_ms < 0 ? -1 : (int)(deadline - monotonic_ms());
        ssize_t n;

        if (timeout_ms >= 0 && left < 0)
            left = 0;
        if (poll_fd(fd, POLLIN, left) <= 0)
            return -1;
        n = read(fd, buf, len);
        if (n >= 0 || (errno != EAGAIN && errno != EINTR))
            return n;
    }
}

/* timed_write - write within a time limit */

ssize_t timed_write(int fd, const void *buf, size_t len, int timeout_ms, void *unused_context)
{
    int64_t deadline = timeout_ms < 0 ? 0 : monotonic_ms() + timeout_ms;

    for (;;) {
        int left = timeout_ms < 0 ? -1 : (int)(deadline - monotonic_ms());
        ssize_t n;

        if (timeout_ms >= 0 && left < 0)
            left = 0;
        if (poll_fd(fd, POLLOUT, left) <= 0)
            return -1;
        n = write(fd, buf, len);
        if (n >= 0 || (errno != EAGAIN && errno != EINTR))
            return n;
    }
}

/* set_nonblock - switch O_NONBLOCK */

int set_nonblock(int fd, int on)
{
    int flags = fcntl(fd, F_GETFL, 0);

    if (flags < 0)
        return -1;
    if (fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) < 0)
        return -1;
    return (flags & O_NONBLOCK) != 0;
}

/* set_cloexec - switch FD_CLOEXEC */

int set_cloexec(int fd, int on)
{
    int flags = fcntl(fd, F_GETFD, 0);

    if (flags < 0)
        return -1;
    if (fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC) < 0)
        return -1;
    return (flags & FD_CLOEXEC) != 0;
}
