/*
 * mail_pass.h - handing a client connection to a "pass" service
 *
 * master.cf type "pass": master listens on a UNIX-domain socket under
 * private/ or public/; a sender (postscreen, or a test) connects to it and
 * hands over a connected client socket (fd_pass(3)), followed by one
 * attribute message that says who the client is (it may be empty: then
 * the receiver asks the socket). The receiver closes the connection when it
 * has both; the sender may wait for that end of file before it closes its
 * own copy of the client socket.
 */
#ifndef MAIL_PASS_H
#define MAIL_PASS_H

#include <stdbool.h>

#include "vstring.h"

/* Attribute names, as Postfix spells them. */
#define MAIL_PASS_ATTR_CLIENT_ADDR "client_address"
#define MAIL_PASS_ATTR_CLIENT_PORT "client_port"
#define MAIL_PASS_ATTR_SERVER_ADDR "server_address"
#define MAIL_PASS_ATTR_SERVER_PORT "server_port"

#define MAIL_PASS_TIMEOUT_MS (100 * 1000) /* most time to receive one hand-over */
#define MAIL_PASS_ADDR_MAX   64           /* bytes in an address text, with the null */
#define MAIL_PASS_PORT_MAX   8            /* bytes in a port text, with the null */

/* Who the client of a passed connection is. */
typedef struct MAIL_PASS_PEER {
    char client_addr[MAIL_PASS_ADDR_MAX]; /* numeric client address */
    char client_port[MAIL_PASS_PORT_MAX]; /* decimal client port */
    char server_addr[MAIL_PASS_ADDR_MAX]; /* numeric address the client connected to */
    char server_port[MAIL_PASS_PORT_MAX]; /* decimal port the client connected to */
} MAIL_PASS_PEER;

extern int mail_pass_send(int sock, int fd, const MAIL_PASS_PEER *peer, VSTRING *why);
extern int mail_pass_accept(int listen_fd, MAIL_PASS_PEER *out_peer, bool *out_have_peer,
                            VSTRING *why);
extern int mail_pass_peer_set(MAIL_PASS_PEER *peer, const char *client_addr,
                              const char *client_port, const char *server_addr,
                              const char *server_port);

#endif
