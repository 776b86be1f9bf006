/*++
 * NAME
 *	cleanup_final - commit the queue file and give the verdict
 * SYNOPSIS
 *	#include "cleanup.h"
 *
 *	void	cleanup_final(CLEANUP_STATE *state);
 * DESCRIPTION
 *	cleanup_final() runs when the client has ended the message (E). If
 *	nothing went wrong and there is at least one recipient, it ends the
 *	content, stores the BCC recipients, filter and redirect attributes
 *	(BCC, FILTER and REDIRECT actions) and commits the queue file durably
 *	(queue_file_commit(): fsync, rename into incoming, or into hold for
 *	a message put on hold, fsync of the directory), reads the
 *	envelope back with queue_msg_open(), the reader of qmgr, logs
 *	"queue_id: message-id=<...>", and then wakes the queue manager with
 *	MAIL_TRIGGER_SCAN_INCOMING on public/$queue_service_name (a missing
 *	queue manager is no error: it scans incoming when it starts).
 *
 *	The verdict {status, reason} goes to the client before the wake-up:
 *	status CLEANUP_STAT_OK only when the commit succeeded and the file
 *	reads back. A committed file that does not read back (a gap in
 *	cleanup_envelope()'s checks) would be accepted mail that is never
 *	delivered: it is moved to the corrupt queue and the client gets
 *	CLEANUP_STAT_BAD (a temporary error), so the sender still holds
 *	the message. The check reads only the envelope and the records
 *	after the content, which cleanup has just written: cheap next to
 *	the fsyncs of the commit. An uncommitted queue file is removed when
 *	the state is freed.
 *
 *	A discarded message (DISCARD action) is not committed: the client
 *	gets CLEANUP_STAT_OK, as for delivered mail, and the file goes. A
 *	message refused for good from a client that asked for bounces
 *	(CLEANUP_FLAG_BOUNCE) goes back to its sender (cleanup_bounce(3)).
 * DIAGNOSTICS
 *	Warnings: commit failures (from queue_file(3)), a committed file
 *	that does not read back, a client that went away before the
 *	verdict.
 *--*/

/* Utility library. */
#include "attr.h"
#include "msg.h"

/* Global library. */
#include "cleanup_client.h"
#include "mail_queue.h"
#include "mail_trigger.h"
#include "queue_msg.h"
#include "rec_type.h"

/* Application-specific. */
#include "cleanup.h"

/* cleanup_read_back - does the committed file open as qmgr will open it */

static void cleanup_read_back(CLEANUP_STATE *state)
{
    VSTRING *why = vstring_alloc(100);
    QUEUE_MSG *msg;

    const char *queue = state->hold ? MAIL_QUEUE_HOLD : MAIL_QUEUE_INCOMING;

    switch (queue_msg_open(queue, state->queue_id, 0, &msg, why)) {
    case QUEUE_MSG_STAT_OK:
        queue_msg_close(msg);
        break;
    case QUEUE_MSG_STAT_CORRUPT:
        msg_warn("%s: committed file does not read back: %s", state->queue_id, vstring_str(why));
        if (mail_queue_move(queue, MAIL_QUEUE_CORRUPT, state->queue_id) < 0)
            msg_warn("%s: move to the %s queue: %m", state->queue_id, MAIL_QUEUE_CORRUPT);
        cleanup_error(state, CLEANUP_STAT_BAD, "%s", cleanup_strerror(CLEANUP_STAT_BAD));
        break;
    default:
        /* Gone (the queue manager took it) or a system error: nothing to judge. */
        if (msg_verbose)
            msg_info("%s: read-back check skipped: %s", state->queue_id, vstring_str(why));
        break;
    }
    vstring_free(why);
}

/* cleanup_final_bcc - the BCC recipients of header and body checks */

static int cleanup_final_bcc(CLEANUP_STATE *state)
{
    for (size_t i = 0; state->bcc && i < state->bcc->argc; i++) {
        QUEUE_RCPT qr = {.address = state->bcc->argv[i], .dsn_notify = REC_NOTIFY_NEVER};

        if (queue_file_rcpt(state->qf, &qr) < 0)
            return -1;
        state->rcpt_count++;
    }
    return 0;
}

/* cleanup_commit - make the message durable */

static void cleanup_commit(CLEANUP_STATE *state)
{
    if (state->errs == 0 && state->rcpt_count == 0)
        cleanup_error(state, CLEANUP_STAT_RCPT, "%s", cleanup_strerror(CLEANUP_STAT_RCPT));
    if (state->errs != 0)
        return;
    if (state->discard) {
        msg_info("%s: message-id=%s", state->queue_id,
                 VSTRING_LEN(state->message_id) ? vstring_str(state->message_id) : "<>");
        return;
    }
    if (queue_file_extra(state->qf) < 0 || cleanup_final_bcc(state) < 0 ||
        (state->filter && queue_file_attr(state->qf, REC_ATTR_FILTER, state->filter) < 0) ||
        (state->redirect && queue_file_attr(state->qf, REC_ATTR_REDIRECT, state->redirect) < 0) ||
        (state->tls_required_no && queue_file_attr(state->qf, REC_ATTR_TLS_REQUIRED, "no") < 0)) {
        cleanup_write_failed(state);
        return;
    }
    if (state->hold)
        queue_file_set_queue(state->qf, MAIL_QUEUE_HOLD);
    if (queue_file_commit(state->qf) < 0) {
        cleanup_write_failed(state);
        return;
    }
    cleanup_read_back(state);
    if (state->errs != 0)
        return;
    msg_info("%s: message-id=%s", state->queue_id,
             VSTRING_LEN(state->message_id) ? vstring_str(state->message_id) : "<>");
}

/* cleanup_wakeup - tell the queue manager about the new message */

static void cleanup_wakeup(const CLEANUP_STATE *state)
{
    VSTRING *why = vstring_alloc(100);
    char request = MAIL_TRIGGER_SCAN_INCOMING;

    if (mail_trigger(MAIL_CLASS_PUBLIC, state->config->queue_service_name, &request, 1,
                     state->config->trigger_timeout, why) < 0 &&
        msg_verbose)
        msg_info("%s: no queue manager wake-up: %s", state->queue_id, vstring_str(why));
    vstring_free(why);
}

/* cleanup_final - commit and answer */

void cleanup_final(CLEANUP_STATE *state)
{
    if (cleanup_bounce_wanted(state))
        cleanup_bounce(state);
    else
        cleanup_commit(state);
    if (attr_print(state->client, ATTR_FLAG_NONE, SEND_ATTR_INT(CLEANUP_ATTR_STATUS, state->errs),
                   SEND_ATTR_STR(CLEANUP_ATTR_REASON, vstring_str(state->reason)),
                   ATTR_TYPE_END) != 0)
        msg_warn("%s: cannot send the verdict to the client: %m", state->queue_id);
    if (state->errs == 0 && !state->discard && !state->hold)
        cleanup_wakeup(state);
}
