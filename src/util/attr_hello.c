/*++
 * NAME
 *	attr_hello - the protocol and version greeting of an attribute server
 * SYNOPSIS
 *	#include <attr.h>
 *
 *	int	attr_hello_send(VSTREAM *stream, const char *protocol,
 *				int version);
 *	int	attr_hello_expect(VSTREAM *stream, const char *protocol,
 *				int version, const ATTR_OPTS *opts);
 * DESCRIPTION
 *	Every attribute server greets a new client with one message that
 *	names its protocol (ATTR_HELLO_PROTOCOL, for example "tlsmgr") and
 *	the protocol's version (ATTR_HELLO_VERSION). A header that defines a
 *	protocol's requests also defines its version, and bumps it whenever
 *	a request or attribute changes in a way an older peer would
 *	misread.
 *
 *	attr_hello_send() sends the greeting and returns 0, or -1 when the
 *	stream failed.
 *
 *	attr_hello_expect() reads the greeting and returns 0 when it names
 *	the expected protocol and version, -1 otherwise (see attr_scan() for
 *	opts).
 * DIAGNOSTICS
 *	Warning: another protocol or version, or a malformed greeting.
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"

/* attr_hello_send - greet a client */

int attr_hello_send(VSTREAM *stream, const char *protocol, int version)
{
    return attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_STR(ATTR_HELLO_PROTOCOL, protocol),
                      SEND_ATTR_INT(ATTR_HELLO_VERSION, version), ATTR_TYPE_END);
}

/* attr_hello_expect - check a server's greeting */

int attr_hello_expect(VSTREAM *stream, const char *protocol, int version, const ATTR_OPTS *opts)
{
    VSTRING *got_protocol = vstring_alloc(32);
    const char *peer = opts && opts->peer ? opts->peer : "server";
    int got_version = 0, status = -1;

    if (attr_scan_opts(stream, ATTR_FLAG_STRICT, opts,
                       RECV_ATTR_STR(ATTR_HELLO_PROTOCOL, got_protocol),
                       RECV_ATTR_INT(ATTR_HELLO_VERSION, &got_version), ATTR_TYPE_END) != 2) {
        msg_warn("%s: no valid %s protocol greeting", peer, protocol);
    } else if (strcmp(vstring_str(got_protocol), protocol) != 0) {
        msg_warn("%s: protocol \"%.100s\" where \"%s\" was expected", peer,
                 vstring_str(got_protocol), protocol);
    } else if (got_version != version) {
        msg_warn("%s: protocol %s version %d where version %d was expected", peer, protocol,
                 got_version, version);
    } else {
        status = 0;
    }
    vstring_free(got_protocol);
    return status;
}
