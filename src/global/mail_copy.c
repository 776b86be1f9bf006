/*++
 * NAME
 *	mail_copy - write a queued message to a mailbox file or a stream
 * SYNOPSIS
 *	#include <mail_copy.h>
 *
 *	int	mail_copy(QUEUE_MSG *msg, VSTREAM *dst, int flags,
 *				const char *delivered_to, time_t now,
 *				VSTRING *why);
 *	const char *mail_copy_from_line(VSTRING *buf, const char *sender,
 *				time_t now);
 *	int	mail_copy_needs_quote(const char *line, size_t len);
 * DESCRIPTION
 *	mail_copy() writes the message msg to dst, each line ended by a
 *	newline: with MAIL_COPY_MBOX first the "From " line, with
 *	MAIL_COPY_RETURN_PATH a "Return-Path: <sender>" header, with
 *	MAIL_COPY_DELIVERED a "Delivered-To: delivered_to" header, then the
 *	content; with MAIL_COPY_MBOX, content lines that start with "From "
 *	get a '>' in front and an empty line ends the message;
 *	MAIL_COPY_FROM writes the "From " line alone, as commands get it. It flushes
 *	dst and returns 0, or -1 with a reason in why (the queue file could
 *	not be read, or dst could not be written).
 *
 *	mail_copy_from_line() writes "From sender date" (the null sender as
 *	MAILER-DAEMON, the date in asctime(3) form, local time) into buf and
 *	returns it.
 *
 *	mail_copy_needs_quote() says whether a content line must be quoted
 *	in an mbox file: it starts with "From ".
 *--*/

/* System library. */
#include <string.h>
#include <time.h>

/* Utility library. */
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "mail_copy.h"
#include "rec_type.h"

/* mail_copy_from_line - the mbox separator line */

const char *mail_copy_from_line(VSTRING *buf, const char *sender, time_t now)
{
    struct tm tm;
    char date[64];

    localtime_r(&now, &tm);
    strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
    vstring_sprintf(buf, "From %s  %s", *sender ? sender : "MAILER-DAEMON", date);
    return vstring_str(buf);
}

/* mail_copy_needs_quote - an mbox body line that would start a new message */

int mail_copy_needs_quote(const char *line, size_t len)
{
    return len >= 5 && memcmp(line, "From ", 5) == 0;
}

/* mail_copy_content - the message lines */

static int mail_copy_content(QUEUE_MSG *msg, VSTREAM *dst, int flags, VSTRING *why)
{
    VSTRING *buf = vstring_alloc(200);
    int type, status = 0;
    int at_line_start = 1;

    if (queue_msg_content_rewind(msg) < 0) {
        vstring_sprintf(why, "cannot read the queue file");
        vstring_free(buf);
        return -1;
    }
    while ((type = queue_msg_content_get(msg, buf)) > 0) {
        if (at_line_start && (flags & MAIL_COPY_MBOX) &&
            mail_copy_needs_quote(vstring_str(buf), VSTRING_LEN(buf)))
            vstream_putc(dst, '>');
        vstream_write(dst, vstring_str(buf), VSTRING_LEN(buf));
        at_line_start = type == REC_TYPE_NORM;
        if (at_line_start)
            vstream_putc(dst, '\n');
    }
    if (type < 0) {
        vstring_sprintf(why, "cannot read the queue file");
        status = -1;
    }
    vstring_free(buf);
    return status;
}

/* mail_copy - write one message */

int mail_copy(QUEUE_MSG *msg, VSTREAM *dst, int flags, const char *delivered_to, time_t now,
              VSTRING *why)
{
    VSTRING *line = vstring_alloc(100);
    int status;

    if (flags & (MAIL_COPY_MBOX | MAIL_COPY_FROM))
        vstream_printf(dst, "%s\n", mail_copy_from_line(line, queue_msg_sender(msg), now));
    if (flags & MAIL_COPY_RETURN_PATH)
        vstream_printf(dst, "Return-Path: <%s>\n", queue_msg_sender(msg));
    if ((flags & MAIL_COPY_DELIVERED) && delivered_to)
        vstream_printf(dst, "Delivered-To: %s\n", delivered_to);
    status = mail_copy_content(msg, dst, flags, why);
    if (status == 0 && (flags & MAIL_COPY_MBOX))
        vstream_putc(dst, '\n');
    if (status == 0 && (vstream_fflush(dst) < 0 || vstream_ferror(dst))) {
        vstring_sprintf(why, "write error: %m");
        status = -1;
    }
    vstring_free(line);
    return status;
}
