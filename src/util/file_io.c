/*++
 * NAME
 *	file_io - read a whole file; replace a file atomically and durably
 * SYNOPSIS
 *	#include <file_io.h>
 *
 *	int	read_file(const char *path, VSTRING *out, size_t limit,
 *				VSTRING *why);
 *	int	write_file_atomically(const char *path, const void *data,
 *				size_t len, mode_t mode, VSTRING *why);
 *	int	fsync_parent_dir(const char *path, VSTRING *why);
 * DESCRIPTION
 *	read_file() replaces the content of out with the content of path
 *	(binary-safe). limit caps the size in bytes (0: no limit); a larger
 *	file is an error, not a truncation.
 *
 *	write_file_atomically() replaces path with len bytes of data, so
 *	that readers and a crash at any moment see either the old content
 *	or the new content, never a mix: it writes a temporary file in the
 *	same directory (named path.tmpXXXXXX), gives it mode exactly (the
 *	umask does not apply), fsync()s it, rename()s it over path and
 *	fsync()s the directory. The new file belongs to the caller; a
 *	symbolic link at path is replaced, not followed. On failure the
 *	temporary file is removed and path is unchanged. postconf -e,
 *	table builders and the PRNG exchange file share this code.
 *
 *	fsync_parent_dir() makes a rename or creation of path durable by
 *	syncing the directory that holds it.
 *
 *	All return 0, or -1 with a reason in why.
 * DIAGNOSTICS
 *	Returned: the reason names the file and the system error.
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Utility library. */
#include "file_io.h"
#include "mymalloc.h"

/* read_file - the whole content of a file */

int read_file(const char *path, VSTRING *out, size_t limit, VSTRING *why)
{
    char buf[16384];
    ssize_t n;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        vstring_sprintf(why, "open %s: %m", path);
        return -1;
    }
    VSTRING_RESET(out);
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            vstring_sprintf(why, "read %s: %m", path);
            close(fd);
            return -1;
        }
        if (limit && VSTRING_LEN(out) + n > limit) {
            vstring_sprintf(why, "%s is larger than %zu bytes", path, limit);
            close(fd);
            return -1;
        }
        vstring_memcat(out, buf, n);
    }
    close(fd);
    return 0;
}

/* fsync_parent_dir - sync the directory that holds path */

int fsync_parent_dir(const char *path, VSTRING *why)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL   ? mystrdup(".")
                : slash == path ? mystrdup("/")
                                : mystrndup(path, slash - path);
    int fd, status = 0;

    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(fd) < 0) {
        vstring_sprintf(why, "sync directory %s: %m", dir);
        status = -1;
    }
    if (fd >= 0)
        close(fd);
    myfree(dir);
    return status;
}

/* write_all - write every byte */

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= n;
    }
    return 0;
}

/* write_file_atomically - replace a file with new content */

int write_file_atomically(const char *path, const void *data, size_t len, mode_t mode, VSTRING *why)
{
    VSTRING *tmp = vstring_alloc(100);
    int fd;

    vstring_sprintf(tmp, "%s.tmpXXXXXX", path);
    if ((fd = mkostemp(vstring_str(tmp), O_CLOEXEC)) < 0) {
        vstring_sprintf(why, "create a temporary file for %s: %m", path);
        vstring_free(tmp);
        return -1;
    }
    if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        vstring_sprintf(why, "write %s: %m", vstring_str(tmp));
        close(fd);
    } else if (close(fd) < 0) {
        vstring_sprintf(why, "close %s: %m", vstring_str(tmp));
    } else if (rename(vstring_str(tmp), path) < 0) {
        vstring_sprintf(why, "rename %s to %s: %m", vstring_str(tmp), path);
    } else {
        vstring_free(tmp);
        return fsync_parent_dir(path, why);
    }
    unlink(vstring_str(tmp));
    vstring_free(tmp);
    return -1;
}
