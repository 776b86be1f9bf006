/*++
 * NAME
 *	fifo_listen - wake-up requests through named pipes
 * SYNOPSIS
 *	#include <sockets.h>
 *
 *	int	fifo_listen(const char *path, int mode, VSTRING *why);
 *	int	fifo_trigger(const char *path, const void *buf, size_t len,
 *				VSTRING *why);
 * DESCRIPTION
 *	fifo_listen() creates a named pipe at path with permissions mode and
 *	opens it for reading (non-blocking, close-on-exec). It returns the
 *	descriptor or -1 with a reason in why. The pipe is opened read-write,
 *	so it never reports end of file when the last writer goes away. A
 *	leftover pipe at path is replaced; any other kind of file is
 *	refused.
 *
 *	fifo_trigger() writes len bytes (at most PIPE_BUF, so the write is
 *	atomic) into the named pipe at path without waiting: when nobody
 *	listens, or the pipe is full, it fails at once. It returns 0 or -1
 *	with a reason in why.
 * DIAGNOSTICS
 *	Returned: the reason names the path and the system error.
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

/* Utility library. */
#include "sockets.h"

/* fifo_listen - create and open a named pipe */

int fifo_listen(const char *path, int mode, VSTRING *why)
{
    struct stat st, fst;
    mode_t saved_umask;
    int fd, status;

    if (lstat(path, &st) == 0) {
        if (!S_ISFIFO(st.st_mode)) {
            vstring_sprintf(why, "%s exists and is not a fifo", path);
            return -1;
        }
        if (unlink(path) < 0) {
            vstring_sprintf(why, "remove old fifo %s: %m", path);
            return -1;
        }
    } else if (errno != ENOENT) {
        vstring_sprintf(why, "lstat %s: %m", path);
        return -1;
    }
    saved_umask = umask(0777 & ~mode);
    status = mkfifo(path, mode);
    umask(saved_umask);
    if (status < 0) {
        vstring_sprintf(why, "mkfifo %s: %m", path);
        return -1;
    }
    if ((fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)) < 0) {
        vstring_sprintf(why, "open fifo %s: %m", path);
        return -1;
    }
    if (fstat(fd, &fst) < 0 || !S_ISFIFO(fst.st_mode) || fchmod(fd, mode) < 0) {
        vstring_sprintf(why, "fifo %s was replaced or cannot be set up", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* fifo_trigger - write a short request into a named pipe */

int fifo_trigger(const char *path, const void *buf, size_t len, VSTRING *why)
{
    struct stat st;
    ssize_t n;
    int fd;

    if (len > PIPE_BUF) {
        vstring_sprintf(why, "fifo %s: request of %zu bytes is too long", path, len);
        return -1;
    }
    if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)) < 0) {
        vstring_sprintf(why, "open fifo %s: %m", path);
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
        vstring_sprintf(why, "%s is not a fifo", path);
        close(fd);
        return -1;
    }
    n = write(fd, buf, len);
    if (n != (ssize_t)len) {
        if (n >= 0)
            errno = EAGAIN;
        vstring_sprintf(why, "write fifo %s: %m", path);
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}
