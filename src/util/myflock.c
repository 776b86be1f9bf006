/*++
 * NAME
 *	myflock - advisory whole-file locks
 * SYNOPSIS
 *	#include <myflock.h>
 *
 *	int	myflock(int fd, int op);
 * DESCRIPTION
 *	myflock() takes a shared (MYFLOCK_SHARED) or exclusive
 *	(MYFLOCK_EXCLUSIVE) lock on the file open at fd, or releases it
 *	(MYFLOCK_NONE). With MYFLOCK_NOWAIT added it fails at once, with
 *	errno EAGAIN, instead of waiting for a conflicting lock to go.
 *	Signals do not interrupt the wait. It returns 0 or -1.
 *
 *	The locks are flock(2) locks, as everywhere in this program (queue
 *	files, lookup tables, pid files), so that they all see each other.
 *	Unlike fcntl(2) record locks, a flock lock belongs to the open file
 *	description: another open() of the same file in the same process
 *	conflicts with it, closing an unrelated descriptor of the file does
 *	not release it, and a child process that inherits the descriptor
 *	shares the lock, which lasts until the last copy is closed. flock
 *	locks do not work across NFS; keep the queue and tables local.
 * DIAGNOSTICS
 *	Panic: an unknown operation.
 *--*/

/* System library. */
#include <errno.h>
#include <sys/file.h>

/* Utility library. */
#include "msg.h"
#include "myflock.h"

/* myflock - take or release a lock */

int myflock(int fd, int op)
{
    static const int how[] = {LOCK_UN, LOCK_SH, LOCK_EX};
    int kind = op & ~MYFLOCK_NOWAIT;
    int status;

    if (kind < MYFLOCK_NONE || kind > MYFLOCK_EXCLUSIVE)
        msg_panic("%s: unknown operation 0x%x", __func__, (unsigned)op);
    do {
        status = flock(fd, how[kind] | ((op & MYFLOCK_NOWAIT) ? LOCK_NB : 0));
    } while (status < 0 && errno == EINTR);
    if (status < 0 && errno == EWOULDBLOCK)
        errno = EAGAIN;
    return status;
}
