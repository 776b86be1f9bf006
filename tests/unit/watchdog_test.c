/*
 * watchdog_test - a stuck event loop ends the process; a busy one does not
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "msg.h"
#include "timed_io.h"
#include "watchdog.h"

#include "test.h"

/* stuck_cb - a callback that never returns in time */

static void stuck_cb(EVENT_LOOP *unused_loop, void *unused_context)
{
    nanosleep(&(struct timespec){.tv_sec = 8}, NULL);
    _exit(0);
}

/* busy_cb - short callbacks, many of them */

static void busy_cb(EVENT_LOOP *loop, void *unused_context)
{
    event_timer_add(loop, 100, busy_cb, NULL);
}

/* stop_cb - the end of the busy run */

static void stop_cb(EVENT_LOOP *loop, void *unused_context)
{
    event_loop_stop(loop);
}

/* start_child - a child with a watchdog of 2 seconds; its pid */

static pid_t start_child(EVENT_TIMER_FN first, int first_ms, int stop_ms)
{
    pid_t pid = fork();

    if (pid == 0) {
        EVENT_LOOP *loop = event_loop_create();

        watchdog_start(loop, 2);
        event_timer_add(loop, first_ms, first, NULL);
        event_timer_add(loop, stop_ms, stop_cb, NULL);
        event_loop_run(loop);
        watchdog_stop(loop);
        _exit(0);
    }
    return pid;
}

/* child_status - the wait status of a child, -1 on failure */

static int child_status(pid_t pid)
{
    int status = -1;

    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

int main(void)
{
    int64_t start = monotonic_ms();
    pid_t stuck, busy;
    int status;

    msg_stderr_enable(0);
    /* Both at once: the stuck one ends after 2s, the busy one runs 3s. */
    stuck = start_child(stuck_cb, 100, 6000);
    busy = start_child(busy_cb, 100, 3000);
    status = child_status(stuck);
    TEST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1,
               "a callback stuck past the limit ends the process with a fatal error (status %d)",
               status);
    TEST_CHECK(monotonic_ms() - start < 5000, "within about the limit (%lld ms)",
               (long long)(monotonic_ms() - start));
    status = child_status(busy);
    TEST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
               "a loop that keeps coming round outlives the limit (status %d)", status);
    return test_summary("watchdog");
}
