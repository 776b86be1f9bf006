/*
 * bounce_client.h - ask the bounce service for a delivery status notification
 *
 * When a message is finished, the queue manager asks the bounce service
 * (private/bounce) to send the sender a notification built from the
 * message's status log: the bounce log for a non-delivery notification,
 * the trace log for a success notification (DSN NOTIFY=SUCCESS). The
 * service submits the notification as a new message (through cleanup)
 * and answers only when it is safely queued.
 *
 * On the wire (attribute protocol):
 *
 *	server	greeting: protocol "bounce", version BOUNCE_PROTOCOL_VERSION
 *	client	{kind, queue_name, queue_id}
 *	server	{status, reason, queue_id}	status 0: queued (queue_id of the
 *					notification, "" when nothing was to send)
 */
#ifndef BOUNCE_CLIENT_H
#define BOUNCE_CLIENT_H

#include "queue_msg.h"
#include "vstring.h"

#define BOUNCE_PROTOCOL         "bounce"
#define BOUNCE_PROTOCOL_VERSION 1

#define BOUNCE_ATTR_KIND       "kind"       /* str: BOUNCE_KIND_* */
#define BOUNCE_ATTR_QUEUE_NAME "queue_name" /* str: the queue holding the message */
#define BOUNCE_ATTR_QUEUE_ID   "queue_id"   /* str: the message; in the reply: the notice */
#define BOUNCE_ATTR_STATUS     "status"     /* int: 0 queued, -1 failed */
#define BOUNCE_ATTR_REASON     "reason"     /* str: why it failed, "" otherwise */

#define BOUNCE_KIND_FAILURE "failure" /* non-delivery notification, from the bounce log */
#define BOUNCE_KIND_SUCCESS "success" /* delivery notification, from the trace log */

extern int bounce_flush(const char *service, const char *kind, QUEUE_MSG *msg, int timeout,
                        VSTRING *why);

#endif
