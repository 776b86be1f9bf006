/*++
 * NAME
 *	master_sig - what master does on signals
 * SYNOPSIS
 *	#include "master.h"
 *
 *	void	master_sig_init(void);
 * DESCRIPTION
 *	master_sig_init() routes signals through the event loop:
 *
 *	SIGHUP	reload main.cf and master.cf (master_config_reload()). A
 *		malformed file is refused with a warning and the running
 *		configuration stays.
 *
 *	SIGCHLD	reap children (master_reap()).
 *
 *	SIGTERM	stop: close every listener, send SIGTERM to every child,
 *		and exit when they are gone; children still there after
 *		MASTER_STOP_GRACE_MS get SIGKILL.
 *
 *	SIGINT	abort: the same, with SIGKILL at once.
 *
 *	SIGPIPE is ignored.
 * DIAGNOSTICS
 *	"reload -- version V, configuration DIR", "terminating on signal N",
 *	and the reason a reload was refused.
 *--*/

/* System library. */
#include <signal.h>
#include <stdlib.h>

/* Utility library. */
#include "msg.h"

/* Master daemon. */
#include "master.h"

/* master_sig_hup - reload */

static void master_sig_hup(EVENT_LOOP *unused_loop, int unused_signo, void *unused_context)
{
    VSTRING *why = vstring_alloc(100);

    if (master.stopping) {
        vstring_free(why);
        return;
    }
    if (master_config_reload(why) < 0)
        msg_warn("%s; configuration not reloaded", vstring_str(why));
    else
        msg_info("reload -- version %s, configuration %s", master.settings.mail_version,
                 master.config_dir);
    vstring_free(why);
}

/* master_sig_chld - a child ended */

static void master_sig_chld(EVENT_LOOP *unused_loop, int unused_signo, void *unused_context)
{
    master_reap();
}

/* master_stop_force - children that ignored SIGTERM */

static void master_stop_force(EVENT_LOOP *unused_loop, void *unused_context)
{
    master_kill_all(SIGKILL);
}

/* master_sig_stop - stop or abort */

static void master_sig_stop(EVENT_LOOP *loop, int signo, void *unused_context)
{
    if (master.stopping)
        return;
    msg_info("terminating on signal %d", signo);
    master.stopping = true;
    master.stop_signal = signo;
    for (MASTER_SERV *serv = master.services, *next; serv; serv = next) {
        next = serv->next;
        master_service_retire(serv);
        serv->next = master.retired;
        master.retired = serv;
        master_service_release(serv);
    }
    master.services = NULL;
    master_kill_all(signo == SIGINT ? SIGKILL : SIGTERM);
    if (master_proc_count() == 0)
        exit(0);
    event_timer_add(loop, MASTER_STOP_GRACE_MS, master_stop_force, NULL);
}

/* master_sig_init - route signals through the event loop */

void master_sig_init(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (event_signal_enable(master.loop, SIGHUP, master_sig_hup, NULL) < 0 ||
        event_signal_enable(master.loop, SIGCHLD, master_sig_chld, NULL) < 0 ||
        event_signal_enable(master.loop, SIGTERM, master_sig_stop, NULL) < 0 ||
        event_signal_enable(master.loop, SIGINT, master_sig_stop, NULL) < 0)
        msg_fatal("%s: install signal handlers: %m", __func__);
}
