/*++
 * NAME
 *	smtp_trouble - record recipient outcomes
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	void	smtp_site_fail(SMTP_STATE *state, const char *relay,
 *				const char *dsn, const char *format, ...);
 *	void	smtp_resp_fail(SMTP_SESSION *session, const char *command);
 *	void	smtp_rcpt_fail(SMTP_SESSION *session, size_t index,
 *				const char *command);
 *	void	smtp_rcpt_sent(SMTP_SESSION *session, size_t index);
 *	size_t	smtp_rcpt_pending(const SMTP_STATE *state);
 *	void	smtp_rcpt_finish(SMTP_STATE *state);
 * DESCRIPTION
 *	A hard failure (status 5.x.x) and a delivery are final: they are
 *	recorded at once (deliver_bounced(), deliver_sent(): queue file,
 *	status logs, the log line, the result to qmgr). A soft failure
 *	(4.x.x) leaves the recipient open for the next server; only the
 *	reason is kept, and smtp_rcpt_finish() defers the recipients still
 *	open when no server is left.
 *
 *	smtp_site_fail() records a failure that concerns every open
 *	recipient (a server that cannot be reached, refuses to talk, or
 *	fails the TLS policy), and keeps its text in state->site_reason.
 *	relay is "host[addr]:port" or NULL.
 *
 *	smtp_resp_fail() records the server's reply in session->resp as
 *	the failure of every open recipient ("host %s said: %s (in reply
 *	to %s command)"); smtp_rcpt_fail() does the same for one
 *	recipient. A reply that is neither 4xx nor 5xx counts as a soft
 *	failure.
 *
 *	smtp_rcpt_sent() records a delivery with the reply in
 *	session->resp as the reason. The DSN action is "relayed", or
 *	"delivered" for an LMTP server without DSN support when
 *	lmtp_assume_final is on.
 *
 *	smtp_rcpt_pending() counts the open recipients.
 *
 *	smtp_rcpt_finish() defers every open recipient with its last soft
 *	failure, except that a recipient whose last server was refused by
 *	REQUIRETLS (4.7.10, smtp_requiretls(3)) is bounced with 5.7.10.
 *
 *	Each final outcome's log line carries the TLS feature status of
 *	the server tried last (smtp_tls_feature(3)), when it is logged.
 * DIAGNOSTICS
 *	None: deliver_request(3) logs the outcomes.
 *--*/

/* System library. */
#include <stdarg.h>
#include <string.h>

/* Utility library. */
#include "mymalloc.h"
#include "vstring.h"

/* Application-specific. */
#include "smtp.h"

/* smtp_rcpt_open - a recipient that still needs an outcome */

static bool smtp_rcpt_open(const SMTP_RCPT *rcpt)
{
    return rcpt->status == SMTP_RCPT_PENDING || rcpt->status == SMTP_RCPT_ACCEPTED;
}

/* smtp_outcome - record one recipient's outcome */

static void smtp_outcome(SMTP_STATE *state, size_t index, const DELIVER_STATUS *status)
{
    SMTP_RCPT *rcpt = state->rcpts + index;

    if (status->dsn[0] == '2' || status->dsn[0] == '5') {
        VSTRING *tls = vstring_alloc(40);
        DELIVER_STATUS final = *status;

        final.tls = smtp_tls_feature_text(state, false, tls);
        if (status->dsn[0] == '2')
            (void)deliver_sent(state->request, index, &final);
        else
            (void)deliver_bounced(state->request, index, &final);
        rcpt->status = SMTP_RCPT_FINAL;
        vstring_free(tls);
        return;
    }
    rcpt->status = SMTP_RCPT_PENDING;
    myfree(rcpt->dsn);
    myfree(rcpt->reason);
    myfree(rcpt->relay);
    rcpt->dsn = mystrdup(status->dsn);
    rcpt->reason = mystrdup(status->reason);
    rcpt->relay = status->relay ? mystrdup(status->relay) : NULL;
}

/* smtp_site_fail - a failure for every open recipient */

void smtp_site_fail(SMTP_STATE *state, const char *relay, const char *dsn, const char *format, ...)
{
    VSTRING *reason = vstring_alloc(100);
    DELIVER_STATUS status = {.dsn = dsn, .relay = relay, .conn_delay = state->conn_delay};
    va_list ap;

    va_start(ap, format);
    vstring_vsprintf_append(reason, format, ap);
    va_end(ap);
    status.reason = vstring_str(reason);
    vstring_strcpy(state->site_reason, vstring_str(reason));
    for (size_t i = 0; i < state->request->rcpt_count; i++)
        if (smtp_rcpt_open(state->rcpts + i))
            smtp_outcome(state, i, &status);
    vstring_free(reason);
}

/* smtp_resp_status - status from the server's reply */

static void smtp_resp_status(SMTP_SESSION *session, const char *command, DELIVER_STATUS *status,
                             VSTRING *reason, VSTRING *diag, char *dsn)
{
    SMTP_RESP *resp = &session->resp;

    snprintf(dsn, sizeof(resp->dsn), "%s", resp->dsn);
    dsn[0] = resp->code / 100 == 5 ? '5' : '4';
    vstring_sprintf(reason, "host %s said: %s (in reply to %s command)", session->namaddr,
                    vstring_str(resp->text), command);
    vstring_sprintf(diag, "smtp; %s", vstring_str(resp->text));
    memset(status, 0, sizeof(*status));
    status->dsn = dsn;
    status->reason = vstring_str(reason);
    status->relay = smtp_session_relay(session);
    status->remote_mta = session->host;
    status->diag_code = vstring_str(diag);
    status->conn_delay = session->state->conn_delay;
}

/* smtp_resp_fail - the reply fails every open recipient */

void smtp_resp_fail(SMTP_SESSION *session, const char *command)
{
    VSTRING *reason = vstring_alloc(100), *diag = vstring_alloc(100);
    DELIVER_STATUS status;
    char dsn[sizeof(session->resp.dsn)];
    SMTP_STATE *state = session->state;

    smtp_resp_status(session, command, &status, reason, diag, dsn);
    for (size_t i = 0; i < state->request->rcpt_count; i++)
        if (smtp_rcpt_open(state->rcpts + i))
            smtp_outcome(state, i, &status);
    vstring_free(reason);
    vstring_free(diag);
}

/* smtp_rcpt_fail - the reply fails one recipient */

void smtp_rcpt_fail(SMTP_SESSION *session, size_t index, const char *command)
{
    VSTRING *reason = vstring_alloc(100), *diag = vstring_alloc(100);
    DELIVER_STATUS status;
    char dsn[sizeof(session->resp.dsn)];

    smtp_resp_status(session, command, &status, reason, diag, dsn);
    smtp_outcome(session->state, index, &status);
    vstring_free(reason);
    vstring_free(diag);
}

/* smtp_rcpt_sent_action - the DSN action of a delivery */

static const char *smtp_rcpt_sent_action(const SMTP_SESSION *session)
{
    const SMTP_CONFIG *config = session->state->config;

    if (config->lmtp && config->assume_final && !(session->features & SMTP_FEATURE_DSN))
        return "delivered";
    return "relayed";
}

/* smtp_rcpt_sent - one recipient was delivered */

void smtp_rcpt_sent(SMTP_SESSION *session, size_t index)
{
    VSTRING *diag = vstring_alloc(100);
    char dsn[sizeof(session->resp.dsn)];
    DELIVER_STATUS status = {
        .dsn = dsn,
        .reason = vstring_str(session->resp.text),
        .relay = smtp_session_relay(session),
        .action = smtp_rcpt_sent_action(session),
        .remote_mta = session->host,
        .conn_delay = session->state->conn_delay,
    };

    snprintf(dsn, sizeof(dsn), "%s", session->resp.dsn);
    dsn[0] = '2';
    vstring_sprintf(diag, "smtp; %s", vstring_str(session->resp.text));
    status.diag_code = vstring_str(diag);
    smtp_outcome(session->state, index, &status);
    vstring_free(diag);
}

/* smtp_rcpt_pending - open recipients */

size_t smtp_rcpt_pending(const SMTP_STATE *state)
{
    size_t count = 0;

    for (size_t i = 0; i < state->request->rcpt_count; i++)
        count += smtp_rcpt_open(state->rcpts + i);
    return count;
}

/* smtp_rcpt_finish - defer what is left */

void smtp_rcpt_finish(SMTP_STATE *state)
{
    VSTRING *tls = vstring_alloc(40);

    for (size_t i = 0; i < state->request->rcpt_count; i++) {
        SMTP_RCPT *rcpt = state->rcpts + i;
        DELIVER_STATUS status = {
            .dsn = rcpt->dsn ? rcpt->dsn : "4.4.0",
            .reason = rcpt->reason ? rcpt->reason : "no server could be tried",
            .relay = rcpt->relay,
            .conn_delay = state->conn_delay,
        };

        if (!smtp_rcpt_open(rcpt))
            continue;
        /* Refused by REQUIRETLS at the last server tried: return it (RFC 8689 section 4.2.1). */
        if (rcpt->dsn && strcmp(rcpt->dsn, "4.7.10") == 0) {
            status.dsn = SMTP_REQUIRETLS_DSN;
            status.tls = smtp_tls_feature_text(state, true, tls);
            (void)deliver_bounced(state->request, i, &status);
        } else {
            status.tls = smtp_tls_feature_text(state, false, tls);
            (void)deliver_deferred(state->request, i, &status);
        }
        rcpt->status = SMTP_RCPT_FINAL;
    }
    vstring_free(tls);
}
