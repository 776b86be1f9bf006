/*++
 * NAME
 *	safe_open - open or create a regular file without symlink or hard-link races
 * SYNOPSIS
 *	#include <safe_open.h>
 *
 *	int	safe_open(const char *path, int flags, mode_t mode,
 *				struct stat *out_st, uid_t user, gid_t group,
 *				VSTRING *why);
 * DESCRIPTION
 *	safe_open() opens path as open(2) would with flags (O_RDONLY,
 *	O_WRONLY or O_RDWR, with O_CREAT, O_EXCL, O_TRUNC, O_APPEND), and
 *	returns a close-on-exec descriptor, or -1 with a reason in why. It
 *	refuses what an attacker who can write the directory could plant:
 *	.IP \(bu
 *	An existing file must be a regular file (not a symlink, fifo or
 *	device), have exactly one hard link, and still be the file at path
 *	after it was opened (fstat() of the descriptor and lstat() of the
 *	path give the same device and inode). With user other than
 *	SAFE_OPEN_ANY_OWNER (group other than SAFE_OPEN_ANY_GROUP) it must
 *	also have that owner (group). O_TRUNC takes effect only after
 *	these checks.
 *	.IP \(bu
 *	A new file (O_CREAT, when none exists; always with O_EXCL) is made
 *	with O_EXCL, so that nothing that appears in the meantime, a
 *	dangling symlink included, is followed. It gets mode (minus the
 *	umask) and, with user or group given, that owner or group.
 *	.PP
 *	When out_st is not NULL it receives the file's status.
 * DIAGNOSTICS
 *	Returned: the reason names the path and what was wrong.
 * SEE ALSO
 *	file_io(3), myflock(3)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* Utility library. */
#include "safe_open.h"
#include "timed_io.h"

#define SAFE_OPEN_TRIES 10 /* rounds of the open-or-create race */

/* safe_open_fail - close, keeping errno */

static int safe_open_fail(int fd)
{
    int saved_errno = errno;

    close(fd);
    errno = saved_errno;
    return -1;
}

/* safe_open_check - the descriptor is the lone, regular file at path */

static int safe_open_check(int fd, const char *path, struct stat *fst, uid_t user, gid_t group,
                           VSTRING *why)
{
    struct stat lst;

    if (fstat(fd, fst) < 0) {
        vstring_sprintf(why, "fstat %s: %m", path);
        return -1;
    }
    if (!S_ISREG(fst->st_mode)) {
        vstring_sprintf(why, "%s is not a regular file", path);
        return -1;
    }
    if (fst->st_nlink != 1) {
        vstring_sprintf(why, "%s has %lu hard links", path, (unsigned long)fst->st_nlink);
        return -1;
    }
    if (lstat(path, &lst) < 0) {
        vstring_sprintf(why, "lstat %s: %m", path);
        return -1;
    }
    if (lst.st_dev != fst->st_dev || lst.st_ino != fst->st_ino) {
        vstring_sprintf(why, "%s was replaced while it was being opened", path);
        return -1;
    }
    if (user != SAFE_OPEN_ANY_OWNER && fst->st_uid != user) {
        vstring_sprintf(why, "%s is owned by uid %lu, not %lu", path, (unsigned long)fst->st_uid,
                        (unsigned long)user);
        return -1;
    }
    if (group != SAFE_OPEN_ANY_GROUP && fst->st_gid != group) {
        vstring_sprintf(why, "%s has group id %lu, not %lu", path, (unsigned long)fst->st_gid,
                        (unsigned long)group);
        return -1;
    }
    return 0;
}

/* safe_open_existing - open a file that should exist; 1 absent, 0 ok, -1 error */

static int safe_open_existing(const char *path, int flags, int *out_fd, VSTRING *why)
{
    int open_flags = (flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;

    if ((*out_fd = open(path, open_flags)) >= 0)
        return 0;
    if (errno == ENOENT && (flags & O_CREAT))
        return 1;
    if (errno == ELOOP)
        vstring_sprintf(why, "%s is a symbolic link", path);
    else
        vstring_sprintf(why, "open %s: %m", path);
    return -1;
}

/* safe_open_create - create a new file; 1 exists now, 0 ok, -1 error */

static int safe_open_create(const char *path, int flags, mode_t mode, int *out_fd, VSTRING *why)
{
    int open_flags = (flags & ~O_TRUNC) | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;

    if ((*out_fd = open(path, open_flags, mode)) >= 0)
        return 0;
    if (errno == EEXIST && !(flags & O_EXCL))
        return 1;
    vstring_sprintf(why, "create %s: %m", path);
    return -1;
}

/* safe_open - open or create path safely */

int safe_open(const char *path, int flags, mode_t mode, struct stat *out_st, uid_t user,
              gid_t group, VSTRING *why)
{
    struct stat st;

    for (int tries = 0; tries < SAFE_OPEN_TRIES; tries++) {
        int fd = -1, status = 1, created = 0;

        if (!(flags & O_EXCL))
            status = safe_open_existing(path, flags, &fd, why);
        if (status == 1) {
            if ((status = safe_open_create(path, flags, mode, &fd, why)) == 1)
                continue; /* it appeared in the meantime: open that */
            created = 1;
        }
        if (status < 0)
            return -1;
        if (created && (user != SAFE_OPEN_ANY_OWNER || group != SAFE_OPEN_ANY_GROUP) &&
            fchown(fd, user, group) < 0) {
            vstring_sprintf(why, "chown %s: %m", path);
            return safe_open_fail(fd);
        }
        if (safe_open_check(fd, path, &st, user, group, why) < 0)
            return safe_open_fail(fd);
        if (!created && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY &&
            ftruncate(fd, 0) < 0) {
            vstring_sprintf(why, "truncate %s: %m", path);
            return safe_open_fail(fd);
        }
        if (set_nonblock(fd, 0) < 0) {
            vstring_sprintf(why, "fcntl %s: %m", path);
            return safe_open_fail(fd);
        }
        if (out_st) {
            *out_st = st;
            if (!created && (flags & O_TRUNC))
                out_st->st_size = 0;
        }
        return fd;
    }
    vstring_sprintf(why, "%s keeps appearing and disappearing", path);
    return -1;
}
