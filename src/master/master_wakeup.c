/*++
 * NAME
 *	master_wakeup - periodic wake-up requests
 * SYNOPSIS
 *	#include "master.h"
 *
 *	void	master_wakeup_start(MASTER_SERV *serv);
 *	void	master_wakeup_stop(MASTER_SERV *serv);
 * DESCRIPTION
 *	A service with a wake-up interval in master.cf gets a "W" request
 *	every so many seconds: written into its fifo, or sent over a new
 *	connection to its UNIX socket. Master never waits for this: when the
 *	fifo or the socket's backlog is full, that round is skipped. With
 *	the "?" suffix no request is sent before a child of the service has
 *	taken a client. A wake-up of a service with no process running
 *	makes master spawn one, which is how a crashed queue manager comes
 *	back.
 *
 *	master_wakeup_start() sends the first request of a service with an
 *	interval at once (so that qmgr and pickup start with master, and
 *	look at their queues right after a start or reload) and arms the
 *	timer for the next; master_wakeup_stop() cancels it.
 * DIAGNOSTICS
 *	Verbose logging only: a missed wake-up is retried at the next one.
 *--*/

/* System library. */
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "sockets.h"

/* Master daemon. */
#include "master.h"

#define MASTER_WAKEUP_REQUEST "W" /* the request byte */

/* master_wakeup_send - one wake-up request */

static void master_wakeup_send(MASTER_SERV *serv)
{
    VSTRING *why = vstring_alloc(100);
    int fd;

    if (strcmp(serv->type, MASTER_CF_TYPE_FIFO) == 0) {
        if (fifo_trigger(serv->socket_path, MASTER_WAKEUP_REQUEST, 1, why) < 0 && msg_verbose)
            msg_info("%s: %s", __func__, vstring_str(why));
    } else if ((fd = unix_connect(serv->socket_path, 0, why)) < 0) {
        if (msg_verbose)
            msg_info("%s: %s", __func__, vstring_str(why));
    } else {
        (void)sock_write_nosignal(fd, MASTER_WAKEUP_REQUEST, 1, 0, NULL);
        close(fd);
    }
    vstring_free(why);
}

/* master_wakeup_event - time for a wake-up */

static void master_wakeup_event(EVENT_LOOP *loop, void *context)
{
    MASTER_SERV *serv = context;

    if (!serv->wakeup_if_used || (serv->flags & MASTER_FLAG_USED))
        master_wakeup_send(serv);
    event_timer_add(loop, serv->wakeup * 1000, master_wakeup_event, serv);
}

/* master_wakeup_start - arm the wake-up timer */

void master_wakeup_start(MASTER_SERV *serv)
{
    if (serv->wakeup > 0 && serv->socket_path != NULL)
        event_timer_add(master.loop, 0, master_wakeup_event, serv);
}

/* master_wakeup_stop - cancel the wake-up timer */

void master_wakeup_stop(MASTER_SERV *serv)
{
    event_timer_cancel(master.loop, master_wakeup_event, serv);
}
