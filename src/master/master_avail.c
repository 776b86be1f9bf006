/*++
 * NAME
 *	master_avail - spawn processes when clients are waiting
 * SYNOPSIS
 *	#include "master.h"
 *
 *	void	master_avail_update(MASTER_SERV *serv);
 *	void	master_avail_off(MASTER_SERV *serv);
 *	void	master_avail_busy(MASTER_SERV *serv);
 * DESCRIPTION
 *	Children accept connections themselves. Master watches a service's
 *	listeners only while no child of the service is available and the
 *	process limit allows another one; when a listener becomes readable
 *	then, master spawns one child, which counts as available until it
 *	reports that it took a client.
 *
 *	master_avail_update() turns watching on or off after anything that
 *	changes those conditions: a spawn, a status report, a child's
 *	death, the end of a throttle period.
 *
 *	master_avail_off() stops watching (stop, reload, throttle).
 *
 *	master_avail_busy() is called when a child took a client; when that
 *	leaves no child available and the limit is reached, it warns (at
 *	most every MASTER_LIMIT_WARN_INTERVAL seconds) that new clients
 *	will wait.
 *--*/

/* System library. */
#include <time.h>

/* Utility library. */
#include "msg.h"

/* Master daemon. */
#include "master.h"

/* master_avail_event - a client waits and no child is available */

static void master_avail_event(EVENT_LOOP *unused_loop, int unused_fd, int unused_events,
                               void *context)
{
    MASTER_SERV *serv = context;

    master_spawn(serv);
    master_avail_update(serv);
}

/* master_avail_off - stop watching the listeners */

void master_avail_off(MASTER_SERV *serv)
{
    if (!MASTER_LISTENING(serv))
        return;
    for (int i = 0; i < serv->listen_count; i++)
        event_disable_read(master.loop, serv->listen_fds[i]);
    serv->flags &= ~MASTER_FLAG_LISTENING;
}

/* master_avail_update - watch the listeners exactly when a spawn may be needed */

void master_avail_update(MASTER_SERV *serv)
{
    bool want = !master.stopping && !MASTER_RETIRED(serv) && !MASTER_THROTTLED(serv) &&
                serv->listen_count > 0 && serv->avail_proc == 0 &&
                (serv->max_proc == 0 || serv->total_proc < serv->max_proc);

    if (want && !MASTER_LISTENING(serv)) {
        for (int i = 0; i < serv->listen_count; i++)
            if (event_enable_read(master.loop, serv->listen_fds[i], master_avail_event, serv) < 0)
                msg_fatal("%s: watch listener of service %s: %m", __func__, serv->name);
        serv->flags |= MASTER_FLAG_LISTENING;
    } else if (!want && MASTER_LISTENING(serv)) {
        master_avail_off(serv);
    }
}

/* master_avail_busy - every child is busy: say so when the limit is reached */

void master_avail_busy(MASTER_SERV *serv)
{
    time_t now = time(NULL);

    /* A limit of 1 is a design choice (qmgr, pickup, tlsmgr), not a bottleneck. */
    if (serv->avail_proc > 0 || serv->max_proc <= 1 || serv->total_proc < serv->max_proc)
        return;
    if (serv->limit_warn_time != 0 && now - serv->limit_warn_time < MASTER_LIMIT_WARN_INTERVAL)
        return;
    serv->limit_warn_time = now;
    msg_warn("service \"%s\" (%s) has reached its process limit \"%d\": "
             "new clients may experience noticeable delays",
             serv->name, serv->socket_path ? serv->socket_path : serv->name, serv->max_proc);
    msg_warn("to avoid this condition, increase the process count in master.cf "
             "or reduce the service time per client");
}
