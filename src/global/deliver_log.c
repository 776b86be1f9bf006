/*++
 * NAME
 *	deliver_log - the mail log lines of deliveries and of the queue manager
 * SYNOPSIS
 *	#include <deliver_log.h>
 *
 *	void	deliver_log_set_resolution(int digits);
 *	const char *deliver_log_delay(VSTRING *buf, double seconds);
 *	const char *deliver_log_format(VSTRING *buf,
 *				const DELIVER_LOG_LINE *line);
 *	void	deliver_log_line(const DELIVER_LOG_LINE *line);
 *	void	deliver_log_active(const char *queue_id, const char *sender,
 *				long long size, size_t nrcpt);
 *	void	deliver_log_removed(const char *queue_id);
 * DESCRIPTION
 *	deliver_log_set_resolution() sets the most digits after the decimal
 *	point of a delay (delay_logging_resolution_limit, 0..6; default 2).
 *
 *	deliver_log_delay() writes a delay as Postfix does: whole seconds
 *	from 10 s on, one decimal from 1 s on, below that two significant
 *	digits but no more decimals than the resolution allows; trailing
 *	zeros are dropped, and a delay too small to show is "0". It returns
 *	the text in buf.
 *
 *	deliver_log_format() writes the delivery line without a newline:
 *	"ID: to=<rcpt>, orig_to=<orig>, relay=R, delay=D, delays=a/b/c/d,
 *	tls=T, dsn=X.Y.Z, status=S (reason)". orig_to appears only when it
 *	differs from the recipient; tls (the TLS feature status of the SMTP
 *	and LMTP clients, Postfix 3.11's smtp_log_tls_feature_status) only
 *	when set; "(reason)" only when there is one.
 *	deliver_log_line() logs it with msg_info().
 *
 *	deliver_log_active() logs "ID: from=<sender>, size=N, nrcpt=M
 *	(queue active)"; deliver_log_removed() logs "ID: removed".
 * SEE ALSO
 *	deliver_request(3)
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "deliver_log.h"

static int deliver_log_resolution = DELIVER_LOG_RESOLUTION_DEFAULT; /* digits after the point */

/* deliver_log_set_resolution - delay_logging_resolution_limit */

void deliver_log_set_resolution(int digits)
{
    deliver_log_resolution = digits < 0 ? 0 : digits > 6 ? 6 : digits;
}

/* deliver_log_trim - drop trailing zeros after a decimal point */

static void deliver_log_trim(VSTRING *buf)
{
    char *text = vstring_str(buf);
    size_t len = VSTRING_LEN(buf);

    if (strchr(text, '.') == NULL)
        return;
    while (len > 0 && text[len - 1] == '0')
        len--;
    if (len > 0 && text[len - 1] == '.')
        len--;
    vstring_truncate(buf, len);
    if (len == 0)
        vstring_strcpy(buf, "0");
}

/* deliver_log_delay - one delay value as text */

const char *deliver_log_delay(VSTRING *buf, double seconds)
{
    int decimals;

    if (!(seconds > 0))
        return vstring_str(vstring_strcpy(buf, "0"));
    if (seconds >= 10) {
        vstring_sprintf(buf, "%.0f", seconds);
        return vstring_str(buf);
    }
    if (seconds >= 1) {
        decimals = 1;
    } else {
        /* Two significant digits: 0.55 -> 2 decimals, 0.047 -> 3. */
        decimals = 2;
        for (double x = seconds; x < 0.1 && decimals < 7; x *= 10)
            decimals++;
    }
    if (decimals > deliver_log_resolution)
        decimals = deliver_log_resolution;
    vstring_sprintf(buf, "%.*f", decimals, seconds);
    deliver_log_trim(buf);
    return vstring_str(buf);
}

/* deliver_log_format - the delivery line */

const char *deliver_log_format(VSTRING *buf, const DELIVER_LOG_LINE *line)
{
    VSTRING *num = vstring_alloc(20);

    vstring_sprintf(buf, "%s: to=<%s>", line->queue_id, line->recipient);
    if (line->orig_rcpt && *line->orig_rcpt && strcmp(line->orig_rcpt, line->recipient) != 0)
        vstring_sprintf_append(buf, ", orig_to=<%s>", line->orig_rcpt);
    vstring_sprintf_append(buf, ", relay=%s", line->relay && *line->relay ? line->relay : "none");
    vstring_sprintf_append(buf, ", delay=%s", deliver_log_delay(num, line->delay));
    for (int i = 0; i < 4; i++)
        vstring_sprintf_append(buf, "%s%s", i == 0 ? ", delays=" : "/",
                               deliver_log_delay(num, line->delays[i]));
    if (line->tls && *line->tls)
        vstring_sprintf_append(buf, ", tls=%s", line->tls);
    vstring_sprintf_append(buf, ", dsn=%s, status=%s", line->dsn, line->status);
    if (line->reason && *line->reason)
        vstring_sprintf_append(buf, " (%s)", line->reason);
    vstring_free(num);
    return vstring_str(buf);
}

/* deliver_log_line - log the delivery line */

void deliver_log_line(const DELIVER_LOG_LINE *line)
{
    VSTRING *buf = vstring_alloc(200);

    msg_info("%s", deliver_log_format(buf, line));
    vstring_free(buf);
}

/* deliver_log_active - qmgr took a message */

void deliver_log_active(const char *queue_id, const char *sender, long long size, size_t nrcpt)
{
    msg_info("%s: from=<%s>, size=%lld, nrcpt=%zu (queue active)", queue_id, sender, size, nrcpt);
}

/* deliver_log_removed - a message is gone from the queue */

void deliver_log_removed(const char *queue_id)
{
    msg_info("%s: removed", queue_id);
}
