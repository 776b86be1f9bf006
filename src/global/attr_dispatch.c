/*++
 * NAME
 *	attr_dispatch - serve one request of an attribute-protocol client
 * SYNOPSIS
 *	#include <attr_dispatch.h>
 *
 *	int	attr_dispatch_ready(VSTREAM *client);
 *	int	attr_dispatch(VSTREAM *client, const char *request_attr,
 *				const ATTR_DISPATCH *table);
 * DESCRIPTION
 *	attr_dispatch_ready() tells whether an attribute message is what
 *	client sends next. It returns 0 when one follows, and -1 at the end
 *	of input or when the next byte cannot start one: master's wake-up
 *	("W") and other non-protocol input. It consumes nothing when it
 *	returns 0.
 *
 *	attr_dispatch() serves one request: it checks with
 *	attr_dispatch_ready(), reads the attribute request_attr (a string)
 *	that names the request, looks the name up in table (an array that
 *	ends with a null name), calls its handler, which reads the rest of
 *	the request and sends the reply, and flushes the reply. It returns
 *	0, or -1 when the client must be dropped: the end of its input, a
 *	wake-up or other non-protocol input, a malformed or unknown request,
 *	a handler that returns -1, or a reply that cannot be sent.
 * DIAGNOSTICS
 *	Warning: an unknown request. With msg_verbose, each request and
 *	each wake-up is logged.
 * SEE ALSO
 *	attr_scan(3), mail_server(3), mail_trigger(3) the wake-up
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "attr_dispatch.h"

/* attr_dispatch_ready - does an attribute message follow? */

int attr_dispatch_ready(VSTREAM *client)
{
    int ch;

    if ((ch = vstream_getc(client)) == VSTREAM_EOF)
        return -1;
    if (ch < ATTR_TYPE_INT || ch > ATTR_TYPE_DATA) {
        if (msg_verbose)
            msg_info("%s: wake-up or non-protocol input: closing", __func__);
        return -1;
    }
    vstream_ungetc(client, ch);
    return 0;
}

/* attr_dispatch - read one request and serve it; -1: drop the client */

int attr_dispatch(VSTREAM *client, const char *request_attr, const ATTR_DISPATCH *table)
{
    VSTRING *request;
    const ATTR_DISPATCH *rp;
    int status = -1;

    if (attr_dispatch_ready(client) < 0)
        return -1;
    request = vstring_alloc(10);
    if (attr_scan(client, ATTR_FLAG_STRICT | ATTR_FLAG_MORE, RECV_ATTR_STR(request_attr, request),
                  ATTR_TYPE_END) == 1) {
        for (rp = table; rp->name; rp++)
            if (strcmp(rp->name, vstring_str(request)) == 0)
                break;
        if (rp->name == NULL) {
            msg_warn("unknown request \"%.100s\"", vstring_str(request));
        } else {
            if (msg_verbose)
                msg_info("%s: request %s", __func__, rp->name);
            status = rp->handler(client) < 0 || vstream_fflush(client) != 0 ? -1 : 0;
        }
    }
    vstring_free(request);
    return status;
}
