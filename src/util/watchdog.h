/*
 * watchdog.h - end a process whose event loop is stuck
 *
 * A daemon that serves many clients from one event loop (postscreen)
 * must not hang for all of them because one callback never returns (a bug
 * here or in a library). watchdog_start() arms alarm(2) again each time
 * the loop comes round; when the alarm goes off, the process ends with
 * "fatal: watchdog timeout" and master(8) starts a fresh one.
 */
#ifndef WATCHDOG_H
#define WATCHDOG_H

#include "events.h"

#define WATCHDOG_TICK_MS 1000 /* how often the loop re-arms the alarm */

extern void watchdog_start(EVENT_LOOP *loop, int seconds);
extern void watchdog_stop(EVENT_LOOP *loop);

#endif
