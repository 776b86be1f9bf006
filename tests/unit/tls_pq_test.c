/*
 * tls_pq_test - post-quantum key exchange between our client and server
 * engines in memory: the default groups negotiate X25519MLKEM768 (the
 * server asks for the hybrid share with a HelloRetryRequest, the first
 * ClientHello stays within one segment), the pq=no and pq=only modes, a
 * classical-only server, and what the logs and the Received: comment say.
 *
 * Needs OpenSSL with X25519MLKEM768 and the group-list syntax of 3.5
 * (makedefs: ml-kem, group-tuples); skips elsewhere.
 */

#include <string.h>

#include <openssl/ssl.h>

#include "msg.h"
#include "vstring.h"

#include "tls.h"
#include "tls_bio.h"
#include "tls_client.h"
#include "tls_dh.h"
#include "tls_level.h"
#include "tls_log.h"
#include "tls_server.h"
#include "tls_transport.h"
#include "test.h"
#include "tls_test.h"
#include "tls_hello_test.h"

/* TEST_UNDER_VALGRIND */

#if defined(HAVE_TLS_MLKEM) && defined(HAVE_TLS_GROUP_TUPLES)

#define SEGMENT_BUDGET 1428   /* see tls_hello_test */
#define GROUP_X25519   29     /* code points */
#define GROUP_HYBRID   0x11ec /* X25519MLKEM768 */

static TLS_APPL_STATE *server_ctx;
static TLS_APPL_STATE *client_ctx;

/* One session with the client's bytes recorded; the pair is returned open. */
static int run(TLS_TEST_PAIR *pair, VSTRING *sent, TLS_TEST_RECORDER *recorder, int pq_mode,
               const char *server_groups)
{
    TLS_TRANSPORT ct, st;

    pair->pipe = tls_mempipe_create(0);
    ct = tls_test_record(recorder, tls_mempipe_end(pair->pipe, 0), sent);
    st = tls_mempipe_end(pair->pipe, 1);
    pair->client = tls_client_open(&(TLS_CLIENT_START_PROPS){
        .ctx = client_ctx,
        .transport = &ct,
        .tls_level = TLS_LEV_MAY,
        .nexthop = "example.com",
        .host = "mail.example.com",
        .addr = "192.0.2.1",
        .port = 25,
        .namaddr = "mail.example.com[192.0.2.1]:25",
        .pq_mode = pq_mode,
    });
    pair->server = tls_server_open(&(TLS_SERVER_START_PROPS){
        .ctx = server_ctx, .transport = &st, .namaddr = "client[198.51.100.7]"});
    if (pair->client == NULL || pair->server == NULL)
        return -1;
    if (server_groups)
        SSL_set1_groups_list(pair->server->ssl, server_groups);
    return tls_test_handshake(pair);
}

static bool has_group(const int *list, int n, int id)
{
    for (int i = 0; i < n; i++)
        if (list[i] == id)
            return true;
    return false;
}

/* The default lists in OpenSSL's 3.5 syntax. */
static void test_lists(void)
{
    VSTRING *out = vstring_alloc(100);
    TLS_PARAMS params;

    TEST_INT_EQ(tls_dh_list(out, NULL, true, TLS_DH_PQ_DEFAULT), 1, "server list");
    TEST_STR_EQ(vstring_str(out),
                "X25519MLKEM768 / X25519:X448:prime256v1:secp521r1:secp384r1:ffdhe2048:ffdhe3072",
                "the server prefers the hybrid in a tuple of its own");
    tls_dh_list(out, NULL, false, TLS_DH_PQ_DEFAULT);
    TEST_STR_EQ(vstring_str(out),
                "X25519MLKEM768:*X25519:X448:prime256v1:secp521r1:secp384r1:ffdhe2048:ffdhe3072",
                "the client offers the hybrid first with an X25519 key share");
    tls_dh_list(out, NULL, false, TLS_DH_PQ_ONLY);
    TEST_STR_EQ(vstring_str(out), "*X25519MLKEM768", "pq=only: the hybrid alone, with its share");
    tls_params_init(&params);
    params.eecdh_auto_curves = "*X25519MLKEM768 *X25519 *X448 prime256v1";
    tls_dh_list(out, &params, false, TLS_DH_PQ_DEFAULT);
    TEST_STR_EQ(vstring_str(out), "*X25519MLKEM768:*X25519:X448:prime256v1:ffdhe2048:ffdhe3072",
                "key-share marks are honoured, at most two");
    vstring_free(out);
}

/* Default client and default server. */
static void test_default(void)
{
    VSTRING *sent = vstring_alloc(4000), *comment = vstring_alloc(200);
    TLS_TEST_RECORDER recorder;
    TLS_TEST_PAIR pair;
    WIRE_HELLO first, second;

    tls_test_log_reset();
    TEST_INT_EQ(run(&pair, sent, &recorder, TLS_DH_PQ_DEFAULT, NULL), 0, "default: handshake");
    TEST_STR_EQ(pair.client->kex_name, "X25519MLKEM768", "default: client negotiated the hybrid");
    TEST_STR_EQ(pair.server->kex_name, "X25519MLKEM768", "default: server negotiated the hybrid");
    TEST_INT_EQ(tls_test_logged("key-exchange X25519MLKEM768 server-signature"), 2,
                "default: both summary lines name the group");
    TEST_CHECK(strstr(tls_received_comment(comment, pair.server, false),
                      "key-exchange X25519MLKEM768") != NULL,
               "default: the Received: comment names the group");
    TEST_INT_EQ(wire_hello(sent, 0, &first), 0, "default: first ClientHello");
    TEST_CHECK(first.record_size <= SEGMENT_BUDGET, "default: first ClientHello %zu bytes <= %d",
               first.record_size, SEGMENT_BUDGET);
    TEST_CHECK(first.ngroups > 0 && first.groups[0] == GROUP_HYBRID,
               "default: X25519MLKEM768 offered first");
    TEST_CHECK(first.nshares == 1 && first.shares[0] == GROUP_X25519,
               "default: one key share, X25519");
    TEST_INT_EQ(wire_hello(sent, 1, &second), 0, "default: the server asked for the hybrid share");
    TEST_CHECK(second.nshares == 1 && second.shares[0] == GROUP_HYBRID,
               "default: second ClientHello carries the X25519MLKEM768 share");
    printf("# ClientHello sizes: %zu, then %zu bytes\n", first.record_size, second.record_size);
    TEST_INT_EQ(pair.client->hello_count, 2, "default: the engine counted two ClientHellos");
    TEST_STR_EQ(pair.client->hello_shares, "X25519MLKEM768", "default: engine saw the last share");
    tls_test_pair_free(&pair);
    vstring_free(sent);
    vstring_free(comment);
}

/* pq=no, pq=only, and a server without the hybrid. */
static void test_modes(void)
{
    VSTRING *sent = vstring_alloc(4000);
    TLS_TEST_RECORDER recorder;
    TLS_TEST_PAIR pair;
    WIRE_HELLO hello;

    TEST_INT_EQ(run(&pair, sent, &recorder, TLS_DH_PQ_NO, NULL), 0, "pq=no: handshake");
    TEST_STR_EQ(pair.client->kex_name, "x25519", "pq=no: x25519 negotiated");
    wire_hello(sent, 0, &hello);
    TEST_CHECK(!has_group(hello.groups, hello.ngroups, GROUP_HYBRID), "pq=no: hybrid not offered");
    TEST_INT_EQ(wire_hello(sent, 1, &hello), -1, "pq=no: one ClientHello");
    tls_test_pair_free(&pair);

    VSTRING_RESET(sent);
    TEST_INT_EQ(run(&pair, sent, &recorder, TLS_DH_PQ_ONLY, NULL), 0, "pq=only: handshake");
    TEST_STR_EQ(pair.client->kex_name, "X25519MLKEM768", "pq=only: hybrid negotiated");
    wire_hello(sent, 0, &hello);
    TEST_CHECK(hello.ngroups == 1 && hello.nshares == 1 && hello.shares[0] == GROUP_HYBRID,
               "pq=only: only the hybrid offered, with its share (%zu bytes)", hello.record_size);
    tls_test_pair_free(&pair);

    VSTRING_RESET(sent);
    TEST_INT_EQ(run(&pair, sent, &recorder, TLS_DH_PQ_DEFAULT, "X25519:prime256v1"), 0,
                "classical server: handshake");
    TEST_STR_EQ(pair.client->kex_name, "x25519", "classical server: x25519, the share we sent");
    TEST_INT_EQ(pair.client->hello_count, 1, "classical server: no retry needed");
    tls_test_pair_free(&pair);

    VSTRING_RESET(sent);
    TEST_INT_EQ(run(&pair, sent, &recorder, TLS_DH_PQ_ONLY, "X25519:prime256v1"), -1,
                "pq=only against a classical server fails");
    TEST_CHECK(!pair.client->server_hello, "pq=only: no ServerHello came back");
    tls_test_pair_free(&pair);
    vstring_free(sent);
}

int main(void)
{
    msg_stderr_enable(getenv("TLS_TEST_VERBOSE") != NULL);
    tls_test_certs();
    tls_test_capture();
    server_ctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .log_level = "1", .chain_files = tls_test_file("all-chain.pem"), .serverid = "smtp"});
    client_ctx = tls_client_init(&(TLS_CLIENT_INIT_PROPS){.log_level = "1"});
    TEST_CHECK(server_ctx && client_ctx, "default server and client contexts");
    test_lists();
    test_default();
    test_modes();
    tls_server_free(server_ctx);
    tls_client_free(client_ctx);
    return test_summary("tls_pq_test");
}

#else

int main(void)
{
    printf("ok - skipped: OpenSSL without X25519MLKEM768 or the 3.5 group syntax "
           "(makedefs: ml-kem, group-tuples) # SKIP\n");
    return 0;
}

#endif
