/*
 * msg.h - diagnostics with one severity ladder
 *
 * msg_info, msg_warn, msg_error (counted; too many become fatal),
 * msg_fatal (exit with cleanup), msg_panic (our own bug: abort). Text goes to
 * every registered output: stderr by default, syslog (msg_syslog.h) or the
 * maillog_file (msg_logfile.h).
 */
#ifndef MSG_H
#define MSG_H

#include <setjmp.h>
#include <stdarg.h>

enum msg_level { MSG_INFO, MSG_WARN, MSG_ERROR, MSG_FATAL, MSG_PANIC };

/* An output receives each finished message, without a trailing newline. */
typedef void (*MSG_OUTPUT_FN)(enum msg_level level, const char *text, void *context);
typedef void (*MSG_CLEANUP_FN)(void);

extern int msg_verbose; /* -v count; modules log details when set */

extern void msg_init(const char *program);
extern const char *msg_program(void);
extern void msg_output_add(MSG_OUTPUT_FN fn, void *context);
extern void msg_output_remove(MSG_OUTPUT_FN fn, void *context);
extern void msg_stderr_enable(int enable);
extern MSG_CLEANUP_FN msg_cleanup(MSG_CLEANUP_FN fn);
extern void msg_error_limit(int limit);
extern void msg_set_longjmp(jmp_buf *target);

extern void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern _Noreturn void msg_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern _Noreturn void msg_fatal_status(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern _Noreturn void msg_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern void msg_vprintf(enum msg_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
