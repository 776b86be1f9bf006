/*++
 * NAME
 *	msg_logfile - send diagnostics to a log file
 * SYNOPSIS
 *	#include <msg_logfile.h>
 *
 *	int	msg_logfile_open(const char *path, const char *syslog_name,
 *				const char *program);
 *	void	msg_logfile_close(void);
 *	size_t	msg_logfile_format(char *buf, size_t len, time_t when,
 *				const char *host, const char *ident, long pid,
 *				const char *text);
 * DESCRIPTION
 *	msg_logfile_open() adds a msg(3) output that appends each message to
 *	path as one line in the classic syslog form:
 *
 *	    Mon DD HH:MM:SS host syslog_name/program[pid]: text
 *
 *	The file is opened with O_APPEND and each line is written with one
 *	write(2), so several processes can share it. It returns 0, or -1 with
 *	errno set when the file cannot be opened. A second call replaces the
 *	first file.
 *
 *	msg_logfile_close() stops logging to the file.
 *
 *	msg_logfile_format() formats one line (with its newline) into buf and
 *	returns its length; lines that do not fit are truncated.
 *--*/

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "msg_logfile.h"

struct msg_logfile {
    int fd;          /* the file, or -1 */
    char ident[256]; /* syslog_name/program */
    char host[256];  /* this host's name */
};

static struct msg_logfile msg_logfile = {.fd = -1};

/* msg_logfile_format - one line in the classic format */

size_t msg_logfile_format(char *buf, size_t len, time_t when, const char *host, const char *ident,
                          long pid, const char *text)
{
    struct tm tm;
    char stamp[32];
    int n;

    localtime_r(&when, &tm);
    strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
    n = snprintf(buf, len, "%s %s %s[%ld]: %s\n", stamp, host, ident, pid, text);
    if (n < 0)
        return 0;
    if ((size_t)n >= len) { /* truncated: keep the newline */
        buf[len - 2] = '\n';
        return len - 1;
    }
    return n;
}

/* msg_logfile_write - the output function */

static void msg_logfile_write(enum msg_level unused_level, const char *text, void *context)
{
    struct msg_logfile *lf = context;
    char line[4096 + 512];
    size_t n;

    if (lf->fd < 0)
        return;
    n = msg_logfile_format(line, sizeof(line), time(NULL), lf->host, lf->ident, (long)getpid(),
                           text);
    (void)write(lf->fd, line, n);
}

/* msg_logfile_open - start logging to a file */

int msg_logfile_open(const char *path, const char *syslog_name, const char *program)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

    if (fd < 0)
        return -1;
    if (msg_logfile.fd >= 0)
        close(msg_logfile.fd);
    else
        msg_output_add(msg_logfile_write, &msg_logfile);
    msg_logfile.fd = fd;
    snprintf(msg_logfile.ident, sizeof(msg_logfile.ident), "%s/%s", syslog_name, program);
    if (gethostname(msg_logfile.host, sizeof(msg_logfile.host)) < 0)
        strcpy(msg_logfile.host, "localhost");
    msg_logfile.host[sizeof(msg_logfile.host) - 1] = 0;
    return 0;
}

/* msg_logfile_close - stop logging to the file */

void msg_logfile_close(void)
{
    if (msg_logfile.fd < 0)
        return;
    msg_output_remove(msg_logfile_write, &msg_logfile);
    close(msg_logfile.fd);
    msg_logfile.fd = -1;
}
