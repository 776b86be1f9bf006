/* pid_file_test - one holder at a time; check from outside; release on death */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file_io.h"
#include "msg.h"
#include "pid_file.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

int main(void)
{
    char dir[] = "/tmp/pid_file_test.XXXXXX", path[200], link_path[200], want[32];
    VSTRING *why = vstring_alloc(10), *content = vstring_alloc(10);
    int fd, pipefd[2], status;
    pid_t pid, holder = 0;
    char c;

    msg_init("pid_file_test");
    mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/master.pid", dir);
    TEST_INT_EQ(pid_file_check(path, &holder, why), 0, "absent file: nobody holds it");

    fd = pid_file_open(path, why);
    TEST_CHECK(fd >= 0, "claim the pid file: %s", vstring_str(why));
    read_file(path, content, 0, why);
    snprintf(want, sizeof(want), "%10ld\n", (long)getpid());
    TEST_STR_EQ(vstring_str(content), want, "the file holds our pid");
    TEST_CHECK(pid_file_check(path, &holder, why) == 1 && holder == getpid(),
               "check sees a live holder and its pid");
    TEST_CHECK(pid_file_open(path, why) < 0 && errno == EAGAIN, "a second claim fails");
    snprintf(want, sizeof(want), "(pid %ld)", (long)getpid());
    TEST_CHECK(strstr(vstring_str(why), want) != NULL, "reason names the holder: %s",
               vstring_str(why));
    close(fd);
    TEST_INT_EQ(pid_file_check(path, &holder, why), 0, "closed: nobody holds it");

    /* A holder killed with SIGKILL leaves the file, but not the lock. */
    pipe(pipefd);
    if ((pid = fork()) == 0) {
        if (pid_file_open(path, why) >= 0)
            (void)!write(pipefd[1], "L", 1);
        pause();
        _exit(0);
    }
    (void)!read(pipefd[0], &c, 1);
    TEST_CHECK(pid_file_check(path, &holder, why) == 1 && holder == pid,
               "another process holds it");
    TEST_CHECK(pid_file_open(path, why) < 0, "so we cannot claim it");
    kill(pid, SIGKILL);
    test_waitpid(pid, &status, 30);
    TEST_INT_EQ(pid_file_check(path, &holder, why), 0, "after kill -9 the lock is gone");
    fd = pid_file_open(path, why);
    TEST_CHECK(fd >= 0, "and the file can be claimed again");
    close(fd);

    snprintf(link_path, sizeof(link_path), "%s/link.pid", dir);
    symlink(path, link_path);
    TEST_INT_EQ(pid_file_open(link_path, why), -1, "a symlinked pid file is refused");

    vstring_sprintf(why, "rm -rf %s", dir);
    (void)!system(vstring_str(why));
    vstring_free(why);
    vstring_free(content);
    return test_summary("pid_file_test");
}
