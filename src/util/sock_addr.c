/*++
 * NAME
 *	sock_addr - socket addresses as text
 * SYNOPSIS
 *	#include <sockets.h>
 *
 *	int	sock_addr_text(const struct sockaddr *sa, socklen_t len,
 *				SOCK_ADDR_TEXT *out);
 *	int	sock_peer_addr(int fd, SOCK_ADDR_TEXT *out);
 *	int	sock_local_addr(int fd, SOCK_ADDR_TEXT *out);
 * DESCRIPTION
 *	These fill out with the address family, the numeric address
 *	("192.0.2.1", "2001:db8::1", "fe80::1%eth0"), the decimal port and
 *	the host name placeholder "unknown"; they never use DNS (a daemon
 *	that wants a verified name looks it up itself). An IPv4-mapped IPv6
 *	address is shown as the IPv4 address. For a UNIX-domain or unknown
 *	socket the address and port are "unknown".
 *
 *	sock_addr_text() converts a given address. sock_peer_addr() and
 *	sock_local_addr() ask the kernel for the remote or local address of
 *	a connected socket. All return 0, or -1 with errno set (out then
 *	holds "unknown" everywhere).
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Utility library. */
#include "sockets.h"

/* sock_addr_unknown - the "nothing known" text */

static void sock_addr_unknown(SOCK_ADDR_TEXT *out, int family)
{
    out->family = family;
    strcpy(out->addr, "unknown");
    strcpy(out->port, "unknown");
    strcpy(out->name, "unknown");
}

/* sock_addr_text - an address as text */

int sock_addr_text(const struct sockaddr *sa, socklen_t len, SOCK_ADDR_TEXT *out)
{
    struct sockaddr_in mapped;

    sock_addr_unknown(out, len >= sizeof(sa->sa_family) ? sa->sa_family : AF_UNSPEC);
    if (out->family != AF_INET && out->family != AF_INET6)
        return 0;
    if (out->family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

        if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            memset(&mapped, 0, sizeof(mapped));
            mapped.sin_family = AF_INET;
            mapped.sin_port = sin6->sin6_port;
            memcpy(&mapped.sin_addr, sin6->sin6_addr.s6_addr + 12, 4);
            sa = (const struct sockaddr *)&mapped;
            len = sizeof(mapped);
            out->family = AF_INET;
        }
    }
    if (getnameinfo(sa, len, out->addr, sizeof(out->addr), out->port, sizeof(out->port),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        sock_addr_unknown(out, out->family);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* sock_peer_addr - the remote address of a socket */

int sock_peer_addr(int fd, SOCK_ADDR_TEXT *out)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
        sock_addr_unknown(out, AF_UNSPEC);
        return -1;
    }
    return sock_addr_text((struct sockaddr *)&ss, len, out);
}

/* sock_local_addr - the local address of a socket */

int sock_local_addr(int fd, SOCK_ADDR_TEXT *out)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        sock_addr_unknown(out, AF_UNSPEC);
        return -1;
    }
    return sock_addr_text((struct sockaddr *)&ss, len, out);
}
