/* myflock_test - shared and exclusive locks, no-wait, waiting, per-open-file semantics */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "myflock.h"
#include "timed_io.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

int main(void)
{
    char path[] = "/tmp/myflock_test.XXXXXX";
    int fd1 = mkstemp(path), fd2, fd3, status, pipefd[2];
    int64_t start;
    jmp_buf jbuf;
    pid_t pid;
    char c;

    msg_init("myflock_test");
    fd2 = open(path, O_RDWR);
    TEST_INT_EQ(myflock(fd1, MYFLOCK_EXCLUSIVE), 0, "exclusive lock");
    TEST_CHECK(myflock(fd2, MYFLOCK_EXCLUSIVE | MYFLOCK_NOWAIT) < 0 && errno == EAGAIN,
               "second exclusive lock: EAGAIN");
    TEST_CHECK(myflock(fd2, MYFLOCK_SHARED | MYFLOCK_NOWAIT) < 0 && errno == EAGAIN,
               "shared against exclusive: EAGAIN");
    fd3 = open(path, O_RDONLY);
    close(fd3);
    TEST_CHECK(myflock(fd2, MYFLOCK_EXCLUSIVE | MYFLOCK_NOWAIT) < 0,
               "closing another descriptor of the file keeps the lock");
    TEST_INT_EQ(myflock(fd1, MYFLOCK_NONE), 0, "release");
    TEST_INT_EQ(myflock(fd2, MYFLOCK_SHARED | MYFLOCK_NOWAIT), 0, "shared lock");
    TEST_INT_EQ(myflock(fd1, MYFLOCK_SHARED | MYFLOCK_NOWAIT), 0, "two shared locks");
    myflock(fd1, MYFLOCK_NONE);
    myflock(fd2, MYFLOCK_NONE);

    /* A child holds the lock for a while; the parent waits for it. */
    pipe(pipefd);
    if ((pid = fork()) == 0) {
        /* Its own open file: an inherited descriptor would share the lock. */
        myflock(open(path, O_RDONLY), MYFLOCK_EXCLUSIVE);
        (void)!write(pipefd[1], "L", 1);
        usleep(200000);
        _exit(0);
    }
    (void)!read(pipefd[0], &c, 1);
    start = monotonic_ms();
    TEST_CHECK(myflock(fd2, MYFLOCK_EXCLUSIVE) == 0 && monotonic_ms() - start >= 100,
               "a blocking lock waits until the holder is gone");
    test_waitpid(pid, &status, 30);
    myflock(fd2, MYFLOCK_NONE);

    /* An inherited descriptor shares the lock with the child. */
    myflock(fd1, MYFLOCK_EXCLUSIVE);
    if ((pid = fork()) == 0)
        _exit(myflock(fd1, MYFLOCK_EXCLUSIVE | MYFLOCK_NOWAIT) == 0 ? 0 : 1);
    test_waitpid(pid, &status, 30);
    TEST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
               "a child shares the lock of an inherited descriptor");
    myflock(fd1, MYFLOCK_NONE);

    msg_stderr_enable(0);
    msg_set_longjmp(&jbuf);
    if (setjmp(jbuf) == 0) {
        myflock(fd1, 7);
        TEST_CHECK(0, "unknown operation panics");
    } else {
        TEST_CHECK(1, "unknown operation panics");
    }
    msg_set_longjmp(NULL);
    close(fd1);
    close(fd2);
    unlink(path);
    return test_summary("myflock_test");
}
