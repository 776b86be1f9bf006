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
 */
#ifndef TEST_H
#define TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
