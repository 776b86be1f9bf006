/*++
 * NAME
 *	inet_listen - listen on TCP endpoints
 * SYNOPSIS
 *	#include <sockets.h>
 *
 *	int	inet_listen(const char *endpoint,
 *				const INET_LISTEN_PROPS *props,
 *				int *out_fds, int max_fds, VSTRING *why);
 * DESCRIPTION
 *	inet_listen() opens listening TCP sockets for a master.cf style
 *	endpoint and stores up to max_fds descriptors in out_fds. It returns
 *	how many it stored, or -1 with a reason in why, having closed
 *	whatever it opened.
 *
 *	With a host ("127.0.0.1:25", "[::1]:submission", "mx.example:25")
 *	it listens on every address of that host, within the protocols. With
 *	a bare port ("25", "smtp", "*:25") it listens on the addresses that
 *	props->interfaces names: "all" (also NULL or empty) means the
 *	wildcard address of each protocol, "loopback-only" means 127.0.0.1
 *	and ::1, and anything else is a list of addresses or host names
 *	separated by commas or blanks (IPv6 addresses may be bracketed).
 *	props->protocols (INET_PROTO_IPV4, _IPV6; 0 means both) filters
 *	every address. props may be NULL for all interfaces and protocols.
 *
 *	Each socket has SO_REUSEADDR, IPV6_V6ONLY when it is IPv6 (so
 *	IPv4 and IPv6 listeners never overlap), O_NONBLOCK and FD_CLOEXEC.
 *	When both protocols are enabled and the kernel has no IPv6 at all,
 *	IPv6 addresses are skipped with a warning.
 * DIAGNOSTICS
 *	Returned: the reason names the endpoint or the address and the
 *	system error. Warning: IPv6 skipped.
 * SEE ALSO
 *	inet_endpoint(3), sock_addr(3)
 *--*/

/* System library. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "sockets.h"

/* A set of addresses to bind, without duplicates. */
typedef struct INET_ADDRS {
    struct sockaddr_storage addr[INET_LISTEN_MAX]; /* addresses */
    socklen_t len[INET_LISTEN_MAX];                /* their lengths */
    int count;                                     /* entries in use */
} INET_ADDRS;

/* inet_listen_hosts - the hosts to listen on for an endpoint */

static ARGV *inet_listen_hosts(const char *host, const char *interfaces, int protocols)
{
    ARGV *hosts = argv_alloc(2);

    if (*host) {
        argv_add(hosts, host);
    } else if (interfaces == NULL || *interfaces == 0 || strcasecmp(interfaces, "all") == 0) {
        if (protocols & INET_PROTO_IPV4)
            argv_add(hosts, "0.0.0.0");
        if (protocols & INET_PROTO_IPV6)
            argv_add(hosts, "::");
    } else if (strcasecmp(interfaces, "loopback-only") == 0) {
        if (protocols & INET_PROTO_IPV4)
            argv_add(hosts, "127.0.0.1");
        if (protocols & INET_PROTO_IPV6)
            argv_add(hosts, "::1");
    } else {
        ARGV *words = argv_split(interfaces, ", \t\r\n");

        for (size_t i = 0; i < words->argc; i++) {
            char *word = words->argv[i];
            size_t len = strlen(word);

            if (word[0] == '[' && len > 2 && word[len - 1] == ']')
                argv_addn(hosts, word + 1, len - 2);
            else
                argv_add(hosts, word);
        }
        argv_free(words);
    }
    return hosts;
}

/* inet_addrs_add - add the addresses of one host */

static int inet_addrs_add(INET_ADDRS *addrs, const char *host, const char *port, int protocols,
                          VSTRING *why)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res, *ai;
    int err, added = 0;

    hints.ai_family = protocols == INET_PROTO_IPV4   ? AF_INET
                      : protocols == INET_PROTO_IPV6 ? AF_INET6
                                                     : AF_UNSPEC;
    if ((err = getaddrinfo(host, port, &hints, &res)) != 0) {
        vstring_sprintf(why, "cannot resolve host \"%s\" port \"%s\": %s", host, port,
                        gai_strerror(err));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int dup = 0;

        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
            continue;
        for (int i = 0; i < addrs->count; i++)
            dup |= addrs->len[i] == ai->ai_addrlen &&
                   memcmp(&addrs->addr[i], ai->ai_addr, ai->ai_addrlen) == 0;
        added++;
        if (dup)
            continue;
        if (addrs->count >= INET_LISTEN_MAX) {
            vstring_sprintf(why, "host \"%s\": more than %d listen addresses", host,
                            INET_LISTEN_MAX);
            freeaddrinfo(res);
            return -1;
        }
        memcpy(&addrs->addr[addrs->count], ai->ai_addr, ai->ai_addrlen);
        addrs->len[addrs->count++] = ai->ai_addrlen;
    }
    freeaddrinfo(res);
    if (added == 0) {
        vstring_sprintf(why, "host \"%s\" has no address for the enabled protocols", host);
        return -1;
    }
    return 0;
}

/* inet_listen_one - one listening socket, or -1 */

static int inet_listen_one(const struct sockaddr *sa, socklen_t len, int backlog, VSTRING *why)
{
    SOCK_ADDR_TEXT text;
    int on = 1;
    int fd;

    sock_addr_text(sa, len, &text);
    if ((fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
        vstring_sprintf(why, "socket for %s: %m", text.addr);
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
        (sa->sa_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0)) {
        vstring_sprintf(why, "setsockopt for %s: %m", text.addr);
    } else if (bind(fd, sa, len) < 0) {
        vstring_sprintf(why, "bind %s%s%s port %s: %m", sa->sa_family == AF_INET6 ? "[" : "",
                        text.addr, sa->sa_family == AF_INET6 ? "]" : "", text.port);
    } else if (listen(fd, backlog) < 0) {
        vstring_sprintf(why, "listen on %s port %s: %m", text.addr, text.port);
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

/* inet_ipv6_missing - the kernel has no IPv6 at all */

static int inet_ipv6_missing(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return errno == EAFNOSUPPORT;
    close(fd);
    return 0;
}

/* inet_listen_resolve - every address to bind for an endpoint */

static int inet_listen_resolve(const char *endpoint, const INET_LISTEN_PROPS *props,
                               INET_ADDRS *addrs, VSTRING *why)
{
    VSTRING *host = vstring_alloc(32);
    VSTRING *port = vstring_alloc(8);
    int protocols = props && props->protocols ? props->protocols : INET_PROTO_ALL;
    ARGV *hosts = NULL;
    int status = -1;

    if (protocols == INET_PROTO_ALL && inet_ipv6_missing()) {
        msg_warn("%s: the kernel has no IPv6 support: listening on IPv4 only", endpoint);
        protocols = INET_PROTO_IPV4;
    }
    if (inet_endpoint_split(endpoint, host, port, why) == 0) {
        hosts = inet_listen_hosts(vstring_str(host), props ? props->interfaces : NULL, protocols);
        status = 0;
        for (size_t i = 0; status == 0 && i < hosts->argc; i++)
            status = inet_addrs_add(addrs, hosts->argv[i], vstring_str(port), protocols, why);
        if (status == 0 && addrs->count == 0) {
            vstring_sprintf(why, "endpoint \"%s\": no address to listen on", endpoint);
            status = -1;
        }
        argv_free(hosts);
    }
    vstring_free(host);
    vstring_free(port);
    return status;
}

/* inet_listen - listening sockets for an endpoint */

int inet_listen(const char *endpoint, const INET_LISTEN_PROPS *props, int *out_fds, int max_fds,
                VSTRING *why)
{
    INET_ADDRS addrs = {.count = 0};
    int backlog = props && props->backlog > 0 ? props->backlog : SOCK_BACKLOG_DEFAULT;
    int count = 0;

    if (inet_listen_resolve(endpoint, props, &addrs, why) < 0)
        return -1;
    if (addrs.count > max_fds) {
        vstring_sprintf(why, "endpoint \"%s\": %d addresses but room for %d", endpoint, addrs.count,
                        max_fds);
        return -1;
    }
    for (int i = 0; i < addrs.count; i++) {
        int fd = inet_listen_one((struct sockaddr *)&addrs.addr[i], addrs.len[i], backlog, why);

        if (fd < 0) {
            while (count > 0)
                close(out_fds[--count]);
            return -1;
        }
        out_fds[count++] = fd;
    }
    return count;
}
