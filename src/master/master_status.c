/*++
 * NAME
 *	master_status - the status and watch pipes of a service
 * SYNOPSIS
 *	#include "master.h"
 *
 *	int	master_status_open(MASTER_SERV *serv);
 *	void	master_status_close(MASTER_SERV *serv);
 * DESCRIPTION
 *	master_status_open() creates the service's status pipe, whose read
 *	end master watches for MAIL_SERVER_STATUS records, and its watch
 *	pipe. Master keeps both ends of both pipes: the ends that children
 *	get are passed on at every spawn. It returns 0, or -1 with errno
 *	set.
 *
 *	A BUSY record marks the child busy and counts a use of it; an AVAIL
 *	record marks it available again. Records from processes that master
 *	does not know as children of this service are ignored.
 *
 *	master_status_close() stops reading and closes all four ends.
 *	Closing the watch pipe is the signal for the service's children to
 *	exit after their current client; their status reports then fail,
 *	which makes them exit too.
 * DIAGNOSTICS
 *	Warnings for malformed records.
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "timed_io.h"

/* Global library. */
#include "mail_server.h"

/* Master daemon. */
#include "master.h"

/* master_status_record - apply one status report */

static void master_status_record(MASTER_SERV *serv, const MAIL_SERVER_STATUS *record)
{
    MASTER_PROC *proc;

    if (record->version != MAIL_SERVER_STATUS_VERSION) {
        msg_warn("service %s: status report version %d from pid %d; expected version %d",
                 serv->name, record->version, record->pid, MAIL_SERVER_STATUS_VERSION);
        return;
    }
    if ((proc = master_proc_find(record->pid)) == NULL || proc->serv != serv) {
        if (msg_verbose)
            msg_info("%s: service %s: report from unknown pid %d", __func__, serv->name,
                     record->pid);
        return;
    }
    switch (record->status) {
    case MAIL_SERVER_STAT_BUSY:
        if (proc->avail) {
            proc->avail = false;
            serv->avail_proc--;
        }
        proc->use_count++;
        serv->flags |= MASTER_FLAG_USED;
        master_avail_busy(serv);
        break;
    case MAIL_SERVER_STAT_AVAIL:
        if (!proc->avail) {
            proc->avail = true;
            serv->avail_proc++;
        }
        break;
    default:
        msg_warn("service %s: bad status %d from pid %d", serv->name, record->status, record->pid);
        return;
    }
    master_avail_update(serv);
}

/* master_status_event - status reports are waiting */

static void master_status_event(EVENT_LOOP *unused_loop, int fd, int unused_events, void *context)
{
    MAIL_SERVER_STATUS record;
    ssize_t n;

    /* Writers send whole records of less than PIPE_BUF, so reads see whole records. */
    while ((n = read(fd, &record, sizeof(record))) == (ssize_t)sizeof(record))
        master_status_record(context, &record);
    if (n > 0)
        msg_warn("%s: short status record (%zd bytes)", __func__, n);
    else if (n < 0 && errno != EAGAIN && errno != EINTR)
        msg_warn("%s: read status pipe: %m", __func__);
}

/* master_status_open - create the pipes of a service */

int master_status_open(MASTER_SERV *serv)
{
    if (pipe2(serv->status_fd, O_CLOEXEC) < 0)
        return -1;
    if (pipe2(serv->watch_fd, O_CLOEXEC) < 0) {
        close(serv->status_fd[0]);
        close(serv->status_fd[1]);
        serv->status_fd[0] = serv->status_fd[1] = -1;
        return -1;
    }
    set_nonblock(serv->status_fd[0], 1);
    if (event_enable_read(master.loop, serv->status_fd[0], master_status_event, serv) < 0)
        msg_fatal("%s: watch status pipe: %m", __func__);
    return 0;
}

/* master_status_close - close the pipes of a service */

void master_status_close(MASTER_SERV *serv)
{
    if (serv->status_fd[0] < 0)
        return;
    event_disable_readwrite(master.loop, serv->status_fd[0]);
    for (int i = 0; i < 2; i++) {
        close(serv->status_fd[i]);
        close(serv->watch_fd[i]);
        serv->status_fd[i] = serv->watch_fd[i] = -1;
    }
}
