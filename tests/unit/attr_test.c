/* attr_test - attribute protocol: round trips, malformed input, limits, deadlines, client */

#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attr.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "timed_io.h"
#include "vstream.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

/* Warnings are captured here instead of going to stderr. */
static VSTRING *warnings;

static void capture(enum msg_level level, const char *text, void *context)
{
    vstring_sprintf_append(warnings, "%s\n", text);
}

static int warned(const char *needle)
{
    int found = strstr(vstring_str(warnings), needle) != NULL;

    VSTRING_RESET(warnings);
    return found;
}

/* Raw message construction for malformed input. */
static void raw_attr(VSTRING *out, int type, const char *name, size_t name_len, uint32_t len,
                     const void *value, size_t value_len)
{
    unsigned char head[4] = {len >> 24, len >> 16, len >> 8, len};

    vstring_addch(out, type);
    vstring_addch(out, (int)name_len);
    vstring_memcat(out, name, name_len);
    vstring_memcat(out, head, 4);
    vstring_memcat(out, value, value_len);
}

/* scan_bytes - attr_scan a fixed byte string with one STR "name" and one DATA "blob" */

static int scan_bytes(const VSTRING *bytes, int flags, const ATTR_OPTS *opts, VSTRING *str,
                      VSTRING *data)
{
    VSTRING *copy = vstring_alloc(VSTRING_LEN(bytes) + 1);
    VSTREAM *in;
    int n;

    vstring_memcpy(copy, vstring_str(bytes), VSTRING_LEN(bytes));
    in = vstream_memopen(copy, VSTREAM_FLAG_READ);
    n = attr_scan_opts(in, flags, opts, RECV_ATTR_STR("name", str), RECV_ATTR_DATA("blob", data),
                       ATTR_TYPE_END);
    vstream_close(in);
    vstring_free(copy);
    return n;
}

static void test_round_trip(void)
{
    static const char binary[] = {'a', 0, 'b', 0, 0, (char)0xff, '\n'};
    VSTRING *wire = vstring_alloc(100), *str = vstring_alloc(10), *empty = vstring_alloc(10);
    VSTRING *data = vstring_alloc(10), *nodata = vstring_alloc(10);
    VSTREAM *stream = vstream_memopen(wire, VSTREAM_FLAG_WRITE);
    int i1 = 0, i2 = 0, i3 = 0;
    long l1 = 0, l2 = 0;

    TEST_INT_EQ(attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT("zero", 0),
                           SEND_ATTR_INT("min", INT_MIN), SEND_ATTR_INT("max", INT_MAX),
                           SEND_ATTR_LONG("lmin", LONG_MIN), SEND_ATTR_LONG("lmax", LONG_MAX),
                           SEND_ATTR_STR("text", "hello world"), SEND_ATTR_STR("empty", ""),
                           SEND_ATTR_DATA("bin", sizeof(binary), binary),
                           SEND_ATTR_DATA("nodata", 0, NULL), ATTR_TYPE_END),
                0, "print every type");
    vstream_close(stream);
    stream = vstream_memopen(wire, VSTREAM_FLAG_READ);
    vstring_strcpy(empty, "not empty");
    TEST_INT_EQ(attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_INT("zero", &i1),
                          RECV_ATTR_INT("min", &i2), RECV_ATTR_INT("max", &i3),
                          RECV_ATTR_LONG("lmin", &l1), RECV_ATTR_LONG("lmax", &l2),
                          RECV_ATTR_STR("text", str), RECV_ATTR_STR("empty", empty),
                          RECV_ATTR_DATA("bin", data), RECV_ATTR_DATA("nodata", nodata),
                          ATTR_TYPE_END),
                9, "strict scan of every type");
    TEST_CHECK(i1 == 0 && i2 == INT_MIN && i3 == INT_MAX, "int values");
    TEST_CHECK(l1 == LONG_MIN && l2 == LONG_MAX, "long values");
    TEST_STR_EQ(vstring_str(str), "hello world", "string value");
    TEST_CHECK(VSTRING_LEN(empty) == 0, "empty string value");
    TEST_CHECK(VSTRING_LEN(data) == sizeof(binary) && memcmp(vstring_str(data), binary, 7) == 0,
               "binary data with null bytes");
    TEST_CHECK(VSTRING_LEN(nodata) == 0, "empty data value");
    TEST_INT_EQ(attr_scan(stream, ATTR_FLAG_NONE, ATTR_TYPE_END), -1, "end of input after");
    vstream_close(stream);

    /* The byte layout is the protocol: pin it down. */
    VSTRING_RESET(wire);
    stream = vstream_memopen(wire, VSTREAM_FLAG_WRITE);
    attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT("n", 258), SEND_ATTR_STR("s", "ok"),
               ATTR_TYPE_END);
    vstream_close(stream);
    TEST_CHECK(VSTRING_LEN(wire) == 11 + 9 + 1 && memcmp(vstring_str(wire),
                                                         "\1\1n\0\0\0\4\0\0\1\2"
                                                         "\3\1s\0\0\0\2ok"
                                                         "\0",
                                                         21) == 0,
               "wire format: type, name length, name, 32-bit length, value, terminator");
    vstring_free(wire);
    vstring_free(str);
    vstring_free(empty);
    vstring_free(data);
    vstring_free(nodata);
}

static void test_flags_and_table(void)
{
    VSTRING *wire = vstring_alloc(100), *req = vstring_alloc(10), *name = vstring_alloc(10);
    VSTREAM *stream = vstream_memopen(wire, VSTREAM_FLAG_WRITE);
    HTABLE *table;
    int size = 0, missing = 7;
    long number = 0;

    attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_STR("request", "lookup"),
               SEND_ATTR_STR("cache_type", "smtpd"), SEND_ATTR_INT("size", 42),
               SEND_ATTR_STR("extra", "x"), ATTR_TYPE_END);
    attr_print(stream, ATTR_FLAG_MORE, SEND_ATTR_STR("request", "update"), ATTR_TYPE_END);
    attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_LONG("when", -5),
               SEND_ATTR_DATA("blob", 3, "a\0b"), ATTR_TYPE_END);
    attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_STR("a", "1"), SEND_ATTR_STR("a", "2"),
               ATTR_TYPE_END);
    vstream_close(stream);

    stream = vstream_memopen(wire, VSTREAM_FLAG_READ);
    TEST_INT_EQ(attr_scan(stream, ATTR_FLAG_MORE, RECV_ATTR_STR("request", req), ATTR_TYPE_END), 1,
                "more: read the request first");
    TEST_INT_EQ(attr_scan(stream, ATTR_FLAG_NONE, RECV_ATTR_INT("size", &size),
                          RECV_ATTR_STR("cache_type", name), RECV_ATTR_INT("missing", &missing),
                          ATTR_TYPE_END),
                2, "lenient: any order, extra skipped, missing not counted");
    TEST_CHECK(size == 42 && strcmp(vstring_str(name), "smtpd") == 0 && missing == 7,
               "lenient values");
    table = htable_create(0);
    TEST_INT_EQ(attr_scan_table(stream, ATTR_FLAG_NONE, NULL, table), 3, "table scan");
    TEST_STR_EQ(attr_table_str(table, "request"), "update", "table string");
    TEST_CHECK(attr_table_long(table, "when", &number) == 0 && number == -5, "table long");
    TEST_CHECK(((VSTRING *)htable_find(table, "blob"))->len == 3, "table data keeps null bytes");
    TEST_INT_EQ(attr_table_long(table, "request", &number), -1, "table: not a number");
    TEST_CHECK(attr_table_str(table, "nothing") == NULL, "table: absent");
    attr_table_free(table);
    table = htable_create(0);
    TEST_INT_EQ(attr_scan_table(stream, ATTR_FLAG_NONE, NULL, table), -1,
                "table: duplicate refused");
    TEST_CHECK(warned("appears twice"), "duplicate warning");
    attr_table_free(table);
    vstream_close(stream);
    vstring_free(wire);
    vstring_free(req);
    vstring_free(name);
}

/* One malformed-input case: bytes, flags, options, the warning it must give. */
static void expect_reject(const VSTRING *bytes, int flags, const ATTR_OPTS *opts,
                          const char *warning, const char *what)
{
    VSTRING *str = vstring_alloc(10), *data = vstring_alloc(10);
    int n = scan_bytes(bytes, flags, opts, str, data);

    TEST_CHECK(n == -1 && warned(warning), "%s: rejected with \"%s\"", what, warning);
    TEST_CHECK(str->size < 100000 && data->size < 100000, "%s: no large allocation", what);
    vstring_free(str);
    vstring_free(data);
}

static void test_malformed(void)
{
    VSTRING *b = vstring_alloc(100), *good = vstring_alloc(100);
    VSTRING *str = vstring_alloc(10), *data = vstring_alloc(10);
    char long_name[ATTR_NAME_MAX + 2];
    int all_rejected = 1, all_warned = 1;

    memset(long_name, 'n', sizeof(long_name));
    raw_attr(good, ATTR_TYPE_STR, "name", 4, 3, "abc", 3);
    raw_attr(good, ATTR_TYPE_DATA, "blob", 4, 4, "\0\1\2\3", 4);
    vstring_addch(good, ATTR_TYPE_END);
    TEST_INT_EQ(scan_bytes(good, ATTR_FLAG_STRICT, NULL, str, data), 2, "hand-made message");

    VSTRING_RESET(b);
    raw_attr(b, 7, "name", 4, 0, "", 0);
    expect_reject(b, 0, NULL, "unknown attribute type 0x07", "bad type byte");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_STR, "", 0, 0, "", 0);
    expect_reject(b, 0, NULL, "name length 0", "empty name");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_STR, long_name, ATTR_NAME_MAX + 1, 0, "", 0);
    expect_reject(b, 0, NULL, "name length 65", "name too long");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_STR, "na me", 5, 0, "", 0);
    expect_reject(b, 0, NULL, "malformed attribute name", "bad name bytes");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_DATA, "blob", 4, 0xffffffffU, "", 0);
    expect_reject(b, 0, NULL, "exceeds the limit of 1048576", "4 GB declared length");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_DATA, "blob", 4, 1000000, "0123456789", 10);
    expect_reject(b, 0, NULL, "premature end", "declared length larger than the data");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_STR, "name", 4, 11, "01234567890", 11);
    expect_reject(b, 0, &(ATTR_OPTS){.value_max = 10, .peer = "test peer"},
                  "test peer: attribute \"name\": value of 11 bytes exceeds the limit of 10",
                  "per-call value limit, peer named");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_INT, "n", 1, 3, "abc", 3);
    expect_reject(b, 0, NULL, "length 3 is wrong for type int", "int of 3 bytes");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_STR, "name", 4, 3, "a\0c", 3);
    expect_reject(b, 0, NULL, "null byte in a string", "null byte in a string");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_STR, "other", 5, 1, "x", 1);
    vstring_addch(b, 0);
    expect_reject(b, ATTR_FLAG_STRICT, NULL, "\"other\" where \"name\" was expected",
                  "strict: wrong name");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_INT, "name", 4, 4, "abcd", 4);
    expect_reject(b, ATTR_FLAG_STRICT, NULL, "type int where string was expected",
                  "strict: wrong type");
    expect_reject(b, 0, NULL, "type int where string was expected", "lenient: wrong type");
    VSTRING_RESET(b);
    vstring_memcat(b, vstring_str(good), VSTRING_LEN(good) - 1);
    raw_attr(b, ATTR_TYPE_STR, "extra", 5, 1, "x", 1);
    vstring_addch(b, 0);
    expect_reject(b, ATTR_FLAG_STRICT, NULL, "unexpected attribute \"extra\"",
                  "strict: extra attribute");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_STR, "name", 4, 1, "x", 1);
    vstring_addch(b, 0);
    expect_reject(b, ATTR_FLAG_STRICT, NULL, "ends before attribute \"blob\"",
                  "strict: missing attribute");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_STR, "name", 4, 1, "x", 1);
    raw_attr(b, ATTR_TYPE_STR, "name", 4, 1, "y", 1);
    vstring_addch(b, 0);
    expect_reject(b, 0, NULL, "\"name\" appears twice", "lenient: duplicate");
    VSTRING_RESET(b);
    for (int i = 0; i < 3; i++)
        raw_attr(b, ATTR_TYPE_STR, "x", 1, 1, "x", 1);
    expect_reject(b, 0, &(ATTR_OPTS){.count_max = 2}, "more than 2 attributes",
                  "attribute count limit");
    VSTRING_RESET(b);
    for (int i = 0; i < ATTR_DEFAULT_COUNT_MAX + 1; i++)
        raw_attr(b, ATTR_TYPE_STR, "x", 1, 0, "", 0);
    expect_reject(b, 0, NULL, "more than 1024 attributes", "default attribute count limit");
    VSTRING_RESET(b);
    raw_attr(b, ATTR_TYPE_STR, "x", 1, 6, "123456", 6);
    raw_attr(b, ATTR_TYPE_STR, "y", 1, 6, "123456", 6);
    expect_reject(b, 0, &(ATTR_OPTS){.message_max = 10}, "message exceeds the limit of 10",
                  "message size limit");
    VSTRING_RESET(b);
    expect_reject(b, 0, NULL, "", "empty input");

    /* A valid message cut at every byte offset. */
    for (size_t cut = 0; cut < VSTRING_LEN(good); cut++) {
        vstring_memcpy(b, vstring_str(good), cut);
        all_rejected &= scan_bytes(b, ATTR_FLAG_STRICT, NULL, str, data) == -1;
        all_warned &= cut == 0 ? VSTRING_LEN(warnings) == 0 : warned("premature end");
    }
    TEST_CHECK(all_rejected, "truncated at each of %zu offsets: rejected", VSTRING_LEN(good));
    TEST_CHECK(all_warned, "truncated: warned, except a clean end before the first byte");
    vstring_free(b);
    vstring_free(good);
    vstring_free(str);
    vstring_free(data);
}

static void test_deadline(void)
{
    VSTRING *b = vstring_alloc(100), *str = vstring_alloc(10), *data = vstring_alloc(10);
    VSTREAM *stream;
    int64_t start, elapsed;
    int sv[2], n, status;
    pid_t pid;

    /* Half a message, then silence. */
    raw_attr(b, ATTR_TYPE_STR, "name", 4, 100, "abc", 3);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    if ((pid = fork()) == 0) {
        (void)!write(sv[1], vstring_str(b), VSTRING_LEN(b));
        sleep(10);
        _exit(0);
    }
    close(sv[1]);
    stream = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    vstream_set_timeout_ms(stream, 300);
    start = monotonic_ms();
    n = attr_scan(stream, 0, RECV_ATTR_STR("name", str), ATTR_TYPE_END);
    elapsed = monotonic_ms() - start;
    TEST_CHECK(n == -1 && vstream_ftimeout(stream) && warned("timeout"),
               "a stalled peer hits the deadline");
    TEST_CHECK(elapsed >= 290 && elapsed < 3000, "deadline took %lld ms", (long long)elapsed);
    TEST_INT_EQ(vstream_timeout_ms(stream), 300, "the stream's timeout is unchanged");
    kill(pid, SIGKILL);
    test_waitpid(pid, &status, 30);
    vstream_close(stream);

    /* A peer that trickles one byte every 50 ms cannot stretch the deadline. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    if ((pid = fork()) == 0) {
        for (size_t i = 0; i < VSTRING_LEN(b); i++) {
            (void)!write(sv[1], vstring_str(b) + i, 1);
            usleep(50000);
        }
        sleep(10);
        _exit(0);
    }
    close(sv[1]);
    stream = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    vstream_set_timeout_ms(stream, 400);
    start = monotonic_ms();
    n = attr_scan(stream, 0, RECV_ATTR_STR("name", str), ATTR_TYPE_END);
    elapsed = monotonic_ms() - start;
    TEST_CHECK(n == -1 && elapsed < 1500 && warned("timeout"),
               "a trickling peer hits the message deadline (%lld ms)", (long long)elapsed);
    kill(pid, SIGKILL);
    test_waitpid(pid, &status, 30);
    vstream_close(stream);
    vstring_free(b);
    vstring_free(str);
    vstring_free(data);
}

static void test_hello(void)
{
    VSTRING *wire = vstring_alloc(100);
    VSTREAM *stream = vstream_memopen(wire, VSTREAM_FLAG_WRITE);

    attr_hello_send(stream, "tlsmgr", 2);
    attr_hello_send(stream, "tlsmgr", 2);
    attr_hello_send(stream, "tlsmgr", 2);
    vstream_close(stream);
    stream = vstream_memopen(wire, VSTREAM_FLAG_READ);
    TEST_INT_EQ(attr_hello_expect(stream, "tlsmgr", 2, NULL), 0, "hello accepted");
    TEST_INT_EQ(attr_hello_expect(stream, "cleanup", 2, NULL), -1, "other protocol refused");
    TEST_CHECK(warned("protocol \"tlsmgr\" where \"cleanup\" was expected"), "protocol warning");
    TEST_INT_EQ(attr_hello_expect(stream, "tlsmgr", 3, NULL), -1, "other version refused");
    TEST_CHECK(warned("version 2 where version 3"), "version warning");
    vstream_close(stream);
    vstring_free(wire);
}

/* The test server: greets, then answers "echo", "close" (reply, then hang up),
 * "linger" (reply, wait without reading, hang up), "stall" (never reply) and
 * "exit" (reply, then exit). Replies carry the
 * number of requests served on the connection. */
static void serve(int listen_fd, const char *protocol, int version)
{
    VSTRING *request = vstring_alloc(10), *value = vstring_alloc(10);

    for (;;) {
        int fd, served = 0;
        VSTREAM *stream;

        poll_fd(listen_fd, POLLIN, -1);
        if ((fd = sock_accept(listen_fd)) < 0)
            continue;
        stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
        vstream_set_io(stream, NULL, sock_write_nosignal, NULL);
        attr_hello_send(stream, protocol, version);
        while (attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_STR("request", request),
                         RECV_ATTR_DATA("value", value), ATTR_TYPE_END) == 2) {
            const char *req = vstring_str(request);

            if (strcmp(req, "stall") == 0)
                sleep(30);
            attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT("status", 0),
                       SEND_ATTR_INT("served", ++served),
                       SEND_ATTR_DATA("value", VSTRING_LEN(value), vstring_str(value)),
                       ATTR_TYPE_END);
            if (strcmp(req, "exit") == 0)
                _exit(0);
            if (strcmp(req, "close") == 0)
                break;
            if (strcmp(req, "linger") == 0) {
                usleep(200000);
                break;
            }
        }
        vstream_close(stream);
    }
}

static pid_t start_server(int listen_fd, const char *protocol, int version)
{
    pid_t pid = fork();

    if (pid == 0) {
        serve(listen_fd, protocol, version);
        _exit(0);
    }
    return pid;
}

static void stop_server(pid_t pid)
{
    int status;

    kill(pid, SIGKILL);
    test_waitpid(pid, &status, 30);
}

/* request - one client request; returns attr_clnt_request()'s result */

static int request(ATTR_CLNT *clnt, const char *req, int *served, VSTRING *value)
{
    int status = -1;

    *served = 0;
    return attr_clnt_request(clnt, ATTR_FLAG_NONE, SEND_ATTR_STR("request", req),
                             SEND_ATTR_DATA("value", 5, "v\0lue"), ATTR_TYPE_END, ATTR_FLAG_STRICT,
                             RECV_ATTR_INT("status", &status), RECV_ATTR_INT("served", served),
                             RECV_ATTR_DATA("value", value), ATTR_TYPE_END);
}

static void test_client(void)
{
    char dir[] = "/tmp/attr_test.XXXXXX", path[100], endpoint[120], expect[200];
    VSTRING *why = vstring_alloc(10), *value = vstring_alloc(10);
    ATTR_CLNT *clnt;
    int listen_fd, served, n;
    pid_t server;
    int64_t start;

    mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/tlsmgr", dir);
    snprintf(endpoint, sizeof(endpoint), "unix:%s", path);
    clnt = attr_clnt_create(endpoint, 1, 0, 0);
    attr_clnt_set_protocol(clnt, "test", 1);

    VSTRING_RESET(warnings);
    start = monotonic_ms();
    TEST_INT_EQ(request(clnt, "echo", &served, value), -1, "server absent: -1");
    TEST_CHECK(monotonic_ms() - start < 1000, "server absent: quick");
    snprintf(expect, sizeof(expect), "warning: connect to %s: No such file or directory\n", path);
    TEST_CHECK(strcmp(vstring_str(warnings), expect) == 0,
               "server absent: one warning that names the socket once: %s", vstring_str(warnings));
    VSTRING_RESET(warnings);

    listen_fd = unix_listen(path, 0600, 0, why);
    server = start_server(listen_fd, "test", 1);
    n = request(clnt, "echo", &served, value);
    TEST_CHECK(n == 3 && served == 1 && VSTRING_LEN(value) == 5 &&
                   memcmp(vstring_str(value), "v\0lue", 5) == 0,
               "request and reply");
    TEST_CHECK(request(clnt, "echo", &served, value) == 3 && served == 2,
               "the connection is reused");
    TEST_CHECK(request(clnt, "close", &served, value) == 3 && served == 3,
               "the server hangs up after replying");
    TEST_CHECK(request(clnt, "echo", &served, value) == 3 && served == 1,
               "a closed connection is replaced");

    /* The next request is sent before the server hangs up unread: resent once. */
    TEST_CHECK(request(clnt, "linger", &served, value) == 3 && served == 2,
               "the server lingers, then hangs up");
    TEST_CHECK(request(clnt, "echo", &served, value) == 3 && served == 1,
               "a request lost to a hang-up is sent again on a new connection");
    TEST_CHECK(vstring_empty(warnings), "a successful resend is silent: %s", vstring_str(warnings));

    /* The server dies between requests and a new one takes over. */
    stop_server(server);
    server = start_server(listen_fd, "test", 1);
    TEST_CHECK(request(clnt, "echo", &served, value) == 3 && served == 1,
               "server restarted between requests: the request succeeds");
    VSTRING_RESET(warnings);

    /* The server exits right after a reply and nobody takes over. */
    TEST_CHECK(request(clnt, "exit", &served, value) == 3, "last reply before the server exits");
    test_waitpid(server, NULL, 30);
    TEST_INT_EQ(request(clnt, "echo", &served, value), -1, "server gone: -1, not fatal");
    VSTRING_RESET(warnings);

    server = start_server(listen_fd, "test", 1);
    start = monotonic_ms();
    TEST_INT_EQ(request(clnt, "stall", &served, value), -1, "a stalled server: -1");
    TEST_CHECK(monotonic_ms() - start < 2500 && warned("timeout"), "stall ends at the timeout");
    stop_server(server);

    server = start_server(listen_fd, "test", 2);
    TEST_INT_EQ(request(clnt, "echo", &served, value), -1, "server speaks another version");
    TEST_CHECK(warned("version 2 where version 1"), "version mismatch warned");
    stop_server(server);
    attr_clnt_free(clnt);

    server = start_server(listen_fd, "test", 1);
    clnt = attr_clnt_create(path, 1, 0, 1);
    attr_clnt_set_protocol(clnt, "test", 1);
    request(clnt, "echo", &served, value);
    TEST_INT_EQ(request(clnt, "echo", &served, value), 3, "plain path endpoint");
    TEST_INT_EQ(served, 2, "reused within max_ttl");
    usleep(1050000);
    request(clnt, "echo", &served, value);
    TEST_INT_EQ(served, 1, "replaced after max_ttl");
    stop_server(server);
    attr_clnt_free(clnt);

    close(listen_fd);
    unlink(path);
    rmdir(dir);
    vstring_free(why);
    vstring_free(value);
}

/* compiles - does a snippet using attr.h compile with the build's warnings? */

static int compiles(const char *body)
{
    char src[] = "/tmp/attr_test_src.XXXXXX";
    const char *cc = getenv("CC") ? getenv("CC") : "cc";
    char cmd[512];
    FILE *fp;
    int fd = mkstemp(src), status;

    fp = fdopen(fd, "w");
    fprintf(fp, "#include \"attr.h\"\nint f(VSTREAM *s);\nint f(VSTREAM *s)\n{\n%s\n}\n", body);
    fclose(fp);
    snprintf(cmd, sizeof(cmd),
             "%s -std=c11 -D_GNU_SOURCE -Wall -Werror -Isrc/util -fsyntax-only -x c %s "
             ">/dev/null 2>&1",
             cc, src);
    status = system(cmd);
    unlink(src);
    return status == 0;
}

static void test_type_checks(void)
{
    TEST_CHECK(compiles("int i; long l; VSTRING *v = 0;\n"
                        "attr_print(s, 0, SEND_ATTR_STR(\"a\", \"x\"), SEND_ATTR_INT(\"b\", 1),"
                        " ATTR_TYPE_END);\n"
                        "return attr_scan(s, 0, RECV_ATTR_INT(\"b\", &i),"
                        " RECV_ATTR_LONG(\"c\", &l), RECV_ATTR_STR(\"a\", v), ATTR_TYPE_END);"),
               "well-typed arguments compile");
    TEST_CHECK(!compiles("return attr_print(s, 0, SEND_ATTR_STR(\"a\", 42), ATTR_TYPE_END);"),
               "an int as a string does not compile");
    TEST_CHECK(!compiles("return attr_print(s, 0, SEND_ATTR_INT(\"a\", \"x\"), ATTR_TYPE_END);"),
               "a string as an int does not compile");
    TEST_CHECK(!compiles("long l; return attr_scan(s, 0, RECV_ATTR_INT(\"a\", &l),"
                         " ATTR_TYPE_END);"),
               "a long * as an int * does not compile");
    TEST_CHECK(!compiles("char buf[9]; return attr_scan(s, 0, RECV_ATTR_STR(\"a\", buf),"
                         " ATTR_TYPE_END);"),
               "a char buffer as a VSTRING does not compile");
}

int main(void)
{
    msg_init("attr_test");
    warnings = vstring_alloc(1000);
    msg_output_add(capture, NULL);
    msg_stderr_enable(0);
    test_round_trip();
    test_flags_and_table();
    test_malformed();
    test_deadline();
    test_hello();
    test_client();
    test_type_checks();
    vstring_free(warnings);
    return test_summary("attr_test");
}
