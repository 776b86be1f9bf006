/*++
 * NAME
 *	free_port - print TCP ports that are free on loopback, for tests
 * SYNOPSIS
 *	obj/tests/helpers/free_port [count]
 * DESCRIPTION
 *	free_port prints count (default 1) distinct TCP port numbers, one a
 *	line, that the kernel handed out as free on both 127.0.0.1 and ::1
 *	(when IPv6 works) at the time of the call. Integration tests use it
 *	to pick listener ports at run time. Another process may take a port
 *	before the test binds it; tests that must be sure retry.
 * DIAGNOSTICS
 *	Exit status 1 with a message on standard error when no port could be
 *	found.
 *--*/

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define FREE_PORT_MAX 128 /* ports per call */

/* free_port_one - bind an ephemeral IPv4 port that is free on IPv6 too; -1 on failure */

static int free_port_one(int *out_fd4)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    socklen_t len = sizeof(sin);
    int fd4 = socket(AF_INET, SOCK_STREAM, 0);
    int fd6 = socket(AF_INET6, SOCK_STREAM, 0);
    int port = -1, on = 1;

    if (fd4 >= 0 && bind(fd4, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
        getsockname(fd4, (struct sockaddr *)&sin, &len) == 0) {
        sin6.sin6_port = sin.sin_port;
        if (fd6 < 0)
            port = ntohs(sin.sin_port);
        else if (setsockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == 0 &&
                 bind(fd6, (struct sockaddr *)&sin6, sizeof(sin6)) == 0)
            port = ntohs(sin.sin_port);
    }
    if (fd6 >= 0)
        close(fd6);
    *out_fd4 = fd4; /* held until every port is chosen, so they differ */
    return port;
}

int main(int argc, char **argv)
{
    int count = argc > 1 ? atoi(argv[1]) : 1;
    int ports[FREE_PORT_MAX], fds[FREE_PORT_MAX * 4], nfds = 0, found = 0;

    if (count < 1 || count > FREE_PORT_MAX) {
        fprintf(stderr, "usage: %s [count 1..%d]\n", argv[0], FREE_PORT_MAX);
        return 1;
    }
    while (found < count && nfds < FREE_PORT_MAX * 4) {
        int port = free_port_one(&fds[nfds++]);

        if (port > 0)
            ports[found++] = port;
    }
    for (int i = 0; i < nfds; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (found < count) {
        fprintf(stderr, "%s: found only %d free ports\n", argv[0], found);
        return 1;
    }
    for (int i = 0; i < found; i++)
        printf("%d\n", ports[i]);
    return 0;
}
