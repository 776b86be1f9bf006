/*++
 * NAME
 *	qmgr_queue - per-destination queues with concurrency limits
 * SYNOPSIS
 *	#include "qmgr.h"
 *
 *	QMGR_QUEUE *qmgr_queue_find(const char *transport,
 *				const char *nexthop);
 *	void	qmgr_queue_add(QMGR_QUEUE *queue, QMGR_ENTRY *entry);
 *	void	qmgr_queue_dispatch(QMGR_QUEUE *queue);
 *	void	qmgr_queue_suspend(QMGR_QUEUE *queue, const char *reason);
 *	void	qmgr_queue_revive_all(void);
 *	void	qmgr_queue_release(QMGR_QUEUE *queue);
 * DESCRIPTION
 *	A queue holds the entries waiting for one destination,
 *	transport:nexthop. qmgr_queue_find() returns the queue, creating it
 *	with the transport's limits: <transport>_destination_concurrency_limit
 *	deliveries at once (default_destination_concurrency_limit; 2 for
 *	local) and <transport>_destination_recipient_limit recipients per
 *	delivery (default_destination_recipient_limit; 1 for local).
 *
 *	qmgr_queue_add() appends an entry and dispatches.
 *	qmgr_queue_dispatch() starts deliveries while the queue has entries
 *	and free slots. qmgr_queue_release() is called when a delivery of
 *	the queue has ended: it frees the slot and dispatches again; an idle
 *	queue with nothing to do is forgotten.
 *
 *	qmgr_queue_suspend() marks the destination dead ("delivery
 *	temporarily suspended: reason") and defers every entry waiting for
 *	it; new recipients for it are deferred at once until
 *	qmgr_queue_revive_all() (each deferred queue run, postqueue -f)
 *	makes every destination usable again.
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Application-specific. */
#include "qmgr.h"

/* qmgr_queue_limit - a per-transport limit, at least 1 */

static int qmgr_queue_limit(CONFIG_PER_TRANSPORT *family, const char *transport)
{
    int value = config_per_transport_int(family, transport);

    return value > 0 ? value : 1;
}

/* qmgr_queue_find - the queue of a destination */

QMGR_QUEUE *qmgr_queue_find(const char *transport, const char *nexthop)
{
    VSTRING *key = vstring_alloc(60);
    QMGR_QUEUE *queue;

    vstring_sprintf(key, "%s:%s", transport, nexthop);
    if ((queue = htable_find(qmgr.queues, vstring_str(key))) == NULL) {
        queue = mycalloc(1, sizeof(*queue));
        queue->name = vstring_export(key);
        key = NULL;
        queue->transport = mystrdup(transport);
        queue->nexthop = mystrdup(nexthop);
        queue->limit = qmgr_queue_limit(qmgr.concurrency_limits, transport);
        queue->rcpt_limit = qmgr_queue_limit(qmgr.recipient_limits, transport);
        htable_enter(qmgr.queues, queue->name, queue);
    }
    if (key)
        vstring_free(key);
    return queue;
}

/* qmgr_queue_forget - drop an idle, empty queue */

static void qmgr_queue_forget(QMGR_QUEUE *queue)
{
    if (queue->busy > 0 || queue->todo_head || queue->dead_reason)
        return;
    htable_delete(qmgr.queues, queue->name, NULL);
    myfree(queue->name);
    myfree(queue->transport);
    myfree(queue->nexthop);
    myfree(queue);
}

/* qmgr_queue_dispatch - start deliveries while slots are free */

void qmgr_queue_dispatch(QMGR_QUEUE *queue)
{
    while (queue->todo_head && queue->busy < queue->limit) {
        QMGR_ENTRY *entry = queue->todo_head;

        queue->todo_head = entry->next;
        if (queue->todo_head == NULL)
            queue->todo_tail = NULL;
        entry->next = NULL;
        queue->busy++;
        qmgr_deliver_start(entry);
    }
}

/* qmgr_queue_add - a new entry for a destination */

void qmgr_queue_add(QMGR_QUEUE *queue, QMGR_ENTRY *entry)
{
    entry->next = NULL;
    if (queue->todo_tail)
        queue->todo_tail->next = entry;
    else
        queue->todo_head = entry;
    queue->todo_tail = entry;
    qmgr_queue_dispatch(queue);
}

/* qmgr_queue_release - a delivery of the queue has ended */

void qmgr_queue_release(QMGR_QUEUE *queue)
{
    queue->busy--;
    qmgr_queue_dispatch(queue);
    qmgr_queue_forget(queue);
}

/* qmgr_queue_suspend - the destination is unusable until the next queue run */

void qmgr_queue_suspend(QMGR_QUEUE *queue, const char *reason)
{
    VSTRING *text = vstring_alloc(100);
    QMGR_ENTRY *entry;

    if (queue->dead_reason == NULL)
        queue->dead_reason = mystrdup(reason);
    vstring_sprintf(text, "delivery temporarily suspended: %s", queue->dead_reason);
    while ((entry = queue->todo_head) != NULL) {
        queue->todo_head = entry->next;
        for (size_t i = 0; i < entry->count; i++)
            qmgr_message_defer_rcpt(entry->message, entry->indexes[i], "4.4.1", vstring_str(text),
                                    NULL);
        qmgr_entry_done(entry);
    }
    queue->todo_tail = NULL;
    vstring_free(text);
}

/* qmgr_queue_revive_all - every destination is worth a try again */

void qmgr_queue_revive_all(void)
{
    HTABLE_INFO **list = htable_list(qmgr.queues);

    for (HTABLE_INFO **ht = list; *ht; ht++) {
        QMGR_QUEUE *queue = (*ht)->value;

        myfree(queue->dead_reason);
        queue->dead_reason = NULL;
        qmgr_queue_forget(queue);
    }
    myfree(list);
}
