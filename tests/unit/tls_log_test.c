/* tls_log_test - log levels, summary lines and the Received: comment, byte for byte */

#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_level.h"
#include "tls_log.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static void set(char **field, const char *value)
{
    myfree(*field);
    *field = mystrdup(value);
}

static void test_masks(void)
{
    int all = TLS_LOG_SUMMARY | TLS_LOG_VERBOSE | TLS_LOG_CACHE | TLS_LOG_DEBUG;

    msg_stderr_enable(0);
    TEST_INT_EQ(tls_log_mask("smtpd_tls_loglevel", "0"), TLS_LOG_NONE, "0 logs nothing");
    TEST_INT_EQ(tls_log_mask("smtpd_tls_loglevel", ""), TLS_LOG_NONE, "empty logs nothing");
    TEST_INT_EQ(tls_log_mask("smtpd_tls_loglevel", "1"), TLS_LOG_SUMMARY, "1 is the summary");
    TEST_INT_EQ(tls_log_mask("smtpd_tls_loglevel", "routine"), TLS_LOG_SUMMARY, "routine");
    TEST_INT_EQ(tls_log_mask("smtpd_tls_loglevel", "2"), all, "2 adds verbose, cache, debug");
    TEST_INT_EQ(tls_log_mask("smtpd_tls_loglevel", "3"), all | TLS_LOG_TLSPKTS,
                "3 adds handshake packets");
    TEST_INT_EQ(tls_log_mask("smtpd_tls_loglevel", "4"), all | TLS_LOG_TLSPKTS | TLS_LOG_ALLPKTS,
                "4 adds all packets");
    TEST_INT_EQ(tls_log_mask("smtpd_tls_loglevel", "9"), tls_log_mask("x", "4"), "9 means 4");
    TEST_INT_EQ(tls_log_mask("smtpd_tls_loglevel", "summary, untrusted peercert:certmatch"),
                TLS_LOG_SUMMARY | TLS_LOG_UNTRUSTED | TLS_LOG_PEERCERT | TLS_LOG_CERTMATCH,
                "keywords combine");
    TEST_INT_EQ(tls_log_mask("smtpd_tls_loglevel", "loud"), -1, "unknown keyword refused");
    TEST_INT_EQ(tls_log_mask("smtpd_tls_loglevel", "10"), -1, "10 refused");
}

static void test_summary_lines(void)
{
    TLS_SESS_STATE *c = tls_sess_alloc(false, "mx1.example.com[192.0.2.1]:25", TLS_LOG_SUMMARY);
    TLS_SESS_STATE *s = tls_sess_alloc(true, "client.example[198.51.100.7]", TLS_LOG_SUMMARY);
    VSTRING *out = vstring_alloc(200);

    c->peer_status = TLS_CERT_FLAG_PRESENT | TLS_CERT_FLAG_TRUSTED | TLS_CERT_FLAG_MATCHED |
                     TLS_CERT_FLAG_SECURED;
    c->protocol = "TLSv1.3";
    c->cipher_name = "TLS_AES_256_GCM_SHA384";
    c->cipher_usebits = c->cipher_algbits = 256;
    c->kex_name = "x25519";
    c->srvr_sig_name = "RSA-PSS";
    c->srvr_sig_bits = 2048;
    c->srvr_sig_dgst = "SHA256";
    TEST_STR_EQ(tls_log_summary_text(out, c),
                "Verified TLS connection established to mx1.example.com[192.0.2.1]:25: TLSv1.3 "
                "with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange x25519 "
                "server-signature RSA-PSS (2048 bits) server-digest SHA256",
                "client summary, verified");
    c->peer_status &= ~TLS_CERT_FLAG_SECURED;
    c->session_reused = true;
    c->srvr_sig_name = NULL;
    TEST_STR_EQ(tls_log_summary_text(out, c),
                "Trusted TLS connection reused to mx1.example.com[192.0.2.1]:25: TLSv1.3 with "
                "cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange x25519",
                "client summary, reused, no signature");
    c->peer_status = TLS_CERT_FLAG_PRESENT;
    c->protocol = "TLSv1.2";
    c->cipher_name = "ECDHE-RSA-AES256-GCM-SHA384";
    c->kex_name = NULL;
    c->session_reused = false;
    TEST_STR_EQ(tls_log_summary_text(out, c),
                "Untrusted TLS connection established to mx1.example.com[192.0.2.1]:25: TLSv1.2 "
                "with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
                "client summary, untrusted TLS 1.2");

    s->protocol = "TLSv1.3";
    s->cipher_name = "TLS_AES_128_GCM_SHA256";
    s->cipher_usebits = s->cipher_algbits = 128;
    s->kex_name = "X25519";
    s->srvr_sig_name = "ECDSA";
    s->srvr_sig_curve = "prime256v1";
    s->srvr_sig_dgst = "SHA256";
    TEST_STR_EQ(tls_log_summary_text(out, s),
                "Anonymous TLS connection established from client.example[198.51.100.7]: TLSv1.3 "
                "with cipher TLS_AES_128_GCM_SHA256 (128/128 bits) key-exchange X25519 "
                "server-signature ECDSA (prime256v1) server-digest SHA256",
                "server summary, anonymous");
    s->peer_status = TLS_CERT_FLAG_PRESENT | TLS_CERT_FLAG_TRUSTED | TLS_CERT_FLAG_SECURED;
    s->peer_sni = mystrdup("mail.example.com");
    s->clnt_sig_name = "ED25519";
    s->kex_name = "ECDHE";
    s->kex_curve = "secp384r1";
    TEST_STR_EQ(tls_log_summary_text(out, s),
                "Trusted TLS connection established from client.example[198.51.100.7] to "
                "mail.example.com: TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits) "
                "key-exchange ECDHE (secp384r1) server-signature ECDSA (prime256v1) "
                "server-digest SHA256 client-signature ED25519",
                "server summary: never Verified, SNI, client signature");
    s->kex_name = "DHE";
    s->kex_curve = NULL;
    s->kex_bits = 2048;
    s->srvr_sig_name = NULL;
    s->clnt_sig_name = NULL;
    TEST_CHECK(strstr(tls_log_summary_text(out, s), "key-exchange DHE (2048 bits)") != NULL,
               "FFDHE key exchange size");
    tls_sess_free(c);
    tls_sess_free(s);
    vstring_free(out);
}

static void test_received(void)
{
    TLS_SESS_STATE *s = tls_sess_alloc(true, "client.example[198.51.100.7]", 0);
    VSTRING *out = vstring_alloc(200);

    s->protocol = "TLSv1.3";
    s->cipher_name = "TLS_AES_256_GCM_SHA384";
    s->cipher_usebits = s->cipher_algbits = 256;
    s->kex_name = "X25519MLKEM768";
    s->srvr_sig_name = "RSA-PSS";
    s->srvr_sig_bits = 2048;
    s->srvr_sig_dgst = "SHA256";
    s->clnt_sig_name = "ECDSA";
    s->clnt_sig_curve = "prime256v1";
    s->clnt_sig_dgst = "SHA256";
    s->peer_status = TLS_CERT_FLAG_PRESENT | TLS_CERT_FLAG_TRUSTED;
    set(&s->peer_CN, "cn");
    set(&s->issuer_CN, "issuer CN");
    TEST_STR_EQ(tls_received_comment(out, s, true),
                "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n"
                "\t key-exchange X25519MLKEM768 server-signature RSA-PSS (2048 bits) "
                "server-digest SHA256\n"
                "\t client-signature ECDSA (prime256v1) client-digest SHA256)\n"
                "\t(Client CN \"cn\", Issuer \"issuer CN\" (verified OK))",
                "Received: comment with a verified client certificate");
    s->peer_status = TLS_CERT_FLAG_PRESENT;
    set(&s->peer_CN, "evil\") (x\\");
    TEST_STR_EQ(strrchr(tls_received_comment(out, s, true), '\t'),
                "\t(Client CN \"evil\\\"\\) \\(x\\\\\", Issuer \"issuer CN\" (not verified))",
                "unverified, names sanitised");
    s->peer_status = 0;
    s->kex_name = s->srvr_sig_name = s->clnt_sig_name = NULL;
    TEST_STR_EQ(tls_received_comment(out, s, false),
                "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
                "\t(No client certificate requested)",
                "no certificate requested");
    TEST_STR_EQ(strrchr(tls_received_comment(out, s, true), '\t'),
                "\t(Client did not present a certificate)", "no certificate presented");
    tls_sess_free(s);
    vstring_free(out);
}

static void test_levels(void)
{
    static const char *names[] = {"none", "may",       "encrypt", "fingerprint",
                                  "dane", "dane-only", "verify",  "secure"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        TEST_STR_EQ(tls_level_name(tls_level_lookup(names[i])), names[i], "level %s round trip",
                    names[i]);
    TEST_INT_EQ(tls_level_lookup("halfdane"), TLS_LEV_INVALID, "halfdane is output only");
    TEST_INT_EQ(tls_level_lookup("VERIFY"), TLS_LEV_VERIFY, "case-insensitive");
    TEST_CHECK(TLS_MUST_MATCH(TLS_LEV_FPRINT) && !TLS_MUST_MATCH(TLS_LEV_ENCRYPT) &&
                   TLS_REQUIRED(TLS_LEV_ENCRYPT) && !TLS_REQUIRED(TLS_LEV_MAY),
               "level predicates");
}

int main(void)
{
    test_masks();
    test_summary_lines();
    test_received();
    test_levels();
    return test_summary("tls_log_test");
}
