/*
 * smtpd_addr_test - MAIL FROM / RCPT TO argument parsing
 *
 * TEST_UNDER_VALGRIND
 */

#include "../../src/smtpd/smtpd_addr.c"

#include "mymalloc.h"

#include "test.h"

/* One parse case. */
typedef struct PARSE_CASE {
    const char *name;        /* what the case shows */
    const char *args;        /* text after the verb */
    const char *keyword;     /* "FROM:" or "TO:" */
    bool strict;             /* strict_rfc821_envelopes */
    int want_status;         /* SMTPD_ADDR_* */
    const char *want_addr;   /* internal form, when OK */
    const char *want_params; /* parameters joined by "|", when OK */
} PARSE_CASE;

static const PARSE_CASE parse_cases[] = {
    {"plain address", "FROM:<a@b.test>", "FROM:", false, SMTPD_ADDR_OK, "a@b.test", ""},
    {"keyword in lower case", "from:<a@b.test>", "FROM:", false, SMTPD_ADDR_OK, "a@b.test", ""},
    {"null sender", "FROM:<>", "FROM:", false, SMTPD_ADDR_OK, "", ""},
    {"parameters", "FROM:<a@b.test> SIZE=100  BODY=8BITMIME", "FROM:", false, SMTPD_ADDR_OK,
     "a@b.test", "SIZE=100|BODY=8BITMIME"},
    {"space after colon tolerated", "FROM: <a@b.test>", "FROM:", false, SMTPD_ADDR_OK, "a@b.test",
     ""},
    {"space after colon strict", "FROM: <a@b.test>", "FROM:", true, SMTPD_ADDR_OK, "a@b.test", ""},
    {"no brackets tolerated", "TO:user@x.test NOTIFY=NEVER", "TO:", false, SMTPD_ADDR_OK,
     "user@x.test", "NOTIFY=NEVER"},
    {"no brackets strict", "TO:user@x.test", "TO:", true, SMTPD_ADDR_BAD, NULL, NULL},
    {"source route dropped", "TO:<@relay.test,@r2.test:u@x.test>", "TO:", false, SMTPD_ADDR_OK,
     "u@x.test", ""},
    {"quoted local part unquoted", "TO:<\"john doe\"@x.test>", "TO:", false, SMTPD_ADDR_OK,
     "john doe@x.test", ""},
    {"quoted '>' inside brackets", "TO:<\"a>b\"@x.test>", "TO:", false, SMTPD_ADDR_OK, "a>b@x.test",
     ""},
    {"escaped quote", "TO:<\"a\\\"b\"@x.test>", "TO:", false, SMTPD_ADDR_OK, "a\"b@x.test", ""},
    {"address literal", "TO:<postmaster@[192.0.2.1]>", "TO:", false, SMTPD_ADDR_OK,
     "postmaster@[192.0.2.1]", ""},
    {"IPv6 literal", "TO:<u@[IPv6:2001:db8::1]>", "TO:", false, SMTPD_ADDR_OK,
     "u@[IPv6:2001:db8::1]", ""},
    {"local part only", "TO:<postmaster>", "TO:", false, SMTPD_ADDR_OK, "postmaster", ""},
    {"wrong keyword", "TO:<a@b.test>", "FROM:", false, SMTPD_ADDR_SYNTAX, NULL, NULL},
    {"nothing after keyword", "FROM:", "FROM:", false, SMTPD_ADDR_SYNTAX, NULL, NULL},
    {"missing close bracket", "FROM:<a@b.test", "FROM:", false, SMTPD_ADDR_BAD, NULL, NULL},
    {"text glued after bracket", "FROM:<a@b.test>x", "FROM:", false, SMTPD_ADDR_BAD, NULL, NULL},
    {"space in local part", "FROM:<a b@c.test>", "FROM:", false, SMTPD_ADDR_BAD, NULL, NULL},
    {"8-bit byte", "FROM:<j\xc3\xb6rg@c.test>", "FROM:", false, SMTPD_ADDR_BAD, NULL, NULL},
    {"control byte", "FROM:<a\x01@c.test>", "FROM:", false, SMTPD_ADDR_BAD, NULL, NULL},
    {"empty domain", "FROM:<a@>", "FROM:", false, SMTPD_ADDR_BAD, NULL, NULL},
    {"bad domain character", "FROM:<a@b!c.test>", "FROM:", false, SMTPD_ADDR_BAD, NULL, NULL},
    {"empty local part", "FROM:<@c.test>", "FROM:", false, SMTPD_ADDR_BAD, NULL, NULL},
    {"unterminated quote", "FROM:<\"a@c.test>", "FROM:", false, SMTPD_ADDR_BAD, NULL, NULL},
    {"route without mailbox", "FROM:<@a.test>", "FROM:", false, SMTPD_ADDR_BAD, NULL, NULL},
};

/* One external-form case. */
typedef struct EXTERNAL_CASE {
    const char *internal;
    const char *want;
} EXTERNAL_CASE;

static const EXTERNAL_CASE external_cases[] = {
    {"user@x.test", "user@x.test"},
    {"first.last@x.test", "first.last@x.test"},
    {"john doe@x.test", "\"john doe\"@x.test"},
    {"a\"b@x.test", "\"a\\\"b\"@x.test"},
    {"a..b@x.test", "\"a..b\"@x.test"},
    {".a@x.test", "\".a\"@x.test"},
    {"postmaster", "postmaster"},
    {"", ""},
};

/* test_parse - the parse table */

static void test_parse(void)
{
    VSTRING *addr = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const PARSE_CASE *c = &parse_cases[i];
        ARGV *params = argv_alloc(2);
        int status = smtpd_addr_parse(c->args, c->keyword, c->strict, addr, params);
        char *joined;

        TEST_INT_EQ(status, c->want_status, "parse: %s: status", c->name);
        if (c->want_status == SMTPD_ADDR_OK && status == SMTPD_ADDR_OK) {
            joined = argv_join(params, "|");
            TEST_STR_EQ(vstring_str(addr), c->want_addr, "parse: %s: address", c->name);
            TEST_STR_EQ(joined, c->want_params, "parse: %s: parameters", c->name);
            myfree(joined);
        }
        argv_free(params);
    }
    vstring_free(addr);
}

/* test_external - quoting for Received: */

static void test_external(void)
{
    VSTRING *out = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(external_cases) / sizeof(external_cases[0]); i++)
        TEST_STR_EQ(smtpd_addr_external(out, external_cases[i].internal), external_cases[i].want,
                    "external form of \"%s\"", external_cases[i].internal);
    vstring_free(out);
}

/* test_round_trip - external(internal(x)) parses back to the same internal form */

static void test_round_trip(void)
{
    VSTRING *ext = vstring_alloc(10), *back = vstring_alloc(10);
    const char *internal = "john \"q\" doe@x.test";

    smtpd_addr_external(ext, internal);
    TEST_INT_EQ(smtpd_addr_internal(back, vstring_str(ext), VSTRING_LEN(ext)), 0,
                "quoted address parses");
    TEST_STR_EQ(vstring_str(back), internal, "round trip keeps the address");
    vstring_free(ext);
    vstring_free(back);
}

int main(void)
{
    test_parse();
    test_external();
    test_round_trip();
    return test_summary("smtpd_addr_test");
}
