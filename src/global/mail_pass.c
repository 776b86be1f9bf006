/*++
 * NAME
 *	mail_pass - hand a client connection to a "pass" service, and take it
 * SYNOPSIS
 *	#include <mail_pass.h>
 *
 *	int	mail_pass_send(int sock, int fd, const MAIL_PASS_PEER *peer,
 *				VSTRING *why);
 *	int	mail_pass_accept(int listen_fd, MAIL_PASS_PEER *out_peer,
 *				bool *out_have_peer, VSTRING *why);
 *	int	mail_pass_peer_set(MAIL_PASS_PEER *peer,
 *				const char *client_addr, const char *client_port,
 *				const char *server_addr, const char *server_port);
 * DESCRIPTION
 *	mail_pass_send() hands the client socket fd over sock, a connection
 *	to a pass service: the descriptor, then one attribute message with
 *	the four facts of peer (or an empty message when peer is NULL). The
 *	caller keeps fd and sock; when the receiver has both it closes sock,
 *	and the caller may wait for that before closing its copy of fd. It
 *	returns 0, or -1 with a reason in why.
 *
 *	mail_pass_accept() accepts one connection on the pass listener
 *	listen_fd and receives what mail_pass_send() sent, within
 *	MAIL_PASS_TIMEOUT_MS. It closes the connection and returns the
 *	client socket (blocking, close-on-exec), with *out_have_peer telling
 *	whether *out_peer was filled in. It returns -1 with errno EAGAIN when
 *	another process took the connection first (no reason in why), and -1
 *	with a reason in why for anything else: no descriptor, a malformed
 *	message, or facts that are not numeric addresses and ports.
 *
 *	mail_pass_peer_set() fills in peer after checking each value: an
 *	address must be numeric IPv4 or IPv6, a port decimal 0..65535. It
 *	returns 0, or -1 (peer unchanged).
 * DIAGNOSTICS
 *	Returned only.
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "fd_pass.h"
#include "sockets.h"
#include "vstream.h"

/* Global library. */
#include "mail_pass.h"

/* mail_pass_addr_ok - a numeric address that fits */

static bool mail_pass_addr_ok(const char *addr)
{
    unsigned char bin[16];

    return strlen(addr) < MAIL_PASS_ADDR_MAX &&
           (inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1);
}

/* mail_pass_port_ok - a decimal port */

static bool mail_pass_port_ok(const char *port)
{
    size_t len = strlen(port);

    return len > 0 && len < 6 && strspn(port, "0123456789") == len && atoi(port) <= 65535;
}

/* mail_pass_peer_set - check and store the four facts */

int mail_pass_peer_set(MAIL_PASS_PEER *peer, const char *client_addr, const char *client_port,
                       const char *server_addr, const char *server_port)
{
    if (!mail_pass_addr_ok(client_addr) || !mail_pass_port_ok(client_port) ||
        !mail_pass_addr_ok(server_addr) || !mail_pass_port_ok(server_port))
        return -1;
    strcpy(peer->client_addr, client_addr);
    strcpy(peer->client_port, client_port);
    strcpy(peer->server_addr, server_addr);
    strcpy(peer->server_port, server_port);
    return 0;
}

/* mail_pass_send - hand fd over sock */

int mail_pass_send(int sock, int fd, const MAIL_PASS_PEER *peer, VSTRING *why)
{
    VSTREAM *stream;
    int status;

    if (fd_pass_send(sock, fd) < 0) {
        vstring_sprintf(why, "send connection: %m");
        return -1;
    }
    stream = vstream_fdopen(sock, VSTREAM_FLAG_RW | VSTREAM_FLAG_NOCLOSE);
    vstream_set_io(stream, NULL, sock_write_nosignal, NULL);
    vstream_set_timeout_ms(stream, MAIL_PASS_TIMEOUT_MS);
    if (peer)
        status = attr_print(
            stream, ATTR_FLAG_NONE, SEND_ATTR_STR(MAIL_PASS_ATTR_CLIENT_ADDR, peer->client_addr),
            SEND_ATTR_STR(MAIL_PASS_ATTR_CLIENT_PORT, peer->client_port),
            SEND_ATTR_STR(MAIL_PASS_ATTR_SERVER_ADDR, peer->server_addr),
            SEND_ATTR_STR(MAIL_PASS_ATTR_SERVER_PORT, peer->server_port), ATTR_TYPE_END);
    else
        status = attr_print(stream, ATTR_FLAG_NONE, ATTR_TYPE_END);
    if (status == 0 && vstream_fflush(stream) != 0)
        status = -1;
    if (status != 0)
        vstring_sprintf(why, "send connection attributes: %m");
    vstream_close(stream);
    return status == 0 ? 0 : -1;
}

/* mail_pass_receive - the descriptor and the facts on an accepted connection */

static int mail_pass_receive(int conn, MAIL_PASS_PEER *out_peer, bool *out_have_peer, VSTRING *why)
{
    VSTREAM *stream;
    VSTRING *values[4];
    int fd, count;

    if ((fd = fd_pass_recv(conn, MAIL_PASS_TIMEOUT_MS)) < 0) {
        vstring_sprintf(why, "receive connection: %m");
        return -1;
    }
    for (int i = 0; i < 4; i++)
        values[i] = vstring_alloc(MAIL_PASS_ADDR_MAX);
    stream = vstream_fdopen(conn, VSTREAM_FLAG_RW | VSTREAM_FLAG_NOCLOSE);
    vstream_set_timeout_ms(stream, MAIL_PASS_TIMEOUT_MS);
    count = attr_scan_opts(stream, ATTR_FLAG_NONE,
                           &(ATTR_OPTS){.peer = "pass connection", .value_max = 256},
                           RECV_ATTR_STR(MAIL_PASS_ATTR_CLIENT_ADDR, values[0]),
                           RECV_ATTR_STR(MAIL_PASS_ATTR_CLIENT_PORT, values[1]),
                           RECV_ATTR_STR(MAIL_PASS_ATTR_SERVER_ADDR, values[2]),
                           RECV_ATTR_STR(MAIL_PASS_ATTR_SERVER_PORT, values[3]), ATTR_TYPE_END);
    vstream_close(stream);
    *out_have_peer = count == 4;
    if (count == 4 && mail_pass_peer_set(out_peer, vstring_str(values[0]), vstring_str(values[1]),
                                         vstring_str(values[2]), vstring_str(values[3])) < 0) {
        vstring_sprintf(why,
                        "bad connection attributes: client %.64s port %.8s, server %.64s "
                        "port %.8s",
                        vstring_str(values[0]), vstring_str(values[1]), vstring_str(values[2]),
                        vstring_str(values[3]));
        count = -1;
    } else if (count != 0 && count != 4) {
        vstring_sprintf(why, "%s connection attributes", count < 0 ? "unreadable" : "incomplete");
        count = -1;
    }
    for (int i = 0; i < 4; i++)
        vstring_free(values[i]);
    if (count < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* mail_pass_accept - take one passed connection */

int mail_pass_accept(int listen_fd, MAIL_PASS_PEER *out_peer, bool *out_have_peer, VSTRING *why)
{
    int conn, fd, saved_errno;

    *out_have_peer = false;
    if ((conn = sock_accept(listen_fd)) < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED) {
            errno = EAGAIN;
            return -1;
        }
        vstring_sprintf(why, "accept pass connection: %m");
        return -1;
    }
    fd = mail_pass_receive(conn, out_peer, out_have_peer, why);
    saved_errno = errno;
    close(conn);
    errno = saved_errno == EAGAIN ? EIO : saved_errno;
    return fd;
}
