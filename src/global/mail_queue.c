/*++
 * NAME
 *	mail_queue - queue directories, queue IDs and queue file names
 * SYNOPSIS
 *	#include <mail_queue.h>
 *
 *	bool	mail_queue_name_ok(const char *queue);
 *	const char *mail_queue_name(int index);
 *	bool	mail_queue_id_ok(const char *id);
 *	const char *mail_queue_id_make(VSTRING *buf, const struct timeval *when,
 *				unsigned long long inode);
 *	const char *mail_queue_path(VSTRING *buf, const char *queue,
 *				const char *id);
 *
 *	int	mail_queue_move(const char *old_queue, const char *new_queue,
 *				const char *id);
 *	int	mail_queue_remove(const char *queue, const char *id);
 *	int	mail_queue_sync_dir(const char *queue);
 *	int	mail_queue_sweep_temp(const char *queue, time_t max_age);
 *	int	mail_queue_mkdir(const char *queue, uid_t owner, gid_t group,
 *				mode_t mode);
 *	int	mail_queue_mkdirs(uid_t owner, gid_t group, mode_t mode);
 *
 *	MAIL_QUEUE_SCAN *mail_queue_scan_open(const char *queue);
 *	const char *mail_queue_scan_next(MAIL_QUEUE_SCAN *scan);
 *	MAIL_QUEUE_SCAN *mail_queue_scan_close(MAIL_QUEUE_SCAN *scan);
 * DESCRIPTION
 *	The queue directory holds one flat directory per queue: maildrop,
 *	incoming, active, deferred, hold and corrupt for queue files, and
 *	bounce, defer and trace for the per-message status logs. A file is
 *	named by its queue ID alone. The flush directory holds the per-site
 *	logs of flush(8), named by site; its names are no queue IDs, so
 *	mail_queue_path() and mail_queue_scan_next() are not for it. All paths are relative to the current
 *	directory, which the caller has made the queue_directory.
 *
 *	Queues are flat: modern file systems index large directories, and a
 *	flat layout makes a move between queues one rename(2) whose outcome
 *	is always a valid state.
 *
 *	mail_queue_name_ok() accepts the names above. mail_queue_name()
 *	returns the index-th of them (0, 1, ...) and NULL past the last, so
 *	that callers can loop over all queues.
 *
 *	Queue IDs look like Postfix's long queue IDs: six base-52 digits of
 *	seconds and four of microseconds (the alphabet is the digits and the
 *	consonants, upper then lower case, which sorts in ASCII order), the
 *	letter 'z', and the inode number of the queue file in base 51 (the
 *	same alphabet without 'z'). IDs of the same length sort by creation
 *	time. The inode makes an ID unique: while a file holds the inode, no
 *	other file in the queue file system can have it, and queue files
 *	keep their inode for life (moves are renames).
 *
 *	mail_queue_id_ok() tells whether a string is a well-formed queue ID;
 *	use it on IDs from users or from directory listings.
 *	mail_queue_id_make() formats the ID for a time and an inode number.
 *
 *	mail_queue_path() formats "queue/id". Like the functions below, it
 *	aborts on an unknown queue or a malformed ID: the caller must have
 *	checked input with mail_queue_id_ok(). The result is written into
 *	buf, or with buf null into a private buffer that the next call
 *	overwrites.
 *
 *	mail_queue_move() renames a file from one queue to another and
 *	mail_queue_remove() unlinks it. They return 0, or -1 with errno set.
 *	Neither syncs the directories: after a crash the file is either in
 *	the old place or in the new one, and both are valid states.
 *
 *	mail_queue_sync_dir() makes the entries of a queue directory durable
 *	(fsync of the directory); it returns 0 or -1 with errno set.
 *
 *	mail_queue_sweep_temp() removes temporary files (names that start
 *	with MAIL_QUEUE_TEMP_PREFIX) that have not been modified for
 *	max_age seconds and that no live writer holds locked. It returns
 *	the number of files removed. A writer locks its file just after
 *	creating it; a max_age of a minute or more covers that moment.
 *
 *	mail_queue_mkdir() creates one queue directory with the given mode,
 *	and with the given owner and group unless they are (uid_t) -1 and
 *	(gid_t) -1. An existing directory is left as it is. It returns 0,
 *	or -1 with errno set. mail_queue_mkdirs() does this for every queue.
 *
 *	mail_queue_scan_open() starts a listing of a queue; it returns NULL
 *	with errno set when the directory cannot be opened.
 *	mail_queue_scan_next() returns the next queue ID, skipping temporary
 *	files and any other name that is not a queue ID, and NULL at the
 *	end; the result is overwritten by the next call. The order is that
 *	of the directory. mail_queue_scan_close() ends the listing and
 *	returns NULL.
 * DIAGNOSTICS
 *	Panic: unknown queue name, malformed queue ID. Warnings: a temporary
 *	file that cannot be removed, a directory that cannot be read.
 * SEE ALSO
 *	queue_file(3), queue_msg(3), README_FILES/QUEUE_README.
 *--*/

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "mail_queue.h"

/* Every queue directory, in the order mail_queue_name() lists them. */
static const char *const mail_queue_names[] = {
    MAIL_QUEUE_MAILDROP, MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_DEFERRED,
    MAIL_QUEUE_HOLD,     MAIL_QUEUE_CORRUPT,  MAIL_QUEUE_BOUNCE, MAIL_QUEUE_DEFER,
    MAIL_QUEUE_TRACE,    MAIL_QUEUE_FLUSH,
};

#define MAIL_QUEUE_COUNT (int)(sizeof(mail_queue_names) / sizeof(mail_queue_names[0]))

/* The queue ID alphabet: digits and consonants, in ASCII order. */
static const char mail_queue_digits[] = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";

#define MAIL_QUEUE_TIME_BASE  52 /* seconds and microseconds */
#define MAIL_QUEUE_INODE_BASE 51 /* the alphabet without 'z' */

struct MAIL_QUEUE_SCAN {
    DIR *dir;      /* open directory */
    char *queue;   /* queue name, owned */
    VSTRING *name; /* last result, owned */
};

/* mail_queue_name_ok - is this a queue name */

bool mail_queue_name_ok(const char *queue)
{
    for (int i = 0; i < MAIL_QUEUE_COUNT; i++)
        if (strcmp(queue, mail_queue_names[i]) == 0)
            return true;
    return false;
}

/* mail_queue_name - enumerate the queue names */

const char *mail_queue_name(int index)
{
    return index >= 0 && index < MAIL_QUEUE_COUNT ? mail_queue_names[index] : NULL;
}

/* mail_queue_digit - value of an ID digit, or -1 */

static int mail_queue_digit(int ch, int base)
{
    const char *cp;

    if (ch == 0 || (cp = strchr(mail_queue_digits, ch)) == NULL)
        return -1;
    return cp - mail_queue_digits < base ? (int)(cp - mail_queue_digits) : -1;
}

/* mail_queue_id_ok - is this a well-formed queue ID */

bool mail_queue_id_ok(const char *id)
{
    size_t len = strlen(id);
    size_t time_len = MAIL_QUEUE_ID_SEC_LEN + MAIL_QUEUE_ID_USEC_LEN;
    long usec = 0;

    if (len < time_len + 2 || len > MAIL_QUEUE_ID_MAX_LEN || id[time_len] != MAIL_QUEUE_ID_SEP)
        return false;
    for (size_t i = 0; i < time_len; i++) {
        int digit = mail_queue_digit(id[i], MAIL_QUEUE_TIME_BASE);

        if (digit < 0)
            return false;
        if (i >= MAIL_QUEUE_ID_SEC_LEN)
            usec = usec * MAIL_QUEUE_TIME_BASE + digit;
    }
    if (usec >= 1000000)
        return false;
    if (id[time_len + 1] == '0')
        return false;
    for (size_t i = time_len + 1; i < len; i++)
        if (mail_queue_digit(id[i], MAIL_QUEUE_INODE_BASE) < 0)
            return false;
    return true;
}

/* mail_queue_append_number - append a number in a base, at least width digits */

static void mail_queue_append_number(VSTRING *buf, unsigned long long value, int base, int width)
{
    char digits[64];
    int n = 0;

    do {
        digits[n++] = mail_queue_digits[value % base];
        value /= base;
    } while (value > 0 && n < (int)sizeof(digits));
    while (n < width)
        digits[n++] = '0';
    while (n > 0)
        vstring_addch(buf, digits[--n]);
}

/* mail_queue_id_make - format the queue ID for a time and an inode */

const char *mail_queue_id_make(VSTRING *buf, const struct timeval *when, unsigned long long inode)
{
    unsigned long long sec = when->tv_sec;
    unsigned long long sec_max = 1;

    for (int i = 0; i < MAIL_QUEUE_ID_SEC_LEN; i++)
        sec_max *= MAIL_QUEUE_TIME_BASE;
    if (when->tv_sec < 0 || sec >= sec_max || when->tv_usec < 0 || when->tv_usec >= 1000000)
        msg_panic("%s: time out of range: %lld.%06ld", __func__, (long long)when->tv_sec,
                  (long)when->tv_usec);
    if (inode == 0)
        msg_panic("%s: zero inode number", __func__);
    VSTRING_RESET(buf);
    mail_queue_append_number(buf, sec, MAIL_QUEUE_TIME_BASE, MAIL_QUEUE_ID_SEC_LEN);
    mail_queue_append_number(buf, when->tv_usec, MAIL_QUEUE_TIME_BASE, MAIL_QUEUE_ID_USEC_LEN);
    vstring_addch(buf, MAIL_QUEUE_ID_SEP);
    mail_queue_append_number(buf, inode, MAIL_QUEUE_INODE_BASE, 1);
    return vstring_str(buf);
}

/* mail_queue_check - abort on a bad queue name or queue ID */

static void mail_queue_check(const char *caller, const char *queue, const char *id)
{
    if (!mail_queue_name_ok(queue))
        msg_panic("%s: unknown queue name: \"%s\"", caller, queue);
    if (id && !mail_queue_id_ok(id))
        msg_panic("%s: malformed queue ID: \"%s\"", caller, id);
}

/* mail_queue_path - name of a queue file */

const char *mail_queue_path(VSTRING *buf, const char *queue, const char *id)
{
    static VSTRING *private_buf;

    mail_queue_check(__func__, queue, id);
    if (buf == NULL) {
        if (private_buf == NULL)
            private_buf = vstring_alloc(40);
        buf = private_buf;
    }
    vstring_sprintf(buf, "%s/%s", queue, id);
    return vstring_str(buf);
}

/* mail_queue_move - rename a file to another queue */

int mail_queue_move(const char *old_queue, const char *new_queue, const char *id)
{
    VSTRING *old_path = vstring_alloc(40);
    VSTRING *new_path = vstring_alloc(40);
    int ret;

    mail_queue_check(__func__, new_queue, NULL);
    ret =
        rename(mail_queue_path(old_path, old_queue, id), mail_queue_path(new_path, new_queue, id));
    vstring_free(old_path);
    vstring_free(new_path);
    return ret;
}

/* mail_queue_remove - unlink a queue file */

int mail_queue_remove(const char *queue, const char *id)
{
    VSTRING *path = vstring_alloc(40);
    int ret = unlink(mail_queue_path(path, queue, id));

    vstring_free(path);
    return ret;
}

/* mail_queue_sync_dir - make a queue directory's entries durable */

int mail_queue_sync_dir(const char *queue)
{
    int fd;
    int ret;
    int saved_errno;

    mail_queue_check(__func__, queue, NULL);
    if ((fd = open(queue, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return -1;
    ret = fsync(fd);
    saved_errno = errno;
    close(fd);
    errno = saved_errno;
    return ret;
}

/* mail_queue_sweep_one - remove one temporary file if it is stale */

static int mail_queue_sweep_one(int dir_fd, const char *queue, const char *name, time_t max_age)
{
    struct stat st;
    int fd;
    int removed = 0;

    fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime + max_age <= time(NULL) &&
        flock(fd, LOCK_EX | LOCK_NB) == 0) {
        if (unlinkat(dir_fd, name, 0) == 0)
            removed = 1;
        else if (errno != ENOENT)
            msg_warn("%s: remove %s/%s: %m", __func__, queue, name);
    }
    close(fd);
    return removed;
}

/* mail_queue_sweep_temp - remove stale temporary files */

int mail_queue_sweep_temp(const char *queue, time_t max_age)
{
    DIR *dir;
    struct dirent *entry;
    int removed = 0;

    mail_queue_check(__func__, queue, NULL);
    if ((dir = opendir(queue)) == NULL) {
        msg_warn("%s: open directory %s: %m", __func__, queue);
        return 0;
    }
    while ((entry = readdir(dir)) != NULL)
        if (strncmp(entry->d_name, MAIL_QUEUE_TEMP_PREFIX, strlen(MAIL_QUEUE_TEMP_PREFIX)) == 0)
            removed += mail_queue_sweep_one(dirfd(dir), queue, entry->d_name, max_age);
    closedir(dir);
    return removed;
}

/* mail_queue_mkdir - create a missing queue directory */

int mail_queue_mkdir(const char *queue, uid_t owner, gid_t group, mode_t mode)
{
    mail_queue_check(__func__, queue, NULL);
    if (mkdir(queue, mode) < 0)
        return errno == EEXIST ? 0 : -1;
    /* mkdir() applies the umask; the mode must be exactly what was asked. */
    if (chmod(queue, mode) < 0)
        return -1;
    if ((owner != (uid_t)-1 || group != (gid_t)-1) && chown(queue, owner, group) < 0)
        return -1;
    return 0;
}

/* mail_queue_mkdirs - create every missing queue directory */

int mail_queue_mkdirs(uid_t owner, gid_t group, mode_t mode)
{
    for (int i = 0; i < MAIL_QUEUE_COUNT; i++)
        if (mail_queue_mkdir(mail_queue_names[i], owner, group, mode) < 0)
            return -1;
    return 0;
}

/* mail_queue_scan_open - start listing a queue */

MAIL_QUEUE_SCAN *mail_queue_scan_open(const char *queue)
{
    MAIL_QUEUE_SCAN *scan;
    DIR *dir;

    mail_queue_check(__func__, queue, NULL);
    if ((dir = opendir(queue)) == NULL)
        return NULL;
    scan = mymalloc(sizeof(*scan));
    scan->dir = dir;
    scan->queue = mystrdup(queue);
    scan->name = vstring_alloc(MAIL_QUEUE_ID_MAX_LEN);
    return scan;
}

/* mail_queue_scan_next - next queue ID in the listing */

const char *mail_queue_scan_next(MAIL_QUEUE_SCAN *scan)
{
    struct dirent *entry;

    errno = 0;
    while ((entry = readdir(scan->dir)) != NULL) {
        if (mail_queue_id_ok(entry->d_name))
            return vstring_str(vstring_strcpy(scan->name, entry->d_name));
    }
    if (errno != 0)
        msg_warn("%s: read directory %s: %m", __func__, scan->queue);
    return NULL;
}

/* mail_queue_scan_close - end a listing */

MAIL_QUEUE_SCAN *mail_queue_scan_close(MAIL_QUEUE_SCAN *scan)
{
    closedir(scan->dir);
    myfree(scan->queue);
    vstring_free(scan->name);
    myfree(scan);
    return NULL;
}
