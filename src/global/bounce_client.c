/*++
 * NAME
 *	bounce_client - ask the bounce service for a delivery status notification
 * SYNOPSIS
 *	#include <bounce_client.h>
 *
 *	int	bounce_flush(const char *service, const char *kind,
 *				QUEUE_MSG *msg, int timeout, VSTRING *why);
 * DESCRIPTION
 *	bounce_flush() connects to private/service (relative to the
 *	queue_directory), asks for a notification of kind BOUNCE_KIND_FAILURE
 *	or BOUNCE_KIND_SUCCESS about msg, and waits at most timeout seconds
 *	per step for the answer. It returns 0 when the notification is
 *	durably queued (or there was nothing to notify), -1 with a reason in
 *	why otherwise; the caller then keeps the message and its logs and
 *	tries again later.
 * SEE ALSO
 *	bounce(8)
 *--*/

/* System library. */
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "sockets.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "bounce_client.h"

/* bounce_flush - request a notification and wait until it is queued */

int bounce_flush(const char *service, const char *kind, QUEUE_MSG *msg, int timeout, VSTRING *why)
{
    VSTRING *path = vstring_alloc(40), *reason = vstring_alloc(100), *id = vstring_alloc(30);
    VSTREAM *stream;
    int status = -1, fd;

    vstring_sprintf(path, "private/%s", service);
    if ((fd = unix_connect(vstring_str(path), timeout * 1000, why)) >= 0) {
        stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
        vstream_set_timeout(stream, timeout);
        if (attr_hello_expect(stream, BOUNCE_PROTOCOL, BOUNCE_PROTOCOL_VERSION, NULL) < 0 ||
            attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_STR(BOUNCE_ATTR_KIND, kind),
                       SEND_ATTR_STR(BOUNCE_ATTR_QUEUE_NAME, queue_msg_queue(msg)),
                       SEND_ATTR_STR(BOUNCE_ATTR_QUEUE_ID, queue_msg_id(msg)), ATTR_TYPE_END) < 0 ||
            attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_INT(BOUNCE_ATTR_STATUS, &status),
                      RECV_ATTR_STR(BOUNCE_ATTR_REASON, reason),
                      RECV_ATTR_STR(BOUNCE_ATTR_QUEUE_ID, id), ATTR_TYPE_END) != 3) {
            vstring_sprintf(why, "lost connection with the %s service", service);
            status = -1;
        } else if (status != 0) {
            vstring_strcpy(why, vstring_str(reason));
            status = -1;
        }
        vstream_close(stream);
    }
    vstring_free(path);
    vstring_free(reason);
    vstring_free(id);
    return status;
}
