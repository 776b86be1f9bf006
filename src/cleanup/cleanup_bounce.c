/*++
 * NAME
 *	cleanup_bounce - return a refused local submission to its sender
 * SYNOPSIS
 *	#include "cleanup.h"
 *
 *	bool	cleanup_bounce_wanted(const CLEANUP_STATE *state);
 *	void	cleanup_bounce(CLEANUP_STATE *state);
 * DESCRIPTION
 *	A client that cannot give a refusal back to a person (pickup: the
 *	user's sendmail has long returned) asks with CLEANUP_FLAG_BOUNCE
 *	that cleanup bounce a message that it refuses for good, as Postfix's
 *	cleanup does: the sender gets a non-delivery notification with the
 *	reason, and the client gets CLEANUP_STAT_OK, so that it can forget
 *	the message.
 *
 *	cleanup_bounce_wanted() tells whether that applies: the flag, a
 *	permanent refusal of the content (header or body checks: REJECT;
 *	message_size_limit) and nothing else wrong, the content begun and at
 *	least one recipient.
 *
 *	cleanup_bounce() ends the queue file as it is (the content up to the
 *	refusal), commits it into the hold queue, where the queue manager
 *	does not look, records every recipient as bounced there
 *	(deliver_status(3): the bounce log entry with the refusal's status
 *	and text, the done mark, and the "status=bounced" log line), and
 *	then moves the file into incoming. The queue manager finds no
 *	recipient left and has the bounce service send the notification
 *	(none for the null sender), as for mail that bounced in delivery.
 *	On success the state carries no error; when a step fails it carries
 *	CLEANUP_STAT_WRITE, so that the client keeps the message and tries
 *	again later.
 * DIAGNOSTICS
 *	Warnings: a step that fails. A crash between the commit and the move
 *	leaves the message in the hold queue, recipients bounced, and the
 *	client still holding it.
 * SEE ALSO
 *	pickup(8), deliver_status(3), bounce(8)
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "cleanup_client.h"
#include "deliver_request.h"
#include "mail_queue.h"
#include "queue_msg.h"

/* Application-specific. */
#include "cleanup.h"

/* cleanup_bounce_wanted - bounce rather than refuse? */

bool cleanup_bounce_wanted(const CLEANUP_STATE *state)
{
    int permanent = CLEANUP_STAT_CONT | CLEANUP_STAT_SIZE;

    return (state->flags & CLEANUP_FLAG_BOUNCE) && state->errs != 0 &&
           (state->errs & ~permanent) == 0 && state->content_started && state->rcpt_count > 0;
}

/* cleanup_bounce_status - the refusal as a DSN status and a text */

static void cleanup_bounce_status(const CLEANUP_STATE *state, char *dsn, size_t size,
                                  const char **text)
{
    const char *reason = vstring_str(state->reason);
    size_t len = strspn(reason, "0123456789.");

    if (len >= 5 && len < size && reason[0] == '5' && reason[1] == '.' && reason[len] == ' ') {
        memcpy(dsn, reason, len);
        dsn[len] = 0;
        *text = reason + len + 1;
    } else {
        snprintf(dsn, size, "%s", (state->errs & CLEANUP_STAT_SIZE) ? "5.3.4" : "5.7.1");
        *text = *reason ? reason : cleanup_strerror(state->errs);
    }
}

/* cleanup_bounce_record - every recipient of the held file bounced */

static int cleanup_bounce_record(CLEANUP_STATE *state, const DELIVER_STATUS *status)
{
    VSTRING *why = vstring_alloc(100);
    QUEUE_MSG *msg;
    struct timeval arrival;
    DELIVER_TIMES times = {0};
    int ret = 0;

    if (queue_msg_open(MAIL_QUEUE_HOLD, state->queue_id, QUEUE_MSG_FLAG_UPDATE, &msg, why) !=
        QUEUE_MSG_STAT_OK) {
        msg_warn("%s: cannot bounce: %s", state->queue_id, vstring_str(why));
        vstring_free(why);
        return -1;
    }
    arrival = queue_msg_arrival(msg);
    times.arrival_time = (long long)arrival.tv_sec * 1000000 + arrival.tv_usec;

    for (size_t i = 0; ret == 0 && i < queue_msg_rcpt_count(msg); i++)
        if (deliver_status_record(msg, i, DELIVER_OUTCOME_BOUNCED, DELIVER_FLAG_NONE, status,
                                  &times) != DELIVER_OUTCOME_BOUNCED)
            ret = -1;
    queue_msg_close(msg);
    vstring_free(why);
    return ret;
}

/* cleanup_bounce - commit, bounce every recipient, hand over to qmgr */

void cleanup_bounce(CLEANUP_STATE *state)
{
    char dsn[16];
    const char *text;
    DELIVER_STATUS status = {.relay = "none"};
    bool ok = true;

    cleanup_bounce_status(state, dsn, sizeof(dsn), &text);
    status.dsn = dsn;
    status.reason = text;
    queue_file_set_queue(state->qf, MAIL_QUEUE_HOLD);
    if (queue_file_extra(state->qf) < 0 || queue_file_commit(state->qf) < 0)
        ok = false;
    else if (cleanup_bounce_record(state, &status) < 0 ||
             mail_queue_move(MAIL_QUEUE_HOLD, MAIL_QUEUE_INCOMING, state->queue_id) < 0) {
        /* Take it all back: the client still has the message. */
        (void)mail_queue_remove(MAIL_QUEUE_BOUNCE, state->queue_id);
        (void)mail_queue_remove(MAIL_QUEUE_HOLD, state->queue_id);
        ok = false;
    }
    if (!ok) {
        msg_warn("%s: the refused message could not be bounced; it stays with the client",
                 state->queue_id);
        state->errs = CLEANUP_STAT_WRITE;
        vstring_strcpy(state->reason, cleanup_strerror(CLEANUP_STAT_WRITE));
        return;
    }
    state->errs = 0;
    VSTRING_RESET(state->reason);
}
