/*++
 * NAME
 *	crash_agent - a delivery agent that dies between recording and reporting
 * SYNOPSIS
 *	crash_agent (started by master as a unix service)
 * DESCRIPTION
 *	crash_agent receives a delivery request as any agent does, marks
 *	every pending recipient done in the queue file, and then aborts
 *	before it reports anything to the queue manager: the moment after a
 *	real agent has recorded a delivery and before its report reaches
 *	qmgr, made to last. The queue manager must then read the marks from
 *	the file instead of deferring recipients that are done.
 * DIAGNOSTICS
 *	Logs "crash_agent: marked N recipients done" before it aborts.
 *--*/

#include <stdlib.h>

#include "deliver_request.h"
#include "mail_server.h"
#include "msg.h"
#include "queue_msg.h"
#include "vstring.h"

/* crash_agent_service - mark done, then die */

static void crash_agent_service(MAIL_SERVER *unused_server, VSTREAM *client)
{
    VSTRING *why = vstring_alloc(100);
    DELIVER_REQUEST *request = deliver_request_receive(client, why);
    size_t marked = 0;

    if (request == NULL)
        msg_fatal("bad request: %s", vstring_str(why));
    for (size_t i = 0; i < request->rcpt_count; i++) {
        if (!deliver_rcpt_pending(request, i))
            continue;
        if (queue_msg_mark_done(request->msg, &request->rcpts[i].msg_index, 1) < 0)
            msg_fatal("cannot mark %s done", request->rcpts[i].address);
        marked++;
    }
    msg_info("crash_agent: marked %zu recipients done", marked);
    abort();
}

int main(int argc, char **argv)
{
    single_server_main(argc, argv, crash_agent_service, &(MAIL_SERVER_PROPS){.flags = 0});
}
