/*++
 * NAME
 *	san_options - sanitizer defaults of the sanitized build
 * SUMMARY
 *	where AddressSanitizer and UBSan reports go, linked into every
 *	program of "make test SANITIZE=1"
 * SYNOPSIS
 *	const char *__asan_default_options(void);
 *	const char *__ubsan_default_options(void);
 * DESCRIPTION
 *	The sanitizer runtimes call these before main() for the options that
 *	ASAN_OPTIONS and UBSAN_OPTIONS do not set. The environment rarely
 *	reaches a daemon (master keeps only import_environment, the tests run
 *	commands with a reset environment), so the defaults carry what the
 *	test harness needs:
 * .IP \(bu
 *	A program that runs from a test stage (tests/integration/lib/stage.sh:
 *	STAGE/bin, STAGE/libexec, STAGE/helpers) writes each report to a file
 *	STAGE/sanitizer/report.PID when that directory exists; tests/run fails
 *	the test during which such a file appeared. Elsewhere reports go to
 *	standard error.
 * .IP \(bu
 *	A report ends the process with SIGABRT (abort_on_error), so that master
 *	logs "killed by signal 6" and a command's caller sees the signal.
 * .IP \(bu
 *	Leak checks are off (detect_leaks=0): a daemon leaves at exit() with
 *	its long-lived state still allocated, and one that forked and ends in
 *	_exit() is never checked at all, so a leak report there would say
 *	nothing about a real leak. tests/run turns leak checks on for the unit
 *	tests that ask for them (TEST_LEAK_CHECK) through ASAN_OPTIONS.
 * .PP
 *	The runtime is not ready yet when it asks: this file is compiled
 *	without instrumentation, finds the stage from /proc/self/exe with raw
 *	system calls and calls no library function that a sanitizer
 *	intercepts.
 *--*/

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SAN_COMMON      "abort_on_error=1:print_stacktrace=1"
#define SAN_REPORT_DIR  "/sanitizer"
#define SAN_REPORT_FILE "/report"

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

static char san_asan[4096 + 128];  /* the ASan options */
static char san_ubsan[4096 + 128]; /* the UBSan options */

/* san_append - append src to the NUL-terminated buf of size bytes */

static void san_append(char *buf, size_t size, const char *src)
{
    size_t n = 0;

    while (n < size && buf[n])
        n++;
    while (*src && n + 1 < size)
        buf[n++] = *src++;
    if (n < size)
        buf[n] = 0;
}

/* san_cut - cut the string at its last slash */

static void san_cut(char *str)
{
    char *last = 0;

    for (char *cp = str; *cp; cp++)
        if (*cp == '/')
            last = cp;
    if (last)
        *last = 0;
}

/* san_stage_dir - the stage's report directory of this program, or "" */

static const char *san_stage_dir(void)
{
    static char dir[4096]; /* STAGE/sanitizer */
    static int done;       /* dir is computed */
    long len;

    if (done)
        return dir;
    done = 1;
    len = syscall(SYS_readlink, "/proc/self/exe", dir, sizeof(dir) - sizeof(SAN_REPORT_DIR) - 1);
    if (len <= 0) {
        dir[0] = 0;
        return dir;
    }
    dir[len] = 0;
    /* STAGE/libexec/NAME -> STAGE */
    san_cut(dir);
    san_cut(dir);
    san_append(dir, sizeof(dir), SAN_REPORT_DIR);
    if (syscall(SYS_faccessat, AT_FDCWD, dir, W_OK | X_OK, 0) != 0)
        dir[0] = 0;
    return dir;
}

/* san_options - the common options plus a log_path into the stage */

static const char *san_options(char *buf, size_t size, const char *extra)
{
    const char *dir = san_stage_dir();

    buf[0] = 0;
    san_append(buf, size, SAN_COMMON);
    san_append(buf, size, extra);
    if (*dir) {
        san_append(buf, size, ":log_path=");
        san_append(buf, size, dir);
        san_append(buf, size, SAN_REPORT_FILE);
    }
    return buf;
}

/* __asan_default_options - the AddressSanitizer defaults */

const char *__asan_default_options(void)
{
    return san_options(san_asan, sizeof(san_asan), ":detect_leaks=0");
}

/* __ubsan_default_options - the UBSan defaults */

const char *__ubsan_default_options(void)
{
    return san_options(san_ubsan, sizeof(san_ubsan), ":halt_on_error=1");
}
