/*++
 * NAME
 *	dot_lock - mailbox locks by lock file (path.lock)
 * SYNOPSIS
 *	#include <dot_lock.h>
 *
 *	int	dot_lock(const char *path, int attempts, int delay_ms,
 *				int stale_seconds, VSTRING *why);
 *	void	dot_unlock(const char *path);
 * DESCRIPTION
 *	dot_lock() creates path.lock exclusively (O_CREAT | O_EXCL, mode
 *	0600). When it exists, it waits delay_ms milliseconds and tries
 *	again, at most attempts times in all; a lock file whose last change
 *	is more than stale_seconds ago is removed first (its writer died).
 *	It returns 0, or -1 with a reason in why: the lock is held (errno
 *	EAGAIN) or the file cannot be created (errno from open(2)).
 *
 *	dot_unlock() removes path.lock.
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "dot_lock.h"
#include "vstring.h"

/* dot_lock - take the lock file */

int dot_lock(const char *path, int attempts, int delay_ms, int stale_seconds, VSTRING *why)
{
    VSTRING *lock = vstring_alloc(100);
    struct stat st;
    int fd = -1, saved_errno = 0;

    vstring_sprintf(lock, "%s.lock", path);
    for (int i = 0; i < (attempts > 0 ? attempts : 1); i++) {
        if (i > 0 && delay_ms > 0) {
            struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};

            nanosleep(&ts, NULL);
        }
        if ((fd = open(vstring_str(lock), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0)
            break;
        saved_errno = errno;
        if (errno != EEXIST)
            break;
        if (stat(vstring_str(lock), &st) == 0 && time(NULL) - st.st_ctime > stale_seconds)
            (void)unlink(vstring_str(lock));
    }
    if (fd >= 0) {
        close(fd);
        vstring_free(lock);
        return 0;
    }
    if (saved_errno == EEXIST) {
        vstring_sprintf(why, "unable to lock %s: lock file %s exists", path, vstring_str(lock));
        errno = EAGAIN;
    } else {
        vstring_sprintf(why, "unable to create lock file %s: %s", vstring_str(lock),
                        strerror(saved_errno));
        errno = saved_errno;
    }
    vstring_free(lock);
    return -1;
}

/* dot_unlock - remove the lock file */

void dot_unlock(const char *path)
{
    VSTRING *lock = vstring_alloc(100);

    vstring_sprintf(lock, "%s.lock", path);
    (void)unlink(vstring_str(lock));
    vstring_free(lock);
}
