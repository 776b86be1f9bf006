/*++
 * NAME
 *	mail_command - output and exit status of a delivery command
 * SYNOPSIS
 *	#include <mail_command.h>
 *
 *	bool	mail_command_output(int fd, time_t deadline, VSTRING *out);
 *	bool	mail_command_status_code(const char *text, char *dsn,
 *				size_t size);
 *	const char *mail_command_sysexit(int code, const char **out_dsn);
 * DESCRIPTION
 *	mail_command_output() reads the command's output from fd until end
 *	of file or until deadline, keeping the first MAIL_COMMAND_OUTPUT_MAX
 *	bytes in out (appended) and then making them one line of printable
 *	text (control characters become spaces; trailing spaces go). It
 *	returns true at end of file, false when the deadline passed first.
 *
 *	mail_command_status_code() tells whether text starts with an RFC
 *	3463 status code for a failure ("4.x.y" or "5.x.y" followed by a
 *	space or the end), and copies it into dsn (size bytes).
 *
 *	mail_command_sysexit() returns the meaning of a sysexits.h exit
 *	status ("user unknown" for 67, ...) with its status code in
 *	*out_dsn (75 EX_TEMPFAIL and 71 EX_OSERR are 4.3.0, the others
 *	permanent, as Postfix's table has them), or NULL for a status
 *	outside that table.
 *--*/

/* System library. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

/* Global library. */
#include "mail_command.h"

/* The sysexits.h codes and what they mean for the recipients. */
static const struct {
    int code;         /* exit status */
    const char *dsn;  /* RFC 3463 status */
    const char *text; /* meaning */
} mail_command_sysexits[] = {
    {64, "5.3.0", "command line usage error"},  {65, "5.6.0", "data format error"},
    {66, "5.3.0", "cannot open input"},         {67, "5.1.1", "user unknown"},
    {68, "5.1.2", "host name unknown"},         {69, "5.3.0", "service unavailable"},
    {70, "5.3.0", "internal software error"},   {71, "4.3.0", "system resource problem"},
    {72, "5.3.0", "critical OS file missing"},  {73, "5.2.0", "can't create user output file"},
    {74, "5.3.0", "input/output error"},        {75, "4.3.0", "temporary failure"},
    {76, "5.5.0", "remote error in protocol"},  {77, "5.7.0", "permission denied"},
    {78, "5.3.5", "local configuration error"},
};

/* mail_command_clean - the output as one line of printable text */

static void mail_command_clean(VSTRING *out)
{
    char *cp = vstring_str(out);
    size_t len = VSTRING_LEN(out);

    for (size_t i = 0; i < len; i++)
        if ((unsigned char)cp[i] < ' ' || cp[i] == 0x7f)
            cp[i] = ' ';
    while (len > 0 && cp[len - 1] == ' ')
        len--;
    vstring_truncate(out, len);
}

/* mail_command_output - read the command's output until EOF or the deadline */

bool mail_command_output(int fd, time_t deadline, VSTRING *out)
{
    char buf[512];
    ssize_t len;

    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        long left = (long)(deadline - time(NULL));
        int ready;

        if (left <= 0) {
            mail_command_clean(out);
            return false;
        }
        if ((ready = poll(&pfd, 1, (int)(left > 60 ? 60000 : left * 1000))) < 0 && errno != EINTR)
            break;
        if (ready <= 0)
            continue;
        if ((len = read(fd, buf, sizeof(buf))) <= 0) {
            if (len < 0 && errno == EINTR)
                continue;
            break;
        }
        if (VSTRING_LEN(out) < MAIL_COMMAND_OUTPUT_MAX)
            vstring_memcat(out, buf,
                           (size_t)len < MAIL_COMMAND_OUTPUT_MAX - VSTRING_LEN(out)
                               ? (size_t)len
                               : MAIL_COMMAND_OUTPUT_MAX - VSTRING_LEN(out));
    }
    mail_command_clean(out);
    return true;
}

/* mail_command_status_code - an enhanced status code at the start of the output */

bool mail_command_status_code(const char *text, char *dsn, size_t size)
{
    const char *cp = text;
    int dots = 0, digits = 0;

    if (*cp != '4' && *cp != '5')
        return false;
    for (cp++; *cp && *cp != ' '; cp++) {
        if (*cp == '.' && digits <= 3 && (dots == 0 || digits > 0)) {
            dots++, digits = 0;
        } else if (*cp >= '0' && *cp <= '9' && dots > 0 && ++digits <= 3) {
            /* void */;
        } else {
            return false;
        }
    }
    if (dots != 2 || digits == 0 || (size_t)(cp - text) >= size)
        return false;
    snprintf(dsn, size, "%.*s", (int)(cp - text), text);
    return true;
}

/* mail_command_sysexit - the meaning of a sysexits.h status */

const char *mail_command_sysexit(int code, const char **out_dsn)
{
    for (size_t i = 0; i < sizeof(mail_command_sysexits) / sizeof(mail_command_sysexits[0]); i++)
        if (mail_command_sysexits[i].code == code) {
            *out_dsn = mail_command_sysexits[i].dsn;
            return mail_command_sysexits[i].text;
        }
    return NULL;
}
