/*++
 * NAME
 *	pass_send - hand TCP clients to a master.cf "pass" service
 * SYNOPSIS
 *	pass_send SOCKET PORT COUNT [CLIENT_ADDR CLIENT_PORT SERVER_ADDR SERVER_PORT]
 * DESCRIPTION
 *	A small sender for tests of "smtpd pass": it listens on
 *	127.0.0.1:PORT, and for each of COUNT clients that connect there it
 *	connects to the UNIX-domain socket SOCKET and hands the client over
 *	(mail_pass(3)), with the four facts when they are given, else with
 *	none (the receiver then asks the socket). It waits until the
 *	receiver closes the hand-over connection, prints "passed N", and
 *	closes its own copy of the client socket.
 *
 *	It prints "listening" once the port accepts connections. Every wait
 *	has a bound of 30 seconds; the exit status is 0 when every client
 *	was handed over.
 *--*/

/* System library. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "sockets.h"
#include "timed_io.h"
#include "vstring.h"

/* Global library. */
#include "mail_pass.h"

#define PASS_SEND_WAIT_MS (30 * 1000)

/* pass_send_one - hand one client over */

static int pass_send_one(const char *path, int client, const MAIL_PASS_PEER *peer, VSTRING *why)
{
    char byte;
    int sock;

    if ((sock = unix_connect(path, PASS_SEND_WAIT_MS, why)) < 0)
        return -1;
    if (mail_pass_send(sock, client, peer, why) < 0) {
        close(sock);
        return -1;
    }
    /* The receiver closes the hand-over connection when it has the client. */
    if (poll_fd(sock, POLLIN, PASS_SEND_WAIT_MS) <= 0 || read(sock, &byte, 1) != 0) {
        vstring_sprintf(why, "no end of file from the receiver");
        close(sock);
        return -1;
    }
    close(sock);
    return 0;
}

/* main - listen, accept, hand over */

int main(int argc, char **argv)
{
    MAIL_PASS_PEER peer;
    VSTRING *why = vstring_alloc(100);
    VSTRING *endpoint = vstring_alloc(100);
    int listen_fd, client, count;

    msg_init("pass_send");
    msg_stderr_enable(1);
    if (argc != 4 && argc != 8)
        msg_fatal("usage: pass_send SOCKET PORT COUNT [CLIENT_ADDR CLIENT_PORT SERVER_ADDR "
                  "SERVER_PORT]");
    if (argc == 8 && mail_pass_peer_set(&peer, argv[4], argv[5], argv[6], argv[7]) < 0)
        msg_fatal("bad address or port among the facts");
    vstring_sprintf(endpoint, "127.0.0.1:%s", argv[2]);
    if (inet_listen(vstring_str(endpoint), &(INET_LISTEN_PROPS){0}, &listen_fd, 1, why) != 1)
        msg_fatal("listen on %s: %s", vstring_str(endpoint), vstring_str(why));
    printf("listening\n");
    fflush(stdout);
    count = atoi(argv[3]);
    for (int i = 1; i <= count; i++) {
        if (poll_fd(listen_fd, POLLIN, PASS_SEND_WAIT_MS) <= 0 ||
            (client = sock_accept(listen_fd)) < 0)
            msg_fatal("no client %d within %d ms", i, PASS_SEND_WAIT_MS);
        if (pass_send_one(argv[1], client, argc == 8 ? &peer : NULL, why) < 0)
            msg_fatal("hand over client %d: %s", i, vstring_str(why));
        printf("passed %d\n", i);
        fflush(stdout);
        close(client);
    }
    return 0;
}
