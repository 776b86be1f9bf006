/*++
 * NAME
 *	daemon - detach from the terminal; sane standard descriptors
 * SYNOPSIS
 *	#include <daemon.h>
 *
 *	int	daemon_detach(int flags, VSTRING *why);
 *	void	daemon_ready(void);
 *	int	daemon_stdio_fill(void);
 * DESCRIPTION
 *	daemon_detach() turns the process into a background daemon: it
 *	forks, the original process exits, and the new process starts a
 *	session of its own (no controlling terminal) and gets /dev/null as
 *	standard input and output. It returns 0 in the daemon, or -1 with a
 *	reason in why: in the original process when the fork failed (it
 *	then carries on), in the daemon when a later step failed (it should
 *	then exit).
 *
 *	Without DAEMON_FLAG_WAIT the original process exits with status 0
 *	at once, and standard error goes to /dev/null too. With
 *	DAEMON_FLAG_WAIT it stays until the daemon calls daemon_ready(),
 *	then exits with status 0; if the daemon ends first (a fatal error
 *	during initialisation), it exits with status 1. Until
 *	daemon_ready(), the daemon keeps the original standard error, so
 *	that initialisation errors still reach the terminal; daemon_ready()
 *	then connects it to /dev/null. This is how "postfix start" learns
 *	whether the master really started.
 *
 *	daemon_stdio_fill() opens /dev/null on each of descriptors 0, 1 and
 *	2 that is closed, so that no file opened later lands there by
 *	accident (and receives what is meant for standard error). Call it
 *	first thing in main(). It returns 0 or -1.
 * DIAGNOSTICS
 *	Returned: the reason names the failed step.
 * SEE ALSO
 *	sane_fork(3), pid_file(3)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* Utility library. */
#include "daemon.h"
#include "sane_fork.h"

static int daemon_ready_fd = -1; /* write end of the ready pipe, or -1 */

/* daemon_null - connect descriptor fd to /dev/null */

static int daemon_null(int fd)
{
    int null_fd = open("/dev/null", O_RDWR);

    if (null_fd < 0)
        return -1;
    if (null_fd != fd) {
        if (dup2(null_fd, fd) < 0) {
            close(null_fd);
            return -1;
        }
        close(null_fd);
    }
    return 0;
}

/* daemon_wait_ready - the original process: exit with the daemon's verdict */

static _Noreturn void daemon_wait_ready(int read_fd)
{
    char verdict = 0;
    ssize_t n;

    do {
        n = read(read_fd, &verdict, 1);
    } while (n < 0 && errno == EINTR);
    _exit(n == 1 && verdict == 'R' ? 0 : 1);
}

/* daemon_detach - become a background daemon */

int daemon_detach(int flags, VSTRING *why)
{
    int pipefd[2] = {-1, -1};
    pid_t pid;

    if ((flags & DAEMON_FLAG_WAIT) && pipe2(pipefd, O_CLOEXEC) < 0) {
        vstring_sprintf(why, "pipe: %m");
        return -1;
    }
    if ((pid = sane_fork()) < 0) {
        vstring_sprintf(why, "fork: %m");
        if (pipefd[0] >= 0) {
            close(pipefd[0]);
            close(pipefd[1]);
        }
        return -1;
    }
    if (pid > 0) {
        if (flags & DAEMON_FLAG_WAIT) {
            close(pipefd[1]);
            daemon_wait_ready(pipefd[0]);
        }
        _exit(0);
    }
    if (flags & DAEMON_FLAG_WAIT) {
        close(pipefd[0]);
        daemon_ready_fd = pipefd[1];
    }
    if (setsid() < 0) {
        vstring_sprintf(why, "setsid: %m");
        return -1;
    }
    if (daemon_null(0) < 0 || daemon_null(1) < 0 ||
        (!(flags & DAEMON_FLAG_WAIT) && daemon_null(2) < 0)) {
        vstring_sprintf(why, "open /dev/null: %m");
        return -1;
    }
    return 0;
}

/* daemon_ready - let the original process exit with success */

void daemon_ready(void)
{
    if (daemon_ready_fd < 0)
        return;
    (void)!write(daemon_ready_fd, "R", 1);
    close(daemon_ready_fd);
    daemon_ready_fd = -1;
    (void)daemon_null(2);
}

/* daemon_stdio_fill - open /dev/null on closed standard descriptors */

int daemon_stdio_fill(void)
{
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && daemon_null(fd) < 0)
            return -1;
    return 0;
}
