/*++
 * NAME
 *	bounce - the delivery status notification service
 * SYNOPSIS
 *	bounce [generic daemon options]
 * DESCRIPTION
 *	bounce answers the queue manager's requests (bounce_client(3)):
 *	for a finished message it builds a delivery status notification
 *	(dsn_build(3): RFC 3464 multipart/report with the reason and the
 *	remote server's reply for each recipient, then the message or its
 *	headers) from the message's bounce log (non-delivery) or trace log
 *	(DSN NOTIFY=SUCCESS), and submits it through cleanup as a new
 *	message from the null sender (MAILER-DAEMON) to the original
 *	sender. It answers only when cleanup has queued the notification
 *	durably, so a failure leaves the original message and its logs in
 *	place for another try.
 *
 *	A message from the null sender (itself a notification) gets no
 *	notification: there is never a bounce of a bounce.
 *
 *	The notification about a message that was sent with REQUIRETLS
 *	(RFC 8689) is itself queued with REQUIRETLS, so that the smtp
 *	client sends it only as it would have sent the message, and it
 *	returns the message headers only (dsn_build(3)).
 * CONFIGURATION PARAMETERS
 *	bounce_size_limit, myhostname, ipc_timeout.
 * SEE ALSO
 *	bounce(8), qmgr(8), cleanup(8), dsn_build(3)
 *--*/

/* System library. */
#include <stdbool.h>
#include <string.h>
#include <time.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "bounce_client.h"
#include "cleanup_client.h"
#include "config.h"
#include "dsn_build.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "mail_server.h"
#include "rec_type.h"

/* The parameters bounce reads, bound by main(). */
static struct BOUNCE_CONFIG {
    long bounce_size_limit; /* bounce_size_limit */
    int ipc_timeout;        /* ipc_timeout, seconds */
    const char *myhostname; /* myhostname, for the notification */
} bounce_config;

/* bounce_line - one notification line into cleanup */

static int bounce_line(const char *line, size_t len, void *context)
{
    return cleanup_content_line(context, line, len, 0) < 0 ? -1 : 0;
}

/* bounce_requiretls - was the message sent with REQUIRETLS? */

static bool bounce_requiretls(QUEUE_MSG *msg)
{
    const char *value = queue_msg_attr(msg, REC_ATTR_REQUIRETLS);

    return value != NULL && strcmp(value, "yes") == 0;
}

/* bounce_submit - build the notification and queue it */

static int bounce_submit(MAIL_SERVER *server, QUEUE_MSG *msg, int kind, VSTRING *id, VSTRING *why)
{
    CLEANUP_CLIENT *cleanup;
    int count;

    if ((cleanup = cleanup_open(CLEANUP_ENDPOINT_DEFAULT, CLEANUP_FLAG_ADD_HEADERS,
                                bounce_config.ipc_timeout, why)) == NULL)
        return -1;
    /* A notification about a REQUIRETLS message travels under the same demand (RFC 8689). */
    if ((bounce_requiretls(msg) && cleanup_attr(cleanup, REC_ATTR_REQUIRETLS, "yes") < 0) ||
        cleanup_sender(cleanup, "", NULL, CLEANUP_DSN_RET_NONE) < 0 ||
        cleanup_rcpt(cleanup, queue_msg_sender(msg), NULL, NULL, REC_NOTIFY_NEVER) < 0) {
        vstring_sprintf(why, "lost connection with the cleanup service");
        cleanup_abort(cleanup);
        cleanup_close(cleanup);
        return -1;
    }
    count = dsn_build(msg,
                      &(DSN_BUILD_PROPS){
                          .kind = kind,
                          .myhostname = bounce_config.myhostname,
                          .size_limit = bounce_config.bounce_size_limit,
                          .now = time(NULL),
                          .line = bounce_line,
                          .context = cleanup,
                      },
                      why);
    if (count <= 0) {
        cleanup_abort(cleanup);
        cleanup_close(cleanup);
        return count;
    }
    if (cleanup_finish(cleanup, why) != CLEANUP_STAT_OK) {
        cleanup_close(cleanup);
        return -1;
    }
    vstring_strcpy(id, cleanup_queue_id(cleanup));
    cleanup_close(cleanup);
    msg_info("%s: sender %s notification: %s", queue_msg_id(msg),
             kind == DSN_BUILD_FAILURE ? "non-delivery" : "delivery status", vstring_str(id));
    return count;
}

/* bounce_request - check a request and do it */

static int bounce_request(MAIL_SERVER *server, const char *kind_name, const char *queue,
                          const char *id, VSTRING *notice_id, VSTRING *why)
{
    QUEUE_MSG *msg;
    int kind, status;

    if (strcmp(kind_name, BOUNCE_KIND_FAILURE) == 0)
        kind = DSN_BUILD_FAILURE;
    else if (strcmp(kind_name, BOUNCE_KIND_SUCCESS) == 0)
        kind = DSN_BUILD_SUCCESS;
    else
        return (vstring_sprintf(why, "unknown notification kind \"%.30s\"", kind_name), -1);
    if (!mail_queue_name_ok(queue) || !mail_queue_id_ok(id))
        return (vstring_sprintf(why, "bad queue name or queue ID"), -1);
    if (queue_msg_open(queue, id, 0, &msg, why) != QUEUE_MSG_STAT_OK)
        return -1;
    if (*queue_msg_sender(msg) == 0) {
        msg_info("%s: no notification for the null sender", id);
        status = 0;
    } else {
        status = bounce_submit(server, msg, kind, notice_id, why) < 0 ? -1 : 0;
    }
    queue_msg_close(msg);
    return status;
}

/* bounce_service - one client connection, one request */

static void bounce_service(MAIL_SERVER *server, VSTREAM *client)
{
    VSTRING *kind = vstring_alloc(20), *queue = vstring_alloc(20), *id = vstring_alloc(30);
    VSTRING *why = vstring_alloc(100), *notice_id = vstring_alloc(30);
    int status;

    if (attr_hello_send(client, BOUNCE_PROTOCOL, BOUNCE_PROTOCOL_VERSION) == 0 &&
        attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(BOUNCE_ATTR_KIND, kind),
                  RECV_ATTR_STR(BOUNCE_ATTR_QUEUE_NAME, queue),
                  RECV_ATTR_STR(BOUNCE_ATTR_QUEUE_ID, id), ATTR_TYPE_END) == 3) {
        status = bounce_request(server, vstring_str(kind), vstring_str(queue), vstring_str(id),
                                notice_id, why);
        if (status < 0)
            msg_warn("%s: notification not sent: %s", vstring_str(id), vstring_str(why));
        (void)attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(BOUNCE_ATTR_STATUS, status),
                         SEND_ATTR_STR(BOUNCE_ATTR_REASON, status < 0 ? vstring_str(why) : ""),
                         SEND_ATTR_STR(BOUNCE_ATTR_QUEUE_ID, vstring_str(notice_id)),
                         ATTR_TYPE_END);
    }
    vstring_free(kind);
    vstring_free(queue);
    vstring_free(id);
    vstring_free(why);
    vstring_free(notice_id);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_SIZE(VAR_BOUNCE_SIZE_LIMIT, &bounce_config.bounce_size_limit),
        CONFIG_BIND_TIME(VAR_IPC_TIMEOUT, &bounce_config.ipc_timeout),
        CONFIG_BIND_STR(VAR_MYHOSTNAME, &bounce_config.myhostname),
        CONFIG_BIND_END,
    };

    single_server_main(argc, argv, bounce_service, &(MAIL_SERVER_PROPS){.parameters = parameters});
}
