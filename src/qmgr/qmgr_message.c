/*++
 * NAME
 *	qmgr_message - messages in the active queue
 * SYNOPSIS
 *	#include "qmgr.h"
 *
 *	int	qmgr_message_load(const char *queue, const char *id);
 *	void	qmgr_message_rcpt_done(QMGR_MESSAGE *message, size_t index,
 *				int outcome, const char *dsn,
 *				const char *reason);
 *	void	qmgr_message_defer_rcpt(QMGR_MESSAGE *message, size_t index,
 *				const char *dsn, const char *reason,
 *				const char *relay);
 *	void	qmgr_entry_done(QMGR_ENTRY *entry);
 *	const char *qmgr_message_address(const QMGR_MESSAGE *message,
 *				size_t index);
 * DESCRIPTION
 *	qmgr_message_load() takes the message queue/id (incoming or
 *	deferred) into active: it opens the file for update with an
 *	exclusive test lock that then becomes a shared one (so that a file
 *	still held by a delivery agent of an earlier queue manager is left
 *	alone until that agent is done), moves it to active, logs "from=<>,
 *	size=, nrcpt= (queue active)", resolves each recipient that is not
 *	done yet and hands the recipients, grouped per destination, to the
 *	destination queues. It returns 0 when the message was taken (or
 *	dealt with: a damaged file goes to the corrupt queue), 1 when it is
 *	busy and should be tried again soon, -1 when the active queue is
 *	full or the file could not be read.
 *
 *	A message with a filter attribute (FILTER action) goes, for every
 *	recipient, to that transport:destination instead of the resolver's
 *	route (an empty destination: the recipient domain). A message with
 *	a redirect attribute (REDIRECT action) goes to that address instead
 *	of each recipient; qmgr_message_address() returns the address that
 *	a recipient is delivered to, and the delivery request carries the
 *	recipient as the original recipient (logged as orig_to=).
 *
 *	qmgr_message_rcpt_done() notes a recipient's outcome as a delivery
 *	agent reported it (the agent has recorded it in the file and logs).
 *	qmgr_message_defer_rcpt() records a deferral that the queue manager
 *	decides itself (defer log, log line) and notes it.
 *
 *	qmgr_entry_done() releases a finished entry; when it was the
 *	message's last, the message is finished: recipients still pending
 *	are returned to the sender when the message has outlived its
 *	lifetime (maximal_queue_lifetime, or bounce_queue_lifetime for a
 *	bounce), otherwise the message is rescheduled with back-off and
 *	moved to deferred, and the fast flush service learns about it
 *	(qmgr_flush(3)). A message without pending recipients has its
 *	notifications sent by the bounce service (non-delivery from the
 *	bounce log, success from the trace log), and is then removed with
 *	its logs. A bounce that cannot be handed over keeps the message in
 *	deferred, so that the notification is not lost.
 * SEE ALSO
 *	qmgr(8), deliver_request(3), bounce_client(3)
 *--*/

/* System library. */
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "bounce_client.h"
#include "deliver_log.h"
#include "mail_queue.h"
#include "qmgr_sched.h"
#include "rec_type.h"
#include "resolve_rcpt.h"

/* Application-specific. */
#include "qmgr.h"

/* qmgr_message_free - forget a message */

static void qmgr_message_free(QMGR_MESSAGE *message)
{
    if (message->prev)
        message->prev->next = message->next;
    else
        qmgr.messages = message->next;
    if (message->next)
        message->next->prev = message->prev;
    qmgr.message_count--;
    for (size_t i = 0; i < message->rcpt_count; i++) {
        myfree(message->rcpts[i].dsn);
        myfree(message->rcpts[i].reason);
    }
    myfree(message->rcpts);
    if (message->msg)
        queue_msg_close(message->msg);
    myfree(message->id);
    myfree(message);
}

/* qmgr_message_pending - recipients not done */

static size_t qmgr_message_pending(const QMGR_MESSAGE *message)
{
    size_t count = 0;

    for (size_t i = 0; i < message->rcpt_count; i++)
        if (message->rcpts[i].outcome == DELIVER_OUTCOME_NONE ||
            message->rcpts[i].outcome == DELIVER_OUTCOME_DEFERRED)
            count++;
    return count;
}

/* qmgr_message_times - the times of a record made by qmgr */

static DELIVER_TIMES qmgr_message_times(const QMGR_MESSAGE *message)
{
    struct timeval arrival = queue_msg_arrival(message->msg);

    return (DELIVER_TIMES){
        .arrival_time = (long long)arrival.tv_sec * 1000000 + arrival.tv_usec,
        .active_time = message->active_time,
    };
}

/* qmgr_message_rcpt_done - note an outcome reported by an agent */

void qmgr_message_rcpt_done(QMGR_MESSAGE *message, size_t index, int outcome, const char *dsn,
                            const char *reason)
{
    QMGR_RCPT_STATE *state = message->rcpts + index;

    state->outcome = outcome;
    if (outcome == DELIVER_OUTCOME_DEFERRED) {
        myfree(state->dsn);
        myfree(state->reason);
        state->dsn = mystrdup(dsn);
        state->reason = mystrdup(reason);
    }
}

/* qmgr_message_defer_rcpt - qmgr defers a recipient itself */

void qmgr_message_defer_rcpt(QMGR_MESSAGE *message, size_t index, const char *dsn,
                             const char *reason, const char *relay)
{
    DELIVER_STATUS status = {.dsn = dsn, .reason = reason, .relay = relay};
    DELIVER_TIMES times = qmgr_message_times(message);

    (void)deliver_status_record(message->msg, index, DELIVER_OUTCOME_DEFERRED, 0, &status, &times);
    qmgr_message_rcpt_done(message, index, DELIVER_OUTCOME_DEFERRED, dsn, reason);
}

/* qmgr_message_expire - return pending recipients of an old message */

static void qmgr_message_expire(QMGR_MESSAGE *message)
{
    DELIVER_TIMES times = qmgr_message_times(message);

    for (size_t i = 0; i < message->rcpt_count; i++) {
        QMGR_RCPT_STATE *state = message->rcpts + i;
        DELIVER_STATUS status = {
            .dsn = state->dsn ? state->dsn : "4.4.7",
            .reason = state->reason ? state->reason : "delivery time expired",
        };

        if (state->outcome == DELIVER_OUTCOME_NONE || state->outcome == DELIVER_OUTCOME_DEFERRED)
            state->outcome = deliver_status_record(message->msg, i, DELIVER_OUTCOME_BOUNCED,
                                                   DELIVER_FLAG_QUIET, &status, &times);
    }
    msg_info("%s: from=<%s>, status=expired, returned to sender", message->id,
             queue_msg_sender(message->msg));
}

/* qmgr_message_defer - reschedule and move to deferred */

static void qmgr_message_defer(QMGR_MESSAGE *message, long long delay)
{
    const QUEUE_SCHED *old = queue_msg_sched(message->msg);
    long long now = deliver_time_now() / 1000000;
    QUEUE_SCHED sched = *old;

    sched.attempts = old->attempts + 1;
    sched.next_attempt =
        delay > 0 ? now + delay
                  : qmgr_sched_next(now, sched.attempts, qmgr.min_backoff, qmgr.max_backoff);
    if (queue_msg_set_sched(message->msg, &sched) < 0 ||
        queue_msg_move(message->msg, MAIL_QUEUE_DEFERRED) < 0)
        msg_warn("%s: left in %s; it is retried when the queue manager restarts", message->id,
                 queue_msg_queue(message->msg));
    else
        qmgr_flush_deferred(message);
}

/* qmgr_log_exists - is there a status log of this kind? */

static bool qmgr_log_exists(const char *log_queue, const char *id)
{
    VSTRING *path = vstring_alloc(40);
    bool exists = access(mail_queue_path(path, log_queue, id), F_OK) == 0;

    vstring_free(path);
    return exists;
}

/* qmgr_message_notify - send the notifications; 0 or -1 */

static int qmgr_message_notify(QMGR_MESSAGE *message)
{
    const char *sender = queue_msg_sender(message->msg);
    VSTRING *why = vstring_alloc(100);
    int status = 0;

    if (qmgr_log_exists(MAIL_QUEUE_BOUNCE, message->id)) {
        if (*sender == 0) {
            msg_info("%s: undeliverable notification discarded (no bounce of a bounce)",
                     message->id);
        } else if (bounce_flush(qmgr.bounce_service, BOUNCE_KIND_FAILURE, message->msg,
                                qmgr.ipc_timeout, why) < 0) {
            msg_warn("%s: cannot send the non-delivery notification: %s", message->id,
                     vstring_str(why));
            status = -1;
        }
    }
    if (status == 0 && *sender && qmgr_log_exists(MAIL_QUEUE_TRACE, message->id) &&
        bounce_flush(qmgr.bounce_service, BOUNCE_KIND_SUCCESS, message->msg, qmgr.ipc_timeout,
                     why) < 0)
        msg_warn("%s: cannot send the delivery notification: %s", message->id, vstring_str(why));
    vstring_free(why);
    return status;
}

/* qmgr_message_remove - the message is finished: logs, then the file */

static void qmgr_message_remove(QMGR_MESSAGE *message)
{
    static const char *const logs[] = {MAIL_QUEUE_BOUNCE, MAIL_QUEUE_DEFER, MAIL_QUEUE_TRACE};

    for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++)
        (void)mail_queue_remove(logs[i], message->id);
    if (mail_queue_remove(queue_msg_queue(message->msg), message->id) < 0)
        msg_warn("%s: remove %s/%s: %m", message->id, queue_msg_queue(message->msg), message->id);
    else
        deliver_log_removed(message->id);
}

/* qmgr_message_finish - all entries are done */

static void qmgr_message_finish(QMGR_MESSAGE *message)
{
    long long now = deliver_time_now() / 1000000;
    int lifetime = *queue_msg_sender(message->msg) ? qmgr.max_lifetime : qmgr.bounce_lifetime;

    if (qmgr_message_pending(message) > 0 &&
        qmgr_sched_expired(queue_msg_arrival(message->msg).tv_sec, now, lifetime))
        qmgr_message_expire(message);
    if (qmgr_message_pending(message) > 0)
        qmgr_message_defer(message, 0);
    else if (qmgr_message_notify(message) < 0)
        qmgr_message_defer(message, qmgr.min_backoff);
    else
        qmgr_message_remove(message);
    qmgr_message_free(message);
}

/* qmgr_entry_done - release a finished entry */

void qmgr_entry_done(QMGR_ENTRY *entry)
{
    QMGR_MESSAGE *message = entry->message;

    myfree(entry->indexes);
    myfree(entry);
    if (--message->entries == 0)
        qmgr_message_finish(message);
}

/* qmgr_message_open - open, lock and move into active */

static int qmgr_message_open(const char *queue, const char *id, QUEUE_MSG **out_msg)
{
    VSTRING *why = vstring_alloc(100);
    int status = queue_msg_open(queue, id,
                                QUEUE_MSG_FLAG_UPDATE | QUEUE_MSG_FLAG_LOCK | QUEUE_MSG_FLAG_SHARED,
                                out_msg, why);
    int result = -1;

    switch (status) {
    case QUEUE_MSG_STAT_OK:
        result = queue_msg_move(*out_msg, MAIL_QUEUE_ACTIVE) < 0 ? -1 : 0;
        if (result < 0)
            *out_msg = queue_msg_close(*out_msg);
        break;
    case QUEUE_MSG_STAT_BUSY:
        result = 1;
        break;
    case QUEUE_MSG_STAT_CORRUPT:
        msg_warn("%s: %s; moved to the %s queue", id, vstring_str(why), MAIL_QUEUE_CORRUPT);
        (void)mail_queue_move(queue, MAIL_QUEUE_CORRUPT, id);
        result = 0;
        break;
    case QUEUE_MSG_STAT_MISSING:
        result = 0;
        break;
    default:
        msg_warn("%s: %s", id, vstring_str(why));
        break;
    }
    vstring_free(why);
    return result;
}

/* qmgr_message_address - where a recipient goes: itself, or the REDIRECT address */

const char *qmgr_message_address(const QMGR_MESSAGE *message, size_t index)
{
    const char *redirect = queue_msg_attr(message->msg, REC_ATTR_REDIRECT);

    return redirect ? redirect : queue_msg_rcpt(message->msg, index)->address;
}

/* qmgr_message_resolve - the route: the FILTER transport, or the resolver's */

static int qmgr_message_resolve(const QMGR_MESSAGE *message, const char *address,
                                VSTRING *transport, VSTRING *nexthop, int *flags, VSTRING *why)
{
    const char *filter = queue_msg_attr(message->msg, REC_ATTR_FILTER);
    const char *at;

    if (filter == NULL)
        return resolve_rcpt(&qmgr.resolve, queue_msg_sender(message->msg), address, transport,
                            nexthop, flags, why);
    *flags = 0;
    if (resolve_split(filter, transport, nexthop) < 0 || VSTRING_LEN(transport) == 0) {
        vstring_sprintf(why, "malformed content filter \"%s\"", filter);
        return RESOLVE_RETRY;
    }
    /* "transport:" without a destination: the recipient domain, as Postfix. */
    if (VSTRING_LEN(nexthop) == 0)
        vstring_strcpy(nexthop,
                       (at = strrchr(address, '@')) != NULL ? at + 1 : qmgr.resolve.myhostname);
    return RESOLVE_OK;
}

/* qmgr_message_route - resolve pending recipients into entries */

static QMGR_ENTRY *qmgr_message_route(QMGR_MESSAGE *message)
{
    VSTRING *transport = vstring_alloc(20), *nexthop = vstring_alloc(40);
    VSTRING *why = vstring_alloc(100), *text = vstring_alloc(100);
    QMGR_ENTRY *list = NULL, *entry;
    int flags;

    for (size_t i = 0; i < message->rcpt_count; i++) {
        const char *address = qmgr_message_address(message, i);
        QMGR_QUEUE *queue;

        if (message->rcpts[i].outcome != DELIVER_OUTCOME_NONE)
            continue;
        if (qmgr_message_resolve(message, address, transport, nexthop, &flags, why) != RESOLVE_OK) {
            qmgr_message_defer_rcpt(message, i, "4.3.0", vstring_str(why), NULL);
            continue;
        }
        queue = qmgr_queue_find(vstring_str(transport), vstring_str(nexthop));
        if (queue->dead_reason) {
            vstring_sprintf(text, "delivery temporarily suspended: %s", queue->dead_reason);
            qmgr_message_defer_rcpt(message, i, "4.4.1", vstring_str(text), NULL);
            continue;
        }
        for (entry = list; entry; entry = entry->next)
            if (entry->queue == queue && (int)entry->count < queue->rcpt_limit)
                break;
        if (entry == NULL) {
            entry = mycalloc(1, sizeof(*entry));
            entry->message = message;
            entry->queue = queue;
            entry->next = list;
            list = entry;
            message->entries++;
        }
        entry->indexes = myrealloc(entry->indexes, (entry->count + 1) * sizeof(size_t));
        entry->indexes[entry->count++] = i;
    }
    vstring_free(transport);
    vstring_free(nexthop);
    vstring_free(why);
    vstring_free(text);
    return list;
}

/* qmgr_message_load - take a message into active */

int qmgr_message_load(const char *queue, const char *id)
{
    QMGR_MESSAGE *message;
    QUEUE_MSG *msg;
    QMGR_ENTRY *list, *next;
    int status;

    if (qmgr.message_count >= qmgr.active_limit)
        return -1;
    if ((status = qmgr_message_open(queue, id, &msg)) != 0 || msg == NULL)
        return status;
    message = mycalloc(1, sizeof(*message));
    message->id = mystrdup(id);
    message->msg = msg;
    message->active_time = deliver_time_now();
    message->rcpt_count = queue_msg_rcpt_count(msg);
    message->rcpts =
        mycalloc(message->rcpt_count ? message->rcpt_count : 1, sizeof(*message->rcpts));
    for (size_t i = 0; i < message->rcpt_count; i++)
        message->rcpts[i].outcome =
            queue_msg_rcpt(msg, i)->done ? DELIVER_OUTCOME_DONE : DELIVER_OUTCOME_NONE;
    message->next = qmgr.messages;
    if (qmgr.messages)
        qmgr.messages->prev = message;
    qmgr.messages = message;
    qmgr.message_count++;
    deliver_log_active(id, queue_msg_sender(msg), queue_msg_content_size(msg),
                       queue_msg_rcpt_count(msg));

    /* Count the entries first: a delivery may finish while we add them. */
    message->entries++;
    list = qmgr_message_route(message);
    for (; list; list = next) {
        next = list->next;
        list->next = NULL;
        qmgr_queue_add(list->queue, list);
    }
    if (--message->entries == 0)
        qmgr_message_finish(message);
    return 0;
}
