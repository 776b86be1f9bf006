/* tls_sni_test - server name indication: table lookups, chain switch, errors */

#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "vstring.h"

#include "tls.h"
#include "tls_client.h"
#include "tls_level.h"
#include "tls_log.h"
#include "tls_server.h"
#include "tls_sni.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

static VSTRING *other_pem;
static char lookups[500];

/* sni_table - ".example.net" has the other chain; "error.example" fails; ".bad.example" is junk */
static const char *sni_table(void *context, const char *name, int *error)
{
    strncat(lookups, name, sizeof(lookups) - strlen(lookups) - 2);
    strcat(lookups, " ");
    *error = strcmp(name, "error.example") == 0;
    if (strcmp(name, ".bad.example") == 0)
        return "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    return strcmp(name, ".example.net") == 0 ? vstring_str(other_pem) : NULL;
}

static void load_pem(void)
{
    FILE *fp = fopen(tls_test_file("other-chain.pem"), "r");
    int ch;

    other_pem = vstring_alloc(4096);
    while ((ch = getc(fp)) != EOF)
        vstring_addch(other_pem, ch);
    fclose(fp);
}

/* handshake with SNI; returns the server certificate CN the client saw, or "failed" */
static const char *with_sni(TLS_APPL_STATE *sctx, TLS_APPL_STATE *cctx, const char *sni,
                            char *server_sni, size_t len)
{
    static char cn[100];
    TLS_CLIENT_START_PROPS cprops = {.ctx = cctx,
                                     .tls_level = TLS_LEV_MAY,
                                     .sni = sni,
                                     .nexthop = sni,
                                     .namaddr = "server[192.0.2.1]:25"};
    TLS_SERVER_START_PROPS sprops = {.ctx = sctx, .namaddr = "client[198.51.100.7]"};
    TLS_TEST_PAIR pair;

    lookups[0] = 0;
    snprintf(cn, sizeof(cn), "failed");
    snprintf(server_sni, len, "-");
    if (tls_test_pair(&pair, &cprops, &sprops, 0) == 0 && tls_test_handshake(&pair) == 0) {
        snprintf(cn, sizeof(cn), "%s", pair.client->peer_CN);
        snprintf(server_sni, len, "%s", pair.server->peer_sni ? pair.server->peer_sni : "-");
    }
    tls_test_pair_free(&pair);
    return cn;
}

int main(void)
{
    TLS_APPL_STATE *sctx, *cctx;
    char server_sni[100];

    msg_stderr_enable(getenv("TLS_TEST_VERBOSE") != NULL);
    tls_test_certs();
    tls_test_capture();
    load_pem();
    sctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .log_level = "1",
        .chain_files = tls_test_file("rsa-chain.pem"),
        .sni_lookup = sni_table,
        .sni_table = "sni-table",
    });
    cctx = tls_client_init(&(TLS_CLIENT_INIT_PROPS){.CAfile = tls_test_file("root.pem")});
    TEST_CHECK(sctx && cctx, "contexts with an SNI table");

    tls_test_log_reset();
    TEST_STR_EQ(with_sni(sctx, cctx, "smtp.mail.example.net", server_sni, sizeof(server_sni)),
                "other.example.net", "SNI below .example.net selects the table chain");
    TEST_STR_EQ(lookups, "smtp.mail.example.net .mail.example.net .example.net ",
                "exact name, then parent domains");
    TEST_STR_EQ(server_sni, "smtp.mail.example.net", "server records the SNI");
    TEST_INT_EQ(tls_test_logged("from client[198.51.100.7] to smtp.mail.example.net: TLSv1.3"), 1,
                "summary names the SNI");

    tls_test_log_reset();
    TEST_STR_EQ(with_sni(sctx, cctx, "mail.example.org", server_sni, sizeof(server_sni)),
                "mail.example.com", "unmatched SNI: default chain");
    TEST_STR_EQ(server_sni, "-", "unmatched SNI not recorded");
    TEST_INT_EQ(tls_test_logged("TLS SNI mail.example.org from client[198.51.100.7] not matched, "
                                "using default chain"),
                1, "unmatched SNI logged");

    TEST_STR_EQ(with_sni(sctx, cctx, "SMTP.Example.NET", server_sni, sizeof(server_sni)),
                "other.example.net", "names are looked up in lower case");
    TEST_STR_EQ(lookups, "smtp.example.net .example.net ", "lower-case keys");

    tls_test_log_reset();
    TEST_STR_EQ(with_sni(sctx, cctx, "mx.bad.example", server_sni, sizeof(server_sni)),
                "mail.example.com", "a bad table value: the default chain");
    TEST_INT_EQ(
        tls_test_logged("SNI mx.bad.example: sni-table: bad value for key \".bad.example\""), 1,
        "the table and the key are logged");

    TEST_STR_EQ(with_sni(sctx, cctx, NULL, server_sni, sizeof(server_sni)), "mail.example.com",
                "no SNI: default chain");
    TEST_STR_EQ(lookups, "", "no SNI: no lookup");

    tls_test_log_reset();
    TEST_STR_EQ(with_sni(sctx, cctx, "error.example", server_sni, sizeof(server_sni)), "failed",
                "lookup error aborts the handshake");
    TEST_INT_EQ(tls_test_logged("SNI error.example: table lookup error"), 1, "lookup error logged");

    TEST_CHECK(tls_sni_name_ok("mail.example.com") && tls_sni_name_ok("a-b.c_d.example"),
               "valid SNI names");
    TEST_CHECK(!tls_sni_name_ok("") && !tls_sni_name_ok("-a.example") &&
                   !tls_sni_name_ok("a-.example") && !tls_sni_name_ok("a..example") &&
                   !tls_sni_name_ok(".example") && !tls_sni_name_ok("a b.example") &&
                   !tls_sni_name_ok("a.example."),
               "invalid SNI names");
    tls_server_free(sctx);
    tls_client_free(cctx);
    vstring_free(other_pem);
    return test_summary("tls_sni_test");
}
