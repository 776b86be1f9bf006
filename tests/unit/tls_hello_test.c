/*
 * tls_hello_test - the ClientHello our client sends under the default
 * settings (size, key shares, groups), the group lists tls_dh builds, and
 * the ClientHello reader of tls_hello.
 *
 * The size budget is one TCP segment of a 1500-byte MTU in the worst
 * common case: IPv6 (40) + TCP with timestamps (32) leaves 1428 bytes.
 */

#include <string.h>

#include <openssl/ssl.h>

#include "msg.h"
#include "vstring.h"

#include "tls.h"
#include "tls_bio.h"
#include "tls_client.h"
#include "tls_dh.h"
#include "tls_hello.h"
#include "tls_level.h"
#include "tls_server.h"
#include "tls_transport.h"
#include "test.h"
#include "tls_test.h"
#include "tls_hello_test.h"

/* TEST_UNDER_VALGRIND */

#define SEGMENT_BUDGET 1428   /* 1500 - IPv6 header - TCP header with timestamps */
#define GROUP_X25519   29     /* TLS code point of x25519 */
#define GROUP_HYBRID   0x11ec /* X25519MLKEM768 */

/* A default client and server in memory; the client's bytes are recorded. */
static void test_default_hello(void)
{
    TLS_APPL_STATE *server_ctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .log_level = "1",
        .chain_files = tls_test_file("all-chain.pem"),
        .serverid = "smtp",
    });
    TLS_APPL_STATE *client_ctx = tls_client_init(&(TLS_CLIENT_INIT_PROPS){.log_level = "1"});
    TLS_MEMPIPE *pipe = tls_mempipe_create(0);
    TLS_TEST_RECORDER recorder;
    VSTRING *sent = vstring_alloc(2000);
    TLS_TRANSPORT ct = tls_test_record(&recorder, tls_mempipe_end(pipe, 0), sent);
    TLS_TRANSPORT st = tls_mempipe_end(pipe, 1);
    TLS_TEST_PAIR pair = {.pipe = pipe};
    WIRE_HELLO hello;
    bool share_x25519 = false;
    int n;

    TEST_CHECK(server_ctx && client_ctx, "default server and client contexts");
    pair.client = tls_client_open(&(TLS_CLIENT_START_PROPS){
        .ctx = client_ctx,
        .transport = &ct,
        .tls_level = TLS_LEV_MAY,
        .nexthop = "example.com",
        .host = "mail.example.com",
        .addr = "192.0.2.1",
        .port = 25,
        .namaddr = "mail.example.com[192.0.2.1]:25",
        .sni = "mail.example.com",
    });
    pair.server = tls_server_open(&(TLS_SERVER_START_PROPS){
        .ctx = server_ctx, .transport = &st, .namaddr = "client[198.51.100.7]"});
    TEST_INT_EQ(tls_test_handshake(&pair), 0, "default handshake completes");
    TEST_INT_EQ(wire_hello(sent, 0, &hello), 0, "first ClientHello found on the wire");
    printf("# first ClientHello: %zu bytes, %d groups, %d key shares\n", hello.record_size,
           hello.ngroups, hello.nshares);
    TEST_CHECK(hello.record_size <= SEGMENT_BUDGET, "first ClientHello fits one segment: %zu <= %d",
               hello.record_size, SEGMENT_BUDGET);
    TEST_CHECK(hello.nshares >= 1 && hello.nshares <= TLS_DH_MAX_SHARES,
               "one or two key shares: %d", hello.nshares);
    for (int i = 0; i < hello.nshares; i++)
        share_x25519 |= hello.shares[i] == GROUP_X25519;
    TEST_CHECK(share_x25519, "an x25519 key share is sent");
    TEST_CHECK(hello.ngroups >= 5, "the configured groups are offered: %d", hello.ngroups);
    TEST_CHECK(pair.client->server_hello, "the engine saw the ServerHello");
    for (n = 1; wire_hello(sent, n, &hello) == 0; n++) {
        printf("# ClientHello %d: %zu bytes, %d key shares\n", n + 1, hello.record_size,
               hello.nshares);
        TEST_CHECK(hello.nshares <= TLS_DH_MAX_SHARES, "ClientHello %d: at most two key shares",
                   n + 1);
    }
    /* The engine describes the last ClientHello (the second after a HelloRetryRequest). */
    wire_hello(sent, n - 1, &hello);
    TEST_INT_EQ(pair.client->hello_count, n, "the engine counted the ClientHellos");
    TEST_INT_EQ((int)pair.client->hello_size, (int)hello.record_size,
                "the engine measured the same size");
    TEST_STR_EQ(pair.client->hello_shares,
                hello.nshares == 1 && hello.shares[0] == GROUP_X25519   ? "x25519"
                : hello.nshares == 1 && hello.shares[0] == GROUP_HYBRID ? "X25519MLKEM768"
                                                                        : "(unexpected)",
                "the engine names the key share of the last ClientHello");
    tls_test_pair_free(&pair);
    tls_server_free(server_ctx);
    tls_client_free(client_ctx);
    vstring_free(sent);
}

/* The lists given to OpenSSL. */
static void test_lists(void)
{
    VSTRING *out = vstring_alloc(100);
    TLS_PARAMS params;

    tls_params_init(&params);
    params.eecdh_auto_curves = "";
    params.ffdhe_auto_groups = " ";
    TEST_INT_EQ(tls_dh_list(out, &params, true, TLS_DH_PQ_DEFAULT), 0,
                "both lists empty: OpenSSL's own configuration");
    TEST_STR_EQ(vstring_str(out), "", "no list");
    TEST_INT_EQ(tls_dh_list(out, &params, false, TLS_DH_PQ_NO), 1,
                "empty lists with pq=no start from the built-in defaults");
    TEST_CHECK(strstr(vstring_str(out), "MLKEM") == NULL && strstr(vstring_str(out), "X25519"),
               "pq=no: classical groups only: %s", vstring_str(out));
    params.eecdh_auto_curves = "prime256v1";
    params.ffdhe_auto_groups = "";
    TEST_INT_EQ(tls_dh_list(out, &params, false, TLS_DH_PQ_DEFAULT), 1, "one list is enough");
#ifdef HAVE_TLS_GROUP_TUPLES
    TEST_STR_EQ(vstring_str(out), "*prime256v1", "its only group gets the key share");
#else
    TEST_STR_EQ(vstring_str(out), "prime256v1", "a plain list without the 3.5 syntax");
#endif
#ifndef HAVE_TLS_MLKEM
    TEST_INT_EQ(tls_dh_list(out, NULL, false, TLS_DH_PQ_ONLY), -1,
                "pq=only leaves no group where OpenSSL has no ML-KEM");
#endif
    params.eecdh_auto_curves = "nosuchgroup";
    TEST_INT_EQ(tls_dh_list(out, &params, true, TLS_DH_PQ_DEFAULT), -1, "no supported group: -1");
    TEST_INT_EQ(tls_dh_pq_mode("ONLY"), TLS_DH_PQ_ONLY, "pq mode names are case-insensitive");
    TEST_INT_EQ(tls_dh_pq_mode("maybe"), -1, "unknown pq mode");
    TEST_STR_EQ(tls_dh_pq_name(TLS_DH_PQ_DEFAULT), "yes", "the default mode is \"yes\"");
    TEST_CHECK(tls_dh_group_is_pq("SecP256r1MLKEM768") && !tls_dh_group_is_pq("x25519"),
               "post-quantum groups are told by ML-KEM in the name");
    vstring_free(out);
}

/* The reader refuses what is not a whole ClientHello. */
static void test_parse(void)
{
    static const unsigned char server_hello[] = {2, 0, 0, 2, 3, 3};
    static const unsigned char truncated[] = {1, 0, 0, 40, 3, 3, 0};
    static const unsigned char bare[] = {1, 0, 0, 41, 3, 3, [38] = 0, [39] = 0, 2, 0, 0x2f, 1, 0};
    TLS_HELLO hello;

    TEST_INT_EQ(tls_hello_parse(server_hello, sizeof(server_hello), &hello), -1,
                "a ServerHello is not a ClientHello");
    TEST_INT_EQ(tls_hello_parse(truncated, sizeof(truncated), &hello), -1,
                "a truncated ClientHello is refused");
    TEST_INT_EQ(tls_hello_parse(bare, sizeof(bare), &hello), 0,
                "a ClientHello without extensions is read");
    TEST_INT_EQ(hello.share_count + hello.group_count, 0, "it offers no groups");
    TEST_INT_EQ((int)hello.record_size, (int)sizeof(bare) + 5, "its record size has the header");
}

int main(void)
{
    msg_stderr_enable(getenv("TLS_TEST_VERBOSE") != NULL);
    tls_test_certs();
    tls_test_capture();
    test_default_hello();
    test_lists();
    test_parse();
    return test_summary("tls_hello_test");
}
