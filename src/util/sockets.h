/*
 * sockets.h - listening, connecting and inspecting sockets
 *
 * Listeners: inet_listen() (host:port, [v6addr]:port, or a bare port on the
 * inet_interfaces addresses), unix_listen() and fifo_listen(). Clients:
 * inet_connect(), unix_connect() and fifo_trigger(), each with a timeout.
 * Then accept, peer and local address text, TCP_NODELAY, peer credentials
 * of a UNIX-domain peer, and a SIGPIPE-free write function for vstream(3).
 *
 * Every descriptor made here is close-on-exec. Listeners are non-blocking
 * (for an event loop); connected and accepted sockets are blocking (the
 * vstream(3) layer enforces deadlines with poll()). Failures return -1 with
 * a reason in the caller's VSTRING; nothing here is fatal.
 */
#ifndef SOCKETS_H
#define SOCKETS_H

#include <sys/socket.h>
#include <sys/types.h>

#include "vstring.h"

/* inet_protocols. */
#define INET_PROTO_IPV4 (1 << 0)
#define INET_PROTO_IPV6 (1 << 1)
#define INET_PROTO_ALL  (INET_PROTO_IPV4 | INET_PROTO_IPV6)

#define SOCK_BACKLOG_DEFAULT 100 /* listen(2) backlog when none is given */
#define INET_LISTEN_MAX      32  /* most descriptors one inet endpoint yields */

/* How a bare-port inet endpoint is expanded into addresses. */
typedef struct INET_LISTEN_PROPS {
    const char *interfaces; /* inet_interfaces: "all" (also NULL), "loopback-only", or a list */
    int protocols;          /* INET_PROTO_* mask; 0 means INET_PROTO_ALL */
    int backlog;            /* listen(2) backlog; 0 means SOCK_BACKLOG_DEFAULT */
} INET_LISTEN_PROPS;

/* A socket address as text, without DNS. */
typedef struct SOCK_ADDR_TEXT {
    int family;    /* AF_INET, AF_INET6, AF_UNIX, or AF_UNSPEC */
    char addr[64]; /* numeric address ("::1", "192.0.2.1"), else "unknown" */
    char port[8];  /* decimal port, else "unknown" */
    char name[8];  /* host name placeholder: always "unknown" (no DNS here) */
} SOCK_ADDR_TEXT;

extern int inet_proto_parse(const char *value, VSTRING *why);
extern int inet_endpoint_split(const char *endpoint, VSTRING *out_host, VSTRING *out_port,
                               VSTRING *why);

extern int inet_listen(const char *endpoint, const INET_LISTEN_PROPS *props, int *out_fds,
                       int max_fds, VSTRING *why);
extern int unix_listen(const char *path, int mode, int backlog, VSTRING *why);
extern int fifo_listen(const char *path, int mode, VSTRING *why);

extern int inet_connect(const char *endpoint, int timeout_ms, VSTRING *why);
extern int unix_connect(const char *path, int timeout_ms, VSTRING *why);
extern int fifo_trigger(const char *path, const void *buf, size_t len, VSTRING *why);

extern int sock_accept(int listen_fd);
extern int sock_addr_text(const struct sockaddr *sa, socklen_t len, SOCK_ADDR_TEXT *out);
extern int sock_peer_addr(int fd, SOCK_ADDR_TEXT *out);
extern int sock_local_addr(int fd, SOCK_ADDR_TEXT *out);
extern int sock_set_nodelay(int fd, int on);
extern int sock_peer_cred(int fd, uid_t *out_uid, gid_t *out_gid, pid_t *out_pid);
extern ssize_t sock_write_nosignal(int fd, const void *buf, size_t len, int timeout_ms,
                                   void *unused_context);

#endif
