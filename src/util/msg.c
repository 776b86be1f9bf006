/*++
 * NAME
 *	msg - diagnostics with one severity ladder
 * SYNOPSIS
 *	#include <msg.h>
 *
 *	int	msg_verbose;
 *
 *	void	msg_init(const char *program);
 *	const char *msg_program(void);
 *	void	msg_output_add(MSG_OUTPUT_FN fn, void *context);
 *	void	msg_output_remove(MSG_OUTPUT_FN fn, void *context);
 *	void	msg_stderr_enable(int enable);
 *	MSG_CLEANUP_FN msg_cleanup(MSG_CLEANUP_FN fn);
 *	void	msg_error_limit(int limit);
 *	void	msg_set_longjmp(jmp_buf *target);
 *
 *	void	msg_info(const char *fmt, ...);
 *	void	msg_warn(const char *fmt, ...);
 *	void	msg_error(const char *fmt, ...);
 *	void	msg_fatal(const char *fmt, ...);
 *	void	msg_fatal_status(int status, const char *fmt, ...);
 *	void	msg_panic(const char *fmt, ...);
 *	void	msg_vprintf(enum msg_level level, const char *fmt, va_list ap);
 * DESCRIPTION
 *	The format is printf's, with %m for strerror(errno); errno is kept
 *	intact across a call. Warnings, errors, fatal errors and panics are
 *	prefixed "warning: ", "error: ", "fatal: " and "panic: ".
 *
 *	A message is one line of text whatever it quotes: a carriage
 *	return or newline becomes a space, and every other control
 *	character (tab, escape, DEL, ...) becomes '?', so that text from a
 *	peer (a command, an address, a reply) can neither start a forged
 *	log line nor send terminal escapes to whoever reads the log. Bytes
 *	from 0x80 up are left alone (UTF-8).
 *
 *	msg_init() names the program for stderr output ("program: text").
 *
 *	msg_output_add() registers another output; msg_output_remove() drops
 *	one. Output to stderr is on until msg_stderr_enable(0).
 *
 *	msg_cleanup() installs a function that msg_fatal() runs before exit
 *	and returns the previous one.
 *
 *	msg_error() counts; when the count reaches the limit (13 unless
 *	msg_error_limit() changes it) the process ends as msg_fatal() would.
 *
 *	msg_fatal() runs the cleanup hook and exits with status 1 (or the
 *	given status). msg_panic() aborts without cleanup so that a core dump
 *	shows the state. When msg_set_longjmp() has set a target (tests), both
 *	jump there instead of ending the process.
 * DIAGNOSTICS
 *	A message logged while another is being logged (an output failed)
 *	goes to stderr only.
 *--*/

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"

#define MSG_OUTPUT_MAX 8
#define MSG_TEXT_MAX   4096 /* longer messages are truncated */

struct msg_output {
    MSG_OUTPUT_FN fn;
    void *context;
};

/* Logging is process-wide by nature: one configuration per process. */
int msg_verbose;
static const char *msg_program_name = "unknown";
static struct msg_output msg_outputs[MSG_OUTPUT_MAX];
static int msg_output_count;
static int msg_use_stderr = 1;
static MSG_CLEANUP_FN msg_cleanup_fn;
static int msg_error_count;
static int msg_error_max = 13;
static int msg_busy;
static jmp_buf *msg_jump_target;

static const char *const msg_prefix[] = {
    [MSG_INFO] = "",         [MSG_WARN] = "warning: ", [MSG_ERROR] = "error: ",
    [MSG_FATAL] = "fatal: ", [MSG_PANIC] = "panic: ",
};

/* msg_init - name the program */

void msg_init(const char *program)
{
    const char *slash = strrchr(program, '/');

    msg_program_name = slash ? slash + 1 : program;
}

/* msg_program - the program name */

const char *msg_program(void)
{
    return msg_program_name;
}

/* msg_output_add - register an output */

void msg_output_add(MSG_OUTPUT_FN fn, void *context)
{
    if (msg_output_count >= MSG_OUTPUT_MAX)
        msg_panic("%s: too many outputs", __func__);
    msg_outputs[msg_output_count].fn = fn;
    msg_outputs[msg_output_count].context = context;
    msg_output_count++;
}

/* msg_output_remove - drop an output */

void msg_output_remove(MSG_OUTPUT_FN fn, void *context)
{
    for (int i = 0; i < msg_output_count; i++) {
        if (msg_outputs[i].fn == fn && msg_outputs[i].context == context) {
            memmove(msg_outputs + i, msg_outputs + i + 1,
                    (msg_output_count - i - 1) * sizeof(msg_outputs[0]));
            msg_output_count--;
            return;
        }
    }
}

/* msg_stderr_enable - turn output to stderr on or off */

void msg_stderr_enable(int enable)
{
    msg_use_stderr = enable;
}

/* msg_cleanup - install the fatal-error cleanup hook */

MSG_CLEANUP_FN msg_cleanup(MSG_CLEANUP_FN fn)
{
    MSG_CLEANUP_FN old = msg_cleanup_fn;

    msg_cleanup_fn = fn;
    return old;
}

/* msg_error_limit - set how many errors are tolerated */

void msg_error_limit(int limit)
{
    msg_error_max = limit;
}

/* msg_set_longjmp - make fatal and panic jump instead of exiting */

void msg_set_longjmp(jmp_buf *target)
{
    msg_jump_target = target;
}

/* msg_stderr_write - write one line to stderr */

static void msg_stderr_write(enum msg_level level, const char *text)
{
    char line[MSG_TEXT_MAX + 256];
    int len = snprintf(line, sizeof(line), "%s: %s\n", msg_program_name, text);

    if (len > (int)sizeof(line) - 1)
        len = sizeof(line) - 1;
    (void)level;
    (void)write(STDERR_FILENO, line, len);
}

/* msg_vprintf - format a message and hand it to each output */

void msg_vprintf(enum msg_level level, const char *fmt, va_list ap)
{
    int saved_errno = errno;
    char text[MSG_TEXT_MAX];
    size_t plen = strlen(msg_prefix[level]);

    memcpy(text, msg_prefix[level], plen);
    vsnprintf(text + plen, sizeof(text) - plen, fmt, ap);
    for (char *cp = text; *cp; cp++) { /* one message, one printable line */
        if (*cp == '\n' || *cp == '\r')
            *cp = ' ';
        else if ((unsigned char)*cp < ' ' || *cp == 0x7f)
            *cp = '?';
    }
    if (msg_busy || msg_use_stderr)
        msg_stderr_write(level, text);
    if (!msg_busy) {
        msg_busy = 1;
        for (int i = 0; i < msg_output_count; i++)
            msg_outputs[i].fn(level, text, msg_outputs[i].context);
        msg_busy = 0;
    }
    errno = saved_errno;
}

/* msg_finish - end the process after a fatal error or panic */

static _Noreturn void msg_finish(enum msg_level level, int status)
{
    if (msg_jump_target)
        longjmp(*msg_jump_target, level == MSG_PANIC ? 2 : 1);
    if (level == MSG_PANIC)
        abort();
    if (msg_cleanup_fn) {
        MSG_CLEANUP_FN fn = msg_cleanup_fn;

        msg_cleanup_fn = NULL; /* no recursion when cleanup fails */
        fn();
    }
    exit(status);
}

/* msg_info - informational message */

void msg_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_INFO, fmt, ap);
    va_end(ap);
}

/* msg_warn - something is wrong, but we carry on */

void msg_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_WARN, fmt, ap);
    va_end(ap);
}

/* msg_error - a counted error */

void msg_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_ERROR, fmt, ap);
    va_end(ap);
    if (++msg_error_count >= msg_error_max)
        msg_fatal("too many errors - program terminated");
}

/* msg_fatal - unusable environment or configuration */

void msg_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_FATAL, fmt, ap);
    va_end(ap);
    msg_finish(MSG_FATAL, 1);
}

/* msg_fatal_status - fatal error with a chosen exit status */

void msg_fatal_status(int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_FATAL, fmt, ap);
    va_end(ap);
    msg_finish(MSG_FATAL, status);
}

/* msg_panic - our own bug */

void msg_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_PANIC, fmt, ap);
    va_end(ap);
    msg_finish(MSG_PANIC, 2);
}
