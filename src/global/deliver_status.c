/*++
 * NAME
 *	deliver_status - record one recipient's delivery outcome
 * SYNOPSIS
 *	#include <deliver_request.h>
 *
 *	int	deliver_status_record(QUEUE_MSG *msg, size_t index,
 *				int outcome, int flags,
 *				const DELIVER_STATUS *status,
 *				const DELIVER_TIMES *times);
 * DESCRIPTION
 *	deliver_status_record() records what happened to recipient index of
 *	msg (open for update), in the order that keeps every crash outcome
 *	safe (see deliver_request.h and README_FILES/QUEUE_README):
 *
 *	DELIVER_OUTCOME_SENT: the recipient is marked done (durably); when
 *	its DSN NOTIFY asks for SUCCESS, a "delivered" (or status->action)
 *	entry goes to the trace log first.
 *
 *	DELIVER_OUTCOME_BOUNCED: a "failed" entry is appended to the bounce
 *	log (durably), then the recipient is marked done. With
 *	DELIVER_FLAG_SOFT_BOUNCE in flags it is deferred instead, with the
 *	status class changed from 5 to 4.
 *
 *	DELIVER_OUTCOME_DEFERRED: a "delayed" entry is appended to the
 *	defer log; the recipient stays to be delivered.
 *
 *	Then the delivery line is logged (deliver_log(3)), unless flags has
 *	DELIVER_FLAG_QUIET. status->dsn and status->reason are required;
 *	status->relay defaults to "none". times gives the arrival time and,
 *	when known, the times qmgr took the message and the agent received
 *	the request, for delay= and delays=.
 *
 *	The result is the outcome that the queue file now reflects: the
 *	outcome asked for, or DELIVER_OUTCOME_DEFERRED when a bounce log
 *	entry or a done mark could not be written (a recipient that was
 *	delivered but could not be marked may then be delivered again,
 *	never lost), or when soft_bounce turned a bounce into a deferral.
 * DIAGNOSTICS
 *	Warnings: a status log or queue file that cannot be written (the
 *	library functions name the file). Panic: an unknown outcome.
 * SEE ALSO
 *	deliver_request(3), status_log(3), queue_msg(3), deliver_log(3)
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "deliver_log.h"
#include "deliver_request.h"
#include "mail_queue.h"
#include "rec_type.h"
#include "status_log.h"

/* deliver_status_entry - a status log entry for the recipient */

/* The recipient as delivered: itself, or the address of a REDIRECT action. */
typedef struct DELIVER_STATUS_RCPT {
    const QUEUE_MSG_RCPT *rcpt; /* the queue file's record */
    const char *address;        /* where it went */
    const char *orig_rcpt;      /* the original recipient, or NULL */
} DELIVER_STATUS_RCPT;

/* deliver_status_rcpt - the recipient as delivered */

static DELIVER_STATUS_RCPT deliver_status_rcpt(const QUEUE_MSG *msg, size_t index)
{
    const QUEUE_MSG_RCPT *rcpt = queue_msg_rcpt(msg, index);
    const char *redirect = queue_msg_attr(msg, REC_ATTR_REDIRECT);

    if (redirect == NULL)
        return (DELIVER_STATUS_RCPT){rcpt, rcpt->address, rcpt->orig_rcpt};
    return (DELIVER_STATUS_RCPT){rcpt, redirect, rcpt->orig_rcpt ? rcpt->orig_rcpt : rcpt->address};
}

static void deliver_status_entry(STATUS_LOG_ENTRY *entry, const DELIVER_STATUS_RCPT *who,
                                 const DELIVER_STATUS *status, const char *dsn, const char *action,
                                 long long now)
{
    const QUEUE_MSG_RCPT *rcpt = who->rcpt;

    memset(entry, 0, sizeof(*entry));
    entry->recipient = who->address;
    entry->orig_rcpt = who->orig_rcpt;
    entry->dsn_orcpt = rcpt->dsn_orcpt;
    entry->dsn_notify = rcpt->dsn_notify;
    entry->offset = rcpt->offset;
    entry->status = dsn;
    entry->action = action;
    entry->reason = status->reason;
    entry->remote_mta = status->remote_mta;
    entry->diag_code = status->diag_code;
    entry->time = now / 1000000;
}

/* deliver_status_delays - delay= and delays= of the log line */

static void deliver_status_delays(DELIVER_LOG_LINE *line, const DELIVER_TIMES *times,
                                  const DELIVER_STATUS *status, long long now)
{
    long long active = times->active_time > 0 ? times->active_time : now;
    long long received = times->received_time > 0 ? times->received_time : now;
    double c = status->conn_delay > 0 ? status->conn_delay : 0;

    if (active < times->arrival_time)
        active = times->arrival_time;
    if (received < active)
        received = active;
    line->delay = (now - times->arrival_time) / 1e6;
    line->delays[0] = (active - times->arrival_time) / 1e6;
    line->delays[1] = (received - active) / 1e6;
    line->delays[2] = c;
    line->delays[3] = (now - received) / 1e6 - c;
    if (line->delays[3] < 0)
        line->delays[3] = 0;
}

/* deliver_status_mark - mark one recipient done */

static int deliver_status_mark(QUEUE_MSG *msg, size_t index)
{
    return queue_msg_mark_done(msg, &index, 1);
}

/* deliver_status_record - record an outcome durably, then log it */

int deliver_status_record(QUEUE_MSG *msg, size_t index, int outcome, int flags,
                          const DELIVER_STATUS *status, const DELIVER_TIMES *times)
{
    DELIVER_STATUS_RCPT who = deliver_status_rcpt(msg, index);
    const QUEUE_MSG_RCPT *rcpt = who.rcpt;
    long long now = times->now > 0 ? times->now : deliver_time_now();
    char dsn[16];
    const char *log_status;
    STATUS_LOG_ENTRY entry;
    DELIVER_LOG_LINE line;
    int result = outcome;

    /* The class follows the outcome; a malformed code becomes the generic one. */
    snprintf(dsn, sizeof(dsn), "%s",
             status->dsn && status_log_status_ok(status->dsn) ? status->dsn : "0.0.0");
    dsn[0] = outcome == DELIVER_OUTCOME_SENT ? '2' : outcome == DELIVER_OUTCOME_BOUNCED ? '5' : '4';
    if (outcome == DELIVER_OUTCOME_BOUNCED && (flags & DELIVER_FLAG_SOFT_BOUNCE)) {
        dsn[0] = '4';
        result = outcome = DELIVER_OUTCOME_DEFERRED;
    }
    switch (outcome) {
    case DELIVER_OUTCOME_SENT:
        log_status = "sent";
        deliver_status_entry(&entry, &who, status, dsn,
                             status->action ? status->action : "delivered", now);
        if ((rcpt->dsn_notify & REC_NOTIFY_SUCCESS) &&
            status_log_append(MAIL_QUEUE_TRACE, queue_msg_id(msg), &entry) < 0)
            msg_warn("%s: no success notice for %s", queue_msg_id(msg), rcpt->address);
        if (deliver_status_mark(msg, index) < 0)
            result = DELIVER_OUTCOME_DEFERRED;
        break;
    case DELIVER_OUTCOME_BOUNCED:
        log_status = "bounced";
        deliver_status_entry(&entry, &who, status, dsn, "failed", now);
        if (status_log_append(MAIL_QUEUE_BOUNCE, queue_msg_id(msg), &entry) < 0 ||
            deliver_status_mark(msg, index) < 0) {
            dsn[0] = '4';
            log_status = "deferred";
            result = DELIVER_OUTCOME_DEFERRED;
            entry.action = "delayed";
            (void)status_log_append(MAIL_QUEUE_DEFER, queue_msg_id(msg), &entry);
        }
        break;
    case DELIVER_OUTCOME_DEFERRED:
        log_status = "deferred";
        deliver_status_entry(&entry, &who, status, dsn, "delayed", now);
        (void)status_log_append(MAIL_QUEUE_DEFER, queue_msg_id(msg), &entry);
        break;
    default:
        msg_panic("%s: unknown outcome %d", __func__, outcome);
    }
    if (!(flags & DELIVER_FLAG_QUIET)) {
        memset(&line, 0, sizeof(line));
        line.queue_id = queue_msg_id(msg);
        line.recipient = who.address;
        line.orig_rcpt = who.orig_rcpt;
        line.relay = status->relay;
        line.dsn = dsn;
        line.status = log_status;
        line.reason = status->reason;
        line.tls = status->tls;
        deliver_status_delays(&line, times, status, now);
        deliver_log_line(&line);
    }
    return result;
}
