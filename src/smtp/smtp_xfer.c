/*++
 * NAME
 *	smtp_xfer - one mail transaction: MAIL, RCPT, DATA
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	int	smtp_xfer(SMTP_SESSION *session);
 * DESCRIPTION
 *	smtp_xfer() sends the message to the open recipients of the
 *	request. With PIPELINING, MAIL, the RCPTs and DATA go out in
 *	batches and the replies are read in order; without it, one
 *	command at a time, and no DATA when no recipient was accepted.
 *	MAIL carries SIZE, BODY=8BITMIME (for 8bitmime content, when the
 *	server offers it), and RET and ENVID when the server offers DSN;
 *	RCPT then carries NOTIFY and ORCPT. MAIL carries REQUIRETLS as
 *	smtp_requiretls(3) decides, which also checks first that a message
 *	sent with REQUIRETLS may go to this server at all. ENVID and ORCPT go out in
 *	canonical xtext (xtext_requote()), whatever the queue file holds,
 *	so that no stored value can end the command line. A message larger than the
 *	server's SIZE limit is bounced ("message size %lld exceeds size
 *	limit %lld of server %s", 5.3.4) without MAIL.
 *
 *	Each reply is recorded as it comes: a MAIL failure for every open
 *	recipient, a RCPT failure for its recipient, a DATA or end-of-data
 *	failure, or the delivery, for the accepted ones. An LMTP server
 *	answers the end of data once per accepted recipient, in RCPT order
 *	(RFC 2033): each reply is that recipient's outcome alone.
 *
 *	It returns SMTP_OK when the session can end with QUIT, SMTP_FAIL
 *	when it broke or the message could not be offered.
 * DIAGNOSTICS
 *	Recorded outcomes (smtp_trouble.c).
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "addr_parse.h"
#include "queue_msg.h"
#include "rec_type.h"
#include "xtext.h"

/* Application-specific. */
#include "smtp.h"

#define SMTP_PIPELINE_BATCH 100 /* commands sent before reading their replies */

/* One transaction in progress. */
typedef struct SMTP_XFER {
    SMTP_SESSION *session; /* not owned */
    size_t *todo;          /* request indexes of the recipients to send, owned */
    size_t count;          /* entries in todo */
    size_t total;          /* commands: MAIL, count RCPTs, DATA */
    size_t sent;           /* commands sent */
    size_t read;           /* replies read */
    size_t accepted;       /* recipients accepted */
    bool mail_failed;      /* MAIL was refused */
} SMTP_XFER;

/* smtp_xfer_addr - an envelope address in SMTP form */

static const char *smtp_xfer_addr(VSTRING *buf, const char *addr, bool quote)
{
    const char *at = strrchr(addr, '@');

    if (!quote || *addr == 0)
        return vstring_str(vstring_strcpy(buf, addr));
    addr_quote_local(buf, addr, at ? (size_t)(at - addr) : strlen(addr));
    if (at)
        vstring_strcat(buf, at);
    return vstring_str(buf);
}

/* smtp_xfer_mail - the MAIL command */

static int smtp_xfer_mail(SMTP_XFER *xfer)
{
    SMTP_SESSION *session = xfer->session;
    SMTP_STATE *state = session->state;
    DELIVER_REQUEST *request = state->request;
    VSTRING *cmd = vstring_alloc(100), *addr = vstring_alloc(100);
    int status;

    vstring_sprintf(cmd, "MAIL FROM:<%s>",
                    smtp_xfer_addr(addr, state->sender ? state->sender : request->sender,
                                   state->config->quote_rfc821_envelope));
    if (session->features & SMTP_FEATURE_SIZE)
        vstring_sprintf_append(cmd, " SIZE=%lld", state->size);
    if ((session->features & SMTP_FEATURE_8BITMIME) && state->encoding &&
        strcasecmp(state->encoding, "8bitmime") == 0)
        vstring_strcat(cmd, " BODY=8BITMIME");
    if (session->features & SMTP_FEATURE_DSN) {
        if (request->dsn_ret)
            vstring_strcat(cmd,
                           request->dsn_ret == DELIVER_DSN_RET_FULL ? " RET=FULL" : " RET=HDRS");
        if (*request->dsn_envid)
            vstring_sprintf_append(
                cmd, " ENVID=%s",
                vstring_str(xtext_requote(addr, request->dsn_envid, strlen(request->dsn_envid))));
    }
    if (smtp_requiretls_send(session))
        vstring_strcat(cmd, " REQUIRETLS");
    status = smtp_chat_cmd(session, "%s", vstring_str(cmd));
    vstring_free(cmd);
    vstring_free(addr);
    return status;
}

/* smtp_xfer_rcpt - one RCPT command */

static int smtp_xfer_rcpt(SMTP_XFER *xfer, size_t index)
{
    SMTP_SESSION *session = xfer->session;
    DELIVER_RCPT *rcpt = session->state->request->rcpts + index;
    const char *address = session->state->rcpts[index].address;
    VSTRING *cmd = vstring_alloc(100), *addr = vstring_alloc(100);
    int status;

    vstring_sprintf(cmd, "RCPT TO:<%s>",
                    smtp_xfer_addr(addr, address ? address : rcpt->address,
                                   session->state->config->quote_rfc821_envelope));
    if (session->features & SMTP_FEATURE_DSN) {
        if (rcpt->dsn_notify & REC_NOTIFY_NEVER)
            vstring_strcat(cmd, " NOTIFY=NEVER");
        else if (rcpt->dsn_notify)
            vstring_sprintf_append(cmd, " NOTIFY=%s%s%s",
                                   rcpt->dsn_notify & REC_NOTIFY_SUCCESS ? "SUCCESS," : "",
                                   rcpt->dsn_notify & REC_NOTIFY_FAILURE ? "FAILURE," : "",
                                   rcpt->dsn_notify & REC_NOTIFY_DELAY ? "DELAY," : "");
        if (vstring_str(cmd)[VSTRING_LEN(cmd) - 1] == ',')
            vstring_truncate(cmd, VSTRING_LEN(cmd) - 1);
        if (rcpt->dsn_orcpt && *rcpt->dsn_orcpt)
            vstring_sprintf_append(cmd, " ORCPT=%s",
                                   vstring_str(xtext_orcpt_requote(addr, rcpt->dsn_orcpt)));
    }
    status = smtp_chat_cmd(session, "%s", vstring_str(cmd));
    vstring_free(cmd);
    vstring_free(addr);
    return status;
}

/* smtp_xfer_send - send command number n */

static int smtp_xfer_send(SMTP_XFER *xfer, size_t n)
{
    SMTP_SESSION *session = xfer->session;

    if (n == 0) {
        session->doing = "sending MAIL FROM";
        return smtp_xfer_mail(xfer);
    }
    if (n <= xfer->count) {
        session->doing = "sending RCPT TO";
        return smtp_xfer_rcpt(xfer, xfer->todo[n - 1]);
    }
    session->doing = "sending DATA command";
    return smtp_chat_cmd(session, "DATA");
}

/* smtp_xfer_accepted_fail - the reply fails the accepted recipients */

static void smtp_xfer_accepted_fail(SMTP_XFER *xfer, const char *command)
{
    SMTP_SESSION *session = xfer->session;

    for (size_t i = 0; i < xfer->count; i++)
        if (session->state->rcpts[xfer->todo[i]].status == SMTP_RCPT_ACCEPTED)
            smtp_rcpt_fail(session, xfer->todo[i], command);
}

/* smtp_xfer_lmtp_replies - one end-of-data reply per accepted recipient */

static int smtp_xfer_lmtp_replies(SMTP_XFER *xfer)
{
    SMTP_SESSION *session = xfer->session;
    SMTP_STATE *state = session->state;

    for (size_t i = 0; i < xfer->count; i++) {
        size_t index = xfer->todo[i];

        if (state->rcpts[index].status != SMTP_RCPT_ACCEPTED)
            continue;
        /* A lost connection leaves this and the later recipients to smtp_session_lost(). */
        if (smtp_chat_resp(session, state->config->data_done_timeout) != SMTP_OK)
            return SMTP_FAIL;
        if (session->resp.code / 100 == 2)
            smtp_rcpt_sent(session, index);
        else
            smtp_rcpt_fail(session, index, "end of DATA");
    }
    return SMTP_OK;
}

/* smtp_xfer_body - the message and the final reply */

static int smtp_xfer_body(SMTP_XFER *xfer)
{
    SMTP_SESSION *session = xfer->session;
    SMTP_CONFIG *config = session->state->config;

    if (smtp_data_send(session) != SMTP_OK)
        return SMTP_FAIL;
    session->doing = "sending end of data -- message may be sent more than once";
    if (config->lmtp)
        return smtp_xfer_lmtp_replies(xfer);
    if (smtp_chat_resp(session, config->data_done_timeout) != SMTP_OK)
        return SMTP_FAIL;
    if (session->resp.code / 100 != 2) {
        smtp_xfer_accepted_fail(xfer, "end of DATA");
        return SMTP_OK;
    }
    for (size_t i = 0; i < xfer->count; i++)
        if (session->state->rcpts[xfer->todo[i]].status == SMTP_RCPT_ACCEPTED)
            smtp_rcpt_sent(session, xfer->todo[i]);
    return SMTP_OK;
}

/* smtp_xfer_data_reply - the reply to DATA */

static int smtp_xfer_data_reply(SMTP_XFER *xfer)
{
    SMTP_SESSION *session = xfer->session;
    SMTP_CONFIG *config = session->state->config;

    if (xfer->mail_failed || xfer->accepted == 0) {
        /* A server that takes DATA without recipients gets an empty message it will refuse. */
        if (session->resp.code == 354) {
            session->doing = "sending end of data -- message may be sent more than once";
            if (smtp_chat_cmd(session, ".") != SMTP_OK ||
                smtp_chat_resp(session, config->data_done_timeout) != SMTP_OK)
                return SMTP_FAIL;
        }
        return SMTP_OK;
    }
    if (session->resp.code != 354) {
        smtp_xfer_accepted_fail(xfer, "DATA");
        return SMTP_OK;
    }
    return smtp_xfer_body(xfer);
}

/* smtp_xfer_reply - read and record the reply to command number n */

static int smtp_xfer_reply(SMTP_XFER *xfer, size_t n)
{
    SMTP_SESSION *session = xfer->session;
    SMTP_CONFIG *config = session->state->config;
    int timeout = n == 0             ? config->mail_timeout
                  : n <= xfer->count ? config->rcpt_timeout
                                     : config->data_init_timeout;

    session->doing = n == 0             ? "sending MAIL FROM"
                     : n <= xfer->count ? "sending RCPT TO"
                                        : "sending DATA command";
    if (smtp_chat_resp(session, timeout) != SMTP_OK)
        return SMTP_FAIL;
    if (n == 0) {
        if (session->resp.code / 100 != 2) {
            smtp_resp_fail(session, "MAIL FROM");
            xfer->mail_failed = true;
        } else {
            session->mail_accepted = true;
        }
    } else if (n <= xfer->count) {
        size_t index = xfer->todo[n - 1];

        if (xfer->mail_failed)
            /* void: the recipients have their outcome */;
        else if (session->resp.code / 100 == 2)
            session->state->rcpts[index].status = SMTP_RCPT_ACCEPTED, xfer->accepted++;
        else
            smtp_rcpt_fail(session, index, "RCPT TO");
    } else {
        return smtp_xfer_data_reply(xfer);
    }
    return SMTP_OK;
}

/* smtp_xfer_xforward_send - one XFORWARD command and its reply */

static int smtp_xfer_xforward_send(SMTP_SESSION *session, VSTRING *cmd)
{
    if (smtp_chat_cmd(session, "%s", vstring_str(cmd)) != SMTP_OK ||
        smtp_chat_resp(session, session->state->config->xforward_timeout) != SMTP_OK)
        return SMTP_FAIL;
    if (session->resp.code / 100 != 2) {
        smtp_resp_fail(session, "XFORWARD");
        return SMTP_FAIL;
    }
    return SMTP_OK;
}

/* smtp_xfer_xforward_value - one attribute's value from the queue file, xtext */

static void smtp_xfer_xforward_value(VSTRING *cmd, const char *name, const char *value)
{
    vstring_sprintf_append(cmd, " %s=", name);
    if (value == NULL || *value == 0)
        vstring_strcat(cmd, "[UNAVAILABLE]");
    else
        xtext_quote_append(cmd, value, strlen(value));
}

/* smtp_xfer_xforward - the original client, before MAIL FROM (smtp_send_xforward_command) */

static int smtp_xfer_xforward(SMTP_XFER *xfer)
{
    SMTP_SESSION *session = xfer->session;
    SMTP_STATE *state = session->state;
    const QUEUE_MSG *msg = state->request->msg;
    const char *context = queue_msg_attr(msg, REC_ATTR_REWRITE_CONTEXT);
    const struct {
        int bit;
        const char *name;
        const char *value;
    } attrs[] = {
        {SMTP_XFORWARD_NAME, "NAME", queue_msg_attr(msg, REC_ATTR_CLIENT_NAME)},
        {SMTP_XFORWARD_ADDR, "ADDR", queue_msg_attr(msg, REC_ATTR_CLIENT_ADDRESS)},
        {SMTP_XFORWARD_PORT, "PORT", queue_msg_attr(msg, REC_ATTR_CLIENT_PORT)},
        {SMTP_XFORWARD_PROTO, "PROTO", queue_msg_attr(msg, REC_ATTR_PROTOCOL_NAME)},
        {SMTP_XFORWARD_HELO, "HELO", queue_msg_attr(msg, REC_ATTR_HELO_NAME)},
        {SMTP_XFORWARD_IDENT, "IDENT", state->request->queue_id},
        {SMTP_XFORWARD_SOURCE, "SOURCE",
         context && strcmp(context, "local") == 0 ? "LOCAL" : "REMOTE"},
        {SMTP_XFORWARD_LOGIN, "LOGIN", queue_msg_attr(msg, REC_ATTR_SASL_USERNAME)},
    };
    VSTRING *cmd = vstring_alloc(100);
    int status = SMTP_OK;

    session->doing = "sending XFORWARD";
    vstring_strcpy(cmd, "XFORWARD");
    for (size_t i = 0; status == SMTP_OK && i < sizeof(attrs) / sizeof(attrs[0]); i++) {
        size_t mark = VSTRING_LEN(cmd);

        if (!(session->xforward & attrs[i].bit))
            continue;
        smtp_xfer_xforward_value(cmd, attrs[i].name, attrs[i].value);
        /* Commands stay within 512 bytes: what does not fit goes in the next one. */
        if (VSTRING_LEN(cmd) > 500 && mark > sizeof("XFORWARD") - 1) {
            char *rest = mystrdup(vstring_str(cmd) + mark);

            vstring_truncate(cmd, mark);
            status = smtp_xfer_xforward_send(session, cmd);
            vstring_sprintf(cmd, "XFORWARD%s", rest);
            myfree(rest);
        }
    }
    if (status == SMTP_OK && VSTRING_LEN(cmd) > sizeof("XFORWARD") - 1)
        status = smtp_xfer_xforward_send(session, cmd);
    vstring_free(cmd);
    return status;
}

/* smtp_xfer_todo - the recipients to send */

static void smtp_xfer_todo(SMTP_XFER *xfer)
{
    SMTP_STATE *state = xfer->session->state;

    xfer->todo = mymalloc((state->request->rcpt_count + 1) * sizeof(*xfer->todo));
    for (size_t i = 0; i < state->request->rcpt_count; i++)
        if (state->rcpts[i].status == SMTP_RCPT_PENDING)
            xfer->todo[xfer->count++] = i;
    xfer->total = xfer->count + 2;
}

/* smtp_xfer_run - send commands and read replies */

static int smtp_xfer_run(SMTP_XFER *xfer)
{
    bool pipelining = (xfer->session->features & SMTP_FEATURE_PIPELINING) != 0;
    size_t batch = pipelining ? SMTP_PIPELINE_BATCH : 1;

    while (xfer->read < xfer->total) {
        while (xfer->sent < xfer->total && xfer->sent - xfer->read < batch) {
            /* Without pipelining, stop when nothing is left to send. */
            if (!pipelining &&
                (xfer->mail_failed || (xfer->sent == xfer->total - 1 && xfer->accepted == 0))) {
                xfer->total = xfer->sent;
                break;
            }
            if (smtp_xfer_send(xfer, xfer->sent) != SMTP_OK)
                return SMTP_FAIL;
            xfer->sent++;
        }
        if (xfer->read < xfer->sent && smtp_xfer_reply(xfer, xfer->read++) != SMTP_OK)
            return SMTP_FAIL;
    }
    return SMTP_OK;
}

/* smtp_xfer - one transaction */

int smtp_xfer(SMTP_SESSION *session)
{
    SMTP_STATE *state = session->state;
    SMTP_XFER xfer = {.session = session};
    int status;

    state->conn_delay = (double)(deliver_time_now() - state->request->received_time) / 1e6;
    state->reached_xfer = true;
    if ((session->features & SMTP_FEATURE_SIZE) && session->size_limit > 0 &&
        state->size > session->size_limit) {
        smtp_site_fail(state, session->relay, "5.3.4",
                       "message size %lld exceeds size limit %lld of server %s", state->size,
                       session->size_limit, session->namaddr);
        return SMTP_FAIL;
    }
    if (smtp_requiretls_check(session) != SMTP_OK)
        return SMTP_FAIL;
    smtp_xfer_todo(&xfer);
    if (xfer.count > 0 && state->config->send_xforward &&
        (session->features & SMTP_FEATURE_XFORWARD) && smtp_xfer_xforward(&xfer) != SMTP_OK) {
        myfree(xfer.todo);
        return SMTP_FAIL;
    }
    status = xfer.count > 0 ? smtp_xfer_run(&xfer) : SMTP_OK;
    myfree(xfer.todo);
    return status;
}
