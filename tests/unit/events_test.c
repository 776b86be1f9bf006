/* events_test - event loop: readiness, disable during dispatch, timers, signals */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events.h"
#include "msg.h"
#include "timed_io.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

/* A record of callbacks, shared by the cases. */
typedef struct CALLS {
    int count;       /* callbacks run */
    int last_fd;     /* descriptor of the last one */
    int last_events; /* events of the last one */
    int order[2048]; /* timer ids in the order they ran */
    int order_len;   /* entries in order */
} CALLS;

static CALLS calls;

static void count_cb(EVENT_LOOP *loop, int fd, int events, void *context)
{
    char buf[64];

    calls.count++;
    calls.last_fd = fd;
    calls.last_events = events;
    if (events & EVENT_READ)
        (void)!read(fd, buf, sizeof(buf));
}

static void test_read_write(void)
{
    EVENT_LOOP *loop = event_loop_create();
    int sv[2];

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    memset(&calls, 0, sizeof(calls));
    TEST_INT_EQ(event_enable_read(loop, sv[0], count_cb, NULL), 0, "enable read");
    TEST_INT_EQ(event_loop_run_once(loop, 0), 0, "nothing readable yet");
    (void)!write(sv[1], "x", 1);
    TEST_INT_EQ(event_loop_run_once(loop, 1000), 1, "one callback for readable data");
    TEST_CHECK(calls.last_fd == sv[0] && calls.last_events == EVENT_READ, "read event reported");
    event_disable_read(loop, sv[0]);
    (void)!write(sv[1], "x", 1);
    TEST_INT_EQ(event_loop_run_once(loop, 0), 0, "no callback after disable");

    TEST_INT_EQ(event_enable_write(loop, sv[0], count_cb, NULL), 0, "enable write");
    TEST_INT_EQ(event_loop_run_once(loop, 1000), 1, "socket is writable");
    TEST_INT_EQ(calls.last_events, EVENT_WRITE, "write event reported");
    event_disable_write(loop, sv[0]);

    event_enable_read(loop, sv[0], count_cb, NULL);
    close(sv[1]);
    calls.count = 0;
    event_loop_run_once(loop, 1000);
    event_loop_run_once(loop, 0);
    TEST_CHECK(calls.count >= 1 && (calls.last_events & EVENT_READ), "peer close reported");
    event_disable_readwrite(loop, sv[0]);
    close(sv[0]);

    TEST_CHECK(event_enable_read(loop, 1000, count_cb, NULL) < 0, "closed descriptor refused");
    event_loop_free(loop);
}

/* Two pipes that become readable in the same round; whichever runs first
 * disables and closes the other, then reuses its number for a fresh pipe. */
typedef struct PAIR {
    int rd[2];     /* read ends */
    int wr[2];     /* write ends */
    int ran[2];    /* callbacks per pipe */
    int fresh_ran; /* callbacks for the reused descriptor */
    int spare_wr;  /* write end of the fresh pipe */
} PAIR;

static void fresh_cb(EVENT_LOOP *loop, int fd, int events, void *context)
{
    PAIR *pair = context;

    pair->fresh_ran++;
}

static void pair_cb(EVENT_LOOP *loop, int fd, int events, void *context)
{
    PAIR *pair = context;
    int me = fd == pair->rd[0] ? 0 : 1;
    int other = 1 - me;
    int fds[2];

    pair->ran[me]++;
    if (pair->rd[other] < 0)
        return;
    event_disable_readwrite(loop, pair->rd[other]);
    close(pair->rd[other]);
    if (pipe(fds) == 0) {
        /* The lowest free number is the one just closed. */
        if (fds[0] == pair->rd[other])
            event_enable_read(loop, fds[0], fresh_cb, pair);
        pair->spare_wr = fds[1];
        pair->rd[other] = fds[0] == pair->rd[other] ? -2 - fds[0] : -1;
    }
}

static void test_disable_during_dispatch(void)
{
    EVENT_LOOP *loop = event_loop_create();
    PAIR pair = {.spare_wr = -1};
    int fds[2];

    for (int i = 0; i < 2; i++) {
        pipe(fds);
        pair.rd[i] = fds[0];
        pair.wr[i] = fds[1];
        event_enable_read(loop, fds[0], pair_cb, &pair);
        (void)!write(fds[1], "x", 1);
    }
    event_loop_run_once(loop, 1000);
    TEST_INT_EQ(pair.ran[0] + pair.ran[1], 1,
                "a disabled and closed descriptor gets no stale event");
    TEST_INT_EQ(pair.fresh_ran, 0, "a reused descriptor number gets no stale event");
    for (int i = 0; i < 2; i++) {
        int fd = pair.rd[i] >= 0 ? pair.rd[i] : pair.rd[i] <= -2 ? -2 - pair.rd[i] : -1;

        if (fd >= 0) {
            event_disable_readwrite(loop, fd);
            close(fd);
        }
        close(pair.wr[i]);
    }
    close(pair.spare_wr);
    event_loop_free(loop);
}

static void order_cb(EVENT_LOOP *loop, void *context)
{
    calls.order[calls.order_len++] = (int)(intptr_t)context;
}

static void canceller_cb(EVENT_LOOP *loop, void *context)
{
    calls.count++;
    event_timer_cancel(loop, order_cb, context);
}

static void rearm_cb(EVENT_LOOP *loop, void *context)
{
    calls.count++;
    event_timer_add(loop, 0, rearm_cb, context);
}

static void stop_cb(EVENT_LOOP *loop, void *context)
{
    event_loop_stop(loop);
}

static void test_timers(void)
{
    EVENT_LOOP *loop = event_loop_create();
    int64_t start;
    int sorted = 1;

    memset(&calls, 0, sizeof(calls));
    srand(7);
    for (int i = 0; i < 1000; i++)
        event_timer_add(loop, rand() % 60, order_cb, (void *)(intptr_t)i);
    /* Move timer 5 to the end, cancel timer 6. */
    start = monotonic_ms();
    event_timer_add(loop, 80, order_cb, (void *)(intptr_t)5);
    TEST_INT_EQ(event_timer_cancel(loop, order_cb, (void *)(intptr_t)6), 1, "cancel pending");
    TEST_INT_EQ(event_timer_cancel(loop, order_cb, (void *)(intptr_t)6), 0, "cancel twice");
    TEST_CHECK(event_timer_left(loop, order_cb, (void *)(intptr_t)5) > 60, "timer left");
    TEST_INT_EQ(event_timer_left(loop, order_cb, (void *)(intptr_t)6), -1, "no timer left");
    while (calls.order_len < 999 && monotonic_ms() - start < 2000)
        event_loop_run_once(loop, -1);
    TEST_INT_EQ(calls.order_len, 999, "every timer ran once");
    TEST_INT_EQ(calls.order[998], 5, "a moved timer runs at its new time");
    for (int i = 0; i < calls.order_len; i++)
        sorted &= calls.order[i] != 6;
    TEST_CHECK(sorted, "a cancelled timer does not run");
    TEST_CHECK(monotonic_ms() - start >= 80, "timers do not run early");

    /* A callback cancels another timer due in the same round. */
    memset(&calls, 0, sizeof(calls));
    event_timer_add(loop, 0, canceller_cb, (void *)(intptr_t)1);
    event_timer_add(loop, 0, order_cb, (void *)(intptr_t)1);
    usleep(2000);
    event_loop_run_once(loop, 0);
    TEST_CHECK(calls.count == 1 && calls.order_len == 0, "timer cancelled during dispatch");

    /* A timer that re-adds itself with no delay runs once per round. */
    calls.count = 0;
    event_timer_add(loop, 0, rearm_cb, NULL);
    event_loop_run_once(loop, 0);
    event_loop_run_once(loop, 0);
    TEST_INT_EQ(calls.count, 2, "zero-delay re-add waits for the next round");
    event_timer_cancel(loop, rearm_cb, NULL);

    start = monotonic_ms();
    event_timer_add(loop, 30, stop_cb, NULL);
    event_loop_run(loop);
    TEST_CHECK(monotonic_ms() - start >= 30, "event_loop_run runs until stopped");
    event_loop_free(loop);
}

static int signal_seen[NSIG];

static void signal_cb(EVENT_LOOP *loop, int signo, void *context)
{
    signal_seen[signo]++;
    if (signo == SIGCHLD)
        while (waitpid(-1, NULL, WNOHANG) > 0)
            (*(int *)context)++;
}

static void test_signals(void)
{
    EVENT_LOOP *loop = event_loop_create();
    struct sigaction old;
    int reaped = 0;
    pid_t pid;

    TEST_INT_EQ(event_signal_enable(loop, SIGUSR1, signal_cb, NULL), 0, "enable SIGUSR1");
    TEST_INT_EQ(event_signal_enable(loop, SIGCHLD, signal_cb, &reaped), 0, "enable SIGCHLD");
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    event_loop_run_once(loop, 1000);
    TEST_INT_EQ(signal_seen[SIGUSR1], 1, "signals coalesce into one callback per round");
    if ((pid = fork()) == 0)
        _exit(0);
    for (int i = 0; i < 50 && reaped == 0; i++)
        event_loop_run_once(loop, 100);
    TEST_INT_EQ(reaped, 1, "SIGCHLD arrives as a loop event");
    event_signal_disable(loop, SIGUSR1);
    sigaction(SIGUSR1, NULL, &old);
    TEST_CHECK(old.sa_handler == SIG_DFL, "disable restores the disposition");
    event_signal_reset();
    sigaction(SIGCHLD, NULL, &old);
    TEST_CHECK(old.sa_handler == SIG_DFL, "reset restores every disposition");
    event_loop_free(loop);
}

int main(void)
{
    msg_init("events_test");
    test_read_write();
    test_disable_during_dispatch();
    test_timers();
    test_signals();
    return test_summary("events_test");
}
