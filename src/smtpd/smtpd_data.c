/*++
 * NAME
 *	smtpd_data - the DATA command and the message content
 * SYNOPSIS
 *	#include "smtpd_cmd.h"
 *
 *	int	smtp_check_data(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_data(SMTPD_STATE *state, char *args);
 * DESCRIPTION
 *	smtp_check_data() takes no arguments and requires at least one
 *	accepted recipient.
 *
 *	smtp_proceed_data() applies smtpd_data_restrictions, hands the
 *	access-table actions of the transaction to cleanup (smtpd_actions(3):
 *	HOLD, DISCARD, FILTER, REDIRECT, BCC; PREPEND headers come first),
 *	writes the Received: header (with the TLS details when
 *	smtpd_tls_received_header is on, and "(Authenticated sender: user)"
 *	for a logged-in client when smtpd_sasl_authenticated_header is on), answers 354 and copies the
 *	content into the queue file, removing the dot that RFC 5321
 *	stuffing adds. Long lines are passed on in pieces; content beyond
 *	message_size_limit is read but not kept ("552 5.3.4"). When the
 *	queue file is safely on disk the client gets "250 2.0.0 Ok: queued
 *	as ID" and the error count starts over. smtpd_end_of_data_restrictions
 *	come between the end of the content and that commit: a rejection
 *	there abandons the message and is the reply instead of the 250.
 *	Content that cleanup refuses (header_checks, body_checks REJECT)
 *	gets "550 5.7.1 text" and only cleanup's "reject: header ..." log
 *	line, as with Postfix.
 *
 *	End of data and the SMTP smuggling defence (smtpd_forbid_bare_newline):
 *	with "normalize" (and "yes") a line ending in a bare LF is content
 *	like any other line, but only <CR><LF>.<CR><LF> ends the message, so
 *	"<LF>.<LF>" and "<LF>.<CR><LF>" cannot end it early and smuggle a
 *	second message past a front-end MTA. "reject" answers a bare LF with
 *	smtpd_forbid_bare_newline_reject_code and disconnects. "no", and
 *	clients in smtpd_forbid_bare_newline_exclusions, keep the historical
 *	behaviour where a "." line ends the message whatever its line
 *	endings. NUL bytes in the content are kept as they are (the queue
 *	file is binary-safe).
 *--*/

#include <stdbool.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "mail_date.h"

#include "smtpd_addr.h"
#include "smtpd_cmd.h"
#include "smtpd_milter.h"
#include "smtpd_queue.h"
#include "smtpd_tls.h"

/* What the copy loop found. */
typedef struct SMTPD_DATA_COPY {
    bool at_line_start; /* the next chunk starts a line */
    bool prev_crlf;     /* the previous line ended in CR LF */
    bool too_big;       /* message_size_limit was exceeded */
    bool write_error;   /* the queue file refused a line */
    long lines;         /* complete lines received */
} SMTPD_DATA_COPY;

/* smtp_check_data - recipients first, no arguments */

int smtp_check_data(SMTPD_STATE *state, char *args)
{
    if (state->rcpt_count == 0) {
        if (!SMTPD_IN_TRANSACTION(state))
            smtpd_reply(state, "503 5.5.1 Error: need RCPT command");
        else
            smtpd_reply(state, "554 5.5.1 Error: no valid recipients");
        return -1;
    }
    if (*args) {
        smtpd_reply(state, "501 5.5.4 Syntax: DATA");
        return -1;
    }
    return 0;
}

/* smtpd_data_header - one header line, written whole */

static void smtpd_data_header(SMTPD_STATE *state, const char *text)
{
    smtpd_queue_line(state->queue, text, strlen(text), false);
}

/* smtpd_data_tls_comment - the TLS lines of Received:, one per line */

static void smtpd_data_tls_comment(SMTPD_STATE *state)
{
    VSTRING *text = vstring_alloc(256);
    char *copy, *cp, *line;

    if (!state->tls || !state->cfg->tls_received_header) {
        vstring_free(text);
        return;
    }
    copy = mystrdup(smtpd_tls_received(text, state->tls, state->cfg->tls_ask_ccert));
    for (cp = copy; (line = strsep(&cp, "\n")) != NULL;)
        if (*line)
            smtpd_data_header(state, line);
    myfree(copy);
    vstring_free(text);
}

/* smtpd_data_received - our Received: header */

static void smtpd_data_received(SMTPD_STATE *state)
{
    VSTRING *line = vstring_alloc(256);
    VSTRING *date = vstring_alloc(64);
    VSTRING *rcpt = vstring_alloc(64);

    const char *helo = smtpd_xforward_helo(state);
    const char *addr = state->xforward.addr ? state->xforward.addr : state->rfc_addr;

    vstring_sprintf(line, "Received: from %s (%s [%s])", helo ? helo : smtpd_xforward_name(state),
                    smtpd_xforward_name(state), addr);
    smtpd_data_header(state, vstring_str(line));
    smtpd_data_tls_comment(state);
    if (state->sasl_username && state->cfg->sasl_settings.authenticated_header) {
        smtpd_text_printable(rcpt, state->sasl_username, "()\\");
        vstring_sprintf(line, "\t(Authenticated sender: %s)", vstring_str(rcpt));
        smtpd_data_header(state, vstring_str(line));
    }
    vstring_sprintf(
        line, "\tby %s (%s) with %s id %s", state->cfg->myhostname, state->cfg->mail_name,
        state->xforward.proto ? state->xforward.proto : state->protocol, state->queue_id);
    smtpd_data_header(state, vstring_str(line));
    mail_date(date, state->arrival.tv_sec);
    if (state->rcpt_count == 1)
        vstring_sprintf(line, "\tfor <%s>; %s", smtpd_addr_external(rcpt, state->recipient),
                        vstring_str(date));
    else
        vstring_sprintf(line, "\t%s", vstring_str(date));
    smtpd_data_header(state, vstring_str(line));
    vstring_free(line);
    vstring_free(date);
    vstring_free(rcpt);
}

/* smtpd_data_strict - does the smuggling defence apply to this client? */

static bool smtpd_data_strict(const SMTPD_STATE *state)
{
    return state->bare_lf_strict && state->cfg->bare_lf != SMTPD_BARE_LF_NO;
}

/* smtpd_data_end - is this line the end of the message? */

static bool smtpd_data_end(SMTPD_STATE *state, const SMTPD_DATA_COPY *copy, const VSTRING *line,
                           bool partial)
{
    if (!copy->at_line_start || partial || VSTRING_LEN(line) != 1 || vstring_str(line)[0] != '.')
        return false;
    if (!smtpd_data_strict(state))
        return true;
    /* Only <CR><LF>.<CR><LF> ends the message. */
    return copy->prev_crlf && !state->bare_lf_seen;
}

/* smtpd_data_keep - write one chunk of content, within the size limit */

static void smtpd_data_keep(SMTPD_STATE *state, SMTPD_DATA_COPY *copy, const char *data, size_t len,
                            bool partial)
{
    long limit = state->cfg->message_size_limit;

    state->data_size += (long)len + (partial ? 0 : 1);
    if (limit > 0 && state->data_size > limit)
        copy->too_big = true;
    if (copy->too_big || copy->write_error)
        return;
    if (smtpd_queue_line(state->queue, data, len, partial) < 0)
        copy->write_error = true;
}

/* smtpd_data_copy - content until end of data; -1 when the session ends */

static int smtpd_data_copy(SMTPD_STATE *state, SMTPD_DATA_COPY *copy)
{
    VSTRING *line = vstring_alloc(1024);
    int status = -1;

    for (;;) {
        bool partial;
        const char *data;
        size_t len;

        if (smtpd_read_line(state, line, state->cfg->line_length_limit, &partial) < 0)
            break;
        if (smtpd_data_end(state, copy, line, partial)) {
            status = 0;
            break;
        }
        if (!partial && state->bare_lf_seen && smtpd_data_strict(state) &&
            state->cfg->bare_lf == SMTPD_BARE_LF_REJECT) {
            smtpd_reply(state, "%d 5.5.2 Error: bare <LF> received",
                        state->cfg->bare_lf_reject_code);
            smtpd_log_reject(state, "reject", NULL, NULL);
            smtpd_close(state, NULL);
            break;
        }
        data = vstring_str(line);
        len = VSTRING_LEN(line);
        /* RFC 5321 section 4.5.2: remove the stuffed dot. */
        if (copy->at_line_start && len > 0 && data[0] == '.' && !(len == 1 && !partial)) {
            data++;
            len--;
        }
        smtpd_data_keep(state, copy, data, len, partial);
        copy->at_line_start = !partial;
        if (!partial) {
            copy->prev_crlf = !state->bare_lf_seen;
            copy->lines++;
        }
    }
    vstring_free(line);
    return status;
}

/* smtpd_data_content_reply - 550 with cleanup's reason ("5.7.1 text", as header_checks give it) */

static void smtpd_data_content_reply(SMTPD_STATE *state, const char *reason)
{
    size_t dsn_len = strspn(reason, "0123456789.");

    if (*reason == 0)
        reason = "message content rejected";
    if (dsn_len >= 5 && reason[0] == '5' && reason[1] == '.' && reason[dsn_len] == ' ')
        smtpd_reply(state, "550 %s", reason);
    else
        smtpd_reply(state, "550 5.7.1 %s", reason);
}

/* smtpd_data_too_big - a message past message_size_limit: Postfix's reply and warning */

static void smtpd_data_too_big(SMTPD_STATE *state)
{
    smtpd_reply(state, "552 5.3.4 Error: message file too big");
    msg_warn("%s: queue file size limit exceeded", state->queue_id ? state->queue_id : "NOQUEUE");
}

/* smtpd_data_finish - queue the message and answer */

static int smtpd_data_finish(SMTPD_STATE *state, const SMTPD_DATA_COPY *copy)
{
    int status;

    if (copy->too_big) {
        smtpd_data_too_big(state);
        return -1;
    }
    /* The size as received, each line ending counted as CR LF. */
    if (!copy->write_error && smtpd_policy_eod(state, state->data_size + copy->lines) < 0)
        return -1;
    if (copy->write_error)
        status = CLEANUP_STAT_BAD;
    else if (smtpd_milter_message(state) < 0)
        return -1;
    else
        status = smtpd_queue_finish(state->queue, state->scratch);
    if (status == CLEANUP_STAT_OK) {
        smtpd_reply(state, "250 2.0.0 Ok: queued as %s", state->queue_id);
        state->queue = smtpd_queue_close(state->queue);
        state->error_count = 0;
        state->limits.junk_commands = 0;
        return 0;
    }
    if (status & CLEANUP_STAT_SIZE)
        smtpd_data_too_big(state);
    else if (status & CLEANUP_STAT_CONT)
        smtpd_data_content_reply(state, vstring_str(state->scratch));
    else if (status & CLEANUP_STAT_RCPT)
        smtpd_reply(state, "554 5.5.1 Error: no valid recipients");
    else if (status & CLEANUP_STAT_WRITE)
        smtpd_reply(state, "452 4.3.1 Insufficient system storage");
    else
        smtpd_reply(state, "451 4.3.0 Error: queue file write error");
    /* Content that cleanup refused is logged by cleanup ("reject: header ..."), as Postfix does. */
    if (!(status & (CLEANUP_STAT_SIZE | CLEANUP_STAT_CONT)))
        msg_warn("%s: queue file error for mail from %s", state->queue_id, state->namaddr);
    return -1;
}

/* smtp_proceed_data - headers, 354, content, answer */

int smtp_proceed_data(SMTPD_STATE *state, char *unused_args)
{
    SMTPD_DATA_COPY copy = {
        .at_line_start = true,
        .prev_crlf = !state->bare_lf_seen,
    };
    int status;

    if (smtpd_policy_data(state) < 0 || smtpd_milter_data(state) < 0)
        return -1;
    smtpd_actions_envelope(state);
    smtpd_actions_headers(state);
    smtpd_data_received(state);
    smtpd_reply(state, "354 End data with <CR><LF>.<CR><LF>");
    if (smtpd_data_copy(state, &copy) < 0)
        return -1;
    state->where = "END-OF-MESSAGE";
    status = smtpd_data_finish(state, &copy);
    smtpd_mail_reset(state);
    return status;
}
