/* sockets_test - endpoints, inet/unix/fifo listeners, connect, addresses, credentials */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "sockets.h"
#include "timed_io.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static char tmpdir[] = "/tmp/sockets_test.XXXXXX";

/* free_port - a TCP port that is free on the IPv4 and IPv6 wildcard addresses */

static int free_port(void)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        struct sockaddr_in sin = {.sin_family = AF_INET};
        struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
        socklen_t len = sizeof(sin);
        int fd4 = socket(AF_INET, SOCK_STREAM, 0);
        int fd6 = socket(AF_INET6, SOCK_STREAM, 0);
        int port = -1, on = 1;

        setsockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
        if (bind(fd4, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
            getsockname(fd4, (struct sockaddr *)&sin, &len) == 0) {
            sin6.sin6_port = sin.sin_port;
            if (bind(fd6, (struct sockaddr *)&sin6, sizeof(sin6)) == 0)
                port = ntohs(sin.sin_port);
        }
        close(fd4);
        close(fd6);
        if (port > 0)
            return port;
    }
    msg_fatal("no free port");
}

/* open_fds - descriptors open in this process */

static int open_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *d;
    int count = 0;

    while ((d = readdir(dir)) != NULL)
        count += d->d_name[0] != '.';
    closedir(dir);
    return count - 1;
}

static void test_parse(void)
{
    static const struct {
        const char *endpoint, *host, *port;
    } cases[] = {
        {"127.0.0.1:25", "127.0.0.1", "25"},
        {"[::1]:587", "::1", "587"},
        {"[2001:db8::1]:25", "2001:db8::1", "25"},
        {"25", "", "25"},
        {"smtp", "", "smtp"},
        {"*:2525", "", "2525"},
        {"mx.example.com:submission", "mx.example.com", "submission"},
        {"::1:25", NULL, NULL},
        {"[::1]", NULL, NULL},
        {"[::1]25", NULL, NULL},
        {"host:", NULL, NULL},
        {"host:a b", NULL, NULL},
        {"", NULL, NULL},
    };
    VSTRING *host = vstring_alloc(10), *port = vstring_alloc(10), *why = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int status = inet_endpoint_split(cases[i].endpoint, host, port, why);

        if (cases[i].host == NULL) {
            TEST_CHECK(status < 0 && strstr(vstring_str(why), "bad endpoint"),
                       "endpoint \"%s\" refused: %s", cases[i].endpoint, vstring_str(why));
        } else {
            TEST_CHECK(status == 0 && strcmp(vstring_str(host), cases[i].host) == 0 &&
                           strcmp(vstring_str(port), cases[i].port) == 0,
                       "endpoint \"%s\" -> host \"%s\" port \"%s\"", cases[i].endpoint,
                       vstring_str(host), vstring_str(port));
        }
    }
    TEST_INT_EQ(inet_proto_parse("all", why), INET_PROTO_ALL, "inet_protocols all");
    TEST_INT_EQ(inet_proto_parse("IPv4", why), INET_PROTO_IPV4, "inet_protocols ipv4");
    TEST_INT_EQ(inet_proto_parse("ipv6", why), INET_PROTO_IPV6, "inet_protocols ipv6");
    TEST_INT_EQ(inet_proto_parse("ipv4, ipv6", why), INET_PROTO_ALL, "inet_protocols list");
    TEST_INT_EQ(inet_proto_parse("ipv4 ipx", why), -1, "inet_protocols unknown word");
    TEST_CHECK(strstr(vstring_str(why), "\"ipx\"") != NULL, "reason names the bad word: %s",
               vstring_str(why));
    TEST_INT_EQ(inet_proto_parse(" ", why), -1, "inet_protocols empty");
    vstring_free(host);
    vstring_free(port);
    vstring_free(why);
}

/* connect_accept - connect to endpoint, accept on one of the listeners, check addresses */

static int connect_accept(const char *endpoint, const int *fds, int count, const char *want_addr)
{
    VSTRING *why = vstring_alloc(10);
    SOCK_ADDR_TEXT peer, local;
    int client = inet_connect(endpoint, 2000, why);
    int server = -1, ok = 0;

    if (client < 0) {
        printf("# connect %s: %s\n", endpoint, vstring_str(why));
        vstring_free(why);
        return 0;
    }
    for (int tries = 0; server < 0 && tries < 200; tries++) {
        for (int i = 0; i < count && server < 0; i++)
            server = sock_accept(fds[i]);
        if (server < 0)
            usleep(5000);
    }
    if (server >= 0 && sock_peer_addr(server, &peer) == 0 && sock_local_addr(client, &local) == 0)
        ok = strcmp(peer.addr, want_addr) == 0 && strcmp(peer.port, local.port) == 0 &&
             strcmp(peer.name, "unknown") == 0 && (fcntl(server, F_GETFD) & FD_CLOEXEC);
    if (server >= 0)
        close(server);
    close(client);
    vstring_free(why);
    return ok;
}

static void close_all(int *fds, int count)
{
    for (int i = 0; i < count; i++)
        close(fds[i]);
}

/* test_host_name - connect by name: the resolver's first address, then the others */

static void test_host_name(int port)
{
    static const struct {
        int family;
        const char *addr, *interface;
    } loopbacks[] = {
        {AF_INET, "127.0.0.1", "127.0.0.1"},
        {AF_INET6, "::1", "[::1]"},
    };
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
    VSTRING *why = vstring_alloc(10);
    const char *first = NULL;
    int has[2] = {0, 0}, fds[INET_LISTEN_MAX], count;
    char endpoint[100], service[20];

    /*
     * Which of 127.0.0.1 and ::1 "localhost" names, and in which order, is the
     * system's choice (/etc/hosts, gai.conf): ask the resolver instead of assuming.
     */
    snprintf(service, sizeof(service), "%d", port);
    TEST_INT_EQ(getaddrinfo("localhost", service, &hints, &res), 0, "localhost resolves");
    for (ai = res; ai; ai = ai->ai_next) {
        for (int i = 0; i < 2; i++) {
            if (ai->ai_family == loopbacks[i].family) {
                SOCK_ADDR_TEXT text;

                sock_addr_text(ai->ai_addr, ai->ai_addrlen, &text);
                if (strcmp(text.addr, loopbacks[i].addr) == 0) {
                    has[i] = 1;
                    if (first == NULL)
                        first = loopbacks[i].addr;
                }
            }
        }
    }
    freeaddrinfo(res);
    TEST_CHECK(first != NULL, "localhost names 127.0.0.1 or ::1");
    if (first == NULL) {
        vstring_free(why);
        return;
    }
    printf("# localhost: %s%s%s, first %s\n", has[0] ? "127.0.0.1" : "",
           has[0] && has[1] ? " and " : "", has[1] ? "::1" : "", first);

    /* Both listening: the first address answers. */
    count = inet_listen(service, &(INET_LISTEN_PROPS){.interfaces = "loopback-only"}, fds,
                        INET_LISTEN_MAX, why);
    snprintf(endpoint, sizeof(endpoint), "localhost:%d", port);
    TEST_CHECK(count == 2 && connect_accept(endpoint, fds, count, first),
               "connect by host name reaches its first address, %s", first);
    close_all(fds, count > 0 ? count : 0);

    /*
     * One listening: the connection reaches it, by falling back from the first address
     * when localhost names both.
     */
    for (int i = 0; i < 2; i++) {
        if (!has[i])
            continue;
        snprintf(endpoint, sizeof(endpoint), "%s:%d", loopbacks[i].interface, port);
        count = inet_listen(endpoint, NULL, fds, INET_LISTEN_MAX, why);
        snprintf(endpoint, sizeof(endpoint), "localhost:%d", port);
        TEST_CHECK(count == 1 && connect_accept(endpoint, fds, count, loopbacks[i].addr),
                   "connect by host name with only %s listening", loopbacks[i].addr);
        close_all(fds, count > 0 ? count : 0);
    }
    vstring_free(why);
}

static void test_inet(void)
{
    VSTRING *why = vstring_alloc(10);
    char endpoint[100];
    int fds[INET_LISTEN_MAX], fds2[INET_LISTEN_MAX];
    int port = free_port(), count, v6only = 0, before;
    socklen_t len = sizeof(v6only);

    snprintf(endpoint, sizeof(endpoint), "127.0.0.1:%d", port);
    count = inet_listen(endpoint, NULL, fds, INET_LISTEN_MAX, why);
    TEST_INT_EQ(count, 1, "listen on host:port: %s", vstring_str(why));
    TEST_CHECK(count == 1 && (fcntl(fds[0], F_GETFL) & O_NONBLOCK) &&
                   (fcntl(fds[0], F_GETFD) & FD_CLOEXEC),
               "listener is non-blocking and close-on-exec");
    TEST_CHECK(count == 1 && sock_accept(fds[0]) < 0 && errno == EAGAIN,
               "accept without a client says EAGAIN");
    TEST_CHECK(connect_accept(endpoint, fds, count, "127.0.0.1"), "connect, accept, peer address");
    before = open_fds();
    TEST_INT_EQ(inet_listen(endpoint, NULL, fds2, INET_LISTEN_MAX, why), -1, "port in use");
    TEST_CHECK(strstr(vstring_str(why), "Address already in use") != NULL, "reason: %s",
               vstring_str(why));
    TEST_INT_EQ(open_fds(), before, "a failed listen leaks no descriptor");
    close_all(fds, count);

    snprintf(endpoint, sizeof(endpoint), "[::1]:%d", port);
    count = inet_listen(endpoint, NULL, fds, INET_LISTEN_MAX, why);
    TEST_INT_EQ(count, 1, "listen on [::1]:port: %s", vstring_str(why));
    getsockopt(fds[0], IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len);
    TEST_INT_EQ(v6only, 1, "IPv6 listener is IPv6-only");
    TEST_CHECK(connect_accept(endpoint, fds, count, "::1"), "IPv6 connect and peer address");
    close_all(fds, count);

    snprintf(endpoint, sizeof(endpoint), "[2001:db8::1]:%d", port);
    TEST_INT_EQ(inet_listen(endpoint, NULL, fds, INET_LISTEN_MAX, why), -1,
                "unconfigured address refused");
    TEST_CHECK(strstr(vstring_str(why), "[2001:db8::1]") != NULL, "reason names the address: %s",
               vstring_str(why));

    snprintf(endpoint, sizeof(endpoint), "%d", port);
    count = inet_listen(endpoint, &(INET_LISTEN_PROPS){.interfaces = "loopback-only"}, fds,
                        INET_LISTEN_MAX, why);
    TEST_INT_EQ(count, 2, "bare port, loopback-only: IPv4 and IPv6 (%s)", vstring_str(why));
    close_all(fds, count > 0 ? count : 0);
    test_host_name(port);

    snprintf(endpoint, sizeof(endpoint), "%d", port);
    count = inet_listen(
        endpoint, &(INET_LISTEN_PROPS){.interfaces = "loopback-only", .protocols = INET_PROTO_IPV4},
        fds, INET_LISTEN_MAX, why);
    TEST_INT_EQ(count, 1, "bare port, loopback-only, ipv4 only");
    close_all(fds, count > 0 ? count : 0);

    count =
        inet_listen(endpoint, &(INET_LISTEN_PROPS){.interfaces = "all"}, fds, INET_LISTEN_MAX, why);
    TEST_INT_EQ(count, 2, "bare port, all interfaces: two wildcard listeners (%s)",
                vstring_str(why));
    snprintf(endpoint, sizeof(endpoint), "127.0.0.1:%d", port);
    TEST_CHECK(connect_accept(endpoint, fds, count, "127.0.0.1"), "wildcard accepts IPv4");
    snprintf(endpoint, sizeof(endpoint), "[::1]:%d", port);
    TEST_CHECK(connect_accept(endpoint, fds, count, "::1"), "wildcard accepts IPv6");
    close_all(fds, count > 0 ? count : 0);

    snprintf(endpoint, sizeof(endpoint), "%d", port);
    count = inet_listen(endpoint, &(INET_LISTEN_PROPS){.interfaces = "127.0.0.1, [::1]"}, fds,
                        INET_LISTEN_MAX, why);
    TEST_INT_EQ(count, 2, "bare port, explicit interface list");
    close_all(fds, count > 0 ? count : 0);
    TEST_INT_EQ(
        inet_listen(endpoint, &(INET_LISTEN_PROPS){.interfaces = "127.0.0.1, [::1]"}, fds, 1, why),
        -1, "more addresses than room is refused");

    snprintf(endpoint, sizeof(endpoint), "127.0.0.1:%d", port);
    TEST_INT_EQ(inet_connect(endpoint, 1000, why), -1, "connect to a closed port fails");
    TEST_CHECK(strstr(vstring_str(why), "refused") != NULL, "reason: %s", vstring_str(why));
    TEST_INT_EQ(inet_connect("25", 1000, why), -1, "connect needs a host");
    TEST_INT_EQ(inet_connect("no-such-host.invalid:25", 1000, why), -1, "unknown host fails");
    vstring_free(why);
}

static void test_unix(void)
{
    VSTRING *why = vstring_alloc(10);
    char path[200], file[200];
    struct stat st;
    int fd, fd2, client, server;
    uid_t uid;
    pid_t pid;

    snprintf(path, sizeof(path), "%s/private", tmpdir);
    fd = unix_listen(path, 0600, 0, why);
    TEST_CHECK(fd >= 0, "unix_listen: %s", vstring_str(why));
    TEST_CHECK(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 07777) == 0600,
               "private socket has mode 0600");
    TEST_INT_EQ(unix_listen(path, 0600, 0, why), -1, "a live socket is not replaced");
    TEST_CHECK(strstr(vstring_str(why), "another process") != NULL, "reason: %s", vstring_str(why));
    client = unix_connect(path, 1000, why);
    server = sock_accept(fd);
    TEST_CHECK(client >= 0 && server >= 0, "unix connect and accept");
    TEST_CHECK(sock_peer_cred(server, &uid, NULL, &pid) == 0 && uid == getuid() && pid == getpid(),
               "peer credentials name this process");
    close(client);
    close(server);
    close(fd);

    fd = unix_listen(path, 0666, 0, why);
    TEST_CHECK(fd >= 0, "a stale socket is replaced: %s", vstring_str(why));
    TEST_CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0666, "public socket mode 0666");
    close(fd);
    unlink(path);
    TEST_INT_EQ(unix_connect(path, 100, why), -1, "connect to an absent socket fails");

    snprintf(file, sizeof(file), "%s/plain", tmpdir);
    close(open(file, O_CREAT | O_WRONLY, 0644));
    TEST_INT_EQ(unix_listen(file, 0600, 0, why), -1, "a regular file is not replaced");
    TEST_CHECK(lstat(file, &st) == 0 && S_ISREG(st.st_mode), "the regular file is intact");
    TEST_INT_EQ(fifo_listen(file, 0622, why), -1, "fifo_listen refuses a regular file");

    snprintf(path, sizeof(path), "%s/pickup", tmpdir);
    fd = fifo_listen(path, 0622, why);
    TEST_CHECK(fd >= 0 && stat(path, &st) == 0 && S_ISFIFO(st.st_mode) &&
                   (st.st_mode & 07777) == 0622,
               "fifo listener with mode 0622: %s", vstring_str(why));
    fd2 = fifo_listen(path, 0622, why);
    TEST_CHECK(fd2 >= 0, "an old fifo is replaced");
    TEST_INT_EQ(fifo_trigger(path, "W", 1, why), 0, "fifo trigger");
    {
        char buf[8];

        TEST_CHECK(read(fd2, buf, sizeof(buf)) == 1 && buf[0] == 'W', "trigger arrives");
        TEST_CHECK(read(fd2, buf, sizeof(buf)) < 0 && errno == EAGAIN, "fifo is non-blocking");
    }
    close(fd);
    close(fd2);
    TEST_INT_EQ(fifo_trigger(path, "W", 1, why), -1, "trigger without a listener fails");
    unlink(path);
    TEST_INT_EQ(fifo_trigger(path, "W", 1, why), -1, "trigger to an absent fifo fails");
    unlink(file);
    vstring_free(why);
}

static void test_nosignal(void)
{
    int sv[2], on = 0;
    socklen_t len = sizeof(on);
    VSTRING *why = vstring_alloc(10);
    int fds[INET_LISTEN_MAX], count, client;
    char endpoint[64];

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    close(sv[1]);
    TEST_CHECK(sock_write_nosignal(sv[0], "x", 1, 1000, NULL) < 0 && errno == EPIPE,
               "write to a closed peer is EPIPE, not SIGPIPE");
    close(sv[0]);

    snprintf(endpoint, sizeof(endpoint), "127.0.0.1:%d", free_port());
    count = inet_listen(endpoint, NULL, fds, INET_LISTEN_MAX, why);
    client = inet_connect(endpoint, 1000, why);
    TEST_CHECK(count == 1 && client >= 0 && sock_set_nodelay(client, 1) == 0 &&
                   getsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, &len) == 0 && on,
               "TCP_NODELAY set");
    TEST_CHECK(client >= 0 && !(fcntl(client, F_GETFL) & O_NONBLOCK), "connected socket blocks");
    close(client);
    close_all(fds, count > 0 ? count : 0);
    vstring_free(why);
}

int main(void)
{
    msg_init("sockets_test");
    if (mkdtemp(tmpdir) == NULL)
        msg_fatal("mkdtemp: %m");
    test_parse();
    test_inet();
    test_unix();
    test_nosignal();
    rmdir(tmpdir);
    return test_summary("sockets_test");
}
