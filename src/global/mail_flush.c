/*++
 * NAME
 *	mail_flush - deliver deferred mail now: all of it, or one site's
 * SYNOPSIS
 *	#include <mail_flush.h>
 *
 *	int	mail_flush_deferred(const MAIL_FLUSH_PROPS *props, VSTRING *why);
 *	int	mail_flush_add(const MAIL_FLUSH_PROPS *props, const char *site,
 *				const char *queue_id);
 *	int	mail_flush_site(const MAIL_FLUSH_PROPS *props, const char *site);
 *	int	mail_flush_file(const MAIL_FLUSH_PROPS *props,
 *				const char *queue_id);
 * DESCRIPTION
 *	mail_flush_deferred() sends MAIL_TRIGGER_SCAN_ALL and
 *	MAIL_TRIGGER_SCAN_INCOMING to the queue manager's endpoint
 *	queue_directory/public/queue_service, waiting at most
 *	props->timeout seconds. It returns 0, or -1 with a reason in why (no
 *	queue manager listens: the mail system is not running).
 *
 *	The others ask the fast flush service at
 *	queue_directory/public/flush_service, each step bounded by
 *	props->timeout. mail_flush_add() tells it that the message queue_id
 *	was deferred with mail for site (a recipient domain);
 *	mail_flush_site() asks for the delivery of the deferred mail that it
 *	logged for site (ETRN, postqueue -s); mail_flush_file() for the
 *	delivery of one deferred message (postqueue -i). Each returns a
 *	MAIL_FLUSH_STAT_* value: OK, DENY (site is not in
 *	fast_flush_domains), BAD (malformed site or queue ID), or FAIL when
 *	the service could not be reached or did not answer.
 * SEE ALSO
 *	flush(8), qmgr(8), postqueue(1), mail_trigger(3)
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "sockets.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "mail_flush.h"
#include "mail_trigger.h"

/* mail_flush_deferred - wake the queue manager for a full queue run */

int mail_flush_deferred(const MAIL_FLUSH_PROPS *props, VSTRING *why)
{
    VSTRING *path = vstring_alloc(100);
    static const char request[] = {MAIL_TRIGGER_SCAN_ALL, MAIL_TRIGGER_SCAN_INCOMING};
    int status;

    vstring_sprintf(path, "%s/%s/%s", props->queue_directory, MAIL_CLASS_PUBLIC,
                    props->queue_service);
    status = mail_trigger_path(vstring_str(path), request, sizeof(request), props->timeout, why);
    vstring_free(path);
    return status;
}

/* mail_flush_request - one request to the fast flush service */

static int mail_flush_request(const MAIL_FLUSH_PROPS *props, const char *request, const char *site,
                              const char *queue_id)
{
    VSTRING *path = vstring_alloc(100), *why = vstring_alloc(100);
    int status = MAIL_FLUSH_STAT_FAIL, fd;
    VSTREAM *stream;

    vstring_sprintf(path, "%s/%s/%s", props->queue_directory, MAIL_CLASS_PUBLIC,
                    props->flush_service);
    if ((fd = unix_connect(vstring_str(path), props->timeout * 1000, why)) < 0) {
        if (msg_verbose)
            msg_info("%s: %s", __func__, vstring_str(why));
    } else {
        stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
        vstream_set_io(stream, NULL, sock_write_nosignal, NULL);
        vstream_set_timeout(stream, props->timeout);
        if (attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_STR(MAIL_FLUSH_ATTR_REQUEST, request),
                       SEND_ATTR_STR(MAIL_FLUSH_ATTR_SITE, site),
                       SEND_ATTR_STR(MAIL_FLUSH_ATTR_QUEUE_ID, queue_id), ATTR_TYPE_END) < 0 ||
            attr_hello_expect(stream, MAIL_FLUSH_PROTOCOL, MAIL_FLUSH_PROTOCOL_VERSION, NULL) < 0 ||
            attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_INT(MAIL_FLUSH_ATTR_STATUS, &status),
                      ATTR_TYPE_END) != 1 ||
            status < MAIL_FLUSH_STAT_OK || status > MAIL_FLUSH_STAT_DENY)
            status = MAIL_FLUSH_STAT_FAIL;
        vstream_close(stream);
    }
    vstring_free(path);
    vstring_free(why);
    return status;
}

/* mail_flush_add - log a deferred message for a site */

int mail_flush_add(const MAIL_FLUSH_PROPS *props, const char *site, const char *queue_id)
{
    return mail_flush_request(props, MAIL_FLUSH_REQ_ADD, site, queue_id);
}

/* mail_flush_site - deliver a site's deferred mail now */

int mail_flush_site(const MAIL_FLUSH_PROPS *props, const char *site)
{
    return mail_flush_request(props, MAIL_FLUSH_REQ_SEND_SITE, site, "");
}

/* mail_flush_file - deliver one deferred message now */

int mail_flush_file(const MAIL_FLUSH_PROPS *props, const char *queue_id)
{
    return mail_flush_request(props, MAIL_FLUSH_REQ_SEND_FILE, "", queue_id);
}
