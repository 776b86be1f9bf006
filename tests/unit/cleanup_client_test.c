/* cleanup_client_test - the cleanup protocol client against a scripted server */

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attr.h"
#include "cleanup_client.h"
#include "msg.h"
#include "rec_type.h"
#include "record.h"
#include "sockets.h"
#include "timed_io.h"
#include "vstream.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

/* What the scripted server does with its one client. */
enum server_mode {
    SERVER_ACCEPT,      /* queue the message: status OK */
    SERVER_TOO_BIG,     /* read it all, then say SIZE */
    SERVER_REFUSE_OPEN, /* refuse at open time */
    SERVER_DIE_AT_MESG, /* hang up when the content starts */
    SERVER_WRONG_HELLO, /* greet with another protocol */
};

#define TEST_QUEUE_ID "4ZxYb251kqzBc1"

static VSTRING *warnings;

static void capture(enum msg_level level, const char *text, void *context)
{
    vstring_sprintf_append(warnings, "%s\n", text);
}

/* serve_records - read records until E, writing "T:data\n" per record to out */

static int serve_records(VSTREAM *stream, VSTREAM *out, enum server_mode mode)
{
    VSTRING *buf = vstring_alloc(100);
    const char *why;
    int type;

    while ((type = rec_get(stream, buf, 100000, &why)) > 0) {
        vstream_printf(out, "%c:%s\n", type, vstring_str(buf));
        if (type == REC_TYPE_MESG && mode == SERVER_DIE_AT_MESG)
            break;
        if (type == REC_TYPE_END)
            break;
    }
    vstream_fflush(out);
    vstring_free(buf);
    return type;
}

/* serve - one client session in the child process */

static void serve(int listen_fd, enum server_mode mode, const char *transcript)
{
    VSTREAM *stream, *out;
    int fd, flags = -1;

    if (poll_fd(listen_fd, POLLIN, 5000) <= 0 || (fd = sock_accept(listen_fd)) < 0)
        _exit(1);
    stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    vstream_set_timeout(stream, 5);
    attr_hello_send(stream, mode == SERVER_WRONG_HELLO ? "other" : CLEANUP_PROTOCOL,
                    CLEANUP_PROTOCOL_VERSION);
    if (attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_INT(CLEANUP_ATTR_FLAGS, &flags),
                  ATTR_TYPE_END) != 1)
        _exit(0);
    out = vstream_fdopen(open(transcript, O_WRONLY | O_CREAT | O_TRUNC, 0600), VSTREAM_FLAG_WRITE);
    vstream_printf(out, "flags:%d\n", flags);
    if (mode == SERVER_REFUSE_OPEN) {
        attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT(CLEANUP_ATTR_STATUS, CLEANUP_STAT_WRITE),
                   SEND_ATTR_STR(CLEANUP_ATTR_QUEUE_ID, ""),
                   SEND_ATTR_STR(CLEANUP_ATTR_REASON, "queue file write error"), ATTR_TYPE_END);
        _exit(0);
    }
    attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT(CLEANUP_ATTR_STATUS, CLEANUP_STAT_OK),
               SEND_ATTR_STR(CLEANUP_ATTR_QUEUE_ID, TEST_QUEUE_ID),
               SEND_ATTR_STR(CLEANUP_ATTR_REASON, ""), ATTR_TYPE_END);
    if (serve_records(stream, out, mode) != REC_TYPE_END) {
        vstream_close(out);
        _exit(0);
    }
    vstream_close(out);
    if (mode == SERVER_TOO_BIG)
        attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT(CLEANUP_ATTR_STATUS, CLEANUP_STAT_SIZE),
                   SEND_ATTR_STR(CLEANUP_ATTR_REASON, "message file too big"), ATTR_TYPE_END);
    else
        attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT(CLEANUP_ATTR_STATUS, CLEANUP_STAT_OK),
                   SEND_ATTR_STR(CLEANUP_ATTR_REASON, ""), ATTR_TYPE_END);
    vstream_close(stream);
}

/* Shared fixture: a socket in a private directory. */
static char dir[] = "/tmp/cleanup_client_test.XXXXXX";
static char path[200], transcript[200];
static int listen_fd;

static pid_t start_server(enum server_mode mode)
{
    pid_t pid = fork();

    if (pid == 0) {
        serve(listen_fd, mode, transcript);
        _exit(0);
    }
    return pid;
}

static void wait_server(pid_t pid)
{
    int status;

    test_waitpid(pid, &status, 30);
}

/* read_transcript - what the server received */

static const char *read_transcript(VSTRING *buf)
{
    FILE *fp = fopen(transcript, "r");
    char line[1000];

    VSTRING_RESET(buf);
    if (fp) {
        while (fgets(line, sizeof(line), fp))
            vstring_strcat(buf, line);
        fclose(fp);
    }
    unlink(transcript);
    return vstring_str(buf);
}

static void test_full_session(void)
{
    VSTRING *why = vstring_alloc(10), *reason = vstring_alloc(10), *got = vstring_alloc(100);
    pid_t server = start_server(SERVER_ACCEPT);
    CLEANUP_CLIENT *client = cleanup_open(path, CLEANUP_FLAG_ADD_HEADERS, 5, why);
    int status;

    TEST_CHECK(client != NULL, "open: %s", vstring_str(why));
    if (client == NULL)
        return;
    TEST_STR_EQ(cleanup_queue_id(client), TEST_QUEUE_ID, "queue ID from the server");
    TEST_INT_EQ(cleanup_attr(client, REC_ATTR_CLIENT_ADDRESS, "192.0.2.1"), 0, "attr");
    TEST_INT_EQ(cleanup_sender(client, "a@example.com", "env+2B1", CLEANUP_DSN_RET_HDRS), 0,
                "sender");
    TEST_INT_EQ(cleanup_rcpt(client, "b@example.com", "B@Example.com", "rfc822;B@Example.com",
                             REC_NOTIFY_FAILURE | REC_NOTIFY_DELAY),
                0, "rcpt with DSN fields");
    TEST_INT_EQ(cleanup_rcpt(client, "c@example.com", NULL, NULL, 0), 0, "plain rcpt");
    cleanup_content_line(client, "Subject: hi", 11, 0);
    cleanup_content_line(client, "", 0, 0);
    cleanup_content_line(client, "long ", 5, 1);
    cleanup_content_line(client, "line", 4, 0);
    status = cleanup_finish(client, reason);
    TEST_INT_EQ(status, CLEANUP_STAT_OK, "finish: queued");
    cleanup_close(client);
    wait_server(server);
    TEST_STR_EQ(read_transcript(got),
                "flags:1\n"
                "A:client_address=192.0.2.1\n"
                "A:dsn_envid=env+2B1\n"
                "A:dsn_ret=HDRS\n"
                "S:a@example.com\n"
                "O:B@Example.com\n"
                "o:rfc822;B@Example.com\n"
                "n:12\n"
                "R:b@example.com\n"
                "R:c@example.com\n"
                "M:\n"
                "N:Subject: hi\n"
                "N:\n"
                "L:long \n"
                "N:line\n"
                "X:\n"
                "E:\n",
                "the server received the records in order");
    vstring_free(why);
    vstring_free(reason);
    vstring_free(got);
}

static void test_rejections(void)
{
    VSTRING *why = vstring_alloc(10), *reason = vstring_alloc(10), *got = vstring_alloc(100);
    CLEANUP_CLIENT *client;
    pid_t server;

    server = start_server(SERVER_TOO_BIG);
    client = cleanup_open(path, CLEANUP_FLAG_NONE, 5, why);
    TEST_CHECK(client != NULL, "open for a too large message");
    if (client) {
        cleanup_sender(client, "", NULL, CLEANUP_DSN_RET_NONE);
        cleanup_rcpt(client, "b@example.com", NULL, NULL, 0);
        TEST_INT_EQ(cleanup_finish(client, reason), CLEANUP_STAT_SIZE, "finish: SIZE");
        TEST_STR_EQ(vstring_str(reason), "message file too big", "SIZE reason");
        cleanup_close(client);
    }
    wait_server(server);
    TEST_STR_EQ(read_transcript(got), "flags:0\nS:\nR:b@example.com\nM:\nX:\nE:\n",
                "no content: the M record is still sent");

    server = start_server(SERVER_REFUSE_OPEN);
    client = cleanup_open(path, CLEANUP_FLAG_NONE, 5, why);
    TEST_CHECK(client == NULL && strstr(vstring_str(why), "queue file write error"),
               "refused open: NULL with the server's reason (%s)", vstring_str(why));
    wait_server(server);
    read_transcript(got);

    server = start_server(SERVER_WRONG_HELLO);
    client = cleanup_open(path, CLEANUP_FLAG_NONE, 5, why);
    TEST_CHECK(client == NULL && strstr(vstring_str(why), "greeting"), "wrong greeting: NULL (%s)",
               vstring_str(why));
    kill(server, SIGKILL);
    wait_server(server);
    read_transcript(got);
    VSTRING_RESET(warnings);

    vstring_free(why);
    vstring_free(reason);
    vstring_free(got);
}

static void test_server_death(void)
{
    VSTRING *why = vstring_alloc(10), *reason = vstring_alloc(10), *got = vstring_alloc(100);
    CLEANUP_CLIENT *client;
    pid_t server;
    int status;

    server = start_server(SERVER_DIE_AT_MESG);
    client = cleanup_open(path, CLEANUP_FLAG_NONE, 5, why);
    TEST_CHECK(client != NULL, "open before the server dies");
    if (client == NULL)
        return;
    cleanup_sender(client, "a@example.com", NULL, 0);
    cleanup_rcpt(client, "b@example.com", NULL, NULL, 0);
    cleanup_content_line(client, "Subject: x", 10, 0);
    wait_server(server);
    for (int i = 0; i < 2000; i++)
        cleanup_content_line(client, "0123456789012345678901234567890123456789", 40, 0);
    status = cleanup_finish(client, reason);
    TEST_INT_EQ(status, CLEANUP_STAT_BAD, "server died mid-message: BAD");
    TEST_CHECK(VSTRING_LEN(reason) > 0, "with a reason (%s)", vstring_str(reason));
    cleanup_close(client);
    read_transcript(got);

    unlink(path);
    client = cleanup_open(path, CLEANUP_FLAG_NONE, 1, why);
    TEST_CHECK(client == NULL && strstr(vstring_str(why), path),
               "no server: NULL with a reason naming the socket (%s)", vstring_str(why));
    VSTRING_RESET(warnings);
    vstring_free(why);
    vstring_free(reason);
    vstring_free(got);
}

static void test_strerror(void)
{
    TEST_STR_EQ(cleanup_strerror(CLEANUP_STAT_OK), "success", "strerror OK");
    TEST_STR_EQ(cleanup_strerror(CLEANUP_STAT_SIZE | CLEANUP_STAT_RCPT), "message file too big",
                "strerror: the most severe bit wins");
    TEST_STR_EQ(cleanup_strerror(CLEANUP_STAT_RCPT), "no recipients specified", "strerror RCPT");
}

int main(void)
{
    VSTRING *why = vstring_alloc(10);

    signal(SIGPIPE, SIG_IGN);
    warnings = vstring_alloc(100);
    msg_output_add(capture, NULL);
    msg_stderr_enable(0);
    if (mkdtemp(dir) == NULL)
        msg_fatal("mkdtemp: %m");
    snprintf(path, sizeof(path), "%s/cleanup", dir);
    snprintf(transcript, sizeof(transcript), "%s/transcript", dir);
    if ((listen_fd = unix_listen(path, 0600, 0, why)) < 0)
        msg_fatal("%s", vstring_str(why));
    test_full_session();
    test_rejections();
    test_server_death();
    test_strerror();
    close(listen_fd);
    unlink(path);
    rmdir(dir);
    vstring_free(why);
    vstring_free(warnings);
    return test_summary("cleanup_client_test");
}
