/*++
 * NAME
 *	sock_opts - accept, socket options, peer credentials, SIGPIPE-free writes
 * SYNOPSIS
 *	#include <sockets.h>
 *
 *	int	sock_accept(int listen_fd);
 *	int	sock_set_nodelay(int fd, int on);
 *	int	sock_peer_cred(int fd, uid_t *out_uid, gid_t *out_gid,
 *				pid_t *out_pid);
 *	ssize_t	sock_write_nosignal(int fd, const void *buf, size_t len,
 *				int timeout_ms, void *unused_context);
 * DESCRIPTION
 *	sock_accept() accepts one connection on a listening socket and
 *	returns a blocking, close-on-exec descriptor, or -1 with errno set
 *	(EAGAIN when another process took the connection first). Signals do
 *	not interrupt it.
 *
 *	sock_set_nodelay() switches TCP_NODELAY; it returns 0 or -1.
 *
 *	sock_peer_cred() reports the user, group and process id of the
 *	process at the other end of a UNIX-domain socket, as the kernel saw
 *	them when it connected (SO_PEERCRED). Any output pointer may be
 *	NULL. It returns 0, or -1 with errno set.
 *
 *	sock_write_nosignal() is a vstream(3) write function for sockets:
 *	like timed_write(), but a peer that has gone away gives EPIPE
 *	instead of a SIGPIPE that would kill the process.
 *--*/

/* System library. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

/* Utility library. */
#include "sockets.h"
#include "timed_io.h"

/* sock_accept - accept one connection */

int sock_accept(int listen_fd)
{
    int fd;

    do {
        fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0 && errno == EWOULDBLOCK)
        errno = EAGAIN;
    return fd;
}

/* sock_set_nodelay - switch TCP_NODELAY */

int sock_set_nodelay(int fd, int on)
{
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

/* sock_peer_cred - credentials of a UNIX-domain peer */

int sock_peer_cred(int fd, uid_t *out_uid, gid_t *out_gid, pid_t *out_pid)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
        return -1;
    if (out_uid)
        *out_uid = cred.uid;
    if (out_gid)
        *out_gid = cred.gid;
    if (out_pid)
        *out_pid = cred.pid;
    return 0;
}

/* sock_write_nosignal - timed write that never raises SIGPIPE */

ssize_t sock_write_nosignal(int fd, const void *buf, size_t len, int timeout_ms,
                            void *unused_context)
{
    int64_t deadline = timeout_ms < 0 ? 0 : monotonic_ms() + timeout_ms;

    for (;;) {
        int left = timeout_ms < 0 ? -1 : (int)(deadline - monotonic_ms());
        ssize_t n;

        if (timeout_ms >= 0 && left < 0)
            left = 0;
        if (poll_fd(fd, POLLOUT, left) <= 0)
            return -1;
        n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK)
            n = write(fd, buf, len);
        if (n >= 0 || (errno != EAGAIN && errno != EINTR))
            return n;
    }
}
