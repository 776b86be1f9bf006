/*++
 * NAME
 *	dsn_build - delivery status notifications (RFC 3464 multipart/report)
 * SYNOPSIS
 *	#include <dsn_build.h>
 *
 *	int	dsn_build(QUEUE_MSG *msg, const DSN_BUILD_PROPS *props,
 *				VSTRING *why);
 * DESCRIPTION
 *	dsn_build() writes the notification about msg (see dsn_build.h for
 *	its structure) through props->line, one line at a time. The
 *	recipients come from the bounce log (DSN_BUILD_FAILURE) or the trace
 *	log (DSN_BUILD_SUCCESS) of the message; when a recipient appears
 *	more than once, its last entry counts. The To: header names the
 *	envelope sender of msg; the DSN RET attribute of the message picks
 *	the whole message or its headers. A message sent with REQUIRETLS
 *	(RFC 8689) gets its headers only, whatever RET says: its content
 *	goes back to no one over a path that the sender did not accept. It returns the number of
 *	recipients reported (0: the log was empty or absent, and nothing was
 *	written), or -1 with a reason in why when the queue file or the log
 *	cannot be read or props->line refused a line.
 * SEE ALSO
 *	RFC 3461, RFC 3462, RFC 3464; status_log(3), bounce(8)
 *--*/

/* System library. */
#include <errno.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "dsn_build.h"
#include "mail_date.h"
#include "mail_queue.h"
#include "rec_type.h"
#include "status_log.h"

/* One recipient of the report: copies of its last log entry. */
typedef struct DSN_RCPT {
    char *recipient;  /* owned */
    char *orig_rcpt;  /* owned or NULL */
    char *dsn_orcpt;  /* owned or NULL */
    char *status;     /* owned */
    char *action;     /* owned */
    char *reason;     /* owned or NULL */
    char *remote_mta; /* owned or NULL */
    char *diag_code;  /* owned or NULL */
    long long offset; /* queue file offset */
    long long time;   /* when */
} DSN_RCPT;

/* The state of one build. */
typedef struct DSN_STATE {
    QUEUE_MSG *msg;               /* not owned */
    const DSN_BUILD_PROPS *props; /* not owned */
    DSN_RCPT *rcpts;              /* owned */
    size_t count;                 /* entries in rcpts */
    VSTRING *line;                /* scratch */
    VSTRING *boundary;            /* the MIME boundary */
    int error;                    /* a line was refused */
} DSN_STATE;

#define DSN_DUP(s) ((s) && *(s) ? mystrdup(s) : NULL)

/* dsn_put - one line, formatted */

static __attribute__((format(printf, 2, 3))) void dsn_put(DSN_STATE *state, const char *fmt, ...)
{
    va_list ap;

    if (state->error)
        return;
    VSTRING_RESET(state->line);
    va_start(ap, fmt);
    vstring_vsprintf_append(state->line, fmt, ap);
    va_end(ap);
    if (state->props->line(vstring_str(state->line), VSTRING_LEN(state->line),
                           state->props->context) != 0)
        state->error = 1;
}

/* dsn_rcpt_free - release one recipient's copies */

static void dsn_rcpt_free(DSN_RCPT *rcpt)
{
    myfree(rcpt->recipient);
    myfree(rcpt->orig_rcpt);
    myfree(rcpt->dsn_orcpt);
    myfree(rcpt->status);
    myfree(rcpt->action);
    myfree(rcpt->reason);
    myfree(rcpt->remote_mta);
    myfree(rcpt->diag_code);
}

/* dsn_read_log - the last entry of each recipient */

static int dsn_read_log(DSN_STATE *state, const char *log_queue, VSTRING *why)
{
    STATUS_LOG *log = status_log_open(log_queue, queue_msg_id(state->msg));
    STATUS_LOG_ENTRY entry;
    DSN_RCPT *rcpt;
    size_t i;

    if (log == NULL) {
        if (errno == ENOENT)
            return 0;
        vstring_sprintf(why, "open %s log of %s: %m", log_queue, queue_msg_id(state->msg));
        return -1;
    }
    while (status_log_read(log, &entry) == 1) {
        for (i = 0; i < state->count; i++)
            if (state->rcpts[i].offset == entry.offset &&
                strcmp(state->rcpts[i].recipient, entry.recipient) == 0)
                break;
        if (i == state->count)
            state->rcpts = myrealloc(state->rcpts, ++state->count * sizeof(*rcpt));
        else
            dsn_rcpt_free(state->rcpts + i);
        rcpt = state->rcpts + i;
        rcpt->recipient = mystrdup(entry.recipient);
        rcpt->orig_rcpt = DSN_DUP(entry.orig_rcpt);
        rcpt->dsn_orcpt = DSN_DUP(entry.dsn_orcpt);
        rcpt->status = mystrdup(entry.status);
        rcpt->action = mystrdup(entry.action);
        rcpt->reason = DSN_DUP(entry.reason);
        rcpt->remote_mta = DSN_DUP(entry.remote_mta);
        rcpt->diag_code = DSN_DUP(entry.diag_code);
        rcpt->offset = entry.offset;
        rcpt->time = entry.time;
    }
    status_log_close(log);
    return 0;
}

/* dsn_headers - the notification's own headers */

static void dsn_headers(DSN_STATE *state)
{
    const DSN_BUILD_PROPS *props = state->props;
    VSTRING *date = vstring_alloc(40);

    dsn_put(state, "From: MAILER-DAEMON@%s (Mail Delivery System)", props->myhostname);
    dsn_put(state, "To: %s", queue_msg_sender(state->msg));
    dsn_put(state, "Subject: %s",
            props->kind == DSN_BUILD_FAILURE ? "Undelivered Mail Returned to Sender"
                                             : "Successful Mail Delivery Report");
    dsn_put(state, "Date: %s", mail_date(date, props->now));
    dsn_put(state, "Auto-Submitted: auto-replied");
    dsn_put(state, "MIME-Version: 1.0");
    dsn_put(state, "Content-Type: multipart/report; report-type=delivery-status;");
    dsn_put(state, "\tboundary=\"%s\"", vstring_str(state->boundary));
    dsn_put(state, "Content-Transfer-Encoding: 8bit");
    dsn_put(state, "%s", "");
    dsn_put(state, "This is a MIME-encapsulated message.");
    dsn_put(state, "%s", "");
    vstring_free(date);
}

/* dsn_text_part - the part for people */

static void dsn_text_part(DSN_STATE *state)
{
    const DSN_BUILD_PROPS *props = state->props;

    dsn_put(state, "--%s", vstring_str(state->boundary));
    dsn_put(state, "Content-Description: Notification");
    dsn_put(state, "Content-Type: text/plain; charset=us-ascii");
    dsn_put(state, "%s", "");
    dsn_put(state, "This report comes from the mail system at %s.", props->myhostname);
    dsn_put(state, "%s", "");
    if (props->kind == DSN_BUILD_FAILURE) {
        dsn_put(state, "Your message could not be delivered to the recipients listed below;");
        dsn_put(state, "the mail system has given up. The reason for each recipient follows,");
        dsn_put(state, "and the message (or its headers) is attached at the end.");
    } else {
        dsn_put(state, "Your message was delivered to the recipients listed below, as you");
        dsn_put(state, "asked with a request for delivery notification.");
    }
    dsn_put(state, "%s", "");
    dsn_put(state, "Questions about this report can go to the postmaster of %s.",
            props->myhostname);
    dsn_put(state, "%s", "");
    for (size_t i = 0; i < state->count; i++)
        dsn_put(state, "<%s>: %s", state->rcpts[i].recipient,
                state->rcpts[i].reason ? state->rcpts[i].reason : state->rcpts[i].status);
    dsn_put(state, "%s", "");
}

/* dsn_status_part - the machine-readable part */

static void dsn_status_part(DSN_STATE *state)
{
    const char *envid = queue_msg_attr(state->msg, REC_ATTR_DSN_ENVID);
    VSTRING *date = vstring_alloc(40);

    dsn_put(state, "--%s", vstring_str(state->boundary));
    dsn_put(state, "Content-Description: Delivery report");
    dsn_put(state, "Content-Type: message/delivery-status");
    dsn_put(state, "%s", "");
    dsn_put(state, "Reporting-MTA: dns; %s", state->props->myhostname);
    dsn_put(state, "X-Postfix-Queue-ID: %s", queue_msg_id(state->msg));
    dsn_put(state, "X-Postfix-Sender: rfc822; %s", queue_msg_sender(state->msg));
    if (envid && *envid)
        dsn_put(state, "Original-Envelope-Id: %s", envid);
    dsn_put(state, "Arrival-Date: %s", mail_date(date, queue_msg_arrival(state->msg).tv_sec));
    for (size_t i = 0; i < state->count; i++) {
        const DSN_RCPT *rcpt = state->rcpts + i;

        dsn_put(state, "%s", "");
        dsn_put(state, "Final-Recipient: rfc822; %s", rcpt->recipient);
        if (rcpt->dsn_orcpt)
            dsn_put(state, "Original-Recipient: %s", rcpt->dsn_orcpt);
        else if (rcpt->orig_rcpt && strcasecmp(rcpt->orig_rcpt, rcpt->recipient) != 0)
            dsn_put(state, "Original-Recipient: rfc822; %s", rcpt->orig_rcpt);
        dsn_put(state, "Action: %s", rcpt->action);
        dsn_put(state, "Status: %s", rcpt->status);
        if (rcpt->remote_mta)
            dsn_put(state, "Remote-MTA: dns; %s", rcpt->remote_mta);
        if (rcpt->diag_code)
            dsn_put(state, "Diagnostic-Code: %s", rcpt->diag_code);
        else if (rcpt->reason)
            dsn_put(state, "Diagnostic-Code: X-Postfix; %s", rcpt->reason);
        if (rcpt->time > 0)
            dsn_put(state, "Last-Attempt-Date: %s", mail_date(date, (time_t)rcpt->time));
    }
    dsn_put(state, "%s", "");
    vstring_free(date);
}

/* dsn_original_part - the returned message or its headers */

static int dsn_original_part(DSN_STATE *state, VSTRING *why)
{
    const char *ret = queue_msg_attr(state->msg, REC_ATTR_DSN_RET);
    const char *requiretls = queue_msg_attr(state->msg, REC_ATTR_REQUIRETLS);
    bool headers_only = (ret && strcasecmp(ret, "HDRS") == 0) ||
                        (requiretls && strcmp(requiretls, "yes") == 0) ||
                        queue_msg_content_size(state->msg) > state->props->size_limit;
    VSTRING *buf = vstring_alloc(200), *line = vstring_alloc(200);
    int type;

    dsn_put(state, "--%s", vstring_str(state->boundary));
    dsn_put(state, "Content-Description: %s",
            headers_only ? "Undelivered Message Headers" : "Undelivered Message");
    dsn_put(state, "Content-Type: %s", headers_only ? "text/rfc822-headers" : "message/rfc822");
    dsn_put(state, "Content-Transfer-Encoding: 8bit");
    dsn_put(state, "%s", "");
    if (queue_msg_content_rewind(state->msg) < 0) {
        type = -1;
    } else {
        while ((type = queue_msg_content_get(state->msg, buf)) > 0) {
            vstring_memcat(line, vstring_str(buf), VSTRING_LEN(buf));
            if (type == REC_TYPE_CONT)
                continue;
            if (headers_only && VSTRING_LEN(line) == 0)
                break;
            dsn_put(state, "%s", vstring_str(line));
            VSTRING_RESET(line);
        }
    }
    if (type < 0)
        vstring_sprintf(why, "cannot read queue file %s", queue_msg_id(state->msg));
    dsn_put(state, "%s", "");
    dsn_put(state, "--%s--", vstring_str(state->boundary));
    vstring_free(buf);
    vstring_free(line);
    return type < 0 ? -1 : 0;
}

/* dsn_build - the whole notification */

int dsn_build(QUEUE_MSG *msg, const DSN_BUILD_PROPS *props, VSTRING *why)
{
    DSN_STATE state = {.msg = msg, .props = props};
    int status;

    if (dsn_read_log(&state,
                     props->kind == DSN_BUILD_FAILURE ? MAIL_QUEUE_BOUNCE : MAIL_QUEUE_TRACE,
                     why) < 0)
        return -1;
    if (state.count == 0)
        return 0;
    state.line = vstring_alloc(200);
    state.boundary = vstring_alloc(60);
    vstring_sprintf(state.boundary, "%s.%lld/%s", queue_msg_id(msg), (long long)props->now,
                    props->myhostname);
    dsn_headers(&state);
    dsn_text_part(&state);
    dsn_status_part(&state);
    status = dsn_original_part(&state, why);
    if (state.error && status == 0) {
        vstring_sprintf(why, "cannot write the notification");
        status = -1;
    }
    for (size_t i = 0; i < state.count; i++)
        dsn_rcpt_free(state.rcpts + i);
    myfree(state.rcpts);
    vstring_free(state.line);
    vstring_free(state.boundary);
    return status < 0 ? -1 : (int)state.count;
}
