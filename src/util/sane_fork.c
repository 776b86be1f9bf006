/*++
 * NAME
 *	sane_fork - fork(2) that rides out a temporary shortage of processes
 * SYNOPSIS
 *	#include <sane_fork.h>
 *
 *	pid_t	sane_fork(void);
 * DESCRIPTION
 *	sane_fork() is fork(2), except that when the system is out of
 *	processes or memory for the moment (EAGAIN) it warns, waits one
 *	second and tries again, SANE_FORK_TRIES times in all. The result is
 *	fork()'s: 0 in the child, the child's id in the parent, -1 with
 *	errno set when every attempt failed.
 * DIAGNOSTICS
 *	Warning: a fork attempt failed and will be retried.
 *--*/

/* System library. */
#include <errno.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "sane_fork.h"

/* sane_fork - fork, retrying a temporary failure */

pid_t sane_fork(void)
{
    pid_t pid = -1;

    for (int attempt = 1; attempt <= SANE_FORK_TRIES; attempt++) {
        if ((pid = fork()) >= 0 || errno != EAGAIN)
            break;
        if (attempt < SANE_FORK_TRIES) {
            msg_warn("fork: %m; trying again in 1 second");
            sleep(1);
        }
    }
    return pid;
}
