/*++
 * NAME
 *	watchdog - end a process whose event loop is stuck
 * SYNOPSIS
 *	#include <watchdog.h>
 *
 *	void	watchdog_start(EVENT_LOOP *loop, int seconds);
 *	void	watchdog_stop(EVENT_LOOP *loop);
 * DESCRIPTION
 *	watchdog_start() sets alarm(2) to seconds (at least 2) and adds a
 *	timer to loop that sets it again every WATCHDOG_TICK_MS. As long as
 *	the loop runs, the alarm never goes off; when one callback keeps the
 *	loop from coming round for about seconds, SIGALRM ends the process
 *	with "fatal: watchdog timeout" (msg_fatal(), so the cleanup hook
 *	runs). Should that hang too (the stuck code may hold a lock that
 *	logging needs), a second alarm a few seconds later kills the process.
 *	One watchdog per process; a second watchdog_start() replaces the
 *	first.
 *
 *	watchdog_stop() cancels the timer and the alarm.
 * DIAGNOSTICS
 *	Fatal: the watchdog timeout.
 *--*/

/* System library. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "watchdog.h"

#define WATCHDOG_GRACE 5 /* seconds for the fatal message before the hard kill */

static unsigned watchdog_seconds; /* the limit, 0: no watchdog */

/* watchdog_alarm - the loop did not come round in time */

static void watchdog_alarm(int unused_signo)
{
    /* The second alarm takes the default action: the process ends. */
    signal(SIGALRM, SIG_DFL);
    alarm(WATCHDOG_GRACE);
    msg_fatal("watchdog timeout");
}

/* watchdog_tick - the loop came round: arm the alarm again */

static void watchdog_tick(EVENT_LOOP *loop, void *unused_context)
{
    alarm(watchdog_seconds);
    event_timer_add(loop, WATCHDOG_TICK_MS, watchdog_tick, NULL);
}

/* watchdog_start - arm the alarm, and have the loop re-arm it */

void watchdog_start(EVENT_LOOP *loop, int seconds)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_handler = watchdog_alarm;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGALRM, &action, NULL) < 0)
        msg_fatal("%s: sigaction SIGALRM: %m", __func__);
    watchdog_seconds = seconds < 2 ? 2 : (unsigned)seconds;
    event_timer_cancel(loop, watchdog_tick, NULL);
    watchdog_tick(loop, NULL);
}

/* watchdog_stop - no more watchdog */

void watchdog_stop(EVENT_LOOP *loop)
{
    event_timer_cancel(loop, watchdog_tick, NULL);
    alarm(0);
    watchdog_seconds = 0;
}
