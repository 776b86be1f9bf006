/*++
 * NAME
 *	events - an event loop: descriptor readiness, one-shot timers, signals
 * SYNOPSIS
 *	#include <events.h>
 *
 *	EVENT_LOOP *event_loop_create(void);
 *	EVENT_LOOP *event_loop_free(EVENT_LOOP *loop);
 *
 *	int	event_enable_read(EVENT_LOOP *loop, int fd, EVENT_FD_FN fn,
 *				void *context);
 *	int	event_enable_write(EVENT_LOOP *loop, int fd, EVENT_FD_FN fn,
 *				void *context);
 *	void	event_disable_read(EVENT_LOOP *loop, int fd);
 *	void	event_disable_write(EVENT_LOOP *loop, int fd);
 *	void	event_disable_readwrite(EVENT_LOOP *loop, int fd);
 *
 *	void	event_timer_add(EVENT_LOOP *loop, int delay_ms,
 *				EVENT_TIMER_FN fn, void *context);
 *	int	event_timer_cancel(EVENT_LOOP *loop, EVENT_TIMER_FN fn,
 *				void *context);
 *	int64_t	event_timer_left(EVENT_LOOP *loop, EVENT_TIMER_FN fn,
 *				void *context);
 *
 *	int	event_loop_run_once(EVENT_LOOP *loop, int max_wait_ms);
 *	void	event_loop_run(EVENT_LOOP *loop);
 *	void	event_loop_stop(EVENT_LOOP *loop);
 *	int64_t	event_loop_now(EVENT_LOOP *loop);
 *
 *	int	event_signal_enable(EVENT_LOOP *loop, int signo,
 *				EVENT_SIGNAL_FN fn, void *context);
 *	void	event_signal_disable(EVENT_LOOP *loop, int signo);
 *	void	event_signal_reset(void);
 * DESCRIPTION
 *	event_loop_create() makes an empty loop (an epoll(7) instance, close
 *	on exec). event_loop_free() releases it and returns NULL; it never
 *	edits the kernel's interest list, so a child process may call it on
 *	a loop inherited through fork() without disturbing the parent.
 *
 *	event_enable_read() and event_enable_write() ask for fn(loop, fd,
 *	events, context) whenever fd is readable or writable, until the
 *	matching disable call. Reading and writing have separate callbacks
 *	and contexts; enabling again replaces them. events is EVENT_READ or
 *	EVENT_WRITE, with EVENT_ERROR added on an error or hang-up (the
 *	callback then sees the condition in its next read or write). Both
 *	return 0, or -1 with errno set when the kernel refuses the
 *	descriptor (for example a regular file).
 *
 *	event_disable_read(), event_disable_write() and
 *	event_disable_readwrite() stop the callbacks. Call
 *	event_disable_readwrite() before closing a descriptor: epoll tracks
 *	open files, not descriptor numbers, and a copy of the descriptor in
 *	another process would keep the old registration alive.
 *
 *	event_timer_add() arranges for fn(loop, context) to run once, at
 *	least delay_ms milliseconds from now. A timer is known by fn and
 *	context: adding one that is already pending moves it to the new
 *	time. event_timer_cancel() removes a pending timer and returns 1, or
 *	0 when there was none. event_timer_left() returns the milliseconds
 *	until a pending timer runs (0 when due), or -1 when none is pending.
 *
 *	event_loop_run_once() waits at most max_wait_ms milliseconds
 *	(negative: until something happens; 0: just poll) for descriptor
 *	events and due timers, runs their callbacks, and returns how many it
 *	ran. A timer added by a callback runs in a later round even when its
 *	delay is 0, so timers cannot starve descriptors. event_loop_run()
 *	repeats event_loop_run_once() until a callback calls
 *	event_loop_stop(). event_loop_now() is the loop's monotonic clock in
 *	milliseconds, as of the current round.
 *
 *	Signals: event_signal_enable() installs a handler for signo that
 *	writes the signal number into a process-wide, non-blocking self-pipe;
 *	the loop reads it and calls fn(loop, signo, context) from ordinary
 *	code, where anything may be done. Several deliveries between two
 *	rounds are reported once (as the kernel would coalesce them anyway),
 *	so a SIGCHLD callback must reap every exited child. SIGCHLD is
 *	installed with SA_NOCLDSTOP. All signals of a process go to one
 *	loop. event_signal_disable() restores the previous disposition.
 *	event_signal_reset(), for a child process after fork(), restores the
 *	dispositions of every signal enabled here and closes the self-pipe,
 *	without touching the inherited loop (then free it with
 *	event_loop_free()).
 * DIAGNOSTICS
 *	Panic: negative descriptor or delay, signals split across loops, a
 *	signal number out of range. Fatal: the kernel refuses to create the
 *	epoll instance or the self-pipe.
 * SEE ALSO
 *	epoll(7), timed_io(3)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

/* Utility library. */
#include "events.h"
#include "msg.h"
#include "mymalloc.h"
#include "timed_io.h"

/* Per-descriptor registration. */
typedef struct EVENT_FD {
    EVENT_FD_FN read_fn;  /* called when readable */
    void *read_context;   /* for read_fn, not owned */
    EVENT_FD_FN write_fn; /* called when writable */
    void *write_context;  /* for write_fn, not owned */
    int mask;             /* EVENT_READ | EVENT_WRITE enabled */
    uint32_t generation;  /* bumped when the registration ends */
} EVENT_FD;

/* A pending one-shot timer; the heap is ordered by (when, seq). */
typedef struct EVENT_TIMER {
    int64_t when;      /* monotonic ms when due */
    uint64_t seq;      /* order of addition */
    EVENT_TIMER_FN fn; /* callback */
    void *context;     /* for fn, not owned */
} EVENT_TIMER;

#define EVENT_READY_MAX 64 /* epoll events collected per round */

struct EVENT_LOOP {
    int epoll_fd;        /* the epoll instance, owned */
    EVENT_FD *fds;       /* registrations indexed by descriptor, owned */
    int fd_slots;        /* entries in fds */
    EVENT_TIMER *timers; /* binary min-heap, owned */
    size_t timer_count;  /* timers in use */
    size_t timer_slots;  /* timers allocated */
    uint64_t timer_seq;  /* next sequence number */
    int64_t now;         /* clock of the current round */
    int stopped;         /* event_loop_stop() was called */
    int owns_signals;    /* the self-pipe is registered here */
};

/* Signal state is process-wide, as signal dispositions are. */
typedef struct EVENT_SIGNAL {
    EVENT_LOOP *loop;       /* owner, or NULL when not enabled */
    EVENT_SIGNAL_FN fn;     /* callback */
    void *context;          /* for fn, not owned */
    struct sigaction saved; /* disposition to restore */
} EVENT_SIGNAL;

static EVENT_SIGNAL event_signals[NSIG];
static int event_sig_pipe[2] = {-1, -1};

/* event_loop_create - make an empty loop */

EVENT_LOOP *event_loop_create(void)
{
    EVENT_LOOP *loop = mycalloc(1, sizeof(*loop));

    if ((loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0)
        msg_fatal("%s: epoll_create1: %m", __func__);
    loop->now = monotonic_ms();
    return loop;
}

/* event_signal_forget - drop the signals of a loop that goes away */

static void event_signal_forget(EVENT_LOOP *loop)
{
    for (int signo = 1; signo < NSIG; signo++) {
        if (event_signals[signo].loop == loop) {
            sigaction(signo, &event_signals[signo].saved, NULL);
            event_signals[signo].loop = NULL;
        }
    }
    loop->owns_signals = 0;
}

/* event_loop_free - release a loop */

EVENT_LOOP *event_loop_free(EVENT_LOOP *loop)
{
    if (loop->owns_signals)
        event_signal_forget(loop);
    close(loop->epoll_fd);
    myfree(loop->fds);
    myfree(loop->timers);
    myfree(loop);
    return NULL;
}

/* event_fd_slot - the registration of a descriptor, growing the table */

static EVENT_FD *event_fd_slot(EVENT_LOOP *loop, int fd)
{
    if (fd < 0)
        msg_panic("%s: bad descriptor %d", __func__, fd);
    if (fd >= loop->fd_slots) {
        int slots = loop->fd_slots ? loop->fd_slots : 64;

        while (slots <= fd)
            slots *= 2;
        loop->fds = myrealloc(loop->fds, slots * sizeof(*loop->fds));
        memset(loop->fds + loop->fd_slots, 0, (slots - loop->fd_slots) * sizeof(*loop->fds));
        loop->fd_slots = slots;
    }
    return loop->fds + fd;
}

/* event_fd_update - tell the kernel about a changed mask */

static int event_fd_update(EVENT_LOOP *loop, int fd, int old_mask, int new_mask)
{
    EVENT_FD *slot = loop->fds + fd;
    struct epoll_event ev = {0};
    int op;

    if (new_mask == old_mask)
        return 0;
    if (new_mask == 0) {
        slot->generation++;
        if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, fd, &ev) < 0 && errno != EBADF &&
            errno != ENOENT)
            msg_warn("%s: epoll_ctl DEL fd %d: %m", __func__, fd);
        return 0;
    }
    ev.events = ((new_mask & EVENT_READ) ? EPOLLIN : 0) | ((new_mask & EVENT_WRITE) ? EPOLLOUT : 0);
    ev.data.u64 = (uint64_t)slot->generation << 32 | (uint32_t)fd;
    op = old_mask == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    return epoll_ctl(loop->epoll_fd, op, fd, &ev);
}

/* event_enable - common part of the enable functions */

static int event_enable(EVENT_LOOP *loop, int fd, int kind, EVENT_FD_FN fn, void *context)
{
    EVENT_FD *slot = event_fd_slot(loop, fd);
    int old_mask = slot->mask;

    if (event_fd_update(loop, fd, old_mask, old_mask | kind) < 0)
        return -1;
    slot->mask |= kind;
    if (kind == EVENT_READ) {
        slot->read_fn = fn;
        slot->read_context = context;
    } else {
        slot->write_fn = fn;
        slot->write_context = context;
    }
    return 0;
}

/* event_enable_read - call fn when fd is readable */

int event_enable_read(EVENT_LOOP *loop, int fd, EVENT_FD_FN fn, void *context)
{
    return event_enable(loop, fd, EVENT_READ, fn, context);
}

/* event_enable_write - call fn when fd is writable */

int event_enable_write(EVENT_LOOP *loop, int fd, EVENT_FD_FN fn, void *context)
{
    return event_enable(loop, fd, EVENT_WRITE, fn, context);
}

/* event_disable - common part of the disable functions */

static void event_disable(EVENT_LOOP *loop, int fd, int kinds)
{
    EVENT_FD *slot;
    int old_mask;

    if (fd < 0)
        msg_panic("%s: bad descriptor %d", __func__, fd);
    if (fd >= loop->fd_slots || loop->fds[fd].mask == 0)
        return;
    slot = loop->fds + fd;
    old_mask = slot->mask;
    slot->mask &= ~kinds;
    if (event_fd_update(loop, fd, old_mask, slot->mask) < 0)
        msg_warn("%s: epoll_ctl MOD fd %d: %m", __func__, fd);
    if (!(slot->mask & EVENT_READ))
        slot->read_fn = NULL;
    if (!(slot->mask & EVENT_WRITE))
        slot->write_fn = NULL;
}

/* event_disable_read - stop read callbacks */

void event_disable_read(EVENT_LOOP *loop, int fd)
{
    event_disable(loop, fd, EVENT_READ);
}

/* event_disable_write - stop write callbacks */

void event_disable_write(EVENT_LOOP *loop, int fd)
{
    event_disable(loop, fd, EVENT_WRITE);
}

/* event_disable_readwrite - stop all callbacks, before close() */

void event_disable_readwrite(EVENT_LOOP *loop, int fd)
{
    event_disable(loop, fd, EVENT_READ | EVENT_WRITE);
}

/* event_timer_before - heap order */

static int event_timer_before(const EVENT_TIMER *a, const EVENT_TIMER *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

/* event_timer_sift - restore the heap property around index i */

static void event_timer_sift(EVENT_LOOP *loop, size_t i)
{
    EVENT_TIMER *heap = loop->timers;
    EVENT_TIMER moving = heap[i];

    while (i > 0 && event_timer_before(&moving, &heap[(i - 1) / 2])) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    for (;;) {
        size_t child = 2 * i + 1;

        if (child >= loop->timer_count)
            break;
        if (child + 1 < loop->timer_count && event_timer_before(&heap[child + 1], &heap[child]))
            child++;
        if (!event_timer_before(&heap[child], &moving))
            break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = moving;
}

/* event_timer_find - heap index of a pending timer, or -1 */

static ssize_t event_timer_find(EVENT_LOOP *loop, EVENT_TIMER_FN fn, void *context)
{
    for (size_t i = 0; i < loop->timer_count; i++)
        if (loop->timers[i].fn == fn && loop->timers[i].context == context)
            return (ssize_t)i;
    return -1;
}

/* event_timer_remove - take the timer at index i out of the heap */

static void event_timer_remove(EVENT_LOOP *loop, size_t i)
{
    loop->timer_count--;
    if (i < loop->timer_count) {
        loop->timers[i] = loop->timers[loop->timer_count];
        event_timer_sift(loop, i);
    }
}

/* event_timer_add - run fn once after delay_ms */

void event_timer_add(EVENT_LOOP *loop, int delay_ms, EVENT_TIMER_FN fn, void *context)
{
    ssize_t i;

    if (delay_ms < 0)
        msg_panic("%s: negative delay %d", __func__, delay_ms);
    if ((i = event_timer_find(loop, fn, context)) < 0) {
        if (loop->timer_count == loop->timer_slots) {
            loop->timer_slots = loop->timer_slots ? 2 * loop->timer_slots : 16;
            loop->timers = myrealloc(loop->timers, loop->timer_slots * sizeof(*loop->timers));
        }
        i = (ssize_t)loop->timer_count++;
    }
    loop->timers[i] = (EVENT_TIMER){
        .when = monotonic_ms() + delay_ms, .seq = loop->timer_seq++, .fn = fn, .context = context};
    event_timer_sift(loop, (size_t)i);
}

/* event_timer_cancel - remove a pending timer */

int event_timer_cancel(EVENT_LOOP *loop, EVENT_TIMER_FN fn, void *context)
{
    ssize_t i = event_timer_find(loop, fn, context);

    if (i < 0)
        return 0;
    event_timer_remove(loop, (size_t)i);
    return 1;
}

/* event_timer_left - milliseconds until a pending timer is due */

int64_t event_timer_left(EVENT_LOOP *loop, EVENT_TIMER_FN fn, void *context)
{
    ssize_t i = event_timer_find(loop, fn, context);
    int64_t left;

    if (i < 0)
        return -1;
    left = loop->timers[i].when - monotonic_ms();
    return left > 0 ? left : 0;
}

/* event_wait_ms - how long the next epoll_wait() may sleep */

static int event_wait_ms(EVENT_LOOP *loop, int max_wait_ms)
{
    int64_t until_timer;

    if (loop->timer_count == 0)
        return max_wait_ms;
    until_timer = loop->timers[0].when - monotonic_ms();
    if (until_timer < 0)
        until_timer = 0;
    if (max_wait_ms >= 0 && until_timer > max_wait_ms)
        return max_wait_ms;
    return until_timer > INT32_MAX ? INT32_MAX : (int)until_timer;
}

/* event_dispatch_fd - run the callbacks for one epoll event */

static int event_dispatch_fd(EVENT_LOOP *loop, const struct epoll_event *ev)
{
    int fd = (int)(uint32_t)ev->data.u64;
    uint32_t generation = (uint32_t)(ev->data.u64 >> 32);
    int err = (ev->events & (EPOLLERR | EPOLLHUP)) ? EVENT_ERROR : 0;
    int ran = 0;

    /*
     * Look the registration up again before each callback: an earlier
     * callback in this round may have disabled it, or closed the
     * descriptor and registered a new file under the same number.
     */
    if (fd < loop->fd_slots && loop->fds[fd].generation == generation &&
        (loop->fds[fd].mask & EVENT_READ) && (ev->events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
        loop->fds[fd].read_fn(loop, fd, EVENT_READ | err, loop->fds[fd].read_context);
        ran++;
    }
    if (fd < loop->fd_slots && loop->fds[fd].generation == generation &&
        (loop->fds[fd].mask & EVENT_WRITE) && (ev->events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        loop->fds[fd].write_fn(loop, fd, EVENT_WRITE | err, loop->fds[fd].write_context);
        ran++;
    }
    return ran;
}

/* event_dispatch_timers - run the timers that are due */

static int event_dispatch_timers(EVENT_LOOP *loop)
{
    uint64_t round_seq = loop->timer_seq;
    int ran = 0;

    while (loop->timer_count > 0 && loop->timers[0].when <= loop->now &&
           loop->timers[0].seq < round_seq) {
        EVENT_TIMER due = loop->timers[0];

        event_timer_remove(loop, 0);
        due.fn(loop, due.context);
        ran++;
    }
    return ran;
}

/* event_loop_run_once - one round of waiting and dispatching */

int event_loop_run_once(EVENT_LOOP *loop, int max_wait_ms)
{
    struct epoll_event ready[EVENT_READY_MAX];
    int count, ran = 0;

    count = epoll_wait(loop->epoll_fd, ready, EVENT_READY_MAX, event_wait_ms(loop, max_wait_ms));
    if (count < 0) {
        if (errno != EINTR)
            msg_fatal("%s: epoll_wait: %m", __func__);
        count = 0;
    }
    loop->now = monotonic_ms();
    for (int i = 0; i < count; i++)
        ran += event_dispatch_fd(loop, ready + i);
    ran += event_dispatch_timers(loop);
    return ran;
}

/* event_loop_run - run rounds until stopped */

void event_loop_run(EVENT_LOOP *loop)
{
    loop->stopped = 0;
    while (!loop->stopped)
        event_loop_run_once(loop, -1);
}

/* event_loop_stop - make event_loop_run() return after this round */

void event_loop_stop(EVENT_LOOP *loop)
{
    loop->stopped = 1;
}

/* event_loop_now - the clock of the current round */

int64_t event_loop_now(EVENT_LOOP *loop)
{
    return loop->now;
}

/* event_signal_handler - async-signal-safe: note the signal in the self-pipe */

static void event_signal_handler(int signo)
{
    int saved_errno = errno;
    unsigned char byte = (unsigned char)signo;

    if (write(event_sig_pipe[1], &byte, 1) < 0) {
        /* A full pipe already holds a wake-up; nothing else to do. */
    }
    errno = saved_errno;
}

/* event_signal_read_cb - turn self-pipe bytes into signal callbacks */

static void event_signal_read_cb(EVENT_LOOP *loop, int fd, int unused_events, void *unused_ctx)
{
    unsigned char buf[256];
    char seen[NSIG] = {0};
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0)
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] < NSIG)
                seen[buf[i]] = 1;
    for (int signo = 1; signo < NSIG; signo++)
        if (seen[signo] && event_signals[signo].loop == loop)
            event_signals[signo].fn(loop, signo, event_signals[signo].context);
}

/* event_signal_enable - deliver a signal to the loop */

int event_signal_enable(EVENT_LOOP *loop, int signo, EVENT_SIGNAL_FN fn, void *context)
{
    struct sigaction action = {0};
    EVENT_SIGNAL *sig;

    if (signo <= 0 || signo >= NSIG || signo > 255)
        msg_panic("%s: bad signal number %d", __func__, signo);
    for (int other = 1; other < NSIG; other++)
        if (event_signals[other].loop && event_signals[other].loop != loop)
            msg_panic("%s: signals already go to another loop", __func__);
    if (event_sig_pipe[0] < 0 && pipe2(event_sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
        msg_fatal("%s: pipe: %m", __func__);
    if (!loop->owns_signals) {
        if (event_enable_read(loop, event_sig_pipe[0], event_signal_read_cb, NULL) < 0)
            msg_fatal("%s: watch the signal pipe: %m", __func__);
        loop->owns_signals = 1;
    }
    sig = event_signals + signo;
    sig->fn = fn;
    sig->context = context;
    if (sig->loop == NULL) {
        action.sa_handler = event_signal_handler;
        sigfillset(&action.sa_mask);
        action.sa_flags = SA_RESTART | (signo == SIGCHLD ? SA_NOCLDSTOP : 0);
        if (sigaction(signo, &action, &sig->saved) < 0)
            return -1;
        sig->loop = loop;
    }
    return 0;
}

/* event_signal_disable - restore a signal's previous disposition */

void event_signal_disable(EVENT_LOOP *loop, int signo)
{
    int remaining = 0;

    if (signo <= 0 || signo >= NSIG)
        msg_panic("%s: bad signal number %d", __func__, signo);
    if (event_signals[signo].loop != loop)
        return;
    sigaction(signo, &event_signals[signo].saved, NULL);
    event_signals[signo].loop = NULL;
    for (int other = 1; other < NSIG; other++)
        remaining += event_signals[other].loop != NULL;
    if (remaining == 0) {
        event_disable_readwrite(loop, event_sig_pipe[0]);
        loop->owns_signals = 0;
    }
}

/* event_signal_reset - in a child after fork: default signals, no self-pipe */

void event_signal_reset(void)
{
    for (int signo = 1; signo < NSIG; signo++) {
        if (event_signals[signo].loop) {
            sigaction(signo, &event_signals[signo].saved, NULL);
            event_signals[signo].loop->owns_signals = 0;
            event_signals[signo].loop = NULL;
        }
    }
    if (event_sig_pipe[0] >= 0) {
        close(event_sig_pipe[0]);
        close(event_sig_pipe[1]);
        event_sig_pipe[0] = event_sig_pipe[1] = -1;
    }
}
