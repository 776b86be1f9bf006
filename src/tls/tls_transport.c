/*++
 * NAME
 *	tls_transport - socket and in-memory transports for the TLS engine
 * SYNOPSIS
 *	#include <tls_transport.h>
 *
 *	TLS_TRANSPORT tls_transport_socket(int fd);
 *
 *	TLS_MEMPIPE *tls_mempipe_create(size_t capacity);
 *	TLS_TRANSPORT tls_mempipe_end(TLS_MEMPIPE *pipe, int side);
 *	void	tls_mempipe_close(TLS_MEMPIPE *pipe, int side);
 *	size_t	tls_mempipe_queued(TLS_MEMPIPE *pipe, int from_side);
 *	size_t	tls_mempipe_sends(TLS_MEMPIPE *pipe, int from_side);
 *	void	tls_mempipe_free(TLS_MEMPIPE *pipe);
 * DESCRIPTION
 *	tls_transport_socket() wraps a connected descriptor. It switches
 *	the descriptor to non-blocking mode for the life of the engine and
 *	restores the previous mode when the engine releases it. Sends use
 *	MSG_NOSIGNAL on sockets, so a closed peer gives EPIPE, not SIGPIPE.
 *	The descriptor stays owned by the caller.
 *
 *	tls_mempipe_create() makes an in-memory duplex: bytes sent on one
 *	side are received on the other. At most capacity bytes (0: no
 *	limit) wait in each direction; a fuller direction refuses sends
 *	with EAGAIN, which exercises partial writes. tls_mempipe_end()
 *	returns the transport of side 0 or 1; it has no wait function and
 *	its release does nothing (the pipe is freed with tls_mempipe_free()).
 *	tls_mempipe_close() ends what a side sends: once the other side has
 *	read everything, its recv returns 0. tls_mempipe_queued() counts the
 *	bytes a side has sent that the other has not read, and
 *	tls_mempipe_sends() counts the send calls that moved data, so tests
 *	can see how writes were grouped.
 *--*/

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "timed_io.h"
#include "vstring.h"

#include "tls_transport.h"

/* Socket transport state. */
typedef struct TLS_SOCKET {
    int fd;           /* not owned */
    int was_nonblock; /* O_NONBLOCK before we set it, or -1 */
} TLS_SOCKET;

/* tls_socket_recv - non-blocking read */

static ssize_t tls_socket_recv(void *context, void *buf, size_t len)
{
    TLS_SOCKET *sock = context;
    ssize_t n;

    do {
        n = read(sock->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EWOULDBLOCK)
        errno = EAGAIN;
    return n;
}

/* tls_socket_send - non-blocking write without SIGPIPE */

static ssize_t tls_socket_send(void *context, const void *buf, size_t len)
{
    TLS_SOCKET *sock = context;
    ssize_t n;

    do {
        n = send(sock->fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK)
            n = write(sock->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EWOULDBLOCK)
        errno = EAGAIN;
    return n;
}

/* tls_socket_wait - wait until readable or writable */

static int tls_socket_wait(void *context, int events, int timeout_ms)
{
    TLS_SOCKET *sock = context;

    return poll_fd(sock->fd, (short)events, timeout_ms);
}

/* tls_socket_release - restore the descriptor mode */

static void tls_socket_release(void *context)
{
    TLS_SOCKET *sock = context;

    if (sock->was_nonblock == 0)
        set_nonblock(sock->fd, 0);
    myfree(sock);
}

/* tls_transport_socket - transport over a descriptor */

TLS_TRANSPORT tls_transport_socket(int fd)
{
    TLS_SOCKET *sock = mymalloc(sizeof(*sock));

    sock->fd = fd;
    sock->was_nonblock = set_nonblock(fd, 1);
    return (TLS_TRANSPORT){
        .recv = tls_socket_recv,
        .send = tls_socket_send,
        .wait = tls_socket_wait,
        .release = tls_socket_release,
        .context = sock,
    };
}

/* One direction of an in-memory pipe. */
typedef struct TLS_MEMPIPE_DIR {
    VSTRING *data; /* bytes sent */
    size_t offset; /* bytes already received */
    int closed;    /* sender is done */
    size_t sends;  /* send calls that moved data */
} TLS_MEMPIPE_DIR;

struct TLS_MEMPIPE {
    TLS_MEMPIPE_DIR dir[2]; /* dir[s]: what side s sends */
    size_t capacity;        /* per direction, 0: unlimited */
    struct TLS_MEMPIPE_END {
        TLS_MEMPIPE *pipe;
        int side;
    } end[2];
};

/* tls_mempipe_recv - read what the other side sent */

static ssize_t tls_mempipe_recv(void *context, void *buf, size_t len)
{
    struct TLS_MEMPIPE_END *end = context;
    TLS_MEMPIPE_DIR *dir = &end->pipe->dir[1 - end->side];
    size_t avail = VSTRING_LEN(dir->data) - dir->offset;

    if (avail == 0) {
        if (dir->closed)
            return 0;
        errno = EAGAIN;
        return -1;
    }
    if (len > avail)
        len = avail;
    memcpy(buf, vstring_str(dir->data) + dir->offset, len);
    dir->offset += len;
    if (dir->offset == VSTRING_LEN(dir->data)) {
        VSTRING_RESET(dir->data);
        dir->offset = 0;
    }
    return len;
}

/* tls_mempipe_send - queue bytes for the other side */

static ssize_t tls_mempipe_send(void *context, const void *buf, size_t len)
{
    struct TLS_MEMPIPE_END *end = context;
    TLS_MEMPIPE *pipe = end->pipe;
    TLS_MEMPIPE_DIR *dir = &pipe->dir[end->side];
    size_t queued = VSTRING_LEN(dir->data) - dir->offset;

    if (dir->closed) {
        errno = EPIPE;
        return -1;
    }
    if (pipe->capacity) {
        if (queued >= pipe->capacity) {
            errno = EAGAIN;
            return -1;
        }
        if (len > pipe->capacity - queued)
            len = pipe->capacity - queued;
    }
    vstring_memcat(dir->data, buf, len);
    dir->sends++;
    return len;
}

/* tls_mempipe_create - in-memory duplex */

TLS_MEMPIPE *tls_mempipe_create(size_t capacity)
{
    TLS_MEMPIPE *pipe = mycalloc(1, sizeof(*pipe));

    pipe->capacity = capacity;
    for (int side = 0; side < 2; side++) {
        pipe->dir[side].data = vstring_alloc(4096);
        pipe->end[side].pipe = pipe;
        pipe->end[side].side = side;
    }
    return pipe;
}

/* tls_mempipe_end - the transport of one side */

TLS_TRANSPORT tls_mempipe_end(TLS_MEMPIPE *pipe, int side)
{
    if (side != 0 && side != 1)
        msg_panic("%s: bad side %d", __func__, side);
    return (TLS_TRANSPORT){
        .recv = tls_mempipe_recv,
        .send = tls_mempipe_send,
        .wait = NULL,
        .release = NULL,
        .context = &pipe->end[side],
    };
}

/* tls_mempipe_close - end what a side sends */

void tls_mempipe_close(TLS_MEMPIPE *pipe, int side)
{
    pipe->dir[side].closed = 1;
}

/* tls_mempipe_queued - bytes sent by a side and not yet read */

size_t tls_mempipe_queued(TLS_MEMPIPE *pipe, int from_side)
{
    return VSTRING_LEN(pipe->dir[from_side].data) - pipe->dir[from_side].offset;
}

/* tls_mempipe_sends - send calls by a side that moved data */

size_t tls_mempipe_sends(TLS_MEMPIPE *pipe, int from_side)
{
    return pipe->dir[from_side].sends;
}

/* tls_mempipe_free - release the pipe */

void tls_mempipe_free(TLS_MEMPIPE *pipe)
{
    if (pipe == NULL)
        return;
    for (int side = 0; side < 2; side++)
        vstring_free(pipe->dir[side].data);
    myfree(pipe);
}
