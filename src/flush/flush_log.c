/*++
 * NAME
 *	flush_log - the per-site logs of deferred mail
 * SYNOPSIS
 *	#include "flush.h"
 *
 *	int	flush_log_add(const char *site, const char *queue_id);
 *	ARGV	*flush_log_take(const char *site);
 *	ARGV	*flush_log_take_file(const char *file_name);
 *	int	flush_log_refresh(time_t refresh_age, time_t purge_age,
 *				FLUSH_LOG_DUE_FN due, void *context);
 * DESCRIPTION
 *	Each site (a domain, or an address literal) that is eligible for
 *	fast flush has a log FLUSH_LOG_DIR/name, relative to the
 *	queue_directory. The name is the site in lower case with every byte
 *	other than a letter, a digit, '.' and '-' replaced by '_'; callers
 *	pass only sites that are valid host names or address literals, so a
 *	name never starts with a dot. The log holds one queue ID per line.
 *	Its modification time says when it last changed; its access time,
 *	set explicitly, when it was last read (mounts with noatime or
 *	relatime do not keep that).
 *
 *	flush_log_add() appends queue_id to the log of site, creating it
 *	(mode 0600), under an exclusive lock. It returns 0, or -1 after a
 *	warning.
 *
 *	flush_log_take() reads the log of site and empties it in one locked
 *	step, and marks it read. It returns the queue IDs, each once and
 *	only well-formed ones; an absent log gives an empty list. The
 *	caller owns the result. flush_log_take_file() does the same for a
 *	log by its file name (as flush_log_refresh() reports it).
 *
 *	flush_log_refresh() looks at every log: an empty one that has not
 *	changed for purge_age seconds is deleted; a non-empty one that has
 *	not been read for refresh_age seconds is reported to due, with its
 *	file name. It returns the number of logs reported, or -1 when the
 *	directory cannot be read.
 * DIAGNOSTICS
 *	Warnings: a log that cannot be opened, locked, written or emptied.
 * SEE ALSO
 *	flush(8)
 *--*/

/* System library. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "myflock.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "mail_queue.h"

/* Application-specific. */
#include "flush.h"

#define FLUSH_LOG_READ_MAX (16 * 1024 * 1024) /* a larger log is damaged: dropped */

/* flush_log_path - the log of a site */

static const char *flush_log_path(VSTRING *path, const char *site)
{
    vstring_sprintf(path, "%s/", FLUSH_LOG_DIR);
    for (const char *cp = site; *cp; cp++) {
        unsigned char ch = *cp;

        vstring_addch(path, isalnum(ch) ? tolower(ch) : ch == '.' || ch == '-' ? ch : '_');
    }
    return vstring_str(path);
}

/* flush_log_add - append a queue ID */

int flush_log_add(const char *site, const char *queue_id)
{
    VSTRING *path = vstring_alloc(100), *line = vstring_alloc(40);
    int fd, status = -1;

    flush_log_path(path, site);
    vstring_sprintf(line, "%s\n", queue_id);
    if ((fd = open(vstring_str(path), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
                   0600)) < 0)
        msg_warn("open %s: %m", vstring_str(path));
    else if (myflock(fd, MYFLOCK_EXCLUSIVE) < 0)
        msg_warn("lock %s: %m", vstring_str(path));
    else if (write(fd, vstring_str(line), VSTRING_LEN(line)) != (ssize_t)VSTRING_LEN(line))
        msg_warn("write %s: %m", vstring_str(path));
    else
        status = 0;
    if (fd >= 0)
        (void)close(fd);
    vstring_free(path);
    vstring_free(line);
    return status;
}

/* flush_log_read - the whole content of an open log */

static int flush_log_read(int fd, VSTRING *data)
{
    char buf[4096];
    ssize_t n;

    VSTRING_RESET(data);
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        if (VSTRING_LEN(data) + n > FLUSH_LOG_READ_MAX) {
            errno = EFBIG;
            return -1;
        }
        vstring_memcat(data, buf, n);
    }
    return n < 0 ? -1 : 0;
}

/* flush_log_ids - the queue IDs of a log's content, each once */

static ARGV *flush_log_ids(const char *data)
{
    ARGV *ids = argv_split(data, "\n");
    ARGV *unique = argv_alloc(ids->argc + 1);
    HTABLE *seen = htable_create(ids->argc + 1);

    for (size_t i = 0; i < ids->argc; i++) {
        if (!mail_queue_id_ok(ids->argv[i]) || htable_find(seen, ids->argv[i]) != NULL)
            continue;
        htable_enter(seen, ids->argv[i], seen);
        argv_add(unique, ids->argv[i]);
    }
    htable_free(seen, NULL);
    argv_free(ids);
    return unique;
}

/* flush_log_take_path - read, empty and mark read one log */

static ARGV *flush_log_take_path(const char *path)
{
    static const struct timespec times[2] = {{.tv_nsec = UTIME_NOW}, {.tv_nsec = UTIME_OMIT}};
    VSTRING *data = vstring_alloc(100);
    ARGV *ids = NULL;
    int fd;

    if ((fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        if (errno != ENOENT)
            msg_warn("open %s: %m", path);
    } else if (myflock(fd, MYFLOCK_EXCLUSIVE) < 0) {
        msg_warn("lock %s: %m", path);
    } else {
        if (flush_log_read(fd, data) < 0)
            msg_warn("read %s: %m; its content is dropped", path);
        else
            ids = flush_log_ids(vstring_str(data));
        if (ftruncate(fd, 0) < 0)
            msg_warn("truncate %s: %m", path);
        if (futimens(fd, times) < 0)
            msg_warn("set the access time of %s: %m", path);
    }
    if (fd >= 0)
        (void)close(fd);
    vstring_free(data);
    return ids ? ids : argv_alloc(1);
}

/* flush_log_take - the queue IDs of a site, and its log emptied */

ARGV *flush_log_take(const char *site)
{
    VSTRING *path = vstring_alloc(100);
    ARGV *ids = flush_log_take_path(flush_log_path(path, site));

    vstring_free(path);
    return ids;
}

/* flush_log_take_file - the same for a log by its file name */

ARGV *flush_log_take_file(const char *file_name)
{
    VSTRING *path = vstring_alloc(100);
    ARGV *ids;

    vstring_sprintf(path, "%s/%s", FLUSH_LOG_DIR, file_name);
    ids = flush_log_take_path(vstring_str(path));
    vstring_free(path);
    return ids;
}

/* flush_log_refresh - delete old empty logs, report unread ones */

int flush_log_refresh(time_t refresh_age, time_t purge_age, FLUSH_LOG_DUE_FN due, void *context)
{
    VSTRING *path = vstring_alloc(100);
    time_t now = time(NULL);
    struct dirent *dp;
    struct stat st;
    int count = 0;
    DIR *dir;

    if ((dir = opendir(FLUSH_LOG_DIR)) == NULL) {
        msg_warn("open directory %s: %m", FLUSH_LOG_DIR);
        vstring_free(path);
        return -1;
    }
    while ((dp = readdir(dir)) != NULL) {
        if (dp->d_name[0] == '.')
            continue;
        vstring_sprintf(path, "%s/%s", FLUSH_LOG_DIR, dp->d_name);
        if (lstat(vstring_str(path), &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        if (st.st_size == 0) {
            if (st.st_mtime + purge_age <= now && unlink(vstring_str(path)) < 0 && errno != ENOENT)
                msg_warn("remove %s: %m", vstring_str(path));
        } else if (st.st_atime + refresh_age <= now) {
            due(dp->d_name, context);
            count++;
        }
    }
    closedir(dir);
    vstring_free(path);
    return count;
}
