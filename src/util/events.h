/*
 * events.h - an event loop: descriptor readiness, one-shot timers, signals
 *
 * One EVENT_LOOP per process part that needs one; there is no hidden global
 * loop. The backend is epoll(7), so this module builds on Linux only; a
 * kqueue backend would go in a file of its own behind the same header.
 *
 * Callbacks may enable or disable any descriptor (and close it after
 * disabling it), add or cancel any timer, or stop the loop; events that
 * were pending for a descriptor or timer that has been disabled or
 * cancelled in the meantime are not delivered.
 */
#ifndef EVENTS_H
#define EVENTS_H

#include <stdint.h>

typedef struct EVENT_LOOP EVENT_LOOP;

/* What a descriptor callback is told. */
#define EVENT_READ  (1 << 0) /* readable (or end of file) */
#define EVENT_WRITE (1 << 1) /* writable */
#define EVENT_ERROR (1 << 2) /* error or hang-up, added to the enabled kind */

typedef void (*EVENT_FD_FN)(EVENT_LOOP *loop, int fd, int events, void *context);
typedef void (*EVENT_TIMER_FN)(EVENT_LOOP *loop, void *context);
typedef void (*EVENT_SIGNAL_FN)(EVENT_LOOP *loop, int signo, void *context);

extern EVENT_LOOP *event_loop_create(void);
extern EVENT_LOOP *event_loop_free(EVENT_LOOP *loop);

extern int event_enable_read(EVENT_LOOP *loop, int fd, EVENT_FD_FN fn, void *context);
extern int event_enable_write(EVENT_LOOP *loop, int fd, EVENT_FD_FN fn, void *context);
extern void event_disable_read(EVENT_LOOP *loop, int fd);
extern void event_disable_write(EVENT_LOOP *loop, int fd);
extern void event_disable_readwrite(EVENT_LOOP *loop, int fd);

extern void event_timer_add(EVENT_LOOP *loop, int delay_ms, EVENT_TIMER_FN fn, void *context);
extern int event_timer_cancel(EVENT_LOOP *loop, EVENT_TIMER_FN fn, void *context);
extern int64_t event_timer_left(EVENT_LOOP *loop, EVENT_TIMER_FN fn, void *context);

extern int event_loop_run_once(EVENT_LOOP *loop, int max_wait_ms);
extern void event_loop_run(EVENT_LOOP *loop);
extern void event_loop_stop(EVENT_LOOP *loop);
extern int64_t event_loop_now(EVENT_LOOP *loop);

/* Signals delivered through a self-pipe (events_signal.c). */
extern int event_signal_enable(EVENT_LOOP *loop, int signo, EVENT_SIGNAL_FN fn, void *context);
extern void event_signal_disable(EVENT_LOOP *loop, int signo);
extern void event_signal_reset(void);

#endif
