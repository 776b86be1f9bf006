/*++
 * NAME
 *	inet_connect - connect to a TCP endpoint within a time limit
 * SYNOPSIS
 *	#include <sockets.h>
 *
 *	int	inet_connect(const char *endpoint, int timeout_ms, VSTRING *why);
 * DESCRIPTION
 *	inet_connect() connects to "host:port" or "[address]:port"; host may
 *	be a name or a numeric address, port a number or a service name.
 *	It tries each address of the host in turn, giving each at most
 *	timeout_ms milliseconds (negative: the system's own limit), and
 *	returns a blocking, close-on-exec descriptor, or -1 with a reason
 *	in why (the error of the last address tried). Name resolution uses
 *	the system resolver and its own time limits.
 * DIAGNOSTICS
 *	Returned: the reason names the endpoint or address.
 *--*/

/* System library. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

/* Utility library. */
#include "sockets.h"
#include "timed_io.h"

/* inet_connect_one - connect one address within the time limit */

static int inet_connect_one(const struct addrinfo *ai, int timeout_ms, VSTRING *why)
{
    SOCK_ADDR_TEXT text;
    socklen_t errlen = sizeof(int);
    int fd, err = 0;

    sock_addr_text(ai->ai_addr, ai->ai_addrlen, &text);
    if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
        vstring_sprintf(why, "socket for %s: %m", text.addr);
        return -1;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        if (errno != EINPROGRESS) {
            err = errno;
        } else if (poll_fd(fd, POLLOUT, timeout_ms) <= 0) {
            err = errno;
        } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0) {
            err = errno;
        }
    }
    if (err == 0 && set_nonblock(fd, 0) < 0)
        err = errno;
    if (err != 0) {
        errno = err;
        vstring_sprintf(why, "connect to %s port %s: %m", text.addr, text.port);
        close(fd);
        return -1;
    }
    return fd;
}

/* inet_connect - connect to host:port */

int inet_connect(const char *endpoint, int timeout_ms, VSTRING *why)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
    struct addrinfo *res, *ai;
    VSTRING *host = vstring_alloc(32);
    VSTRING *port = vstring_alloc(8);
    int fd = -1, err;

    if (inet_endpoint_split(endpoint, host, port, why) < 0) {
        /* why is set */
    } else if (VSTRING_LEN(host) == 0) {
        vstring_sprintf(why, "endpoint \"%s\": no host to connect to", endpoint);
    } else if ((err = getaddrinfo(vstring_str(host), vstring_str(port), &hints, &res)) != 0) {
        vstring_sprintf(why, "cannot resolve host \"%s\" port \"%s\": %s", vstring_str(host),
                        vstring_str(port), gai_strerror(err));
    } else {
        for (ai = res; ai && fd < 0; ai = ai->ai_next)
            if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
                fd = inet_connect_one(ai, timeout_ms, why);
        freeaddrinfo(res);
    }
    vstring_free(host);
    vstring_free(port);
    return fd;
}
