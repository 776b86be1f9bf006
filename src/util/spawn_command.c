/*++
 * NAME
 *	spawn_command - run a command with an argument vector and a clean environment
 * SYNOPSIS
 *	#include <spawn_command.h>
 *
 *	pid_t	spawn_command(const SPAWN_PROPS *props, VSTRING *why);
 *	int	spawn_wait(pid_t pid, int timeout_ms, int *out_status);
 * DESCRIPTION
 *	spawn_command() starts props->argv[0] (a path; there is no search
 *	and no shell) with the arguments props->argv and exactly the
 *	environment props->env (NULL: none at all). It returns the child's
 *	process id once the program is running, or -1 with a reason in why
 *	when the fork or the exec failed (the exec error is reported here,
 *	not as an exit status).
 *
 *	In the child, stdin_fd, stdout_fd and stderr_fd each either leave
 *	the parent's descriptor in place (SPAWN_FD_INHERIT, the zero
 *	default), connect /dev/null (SPAWN_FD_NULL), or connect the given
 *	descriptor; every other descriptor of the parent that is marked
 *	close-on-exec (as everything this library opens is) stays behind.
 *	With root, the child first changes its root directory to that
 *	directory, and its working directory to the new "/" (this needs
 *	root privileges). With uid other than 0 it then drops to uid and gid
 *	(set_ugid()). With cwd it changes to that directory last, with
 *	the new ids (inside the new root). Signal dispositions and the
 *	signal mask start from the defaults, so a parent that ignores
 *	SIGPIPE does not pass that on.
 *
 *	spawn_wait() waits for the child pid to end, at most timeout_ms
 *	milliseconds (negative: for ever), and stores its wait status in
 *	out_status. It returns 0, or -1 with errno ETIMEDOUT after killing
 *	the child (SIGKILL) and reaping it, or with another errno when pid
 *	is not a child.
 * DIAGNOSTICS
 *	Returned: the reason names the program and the system error. In the
 *	child, a failure to set up descriptors, the root, or the directory ends
 *	it with exit status 127 and the reason in the parent's why.
 * SEE ALSO
 *	sane_fork(3), set_ugid(3)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "sane_fork.h"
#include "set_ugid.h"
#include "spawn_command.h"
#include "timed_io.h"

/* What the child reports through the error pipe when it cannot exec. */
typedef struct SPAWN_ERROR {
    int step; /* SPAWN_STEP_* */
    int err;  /* errno */
} SPAWN_ERROR;

#define SPAWN_STEP_STDIO 1
#define SPAWN_STEP_CWD   2
#define SPAWN_STEP_EXEC  3
#define SPAWN_STEP_ROOT  4

/* spawn_child_stdio - put the requested descriptors at 0, 1 and 2 */

static int spawn_child_stdio(const SPAWN_PROPS *props)
{
    int want[3] = {props->stdin_fd, props->stdout_fd, props->stderr_fd};
    int moved[3];

    /* First move every source out of the way, so no dup2() clobbers another. */
    for (int i = 0; i < 3; i++) {
        moved[i] = -1;
        if (want[i] == SPAWN_FD_NULL)
            moved[i] = open("/dev/null", i == 0 ? O_RDONLY : O_WRONLY);
        else if (want[i] != SPAWN_FD_INHERIT)
            moved[i] = fcntl(want[i], F_DUPFD, 3);
        if (want[i] != SPAWN_FD_INHERIT && moved[i] < 0)
            return -1;
    }
    for (int i = 0; i < 3; i++) {
        if (moved[i] >= 0) {
            if (dup2(moved[i], i) < 0)
                return -1;
            close(moved[i]);
        }
        if (set_cloexec(i, 0) < 0 && errno != EBADF)
            return -1;
    }
    return 0;
}

/* spawn_child - set up the child and exec; never returns */

static _Noreturn void spawn_child(const SPAWN_PROPS *props, int err_fd)
{
    static const char *const no_env[] = {NULL};
    SPAWN_ERROR report = {0, 0};
    sigset_t none;

    for (int signo = 1; signo < NSIG; signo++)
        if (signo != SIGKILL && signo != SIGSTOP)
            signal(signo, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (spawn_child_stdio(props) < 0) {
        report.step = SPAWN_STEP_STDIO;
    } else if (props->root && (chroot(props->root) < 0 || chdir("/") < 0)) {
        report.step = SPAWN_STEP_ROOT;
    } else {
        if (props->uid != 0)
            set_ugid(props->uid, props->gid);
        if (props->cwd && chdir(props->cwd) < 0) {
            report.step = SPAWN_STEP_CWD;
        } else {
            execve(props->argv[0], (char *const *)props->argv,
                   (char *const *)(props->env ? props->env : no_env));
            report.step = SPAWN_STEP_EXEC;
        }
    }
    report.err = errno;
    (void)!write(err_fd, &report, sizeof(report));
    _exit(127);
}

/* spawn_command - start a command */

pid_t spawn_command(const SPAWN_PROPS *props, VSTRING *why)
{
    static const char *steps[] = {"", "set up descriptors for", "change directory for", "execute",
                                  "change root directory for"};
    SPAWN_ERROR report;
    int pipefd[2], status;
    ssize_t n;
    pid_t pid;

    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        vstring_sprintf(why, "pipe: %m");
        return -1;
    }
    if ((pid = sane_fork()) < 0) {
        vstring_sprintf(why, "fork for %s: %m", props->argv[0]);
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        close(pipefd[0]);
        spawn_child(props, pipefd[1]);
    }
    close(pipefd[1]);
    do {
        n = read(pipefd[0], &report, sizeof(report));
    } while (n < 0 && errno == EINTR);
    close(pipefd[0]);
    if (n == (ssize_t)sizeof(report)) {
        errno = report.err;
        vstring_sprintf(why, "%s %s: %m", steps[report.step], props->argv[0]);
        waitpid(pid, &status, 0);
        return -1;
    }
    return pid;
}

/* spawn_wait - wait for a child, killing it at the deadline */

int spawn_wait(pid_t pid, int timeout_ms, int *out_status)
{
    int64_t deadline = monotonic_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
    long nap_ns = 1000000;
    pid_t got;

    for (;;) {
        got = waitpid(pid, out_status, timeout_ms < 0 ? 0 : WNOHANG);
        if (got == pid)
            return 0;
        if (got < 0 && errno != EINTR)
            return -1;
        if (got == 0 && monotonic_ms() >= deadline) {
            kill(pid, SIGKILL);
            while (waitpid(pid, out_status, 0) < 0 && errno == EINTR)
                /* void */;
            errno = ETIMEDOUT;
            return -1;
        }
        if (got == 0) {
            nanosleep(&(struct timespec){.tv_nsec = nap_ns}, NULL);
            if (nap_ns < 50000000)
                nap_ns *= 2;
        }
    }
}
