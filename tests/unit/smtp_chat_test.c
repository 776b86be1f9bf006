/*
 * smtp_chat_test - reading server replies: enhanced status codes, the
 * deadline for a whole reply, the line cap, input left unread
 *
 * smtp_chat.c is compiled in; the one outside function it calls
 * (smtp_site_fail) is a stand-in that records what it was given. The
 * server is a child process on the other end of a socket pair.
 */
/* TEST_UNDER_VALGRIND */

#include <sys/socket.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "test.h"

#include "../../src/smtp/smtp_chat.c"

static char site_dsn[16];  /* last smtp_site_fail() status */
static VSTRING *site_text; /* last smtp_site_fail() text */

/* smtp_site_fail - stand-in: remember the failure */

void smtp_site_fail(SMTP_STATE *state, const char *relay, const char *dsn, const char *format, ...)
{
    va_list ap;

    (void)state;
    (void)relay;
    snprintf(site_dsn, sizeof(site_dsn), "%s", dsn);
    va_start(ap, format);
    VSTRING_RESET(site_text);
    vstring_vsprintf_append(site_text, format, ap);
    va_end(ap);
}

typedef struct DSN_CASE {
    int code;
    const char *line;
    const char *want;
} DSN_CASE;

static const DSN_CASE dsn_cases[] = {
    {250, "250 2.1.5 Ok", "2.1.5"},
    {550, "550 5.1.1 no such user", "5.1.1"},
    {450, "450 4.7.1", "4.7.1"},
    {550, "550-5.7.1 first line", "5.7.1"},
    {550, "550 5.123.456 three digits each", "5.123.456"},
    {450, "450 4..66 text", "4.0.0"},
    {550, "550 5.1.1234 text", "5.0.0"},
    {550, "550 5.1234.1 text", "5.0.0"},
    {450, "450 4.7.1x text", "4.0.0"},
    {450, "450 4.7. text", "4.0.0"},
    {450, "450 4.7 text", "4.0.0"},
    {450, "450 .4.7.1 text", "4.0.0"},
    {550, "550 4.1.1 class differs from the reply", "5.0.0"},
    {550, "550 55.1.1 two-digit class", "5.0.0"},
    {250, "250 Ok", "2.0.0"},
    {250, "250", "2.0.0"},
    {221, "221 2.0.0", "2.0.0"},
    {0, "xyz 1.2.3", "4.0.0"},
    {550, "550 5.1.1\ttab after", "5.0.0"},
};

static void test_parse_dsn(void)
{
    SMTP_RESP resp = {0};

    for (size_t i = 0; i < sizeof(dsn_cases) / sizeof(dsn_cases[0]); i++) {
        resp.code = dsn_cases[i].code;
        smtp_chat_parse_dsn(&resp, dsn_cases[i].line);
        TEST_STR_EQ(resp.dsn, dsn_cases[i].want, "\"%s\"", dsn_cases[i].line);
    }
}

/* Server scripts: what the child writes, and how. */
typedef enum SERVER_SCRIPT {
    SERVER_TRICKLE_LINES, /* "250-" every 100 ms for 6 s, then "250 end" */
    SERVER_TRICKLE_BYTES, /* one byte every 100 ms for 6 s, no newline */
    SERVER_MANY_LINES,    /* 5000 "250-" lines at once, then "250 end" */
    SERVER_EXTRA_REPLY,   /* "250 ok" and an unasked "421" in one write */
    SERVER_CONTROLS,      /* a reply of NUL, ESC and 8-bit bytes */
} SERVER_SCRIPT;

/* server_run - the child: write the script, then wait for the parent to close */

static _Noreturn void server_run(int fd, SERVER_SCRIPT script)
{
    static const char controls[] =
        "\0\xff garbage\r\n550-5.0.0 a\0b\x1b[31mc\td\r\n550 e\x7f\xc3\xa9\rf\r\n";
    char buf[100];

    switch (script) {
    case SERVER_TRICKLE_LINES:
        for (int i = 0; i < 60 && write(fd, "250-trickle\r\n", 13) == 13; i++)
            usleep(100000);
        (void)write(fd, "250 end\r\n", 9);
        break;
    case SERVER_TRICKLE_BYTES:
        for (int i = 0; i < 60 && write(fd, "2", 1) == 1; i++)
            usleep(100000);
        break;
    case SERVER_MANY_LINES:
        for (int i = 0; i < 5000; i++)
            (void)write(fd, "250-many\r\n", 10);
        (void)write(fd, "250 end\r\n", 9);
        break;
    case SERVER_EXTRA_REPLY:
        (void)write(fd, "250 2.0.0 ok\r\n421 4.3.2 going away\r\n", 36);
        break;
    case SERVER_CONTROLS:
        (void)write(fd, controls, sizeof(controls) - 1);
        break;
    }
    while (read(fd, buf, sizeof(buf)) > 0)
        /* void */;
    _exit(0);
}

/* Test session: one connection to a child server. */
typedef struct TEST_SERVER {
    SMTP_CONFIG config;
    SMTP_STATE state;
    SMTP_SESSION session;
    pid_t pid;
} TEST_SERVER;

/* server_start - fork a server with a script, and a session talking to it */

static void server_start(TEST_SERVER *server, SERVER_SCRIPT script)
{
    int sv[2];

    memset(server, 0, sizeof(*server));
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        msg_fatal("socketpair: %m");
    if ((server->pid = fork()) < 0)
        msg_fatal("fork: %m");
    if (server->pid == 0) {
        close(sv[0]);
        server_run(sv[1], script);
    }
    close(sv[1]);
    server->state.config = &server->config;
    server->session.state = &server->state;
    server->session.stream = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    server->session.namaddr = mystrdup("mx.example.com[192.0.2.1]");
    server->session.relay = mystrdup("mx.example.com[192.0.2.1]:25");
    server->session.resp.text = vstring_alloc(100);
    server->session.resp.lines = argv_alloc(10);
    server->session.doing = "receiving the initial server greeting";
    site_dsn[0] = 0;
    VSTRING_RESET(site_text);
}

/* server_stop - close the session, reap the child */

static void server_stop(TEST_SERVER *server)
{
    int status;

    vstream_close(server->session.stream);
    if (test_waitpid(server->pid, &status, 10) < 0)
        msg_warn("server %d: %m", (int)server->pid);
    myfree(server->session.namaddr);
    myfree(server->session.relay);
    vstring_free(server->session.resp.text);
    argv_free(server->session.resp.lines);
}

/* elapsed_ms - milliseconds since start */

static long long elapsed_ms(long long start)
{
    return smtp_chat_now_ms() - start;
}

static void test_deadline(void)
{
    TEST_SERVER server;
    long long start;
    int status;

    server_start(&server, SERVER_TRICKLE_LINES);
    start = smtp_chat_now_ms();
    status = smtp_chat_resp(&server.session, 1);
    TEST_INT_EQ(status, SMTP_FAIL, "trickled 250- lines: the reply fails");
    TEST_CHECK(elapsed_ms(start) < 2500,
               "trickled 250- lines: given up after the 1 s timeout "
               "(took %lld ms)",
               elapsed_ms(start));
    TEST_STR_EQ(site_dsn, "4.4.2", "trickled lines: a soft failure");
    TEST_CHECK(strstr(vstring_str(site_text),
                      "conversation with mx.example.com[192.0.2.1] timed "
                      "out while receiving the initial server greeting") != NULL,
               "trickled lines: logged as a timeout (%s)", vstring_str(site_text));
    server_stop(&server);

    server_start(&server, SERVER_TRICKLE_BYTES);
    start = smtp_chat_now_ms();
    status = smtp_chat_resp(&server.session, 1);
    TEST_INT_EQ(status, SMTP_FAIL, "trickled bytes: the reply fails");
    TEST_CHECK(elapsed_ms(start) < 2500, "trickled bytes: given up after 1 s (took %lld ms)",
               elapsed_ms(start));
    TEST_CHECK(strstr(vstring_str(site_text), "timed out") != NULL, "trickled bytes: a timeout");
    server_stop(&server);

    server_start(&server, SERVER_TRICKLE_BYTES);
    server.config.quit_timeout = 1;
    start = smtp_chat_now_ms();
    smtp_chat_quit_end(&server.session, true);
    TEST_CHECK(elapsed_ms(start) < 2500, "QUIT reply trickled: given up after 1 s (took %lld ms)",
               elapsed_ms(start));
    server_stop(&server);
}

static void test_many_lines(void)
{
    TEST_SERVER server;

    server_start(&server, SERVER_MANY_LINES);
    TEST_INT_EQ(smtp_chat_resp(&server.session, 10), SMTP_OK, "5001-line reply is read");
    TEST_INT_EQ(server.session.resp.code, 250, "5001-line reply: code 250");
    TEST_INT_EQ((long long)server.session.resp.lines->argc, SMTP_LINES_MAX,
                "5001-line reply: at most %d lines kept", SMTP_LINES_MAX);
    TEST_INT_EQ(vstream_timeout_ms(server.session.stream), 10000,
                "the stream keeps the command's timeout after the reply");
    server_stop(&server);
}

static void test_input_pending(void)
{
    TEST_SERVER server;

    server_start(&server, SERVER_EXTRA_REPLY);
    TEST_INT_EQ(smtp_chat_resp(&server.session, 10), SMTP_OK, "reply with an unasked one behind");
    TEST_CHECK(smtp_chat_input_pending(&server.session), "the unasked reply is pending");
    TEST_INT_EQ(smtp_chat_resp(&server.session, 10), SMTP_OK, "the unasked reply is read");
    TEST_INT_EQ(server.session.resp.code, 421, "it is the 421");
    TEST_CHECK(!smtp_chat_input_pending(&server.session), "nothing pending after it");
    server_stop(&server);
}

/* test_controls - control bytes in a reply cannot hide or shape its text */

static void test_controls(void)
{
    TEST_SERVER server;

    server_start(&server, SERVER_CONTROLS);
    TEST_INT_EQ(smtp_chat_resp(&server.session, 10), SMTP_OK, "garbage reply is read");
    TEST_INT_EQ(server.session.resp.code, 0, "garbage reply: malformed");
    TEST_STR_EQ(vstring_str(server.session.resp.text), "?\xff garbage",
                "a NUL does not cut the text short");
    TEST_INT_EQ(smtp_chat_resp(&server.session, 10), SMTP_OK, "reply with control bytes is read");
    TEST_INT_EQ(server.session.resp.code, 550, "reply with control bytes: code 550");
    TEST_STR_EQ(vstring_str(server.session.resp.text), "550-5.0.0 a?b?[31mc\td 550 e?\xc3\xa9?f",
                "NUL, ESC, DEL and a bare CR are '?'; tab and 8-bit bytes stay");
    server_stop(&server);
}

int main(void)
{
    site_text = vstring_alloc(100);
    test_parse_dsn();
    test_deadline();
    test_many_lines();
    test_input_pending();
    test_controls();
    vstring_free(site_text);
    return test_summary("smtp_chat_test");
}
