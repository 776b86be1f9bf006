/*++
 * NAME
 *	smtp_data - send the message content
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	int	smtp_data_send(SMTP_SESSION *session);
 * DESCRIPTION
 *	smtp_data_send() sends the content of the queue file after a 354
 *	reply: each line with CRLF, a leading "." doubled, lines longer
 *	than smtp_line_length_limit broken by inserting CRLF and a space,
 *	then the final ".". With smtp_header_checks or smtp_body_checks the
 *	content goes through smtp_checks(3) on its way. Each write shares
 *	smtp_data_xfer_timeout. It
 *	returns SMTP_OK, or SMTP_FAIL after recording the lost connection
 *	or a damaged queue file (a soft failure).
 * DIAGNOSTICS
 *	Recorded outcomes (smtp_trouble.c).
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "queue_msg.h"
#include "rec_type.h"

/* Application-specific. */
#include "smtp.h"

/* smtp_data_write - write bytes, recording a broken connection */

static int smtp_data_write(SMTP_SESSION *session, const char *data, size_t len)
{
    if (len > 0 && vstream_write(session->stream, data, len) != (ssize_t)len) {
        smtp_session_lost(session);
        return SMTP_FAIL;
    }
    return SMTP_OK;
}

/* smtp_data_piece - one record of a line, at column *column */

static int smtp_data_piece(SMTP_SESSION *session, const char *data, size_t len, size_t *column)
{
    size_t limit = (size_t)session->state->config->line_length_limit;

    if (*column == 0 && len > 0 && data[0] == '.' && smtp_data_write(session, ".", 1) != SMTP_OK)
        return SMTP_FAIL;
    while (limit > 0 && *column + len > limit) {
        /* Each piece carries at least one byte, whatever the limit. */
        size_t take = limit > *column ? limit - *column : 1;

        if (take >= len)
            break;

        if (smtp_data_write(session, data, take) != SMTP_OK ||
            smtp_data_write(session, "\r\n ", 3) != SMTP_OK)
            return SMTP_FAIL;
        data += take;
        len -= take;
        *column = 1;
    }
    *column += len;
    return smtp_data_write(session, data, len);
}

/* What one message's copy loop keeps. */
typedef struct SMTP_DATA_OUT {
    SMTP_SESSION *session; /* where it goes */
    size_t column;         /* where the line being written is */
    int status;            /* SMTP_OK until a write fails */
} SMTP_DATA_OUT;

/* smtp_data_out - one line or piece; partial: the line goes on */

static void smtp_data_out(void *context, const char *data, size_t len, int partial)
{
    SMTP_DATA_OUT *out = context;

    if (out->status != SMTP_OK)
        return;
    out->status = smtp_data_piece(out->session, data, len, &out->column);
    if (out->status == SMTP_OK && !partial) {
        out->status = smtp_data_write(out->session, "\r\n", 2);
        out->column = 0;
    }
}

/* smtp_data_send - the content and the final dot */

int smtp_data_send(SMTP_SESSION *session)
{
    const SMTP_CONFIG *config = session->state->config;
    QUEUE_MSG *msg = session->state->request->msg;
    VSTRING *buf = vstring_alloc(1024);
    SMTP_DATA_OUT out = {.session = session, .status = SMTP_OK};
    SMTP_CHECKS *checks = NULL;
    int type = 0;

    session->doing = "sending message body";
    vstream_set_timeout(session->stream, config->data_xfer_timeout);
    if (smtp_checks_wanted(&config->checks))
        checks = smtp_checks_start(&config->checks, queue_msg_id(msg), smtp_data_out, &out);
    if (queue_msg_content_rewind(msg) < 0) {
        type = -1;
    } else {
        while (out.status == SMTP_OK && (type = queue_msg_content_get(msg, buf)) > 0) {
            if (checks)
                smtp_checks_line(checks, vstring_str(buf), VSTRING_LEN(buf), type != REC_TYPE_NORM);
            else
                smtp_data_out(&out, vstring_str(buf), VSTRING_LEN(buf), type != REC_TYPE_NORM);
        }
    }
    if (checks)
        checks = smtp_checks_finish(checks);
    if (out.status == SMTP_OK && type < 0) {
        smtp_site_fail(session->state, session->relay, "4.3.0",
                       "error reading message content from the queue file");
        session->broken = true;
        out.status = SMTP_FAIL;
    }
    if (out.status == SMTP_OK)
        out.status = smtp_data_write(session, ".\r\n", 3);
    vstring_free(buf);
    return out.status;
}
