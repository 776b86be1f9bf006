/*++
 * NAME
 *	pid_file - a locked pid file that keeps a second daemon away
 * SYNOPSIS
 *	#include <pid_file.h>
 *
 *	int	pid_file_open(const char *path, VSTRING *why);
 *	int	pid_file_update(int fd, VSTRING *why);
 *	int	pid_file_check(const char *path, pid_t *out_pid, VSTRING *why);
 * DESCRIPTION
 *	A daemon that must run once per directory (master: once per queue
 *	directory) holds an exclusive lock on its pid file for as long as it
 *	lives; the file names the daemon's process id. The kernel drops the
 *	lock when the process dies, however it dies, so a stale file never
 *	blocks a restart.
 *
 *	pid_file_open() opens or creates path (safely: see safe_open()),
 *	locks it without waiting, and writes the current process id into
 *	it. It returns the descriptor, which the caller keeps open (it is
 *	close-on-exec), or -1 with a reason in why; when another process
 *	holds the lock, errno is EAGAIN and the reason gives that process's
 *	id. Open the file after detaching from the terminal, or call
 *	pid_file_update() in the process that lives on: the lock passes to
 *	child processes with the descriptor (see myflock()).
 *
 *	pid_file_update() rewrites the file with the current process id.
 *
 *	pid_file_check() tells whether a live process holds the lock on
 *	path: 1 (and its id in out_pid, when not NULL, and readable), 0 when
 *	none does (the file may be absent), or -1 with a reason in why.
 * DIAGNOSTICS
 *	Returned: the reason names the file and the problem.
 * SEE ALSO
 *	myflock(3), safe_open(3)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Utility library. */
#include "myflock.h"
#include "pid_file.h"
#include "safe_open.h"

/* pid_file_read - the process id written in a pid file, or 0 */

static pid_t pid_file_read(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    long pid;

    if (n <= 0)
        return 0;
    buf[n] = 0;
    pid = strtol(buf, NULL, 10);
    return pid > 0 ? (pid_t)pid : 0;
}

/* pid_file_update - write the current process id */

int pid_file_update(int fd, VSTRING *why)
{
    char buf[32];
    int len = snprintf(buf, sizeof(buf), "%10ld\n", (long)getpid());

    if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, len, 0) != len || fsync(fd) < 0) {
        vstring_sprintf(why, "write pid file: %m");
        return -1;
    }
    return 0;
}

/* pid_file_open - lock the pid file and claim it */

int pid_file_open(const char *path, VSTRING *why)
{
    int fd = safe_open(path, O_RDWR | O_CREAT, 0644, NULL, SAFE_OPEN_ANY_OWNER, SAFE_OPEN_ANY_GROUP,
                       why);

    if (fd < 0)
        return -1;
    if (myflock(fd, MYFLOCK_EXCLUSIVE | MYFLOCK_NOWAIT) < 0) {
        int saved_errno = errno;

        if (saved_errno == EAGAIN)
            vstring_sprintf(why, "%s is locked by another process (pid %ld)", path,
                            (long)pid_file_read(fd));
        else
            vstring_sprintf(why, "lock %s: %m", path);
        close(fd);
        errno = saved_errno;
        return -1;
    }
    if (pid_file_update(fd, why) < 0) {
        vstring_sprintf(why, "write %s: %m", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* pid_file_check - does a live process hold the pid file? */

int pid_file_check(const char *path, pid_t *out_pid, VSTRING *why)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    int status;

    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        vstring_sprintf(why, "open %s: %m", path);
        return -1;
    }
    if (myflock(fd, MYFLOCK_SHARED | MYFLOCK_NOWAIT) == 0) {
        status = 0;
    } else if (errno == EAGAIN) {
        status = 1;
        if (out_pid)
            *out_pid = pid_file_read(fd);
    } else {
        vstring_sprintf(why, "lock %s: %m", path);
        status = -1;
    }
    close(fd);
    return status;
}
