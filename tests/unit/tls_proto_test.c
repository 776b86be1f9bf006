/* tls_proto_test - protocol lists to version ranges, including holes and errors */

#include <openssl/ssl.h>

#include "vstring.h"

#include "tls_proto.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static const struct {
    const char *list;
    int status;
    int min_version;
    int max_version;
} cases[] = {
    {"", 0, 0, 0},
    {">=TLSv1", 0, TLS1_VERSION, 0},
    {">=TLSv1.2", 0, TLS1_2_VERSION, 0},
    {"<=TLSv1.3", 0, 0, TLS1_3_VERSION},
    {">=TLSv1.2, <=TLSv1.3", 0, TLS1_2_VERSION, TLS1_3_VERSION},
    {">=TLSv1.2:<=TLSv1.2", 0, TLS1_2_VERSION, TLS1_2_VERSION},
    {"!SSLv2, !SSLv3", 0, TLS1_VERSION, 0},
    {"!SSLv2 !SSLv3 !TLSv1 !TLSv1.1", 0, TLS1_2_VERSION, 0},
    {"!SSLv2:!SSLv3:!TLSv1:!TLSv1.1", 0, TLS1_2_VERSION, 0},
    /* A hole: !TLSv1.1 with TLSv1 allowed disables everything above TLSv1.1 too. */
    {"!SSLv2, !SSLv3, !TLSv1.1", 0, TLS1_VERSION, TLS1_VERSION},
    {"!TLSv1.3", 0, 0, TLS1_2_VERSION},
    {"TLSv1.2 TLSv1.3", 0, TLS1_2_VERSION, 0},
    {"TLSv1.2", 0, TLS1_2_VERSION, TLS1_2_VERSION},
    {"tlsv1.2", 0, TLS1_2_VERSION, TLS1_2_VERSION},
    {">=0303", 0, TLS1_2_VERSION, 0},
    {">=0x303", 0, TLS1_2_VERSION, 0},
    {">=301", 0, TLS1_VERSION, 0},
    {">=None", 0, 0, 0},
    {"!SSLv3 >=TLSv1.2", 0, TLS1_2_VERSION, 0},
    {">=TLSv1.1 !TLSv1.2", 0, TLS1_1_VERSION, TLS1_1_VERSION},
    {">=SSLv2", 0, 0, 0},
    /* Errors. */
    {"TLSv1.4", -1, 0, 0},
    {"!TLSv9", -1, 0, 0},
    {">=TLSv9", -1, 0, 0},
    {">= TLSv1", -1, 0, 0},
    {">=0xZZ", -1, 0, 0},
    {"!SSLv2 !SSLv3 !TLSv1 !TLSv1.1 !TLSv1.2 !TLSv1.3", -1, 0, 0},
    {">=TLSv1.3 <=TLSv1.2", -1, 0, 0},
    {"<=SSLv2", -1, 0, 0},
};

int main(void)
{
    VSTRING *why = vstring_alloc(100);
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int min_version = -1, max_version = -1;
        int status = tls_proto_parse(cases[i].list, &min_version, &max_version, why);

        TEST_INT_EQ(status, cases[i].status, "\"%s\" status", cases[i].list);
        if (status == 0 && cases[i].status == 0) {
            TEST_CHECK(min_version == cases[i].min_version && max_version == cases[i].max_version,
                       "\"%s\" range %04x..%04x (want %04x..%04x)", cases[i].list, min_version,
                       max_version, cases[i].min_version, cases[i].max_version);
            TEST_INT_EQ(tls_proto_apply_ctx(ctx, min_version, max_version), 0,
                        "\"%s\" OpenSSL accepts the range", cases[i].list);
        } else if (status < 0) {
            TEST_CHECK(VSTRING_LEN(why) > 0, "\"%s\" error says why: %s", cases[i].list,
                       vstring_str(why));
        }
    }
    TEST_STR_EQ(tls_proto_name(TLS1_3_VERSION), "TLSv1.3", "name of TLS 1.3");
    TEST_STR_EQ(tls_proto_name(TLS1_VERSION), "TLSv1", "name of TLS 1.0");
    TEST_INT_EQ(tls_proto_parse(NULL, &(int){0}, &(int){0}, NULL), 0, "NULL list allows all");
    TEST_CHECK(tls_proto_caps_to_tls12(0, 0), "no bounds: a TLS 1.2 ceiling applies");
    TEST_CHECK(tls_proto_caps_to_tls12(TLS1_2_VERSION, 0), ">=TLSv1.2: a TLS 1.2 ceiling applies");
    TEST_CHECK(!tls_proto_caps_to_tls12(TLS1_3_VERSION, 0), ">=TLSv1.3: no TLS 1.2 ceiling");
    TEST_CHECK(!tls_proto_caps_to_tls12(0, TLS1_2_VERSION), "<=TLSv1.2: nothing to take away");
    SSL_CTX_free(ctx);
    vstring_free(why);
    return test_summary("tls_proto_test");
}
