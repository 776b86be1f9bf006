/*++
 * NAME
 *	discard - the discard delivery agent
 * SYNOPSIS
 *	discard [generic daemon options]
 * DESCRIPTION
 *	discard takes delivery requests from the queue manager
 *	(deliver_request(3)) and reports every recipient delivered without
 *	doing anything with the message. The log line shows the next hop
 *	text as the reason ("discard:spam" in transport_maps logs
 *	"status=sent (spam)"), or "discarded" when there is none.
 * SEE ALSO
 *	discard(8), qmgr(8), transport(5)
 *--*/

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "deliver_request.h"
#include "mail_server.h"

/* discard_service - one delivery request */

static void discard_service(MAIL_SERVER *unused_server, VSTREAM *client)
{
    VSTRING *why = vstring_alloc(100);
    DELIVER_REQUEST *request = deliver_request_receive(client, why);

    if (request != NULL) {
        DELIVER_STATUS status = {
            .dsn = "2.0.0",
            .reason = *request->nexthop ? request->nexthop : "discarded",
            .relay = "none",
        };

        for (size_t i = 0; i < request->rcpt_count; i++)
            if (deliver_rcpt_pending(request, i))
                deliver_sent(request, i, &status);
        deliver_request_finish(request);
    }
    vstring_free(why);
}

int main(int argc, char **argv)
{
    single_server_main(argc, argv, discard_service, &(MAIL_SERVER_PROPS){.flags = 0});
}
