/*++
 * NAME
 *	mail_flush - ask the queue manager to deliver the deferred mail now
 * SYNOPSIS
 *	#include <mail_flush.h>
 *
 *	int	mail_flush_deferred(const MAIL_FLUSH_PROPS *props, VSTRING *why);
 * DESCRIPTION
 *	mail_flush_deferred() sends MAIL_TRIGGER_SCAN_ALL to the queue
 *	manager's endpoint queue_directory/public/queue_service, as the
 *	caller's props say, waiting at most props->timeout seconds. It
 *	returns 0, or -1 with a reason in why (no queue manager listens:
 *	the mail system is not running).
 * SEE ALSO
 *	qmgr(8), postqueue(1), mail_trigger(3)
 *--*/

/* Utility library. */
#include "vstring.h"

/* Global library. */
#include "mail_flush.h"
#include "mail_trigger.h"

/* mail_flush_deferred - wake the queue manager for a full deferred run */

int mail_flush_deferred(const MAIL_FLUSH_PROPS *props, VSTRING *why)
{
    VSTRING *path = vstring_alloc(100);
    char request = MAIL_TRIGGER_SCAN_ALL;
    int status;

    vstring_sprintf(path, "%s/%s/%s", props->queue_directory, MAIL_CLASS_PUBLIC,
                    props->queue_service);
    status = mail_trigger_path(vstring_str(path), &request, 1, props->timeout, why);
    vstring_free(path);
    return status;
}
