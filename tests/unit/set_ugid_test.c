/* set_ugid_test - privileges really dropped; refusal without root */

#include <grp.h>
#include <setjmp.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "set_ugid.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

/* in_child - run fn in a child process and return its exit status */

static int in_child(int (*fn)(void))
{
    int status;
    pid_t pid = fork();

    if (pid == 0)
        _exit(fn());
    test_waitpid(pid, &status, 30);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static jmp_buf jbuf;

/* expect_fatal - 0 when set_ugid(uid, gid) is fatal */

static int expect_fatal(uid_t uid, gid_t gid)
{
    msg_stderr_enable(0);
    msg_set_longjmp(&jbuf);
    if (setjmp(jbuf) == 0) {
        set_ugid(uid, gid);
        return 1;
    }
    return 0;
}

static int drop_to_nobody(void)
{
    uid_t r, e, s;
    gid_t rg, eg, sg, groups[4];

    set_ugid(65534, 65534);
    getresuid(&r, &e, &s);
    getresgid(&rg, &eg, &sg);
    if (r != 65534 || e != 65534 || s != 65534 || rg != 65534 || eg != 65534 || sg != 65534)
        return 1;
    if (getgroups(4, groups) != 1 || groups[0] != 65534)
        return 2;
    if (setuid(0) == 0 || seteuid(0) == 0)
        return 3;
    /* Once dropped, asking for root again is fatal, not silently ignored. */
    return expect_fatal(0, 0) == 0 ? 0 : 4;
}

static int noop_for_self(void)
{
    set_ugid(getuid(), getgid());
    return 0;
}

static int refuse_other(void)
{
    return expect_fatal(getuid() + 1, getgid());
}

int main(void)
{
    msg_init("set_ugid_test");
    if (getuid() == 0) {
        setgroups(0, NULL);
        TEST_INT_EQ(in_child(drop_to_nobody), 0,
                    "root drops to 65534: every id, groups, no way back");
    } else {
        TEST_INT_EQ(in_child(refuse_other), 0, "without root, another uid is fatal");
    }
    TEST_INT_EQ(in_child(noop_for_self), 0, "own ids: nothing to do");
    return test_summary("set_ugid_test");
}
