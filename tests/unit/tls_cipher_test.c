/* tls_cipher_test - cipher grades, exclusions, groups, options */

#include <string.h>

#include <openssl/ssl.h>

#include "msg.h"
#include "vstring.h"

#include "tls.h"
#include "tls_cipher.h"
#include "tls_dh.h"
#include "tls_options.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

/* has_cipher - does a cipher list select a cipher by name */
static int has_cipher(const char *list, const char *name)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    STACK_OF(SSL_CIPHER) * ciphers;
    int found = 0;

    SSL_CTX_set_security_level(ctx, 0);
    if (SSL_CTX_set_cipher_list(ctx, list) == 1) {
        ciphers = SSL_CTX_get_ciphers(ctx);
        for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++)
            if (strcmp(SSL_CIPHER_get_name(sk_SSL_CIPHER_value(ciphers, i)), name) == 0)
                found = 1;
    }
    SSL_CTX_free(ctx);
    return found;
}

static void test_grades(void)
{
    VSTRING *out = vstring_alloc(100), *why = vstring_alloc(100);
    const char *list;

    TEST_INT_EQ(tls_cipher_grade("high"), TLS_CIPHER_HIGH, "grade high");
    TEST_INT_EQ(tls_cipher_grade("MEDIUM"), TLS_CIPHER_MEDIUM, "grade medium (case)");
    TEST_INT_EQ(tls_cipher_grade("low"), TLS_CIPHER_MEDIUM, "grade low means medium");
    TEST_INT_EQ(tls_cipher_grade("export"), TLS_CIPHER_MEDIUM, "grade export means medium");
    TEST_INT_EQ(tls_cipher_grade("null"), TLS_CIPHER_NULL, "grade null");
    TEST_INT_EQ(tls_cipher_grade("strong"), TLS_CIPHER_NONE, "unknown grade");

    list = tls_cipher_list(out, NULL, "medium", "", why);
    TEST_STR_EQ(list, TLS_DEF_MEDIUM_CIPHERLIST, "medium expands to tls_medium_cipherlist");
    list = tls_cipher_list(out, NULL, "high", "RC4, aNULL:MD5", why);
    TEST_STR_EQ(list, TLS_DEF_HIGH_CIPHERLIST ":!RC4:!aNULL:!MD5", "exclusions appended");
    TEST_CHECK(list && !has_cipher(list, "ADH-AES256-GCM-SHA384"), "aNULL excluded");
    TEST_CHECK(list && has_cipher(list, "ECDHE-RSA-AES256-GCM-SHA384"), "ECDHE kept");
    list = tls_cipher_list(out, NULL, "null", NULL, why);
    TEST_CHECK(list && has_cipher(list, "NULL-SHA256") && !has_cipher(list, "AES256-SHA"),
               "null grade has only NULL ciphers");

    list = tls_cipher_list(out, NULL, "bogus", "", why);
    TEST_CHECK(list == NULL && strstr(vstring_str(why), "bogus"), "unknown grade refused: %s",
               vstring_str(why));
    for (const char *const *bad = (const char *[]){"!RC4", "+RC4", "-RC4", "@STRENGTH", NULL}; *bad;
         bad++) {
        list = tls_cipher_list(out, NULL, "medium", *bad, why);
        TEST_CHECK(list == NULL && strstr(vstring_str(why), "invalid unary"),
                   "exclusion \"%s\" refused", *bad);
    }
    list = tls_cipher_list(out, NULL, "high", "ALL", why);
    TEST_CHECK(list == NULL && strstr(vstring_str(why), "selects no cipher"),
               "empty cipher list is an error: %s", vstring_str(why));
    TEST_CHECK(tls_cipher_list(out, &(TLS_PARAMS){.high_cipherlist = "NOSUCHCIPHER"}, "high", "",
                               why) == NULL,
               "a tls_high_cipherlist that selects nothing is an error");
    vstring_free(out);
    vstring_free(why);
}

/* The hybrid group leads the default list where OpenSSL has it (makedefs: ml-kem). */
#ifdef HAVE_TLS_MLKEM
#define PQ_FIRST "X25519MLKEM768:"
#else
#define PQ_FIRST ""
#endif

static void test_groups(void)
{
    VSTRING *out = vstring_alloc(100);
    TLS_PARAMS params;
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    char cmd[1000];

    tls_params_init(&params);
    TEST_STR_EQ(tls_dh_groups(out, &params),
                PQ_FIRST "X25519:X448:prime256v1:secp521r1:secp384r1:"
                         "ffdhe2048:ffdhe3072",
                "default groups are all supported (X25519MLKEM768 where OpenSSL has it)");
    params.eecdh_auto_curves = "X25519 nosuchcurve, prime256v1 X25519";
    params.ffdhe_auto_groups = "ffdhe9999 ffdhe4096";
    TEST_STR_EQ(tls_dh_groups(out, &params), "X25519:prime256v1:ffdhe4096",
                "unsupported and duplicate groups dropped");
    TEST_INT_EQ(tls_dh_apply_groups(ctx, &params, true), 0, "groups applied");
    TEST_INT_EQ(tls_dh_apply_params(ctx, "smtpd_tls_dh1024_param_file", ""), 0,
                "built-in ffdhe2048 group");
    tls_test_capture();
    TEST_INT_EQ(tls_dh_apply_params(ctx, "smtpd_tls_dh1024_param_file", "/nonexistent/dh.pem"), -1,
                "missing DH file fails");
    TEST_CHECK(tls_test_logged("smtpd_tls_dh1024_param_file = /nonexistent/dh.pem") == 1,
               "missing DH file warning names the parameter and file");
    snprintf(cmd, sizeof(cmd),
             "openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe3072 -out '%s' && "
             "openssl genpkey -genparam -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
             "-out '%s'",
             tls_test_file("dh.pem"), tls_test_file("ecparam.pem"));
    TEST_INT_EQ(system(cmd), 0, "parameter files made");
    TEST_INT_EQ(tls_dh_apply_params(ctx, "smtpd_tls_dh1024_param_file", tls_test_file("dh.pem")), 0,
                "DH parameter file loads");
    tls_test_log_reset();
    TEST_INT_EQ(
        tls_dh_apply_params(ctx, "smtpd_tls_dh1024_param_file", tls_test_file("ecparam.pem")), -1,
        "EC parameters are not DH parameters");
    TEST_INT_EQ(tls_test_logged("no DH parameters in smtpd_tls_dh1024_param_file = "), 1,
                "wrong parameter type named");
    SSL_CTX_free(ctx);
    vstring_free(out);
}

static void test_options(void)
{
    uint64_t bits = 0;

    TEST_INT_EQ(tls_ssl_options("tls_ssl_options", "NO_TICKET, no_compression", &bits), 0,
                "option names parse");
    TEST_CHECK(bits == (SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION), "option bits");
    TEST_INT_EQ(tls_ssl_options("tls_ssl_options", "PRIORITIZE_CHACHA 0x00100000", &bits), 0,
                "names and hex");
    TEST_CHECK(bits == (SSL_OP_PRIORITIZE_CHACHA | SSL_OP_ENABLE_MIDDLEBOX_COMPAT), "hex bits");
    TEST_INT_EQ(tls_ssl_options("tls_ssl_options",
                                "ENABLE_MIDDLEBOX_COMPAT LEGACY_SERVER_CONNECT "
                                "NO_RENEGOTIATION",
                                &bits),
                0, "more names");
    tls_test_capture();
    TEST_INT_EQ(tls_ssl_options("tls_ssl_options", "NO_SUCH_OPTION", &bits), -1,
                "unknown option refused");
    TEST_CHECK(tls_test_logged("tls_ssl_options: unknown option \"NO_SUCH_OPTION\""),
               "unknown option is named");
    TEST_INT_EQ(tls_ssl_options("tls_ssl_options", "0x400000", &bits), 0, "managed bit accepted");
    TEST_CHECK(bits == 0, "managed bit masked out");
    TEST_INT_EQ(tls_bug_bits("tls_disable_workarounds", "", &bits), 0, "no disabled workarounds");
    TEST_CHECK(bits == SSL_OP_ALL, "all workarounds");
    TEST_INT_EQ(tls_bug_bits("tls_disable_workarounds", "TLSEXT_PADDING, 0x80000000", &bits), 0,
                "disable workarounds");
    TEST_CHECK(bits == (SSL_OP_ALL & ~(SSL_OP_TLSEXT_PADDING | SSL_OP_CRYPTOPRO_TLSEXT_BUG)),
               "workarounds removed");
}

int main(void)
{
    msg_stderr_enable(0);
    test_grades();
    test_groups();
    test_options();
    return test_summary("tls_cipher_test");
}
