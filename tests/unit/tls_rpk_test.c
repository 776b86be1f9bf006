/*
 * tls_rpk_test - raw public keys (RFC 7250) between our client and server
 * engines in memory: the server sends its bare key when the client asks
 * (at may with enable_rpk, at fingerprint, at the DANE levels with only
 * 3 1 x records) and never otherwise; the fingerprint level matches the
 * key by its public-key fingerprint only; DANE 3 1 1 matches it; the
 * server asks for the client's bare key with enable_rpk; the log lines
 * and Received: comment say "raw public key" as Postfix 3.10's do.
 *
 * Needs OpenSSL 3.2 or later (makedefs: raw-public-keys); skips elsewhere.
 */

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_client.h"
#include "tls_dane.h"
#include "tls_fprint.h"
#include "tls_level.h"
#include "tls_log.h"
#include "tls_rpk.h"
#include "tls_server.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

#ifdef HAVE_TLS_RPK

static TLS_APPL_STATE *server_ctx;       /* RSA server, does not ask for client keys */
static TLS_APPL_STATE *rpk_server_ctx;   /* asks for client credentials, and raw keys */
static TLS_APPL_STATE *cert_server_ctx;  /* asks for client credentials, certificates only */
static TLS_APPL_STATE *client_ctx;       /* no client certificate */
static TLS_APPL_STATE *keyed_client_ctx; /* with a client certificate */

/* Outcome of one handshake, copied out of the pair. */
typedef struct RESULT {
    bool ok;            /* the handshake completed */
    bool peer_rpk;      /* the client got a raw public key */
    bool client_rpk;    /* the server got the client's raw public key */
    char trust[20];     /* the client's trust word */
    char strust[20];    /* the server's */
    char fprint[200];   /* public-key fingerprint as the client saw it */
    char cfprint[200];  /* the client's, as the server saw it */
    char summary[400];  /* the client's summary line */
    char ssummary[400]; /* the server's */
} RESULT;

/* file_fprint - SHA-256 fingerprint of a PEM certificate (selector 0) or its key (1) */
static char *file_fprint(const char *name, int selector)
{
    FILE *fp = fopen(tls_test_file(name), "r");
    X509 *cert = fp ? PEM_read_X509(fp, NULL, NULL, NULL) : NULL;
    char *result;

    if (fp)
        fclose(fp);
    if (cert == NULL)
        return mystrdup("");
    result = selector ? tls_pkey_fprint(cert, "sha256") : tls_cert_fprint(cert, "sha256");
    X509_free(cert);
    return result;
}

/* spki_sha256 - the 3 1 1 association data of a certificate's key */
static size_t spki_sha256(const char *name, unsigned char *out)
{
    FILE *fp = fopen(tls_test_file(name), "r");
    X509 *cert = PEM_read_X509(fp, NULL, NULL, NULL);
    unsigned char *der = NULL;
    int len = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
    unsigned int dlen = 0;

    fclose(fp);
    EVP_Digest(der, (size_t)len, out, &dlen, EVP_sha256(), NULL);
    OPENSSL_free(der);
    X509_free(cert);
    return dlen;
}

/* run - one handshake */
static RESULT run(TLS_APPL_STATE *cctx, TLS_APPL_STATE *sctx, int level, bool enable_rpk,
                  const char *match, const TLS_DANE *dane)
{
    TLS_CLIENT_START_PROPS cprops = {
        .ctx = cctx,
        .tls_level = level,
        .nexthop = "example.com",
        .host = "mail.example.com",
        .addr = "192.0.2.1",
        .port = 25,
        .namaddr = "mail.example.com[192.0.2.1]:25",
        .match = match,
        .dane = dane,
        .sni = dane ? dane->base_domain : NULL,
        .enable_rpk = enable_rpk,
    };
    TLS_SERVER_START_PROPS sprops = {.ctx = sctx, .namaddr = "client[198.51.100.7]"};
    TLS_TEST_PAIR pair = {0};
    RESULT r = {0};
    VSTRING *line = vstring_alloc(200);

    if (tls_test_pair(&pair, &cprops, &sprops, 0) == 0 && tls_test_handshake(&pair) == 0) {
        r.ok = true;
        r.peer_rpk = TLS_RPK_IS_PRESENT(pair.client);
        r.client_rpk = TLS_RPK_IS_PRESENT(pair.server);
        snprintf(r.trust, sizeof(r.trust), "%s", tls_log_trust(pair.client));
        snprintf(r.strust, sizeof(r.strust), "%s", tls_log_trust(pair.server));
        snprintf(r.fprint, sizeof(r.fprint), "%s", pair.client->peer_pkey_fprint);
        snprintf(r.cfprint, sizeof(r.cfprint), "%s", pair.server->peer_pkey_fprint);
        snprintf(r.summary, sizeof(r.summary), "%s", tls_log_summary_text(line, pair.client));
        snprintf(r.ssummary, sizeof(r.ssummary), "%s", tls_log_summary_text(line, pair.server));
    }
    tls_test_pair_free(&pair);
    vstring_free(line);
    return r;
}

/* Which levels ask for the server's bare key. */
static void test_levels(void)
{
    char *spki = file_fprint("rsa.pem", 1);
    char *cert = file_fprint("rsa.pem", 0);
    RESULT r;

    r = run(client_ctx, server_ctx, TLS_LEV_MAY, false, NULL, NULL);
    TEST_CHECK(r.ok && !r.peer_rpk, "may without enable_rpk: a certificate");
    r = run(client_ctx, server_ctx, TLS_LEV_MAY, true, NULL, NULL);
    TEST_CHECK(r.ok && r.peer_rpk, "may with enable_rpk: the server sends its raw public key");
    TEST_STR_EQ(r.fprint, spki, "its fingerprint is that of the certificate's key");
    TEST_STR_EQ(r.trust, "Untrusted", "an unverified raw key is Untrusted");
    TEST_CHECK(strstr(r.summary, "server-signature RSA-PSS (2048 bit raw public key)") != NULL,
               "the summary line says so as Postfix 3.10 does: %s", r.summary);
    TEST_CHECK(strstr(r.ssummary, "(2048 bit raw public key)") != NULL,
               "and so does the server's: %s", r.ssummary);
    r = run(client_ctx, server_ctx, TLS_LEV_ENCRYPT, true, NULL, NULL);
    TEST_CHECK(r.ok && r.peer_rpk, "encrypt with enable_rpk: a raw public key");
    r = run(client_ctx, server_ctx, TLS_LEV_SECURE, true, NULL, NULL);
    TEST_CHECK(r.ok && !r.peer_rpk, "secure with enable_rpk: a certificate all the same");

    tls_test_log_reset();
    r = run(client_ctx, server_ctx, TLS_LEV_FPRINT, true, spki, NULL);
    TEST_CHECK(r.ok && r.peer_rpk, "fingerprint with enable_rpk: a raw public key");
    TEST_STR_EQ(r.trust, "Verified", "its public-key fingerprint matches: Verified");
    r = run(client_ctx, server_ctx, TLS_LEV_FPRINT, true, cert, NULL);
    TEST_STR_EQ(r.trust, "Untrusted", "a certificate fingerprint cannot match a raw key");
    r = run(client_ctx, server_ctx, TLS_LEV_FPRINT, false, cert, NULL);
    TEST_CHECK(r.ok && !r.peer_rpk && strcmp(r.trust, "Verified") == 0,
               "without enable_rpk the certificate fingerprint matches");
    myfree(spki);
    myfree(cert);
}

/* DANE: only 3 1 x records ask for the bare key, and it matches them. */
static void test_dane(void)
{
    unsigned char ee[EVP_MAX_MD_SIZE], wrong[EVP_MAX_MD_SIZE];
    size_t len = spki_sha256("rsa.pem", ee);
    TLS_DANE_RR rr[2] = {
        {.usage = 3, .selector = 1, .mtype = 1, .data = ee, .len = len},
        {.usage = 3, .selector = 0, .mtype = 1, .data = wrong, .len = len},
    };
    TLS_DANE dane = {.base_domain = "mail.example.com", .rr = rr, .count = 1};
    RESULT r;

    tls_test_log_reset();
    r = run(client_ctx, server_ctx, TLS_LEV_DANE, false, NULL, &dane);
    TEST_CHECK(r.ok && r.peer_rpk, "dane with only 3 1 1: a raw public key (enable_rpk off)");
    TEST_STR_EQ(r.trust, "Verified", "the 3 1 1 record matches it: Verified");
    TEST_INT_EQ(
        tls_test_logged("mail.example.com[192.0.2.1]:25: Matched DANE raw public key: 3 1 1 "), 1,
        "the match is logged as Postfix 3.10 logs it");
    memset(wrong, 0x5a, sizeof(wrong));
    dane.count = 2;
    r = run(client_ctx, server_ctx, TLS_LEV_DANE, false, NULL, &dane);
    TEST_CHECK(r.ok && !r.peer_rpk, "with a 3 0 1 record too: a certificate");
    TEST_STR_EQ(r.trust, "Verified", "which the 3 1 1 record matches");
    memset(ee, 0x5a, len);
    dane.count = 1;
    r = run(client_ctx, server_ctx, TLS_LEV_DANE, false, NULL, &dane);
    TEST_CHECK(r.ok && r.peer_rpk, "a wrong 3 1 1 digest: still a raw public key");
    TEST_STR_EQ(r.trust, "Untrusted", "that does not match: Untrusted");
}

/* The client's bare key, when the server asks for it. */
static void test_client_key(void)
{
    char *spki = file_fprint("client.pem", 1);
    RESULT r;

    r = run(keyed_client_ctx, rpk_server_ctx, TLS_LEV_MAY, false, NULL, NULL);
    TEST_CHECK(r.ok && r.client_rpk, "smtpd_tls_enable_rpk: the client sends its raw public key");
    TEST_STR_EQ(r.cfprint, spki, "the server has its public-key fingerprint");
    TEST_STR_EQ(r.strust, "Untrusted", "the server logs it as Untrusted");
    TEST_CHECK(strstr(r.ssummary, "client-signature ECDSA (prime256v1 raw public key)") != NULL,
               "the server's summary line marks the client signature: %s", r.ssummary);
    r = run(keyed_client_ctx, cert_server_ctx, TLS_LEV_MAY, false, NULL, NULL);
    TEST_CHECK(r.ok && !r.client_rpk && strcmp(r.cfprint, spki) == 0,
               "without it the client sends its certificate, same key fingerprint");
    r = run(client_ctx, rpk_server_ctx, TLS_LEV_MAY, false, NULL, NULL);
    TEST_CHECK(r.ok && !r.client_rpk && strcmp(r.strust, "Anonymous") == 0,
               "a client without keys sends nothing: Anonymous");
    myfree(spki);
}

/* The Received: comment of a client that sent its bare key. */
static void test_received(void)
{
    char *spki = file_fprint("client.pem", 1);
    TLS_CLIENT_START_PROPS cprops = {.ctx = keyed_client_ctx,
                                     .tls_level = TLS_LEV_MAY,
                                     .nexthop = "example.com",
                                     .host = "mail.example.com",
                                     .addr = "192.0.2.1",
                                     .port = 25,
                                     .namaddr = "mail.example.com[192.0.2.1]:25"};
    TLS_SERVER_START_PROPS sprops = {.ctx = rpk_server_ctx, .namaddr = "client[198.51.100.7]"};
    TLS_TEST_PAIR pair = {0};
    VSTRING *out = vstring_alloc(200);
    VSTRING *want = vstring_alloc(200);

    if (tls_test_pair(&pair, &cprops, &sprops, 0) == 0 && tls_test_handshake(&pair) == 0) {
        tls_received_comment(out, pair.server, true);
        vstring_sprintf(want, "(Client RPK sha256 digest %s)", spki);
        TEST_CHECK(strstr(vstring_str(out), vstring_str(want)) != NULL,
                   "Received: comment names the key's digest: %s", vstring_str(out));
    } else {
        TEST_CHECK(false, "Received: handshake");
    }
    tls_test_pair_free(&pair);
    vstring_free(out);
    vstring_free(want);
    myfree(spki);
}

int main(void)
{
    msg_stderr_enable(getenv("TLS_TEST_VERBOSE") != NULL);
    tls_test_certs();
    tls_test_capture();
    TEST_CHECK(tls_rpk_available(), "raw public keys in this build");
    server_ctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .log_level = "1", .chain_files = tls_test_file("rsa-chain.pem"), .serverid = "smtp"});
    rpk_server_ctx =
        tls_server_init(&(TLS_SERVER_INIT_PROPS){.log_level = "1",
                                                 .chain_files = tls_test_file("rsa-chain.pem"),
                                                 .CAfile = tls_test_file("root.pem"),
                                                 .ask_ccert = true,
                                                 .enable_rpk = true,
                                                 .serverid = "smtp"});
    cert_server_ctx =
        tls_server_init(&(TLS_SERVER_INIT_PROPS){.log_level = "1",
                                                 .chain_files = tls_test_file("rsa-chain.pem"),
                                                 .CAfile = tls_test_file("root.pem"),
                                                 .ask_ccert = true,
                                                 .serverid = "smtp"});
    client_ctx = tls_client_init(&(TLS_CLIENT_INIT_PROPS){.log_level = "certmatch"});
    keyed_client_ctx = tls_client_init(&(TLS_CLIENT_INIT_PROPS){
        .log_level = "1", .chain_files = tls_test_file("client-chain.pem")});
    TEST_CHECK(server_ctx && rpk_server_ctx && cert_server_ctx && client_ctx && keyed_client_ctx,
               "contexts");
    test_levels();
    test_dane();
    test_client_key();
    test_received();
    tls_server_free(server_ctx);
    tls_server_free(rpk_server_ctx);
    tls_server_free(cert_server_ctx);
    tls_client_free(client_ctx);
    tls_client_free(keyed_client_ctx);
    return test_summary("tls_rpk_test");
}

#else

int main(void)
{
    printf("ok - skipped: OpenSSL without raw public keys (makedefs: raw-public-keys) # SKIP\n");
    return 0;
}

#endif
