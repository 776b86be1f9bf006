/*++
 * NAME
 *	msg_syslog - send diagnostics to syslog
 * SYNOPSIS
 *	#include <msg_syslog.h>
 *
 *	void	msg_syslog_init(const char *syslog_name, const char *program);
 * DESCRIPTION
 *	msg_syslog_init() adds a msg(3) output that logs to syslog with
 *	facility mail and ident "syslog_name/program" (as "postfix/smtpd"),
 *	with the process id. Calling it again replaces the ident.
 *	Info maps to LOG_INFO, warnings to LOG_WARNING, errors to LOG_ERR,
 *	fatal errors to LOG_CRIT and panics to LOG_EMERG.
 *--*/

#include <stdio.h>
#include <syslog.h>

#include "msg.h"
#include "msg_syslog.h"

static char msg_syslog_ident[256]; /* openlog() keeps a pointer to it */
static int msg_syslog_added;

/* msg_syslog_write - the output function */

static void msg_syslog_write(enum msg_level level, const char *text, void *unused_context)
{
    static const int priority[] = {
        [MSG_INFO] = LOG_INFO,  [MSG_WARN] = LOG_WARNING, [MSG_ERROR] = LOG_ERR,
        [MSG_FATAL] = LOG_CRIT, [MSG_PANIC] = LOG_EMERG,
    };

    syslog(priority[level], "%s", text);
}

/* msg_syslog_init - start logging to syslog */

void msg_syslog_init(const char *syslog_name, const char *program)
{
    closelog();
    snprintf(msg_syslog_ident, sizeof(msg_syslog_ident), "%s/%s", syslog_name, program);
    openlog(msg_syslog_ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
    if (!msg_syslog_added) {
        msg_output_add(msg_syslog_write, NULL);
        msg_syslog_added = 1;
    }
}
