/* tls_client_test - client context errors and per-level protocol and cipher choices */

#include <string.h>

#include <openssl/ssl.h>

#include "msg.h"

#include "tls.h"
#include "tls_client.h"
#include "tls_level.h"
#include "tls_server.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

/* has_cipher - does the connection offer a cipher */
static int has_cipher(SSL *ssl, const char *name)
{
    STACK_OF(SSL_CIPHER) *ciphers = SSL_get_ciphers(ssl);

    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++)
        if (strcmp(SSL_CIPHER_get_name(sk_SSL_CIPHER_value(ciphers, i)), name) == 0)
            return 1;
    return 0;
}

static void expect_init_failure(const char *label, TLS_CLIENT_INIT_PROPS props, const char *text)
{
    TLS_APPL_STATE *app;

    tls_test_log_reset();
    app = tls_client_init(&props);
    TEST_CHECK(app == NULL, "%s: init fails", label);
    TEST_CHECK(tls_test_lines->argc == 1 && strstr(tls_test_lines->argv[0], text) &&
                   strstr(tls_test_lines->argv[0], "disabling TLS support"),
               "%s: one line with \"%s\"", label, text);
    tls_client_free(app);
}

static void test_init_errors(void)
{
    expect_init_failure("bad protocols", (TLS_CLIENT_INIT_PROPS){.protocols = "TLSv1.7"},
                        "Invalid TLS protocol list \"TLSv1.7\" in smtp_tls_protocols");
    expect_init_failure(
        "bad mandatory protocols",
        (TLS_CLIENT_INIT_PROPS){.param_prefix = "lmtp", .mandatory_protocols = "!TLSv1.9"},
        "in lmtp_tls_mandatory_protocols");
    expect_init_failure("bad grade", (TLS_CLIENT_INIT_PROPS){.mandatory_ciphers = "strong"},
                        "invalid cipher grade \"strong\"");
    expect_init_failure("bad exclusion", (TLS_CLIENT_INIT_PROPS){.exclude_ciphers = "!RC4"},
                        "invalid unary");
    expect_init_failure("bad digest", (TLS_CLIENT_INIT_PROPS){.mdalg = "crc32"},
                        "invalid smtp_tls_fingerprint_digest \"crc32\"");
    expect_init_failure("bad log level", (TLS_CLIENT_INIT_PROPS){.log_level = "chatty"},
                        "invalid smtp_tls_loglevel \"chatty\"");
    expect_init_failure("bad CAfile", (TLS_CLIENT_INIT_PROPS){.CAfile = "/nonexistent/ca.pem"},
                        "smtp_tls_CAfile = /nonexistent/ca.pem");
    expect_init_failure("bad client chain",
                        (TLS_CLIENT_INIT_PROPS){.chain_files = tls_test_file("rsa.pem")},
                        "smtp_tls_chain_files");
}

static void test_levels(void)
{
    TLS_APPL_STATE *app = tls_client_init(&(TLS_CLIENT_INIT_PROPS){
        .protocols = ">=TLSv1",
        .mandatory_protocols = ">=TLSv1.2",
        .mandatory_exclude_ciphers = "CAMELLIA",
    });
    TLS_MEMPIPE *pipe = tls_mempipe_create(0);
    TLS_TRANSPORT t = tls_mempipe_end(pipe, 0);
    TLS_CLIENT_START_PROPS props = {.ctx = app,
                                    .transport = &t,
                                    .namaddr = "x[192.0.2.1]:25",
                                    .host = "mx.example.com",
                                    .nexthop = "example.com"};
    TLS_SESS_STATE *s;

    props.tls_level = TLS_LEV_MAY;
    s = tls_client_open(&props);
    TEST_CHECK(s && has_cipher(s->ssl, "ADH-AES256-GCM-SHA384") &&
                   has_cipher(s->ssl, "CAMELLIA256-SHA") &&
                   SSL_get_min_proto_version(s->ssl) == TLS1_VERSION,
               "may: anonymous ciphers allowed, no mandatory exclusions, smtp_tls_protocols");
    tls_sess_free(s);

    props.tls_level = TLS_LEV_ENCRYPT;
    s = tls_client_open(&props);
    TEST_CHECK(s && has_cipher(s->ssl, "ADH-AES256-GCM-SHA384") &&
                   !has_cipher(s->ssl, "NULL-SHA256") &&
                   SSL_get_min_proto_version(s->ssl) == TLS1_2_VERSION,
               "encrypt: mandatory protocols, eNULL excluded");
    TEST_CHECK(s && !has_cipher(s->ssl, "CAMELLIA256-SHA"), "encrypt: mandatory exclusions");
    tls_sess_free(s);

    props.tls_level = TLS_LEV_VERIFY;
    props.protocols = ">=TLSv1.3";
    props.cipher_exclusions = "";
    s = tls_client_open(&props);
    TEST_CHECK(s && !has_cipher(s->ssl, "ADH-AES256-GCM-SHA384") &&
                   SSL_get_min_proto_version(s->ssl) == TLS1_3_VERSION &&
                   SSL_get_security_level(s->ssl) == 1,
               "verify: aNULL excluded, policy protocols, security level 1");
    TEST_CHECK(s && s->match_names && s->match_names->argc == 1 &&
                   strcmp(s->match_names->argv[0], "mx.example.com") == 0,
               "verify: hostname strategy by default");
    tls_sess_free(s);

    props.tls_level = TLS_LEV_SECURE;
    props.protocols = NULL;
    s = tls_client_open(&props);
    TEST_CHECK(s && s->match_names && s->match_names->argc == 2 &&
                   strcmp(s->match_names->argv[1], ".example.com") == 0,
               "secure: nexthop, dot-nexthop by default");
    tls_sess_free(s);

    tls_test_log_reset();
    props.protocols = "TLSv9";
    TEST_CHECK(tls_client_open(&props) == NULL, "bad policy protocols: no session");
    TEST_INT_EQ(tls_test_logged("x[192.0.2.1]:25: Invalid TLS protocol list \"TLSv9\": aborting "
                                "TLS session"),
                1, "bad policy protocols logged");

    tls_test_log_reset();
    props.protocols = NULL;
    props.tls_level = TLS_LEV_DANE;
    s = tls_client_open(&props);
    TEST_CHECK(s && s->must_fail && tls_test_logged("no usable TLSA records"),
               "DANE without TLSA records: the session cannot match");
    tls_sess_free(s);
    tls_client_free(app);
    tls_mempipe_free(pipe);
}

int main(void)
{
    msg_stderr_enable(0);
    tls_test_certs();
    tls_test_capture();
    test_init_errors();
    test_levels();
    return test_summary("tls_client_test");
}
