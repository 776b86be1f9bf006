/* smtpd_restriction_test - the shared restriction vocabulary and list parser */

#include <string.h>

#include "argv.h"
#include "msg.h"
#include "smtpd_restriction.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

/* What one parse reported. */
typedef struct TEST_PARSE {
    VSTRING *problems; /* each problem, one a line */
    VSTRING *tables;   /* each table argument, one a line */
} TEST_PARSE;

/* test_is_class - "myclass" is the only class */

static bool test_is_class(void *unused_context, const char *name)
{
    return strcmp(name, "myclass") == 0;
}

/* test_problem - collect problems */

static void test_problem(void *context, const char *text)
{
    TEST_PARSE *tp = context;

    vstring_sprintf_append(tp->problems, "%s\n", text);
}

/* test_table - collect table arguments */

static void test_table(void *context, const char *param, const char *restriction, const char *table)
{
    TEST_PARSE *tp = context;

    vstring_sprintf_append(tp->tables, "%s %s %s\n", param, restriction, table);
}

static void test_parse(void)
{
    static const struct {
        const char *name;
        const char *list;
        int want_count;
        const char *want_problems;
        const char *want_tables;
    } cases[] = {
        {"good list", "permit_mynetworks, check_client_access hash:/a, myclass reject", 0, "",
         "p check_client_access hash:/a\n"},
        {"braced inline table", "check_sender_access inline:{{a@b = REJECT}, {c = OK}}", 0, "",
         "p check_sender_access inline:{{a@b = REJECT}, {c = OK}}\n"},
        {"old name", "reject_non_fqdn_hostname", 0, "", ""},
        {"unknown", "permit_mynetwork", 1, "p: unknown restriction \"permit_mynetwork\"\n", ""},
        {"not implemented", "reject_unverified_sender", 1,
         "p: restriction \"reject_unverified_sender\" is not implemented in this version\n", ""},
        {"not implemented among others", "permit_mynetworks, reject_unverified_recipient, permit",
         1, "p: restriction \"reject_unverified_recipient\" is not implemented in this version\n",
         ""},
        {"a table", "check_helo_mx_access hash:/x, permit", 0, "",
         "p check_helo_mx_access hash:/x\n"},
        {"an argument", "reject_rbl_client zen.example, permit", 0, "", ""},
        {"missing table", "check_client_access", 1,
         "p: restriction \"check_client_access\" needs a type:table argument\n", ""},
        {"restriction where a table belongs", "check_client_access permit", 1,
         "p: restriction \"check_client_access\" needs a type:table argument\n", ""},
        {"missing argument", "reject_rbl_client", 1,
         "p: restriction \"reject_rbl_client\" needs an argument\n", ""},
        {"extra table", "check_client_access hash:/a hash:/b", 1,
         "p: unexpected argument \"hash:/b\" after \"check_client_access\"\n",
         "p check_client_access hash:/a\n"},
    };
    TEST_PARSE tp = {vstring_alloc(100), vstring_alloc(100)};
    SMTPD_RESTRICTION_PARSER parser = {
        .is_class = test_is_class,
        .problem = test_problem,
        .table = test_table,
        .context = &tp,
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ARGV *tokens = smtpd_restriction_split(cases[i].list);
        int count;

        vstring_strcpy(tp.problems, "");
        vstring_strcpy(tp.tables, "");
        count = smtpd_restriction_parse(&parser, "p", tokens->argv);
        TEST_INT_EQ(count, cases[i].want_count, "%s: count", cases[i].name);
        TEST_STR_EQ(vstring_str(tp.problems), cases[i].want_problems, "%s: problems",
                    cases[i].name);
        TEST_STR_EQ(vstring_str(tp.tables), cases[i].want_tables, "%s: tables", cases[i].name);
        argv_free(tokens);
    }
    vstring_free(tp.problems);
    vstring_free(tp.tables);
}

static void test_guarded(void)
{
    static const struct {
        const char *list;
        bool want;
    } cases[] = {
        {"permit_mynetworks, reject_unauth_destination", true},
        {"permit_mynetworks, defer_unauth_destination, permit", true},
        {"permit_mynetworks, permit, reject_unauth_destination", false},
        {"check_client_access inline:{reject=x}, permit", false},
        {"permit_mynetworks", false},
        {"", false},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ARGV *tokens = smtpd_restriction_split(cases[i].list);

        TEST_INT_EQ(smtpd_restriction_guarded(tokens->argv), cases[i].want, "guarded: %s",
                    cases[i].list);
        argv_free(tokens);
    }
}

static void test_find(void)
{
    const SMTPD_RESTRICTION_INFO *r = smtpd_restriction_find("check_ccert_access");

    TEST_CHECK(r && r->id == SMTPD_RID_CHECK_CCERT_ACCESS, "find check_ccert_access");
    TEST_CHECK(r && (r->flags & SMTPD_RESTRICTION_FLAG_TABLE) &&
                   (r->flags & SMTPD_RESTRICTION_FLAG_CCERT),
               "check_ccert_access takes a table and needs client certificates");
    TEST_CHECK(smtpd_restriction_find("hash:/etc/postfix/access") == NULL, "a table is no name");
    r = smtpd_restriction_find("reject_non_fqdn_hostname");
    TEST_CHECK(r && r->id == SMTPD_RID_REJECT_NON_FQDN_HELO_HOSTNAME, "old name, current id");
}

int main(void)
{
    msg_init("smtpd_restriction_test");
    test_parse();
    test_guarded();
    test_find();
    return test_summary("smtpd_restriction_test");
}
