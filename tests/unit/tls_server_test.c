/* tls_server_test - server contexts: no certificate, client certificates, cache entries */

#include <string.h>

#include <openssl/ssl.h>

#include "msg.h"

#include "tls.h"
#include "tls_client.h"
#include "tls_level.h"
#include "tls_log.h"
#include "tls_scache_mem.h"
#include "tls_server.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

static TLS_APPL_STATE *client_ctx;

/* run - one in-memory handshake; the pair stays open for inspection */
static int run(TLS_TEST_PAIR *pair, TLS_APPL_STATE *sctx, TLS_APPL_STATE *cctx, int level,
               const char *protocols, bool requirecert)
{
    TLS_CLIENT_START_PROPS cprops = {.ctx = cctx,
                                     .tls_level = level,
                                     .protocols = protocols,
                                     .host = "mail.example.com",
                                     .nexthop = "example.com",
                                     .namaddr = "mail.example.com[192.0.2.1]:25"};
    TLS_SERVER_START_PROPS sprops = {
        .ctx = sctx, .requirecert = requirecert, .namaddr = "client[198.51.100.7]"};

    if (tls_test_pair(pair, &cprops, &sprops, 0) < 0)
        return -1;
    return tls_test_handshake(pair);
}

static void test_no_certificate(void)
{
    TLS_APPL_STATE *sctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){.cert_file = "none"});
    TLS_TEST_PAIR pair;

    TEST_INT_EQ(run(&pair, sctx, client_ctx, TLS_LEV_MAY, NULL, false), 0,
                "cert_file none: an opportunistic client connects");
    TEST_STR_EQ(pair.client->protocol, "TLSv1.2",
                "cert_file none: TLS 1.2 (1.3 needs a certificate)");
    TEST_CHECK(strncmp(pair.client->cipher_name, "ADH-", 4) == 0 ||
                   strncmp(pair.client->cipher_name, "AECDH-", 6) == 0,
               "cert_file none: anonymous cipher %s", pair.client->cipher_name);
    TEST_STR_EQ(tls_log_trust(pair.client), "Anonymous", "cert_file none: Anonymous");
    tls_test_pair_free(&pair);
    TEST_CHECK(run(&pair, sctx, client_ctx, TLS_LEV_VERIFY, NULL, false) < 0,
               "cert_file none: a verifying client cannot connect");
    tls_test_pair_free(&pair);
    tls_server_free(sctx);
}

static void test_client_certificates(void)
{
    TLS_APPL_STATE *sctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .chain_files = tls_test_file("rsa-chain.pem"),
        .CAfile = tls_test_file("root.pem"),
        .ask_ccert = true,
        .log_level = "0",
    });
    TLS_APPL_STATE *self_client =
        tls_client_init(&(TLS_CLIENT_INIT_PROPS){.chain_files = tls_test_file("self-chain.pem")});
    TLS_TEST_PAIR pair;

    TEST_INT_EQ(run(&pair, sctx, client_ctx, TLS_LEV_MAY, "<=TLSv1.2", false), 0,
                "ask_ccert: handshake");
    TEST_CHECK(strncmp(pair.client->cipher_name, "ADH-", 4) != 0,
               "ask_ccert: no anonymous cipher (%s)", pair.client->cipher_name);
    tls_test_pair_free(&pair);

    tls_test_log_reset();
    TEST_INT_EQ(run(&pair, sctx, self_client, TLS_LEV_ENCRYPT, NULL, true), 0,
                "requirecert: handshake with a self-signed client completes");
    TEST_STR_EQ(tls_log_trust(pair.server), "Untrusted", "requirecert: client Untrusted");
    TEST_INT_EQ(tls_test_logged("client certificate verification failed for "
                                "client[198.51.100.7]: self-signed certificate"),
                1, "requirecert: failure logged even at loglevel 0");
    TEST_INT_EQ(SSL_get_security_level(pair.server->ssl), 1, "requirecert: security level 1");
    tls_test_pair_free(&pair);

    tls_test_log_reset();
    run(&pair, sctx, self_client, TLS_LEV_ENCRYPT, NULL, false);
    TEST_INT_EQ(tls_test_logged("verification failed"), 0,
                "ask_ccert without requirecert at loglevel 0: nothing logged");
    tls_test_pair_free(&pair);
    tls_client_free(self_client);
    tls_server_free(sctx);
}

static void test_session_ids(void)
{
    TLS_SCACHE_MEM *cache = tls_scache_mem_create(3600);
    TLS_PARAMS params;
    TLS_APPL_STATE *sctx;
    TLS_TEST_PAIR pair;
    unsigned int len = 0;

    tls_params_init(&params);
    params.ssl_options = "NO_TICKET";
    sctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .params = &params,
        .chain_files = tls_test_file("ecdsa-chain.pem"),
        .session_timeout = 3600,
        .cache = tls_scache_mem_ops(cache),
    });
    TEST_INT_EQ(run(&pair, sctx, client_ctx, TLS_LEV_ENCRYPT, "<=TLSv1.2", false), 0,
                "session id: handshake");
    SSL_SESSION_get_id(SSL_get_session(pair.client->ssl), &len);
    TEST_CHECK(len > 0, "session id: issued");
    TEST_INT_EQ(tls_scache_mem_count(cache), 1, "session id: stored");
    tls_server_stop(pair.server, NULL, 1, true);
    pair.server = NULL;
    TEST_INT_EQ(tls_scache_mem_count(cache), 0, "session id: removed after a failed session");
    tls_test_pair_free(&pair);
    tls_server_free(sctx);
    tls_scache_mem_free(cache);

    sctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){.chain_files = tls_test_file("ecdsa-chain.pem"),
                                                    .set_sessid = true});
    run(&pair, sctx, client_ctx, TLS_LEV_ENCRYPT, "<=TLSv1.2", false);
    len = 0;
    SSL_SESSION_get_id(SSL_get_session(pair.client->ssl), &len);
    TEST_CHECK(len > 0, "always_issue_session_ids without a cache: id issued");
    tls_test_pair_free(&pair);
    tls_server_free(sctx);
}

int main(void)
{
    msg_stderr_enable(getenv("TLS_TEST_VERBOSE") != NULL);
    tls_test_certs();
    tls_test_capture();
    client_ctx = tls_client_init(&(TLS_CLIENT_INIT_PROPS){.CAfile = tls_test_file("root.pem")});
    test_no_certificate();
    test_client_certificates();
    test_session_ids();
    tls_client_free(client_ctx);
    return test_summary("tls_server_test");
}
