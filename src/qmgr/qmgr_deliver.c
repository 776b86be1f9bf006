/*++
 * NAME
 *	qmgr_deliver - hand an entry to a delivery agent and follow it
 * SYNOPSIS
 *	#include "qmgr.h"
 *
 *	void	qmgr_deliver_start(QMGR_ENTRY *entry);
 * DESCRIPTION
 *	qmgr_deliver_start() connects to private/<transport>, sends the
 *	delivery request for the entry's recipients (deliver_request(3))
 *	and then follows the agent's replies from the event loop: each
 *	recipient result is noted in the message, and at the end message
 *	the entry is finished. Recipients without a result are deferred by
 *	the queue manager, unless the queue file shows them done (the agent
 *	recorded an outcome and then broke the connection before it could
 *	report it: the outcome is in the logs already, and a deferral would
 *	contradict it): "mail transport unavailable" when the agent
 *	cannot be reached, "unknown mail transport error" when it broke the
 *	connection (it crashed or was killed), or the agent's own reason.
 *	An agent that reports the next hop unusable makes the queue
 *	manager suspend that destination (qmgr_queue_suspend()), as does an
 *	agent that cannot be reached. A delivery that takes longer than
 *	qmgr_daemon_timeout is given up the same way.
 * SEE ALSO
 *	deliver_request(3), qmgr_queue(3)
 *--*/

/* System library. */
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "vstring.h"

/* Global library. */
#include "rec_type.h"

/* Application-specific. */
#include "qmgr.h"

/* One delivery in progress. */
typedef struct QMGR_DELIVERY {
    QMGR_ENTRY *entry;        /* not owned until the end */
    DELIVER_REQUEST *request; /* owned */
    VSTREAM *stream;          /* the agent connection, owned */
    bool greeted;             /* the agent's greeting was read */
} QMGR_DELIVERY;

#define QMGR_DELIVER_ERROR (-1) /* end status: the connection broke */

static void qmgr_deliver_event(EVENT_LOOP *loop, int fd, int events, void *context);
static void qmgr_deliver_timeout(EVENT_LOOP *loop, void *context);

/* qmgr_deliver_request - the request for an entry */

static DELIVER_REQUEST *qmgr_deliver_request(const QMGR_ENTRY *entry)
{
    DELIVER_REQUEST *request = deliver_request_alloc();
    QUEUE_MSG *msg = entry->message->msg;
    struct timeval arrival = queue_msg_arrival(msg);
    const char *envid = queue_msg_attr(msg, REC_ATTR_DSN_ENVID);
    const char *ret = queue_msg_attr(msg, REC_ATTR_DSN_RET);

#define REPLACE(member, value) (myfree(request->member), request->member = mystrdup(value))
    REPLACE(queue_name, queue_msg_queue(msg));
    REPLACE(queue_id, entry->message->id);
    REPLACE(transport, entry->queue->transport);
    REPLACE(nexthop, entry->queue->nexthop);
    REPLACE(sender, queue_msg_sender(msg));
    REPLACE(dsn_envid, envid ? envid : "");
#undef REPLACE
    request->flags = qmgr.soft_bounce ? DELIVER_FLAG_SOFT_BOUNCE : 0;
    request->dsn_ret = ret == NULL                    ? DELIVER_DSN_RET_NONE
                       : strcasecmp(ret, "FULL") == 0 ? DELIVER_DSN_RET_FULL
                       : strcasecmp(ret, "HDRS") == 0 ? DELIVER_DSN_RET_HDRS
                                                      : DELIVER_DSN_RET_NONE;
    request->arrival_time = (long long)arrival.tv_sec * 1000000 + arrival.tv_usec;
    request->active_time = entry->message->active_time;
    request->request_time = deliver_time_now();
    for (size_t i = 0; i < entry->count; i++) {
        const QUEUE_MSG_RCPT *rcpt = queue_msg_rcpt(msg, entry->indexes[i]);

        const char *address = qmgr_message_address(entry->message, entry->indexes[i]);
        const char *orig = address == rcpt->address ? rcpt->orig_rcpt
                           : rcpt->orig_rcpt        ? rcpt->orig_rcpt
                                                    : rcpt->address;

        deliver_request_add_rcpt(request, address, orig, rcpt->dsn_orcpt, rcpt->dsn_notify,
                                 rcpt->offset);
    }
    return request;
}

/* qmgr_deliver_end - note the results, defer the rest, release everything */

static void qmgr_deliver_end(QMGR_DELIVERY *delivery, int end_status, const char *reason)
{
    QMGR_ENTRY *entry = delivery->entry;
    QMGR_QUEUE *queue = entry->queue;
    const char *text = end_status == QMGR_DELIVER_ERROR ? "unknown mail transport error"
                       : reason && *reason              ? reason
                                                        : "delivery agent gave no result";

    if (delivery->stream) {
        event_disable_readwrite(qmgr.loop, vstream_fileno(delivery->stream));
        vstream_close(delivery->stream);
    }
    event_timer_cancel(qmgr.loop, qmgr_deliver_timeout, delivery);
    if (end_status == QMGR_DELIVER_ERROR && reason && *reason)
        msg_warn("%s: transport %s: %s", entry->message->id, queue->transport, reason);
    for (size_t i = 0; i < entry->count; i++) {
        const DELIVER_RCPT *rcpt = delivery->request ? delivery->request->rcpts + i : NULL;

        if (rcpt && rcpt->outcome != DELIVER_OUTCOME_NONE)
            qmgr_message_rcpt_done(entry->message, entry->indexes[i], rcpt->outcome, rcpt->dsn,
                                   rcpt->reason);
        else if (queue_msg_rcpt_reread(entry->message->msg, entry->indexes[i]) == 1)
            qmgr_message_rcpt_done(entry->message, entry->indexes[i], DELIVER_OUTCOME_DONE, NULL,
                                   NULL);
        else
            qmgr_message_defer_rcpt(entry->message, entry->indexes[i], "4.3.0", text, NULL);
    }
    if (delivery->request)
        deliver_request_free(delivery->request);
    myfree(delivery);
    if (end_status == DELIVER_STAT_DEFER)
        qmgr_queue_suspend(queue, text);
    qmgr_entry_done(entry);
    qmgr_queue_release(queue);
}

/* qmgr_deliver_event - the agent has something to say */

static void qmgr_deliver_event(EVENT_LOOP *unused_loop, int unused_fd, int unused_events,
                               void *context)
{
    QMGR_DELIVERY *delivery = context;
    VSTRING *why = vstring_alloc(100);
    int end_status = DELIVER_STAT_OK;
    int status;

    do {
        if (!delivery->greeted) {
            if (attr_hello_expect(delivery->stream, DELIVER_PROTOCOL, DELIVER_PROTOCOL_VERSION,
                                  NULL) < 0) {
                status = DELIVER_READ_ERROR;
                break;
            }
            delivery->greeted = true;
            status = DELIVER_READ_RCPT;
            continue;
        }
        status = deliver_result_read(delivery->stream, delivery->request, &end_status, why);
    } while (status == DELIVER_READ_RCPT && vstream_peek(delivery->stream) > 0);
    if (status == DELIVER_READ_END)
        qmgr_deliver_end(delivery, end_status, vstring_str(why));
    else if (status == DELIVER_READ_ERROR)
        qmgr_deliver_end(delivery, QMGR_DELIVER_ERROR, vstring_str(why));
    vstring_free(why);
}

/* qmgr_deliver_timeout - the agent took too long */

static void qmgr_deliver_timeout(EVENT_LOOP *unused_loop, void *context)
{
    qmgr_deliver_end(context, QMGR_DELIVER_ERROR, "timeout waiting for the delivery agent");
}

/* qmgr_deliver_unavailable - the agent cannot be reached */

static void qmgr_deliver_unavailable(QMGR_DELIVERY *delivery, const char *why)
{
    msg_warn("connect to transport %s: %s", delivery->entry->queue->transport, why);
    qmgr_deliver_end(delivery, DELIVER_STAT_DEFER, "mail transport unavailable");
}

/* qmgr_deliver_start - connect, send the request, follow the replies */

void qmgr_deliver_start(QMGR_ENTRY *entry)
{
    QMGR_DELIVERY *delivery = mycalloc(1, sizeof(*delivery));
    VSTRING *path = vstring_alloc(60), *why = vstring_alloc(100);
    int fd;

    delivery->entry = entry;
    vstring_sprintf(path, "%s/%s", DELIVER_CLASS, entry->queue->transport);
    if ((fd = unix_connect(vstring_str(path), qmgr.ipc_timeout * 1000, why)) < 0) {
        qmgr_deliver_unavailable(delivery, vstring_str(why));
    } else {
        delivery->stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
        vstream_set_timeout(delivery->stream, qmgr.ipc_timeout);
        delivery->request = qmgr_deliver_request(entry);
        if (deliver_request_send(delivery->stream, delivery->request) < 0) {
            qmgr_deliver_unavailable(delivery, "cannot send the delivery request");
        } else {
            event_enable_read(qmgr.loop, fd, qmgr_deliver_event, delivery);
            event_timer_add(qmgr.loop, qmgr.daemon_timeout * 1000, qmgr_deliver_timeout, delivery);
        }
    }
    vstring_free(path);
    vstring_free(why);
}
