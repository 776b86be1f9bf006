/*
 * mail_pass_test - fd_pass(3) and mail_pass(3): a descriptor and the
 * client facts handed over a UNIX-domain socket, a timeout, a message
 * without a descriptor, and the checks of the facts.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd_pass.h"
#include "mail_pass.h"
#include "msg.h"
#include "sockets.h"
#include "vstring.h"

#include "test.h"

/* test_fd_pass - a pipe's write end crosses a socket pair and still works */

static void test_fd_pass(void)
{
    int pair[2], pipe_fd[2], got;
    char buf[8] = "";

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0 || pipe(pipe_fd) < 0)
        msg_fatal("socketpair or pipe: %m");
    TEST_INT_EQ(fd_pass_send(pair[0], pipe_fd[1]), 0, "fd_pass_send succeeds");
    got = fd_pass_recv(pair[1], 1000);
    TEST_CHECK(got >= 0 && got != pipe_fd[1], "fd_pass_recv returns a new descriptor");
    if (got >= 0) {
        TEST_CHECK(write(got, "hi", 2) == 2 && read(pipe_fd[0], buf, 2) == 2 &&
                       memcmp(buf, "hi", 2) == 0,
                   "the received descriptor is the same pipe");
        TEST_CHECK(fcntl(got, F_GETFD) & FD_CLOEXEC, "the received descriptor is close-on-exec");
        close(got);
    }
    errno = 0;
    TEST_INT_EQ(fd_pass_recv(pair[1], 50), -1, "nothing sent: fd_pass_recv fails");
    TEST_INT_EQ(errno, ETIMEDOUT, "nothing sent: the error is ETIMEDOUT");
    TEST_CHECK(write(pair[0], "x", 1) == 1, "a byte without a descriptor is sent");
    errno = 0;
    TEST_INT_EQ(fd_pass_recv(pair[1], 1000), -1, "a byte without a descriptor is refused");
    TEST_INT_EQ(errno, EPROTO, "a byte without a descriptor: the error is EPROTO");
    close(pair[0]);
    errno = 0;
    TEST_INT_EQ(fd_pass_recv(pair[1], 1000), -1, "end of file: fd_pass_recv fails");
    TEST_INT_EQ(errno, EPIPE, "end of file: the error is EPIPE");
    close(pair[1]);
    close(pipe_fd[0]);
    close(pipe_fd[1]);
}

/* test_peer_set - the facts are checked */

static void test_peer_set(void)
{
    static const struct {
        const char *name, *caddr, *cport, *saddr, *sport;
        int want;
    } cases[] = {
        {"IPv4", "192.0.2.1", "4242", "127.0.0.1", "25", 0},
        {"IPv6", "2001:db8::1", "65535", "::1", "0", 0},
        {"a name is no address", "mail.example", "25", "127.0.0.1", "25", -1},
        {"a port over 65535", "192.0.2.1", "65536", "127.0.0.1", "25", -1},
        {"a port with a sign", "192.0.2.1", "-1", "127.0.0.1", "25", -1},
        {"an empty port", "192.0.2.1", "", "127.0.0.1", "25", -1},
        {"a bad server address", "192.0.2.1", "25", "127.0.0.1x", "25", -1},
    };
    MAIL_PASS_PEER peer;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        TEST_INT_EQ(mail_pass_peer_set(&peer, cases[i].caddr, cases[i].cport, cases[i].saddr,
                                       cases[i].sport),
                    cases[i].want, "mail_pass_peer_set: %s", cases[i].name);
}

/* test_accept - a hand-over with facts, then one without, over a listener */

static void test_accept(void)
{
    char dir[] = "/tmp/mail_pass_test.XXXXXX";
    VSTRING *path = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    MAIL_PASS_PEER sent, got = {0};
    int listen_fd, sock, pair[2], fd;
    bool have_peer = true;
    char byte;

    if (mkdtemp(dir) == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0)
        msg_fatal("mkdtemp or socketpair: %m");
    vstring_sprintf(path, "%s/pass", dir);
    if ((listen_fd = unix_listen(vstring_str(path), 0600, 0, why)) < 0)
        msg_fatal("%s", vstring_str(why));
    errno = 0;
    TEST_INT_EQ(mail_pass_accept(listen_fd, &got, &have_peer, why), -1, "no client: -1");
    TEST_INT_EQ(errno, EAGAIN, "no client: the error is EAGAIN (a lost race)");
    (void)mail_pass_peer_set(&sent, "192.0.2.9", "1234", "198.51.100.2", "25");
    for (int round = 0; round < 2; round++) {
        if ((sock = unix_connect(vstring_str(path), 1000, why)) < 0)
            msg_fatal("%s", vstring_str(why));
        TEST_INT_EQ(mail_pass_send(sock, pair[0], round == 0 ? &sent : NULL, why), 0,
                    "round %d: mail_pass_send succeeds", round);
        fd = mail_pass_accept(listen_fd, &got, &have_peer, why);
        TEST_CHECK(fd >= 0, "round %d: mail_pass_accept returns the client", round);
        TEST_CHECK(have_peer == (round == 0), "round %d: facts %s", round,
                   round == 0 ? "came" : "are absent");
        if (round == 0) {
            TEST_STR_EQ(got.client_addr, "192.0.2.9", "the client address arrives");
            TEST_STR_EQ(got.client_port, "1234", "the client port arrives");
            TEST_STR_EQ(got.server_addr, "198.51.100.2", "the server address arrives");
            TEST_STR_EQ(got.server_port, "25", "the server port arrives");
        }
        TEST_CHECK(read(sock, &byte, 1) == 0, "round %d: the receiver closed the hand-over", round);
        if (fd >= 0) {
            TEST_CHECK(write(fd, "z", 1) == 1 && read(pair[1], &byte, 1) == 1 && byte == 'z',
                       "round %d: the client socket works", round);
            close(fd);
        }
        close(sock);
    }
    close(listen_fd);
    unlink(vstring_str(path));
    rmdir(dir);
    close(pair[0]);
    close(pair[1]);
    vstring_free(path);
    vstring_free(why);
}

int main(void)
{
    msg_init("mail_pass_test");
    test_fd_pass();
    test_peer_set();
    test_accept();
    return test_summary("mail_pass_test");
}
