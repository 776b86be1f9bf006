/*++
 * NAME
 *	error - the error and retry delivery agent
 * SYNOPSIS
 *	error [generic daemon options]
 * DESCRIPTION
 *	error takes delivery requests from the queue manager
 *	(deliver_request(3)) and fails every recipient without trying to
 *	deliver: it bounces them, or defers them when it runs as the
 *	service "retry". The next hop is the reason: "error:5.1.1 no such
 *	user" in transport_maps bounces with status 5.1.1 and that text; a
 *	next hop without a status code gets 5.0.0 (4.0.0 for retry), and an
 *	empty one the reason "delivery refused".
 * SEE ALSO
 *	error(8), qmgr(8), transport(5)
 *--*/

/* System library. */
#include <ctype.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "deliver_request.h"
#include "mail_server.h"
#include "status_log.h"

#define ERROR_RETRY_SERVICE "retry" /* this service name defers instead of bouncing */

/* error_split - "X.Y.Z text" into a status code and the text */

static const char *error_split(const char *nexthop, char *dsn, size_t size)
{
    size_t len = strcspn(nexthop, " \t");

    if (len > 0 && len < size) {
        memcpy(dsn, nexthop, len);
        dsn[len] = 0;
        if (status_log_status_ok(dsn)) {
            nexthop += len;
            while (isspace((unsigned char)*nexthop))
                nexthop++;
            return nexthop;
        }
    }
    dsn[0] = 0;
    return nexthop;
}

/* error_service - one delivery request */

static void error_service(MAIL_SERVER *server, VSTREAM *client)
{
    VSTRING *why = vstring_alloc(100);
    DELIVER_REQUEST *request = deliver_request_receive(client, why);
    bool retry = strcmp(server->service, ERROR_RETRY_SERVICE) == 0;
    char dsn[16];

    if (request != NULL) {
        const char *text = error_split(request->nexthop, dsn, sizeof(dsn));
        DELIVER_STATUS status = {
            .dsn = *dsn    ? dsn
                   : retry ? "4.0.0"
                           : "5.0.0",
            .reason = *text ? text : "delivery refused",
            .relay = "none",
        };

        for (size_t i = 0; i < request->rcpt_count; i++) {
            if (!deliver_rcpt_pending(request, i))
                continue;
            if (retry)
                deliver_deferred(request, i, &status);
            else
                deliver_bounced(request, i, &status);
        }
        deliver_request_finish(request);
    }
    vstring_free(why);
}

int main(int argc, char **argv)
{
    single_server_main(argc, argv, error_service, &(MAIL_SERVER_PROPS){.flags = 0});
}
