/* tls_proxy_test - client settings and session facts through the tlsproxy attributes */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attr.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

#include "tls.h"
#include "tls_client.h"
#include "tls_proxy.h"
#include "test.h"

/* TEST_UNDER_VALGRIND TEST_LEAK_CHECK */

/* Warnings are captured here instead of going to stderr. */
static VSTRING *warnings;

static void capture(enum msg_level level, const char *text, void *context)
{
    vstring_sprintf_append(warnings, "%s\n", text);
}

/* Two ends of a pipe: what the writer sends, the reader reads. */
typedef struct PIPE {
    VSTREAM *out;
    VSTREAM *in;
} PIPE;

static PIPE pipe_open(void)
{
    int fds[2];

    if (pipe(fds) < 0)
        msg_fatal("pipe: %m");
    return (PIPE){.out = vstream_fdopen(fds[1], VSTREAM_FLAG_WRITE),
                  .in = vstream_fdopen(fds[0], VSTREAM_FLAG_READ)};
}

static void pipe_close(PIPE *p)
{
    if (p->out)
        vstream_close(p->out);
    vstream_close(p->in);
}

/* test_client_props - engine and connection settings arrive as sent */

static void test_client_props(void)
{
    TLS_CLIENT_INIT_PROPS init = {
        .param_prefix = "lmtp",
        .log_param = "lmtp_tls_loglevel",
        .log_level = "1",
        .verifydepth = 7,
        .cache_type = "lmtp",
        .session_timeout = 3600,
        .cert_file = "/etc/cert.pem",
        .key_file = "",
        .CAfile = "/etc/ca.pem",
        .protocols = ">=TLSv1.2",
    };
    TLS_CLIENT_START_PROPS start = {
        .timeout = 30,
        .tls_level = 5,
        .nexthop = "example.com",
        .host = "mx.example.com",
        .addr = "192.0.2.1",
        .port = 2525,
        .namaddr = "mx.example.com[192.0.2.1]:2525",
        .serverid = "smtp",
        .helo = "client.example.net",
        .match = "nexthop:dot-nexthop",
        .enable_rpk = true,
        .pq_mode = 2,
        .tls12_max = true,
    };
    PIPE p = pipe_open();
    HTABLE *table = htable_create(50);
    TLS_PROXY_CLIENT got;
    VSTRING *key = vstring_alloc(100);

    TEST_INT_EQ(tls_proxy_client_print(p.out, &init, &start), 0, "client settings are sent");
    TEST_CHECK(attr_print(p.out, ATTR_FLAG_NONE, ATTR_TYPE_END) == 0 && vstream_fflush(p.out) == 0,
               "the message ends");
    TEST_CHECK(attr_scan_table(p.in, ATTR_FLAG_NONE, NULL, table) > 0, "the message is read");
    TEST_INT_EQ(tls_proxy_client_scan(&got, table), 0, "the settings are taken");
    TEST_STR_EQ(got.init.param_prefix, "lmtp", "init: a string");
    TEST_STR_EQ(got.init.key_file, "", "init: an empty string stays empty");
    TEST_CHECK(got.init.chain_files == NULL, "init: a null string stays null");
    TEST_INT_EQ(got.init.verifydepth, 7, "init: a number");
    TEST_INT_EQ(got.init.session_timeout, 3600, "init: the session timeout");
    TEST_STR_EQ(vstring_str(got.init_key), tls_proxy_init_key(key, &init),
                "the engine key is the sender's");
    TEST_STR_EQ(got.start.host, "mx.example.com", "start: the host");
    TEST_STR_EQ(got.start.match, "nexthop:dot-nexthop", "start: the match names");
    TEST_CHECK(got.start.sni == NULL && got.start.tafile == NULL, "start: null strings stay null");
    TEST_INT_EQ(got.start.port, 2525, "start: the port");
    TEST_INT_EQ(got.start.tls_level, 5, "start: the level");
    TEST_INT_EQ(got.start.timeout, 30, "start: the timeout");
    TEST_INT_EQ(got.start.pq_mode, 2, "start: the post-quantum mode");
    TEST_CHECK(got.start.enable_rpk && got.start.tls12_max, "start: the booleans");
    TEST_CHECK(got.start.dane == NULL && got.start.ctx == NULL, "start: no pointers arrive");

    /* Null and empty differ: two engines, not one. */
    init.key_file = NULL;
    TEST_CHECK(strcmp(vstring_str(got.init_key), tls_proxy_init_key(key, &init)) != 0,
               "an unset and an empty setting give different engine keys");
    tls_proxy_client_free(&got);
    vstring_free(key);
    pipe_close(&p);
}

/* facts_round_trip - print a state's facts and read them back */

static TLS_SESS_STATE *facts_round_trip(const TLS_SESS_STATE *state, bool pq, bool tls12,
                                        bool *out_pq, bool *out_tls12)
{
    PIPE p = pipe_open();
    TLS_SESS_STATE *got;

    if (tls_proxy_facts_print(p.out, state, pq, tls12) < 0)
        msg_fatal("facts print failed");
    vstream_close(p.out);
    p.out = NULL;
    got = tls_proxy_facts_scan(p.in, "mx[192.0.2.1]:25", 1, out_pq, out_tls12);
    pipe_close(&p);
    return got;
}

/* test_facts - the facts of a session arrive as sent */

static void test_facts(void)
{
    TLS_SESS_STATE *state = tls_sess_alloc(false, "sender-side", 0);
    TLS_SESS_STATE *got, *again;
    bool pq = true, tls12 = true;

    myfree(state->peer_CN);
    state->peer_CN = mystrdup("mail.example.com");
    myfree(state->issuer_CN);
    state->issuer_CN = mystrdup("Test Root CA");
    myfree(state->peer_cert_fprint);
    state->peer_cert_fprint = mystrdup("AB:CD");
    state->peer_status = TLS_CERT_FLAG_PRESENT | TLS_CERT_FLAG_TRUSTED | TLS_CERT_FLAG_MATCHED |
                         TLS_CERT_FLAG_SECURED;
    state->verify_result = 62;
    state->level = 6;
    state->session_reused = true;
    state->protocol = "TLSv1.3";
    state->cipher_name = "TLS_AES_256_GCM_SHA384";
    state->cipher_usebits = 256;
    state->cipher_algbits = 256;
    state->kex_name = "X25519";
    state->srvr_sig_name = "RSA-PSS";
    state->srvr_sig_bits = 2048;

    got = facts_round_trip(state, false, false, &pq, &tls12);
    TEST_CHECK(got != NULL, "a completed handshake gives a state");
    if (got == NULL)
        return;
    TEST_CHECK(TLS_PROXY_STATE(got), "the state has no SSL object");
    TEST_CHECK(!pq && !tls12, "no retry hints after a completed handshake");
    TEST_STR_EQ(got->namaddr, "mx[192.0.2.1]:25", "the receiver's name for the peer");
    TEST_STR_EQ(got->peer_CN, "mail.example.com", "peer CN");
    TEST_STR_EQ(got->issuer_CN, "Test Root CA", "issuer CN");
    TEST_STR_EQ(got->peer_cert_fprint, "AB:CD", "certificate fingerprint");
    TEST_STR_EQ(got->peer_pkey_fprint, "", "an empty fact stays empty");
    TEST_CHECK(TLS_CERT_IS_SECURED(got) && TLS_CERT_IS_MATCHED(got), "the verification status");
    TEST_INT_EQ(got->verify_result, 62, "the verify result");
    TEST_INT_EQ(got->level, 6, "the level");
    TEST_CHECK(got->session_reused, "resumption");
    TEST_STR_EQ(got->protocol, "TLSv1.3", "protocol");
    TEST_STR_EQ(got->cipher_name, "TLS_AES_256_GCM_SHA384", "cipher");
    TEST_INT_EQ(got->cipher_usebits, 256, "cipher bits");
    TEST_STR_EQ(got->kex_name, "X25519", "key exchange");
    TEST_CHECK(got->kex_curve == NULL, "an absent name stays absent");
    TEST_INT_EQ(got->srvr_sig_bits, 2048, "signature bits");

    again = facts_round_trip(state, false, false, NULL, NULL);
    TEST_CHECK(again && again->cipher_name == got->cipher_name,
               "names are kept once for the process");
    tls_sess_free(again);
    tls_sess_free(got);
    tls_sess_free(state);

    got = facts_round_trip(NULL, true, false, &pq, &tls12);
    TEST_CHECK(got == NULL, "a failed handshake gives no state");
    TEST_CHECK(pq && !tls12, "with the retry hints");
}

/* test_malformed - a message without the outcome */

static void test_malformed(void)
{
    PIPE p = pipe_open();
    TLS_SESS_STATE *got;

    (void)attr_print(p.out, ATTR_FLAG_NONE, SEND_ATTR_STR("tls.peer_CN", "x"), ATTR_TYPE_END);
    vstream_close(p.out);
    p.out = NULL;
    got = tls_proxy_facts_scan(p.in, "mx[192.0.2.1]:25", 0, NULL, NULL);
    TEST_CHECK(got == NULL, "a message without the outcome is refused");
    TEST_CHECK(strstr(vstring_str(warnings), "malformed or missing handshake result") != NULL,
               "and logged");
    pipe_close(&p);

    p = pipe_open();
    (void)attr_print(p.out, ATTR_FLAG_NONE, SEND_ATTR_INT("tls.handshake", 1),
                     SEND_ATTR_STR("tls.peer_status", "many"), ATTR_TYPE_END);
    vstream_close(p.out);
    p.out = NULL;
    got = tls_proxy_facts_scan(p.in, "mx[192.0.2.1]:25", 0, NULL, NULL);
    TEST_CHECK(got == NULL, "a fact that should be a number is refused");
    pipe_close(&p);
}

int main(void)
{
    warnings = vstring_alloc(200);
    msg_output_add(capture, NULL);
    msg_stderr_enable(0);
    test_client_props();
    test_facts();
    test_malformed();
    vstring_free(warnings);
    return test_summary("tls_proxy_test");
}
