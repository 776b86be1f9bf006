/* tls_dane_test - DANE TLSA matching through OpenSSL: EE and TA records, names, digests, cache keys */

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_client.h"
#include "tls_dane.h"
#include "tls_level.h"
#include "tls_log.h"
#include "tls_rpk.h"
#include "tls_server.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

static TLS_APPL_STATE *client_ctx;

/* digest_of - SHA2-256 (or 512) of a certificate (selector 0) or its public key (1) */
static size_t digest_of(const char *file, int selector, const EVP_MD *md, unsigned char *out)
{
    FILE *fp = fopen(tls_test_file(file), "r");
    X509 *cert = PEM_read_X509(fp, NULL, NULL, NULL);
    unsigned char *der = NULL;
    int len = selector ? i2d_PUBKEY(X509_get0_pubkey(cert), &der) : i2d_X509(cert, &der);
    unsigned int dlen = 0;

    fclose(fp);
    EVP_Digest(der, (size_t)len, out, &dlen, md, NULL);
    OPENSSL_free(der);
    X509_free(cert);
    return dlen;
}

/* hex_of - upper-case hex, as the log shows it */
static const char *hex_of(const unsigned char *data, size_t len)
{
    static char buf[200];

    for (size_t i = 0; i < len && 2 * i + 2 < sizeof(buf); i++)
        snprintf(buf + 2 * i, 3, "%02X", data[i]);
    return buf;
}

/* make_expired - a chain file whose leaf (key, wrong name) expired yesterday; its key's digest */
static const char *make_expired(unsigned char *digest, size_t *len)
{
    const char *path = tls_test_file("dane-expired.pem");
    FILE *fp = fopen(tls_test_file("int.key"), "r");
    EVP_PKEY *ca_key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
    X509 *ca, *cert = X509_new();
    EVP_PKEY *key = EVP_EC_gen("P-256");
    unsigned char *der = NULL;
    int dlen;
    unsigned int mdlen = 0;

    fclose(fp);
    fp = fopen(tls_test_file("int.pem"), "r");
    ca = PEM_read_X509(fp, NULL, NULL, NULL);
    fclose(fp);
    X509_set_version(cert, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 7672);
    X509_gmtime_adj(X509_getm_notBefore(cert), -2 * 86400);
    X509_gmtime_adj(X509_getm_notAfter(cert), -86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               (const unsigned char *)"expired.invalid", -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(ca));
    X509_set_pubkey(cert, key);
    X509_sign(cert, ca_key, EVP_sha256());
    fp = fopen(path, "w");
    PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL);
    PEM_write_X509(fp, cert);
    PEM_write_X509(fp, ca);
    fclose(fp);
    dlen = i2d_PUBKEY(key, &der);
    EVP_Digest(der, (size_t)dlen, digest, &mdlen, EVP_sha256(), NULL);
    *len = mdlen;
    OPENSSL_free(der);
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(key);
    EVP_PKEY_free(ca_key);
    return path;
}

/* Outcome of one handshake. */
typedef struct RESULT {
    char trust[20];
    int status;
    long verify_result;
    bool must_fail;
    char cache_id[400];
} RESULT;

/* dane_connect_to - a handshake at a DANE level against a server chain */
static RESULT dane_connect_to(TLS_APPL_STATE *cctx, int level, const TLS_DANE *dane,
                              const char *chain)
{
    TLS_APPL_STATE *sctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){.chain_files = chain});
    TLS_CLIENT_START_PROPS cprops = {
        .ctx = cctx,
        .tls_level = level,
        .nexthop = "example.com",
        .host = "mail.example.com",
        .addr = "192.0.2.1",
        .port = 25,
        .namaddr = "mail.example.com[192.0.2.1]:25",
        .sni = dane ? dane->base_domain : NULL,
        .dane = dane,
    };
    TLS_SERVER_START_PROPS sprops = {.ctx = sctx, .namaddr = "client[198.51.100.7]"};
    TLS_TEST_PAIR pair = {0};
    RESULT result = {"failed", -1, -1, false, ""};

    if (sctx && tls_test_pair(&pair, &cprops, &sprops, 0) == 0) {
        result.must_fail = pair.client->must_fail;
        snprintf(result.cache_id, sizeof(result.cache_id), "%s", pair.client->cache_id);
        if (tls_test_handshake(&pair) == 0) {
            snprintf(result.trust, sizeof(result.trust), "%s", tls_log_trust(pair.client));
            result.status = pair.client->peer_status;
            result.verify_result = pair.client->verify_result;
        }
    }
    tls_test_pair_free(&pair);
    tls_server_free(sctx);
    return result;
}

/* dane_connect - a handshake at a DANE level against the RSA server chain */
static RESULT dane_connect(TLS_APPL_STATE *cctx, int level, const TLS_DANE *dane)
{
    return dane_connect_to(cctx, level, dane, tls_test_file("rsa-chain.pem"));
}

static void test_ee(void)
{
    unsigned char ee[EVP_MAX_MD_SIZE], wrong[EVP_MAX_MD_SIZE];
    size_t len = digest_of("rsa.pem", 1, EVP_sha256(), ee);
    TLS_DANE_RR rr = {.usage = 3, .selector = 1, .mtype = 1, .data = ee, .len = len};
    TLS_DANE dane = {.base_domain = "other.example.net", .rr = &rr, .count = 1};
    VSTRING *want = vstring_alloc(100);
    const char *chain;
    RESULT r;

    tls_test_log_reset();
    r = dane_connect(client_ctx, TLS_LEV_DANE, &dane);
    TEST_STR_EQ(r.trust, "Verified", "3 1 1 on the server key: Verified (names do not matter)");
    /* With only 3 1 x records the client asks for the bare key (RFC 7250), where it can. */
    vstring_sprintf(want,
                    tls_rpk_available()
                        ? "mail.example.com[192.0.2.1]:25: Matched DANE raw public key: 3 1 1 %s"
                        : "mail.example.com[192.0.2.1]:25: Matched DANE EE certificate at depth 0: "
                          "3 1 1 %s",
                    hex_of(ee, len));
    TEST_INT_EQ(tls_test_logged(vstring_str(want)), 1, "the matched record is logged");

    r = dane_connect(client_ctx, TLS_LEV_HALF_DANE, &dane);
    TEST_STR_EQ(r.trust, "Trusted", "halfdane (insecure MX): a match is only Trusted");
    TEST_CHECK(r.status & TLS_CERT_FLAG_MATCHED, "halfdane: matched");

    memcpy(wrong, ee, len);
    wrong[0] ^= 0xff;
    rr.data = wrong;
    tls_test_log_reset();
    r = dane_connect(client_ctx, TLS_LEV_DANE, &dane);
    TEST_STR_EQ(r.trust, "Untrusted", "3 1 1 with a wrong digest: Untrusted");
    TEST_INT_EQ(r.verify_result, X509_V_ERR_DANE_NO_MATCH, "wrong digest: num=65");
    TEST_INT_EQ(tls_test_logged("num=65:no matching DANE TLSA records"), 1, "num=65 is logged");
    TEST_CHECK(!(r.status & TLS_CERT_FLAG_MATCHED), "wrong digest: not matched");

    rr.selector = 0;
    rr.data = ee;
    r = dane_connect(client_ctx, TLS_LEV_DANE_ONLY, &dane);
    TEST_STR_EQ(r.trust, "Untrusted", "3 0 1 with the key's digest: no match");

    rr = (TLS_DANE_RR){.usage = 3, .selector = 1, .mtype = 1, .data = ee};
    chain = make_expired(ee, &rr.len);
    r = dane_connect_to(client_ctx, TLS_LEV_DANE, &dane, chain);
    TEST_STR_EQ(r.trust, "Verified", "3 1 1 on an expired leaf: Verified (DANE-EE ignores dates)");
    rr.usage = 2;
    r = dane_connect_to(client_ctx, TLS_LEV_DANE, &dane, chain);
    TEST_STR_EQ(r.trust, "Untrusted",
                "the same key as 2 1 1 (a trust anchor: names and dates count): Untrusted");
    dane.base_domain = "mx.other.example";
    r = dane_connect_to(client_ctx, TLS_LEV_DANE, &dane, chain);
    TEST_STR_EQ(r.trust, "Untrusted", "2 1 1, expired and without the name: Untrusted");
    TEST_CHECK(!(r.status & TLS_CERT_FLAG_MATCHED), "expired and without the name: not matched");
    vstring_free(want);
}

static void test_ta(void)
{
    unsigned char ta[EVP_MAX_MD_SIZE];
    size_t len = digest_of("int.pem", 0, EVP_sha256(), ta);
    TLS_DANE_RR rr = {.usage = 2, .selector = 0, .mtype = 1, .data = ta, .len = len};
    const char *mx_names[] = {"mail.example.com", NULL};
    TLS_DANE dane = {.base_domain = "mail.example.com", .rr = &rr, .count = 1};
    RESULT r;

    tls_test_log_reset();
    r = dane_connect(client_ctx, TLS_LEV_DANE, &dane);
    TEST_STR_EQ(r.trust, "Verified", "2 0 1 on the CA, name in the certificate: Verified");
    TEST_INT_EQ(tls_test_logged("Matched DANE TA certificate at depth 1: 2 0 1 "), 1,
                "the TA match is logged");
    TEST_INT_EQ(tls_test_logged("mail.example.com[192.0.2.1]:25: matched peername: "
                                "mail.example.com"),
                1, "with the reference name that matched");

    dane.base_domain = "mx.other.example";
    tls_test_log_reset();
    r = dane_connect(client_ctx, TLS_LEV_DANE, &dane);
    TEST_STR_EQ(r.trust, "Trusted", "2 0 1, base domain not in the certificate: Trusted");
    TEST_CHECK(!(r.status & TLS_CERT_FLAG_MATCHED), "name missing: not matched");
    TEST_INT_EQ(r.verify_result, X509_V_ERR_HOSTNAME_MISMATCH, "name missing: num=62");
    TEST_INT_EQ(tls_test_logged("Matched DANE TA"), 0, "name missing: no match is logged");

    dane.names = mx_names;
    r = dane_connect(client_ctx, TLS_LEV_DANE, &dane);
    TEST_STR_EQ(r.trust, "Verified", "2 0 1, the MX host name in the certificate: Verified");
}

static void test_unusable(void)
{
    unsigned char ee[EVP_MAX_MD_SIZE];
    size_t len = digest_of("rsa.pem", 1, EVP_sha512(), ee);
    TLS_DANE_RR rr = {.usage = 3, .selector = 1, .mtype = 2, .data = ee, .len = len};
    TLS_DANE dane = {.base_domain = "mail.example.com", .rr = &rr, .count = 1};
    TLS_APPL_STATE *only256;
    RESULT r;

    r = dane_connect(client_ctx, TLS_LEV_DANE, &dane);
    TEST_STR_EQ(r.trust, "Verified", "3 1 2 (SHA2-512) with the default digests: Verified");
    only256 = tls_client_init(&(TLS_CLIENT_INIT_PROPS){.dane_digests = "sha256"});
    tls_test_log_reset();
    r = dane_connect(only256, TLS_LEV_DANE, &dane);
    TEST_CHECK(r.must_fail, "3 1 2 without sha512 in tls_dane_digests: cannot match");
    TEST_INT_EQ(tls_test_logged("unusable TLSA record 3 1 2"), 1, "the record is warned about");
    TEST_STR_EQ(r.trust, "Untrusted", "and the server is Untrusted");
    tls_client_free(only256);

    r = dane_connect(client_ctx, TLS_LEV_DANE, NULL);
    TEST_CHECK(r.must_fail, "no records: cannot match");
}

static void test_cache_key(void)
{
    unsigned char ee[EVP_MAX_MD_SIZE];
    size_t len = digest_of("rsa.pem", 1, EVP_sha256(), ee);
    TLS_DANE_RR rr = {.usage = 3, .selector = 1, .mtype = 1, .data = ee, .len = len};
    TLS_DANE dane = {.base_domain = "mail.example.com", .rr = &rr, .count = 1};
    RESULT a, b, c;

    a = dane_connect(client_ctx, TLS_LEV_DANE, &dane);
    b = dane_connect(client_ctx, TLS_LEV_DANE, &dane);
    ee[len - 1] ^= 1;
    c = dane_connect(client_ctx, TLS_LEV_DANE, &dane);
    TEST_STR_EQ(a.cache_id, b.cache_id, "the same TLSA RRset: the same cache key");
    TEST_CHECK(strcmp(a.cache_id, c.cache_id) != 0, "another TLSA RRset: another cache key");
}

static void test_digests(void)
{
    static const struct {
        const char *value;
        int want;
    } cases[] = {
        {"sha512 sha256", 7}, {"sha256", 3}, {"sha256=1, sha512=2", 7}, {"", 1},
        {"sha256=2", -1},     {"md5", -1},   {"sha512=x", -1},          {"SHA256", 3},
    };
    VSTRING *why = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        TEST_INT_EQ(tls_dane_digest_mask(cases[i].value, why), cases[i].want,
                    "tls_dane_digests \"%s\"", cases[i].value);
    vstring_free(why);
}

int main(void)
{
    msg_stderr_enable(0);
    tls_test_certs();
    tls_test_capture();
    client_ctx = tls_client_init(&(TLS_CLIENT_INIT_PROPS){.log_level = "certmatch"});
    if (client_ctx == NULL) {
        printf("not ok - client context\n");
        return 1;
    }
    test_ee();
    test_ta();
    test_unusable();
    test_cache_key();
    test_digests();
    tls_client_free(client_ctx);
    return test_summary("tls_dane_test");
}
