/* tls_stream_test - TLS under a VSTREAM on real sockets: STARTTLS, deadlines, shutdown */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "timed_io.h"
#include "vstream.h"
#include "vstring.h"

#include "tls.h"
#include "tls_client.h"
#include "tls_level.h"
#include "tls_server.h"
#include "tls_stream.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

/* server - the child: STARTTLS, echo one line, report a read timeout, expect close_notify */
static _Noreturn void server(TLS_APPL_STATE *sctx, int fd)
{
    VSTREAM *stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    VSTRING *line = vstring_alloc(100);
    TLS_SESS_STATE *state;
    int timed_out;

    vstream_set_timeout(stream, 10);
    if (vstream_gets(stream, line, 0) == VSTREAM_EOF || strcmp(vstring_str(line), "STARTTLS\r\n"))
        _exit(2);
    vstream_puts(stream, "220 2.0.0 Ready to start TLS\r\n");
    vstream_fflush(stream);
    vstream_purge(stream, VSTREAM_PURGE_BOTH); /* discard what was pipelined after STARTTLS */
    state = tls_server_start(&(TLS_SERVER_START_PROPS){
        .ctx = sctx, .stream = stream, .timeout = 10, .namaddr = "client[127.0.0.1]"});
    if (state == NULL)
        _exit(3);
    vstream_gets(stream, line, 0);
    vstream_printf(stream, "250 got %s", vstring_str(line));
    vstream_fflush(stream);
    vstream_set_timeout_ms(stream, 300);
    timed_out = vstream_gets(stream, line, 0) == VSTREAM_EOF && vstream_ftimeout(stream);
    vstream_clearerr(stream);
    vstream_set_timeout(stream, 10);
    vstream_printf(stream, "250 timeout=%d\r\n", timed_out);
    vstream_fflush(stream);
    if (vstream_gets(stream, line, 0) != VSTREAM_EOF || !state->peer_close_notify)
        _exit(4);
    tls_server_stop(state, stream, 10, false);
    vstream_close(stream);
    _exit(0);
}

static void test_starttls(TLS_APPL_STATE *sctx, TLS_APPL_STATE *cctx)
{
    int sv[2], status = -1;
    pid_t pid;
    VSTREAM *stream;
    VSTRING *line = vstring_alloc(100);
    TLS_SESS_STATE *state;

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    if ((pid = fork()) == 0) {
        close(sv[0]);
        server(sctx, sv[1]);
    }
    close(sv[1]);
    stream = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    vstream_set_timeout(stream, 10);
    /* Plaintext pipelined after STARTTLS must never reach the TLS session. */
    vstream_puts(stream, "STARTTLS\r\nINJECTED\r\n");
    vstream_fflush(stream);
    vstream_gets(stream, line, 0);
    TEST_STR_EQ(vstring_str(line), "220 2.0.0 Ready to start TLS\r\n", "STARTTLS reply");
    vstream_purge(stream, VSTREAM_PURGE_BOTH);
    state = tls_client_start(&(TLS_CLIENT_START_PROPS){
        .ctx = cctx,
        .stream = stream,
        .timeout = 10,
        .tls_level = TLS_LEV_VERIFY,
        .host = "mail.example.com",
        .nexthop = "example.com",
        .namaddr = "mail.example.com[127.0.0.1]:25",
    });
    TEST_CHECK(state != NULL && TLS_CERT_IS_SECURED(state), "client handshake over a socket");
    if (state) {
        vstream_puts(stream, "EHLO client.example.org\r\n");
        vstream_fflush(stream);
        vstream_gets(stream, line, 0);
        TEST_STR_EQ(vstring_str(line), "250 got EHLO client.example.org\r\n",
                    "first line inside TLS is EHLO, not the injected text");
        vstream_gets(stream, line, 0);
        TEST_STR_EQ(vstring_str(line), "250 timeout=1\r\n", "server read deadline expired");
        tls_client_stop(state, stream, 10, false);
    }
    vstream_close(stream);
    test_waitpid(pid, &status, 30);
    TEST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
               "server saw close_notify and ended cleanly (status %d)", status);
    vstring_free(line);
}

static void test_handshake_timeout(TLS_APPL_STATE *sctx)
{
    int sv[2];
    int64_t start;
    TLS_SESS_STATE *state;

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    tls_test_log_reset();
    start = monotonic_ms();
    state = tls_server_start(&(TLS_SERVER_START_PROPS){
        .ctx = sctx, .fd = sv[0], .timeout = 1, .namaddr = "silent[127.0.0.1]"});
    TEST_CHECK(state == NULL, "silent client: handshake fails");
    TEST_CHECK(monotonic_ms() - start >= 950 && monotonic_ms() - start < 3000,
               "after the handshake timeout (%lld ms)", (long long)(monotonic_ms() - start));
    TEST_INT_EQ(tls_test_logged("SSL_accept error from silent[127.0.0.1]: Connection timed out"), 1,
                "timeout logged");
    close(sv[1]);
    tls_test_log_reset();
    state = tls_server_start(&(TLS_SERVER_START_PROPS){
        .ctx = sctx, .fd = sv[0], .timeout = 1, .namaddr = "gone[127.0.0.1]"});
    TEST_CHECK(state == NULL && tls_test_logged("SSL_accept error from gone[127.0.0.1]: lost "
                                                "connection") == 1,
               "closed client: lost connection");
    close(sv[0]);
}

int main(void)
{
    TLS_APPL_STATE *sctx, *cctx;

    msg_stderr_enable(getenv("TLS_TEST_VERBOSE") != NULL);
    tls_test_certs();
    tls_test_capture();
    sctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){.chain_files = tls_test_file("all-chain.pem")});
    cctx = tls_client_init(&(TLS_CLIENT_INIT_PROPS){.CAfile = tls_test_file("root.pem")});
    test_starttls(sctx, cctx);
    test_handshake_timeout(sctx);
    tls_server_free(sctx);
    tls_client_free(cctx);
    return test_summary("tls_stream_test");
}
