/*++
 * NAME
 *	master_service - start and retire services
 * SYNOPSIS
 *	#include "master.h"
 *
 *	int	master_service_start(MASTER_SERV *serv, VSTRING *why);
 *	void	master_service_retire(MASTER_SERV *serv);
 *	void	master_service_release(MASTER_SERV *serv);
 * DESCRIPTION
 *	master_service_start() opens the listeners (unless a predecessor
 *	handed them over), creates the status and watch pipes, arms the
 *	wake-up timer and starts watching for clients. It returns 0, or -1
 *	with a reason in why; then nothing is left open.
 *
 *	master_service_retire() stops everything of a service that is
 *	replaced or removed: timers, listeners and pipes. Its children exit
 *	after their current client. The caller keeps the service on the
 *	retired list until master_service_release() frees it.
 *
 *	master_service_release() frees a retired service when it has no
 *	children left, taking it off the retired list.
 * DIAGNOSTICS
 *	Returned in why.
 *--*/

/* Utility library. */
#include "msg.h"

/* Master daemon. */
#include "master.h"

/* master_service_start - bring a service to life */

int master_service_start(MASTER_SERV *serv, VSTRING *why)
{
    if (serv->listen_count == 0 && master_listen_open(serv, why) < 0)
        return -1;
    if (master_status_open(serv) < 0) {
        vstring_sprintf(why, "%s: service %s: create pipes: %m", serv->origin, serv->name);
        master_listen_close(serv);
        return -1;
    }
    master_wakeup_start(serv);
    master_avail_update(serv);
    return 0;
}

/* master_service_retire - stop a service; its children finish and exit */

void master_service_retire(MASTER_SERV *serv)
{
    serv->flags |= MASTER_FLAG_RETIRED;
    master_wakeup_stop(serv);
    master_throttle_stop(serv);
    master_listen_close(serv);
    master_status_close(serv);
}

/* master_service_release - free a retired service without children */

void master_service_release(MASTER_SERV *serv)
{
    MASTER_SERV **link;

    if (!MASTER_RETIRED(serv) || serv->total_proc > 0)
        return;
    for (link = &master.retired; *link; link = &(*link)->next) {
        if (*link == serv) {
            *link = serv->next;
            break;
        }
    }
    master_ent_free(serv);
}
