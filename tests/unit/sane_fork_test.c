/* sane_fork_test - a fork that works like fork */

#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "sane_fork.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

int main(void)
{
    int status = 0;
    pid_t pid;

    msg_init("sane_fork_test");
    if ((pid = sane_fork()) == 0)
        _exit(7);
    TEST_CHECK(pid > 0 && test_waitpid(pid, &status, 30) == pid, "parent gets the child's pid");
    TEST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "the child ran");
    return test_summary("sane_fork_test");
}
