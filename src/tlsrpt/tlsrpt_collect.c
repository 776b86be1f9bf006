/*++
 * NAME
 *	tlsrpt_collect - append records to the current period's spool file
 * SYNOPSIS
 *	#include "tlsrpt.h"
 *
 *	void	tlsrpt_collect_init(const char *spool_dir, int interval);
 *	int	tlsrpt_collect_add(time_t when, const TLSRPT_RECORD *record);
 * DESCRIPTION
 *	tlsrpt_collect_init() names the spool directory (which must exist)
 *	and the report period in seconds.
 *
 *	tlsrpt_collect_add() appends one record, received at the time
 *	when, to the file of the period that holds when (tlsrpt_spool(3)),
 *	with one write(2), and makes it durable (fsync) before it returns:
 *	a record that the caller acknowledged survives a crash of the
 *	process or the system. A crash mid-write leaves whole lines and
 *	at most one line cut short at the end, a record never acknowledged:
 *	when the file is opened (a new process, a new period, or after a
 *	failed write) that line is cut off with a warning
 *	(tlsrpt_spool_repair()), so that the next record starts a line of
 *	its own; a reader that meets such a line skips it with a warning.
 *	A new file's directory entry is made durable too. The file of the
 *	current period stays open until the period changes. It returns 0,
 *	or -1 when the record could not be stored (logged).
 * DIAGNOSTICS
 *	Warnings: a spool file that cannot be opened, written or synced; a
 *	record cut short removed.
 * SEE ALSO
 *	tlsrpt(8), tlsrpt_spool(3)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "tlsrpt_spool.h"

/* Application-specific. */
#include "tlsrpt.h"

static char *tlsrpt_collect_dir;     /* spool directory, owned */
static int tlsrpt_collect_interval;  /* seconds per period */
static int tlsrpt_collect_fd = -1;   /* file of the open period, or -1 */
static time_t tlsrpt_collect_period; /* start of the open period */

/* tlsrpt_collect_init - where and how long */

void tlsrpt_collect_init(const char *spool_dir, int interval)
{
    myfree(tlsrpt_collect_dir);
    tlsrpt_collect_dir = mystrdup(spool_dir);
    tlsrpt_collect_interval = interval;
    if (tlsrpt_collect_fd >= 0)
        close(tlsrpt_collect_fd);
    tlsrpt_collect_fd = -1;
}

/* tlsrpt_collect_sync_dir - make the spool directory's entries durable */

static int tlsrpt_collect_sync_dir(void)
{
    int fd, status = 0;

    if ((fd = open(tlsrpt_collect_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(fd) < 0) {
        msg_warn("sync directory %s: %m", tlsrpt_collect_dir);
        status = -1;
    }
    if (fd >= 0)
        close(fd);
    return status;
}

/* tlsrpt_collect_open - the file of the period that starts at period */

static int tlsrpt_collect_open(time_t period)
{
    VSTRING *name, *path;

    if (tlsrpt_collect_fd >= 0 && tlsrpt_collect_period == period)
        return 0;
    if (tlsrpt_collect_fd >= 0)
        close(tlsrpt_collect_fd);
    name = vstring_alloc(20);
    path = vstring_alloc(100);
    tlsrpt_spool_name(name, period);
    vstring_sprintf(path, "%s/%s", tlsrpt_collect_dir, vstring_str(name));
    vstring_free(name);
    tlsrpt_collect_fd =
        open(vstring_str(path), O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (tlsrpt_collect_fd < 0) {
        msg_warn("open %s: %m", vstring_str(path));
    } else if (tlsrpt_spool_repair(tlsrpt_collect_fd, vstring_str(path)) < 0 ||
               tlsrpt_collect_sync_dir() < 0) {
        close(tlsrpt_collect_fd);
        tlsrpt_collect_fd = -1;
    }
    tlsrpt_collect_period = period;
    vstring_free(path);
    return tlsrpt_collect_fd < 0 ? -1 : 0;
}

/* tlsrpt_collect_add - one record to the spool */

int tlsrpt_collect_add(time_t when, const TLSRPT_RECORD *record)
{
    VSTRING *line;
    ssize_t len, done;
    int status = 0;

    if (tlsrpt_collect_open(tlsrpt_spool_period(when, tlsrpt_collect_interval)) < 0)
        return -1;
    line = vstring_alloc(200);
    tlsrpt_spool_format(line, when, record);
    len = (ssize_t)VSTRING_LEN(line);
    if ((done = write(tlsrpt_collect_fd, vstring_str(line), (size_t)len)) != len ||
        fdatasync(tlsrpt_collect_fd) < 0) {
        msg_warn("%s TLSRPT spool file: %s", done == len ? "sync" : "write to",
                 done < 0 || done == len ? strerror(errno) : "short write");
        /* The next record reopens the file, and cuts off what this one left. */
        close(tlsrpt_collect_fd);
        tlsrpt_collect_fd = -1;
        status = -1;
    }
    vstring_free(line);
    return status;
}
