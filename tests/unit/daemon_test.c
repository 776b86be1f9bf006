/* daemon_test - detach, wait for readiness, failed start, standard descriptors */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "file_io.h"
#include "msg.h"
#include "timed_io.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static char report[200];

/* fd_target - what a descriptor points at */

static void fd_target(int fd, char *buf, size_t len)
{
    char path[64];
    ssize_t n;

    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    n = readlink(path, buf, len - 1);
    buf[n > 0 ? n : 0] = 0;
}

/* daemon_body - detach, then record what the daemon looks like */

static _Noreturn void daemon_body(int flags, int ready)
{
    VSTRING *why = vstring_alloc(10), *text = vstring_alloc(100);
    char in[100], out[100], err[100];

    if (daemon_detach(flags, why) < 0)
        _exit(2);
    if (ready)
        daemon_ready();
    usleep(50000);
    fd_target(0, in, sizeof(in));
    fd_target(1, out, sizeof(out));
    fd_target(2, err, sizeof(err));
    vstring_sprintf(text, "leader=%d %s %s %s", getsid(0) == getpid(), in, out, err);
    write_file_atomically(report, vstring_str(text), VSTRING_LEN(text), 0600, why);
    _exit(0);
}

/* start - run daemon_body in a child; return the child's exit status */

static int start(int flags, int ready)
{
    int status;
    pid_t pid = fork();

    if (pid == 0)
        daemon_body(flags, ready);
    test_waitpid(pid, &status, 30);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

/* wait_report - the daemon's report, once written */

static const char *wait_report(VSTRING *buf)
{
    VSTRING *why = vstring_alloc(10);
    int64_t deadline = monotonic_ms() + 5000;

    while (read_file(report, buf, 0, why) < 0 && monotonic_ms() < deadline)
        usleep(10000);
    unlink(report);
    vstring_free(why);
    return vstring_str(buf);
}

int main(void)
{
    VSTRING *got = vstring_alloc(100);
    char target[100];
    int status;
    pid_t pid;

    msg_init("daemon_test");
    snprintf(report, sizeof(report), "/tmp/daemon_test.%ld", (long)getpid());

    TEST_INT_EQ(start(DAEMON_FLAG_WAIT, 1), 0, "wait: success once the daemon is ready");
    TEST_STR_EQ(wait_report(got), "leader=1 /dev/null /dev/null /dev/null",
                "daemon leads a session; stdio is /dev/null after ready");
    TEST_INT_EQ(start(DAEMON_FLAG_WAIT, 0), 1, "wait: failure when the daemon dies first");
    unlink(report);
    wait_report(got);
    TEST_INT_EQ(start(0, 0), 0, "no wait: the original process exits at once");
    TEST_STR_EQ(wait_report(got), "leader=1 /dev/null /dev/null /dev/null",
                "detached daemon has /dev/null stdio");

    if ((pid = fork()) == 0) {
        close(0);
        close(2);
        if (daemon_stdio_fill() < 0)
            _exit(1);
        fd_target(0, target, sizeof(target));
        if (strcmp(target, "/dev/null") != 0)
            _exit(2);
        fd_target(2, target, sizeof(target));
        _exit(strcmp(target, "/dev/null") != 0 ? 3 : 0);
    }
    test_waitpid(pid, &status, 30);
    TEST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
               "closed standard descriptors are filled with /dev/null");
    vstring_free(got);
    return test_summary("daemon_test");
}
