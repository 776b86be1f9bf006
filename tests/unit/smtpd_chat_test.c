/*
 * smtpd_chat_test - the SMTP server's line reader against a real TCP peer
 *
 * Each case sends bytes over a loopback TCP connection and then ends the
 * input one way: the client shuts down its write side (end of input),
 * resets the connection (an error), or goes quiet until the stream
 * timeout. The line reader runs in command mode (smtpd_read_command) or
 * in DATA mode (smtpd_read_line in a loop, as the DATA copy does) until it
 * reports the end. A case passes when the reader did not panic, ended for
 * the right reason, and in DATA mode handed on every byte once, in order.
 * A CR at the end of a chunk, with or without input after it, is the
 * corner these cases are about. A last case shows that a reply which
 * repeats client text carries no control or 8-bit byte.
 *
 * TEST_UNDER_VALGRIND
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../src/smtpd/smtpd_chat.c"

#include "test.h"

/* How the client ends its input. */
typedef enum TEST_ENDING {
    TEST_EOF,     /* shutdown(SHUT_WR) */
    TEST_RESET,   /* close with SO_LINGER 0: a TCP reset */
    TEST_TIMEOUT, /* nothing more, connection kept open */
} TEST_ENDING;

/* Which reader runs. */
typedef enum TEST_MODE {
    TEST_COMMAND, /* smtpd_read_command() */
    TEST_DATA,    /* smtpd_read_line() loop */
} TEST_MODE;

typedef struct TEST_CASE {
    const char *name;   /* what the case shows */
    const char *input;  /* bytes the client sends */
    TEST_ENDING ending; /* how the input ends */
    TEST_MODE mode;     /* which reader */
    int limit;          /* line_length_limit */
    int commands;       /* command mode: complete commands read before the end */
} TEST_CASE;

static const TEST_CASE test_cases[] = {
    {"command, bare CR then EOF", "NOOP\r", TEST_EOF, TEST_COMMAND, 2048, 0},
    {"command, bare CR then reset", "NOOP\r", TEST_RESET, TEST_COMMAND, 2048, 0},
    {"command, bare CR then timeout", "NOOP\r", TEST_TIMEOUT, TEST_COMMAND, 2048, 0},
    {"command, two bytes CR then EOF", "A\r", TEST_EOF, TEST_COMMAND, 2048, 0},
    {"command, a lone CR then EOF", "\r", TEST_EOF, TEST_COMMAND, 2048, 0},
    {"command, complete line then bare CR then EOF", "NOOP\r\nNOOP\r", TEST_EOF, TEST_COMMAND, 2048,
     1},
    {"command, complete line then bare CR then timeout", "NOOP\r\nRSET\r", TEST_TIMEOUT,
     TEST_COMMAND, 2048, 1},
    {"command, CR at the length limit then EOF", "NOOP\r", TEST_EOF, TEST_COMMAND, 5, 0},
    {"command, CR at the length limit then reset", "NOOP\r", TEST_RESET, TEST_COMMAND, 5, 0},
    {"command, overlong line ending in CR then timeout", "NOOP NOOP NOOP\r", TEST_TIMEOUT,
     TEST_COMMAND, 5, 0},
    {"command, CR LF split by the limit is one line end", "NOOP\r\nRSET\r\n", TEST_EOF,
     TEST_COMMAND, 5, 2},
    {"command, CR CR then EOF", "NOOP\r\r", TEST_EOF, TEST_COMMAND, 2048, 0},
    {"DATA, bare CR then EOF", "Subject: x\r\n\r\nbody\r", TEST_EOF, TEST_DATA, 2048, 0},
    {"DATA, bare CR then reset", "Subject: x\r\n\r\nbody\r", TEST_RESET, TEST_DATA, 2048, 0},
    {"DATA, bare CR then timeout", "Subject: x\r\n\r\nbody\r", TEST_TIMEOUT, TEST_DATA, 2048, 0},
    {"DATA, dot then bare CR then EOF", "text\r\n.\r", TEST_EOF, TEST_DATA, 2048, 0},
    {"DATA, CR at the length limit then EOF", "0123456789\r", TEST_EOF, TEST_DATA, 11, 0},
    {"DATA, CR at the length limit then timeout", "0123456789\r", TEST_TIMEOUT, TEST_DATA, 11, 0},
    {"DATA, CR LF split by the limit then CR and reset", "0123456789\r\nab\r", TEST_RESET,
     TEST_DATA, 11, 0},
    {"DATA, only CRs then EOF", "\r\r\r\r", TEST_EOF, TEST_DATA, 2, 0},
};

static jmp_buf test_jump; /* msg_panic() lands here */

/* test_connect - a connected loopback TCP pair: out_pair[0] server, [1] client */

static int test_connect(int out_pair[2])
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sin);
    int lsock = socket(AF_INET, SOCK_STREAM, 0);

    if (lsock < 0 || bind(lsock, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
        listen(lsock, 1) < 0 || getsockname(lsock, (struct sockaddr *)&sin, &len) < 0)
        return -1;
    out_pair[1] = socket(AF_INET, SOCK_STREAM, 0);
    if (out_pair[1] < 0 || connect(out_pair[1], (struct sockaddr *)&sin, sizeof(sin)) < 0)
        return -1;
    out_pair[0] = accept(lsock, NULL, NULL);
    close(lsock);
    return out_pair[0] < 0 ? -1 : 0;
}

/* test_arrived - wait (bounded) until the server end holds len unread bytes */

static void test_arrived(int fd, size_t len)
{
    for (int i = 0; i < 500; i++) {
        int avail = 0;

        if (ioctl(fd, FIONREAD, &avail) == 0 && (size_t)avail >= len)
            return;
        usleep(10 * 1000);
    }
}

/* test_end_input - the client sends its bytes and ends its input */

static void test_end_input(int client, int server, const TEST_CASE *tc)
{
    struct linger hard = {.l_onoff = 1, .l_linger = 0};
    size_t len = strlen(tc->input);

    if (write(client, tc->input, len) != (ssize_t)len)
        printf("# write: %s\n", strerror(errno));
    /* The bytes are readable before the reset, so the reader sees both. */
    test_arrived(server, len);
    switch (tc->ending) {
    case TEST_EOF:
        shutdown(client, SHUT_WR);
        break;
    case TEST_RESET:
        setsockopt(client, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
        close(client);
        break;
    case TEST_TIMEOUT:
        break;
    }
}

/* test_read_commands - command mode; returns commands read */

static int test_read_commands(SMTPD_STATE *state)
{
    int count = 0;

    while (smtpd_read_command(state) == 0 && count < 100)
        count++;
    return count;
}

/* test_read_data - DATA mode; the bytes handed on, with line ends put back */

static void test_read_data(SMTPD_STATE *state, VSTRING *out_text)
{
    VSTRING *line = vstring_alloc(100);
    bool partial;

    for (int i = 0;
         i < 1000 && smtpd_read_line(state, line, state->cfg->line_length_limit, &partial) >= 0;
         i++) {
        vstring_memcat(out_text, vstring_str(line), VSTRING_LEN(line));
        if (!partial)
            vstring_strcat(out_text, state->bare_lf_seen ? "\n" : "\r\n");
    }
    vstring_free(line);
}

/* test_run - one case */

static void test_run(const TEST_CASE *tc)
{
    SMTPD_CONFIG cfg = {.line_length_limit = tc->limit, .bare_lf = SMTPD_BARE_LF_NORMALIZE};
    SMTPD_STATE state = {.cfg = &cfg, .namaddr = "client[127.0.0.1]", .where = "CONNECT"};
    VSTRING *text = vstring_alloc(100);
    int pair[2];
    volatile int count = -1;
    SMTPD_END want = tc->ending == TEST_TIMEOUT ? SMTPD_END_TIMEOUT : SMTPD_END_EOF;
    volatile bool panicked = false;

    if (test_connect(pair) < 0) {
        TEST_CHECK(0, "%s: loopback connection: %s", tc->name, strerror(errno));
        vstring_free(text);
        return;
    }
    state.in = state.out = vstream_fdopen(pair[0], VSTREAM_FLAG_RW);
    vstream_set_timeout_ms(state.in, 300);
    state.line = vstring_alloc(100);
    state.scratch = vstring_alloc(100);
    state.reply = vstring_alloc(100);
    test_end_input(pair[1], pair[0], tc);
    msg_set_longjmp(&test_jump);
    if (setjmp(test_jump) != 0)
        panicked = true;
    else if (tc->mode == TEST_COMMAND)
        count = test_read_commands(&state);
    else
        test_read_data(&state, text);
    msg_set_longjmp(NULL);
    TEST_CHECK(!panicked, "%s: the reader does not panic", tc->name);
    if (!panicked) {
        TEST_INT_EQ(state.end, want, "%s: the session ends as %s", tc->name,
                    want == SMTPD_END_EOF ? "lost connection" : "timeout");
        if (tc->mode == TEST_COMMAND)
            TEST_INT_EQ(count, tc->commands, "%s: complete commands read", tc->name);
        else
            TEST_STR_EQ(vstring_str(text), tc->input, "%s: every byte handed on once", tc->name);
    }
    vstream_close(state.in);
    if (tc->ending != TEST_RESET)
        close(pair[1]);
    vstring_free(state.line);
    vstring_free(state.scratch);
    vstring_free(state.reply);
    vstring_free(text);
}

/* test_split_cr - a CR that a chunk boundary splits from its LF stays with the LF */

static void test_split_cr(void)
{
    SMTPD_CONFIG cfg = {.line_length_limit = 5};
    SMTPD_STATE state = {.cfg = &cfg, .namaddr = "client[127.0.0.1]", .where = "CONNECT"};
    int pair[2];
    bool partial;
    VSTRING *line = vstring_alloc(10);

    if (test_connect(pair) < 0) {
        TEST_CHECK(0, "split CR: loopback connection: %s", strerror(errno));
        vstring_free(line);
        return;
    }
    state.in = state.out = vstream_fdopen(pair[0], VSTREAM_FLAG_RW);
    vstream_set_timeout_ms(state.in, 300);
    if (write(pair[1], "ABCD\r\nEFG\r\n", 11) != 11)
        printf("# write: %s\n", strerror(errno));
    shutdown(pair[1], SHUT_WR);
    TEST_INT_EQ(smtpd_read_line(&state, line, 5, &partial), 4, "split CR: first chunk length");
    TEST_CHECK(partial, "split CR: first chunk is partial");
    TEST_INT_EQ(smtpd_read_line(&state, line, 5, &partial), 0, "split CR: the line end follows");
    TEST_CHECK(!partial && !state.bare_lf_seen, "split CR: CR LF ends the line");
    TEST_INT_EQ(smtpd_read_line(&state, line, 5, &partial), 3, "split CR: next line");
    TEST_STR_EQ(vstring_str(line), "EFG", "split CR: next line text");
    TEST_INT_EQ(smtpd_read_line(&state, line, 5, &partial), -1, "split CR: end of input");
    vstream_close(state.in);
    close(pair[1]);
    vstring_free(line);
}

/* test_reply_mask - a reply that repeats client text holds no control or 8-bit byte */

static void test_reply_mask(void)
{
    SMTPD_CONFIG cfg = {.line_length_limit = 100};
    SMTPD_STATE state = {.cfg = &cfg, .namaddr = "client[127.0.0.1]", .where = "VRFY"};
    char got[100];
    ssize_t n;
    int pair[2];

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0) {
        TEST_CHECK(0, "reply mask: socketpair: %s", strerror(errno));
        return;
    }
    state.in = state.out = vstream_fdopen(pair[0], VSTREAM_FLAG_RW);
    state.reply = vstring_alloc(100);
    smtpd_reply(&state, "252 2.0.0 %s", "a\rb\x1b\xff\tc");
    TEST_INT_EQ(smtpd_flush(&state), 0, "reply mask: the reply is sent");
    n = read(pair[1], got, sizeof(got) - 1);
    got[n > 0 ? n : 0] = 0;
    TEST_STR_EQ(got, "252 2.0.0 a?b??\tc\r\n", "reply mask: what the client reads");
    TEST_STR_EQ(vstring_str(state.reply), "252 2.0.0 a?b??\tc", "reply mask: what is logged");
    vstream_close(state.in);
    close(pair[1]);
    vstring_free(state.reply);
}

int main(void)
{
    msg_stderr_enable(0);
    for (size_t i = 0; i < sizeof(test_cases) / sizeof(test_cases[0]); i++)
        test_run(test_cases + i);
    test_split_cr();
    test_reply_mask();
    return test_summary("smtpd_chat_test");
}
