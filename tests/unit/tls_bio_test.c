/* tls_bio_test - client and server engines against each other in memory */

#include <string.h>

#include <openssl/ssl.h>

#include "msg.h"
#include "vstring.h"

#include "tls.h"
#include "tls_bio.h"
#include "tls_client.h"
#include "tls_level.h"
#include "tls_log.h"
#include "tls_scache_mem.h"
#include "tls_server.h"
#include "tls_transport.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

static TLS_APPL_STATE *server_ctx;
static TLS_APPL_STATE *client_ctx;
static TLS_SCACHE_MEM *client_cache;
static TLS_SCACHE_MEM *server_cache;

static void setup(void)
{
    client_cache = tls_scache_mem_create(3600);
    server_cache = tls_scache_mem_create(3600);
    server_ctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .log_level = "1",
        .chain_files = tls_test_file("all-chain.pem"),
        .CAfile = tls_test_file("root.pem"),
        .protocols = ">=TLSv1.2",
        .cipher_grade = "medium",
        .session_timeout = 3600,
        .serverid = "smtp",
        .cache = tls_scache_mem_ops(server_cache),
    });
    client_ctx = tls_client_init(&(TLS_CLIENT_INIT_PROPS){
        .log_level = "1",
        .CAfile = tls_test_file("root.pem"),
        .session_timeout = 3600,
        .cache = tls_scache_mem_ops(client_cache),
    });
    TEST_CHECK(server_ctx != NULL && client_ctx != NULL, "server and client contexts");
}

static TLS_CLIENT_START_PROPS client_props(int level, const char *protocols)
{
    return (TLS_CLIENT_START_PROPS){
        .ctx = client_ctx,
        .tls_level = level,
        .nexthop = "example.com",
        .host = "mail.example.com",
        .addr = "192.0.2.1",
        .port = 25,
        .namaddr = "mail.example.com[192.0.2.1]:25",
        .serverid = "smtp",
        .helo = "client.example.org",
        .protocols = protocols,
    };
}

static TLS_SERVER_START_PROPS server_props(void)
{
    return (TLS_SERVER_START_PROPS){
        .ctx = server_ctx,
        .namaddr = "client.example.org[198.51.100.7]",
    };
}

/* A handshake with a forced signature algorithm and protocol. */
static void test_handshake(const char *label, const char *protocols, const char *sigalgs,
                           const char *want_proto, const char *want_sig)
{
    TLS_CLIENT_START_PROPS cprops = client_props(TLS_LEV_VERIFY, protocols);
    TLS_SERVER_START_PROPS sprops = server_props();
    TLS_TEST_PAIR pair;
    VSTRING *got = vstring_alloc(100), *line = vstring_alloc(200);

    cprops.nexthop = label; /* a cache key of its own: no resumption */
    TEST_INT_EQ(tls_test_pair(&pair, &cprops, &sprops, 0), 0, "%s: engines open", label);
    if (sigalgs)
        SSL_set1_sigalgs_list(pair.client->ssl, sigalgs);
    TEST_INT_EQ(tls_test_handshake(&pair), 0, "%s: handshake completes", label);
    TEST_STR_EQ(pair.client->protocol, want_proto, "%s: protocol", label);
    TEST_STR_EQ(tls_log_trust(pair.client), "Verified", "%s: client sees a verified server", label);
    TEST_STR_EQ(pair.client->matched_name, "mail.example.com", "%s: matched name", label);
    TEST_STR_EQ(tls_log_trust(pair.server), "Anonymous", "%s: no client certificate", label);
    if (want_sig) {
        TEST_STR_EQ(pair.client->srvr_sig_name, want_sig, "%s: server signature seen by client",
                    label);
        TEST_STR_EQ(pair.server->srvr_sig_name, want_sig, "%s: server signature seen by server",
                    label);
    }
    TEST_STR_EQ(tls_test_send(pair.client, pair.server, "EHLO client.example.org\r\n", got),
                "EHLO client.example.org\r\n", "%s: client to server", label);
    TEST_STR_EQ(tls_test_send(pair.server, pair.client, "250 mail.example.com\r\n", got),
                "250 mail.example.com\r\n", "%s: server to client", label);
    tls_test_pair_free(&pair);
    vstring_free(got);
    vstring_free(line);
}

/*
 * The key exchange as the summary line names it: the TLS group name where
 * OpenSSL offers it (3.2+, as Postfix 3.10 logs), else the key share's type
 * (as Postfix 3.7 logs on OpenSSL 3.0).
 */
#ifdef HAVE_SSL_GET0_GROUP_NAME
#define KEX_X25519 "x25519"
#else
#define KEX_X25519 "X25519"
#endif

/* The summary lines of a TLS 1.3 RSA handshake, byte for byte. */
static void test_summary_lines(void)
{
    TLS_CLIENT_START_PROPS cprops = client_props(TLS_LEV_VERIFY, NULL);
    TLS_SERVER_START_PROPS sprops = server_props();
    TLS_TEST_PAIR pair;

    tls_test_log_reset();
    cprops.nexthop = "summary.example";
    tls_test_pair(&pair, &cprops, &sprops, 0);
    SSL_set1_sigalgs_list(pair.client->ssl, "rsa_pss_rsae_sha256");
    SSL_set1_groups_list(pair.client->ssl, "X25519");
    SSL_set_ciphersuites(pair.client->ssl, "TLS_AES_256_GCM_SHA384");
    TEST_INT_EQ(tls_test_handshake(&pair), 0, "summary: handshake");
    TEST_INT_EQ(tls_test_logged("Verified TLS connection established to "
                                "mail.example.com[192.0.2.1]:25: TLSv1.3 with cipher "
                                "TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange " KEX_X25519 " "
                                "server-signature RSA-PSS (2048 bits) server-digest SHA256"),
                1, "client summary line");
    TEST_INT_EQ(tls_test_logged("Anonymous TLS connection established from "
                                "client.example.org[198.51.100.7]: TLSv1.3 with cipher "
                                "TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange " KEX_X25519 " "
                                "server-signature RSA-PSS (2048 bits) server-digest SHA256"),
                1, "server summary line");
    tls_test_pair_free(&pair);
}

/* The key-exchange text of each kind of group, in the summary and the Received: comment. */
static void test_kex_names(void)
{
    static const struct {
        const char *group, *text;
    } cases[] = {
#ifdef HAVE_SSL_GET0_GROUP_NAME
        {"X25519", "key-exchange x25519 server-signature"},
        {"X448", "key-exchange x448 server-signature"},
        {"P-256", "key-exchange secp256r1 server-signature"},
        {"ffdhe2048", "key-exchange ffdhe2048 server-signature"},
#else
        {"X25519", "key-exchange X25519 server-signature"},
        {"X448", "key-exchange X448 server-signature"},
        {"P-256", "key-exchange ECDHE (prime256v1) server-signature"},
        {"ffdhe2048", "key-exchange DHE (2048 bits) server-signature"},
#endif
#ifdef HAVE_TLS_MLKEM
        /* A KEM: the client sees no server key share; only the group name tells. */
        {"X25519MLKEM768", "key-exchange X25519MLKEM768 server-signature"},
#endif
    };
    VSTRING *comment = vstring_alloc(200);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TLS_CLIENT_START_PROPS cprops = client_props(TLS_LEV_VERIFY, NULL);
        TLS_SERVER_START_PROPS sprops = server_props();
        TLS_TEST_PAIR pair;

        tls_test_log_reset();
        tls_test_pair(&pair, &cprops, &sprops, 0);
        SSL_set1_groups_list(pair.client->ssl, cases[i].group);
        SSL_set1_groups_list(pair.server->ssl, cases[i].group);
        TEST_INT_EQ(tls_test_handshake(&pair), 0, "%s: handshake", cases[i].group);
        TEST_INT_EQ(tls_test_logged(cases[i].text), 2, "%s: both summary lines say \"%s\"",
                    cases[i].group, cases[i].text);
        TEST_CHECK(strstr(tls_received_comment(comment, pair.server, false), cases[i].text) != NULL,
                   "%s: Received: comment says \"%s\"", cases[i].group, cases[i].text);
        tls_test_pair_free(&pair);
    }
    vstring_free(comment);
}

/* Partial writes: a small pipe and a large transfer. */
static void test_bulk(void)
{
    TLS_CLIENT_START_PROPS cprops = client_props(TLS_LEV_ENCRYPT, NULL);
    TLS_SERVER_START_PROPS sprops = server_props();
    TLS_TEST_PAIR pair;
    VSTRING *big = vstring_alloc(200000), *got = vstring_alloc(200000);

    for (int i = 0; i < 150000; i++)
        vstring_addch(big, 'a' + i % 26);
    tls_test_pair(&pair, &cprops, &sprops, 700);
    TEST_INT_EQ(tls_test_handshake(&pair), 0, "bulk: handshake through a 700-byte pipe");
    tls_test_send(pair.client, pair.server, vstring_str(big), got);
    TEST_CHECK(VSTRING_LEN(got) == VSTRING_LEN(big) &&
                   memcmp(vstring_str(got), vstring_str(big), VSTRING_LEN(big)) == 0,
               "bulk: 150000 bytes arrive intact (%zu)", VSTRING_LEN(got));
    tls_test_pair_free(&pair);
    vstring_free(big);
    vstring_free(got);
}

/* The TLS 1.3 ticket leaves with the server's first reply, in one send. */
static void test_coalesced_ticket(void)
{
    TLS_CLIENT_START_PROPS cprops = client_props(TLS_LEV_ENCRYPT, NULL);
    TLS_SERVER_START_PROPS sprops = server_props();
    TLS_TEST_PAIR pair;
    VSTRING *got = vstring_alloc(100);
    size_t sends, entries;

    cprops.nexthop = "coalesce.example";
    tls_test_pair(&pair, &cprops, &sprops, 0);
    TEST_INT_EQ(tls_test_handshake(&pair), 0, "coalesce: handshake");
    TEST_CHECK(tls_bio_output_pending(pair.server) > 0,
               "coalesce: the ticket waits in the server engine");
    entries = tls_scache_mem_count(client_cache);
    TEST_STR_EQ(tls_test_send(pair.client, pair.server, "EHLO x\r\n", got), "EHLO x\r\n",
                "coalesce: client speaks first");
    sends = tls_mempipe_sends(pair.pipe, 1);
    TEST_STR_EQ(tls_test_send(pair.server, pair.client, "250 ok\r\n", got), "250 ok\r\n",
                "coalesce: server reply arrives");
    TEST_INT_EQ((long long)(tls_mempipe_sends(pair.pipe, 1) - sends), 1,
                "coalesce: ticket and reply left in one send");
    TEST_INT_EQ(tls_scache_mem_count(client_cache), (long long)entries + 1,
                "coalesce: the client stored the ticket");
    tls_test_pair_free(&pair);
    vstring_free(got);
}

/* Input already inside the engine is visible, so nobody polls the socket for it. */
static void test_input_pending(void)
{
    TLS_CLIENT_START_PROPS cprops = client_props(TLS_LEV_ENCRYPT, NULL);
    TLS_SERVER_START_PROPS sprops = server_props();
    TLS_TEST_PAIR pair;
    char buf[8];
    size_t done = 0;

    cprops.nexthop = "pending.example";
    tls_test_pair(&pair, &cprops, &sprops, 0);
    tls_test_handshake(&pair);
    TEST_CHECK(!tls_bio_input_pending(pair.server), "pending: nothing before the client writes");
    tls_bio_step(pair.client, TLS_BIO_OP_WRITE, "MAIL FROM:<a>\r\nRCPT TO:<b>\r\n", 28, &done);
    tls_bio_step(pair.client, TLS_BIO_OP_FLUSH, NULL, 0, NULL);
    TEST_INT_EQ(tls_bio_step(pair.server, TLS_BIO_OP_READ, buf, sizeof(buf), &done), TLS_BIO_DONE,
                "pending: a small read");
    TEST_CHECK(tls_bio_input_pending(pair.server), "pending: the rest is inside the engine");
    TEST_INT_EQ(tls_mempipe_queued(pair.pipe, 0), 0, "pending: and not on the transport");
    tls_test_pair_free(&pair);
}

/* Shutdown: close_notify, and an abrupt end. */
static void test_shutdown(void)
{
    TLS_CLIENT_START_PROPS cprops = client_props(TLS_LEV_ENCRYPT, NULL);
    TLS_SERVER_START_PROPS sprops = server_props();
    TLS_TEST_PAIR pair;
    char buf[100];
    size_t done;
    int status;

    tls_test_pair(&pair, &cprops, &sprops, 0);
    tls_test_handshake(&pair);
    TEST_INT_EQ(tls_bio_step(pair.client, TLS_BIO_OP_SHUTDOWN, NULL, 0, NULL), TLS_BIO_DONE,
                "shutdown: client sends close_notify without waiting");
    status = tls_bio_step(pair.server, TLS_BIO_OP_READ, buf, sizeof(buf), &done);
    TEST_INT_EQ(status, TLS_BIO_EOF, "shutdown: server reads the end");
    TEST_CHECK(pair.server->peer_close_notify, "shutdown: server saw close_notify");
    tls_test_pair_free(&pair);

    tls_test_log_reset();
    tls_test_pair(&pair, &cprops, &sprops, 0);
    tls_test_handshake(&pair);
    tls_mempipe_close(pair.pipe, 0);
    TEST_INT_EQ(tls_bio_read(pair.server, buf, sizeof(buf), 0), 0,
                "abrupt end: the server read returns end of input");
    TEST_CHECK(!pair.server->peer_close_notify && pair.server->peer_eof,
               "abrupt end: no close_notify recorded");
    TEST_INT_EQ(tls_test_logged("client.example.org[198.51.100.7]: TLS peer closed the "
                                "connection without close_notify"),
                1, "abrupt end: logged");
    tls_test_pair_free(&pair);
}

/* Loglevel 3 dumps the handshake; loglevel 1 does not. */
static void test_packet_dump(void)
{
    TLS_APPL_STATE *loud = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .log_level = "3", .chain_files = tls_test_file("ecdsa-chain.pem")});
    TLS_CLIENT_START_PROPS cprops = client_props(TLS_LEV_ENCRYPT, NULL);
    TLS_SERVER_START_PROPS sprops = {.ctx = loud, .namaddr = "loud[198.51.100.7]"};
    TLS_TEST_PAIR pair;

    tls_test_log_reset();
    cprops.nexthop = "dump.example";
    tls_test_pair(&pair, &cprops, &sprops, 0);
    TEST_INT_EQ(tls_test_handshake(&pair), 0, "dump: handshake");
    TEST_CHECK(tls_test_logged("loud[198.51.100.7]: read ") > 0 &&
                   tls_test_logged("0000 16 03") + tls_test_logged("0000 01 00") > 0,
               "dump: handshake messages in hex at loglevel 3");
    TEST_INT_EQ(tls_test_logged("mail.example.com[192.0.2.1]:25: read"), 0,
                "dump: nothing from the loglevel 1 client");
    TEST_CHECK(tls_test_logged("SSL_accept:") > 0, "dump: state trace at loglevel 3");
    tls_test_pair_free(&pair);
    tls_server_free(loud);
}

int main(void)
{
    msg_stderr_enable(getenv("TLS_TEST_VERBOSE") != NULL);
    tls_test_certs();
    tls_test_capture();
    setup();
    test_handshake("TLS 1.3 default", NULL, NULL, "TLSv1.3", NULL);
    test_handshake("TLS 1.3 RSA", NULL, "rsa_pss_rsae_sha256", "TLSv1.3", "RSA-PSS");
    test_handshake("TLS 1.3 ECDSA", NULL, "ecdsa_secp256r1_sha256", "TLSv1.3", "ECDSA");
    test_handshake("TLS 1.3 Ed25519", NULL, "ed25519", "TLSv1.3", "ED25519");
    test_handshake("TLS 1.2 RSA", "<=TLSv1.2", "rsa_pss_rsae_sha256", "TLSv1.2", NULL);
    test_handshake("TLS 1.2 ECDSA", "<=TLSv1.2", "ecdsa_secp256r1_sha256", "TLSv1.2", NULL);
    test_handshake("TLS 1.2 Ed25519", "<=TLSv1.2", "ed25519", "TLSv1.2", NULL);
    test_summary_lines();
    test_kex_names();
    test_bulk();
    test_coalesced_ticket();
    test_shutdown();
    test_input_pending();
    test_packet_dump();
    tls_server_free(server_ctx);
    tls_client_free(client_ctx);
    tls_scache_mem_free(client_cache);
    tls_scache_mem_free(server_cache);
    return test_summary("tls_bio_test");
}
