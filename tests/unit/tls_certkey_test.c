/* tls_certkey_test - loading keys and chains; one clear line per bad file */

#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>

#include "msg.h"
#include "vstring.h"

#include "tls.h"
#include "tls_certkey.h"
#include "tls_server.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

/* write_file - a test file with given content */
static const char *write_file(const char *name, const char *content)
{
    const char *path = tls_test_file(name);
    FILE *fp = fopen(path, "w");

    fputs(content, fp);
    fclose(fp);
    return path;
}

/* cat_files - concatenate test files into a new one */
static const char *cat_files(const char *name, const char *a, const char *b)
{
    char cmd[1000];
    const char *out = tls_test_file(name);

    snprintf(cmd, sizeof(cmd), "cat '%s' '%s' > '%s'", tls_test_file(a), tls_test_file(b), out);
    if (system(cmd) != 0)
        printf("not ok - cannot run %s\n", cmd);
    return out;
}

/* count_keys - key types loaded into a context */
static int count_keys(SSL_CTX *ctx, int *rsa, int *ec, int *ed)
{
    int count = 0;

    *rsa = *ec = *ed = 0;
    for (int ok = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST); ok;
         ok = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT)) {
        X509 *cert = SSL_CTX_get0_certificate(ctx);
        EVP_PKEY *pkey = cert ? X509_get0_pubkey(cert) : NULL;

        if (pkey == NULL)
            continue;
        count++;
        *rsa += EVP_PKEY_is_a(pkey, "RSA");
        *ec += EVP_PKEY_is_a(pkey, "EC");
        *ed += EVP_PKEY_is_a(pkey, "ED25519");
    }
    return count;
}

static void test_good(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    VSTRING *why = vstring_alloc(100);
    int rsa, ec, ed;

    TEST_INT_EQ(
        tls_certkey_load(ctx,
                         &(TLS_CERTKEY_FILES){.param_prefix = "smtpd",
                                              .chain_files = tls_test_file("all-chain.pem")},
                         why),
        TLS_CERTKEY_LOADED, "all-chain.pem loads: %s", vstring_str(why));
    TEST_INT_EQ(count_keys(ctx, &rsa, &ec, &ed), 3, "three keys side by side");
    TEST_CHECK(rsa == 1 && ec == 1 && ed == 1, "RSA, ECDSA and Ed25519");
    SSL_CTX_free(ctx);

    ctx = SSL_CTX_new(TLS_server_method());
    TEST_INT_EQ(
        tls_certkey_load(ctx,
                         &(TLS_CERTKEY_FILES){
                             .param_prefix = "smtpd",
                             .chain_files = "",
                             .cert_file = cat_files("rsa-leaf-int.pem", "rsa.pem", "int.pem"),
                             .key_file = tls_test_file("rsa.key"),
                             .eccert_file = tls_test_file("ecdsa-chain.pem"),
                         },
                         why),
        TLS_CERTKEY_LOADED, "legacy cert/key and eccert with the key inside: %s", vstring_str(why));
    TEST_INT_EQ(count_keys(ctx, &rsa, &ec, &ed), 2, "RSA and ECDSA from legacy files");
    SSL_CTX_free(ctx);

    ctx = SSL_CTX_new(TLS_server_method());
    TEST_INT_EQ(tls_certkey_load(ctx, &(TLS_CERTKEY_FILES){.param_prefix = "smtpd"}, why),
                TLS_CERTKEY_NONE, "nothing configured");
    TEST_INT_EQ(tls_certkey_load(ctx, &(TLS_CERTKEY_FILES){.cert_file = "none"}, why),
                TLS_CERTKEY_NONE, "cert_file none");
    SSL_CTX_free(ctx);
    vstring_free(why);
}

static void test_duplicate_key(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    VSTRING *why = vstring_alloc(100);

    tls_test_log_reset();
    TEST_INT_EQ(tls_certkey_load(
                    ctx,
                    &(TLS_CERTKEY_FILES){.param_prefix = "smtpd",
                                         .chain_files = cat_files("ec-twice.pem", "ecdsa-chain.pem",
                                                                  "other-chain.pem")},
                    why),
                TLS_CERTKEY_LOADED, "two ECDSA groups load");
    TEST_INT_EQ(tls_test_logged("ignoring 2nd ECDSA key at index 4 after 1st at 1"), 1,
                "the second ECDSA key is ignored with a warning");
    SSL_CTX_free(ctx);
    vstring_free(why);
}

/* expect_init_failure - server init fails with one line naming parameter and file */
static void expect_init_failure(const char *label, TLS_SERVER_INIT_PROPS props, const char *param,
                                const char *file, const char *reason)
{
    TLS_APPL_STATE *app;

    tls_test_log_reset();
    props.log_level = "0";
    app = tls_server_init(&props);
    TEST_CHECK(app == NULL, "%s: init fails", label);
    TEST_INT_EQ((int)tls_test_lines->argc, 1, "%s: exactly one log line", label);
    if (tls_test_lines->argc > 0) {
        const char *line = tls_test_lines->argv[0];

        TEST_CHECK(strstr(line, param) && strstr(line, file) && strstr(line, reason) &&
                       strstr(line, "disabling TLS support"),
                   "%s: line names %s, the file and the reason: %s", label, param, line);
    }
    tls_server_free(app);
}

static void test_bad(void)
{
    const char *garbled = write_file("garbled.pem", "-----BEGIN CERTIFICATE-----\n"
                                                    "not base64 at all!!\n"
                                                    "-----END CERTIFICATE-----\n");
    const char *empty = write_file("empty.pem", "");
    const char *truncated = write_file("truncated.pem", "-----BEGIN PRIVATE KEY-----\nMIIB\n");
    const char *cert_first = cat_files("cert-first.pem", "ecdsa.pem", "ecdsa.key");
    const char *mismatch = cat_files("mismatch.pem", "ecdsa.key", "other.pem");

    expect_init_failure("missing chain file",
                        (TLS_SERVER_INIT_PROPS){.chain_files = "/nonexistent/chain.pem"},
                        "smtpd_tls_chain_files", "/nonexistent/chain.pem", "No such file");
    expect_init_failure("empty chain file", (TLS_SERVER_INIT_PROPS){.chain_files = empty},
                        "smtpd_tls_chain_files", empty, "no private key or certificate");
    expect_init_failure("garbled PEM", (TLS_SERVER_INIT_PROPS){.chain_files = garbled},
                        "smtpd_tls_chain_files", garbled, "malformed PEM");
    expect_init_failure("truncated PEM", (TLS_SERVER_INIT_PROPS){.chain_files = truncated},
                        "smtpd_tls_chain_files", truncated, "PEM");
    expect_init_failure("key not first", (TLS_SERVER_INIT_PROPS){.chain_files = cert_first},
                        "smtpd_tls_chain_files", cert_first, "key not first");
    expect_init_failure("key does not match", (TLS_SERVER_INIT_PROPS){.chain_files = mismatch},
                        "smtpd_tls_chain_files", mismatch, "does not match");
    expect_init_failure("unreadable key file",
                        (TLS_SERVER_INIT_PROPS){.cert_file = tls_test_file("rsa.pem"),
                                                .key_file = "/nonexistent/rsa.key"},
                        "smtpd_tls_key_file", "/nonexistent/rsa.key", "No such file");
    expect_init_failure("mismatched legacy key",
                        (TLS_SERVER_INIT_PROPS){.cert_file = tls_test_file("rsa.pem"),
                                                .key_file = tls_test_file("ecdsa.key")},
                        "smtpd_tls_key_file", tls_test_file("ecdsa.key"), "does not match");
    expect_init_failure(
        "key file without key", (TLS_SERVER_INIT_PROPS){.eccert_file = tls_test_file("ecdsa.pem")},
        "smtpd_tls_eckey_file", tls_test_file("ecdsa.pem"), "no usable private key");
    expect_init_failure("no certificate at all", (TLS_SERVER_INIT_PROPS){.param_prefix = "smtpd"},
                        "smtpd_tls_chain_files", "", "no server certificate");
    expect_init_failure("bad CAfile",
                        (TLS_SERVER_INIT_PROPS){.chain_files = tls_test_file("rsa-chain.pem"),
                                                .CAfile = "/nonexistent/ca.pem"},
                        "smtpd_tls_CAfile", "/nonexistent/ca.pem", "No such file");
    expect_init_failure("bad protocols",
                        (TLS_SERVER_INIT_PROPS){.chain_files = tls_test_file("rsa-chain.pem"),
                                                .protocols = "TLSv1.9"},
                        "Invalid TLS protocol list", "TLSv1.9", "");
}

static void test_pem_blob(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL *ssl = SSL_new(ctx);
    VSTRING *why = vstring_alloc(100), *pem = vstring_alloc(4096);
    FILE *fp = fopen(tls_test_file("ecdsa-chain.pem"), "r");
    int ch;

    while ((ch = getc(fp)) != EOF)
        vstring_addch(pem, ch);
    fclose(fp);
    TEST_INT_EQ(
        tls_certkey_load_pem(ssl, "mail.example.com", vstring_str(pem), VSTRING_LEN(pem), why), 0,
        "SNI PEM blob loads into a connection");
    TEST_CHECK(SSL_get_certificate(ssl) != NULL, "connection has the certificate");
    TEST_INT_EQ(tls_certkey_load_pem(ssl, "bad.example", "garbage", 7, why), -1,
                "garbage blob refused");
    TEST_CHECK(strstr(vstring_str(why), "bad.example") != NULL, "reason names the origin: %s",
               vstring_str(why));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    vstring_free(why);
    vstring_free(pem);
}

static void test_none(void)
{
    TLS_APPL_STATE *app;

    tls_test_log_reset();
    app = tls_server_init(&(TLS_SERVER_INIT_PROPS){.cert_file = "none"});
    TEST_CHECK(app != NULL, "cert_file = none: server runs without a certificate");
    TEST_INT_EQ((int)tls_test_lines->argc, 0, "and logs nothing");
    tls_server_free(app);
}

int main(void)
{
    msg_stderr_enable(0);
    tls_test_certs();
    tls_test_capture();
    test_good();
    test_duplicate_key();
    test_bad();
    test_pem_blob();
    test_none();
    return test_summary("tls_certkey_test");
}
