/* tls_verify_test - trust and match status: wrong name, expired, self-signed, fingerprints */

#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_client.h"
#include "tls_level.h"
#include "tls_log.h"
#include "tls_server.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

static TLS_APPL_STATE *client_ctx;

/* make_leaf - a chain file (key, leaf, intermediate) signed by the intermediate */
static const char *make_leaf(const char *file, const char *cn, const char *sans, long from_days,
                             long until_days)
{
    const char *path = tls_test_file(file);
    FILE *fp = fopen(tls_test_file("int.key"), "r");
    EVP_PKEY *ca_key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
    X509 *ca, *cert = X509_new();
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509V3_CTX v3;
    X509_EXTENSION *ext;

    fclose(fp);
    fp = fopen(tls_test_file("int.pem"), "r");
    ca = PEM_read_X509(fp, NULL, NULL, NULL);
    fclose(fp);
    X509_set_version(cert, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 4242);
    X509_gmtime_adj(X509_getm_notBefore(cert), from_days * 86400);
    X509_gmtime_adj(X509_getm_notAfter(cert), until_days * 86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(ca));
    X509_set_pubkey(cert, key);
    X509V3_set_ctx(&v3, ca, cert, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, sans);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    X509_sign(cert, ca_key, EVP_sha256());
    fp = fopen(path, "w");
    PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL);
    PEM_write_X509(fp, cert);
    PEM_write_X509(fp, ca);
    fclose(fp);
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(key);
    EVP_PKEY_free(ca_key);
    return path;
}

/* make_expired - a chain file whose leaf expired yesterday, signed by the intermediate */
static const char *make_expired(void)
{
    return make_leaf("expired-chain.pem", "mail.example.com", "DNS:mail.example.com", -2, -1);
}

/* Outcome of one handshake. */
typedef struct RESULT {
    char trust[20];
    int status;
    char matched[100];
    char issuer[100];
} RESULT;

/* connect - handshake a client at a level against a server with a chain file */
static RESULT connect_to(TLS_APPL_STATE *cctx, const char *chain, int level, const char *match,
                         const char *nexthop)
{
    TLS_APPL_STATE *sctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){.chain_files = chain});
    TLS_CLIENT_START_PROPS cprops = {
        .ctx = cctx,
        .tls_level = level,
        .nexthop = nexthop ? nexthop : "example.com",
        .host = "mail.example.com",
        .addr = "192.0.2.1",
        .port = 25,
        .namaddr = "mail.example.com[192.0.2.1]:25",
        .match = match,
    };
    TLS_SERVER_START_PROPS sprops = {.ctx = sctx, .namaddr = "client[198.51.100.7]"};
    TLS_TEST_PAIR pair;
    RESULT result = {"failed", -1, "", ""};

    if (sctx && tls_test_pair(&pair, &cprops, &sprops, 0) == 0 && tls_test_handshake(&pair) == 0) {
        snprintf(result.trust, sizeof(result.trust), "%s", tls_log_trust(pair.client));
        result.status = pair.client->peer_status;
        snprintf(result.matched, sizeof(result.matched), "%s", pair.client->matched_name);
        snprintf(result.issuer, sizeof(result.issuer), "%s", pair.client->issuer_CN);
    }
    tls_test_pair_free(&pair);
    tls_server_free(sctx);
    return result;
}

static void test_levels(void)
{
    const char *good = tls_test_file("rsa-chain.pem");
    RESULT r;

    tls_test_log_reset();
    r = connect_to(client_ctx, good, TLS_LEV_VERIFY, NULL, NULL);
    TEST_STR_EQ(r.trust, "Verified", "good chain, verify: Verified");
    TEST_STR_EQ(r.matched, "mail.example.com", "good chain: hostname matched");
    TEST_STR_EQ(r.issuer, "Test Intermediate CA", "issuer CN");
    r = connect_to(client_ctx, good, TLS_LEV_SECURE, NULL, NULL);
    TEST_STR_EQ(r.trust, "Verified", "secure with nexthop, dot-nexthop");
    TEST_STR_EQ(r.matched, "mail.example.com", "matched through .example.com");
    TEST_INT_EQ(tls_test_logged("certificate verification failed"), 0, "no failure logged");
    r = connect_to(client_ctx, good, TLS_LEV_SECURE, NULL, "example.net");
    TEST_STR_EQ(r.trust, "Trusted", "secure with another nexthop: name mismatch, chain Trusted");
    r = connect_to(client_ctx, good, TLS_LEV_VERIFY, "192.0.2.1", NULL);
    TEST_STR_EQ(r.trust, "Untrusted",
                "verify with an IP address: mismatch, Untrusted as Postfix 3.10");
    TEST_CHECK(!(r.status & TLS_CERT_FLAG_MATCHED) && !(r.status & TLS_CERT_FLAG_TRUSTED),
               "IP address: neither matched nor trusted");
    TEST_INT_EQ(tls_test_logged("server certificate verification failed for "
                                "mail.example.com[192.0.2.1]:25: num=64:IP address mismatch"),
                1, "IP address mismatch logged");
    TEST_CHECK(!(r.status & TLS_CERT_FLAG_MATCHED), "not matched");
    r = connect_to(client_ctx, good, TLS_LEV_MAY, NULL, NULL);
    TEST_STR_EQ(r.trust, "Trusted", "may: Trusted, never Verified");
    r = connect_to(client_ctx, good, TLS_LEV_VERIFY, "mx.example.com", NULL);
    TEST_STR_EQ(r.trust, "Verified", "literal match name");

    tls_test_log_reset();
    r = connect_to(client_ctx, tls_test_file("other-chain.pem"), TLS_LEV_VERIFY, NULL, NULL);
    TEST_STR_EQ(r.trust, "Trusted", "wrong name: Trusted (CA-signed chain), as Postfix 3.10");
    TEST_CHECK((r.status & TLS_CERT_FLAG_TRUSTED) && !(r.status & TLS_CERT_FLAG_MATCHED) &&
                   !(r.status & TLS_CERT_FLAG_SECURED),
               "wrong name: trusted, neither matched nor secured");
    TEST_INT_EQ(tls_test_logged("server certificate verification failed for "
                                "mail.example.com[192.0.2.1]:25: num=62:hostname mismatch"),
                1, "wrong name logged");

    tls_test_log_reset();
    r = connect_to(client_ctx, tls_test_file("self-chain.pem"), TLS_LEV_VERIFY, NULL, NULL);
    TEST_STR_EQ(r.trust, "Untrusted", "self-signed: Untrusted");
    TEST_CHECK(!(r.status & TLS_CERT_FLAG_MATCHED), "self-signed: not matched");
    TEST_INT_EQ(tls_test_logged("server certificate verification failed for "
                                "mail.example.com[192.0.2.1]:25: self-signed certificate"),
                1, "self-signed logged");

    tls_test_log_reset();
    r = connect_to(client_ctx, make_expired(), TLS_LEV_VERIFY, NULL, NULL);
    TEST_STR_EQ(r.trust, "Untrusted", "expired: Untrusted");
    TEST_INT_EQ(tls_test_logged("server certificate verification failed for "
                                "mail.example.com[192.0.2.1]:25: certificate has expired"),
                1, "expired logged");

    tls_test_log_reset();
    r = connect_to(client_ctx, tls_test_file("noncn-leaf-chain.pem"), TLS_LEV_VERIFY, NULL, NULL);
    TEST_STR_EQ(r.trust, "Untrusted", "unknown CA: Untrusted");
    TEST_STR_EQ(r.issuer, "No CN Org", "issuer without CN: O instead");
    TEST_INT_EQ(tls_test_logged("certificate verification failed for "
                                "mail.example.com[192.0.2.1]:25: untrusted issuer /O=No CN Org"),
                1, "untrusted issuer logged");

    tls_test_log_reset();
    r = connect_to(client_ctx, tls_test_file("self-chain.pem"), TLS_LEV_ENCRYPT, NULL, NULL);
    TEST_STR_EQ(r.trust, "Untrusted", "encrypt: self-signed is Untrusted");
    TEST_INT_EQ(tls_test_logged("verification failed"), 0, "encrypt at loglevel 0: nothing logged");
}

/* IP address references: iPAddress subjectAltNames only, never DNS names or the CN */
static void test_addresses(void)
{
    const char *spelled = make_leaf("spelled-chain.pem", "192.0.2.1",
                                    "DNS:*.0.2.1, DNS:192.0.2.1, DNS:2001:db8::1", 0, 30);
    const char *ipsan = make_leaf("ipsan-chain.pem", "mail.example.com",
                                  "DNS:mail.example.com, IP:192.0.2.1, IP:2001:db8::1", 0, 30);
    RESULT r;

    tls_test_log_reset();
    r = connect_to(client_ctx, spelled, TLS_LEV_SECURE, NULL, "[192.0.2.1]");
    TEST_STR_EQ(r.trust, "Untrusted", "next hop [192.0.2.1] vs a DNS name and CN spelling it");
    TEST_CHECK(!(r.status & TLS_CERT_FLAG_MATCHED), "spelled address: not matched");
    TEST_INT_EQ(tls_test_logged("server certificate verification failed for "
                                "mail.example.com[192.0.2.1]:25: num=64:IP address mismatch"),
                1, "spelled address: IP address mismatch logged");
    r = connect_to(client_ctx, spelled, TLS_LEV_VERIFY, "192.0.2.1", NULL);
    TEST_STR_EQ(r.trust, "Untrusted", "match 192.0.2.1 vs DNS:*.0.2.1 and DNS:192.0.2.1");
    r = connect_to(client_ctx, spelled, TLS_LEV_VERIFY, "[2001:db8::1]", NULL);
    TEST_STR_EQ(r.trust, "Untrusted", "match [2001:db8::1] vs DNS:2001:db8::1");

    tls_test_log_reset();
    r = connect_to(client_ctx, ipsan, TLS_LEV_SECURE, NULL, "[192.0.2.1]");
    TEST_STR_EQ(r.trust, "Verified", "next hop [192.0.2.1] vs IP:192.0.2.1: Verified");
    TEST_STR_EQ(r.matched, "192.0.2.1", "matched the address");
    TEST_INT_EQ(tls_test_logged("verification failed"), 0, "iPAddress match: no failure logged");
    r = connect_to(client_ctx, ipsan, TLS_LEV_SECURE, NULL, "192.0.2.1");
    TEST_STR_EQ(r.trust, "Verified", "bare next hop 192.0.2.1 vs IP:192.0.2.1");
    r = connect_to(client_ctx, ipsan, TLS_LEV_SECURE, NULL, "[2001:DB8:0:0::1]");
    TEST_STR_EQ(r.trust, "Verified", "next hop [2001:DB8:0:0::1] vs IP:2001:db8::1");
    TEST_STR_EQ(r.matched, "2001:db8::1", "matched the IPv6 address, canonical form");
    r = connect_to(client_ctx, ipsan, TLS_LEV_VERIFY, "[ipv6:2001:db8::1]", NULL);
    TEST_STR_EQ(r.trust, "Verified", "match [ipv6:2001:db8::1] vs IP:2001:db8::1");
    r = connect_to(client_ctx, ipsan, TLS_LEV_SECURE, NULL, "[192.0.2.2]");
    TEST_STR_EQ(r.trust, "Untrusted", "next hop [192.0.2.2] vs IP:192.0.2.1");
    r = connect_to(client_ctx, ipsan, TLS_LEV_SECURE, NULL, "[2001:db8::2]");
    TEST_STR_EQ(r.trust, "Untrusted", "next hop [2001:db8::2] vs IP:2001:db8::1");
    r = connect_to(client_ctx, ipsan, TLS_LEV_VERIFY, NULL, NULL);
    TEST_STR_EQ(r.trust, "Verified", "DNS names still match beside iPAddress names");
}

/* cli_fprint - fingerprint of a certificate file by the openssl command */
static const char *cli_fprint(const char *file)
{
    char cmd[600];
    const char *line;

    snprintf(cmd, sizeof(cmd), "openssl x509 -in '%s' -noout -fingerprint -sha256", file);
    line = test_command_line(cmd);
    return strchr(line, '=') ? strchr(line, '=') + 1 : "";
}

static void test_fingerprints(void)
{
    const char *self = tls_test_file("self-chain.pem");
    char match[400];
    RESULT r;

    snprintf(match, sizeof(match), "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF | %s",
             cli_fprint(tls_test_file("self.pem")));
    r = connect_to(client_ctx, self, TLS_LEV_FPRINT, match, NULL);
    TEST_STR_EQ(r.trust, "Verified",
                "fingerprint level: self-signed leaf with a listed fingerprint");
    tls_test_log_reset();
    r = connect_to(client_ctx, self, TLS_LEV_FPRINT,
                   "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF", NULL);
    TEST_STR_EQ(r.trust, "Untrusted", "fingerprint level: wrong fingerprint");
    TEST_INT_EQ(tls_test_logged("num=65:no matching DANE TLSA records"), 1,
                "wrong fingerprint logged");
    tls_test_log_reset();
    r = connect_to(client_ctx, tls_test_file("rsa-chain.pem"), TLS_LEV_FPRINT, "not-a-fingerprint",
                   NULL);
    TEST_CHECK(!(r.status & TLS_CERT_FLAG_MATCHED) && !(r.status & TLS_CERT_FLAG_TRUSTED),
               "no usable fingerprints: must_fail, nothing trusted or matched");
    TEST_INT_EQ(tls_test_logged("no usable fingerprints"), 1, "must_fail warned");
}

static void test_depth(void)
{
    TLS_APPL_STATE *shallow = tls_client_init(
        &(TLS_CLIENT_INIT_PROPS){.CAfile = tls_test_file("root.pem"), .verifydepth = 1});
    RESULT r;

    tls_test_log_reset();
    r = connect_to(shallow, tls_test_file("rsa-chain.pem"), TLS_LEV_VERIFY, NULL, NULL);
    TEST_STR_EQ(r.trust, "Untrusted", "verify depth 1 with an intermediate: Untrusted");
    TEST_INT_EQ(tls_test_logged("certificate chain longer than limit(1)"), 1,
                "chain too long logged");
    tls_client_free(shallow);
    shallow = tls_client_init(
        &(TLS_CLIENT_INIT_PROPS){.CAfile = tls_test_file("root.pem"), .verifydepth = 2});
    r = connect_to(shallow, tls_test_file("rsa-chain.pem"), TLS_LEV_VERIFY, NULL, NULL);
    TEST_STR_EQ(r.trust, "Verified", "verify depth 2 is enough");
    tls_client_free(shallow);
}

/* Client certificates, as the server sees them. */
static void test_client_cert(void)
{
    TLS_APPL_STATE *sctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .chain_files = tls_test_file("rsa-chain.pem"),
        .CAfile = tls_test_file("root.pem"),
        .ask_ccert = true,
    });
    TLS_APPL_STATE *cctx = tls_client_init(&(TLS_CLIENT_INIT_PROPS){
        .CAfile = tls_test_file("root.pem"),
        .chain_files = tls_test_file("client-chain.pem"),
    });
    TLS_CLIENT_START_PROPS cprops = {
        .ctx = cctx, .tls_level = TLS_LEV_ENCRYPT, .namaddr = "mail.example.com[192.0.2.1]:25"};
    TLS_SERVER_START_PROPS sprops = {.ctx = sctx, .namaddr = "client[198.51.100.7]"};
    TLS_TEST_PAIR pair;
    VSTRING *text = vstring_alloc(300);

    TEST_INT_EQ(tls_test_pair(&pair, &cprops, &sprops, 0) + tls_test_handshake(&pair), 0,
                "client certificate handshake");
    TEST_STR_EQ(tls_log_trust(pair.server), "Trusted", "server: client certificate trusted");
    TEST_STR_EQ(pair.server->peer_CN, "client.example.org", "server: client CN");
    TEST_CHECK(strstr(tls_received_comment(text, pair.server, true),
                      "\t(Client CN \"client.example.org\", Issuer \"Test Intermediate CA\" "
                      "(verified OK))") != NULL,
               "Received: comment names the verified client");
    TEST_CHECK(pair.server->clnt_sig_name && strcmp(pair.server->clnt_sig_name, "ECDSA") == 0,
               "client signature ECDSA");
    tls_test_pair_free(&pair);
    tls_client_free(cctx);

    cprops.ctx = client_ctx;
    tls_test_pair(&pair, &cprops, &sprops, 0);
    TEST_INT_EQ(tls_test_handshake(&pair), 0, "no client certificate: handshake completes");
    TEST_STR_EQ(tls_log_trust(pair.server), "Anonymous", "server: no client certificate");
    TEST_CHECK(strstr(tls_received_comment(text, pair.server, true),
                      "\t(Client did not present a certificate)") != NULL,
               "Received: comment says no certificate");
    tls_test_pair_free(&pair);
    tls_server_free(sctx);
    vstring_free(text);
}

int main(void)
{
    msg_stderr_enable(getenv("TLS_TEST_VERBOSE") != NULL);
    tls_test_certs();
    tls_test_capture();
    client_ctx = tls_client_init(&(TLS_CLIENT_INIT_PROPS){.CAfile = tls_test_file("root.pem")});
    test_levels();
    test_addresses();
    test_fingerprints();
    test_depth();
    test_client_cert();
    tls_client_free(client_ctx);
    return test_summary("tls_verify_test");
}
