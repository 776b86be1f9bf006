/*++
 * NAME
 *	attr_clnt - a reusable client of an attribute server
 * SYNOPSIS
 *	#include <attr.h>
 *
 *	ATTR_CLNT *attr_clnt_create(const char *endpoint, int timeout,
 *				int max_idle, int max_ttl);
 *	void	attr_clnt_set_protocol(ATTR_CLNT *clnt, const char *protocol,
 *				int version);
 *	void	attr_clnt_set_opts(ATTR_CLNT *clnt, const ATTR_OPTS *opts);
 *	int	attr_clnt_request(ATTR_CLNT *clnt, int send_flags,
 *				send arguments..., ATTR_TYPE_END,
 *				int recv_flags, receive arguments...,
 *				ATTR_TYPE_END);
 *	int	attr_clnt_request_va(ATTR_CLNT *clnt, int send_flags,
 *				va_list ap);
 *	void	attr_clnt_disconnect(ATTR_CLNT *clnt);
 *	ATTR_CLNT *attr_clnt_free(ATTR_CLNT *clnt);
 * DESCRIPTION
 *	attr_clnt_create() describes a server; it does not connect yet.
 *	endpoint is a UNIX-domain socket path ("private/tlsmgr", relative
 *	to the current directory, which for a daemon is the queue
 *	directory), "unix:path", "local:path", or "inet:host:port". timeout
 *	(seconds) bounds the connect and each message sent or received.
 *	A connection idle for max_idle seconds, or older than max_ttl
 *	seconds, is replaced before the next request (0: no limit).
 *
 *	attr_clnt_set_protocol() makes the client check the server's
 *	greeting (attr_hello_expect()) on every new connection.
 *	attr_clnt_set_opts() sets the receive limits (see attr_scan()); the
 *	peer name in warnings is always the endpoint.
 *
 *	attr_clnt_request() connects when needed, sends one message made of
 *	the send arguments (as attr_print() with send_flags), and reads one
 *	reply into the receive arguments (as attr_scan() with recv_flags).
 *	It returns what attr_scan() returns, or -1 when the server cannot be
 *	reached or the exchange fails. When a connection that served earlier
 *	requests turns out to be closed or broken, the request is sent once
 *	more on a new connection; a server that may see a request twice in
 *	that case must treat requests as idempotent. A failure is never
 *	fatal: a client of an optional server (tlsmgr) loses only what the
 *	server would have given it. After -1 the connection is closed.
 *	attr_clnt_request_va() does the same with the arguments in ap (the
 *	caller's va_start() and va_end() bracket it), for a function of
 *	the caller's own that takes them as "...".
 *
 *	attr_clnt_disconnect() closes the connection, if any; the next
 *	request opens a new one. A child process that inherited a client
 *	through fork() should disconnect before its first request.
 *	attr_clnt_free() disconnects, frees the client and returns NULL.
 * DIAGNOSTICS
 *	Warning: the server cannot be reached ("connect to private/tlsmgr:
 *	No such file or directory", as the connect functions of sockets(3)
 *	word it), greets with another protocol or version, breaks the
 *	connection, or sends a malformed reply.
 * SEE ALSO
 *	attr_print(3), attr_scan(3), attr_hello(3), sockets(3)
 *--*/

/* System library. */
#include <errno.h>
#include <poll.h>
#include <string.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "timed_io.h"

struct ATTR_CLNT {
    char *endpoint;       /* as given, for warnings, owned */
    char *address;        /* socket path or host:port, owned */
    int is_inet;          /* address is host:port */
    int timeout;          /* seconds per connect or message; 0: none */
    int max_idle;         /* seconds; 0: no limit */
    int max_ttl;          /* seconds; 0: no limit */
    char *protocol;       /* expected greeting, owned, or NULL */
    int version;          /* expected greeting version */
    ATTR_OPTS opts;       /* receive limits; peer is endpoint */
    VSTREAM *stream;      /* the connection, owned, or NULL */
    int64_t connected_at; /* monotonic ms */
    int64_t last_used;    /* monotonic ms */
};

/* attr_clnt_create - describe a server */

ATTR_CLNT *attr_clnt_create(const char *endpoint, int timeout, int max_idle, int max_ttl)
{
    ATTR_CLNT *clnt = mycalloc(1, sizeof(*clnt));

    clnt->endpoint = mystrdup(endpoint);
    if (strncmp(endpoint, "inet:", 5) == 0) {
        clnt->address = mystrdup(endpoint + 5);
        clnt->is_inet = 1;
    } else if (strncmp(endpoint, "unix:", 5) == 0) {
        clnt->address = mystrdup(endpoint + 5);
    } else if (strncmp(endpoint, "local:", 6) == 0) {
        clnt->address = mystrdup(endpoint + 6);
    } else {
        clnt->address = mystrdup(endpoint);
    }
    clnt->timeout = timeout > 0 ? timeout : 0;
    clnt->max_idle = max_idle;
    clnt->max_ttl = max_ttl;
    clnt->opts.peer = clnt->endpoint;
    return clnt;
}

/* attr_clnt_set_protocol - check the server's greeting */

void attr_clnt_set_protocol(ATTR_CLNT *clnt, const char *protocol, int version)
{
    myfree(clnt->protocol);
    clnt->protocol = protocol ? mystrdup(protocol) : NULL;
    clnt->version = version;
}

/* attr_clnt_set_opts - receive limits */

void attr_clnt_set_opts(ATTR_CLNT *clnt, const ATTR_OPTS *opts)
{
    clnt->opts = *opts;
    clnt->opts.peer = clnt->endpoint;
}

/* attr_clnt_disconnect - close the connection */

void attr_clnt_disconnect(ATTR_CLNT *clnt)
{
    if (clnt->stream) {
        vstream_purge(clnt->stream, VSTREAM_PURGE_BOTH);
        vstream_close(clnt->stream);
        clnt->stream = NULL;
    }
}

/* attr_clnt_free - disconnect and free */

ATTR_CLNT *attr_clnt_free(ATTR_CLNT *clnt)
{
    attr_clnt_disconnect(clnt);
    myfree(clnt->endpoint);
    myfree(clnt->address);
    myfree(clnt->protocol);
    myfree(clnt);
    return NULL;
}

/* attr_clnt_connect - open a connection and check the greeting */

static int attr_clnt_connect(ATTR_CLNT *clnt)
{
    VSTRING *why = vstring_alloc(100);
    int timeout_ms = clnt->timeout > 0 ? clnt->timeout * 1000 : -1;
    int fd;

    fd = clnt->is_inet ? inet_connect(clnt->address, timeout_ms, why)
                       : unix_connect(clnt->address, timeout_ms, why);
    if (fd < 0) {
        /* The reason names the socket path or address already. */
        msg_warn("%s", vstring_str(why));
        vstring_free(why);
        return -1;
    }
    vstring_free(why);
    clnt->stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    vstream_set_io(clnt->stream, NULL, sock_write_nosignal, NULL);
    vstream_set_timeout(clnt->stream, clnt->timeout);
    if (clnt->protocol &&
        attr_hello_expect(clnt->stream, clnt->protocol, clnt->version, &clnt->opts) < 0) {
        attr_clnt_disconnect(clnt);
        return -1;
    }
    clnt->connected_at = clnt->last_used = monotonic_ms();
    return 0;
}

/* attr_clnt_stale - an open connection that should not be used again */

static int attr_clnt_stale(ATTR_CLNT *clnt)
{
    int64_t now = monotonic_ms();

    if (clnt->max_idle > 0 && now - clnt->last_used >= clnt->max_idle * 1000LL)
        return 1;
    if (clnt->max_ttl > 0 && now - clnt->connected_at >= clnt->max_ttl * 1000LL)
        return 1;
    /* Between requests the server has nothing to say: input means it hung up. */
    return vstream_peek(clnt->stream) > 0 || poll_fd(vstream_fileno(clnt->stream), POLLIN, 0) != 0;
}

/* attr_clnt_exchange - one request and reply on the open connection */

static int attr_clnt_exchange(ATTR_CLNT *clnt, int send_flags, va_list args, int *out_broken)
{
    va_list work;
    int recv_flags, status = -1;

    va_copy(work, args);
    if (attr_print_va(clnt->stream, send_flags & ~ATTR_FLAG_MORE, &work) == 0) {
        recv_flags = va_arg(work, int);
        status = attr_scan_va(clnt->stream, recv_flags, &clnt->opts, &work);
    }
    va_end(work);
    *out_broken = status < 0 && !vstream_ftimeout(clnt->stream) &&
                  (vstream_feof(clnt->stream) || vstream_ferror(clnt->stream));
    return status;
}

/* attr_clnt_request_va - send a request and receive the reply, from a va_list */

int attr_clnt_request_va(ATTR_CLNT *clnt, int send_flags, va_list ap)
{
    int status = -1, broken = 0;

    for (int attempt = 0; attempt < 2; attempt++) {
        int reused;

        if (clnt->stream && attr_clnt_stale(clnt))
            attr_clnt_disconnect(clnt);
        reused = clnt->stream != NULL;
        if (!reused && attr_clnt_connect(clnt) < 0)
            break;
        status = attr_clnt_exchange(clnt, send_flags, ap, &broken);
        if (status >= 0) {
            clnt->last_used = monotonic_ms();
            break;
        }
        attr_clnt_disconnect(clnt);
        if (!(broken && reused)) {
            if (broken)
                msg_warn("%s: connection closed or broken by the server", clnt->endpoint);
            break;
        }
    }
    return status;
}

/* attr_clnt_request - send a request and receive the reply */

int attr_clnt_request(ATTR_CLNT *clnt, int send_flags, ...)
{
    va_list ap;
    int status;

    va_start(ap, send_flags);
    status = attr_clnt_request_va(clnt, send_flags, ap);
    va_end(ap);
    return status;
}
