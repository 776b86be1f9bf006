/*
 * tlsrpt_txt_test - TLSRPT TXT records (RFC 8460 section 3) and spool file names.
 */
/* TEST_UNDER_VALGRIND */

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "test.h"
#include "vstring.h"

#include "tlsrpt_spool.h"
#include "tlsrpt_txt.h"

typedef struct TXT_CASE {
    const char *text; /* one TXT record */
    int want;         /* TLSRPT_TXT_* */
    const char *rua;  /* the URIs kept, space-separated, when OK */
} TXT_CASE;

static const TXT_CASE txt_cases[] = {
    {"v=TLSRPTv1; rua=mailto:reports@example.com", TLSRPT_TXT_OK, "mailto:reports@example.com"},
    {"v=TLSRPTv1;rua=https://reporting.example.com/v1/tlsrpt", TLSRPT_TXT_OK,
     "https://reporting.example.com/v1/tlsrpt"},
    {"v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x ;", TLSRPT_TXT_OK,
     "mailto:a@example.com https://r.example.com/x"},
    {"v=TLSRPTv1 ; rua=mailto:a@example.com , mailto:b@example.com; ext=1", TLSRPT_TXT_OK,
     "mailto:a@example.com mailto:b@example.com"},
    {"v=TLSRPTv1; rua=ftp://x.example.com/,mailto:a@example.com", TLSRPT_TXT_OK,
     "mailto:a@example.com"},
    {"v=TLSRPTv1; rua=ftp://x.example.com/", TLSRPT_TXT_INVALID, NULL},
    {"v=TLSRPTv1; rua=", TLSRPT_TXT_INVALID, NULL},
    {"v=TLSRPTv1; rua=mailto:a@example.com,", TLSRPT_TXT_INVALID, NULL},
    {"v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com", TLSRPT_TXT_INVALID, NULL},
    {"v=TLSRPTv1", TLSRPT_TXT_INVALID, NULL},
    {"v=TLSRPTv1; x", TLSRPT_TXT_INVALID, NULL},
    {"v=TLSRPTv1; =y; rua=mailto:a@example.com", TLSRPT_TXT_INVALID, NULL},
    {"v=TLSRPTv1x; rua=mailto:a@example.com", TLSRPT_TXT_NONE, NULL},
    {"v=tlsrptv1; rua=mailto:a@example.com", TLSRPT_TXT_NONE, NULL},
    {"v=spf1 -all", TLSRPT_TXT_NONE, NULL},
    {"", TLSRPT_TXT_NONE, NULL},
};

int main(void)
{
    VSTRING *why = vstring_alloc(100), *name = vstring_alloc(20);
    ARGV *rua, *records;
    time_t start;

    msg_init("tlsrpt_txt_test");
    for (size_t i = 0; i < sizeof(txt_cases) / sizeof(txt_cases[0]); i++) {
        const TXT_CASE *c = txt_cases + i;
        char *got;

        rua = argv_alloc(2);
        TEST_INT_EQ(tlsrpt_txt_parse(c->text, rua, why), c->want, "parse: \"%s\"", c->text);
        got = argv_join(rua, " ");
        TEST_STR_EQ(got, c->rua ? c->rua : "", "parse: \"%s\": rua", c->text);
        myfree(got);
        argv_free(rua);
    }
    rua = argv_alloc(2);
    records = argv_alloc(2);
    argv_add(records, "v=spf1 -all");
    TEST_INT_EQ(tlsrpt_txt_select(records, rua, why), TLSRPT_TXT_NONE, "select: no TLSRPT record");
    argv_add(records, "v=TLSRPTv1; rua=mailto:one@example.com");
    TEST_INT_EQ(tlsrpt_txt_select(records, rua, why), TLSRPT_TXT_OK, "select: one TLSRPT record");
    TEST_INT_EQ(rua->argc, 1, "select: its rua");
    argv_add(records, "v=TLSRPTv1; rua=mailto:two@example.com");
    TEST_INT_EQ(tlsrpt_txt_select(records, rua, why), TLSRPT_TXT_INVALID,
                "select: two TLSRPT records: no reports");
    TEST_INT_EQ(rua->argc, 1, "select: nothing added for two records");
    argv_free(records);
    argv_free(rua);

    TEST_INT_EQ(tlsrpt_spool_period(86400 * 3 + 5000, 86400), 86400 * 3, "period: a UTC day");
    TEST_INT_EQ(tlsrpt_spool_period(61, 30), 60, "period: 30 seconds");
    tlsrpt_spool_name(name, 1796601600);
    TEST_STR_EQ(vstring_str(name), "20261207T000000Z", "spool name of a period");
    TEST_INT_EQ(tlsrpt_spool_parse_name("20261207T000000Z", &start), 0, "spool name read back");
    TEST_INT_EQ(start, 1796601600, "spool name: its start");
    TEST_INT_EQ(tlsrpt_spool_parse_name("20261207T000000Z.report", &start), 0,
                "spool name being reported");
    TEST_INT_EQ(tlsrpt_spool_parse_name("20261207T000000Z.tmp", &start), -1, "other suffix");
    TEST_INT_EQ(tlsrpt_spool_parse_name("message.123", &start), -1, "not a spool name");
    vstring_free(name);
    vstring_free(why);
    return test_summary("tlsrpt_txt_test");
}
