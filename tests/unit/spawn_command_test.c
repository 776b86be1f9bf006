/* spawn_command_test - argv, clean environment, descriptors, ids, exec errors, timeouts */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "spawn_command.h"
#include "timed_io.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

/* run - run a command with stdout and stderr to a pipe; return its output */

static int run(SPAWN_PROPS *props, VSTRING *out, int *status)
{
    VSTRING *why = vstring_alloc(10);
    char buf[512];
    int pipefd[2];
    ssize_t n;
    pid_t pid;

    pipe2(pipefd, O_CLOEXEC);
    props->stdout_fd = pipefd[1];
    if (props->stderr_fd == SPAWN_FD_INHERIT)
        props->stderr_fd = pipefd[1];
    pid = spawn_command(props, why);
    close(pipefd[1]);
    VSTRING_RESET(out);
    while ((n = read(pipefd[0], buf, sizeof(buf))) > 0)
        vstring_memcat(out, buf, n);
    close(pipefd[0]);
    if (pid < 0) {
        vstring_strcpy(out, vstring_str(why));
    } else {
        spawn_wait(pid, -1, status);
    }
    vstring_free(why);
    return pid < 0 ? -1 : 0;
}

int main(void)
{
    VSTRING *out = vstring_alloc(100), *why = vstring_alloc(10);
    const char *env[] = {"FOO=bar baz", NULL};
    int status = 0;
    int64_t start;
    pid_t pid;

    msg_init("spawn_command_test");
    signal(SIGPIPE, SIG_IGN);

    const char *envcmd[] = {"/usr/bin/env", NULL};
    TEST_CHECK(run(&(SPAWN_PROPS){.argv = envcmd, .env = env}, out, &status) == 0 &&
                   WIFEXITED(status) && WEXITSTATUS(status) == 0,
               "run a command");
    TEST_STR_EQ(vstring_str(out), "FOO=bar baz\n", "exactly the given environment");
    run(&(SPAWN_PROPS){.argv = envcmd}, out, &status);
    TEST_STR_EQ(vstring_str(out), "", "no environment at all by default");

    const char *args[] = {"/bin/sh", "-c", "printf '%s|' \"$@\"", "sh", "a b;c", "$HOME", NULL};
    run(&(SPAWN_PROPS){.argv = args}, out, &status);
    TEST_STR_EQ(vstring_str(out), "a b;c|$HOME|", "arguments are passed as they are");

    const char *both[] = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    run(&(SPAWN_PROPS){.argv = both}, out, &status);
    TEST_STR_EQ(vstring_str(out), "out\nerr\n", "stdout and stderr to one descriptor");
    TEST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3, "exit status passed on");

    const char *cat[] = {"/bin/cat", NULL};
    run(&(SPAWN_PROPS){.argv = cat, .stdin_fd = SPAWN_FD_NULL}, out, &status);
    TEST_CHECK(VSTRING_LEN(out) == 0 && WEXITSTATUS(status) == 0, "stdin from /dev/null");

    const char *sigign[] = {"/bin/sh", "-c", "sed -n 's/^SigIgn:.//p' /proc/self/status", NULL};
    run(&(SPAWN_PROPS){.argv = sigign}, out, &status);
    TEST_CHECK(VSTRING_LEN(out) > 0 &&
                   !(strtoull(vstring_str(out), NULL, 16) & (1ULL << (SIGPIPE - 1))),
               "an ignored SIGPIPE is not passed on: SigIgn %s", vstring_str(out));

    const char *pwd[] = {"/bin/pwd", NULL};
    run(&(SPAWN_PROPS){.argv = pwd, .cwd = "/"}, out, &status);
    TEST_STR_EQ(vstring_str(out), "/\n", "working directory");

    const char *missing[] = {"/no/such/program", NULL};
    TEST_INT_EQ(run(&(SPAWN_PROPS){.argv = missing}, out, &status), -1, "missing program");
    TEST_STR_EQ(vstring_str(out), "execute /no/such/program: No such file or directory",
                "exec error reported to the caller");
    run(&(SPAWN_PROPS){.argv = pwd, .cwd = "/no/such/dir"}, out, &status);
    TEST_CHECK(strstr(vstring_str(out), "change directory for /bin/pwd") != NULL,
               "bad directory reported: %s", vstring_str(out));

    run(&(SPAWN_PROPS){.argv = pwd, .root = "/no/such/dir"}, out, &status);
    TEST_CHECK(strstr(vstring_str(out), "change root directory for /bin/pwd") != NULL,
               "bad root directory reported: %s", vstring_str(out));

    if (getuid() == 0) {
        const char *id[] = {"/usr/bin/id", "-u", NULL};
        char dir[] = "/tmp/spawn_command_test.XXXXXX";

        run(&(SPAWN_PROPS){.argv = id, .uid = 65534, .gid = 65534}, out, &status);
        TEST_STR_EQ(vstring_str(out), "65534\n", "runs as the given user");
        /* The working directory is entered with the new ids. */
        if (mkdtemp(dir) == NULL)
            msg_fatal("mkdtemp: %m");
        run(&(SPAWN_PROPS){.argv = pwd, .uid = 65534, .gid = 65534, .cwd = dir}, out, &status);
        TEST_CHECK(strstr(vstring_str(out), "change directory for /bin/pwd: Permission denied") !=
                       NULL,
                   "a directory that the user cannot enter is refused: %s", vstring_str(out));
        rmdir(dir);
    }

    const char *sleeper[] = {"/bin/sleep", "10", NULL};
    pid = spawn_command(&(SPAWN_PROPS){.argv = sleeper}, why);
    start = monotonic_ms();
    TEST_CHECK(spawn_wait(pid, 200, &status) < 0 && errno == ETIMEDOUT, "wait times out");
    TEST_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && monotonic_ms() - start < 2000,
               "the child is killed at the deadline");
    TEST_CHECK(spawn_wait(pid, 0, &status) < 0 && errno == ECHILD, "reaped already");

    vstring_free(out);
    vstring_free(why);
    return test_summary("spawn_command_test");
}
