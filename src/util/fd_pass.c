/*++
 * NAME
 *	fd_pass - hand an open descriptor to another process
 * SYNOPSIS
 *	#include <fd_pass.h>
 *
 *	int	fd_pass_send(int sock, int fd);
 *	int	fd_pass_recv(int sock, int timeout_ms);
 * DESCRIPTION
 *	fd_pass_send() sends a copy of fd over the connected UNIX-domain
 *	stream socket sock, as an SCM_RIGHTS control message that rides on
 *	one data byte (a control message needs at least one byte of data on
 *	a stream socket). The sender keeps its own copy of fd. It returns 0,
 *	or -1 with errno set.
 *
 *	fd_pass_recv() waits at most timeout_ms milliseconds (negative: for
 *	ever) for such a message on sock and returns the received
 *	descriptor, close-on-exec and blocking, or -1 with errno set: ETIMEDOUT
 *	when nothing came in time, EPROTO when the message carried no
 *	descriptor (or more than one: every extra descriptor is closed),
 *	and 0 (end of file) maps to EPIPE.
 * DIAGNOSTICS
 *	Returned only.
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Utility library. */
#include "fd_pass.h"
#include "timed_io.h"

/* Room for the control message of one descriptor. */
typedef union FD_PASS_CMSG {
    struct cmsghdr align;              /* alignment of the header */
    char buf[CMSG_SPACE(sizeof(int))]; /* header and one int */
} FD_PASS_CMSG;

/* fd_pass_send - send a copy of fd over sock */

int fd_pass_send(int sock, int fd)
{
    char byte = 0;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    FD_PASS_CMSG control;
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *cmsg;
    ssize_t sent;

    memset(&control, 0, sizeof(control));
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    do
        sent = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (sent < 0 && errno == EINTR);
    return sent == 1 ? 0 : -1;
}

/* fd_pass_close_all - close every descriptor of a control message */

static void fd_pass_close_all(struct cmsghdr *cmsg)
{
    size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int fd;

    for (size_t i = 0; i < count; i++) {
        memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
        close(fd);
    }
}

/* fd_pass_recv - receive one descriptor from sock */

int fd_pass_recv(int sock, int timeout_ms)
{
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    FD_PASS_CMSG control;
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *cmsg;
    ssize_t got;
    int fd = -1;
    int ready;

    if ((ready = poll_fd(sock, POLLIN, timeout_ms)) <= 0) {
        if (ready == 0)
            errno = ETIMEDOUT;
        return -1;
    }
    do
        got = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (got < 0 && errno == EINTR);
    if (got <= 0) {
        if (got == 0)
            errno = EPIPE;
        return -1;
    }
    for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
            continue;
        if (fd < 0 && cmsg->cmsg_len == CMSG_LEN(sizeof(int))) {
            memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
            continue;
        }
        fd_pass_close_all(cmsg);
    }
    if (fd < 0 || (msg.msg_flags & MSG_CTRUNC)) {
        if (fd >= 0)
            close(fd);
        errno = EPROTO;
        return -1;
    }
    if (set_nonblock(fd, 0) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}
