/*
 * sts_policy_test - MTA-STS TXT records, policy files and MX patterns (RFC 8461).
 */
/* TEST_UNDER_VALGRIND */

#include "msg.h"
#include "test.h"

#include "sts_policy.h"

typedef struct TXT_CASE {
    const char *text; /* one TXT record */
    int want;         /* STS_TXT_* */
    const char *id;   /* the id when OK */
} TXT_CASE;

static const TXT_CASE txt_cases[] = {
    {"v=STSv1; id=20160831085700Z;", STS_TXT_OK, "20160831085700Z"},
    {"v=STSv1;id=abc", STS_TXT_OK, "abc"},
    {"v=STSv1 ; id=abc ; ext=va:lue ;", STS_TXT_OK, "abc"},
    {"v=STSv1; id=12345678901234567890123456789012", STS_TXT_OK,
     "12345678901234567890123456789012"},
    {"v=STSv1; id=123456789012345678901234567890123", STS_TXT_INVALID, NULL},
    {"v=STSv1; id=", STS_TXT_INVALID, NULL},
    {"v=STSv1; id=ab-c", STS_TXT_INVALID, NULL},
    {"v=STSv1; id=a; id=b", STS_TXT_INVALID, NULL},
    {"v=STSv1;", STS_TXT_INVALID, NULL},
    {"v=STSv1", STS_TXT_INVALID, NULL},
    {"v=STSv1; id=abc;; x=y", STS_TXT_INVALID, NULL},
    {"v=STSv1; id=abc x=y", STS_TXT_INVALID, NULL},
    {"v=STSv1; id=abc; =y", STS_TXT_INVALID, NULL},
    {"v=STSv1; id=abc; _x=y", STS_TXT_INVALID, NULL},
    {"v=STSv10; id=abc", STS_TXT_NONE, NULL},
    {"v=stsv1; id=abc", STS_TXT_NONE, NULL},
    {"v=spf1 -all", STS_TXT_NONE, NULL},
    {"", STS_TXT_NONE, NULL},
};

typedef struct POLICY_CASE {
    const char *name; /* what it shows */
    const char *text; /* the policy file */
    int mode;         /* STS_MODE_*, or -1: invalid */
    long max_age;     /* when valid */
    int mx_count;     /* when valid */
} POLICY_CASE;

static const POLICY_CASE policy_cases[] = {
    {"RFC example",
     "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\n"
     "mx: backupmx.example.com\nmax_age: 604800\n",
     STS_MODE_ENFORCE, 604800, 3},
    {"CRLF, no final terminator",
     "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\nmax_age: 86400", STS_MODE_TESTING,
     86400, 1},
    {"trailing empty lines", "version: STSv1\nmode: none\nmax_age: 0\n\n\r\n", STS_MODE_NONE, 0, 0},
    {"white space around values",
     "version:STSv1\nmode:\tenforce  \nmx:  MX.Example.COM\nmax_age: 1\n", STS_MODE_ENFORCE, 1, 1},
    {"extension field",
     "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 10\nx-note: some text here\n",
     STS_MODE_ENFORCE, 10, 1},
    {"max_age at the limit", "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557600\n",
     STS_MODE_ENFORCE, 31557600, 1},
    {"max_age over the limit", "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n",
     -1, 0, 0},
    {"max_age of 11 digits", "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 00000000001\n",
     -1, 0, 0},
    {"negative max_age", "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", -1, 0, 0},
    {"no version", "mode: enforce\nmx: a.example\nmax_age: 10\n", -1, 0, 0},
    {"other version", "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 10\n", -1, 0, 0},
    {"upper-case field", "Version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 10\n", -1, 0, 0},
    {"unknown mode", "version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 10\n", -1, 0, 0},
    {"two modes", "version: STSv1\nmode: enforce\nmode: none\nmx: a.example\nmax_age: 10\n", -1, 0,
     0},
    {"no mx at enforce", "version: STSv1\nmode: enforce\nmax_age: 10\n", -1, 0, 0},
    {"no max_age", "version: STSv1\nmode: none\n", -1, 0, 0},
    {"empty line inside", "version: STSv1\n\nmode: none\nmax_age: 10\n", -1, 0, 0},
    {"line without colon", "version: STSv1\nmode none\nmax_age: 10\n", -1, 0, 0},
    {"wildcard in the middle", "version: STSv1\nmode: enforce\nmx: mx.*.example\nmax_age: 10\n", -1,
     0, 0},
    {"bare wildcard", "version: STSv1\nmode: enforce\nmx: *\nmax_age: 10\n", -1, 0, 0},
    {"trailing dot", "version: STSv1\nmode: enforce\nmx: mx.example.\nmax_age: 10\n", -1, 0, 0},
    {"underscore in a name", "version: STSv1\nmode: enforce\nmx: m_x.example\nmax_age: 10\n", -1, 0,
     0},
    {"control character", "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 10\nx: a\001b\n",
     -1, 0, 0},
    {"bare CR", "version: STSv1\rmode: none\nmax_age: 10\n", -1, 0, 0},
    {"HTML", "<html><body>not found</body></html>\n", -1, 0, 0},
};

typedef struct MATCH_CASE {
    const char *host; /* MX host */
    bool want;        /* matches "mail.example.com" or "*.example.net" */
} MATCH_CASE;

static const MATCH_CASE match_cases[] = {
    {"mail.example.com", true},       {"MAIL.Example.com.", true}, {"mx1.example.net", true},
    {"example.net", false},           {"a.b.example.net", false},  {"other.example.com", false},
    {"mail.example.com.evil", false}, {".example.net", false},
};

int main(void)
{
    VSTRING *id = vstring_alloc(10), *why = vstring_alloc(100);
    STS_POLICY *policy;

    msg_init("sts_policy_test");
    for (size_t i = 0; i < sizeof(txt_cases) / sizeof(txt_cases[0]); i++) {
        const TXT_CASE *c = txt_cases + i;

        vstring_strcpy(id, "");
        TEST_INT_EQ(sts_txt_parse(c->text, id, why), c->want, "txt \"%s\"", c->text);
        if (c->id)
            TEST_STR_EQ(vstring_str(id), c->id, "txt \"%s\": id", c->text);
    }
    {
        ARGV *records = argv_alloc(3);

        argv_add(records, "v=spf1 -all");
        TEST_INT_EQ(sts_txt_select(records, id, why), STS_TXT_NONE, "select: no STSv1 record");
        argv_add(records, "v=STSv1; id=one");
        TEST_INT_EQ(sts_txt_select(records, id, why), STS_TXT_OK, "select: one STSv1 record");
        TEST_STR_EQ(vstring_str(id), "one", "select: its id");
        argv_add(records, "v=STSv1; id=two");
        TEST_INT_EQ(sts_txt_select(records, id, why), STS_TXT_INVALID, "select: two STSv1 records");
        argv_free(records);
    }
    for (size_t i = 0; i < sizeof(policy_cases) / sizeof(policy_cases[0]); i++) {
        const POLICY_CASE *c = policy_cases + i;

        policy = sts_policy_parse(c->text, strlen(c->text), why);
        if (c->mode < 0) {
            TEST_CHECK(policy == NULL, "policy: %s: invalid", c->name);
        } else if (TEST_CHECK(policy != NULL, "policy: %s: valid (%s)", c->name,
                              policy ? "" : vstring_str(why))) {
            TEST_INT_EQ(policy->mode, c->mode, "policy: %s: mode", c->name);
            TEST_INT_EQ(policy->max_age, c->max_age, "policy: %s: max_age", c->name);
            TEST_INT_EQ(policy->mx->argc, c->mx_count, "policy: %s: mx count", c->name);
        }
        sts_policy_free(policy);
    }
    policy = sts_policy_parse("version: STSv1\nmode: enforce\nmx: \xc3\xa9.example\nmax_age: 1\n",
                              44, why);
    TEST_CHECK(policy == NULL, "policy: non-ASCII mx is invalid");
    sts_policy_free(policy);
    policy =
        sts_policy_parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\n"
                         "max_age: 60\n",
                         strlen("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: "
                                "*.example.net\nmax_age: 60\n"),
                         why);
    if (TEST_CHECK(policy != NULL, "match: policy parsed"))
        for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++)
            TEST_INT_EQ(sts_policy_mx_match(policy, match_cases[i].host), match_cases[i].want,
                        "match: %s", match_cases[i].host);
    sts_policy_free(policy);
    TEST_STR_EQ(sts_mode_name(STS_MODE_TESTING), "testing", "mode name");
    TEST_INT_EQ(sts_mode_code("none"), STS_MODE_NONE, "mode code");
    vstring_free(id);
    vstring_free(why);
    return test_summary("sts_policy_test");
}
