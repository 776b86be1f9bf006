/*++
 * NAME
 *	deliver_agent - the delivery agents' side of the delivery protocol
 * SYNOPSIS
 *	#include <deliver_request.h>
 *
 *	DELIVER_REQUEST *deliver_request_receive(VSTREAM *client,
 *				VSTRING *why);
 *	bool	deliver_rcpt_pending(const DELIVER_REQUEST *request,
 *				size_t index);
 *	int	deliver_sent(DELIVER_REQUEST *request, size_t index,
 *				const DELIVER_STATUS *status);
 *	int	deliver_bounced(DELIVER_REQUEST *request, size_t index,
 *				const DELIVER_STATUS *status);
 *	int	deliver_deferred(DELIVER_REQUEST *request, size_t index,
 *				const DELIVER_STATUS *status);
 *	int	deliver_outcome(DELIVER_REQUEST *request, size_t index,
 *				int outcome, const DELIVER_STATUS *status);
 *	int	deliver_request_finish(DELIVER_REQUEST *request);
 *	int	deliver_request_finish_dead(DELIVER_REQUEST *request,
 *				const char *reason);
 * DESCRIPTION
 *	A delivery agent's service function does:
 *
 *	    DELIVER_REQUEST *request = deliver_request_receive(client, why);
 *	    if (request == NULL)
 *		return;			(reply sent or connection broken)
 *	    for (size_t i = 0; i < request->rcpt_count; i++)
 *		if (deliver_rcpt_pending(request, i))
 *		    ... deliver, then deliver_sent(), deliver_bounced()
 *		    ... or deliver_deferred() for recipient i
 *	    deliver_request_finish(request);
 *
 *	The message content and the envelope facts are read from
 *	request->msg (queue_msg(3)); request->rcpts[i].msg_index is the
 *	recipient's index there.
 *
 *	deliver_request_receive() greets qmgr, reads and checks the
 *	request, opens the queue file for update under a shared lock, and
 *	matches each requested recipient with its record (by offset and
 *	address; for a message with a redirect attribute, the REDIRECT
 *	action, the address is the redirect address). Recipients that the file shows done are answered at once
 *	with DELIVER_OUTCOME_DONE and are not pending. It returns the
 *	request, or NULL: after a malformed request (nothing more is sent;
 *	why says what was wrong), or when the queue file cannot be used
 *	(the end message with DELIVER_STAT_FAIL and the reason has been
 *	sent, so qmgr defers the recipients).
 *
 *	deliver_rcpt_pending() says whether recipient index still needs a
 *	delivery attempt (no result yet).
 *
 *	deliver_sent(), deliver_bounced() and deliver_deferred() record a
 *	recipient's outcome (deliver_status_record(): queue file, status
 *	logs, mail log line) and then report it to qmgr, with one status
 *	code for all of them: status->dsn when it is an RFC 3463 code
 *	(status_log_status_ok()), "X.0.0" otherwise, its class always that
 *	of the outcome. They return 0, or
 *	-1 when qmgr could not be told (the outcome is recorded all the
 *	same). deliver_outcome() is the one of the three that outcome
 *	names: DELIVER_OUTCOME_SENT or _BOUNCED, and deferred for any
 *	other value, for an agent that keeps its result as an outcome.
 *
 *	deliver_request_finish() sends the end message, closes the queue
 *	file and frees the request. Recipients left without a result are
 *	deferred by qmgr. It returns 0, or -1 when qmgr could not be told.
 *	deliver_request_finish_dead() does the same, and tells qmgr that the
 *	next hop cannot be used now (for example no server of the
 *	destination answers): qmgr defers the other mail queued for the same
 *	transport and next hop ("delivery temporarily suspended: reason")
 *	instead of trying each message in turn. Call deliver_deferred() for
 *	the request's own recipients first.
 * DIAGNOSTICS
 *	Panic: a second outcome for one recipient, an index out of range.
 *	Warnings: a malformed request, a queue file that cannot be used.
 * SEE ALSO
 *	deliver_request(3), deliver_status(3)
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "deliver_request.h"
#include "mail_queue.h"
#include "queue_msg.h"
#include "rec_type.h"
#include "status_log.h"

/* deliver_agent_reply_rcpt - report one recipient's result */

static int deliver_agent_reply_rcpt(DELIVER_REQUEST *request, const DELIVER_RCPT *rcpt)
{
    return attr_print(
        request->client, ATTR_FLAG_NONE, SEND_ATTR_STR(DELIVER_ATTR_REPLY, DELIVER_REPLY_RCPT),
        SEND_ATTR_LONG(DELIVER_ATTR_OFFSET, (long)rcpt->offset),
        SEND_ATTR_INT(DELIVER_ATTR_OUTCOME, rcpt->outcome),
        SEND_ATTR_STR(DELIVER_ATTR_DSN, rcpt->dsn),
        SEND_ATTR_STR(DELIVER_ATTR_REASON, rcpt->reason ? rcpt->reason : ""),
        SEND_ATTR_STR(DELIVER_ATTR_RELAY, rcpt->relay ? rcpt->relay : "none"), ATTR_TYPE_END);
}

/* deliver_agent_reply_end - the end message */

static int deliver_agent_reply_end(VSTREAM *client, int status, const char *reason)
{
    return attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_STR(DELIVER_ATTR_REPLY, DELIVER_REPLY_END),
                      SEND_ATTR_INT(DELIVER_ATTR_STATUS, status),
                      SEND_ATTR_STR(DELIVER_ATTR_REASON, reason), ATTR_TYPE_END);
}

/* deliver_agent_read_head - the request's header message */

static int deliver_agent_read_head(VSTREAM *client, DELIVER_REQUEST *request, int *out_count)
{
    VSTRING *text[6];
    long times[3];
    int got;

    for (int i = 0; i < 6; i++)
        text[i] = vstring_alloc(40);
    got = attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_INT(DELIVER_ATTR_FLAGS, &request->flags),
                    RECV_ATTR_STR(DELIVER_ATTR_QUEUE_NAME, text[0]),
                    RECV_ATTR_STR(DELIVER_ATTR_QUEUE_ID, text[1]),
                    RECV_ATTR_STR(DELIVER_ATTR_TRANSPORT, text[2]),
                    RECV_ATTR_STR(DELIVER_ATTR_NEXTHOP, text[3]),
                    RECV_ATTR_STR(DELIVER_ATTR_SENDER, text[4]),
                    RECV_ATTR_STR(DELIVER_ATTR_DSN_ENVID, text[5]),
                    RECV_ATTR_INT(DELIVER_ATTR_DSN_RET, &request->dsn_ret),
                    RECV_ATTR_LONG(DELIVER_ATTR_ARRIVAL_TIME, &times[0]),
                    RECV_ATTR_LONG(DELIVER_ATTR_ACTIVE_TIME, &times[1]),
                    RECV_ATTR_LONG(DELIVER_ATTR_REQUEST_TIME, &times[2]),
                    RECV_ATTR_INT(DELIVER_ATTR_RCPT_COUNT, out_count), ATTR_TYPE_END);
    char **members[6] = {&request->queue_name, &request->queue_id, &request->transport,
                         &request->nexthop,    &request->sender,   &request->dsn_envid};
    for (int i = 0; i < 6; i++) {
        myfree(*members[i]);
        *members[i] = vstring_export(text[i]);
    }
    request->arrival_time = times[0];
    request->active_time = times[1];
    request->request_time = times[2];
    return got == 12 ? 0 : -1;
}

/* deliver_agent_read_rcpts - the recipient messages */

static int deliver_agent_read_rcpts(VSTREAM *client, DELIVER_REQUEST *request, int count)
{
    VSTRING *address = vstring_alloc(60), *orig = vstring_alloc(60), *orcpt = vstring_alloc(60);
    int notify, status = 0;
    long offset;

    for (int i = 0; i < count && status == 0; i++) {
        if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(DELIVER_ATTR_ADDRESS, address),
                      RECV_ATTR_STR(DELIVER_ATTR_ORIG_RCPT, orig),
                      RECV_ATTR_STR(DELIVER_ATTR_DSN_ORCPT, orcpt),
                      RECV_ATTR_INT(DELIVER_ATTR_DSN_NOTIFY, &notify),
                      RECV_ATTR_LONG(DELIVER_ATTR_OFFSET, &offset), ATTR_TYPE_END) != 5)
            status = -1;
        else
            deliver_request_add_rcpt(request, vstring_str(address), vstring_str(orig),
                                     vstring_str(orcpt), notify, offset);
    }
    vstring_free(address);
    vstring_free(orig);
    vstring_free(orcpt);
    return status;
}

/* deliver_agent_match - find each requested recipient in the queue file */

static int deliver_agent_match(DELIVER_REQUEST *request, VSTRING *why)
{
    size_t count = queue_msg_rcpt_count(request->msg);
    const char *redirect = queue_msg_attr(request->msg, REC_ATTR_REDIRECT);

    for (size_t i = 0; i < request->rcpt_count; i++) {
        DELIVER_RCPT *rcpt = request->rcpts + i;
        size_t j;

        for (j = 0; j < count; j++)
            if (queue_msg_rcpt(request->msg, j)->offset == rcpt->offset)
                break;
        /* A redirected message (REDIRECT action) goes to one address for all. */
        if (j == count || strcmp(redirect ? redirect : queue_msg_rcpt(request->msg, j)->address,
                                 rcpt->address) != 0) {
            vstring_sprintf(why, "%s: recipient %s not found at offset %lld of the queue file",
                            request->queue_id, rcpt->address, rcpt->offset);
            return -1;
        }
        rcpt->msg_index = j;
        if (queue_msg_rcpt(request->msg, j)->done) {
            rcpt->outcome = DELIVER_OUTCOME_DONE;
            rcpt->dsn = mystrdup("2.0.0");
            rcpt->reason = mystrdup("already done");
            if (deliver_agent_reply_rcpt(request, rcpt) < 0) {
                vstring_sprintf(why, "lost connection with the queue manager");
                return -1;
            }
        }
    }
    return 0;
}

/* deliver_agent_check - the request makes sense */

static int deliver_agent_check(const DELIVER_REQUEST *request, int count, VSTRING *why)
{
    if (request->flags & ~DELIVER_FLAG_MASK)
        vstring_sprintf(why, "unknown request flags 0x%x", request->flags);
    else if (!mail_queue_name_ok(request->queue_name))
        vstring_sprintf(why, "bad queue name \"%.40s\"", request->queue_name);
    else if (!mail_queue_id_ok(request->queue_id))
        vstring_sprintf(why, "bad queue ID \"%.40s\"", request->queue_id);
    else if (count < 1 || count > DELIVER_RCPT_MAX)
        vstring_sprintf(why, "bad recipient count %d", count);
    else
        return 0;
    return -1;
}

/* deliver_request_receive - read a request and open its queue file */

DELIVER_REQUEST *deliver_request_receive(VSTREAM *client, VSTRING *why)
{
    DELIVER_REQUEST *request = deliver_request_alloc();
    int count = 0;
    int status;

    request->client = client;
    VSTRING_RESET(why);
    if (attr_hello_send(client, DELIVER_PROTOCOL, DELIVER_PROTOCOL_VERSION) < 0 ||
        deliver_agent_read_head(client, request, &count) < 0) {
        vstring_sprintf(why, "malformed delivery request");
        return deliver_request_free(request);
    }
    if (deliver_agent_check(request, count, why) < 0 ||
        deliver_agent_read_rcpts(client, request, count) < 0) {
        if (VSTRING_LEN(why) == 0)
            vstring_sprintf(why, "malformed recipient in delivery request");
        msg_warn("delivery request: %s", vstring_str(why));
        return deliver_request_free(request);
    }
    request->received_time = deliver_time_now();
    status = queue_msg_open(request->queue_name, request->queue_id,
                            QUEUE_MSG_FLAG_UPDATE | QUEUE_MSG_FLAG_SHARED, &request->msg, why);
    if (status != QUEUE_MSG_STAT_OK || deliver_agent_match(request, why) < 0) {
        msg_warn("%s", vstring_str(why));
        (void)deliver_agent_reply_end(client, DELIVER_STAT_FAIL, vstring_str(why));
        return deliver_request_free(request);
    }
    return request;
}

/* deliver_rcpt_pending - does a recipient still need an attempt? */

bool deliver_rcpt_pending(const DELIVER_REQUEST *request, size_t index)
{
    if (index >= request->rcpt_count)
        msg_panic("%s: index %zu out of range", __func__, index);
    return request->rcpts[index].outcome == DELIVER_OUTCOME_NONE;
}

/* deliver_agent_dsn - the one status code for the log, the status logs and qmgr */

static void deliver_agent_dsn(char *buf, size_t len, const char *dsn, int outcome)
{
    /*
     * A status code that is not RFC 3463 (from a remote server, say) becomes
     * the generic one, and the class always follows the outcome. This is the
     * code deliver_status_record() logs, and the code qmgr gets: qmgr
     * refuses a malformed one.
     */
    snprintf(buf, len, "%s", dsn && status_log_status_ok(dsn) ? dsn : "0.0.0");
    buf[0] = outcome == DELIVER_OUTCOME_SENT ? '2' : outcome == DELIVER_OUTCOME_BOUNCED ? '5' : '4';
}

/* deliver_agent_outcome - record and report one outcome */

static int deliver_agent_outcome(DELIVER_REQUEST *request, size_t index, int outcome,
                                 const DELIVER_STATUS *status)
{
    DELIVER_STATUS checked = *status;
    char dsn[16];
    DELIVER_TIMES times = {
        .arrival_time = request->arrival_time,
        .active_time = request->active_time,
        .received_time = request->received_time,
    };
    DELIVER_RCPT *rcpt;
    int result;

    if (!deliver_rcpt_pending(request, index))
        msg_panic("%s: %s: second outcome for %s", __func__, request->queue_id,
                  request->rcpts[index].address);
    rcpt = request->rcpts + index;
    deliver_agent_dsn(dsn, sizeof(dsn), status->dsn, outcome);
    checked.dsn = dsn;
    result = deliver_status_record(request->msg, rcpt->msg_index, outcome,
                                   request->flags & DELIVER_FLAG_SOFT_BOUNCE, &checked, &times);
    rcpt->outcome = result;
    rcpt->dsn = mystrdup(dsn);
    if (result == DELIVER_OUTCOME_DEFERRED)
        rcpt->dsn[0] = '4';
    rcpt->reason = mystrdup(status->reason ? status->reason : "");
    rcpt->relay = mystrdup(status->relay ? status->relay : "none");
    return deliver_agent_reply_rcpt(request, rcpt);
}

/* deliver_sent - the recipient was delivered */

int deliver_sent(DELIVER_REQUEST *request, size_t index, const DELIVER_STATUS *status)
{
    return deliver_agent_outcome(request, index, DELIVER_OUTCOME_SENT, status);
}

/* deliver_bounced - the recipient failed for good */

int deliver_bounced(DELIVER_REQUEST *request, size_t index, const DELIVER_STATUS *status)
{
    return deliver_agent_outcome(request, index, DELIVER_OUTCOME_BOUNCED, status);
}

/* deliver_deferred - the recipient failed for now */

int deliver_deferred(DELIVER_REQUEST *request, size_t index, const DELIVER_STATUS *status)
{
    return deliver_agent_outcome(request, index, DELIVER_OUTCOME_DEFERRED, status);
}

/* deliver_outcome - sent, bounced, or else deferred */

int deliver_outcome(DELIVER_REQUEST *request, size_t index, int outcome,
                    const DELIVER_STATUS *status)
{
    if (outcome != DELIVER_OUTCOME_SENT && outcome != DELIVER_OUTCOME_BOUNCED)
        outcome = DELIVER_OUTCOME_DEFERRED;
    return deliver_agent_outcome(request, index, outcome, status);
}

/* deliver_request_finish - end message, release everything */

int deliver_request_finish(DELIVER_REQUEST *request)
{
    int status = deliver_agent_reply_end(request->client, DELIVER_STAT_OK, "");

    deliver_request_free(request);
    return status;
}

/* deliver_request_finish_dead - end message: the next hop is unusable */

int deliver_request_finish_dead(DELIVER_REQUEST *request, const char *reason)
{
    int status = deliver_agent_reply_end(request->client, DELIVER_STAT_DEFER, reason);

    deliver_request_free(request);
    return status;
}
