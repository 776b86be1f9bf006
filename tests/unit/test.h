/*
 * test.h - checks and a summary for the unit tests
 *
 * Each check prints "ok - name" or "not ok - name: detail"; tests/run
 * counts these lines. test_summary() prints the totals and returns the
 * exit status for main().
 *
 *	TEST_CHECK(cond, name_fmt, ...)		pass when cond holds
 *	TEST_STR_EQ(got, want, name_fmt, ...)	strings equal (NULL-safe)
 *	TEST_INT_EQ(got, want, name_fmt, ...)	integers equal
 *
 * test_waitpid(pid, status, seconds) is waitpid() with a bound: a child
 * that still runs after that many seconds is killed (SIGKILL) and reaped,
 * and a comment line says so. Tests wait for their children with it.
 *
 * test_command_line(cmd) runs a shell command (an openssl command that a
 * result is compared with) and returns the first line of its output,
 * without the newline, in a buffer that the next call overwrites; "" when
 * the command cannot run or prints nothing.
 */
#ifndef TEST_H
#define TEST_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

static int test_passed;
static int test_failed;

__attribute__((format(printf, 3, 4))) static inline int test_report(int ok, const char *detail,
                                                                    const char *fmt, ...)
{
    va_list ap;

    printf("%s - ", ok ? "ok" : "not ok");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (!ok && detail && *detail)
        printf(": %s", detail);
    printf("\n");
    fflush(stdout);
    if (ok)
        test_passed++;
    else
        test_failed++;
    return ok;
}

static inline const char *test_str_detail(char *buf, size_t len, const char *got, const char *want)
{
    snprintf(buf, len, "got \"%s\", want \"%s\"", got ? got : "(null)", want ? want : "(null)");
    return buf;
}

/* test_command_line - first line of a command's output, newline removed */

static inline const char *test_command_line(const char *cmd)
{
    static char line[1024];
    FILE *fp = popen(cmd, "r");

    line[0] = 0;
    if (fp) {
        if (fgets(line, sizeof(line), fp) == NULL)
            line[0] = 0;
        pclose(fp);
    }
    line[strcspn(line, "\n")] = 0;
    return line;
}

/* test_waitpid - waitpid() for at most seconds, then SIGKILL */

static inline pid_t test_waitpid(pid_t pid, int *status, int seconds)
{
    struct timespec step = {0, 10 * 1000 * 1000};
    pid_t got;

    for (long waited = 0; waited < seconds * 100L; waited++) {
        if ((got = waitpid(pid, status, WNOHANG)) != 0)
            return got;
        nanosleep(&step, NULL);
    }
    if (pid > 0) {
        printf("# process %ld still runs after %ds: killed\n", (long)pid, seconds);
        fflush(stdout);
        kill(pid, SIGKILL);
    }
    return waitpid(pid, status, 0);
}

#define TEST_CHECK(cond, ...) test_report((cond) ? 1 : 0, "check failed: " #cond, __VA_ARGS__)

#define TEST_STR_EQ(got, want, ...)                                                                \
    do {                                                                                           \
        const char *test_got_ = (got), *test_want_ = (want);                                       \
        char test_buf_[1024];                                                                      \
        int test_same_ = (test_got_ == NULL || test_want_ == NULL)                                 \
                             ? test_got_ == test_want_                                             \
                             : strcmp(test_got_, test_want_) == 0;                                 \
        test_report(test_same_,                                                                    \
                    test_str_detail(test_buf_, sizeof(test_buf_), test_got_, test_want_),          \
                    __VA_ARGS__);                                                                  \
    } while (0)

#define TEST_INT_EQ(got, want, ...)                                                                \
    do {                                                                                           \
        long long test_got_ = (got), test_want_ = (want);                                          \
        char test_buf_[128];                                                                       \
        snprintf(test_buf_, sizeof(test_buf_), "got %lld, want %lld", test_got_, test_want_);      \
        test_report(test_got_ == test_want_, test_buf_, __VA_ARGS__);                              \
    } while (0)

static inline int test_summary(const char *name)
{
    printf("# %s: %d passed, %d failed\n", name, test_passed, test_failed);
    return test_failed ? 1 : 0;
}

#endif
