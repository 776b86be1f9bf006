/*++
 * NAME
 *	dict_bulk - build a table file aside and move it into place
 * SYNOPSIS
 *	#include <dict.h>
 *	#include <dict_bulk.h>
 *
 *	int	dict_bulk_create(const char *path, char **out_tmp_path);
 *	int	dict_bulk_open(const char *path, int dict_flags, int open_flags,
 *			char **out_tmp_path);
 *	void	dict_bulk_commit(const char *tmp_path, const char *path,
 *			int fd);
 *	void	dict_bulk_abandon(const char *tmp_path);
 *	bool	dict_bulk_pending(const char *tmp_path);
 *
 *	void	dict_bulk_cleanup(void);
 * DESCRIPTION
 *	File-based table types (hash, btree, lmdb) rebuild a table the same
 *	way: the new table is written to a fresh temporary file beside the
 *	old one, flushed to disk and renamed over it, so that a reader sees
 *	either the old table or the complete new one, never a part.
 *
 *	dict_bulk_create() creates an empty file "path.PID.RANDOM" (mode
 *	0644 less the umask) and returns its descriptor, or -1 with errno.
 *	The new name goes to *out_tmp_path (mymalloc()ed; the caller frees
 *	it, also after a failure) and onto the list of unfinished builds.
 *
 *	dict_bulk_open() opens the file that a table type's library will
 *	use: with DICT_FLAG_BULK_UPDATE in dict_flags a fresh file from
 *	dict_bulk_create() (*out_tmp_path is its name, or NULL after a
 *	failure), else path itself, read-only or read-write (created with
 *	O_CREAT in open_flags) as open_flags say. It returns the descriptor,
 *	or -1 with errno.
 *
 *	dict_bulk_commit() flushes the file open on fd, renames tmp_path
 *	over path, flushes the directory, and forgets tmp_path.
 *
 *	dict_bulk_abandon() removes tmp_path and forgets it.
 *
 *	dict_bulk_pending() tells whether tmp_path is still an unfinished
 *	build (dict_bulk_cleanup() may have removed it already).
 *
 *	dict_bulk_cleanup() removes the temporary file of every unfinished
 *	build, for a program's fatal error path.
 * DIAGNOSTICS
 *	A failure to flush or rename in dict_bulk_commit() is fatal: the
 *	old table stays in place, and the temporary file is removed.
 *--*/

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "dict.h"
#include "dict_bulk.h"
#include "msg.h"
#include "mymalloc.h"

/* Temporary files of builds in progress in this process. */
static ARGV *dict_bulk_paths;

/* dict_bulk_find - the index of a pending temporary file, or -1 */

static long dict_bulk_find(const char *tmp_path)
{
    for (size_t i = 0; dict_bulk_paths && i < dict_bulk_paths->argc; i++)
        if (strcmp(dict_bulk_paths->argv[i], tmp_path) == 0)
            return (long)i;
    return -1;
}

/* dict_bulk_forget - drop a temporary file from the list */

static void dict_bulk_forget(const char *tmp_path)
{
    long i = dict_bulk_find(tmp_path);

    if (i >= 0)
        argv_delete(dict_bulk_paths, (size_t)i);
}

/* dict_bulk_create - a fresh temporary file beside path */

int dict_bulk_create(const char *path, char **out_tmp_path)
{
    size_t len = strlen(path) + 40;
    char *tmp_path = mymalloc(len);
    int fd = -1;

    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(tmp_path, len, "%s.%ld.%lx", path, (long)getpid(), (unsigned long)random());
        if ((fd = open(tmp_path, O_RDWR | O_CREAT | O_EXCL, 0644)) >= 0 || errno != EEXIST)
            break;
    }
    *out_tmp_path = tmp_path;
    if (fd >= 0) {
        if (dict_bulk_paths == NULL)
            dict_bulk_paths = argv_alloc(1);
        argv_add(dict_bulk_paths, tmp_path);
    }
    return fd;
}

/* dict_bulk_fsync_dir - make a rename in a directory durable */

static void dict_bulk_fsync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL   ? mystrdup(".")
                : slash == path ? mystrdup("/")
                                : mystrndup(path, slash - path);
    int fd;

    if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
        (void)fsync(fd);
        (void)close(fd);
    }
    myfree(dir);
}

/* dict_bulk_open - the file a table type maps: a fresh one for a rebuild, else the table */

int dict_bulk_open(const char *path, int dict_flags, int open_flags, char **out_tmp_path)
{
    int fd;

    if (dict_flags & DICT_FLAG_BULK_UPDATE) {
        if ((fd = dict_bulk_create(path, out_tmp_path)) < 0) {
            myfree(*out_tmp_path);
            *out_tmp_path = NULL;
        }
        return fd;
    }
    if ((open_flags & O_ACCMODE) == O_RDONLY)
        return open(path, O_RDONLY);
    return open(path, O_RDWR | (open_flags & O_CREAT), 0644);
}

/* dict_bulk_commit - flush the new table and move it into place */

void dict_bulk_commit(const char *tmp_path, const char *path, int fd)
{
    if (fsync(fd) < 0) {
        (void)unlink(tmp_path);
        msg_fatal("fsync %s: %m", tmp_path);
    }
    if (rename(tmp_path, path) < 0) {
        (void)unlink(tmp_path);
        msg_fatal("rename %s to %s: %m", tmp_path, path);
    }
    dict_bulk_forget(tmp_path);
    dict_bulk_fsync_dir(path);
}

/* dict_bulk_abandon - remove an unfinished build */

void dict_bulk_abandon(const char *tmp_path)
{
    (void)unlink(tmp_path);
    dict_bulk_forget(tmp_path);
}

/* dict_bulk_pending - is a temporary file still waiting for commit? */

bool dict_bulk_pending(const char *tmp_path)
{
    return dict_bulk_find(tmp_path) >= 0;
}

/* dict_bulk_cleanup - remove the temporary files of unfinished builds */

void dict_bulk_cleanup(void)
{
    for (size_t i = 0; dict_bulk_paths && i < dict_bulk_paths->argc; i++)
        (void)unlink(dict_bulk_paths->argv[i]);
    if (dict_bulk_paths)
        argv_truncate(dict_bulk_paths, 0);
}
