/* dict_sql_test - query and result expansion, domain filter, result lists */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dict_sql.h"
#include "msg.h"
#include "vstring.h"
#include "test.h"

/* test_quote - a stand-in for a database's quoting: doubles single quotes */

static void test_quote(VSTRING *out, const char *text, void *context)
{
    (void)context;
    for (; *text; text++) {
        if (*text == '\'')
            vstring_addch(out, '\'');
        vstring_addch(out, *text);
    }
}

static const struct {
    const char *name;     /* what the case shows */
    const char *template; /* query or result_format */
    const char *key;      /* lookup key */
    const char *value;    /* NULL: a query */
    int want;             /* DICT_SQL_* */
    const char *text;     /* with DICT_SQL_EXPANDED */
} cases[] = {
    {"%s quoted", "k = '%s'", "o'neil@x.test", NULL, DICT_SQL_EXPANDED, "k = 'o''neil@x.test'"},
    {"%u and %d", "%u|%d", "joe@mail.example.org", NULL, DICT_SQL_EXPANDED, "joe|mail.example.org"},
    {"%1 %2 %3", "%1.%2.%3", "joe@mail.example.org", NULL, DICT_SQL_EXPANDED, "org.example.mail"},
    {"%4 missing", "%4", "joe@mail.example.org", NULL, DICT_SQL_SUPPRESSED, NULL},
    {"%u without @ is the key", "%u", "joe", NULL, DICT_SQL_EXPANDED, "joe"},
    {"%d without @", "%d", "joe", NULL, DICT_SQL_SUPPRESSED, NULL},
    {"empty local part", "%u", "@example.org", NULL, DICT_SQL_SUPPRESSED, NULL},
    {"upper case in a query", "%S %U %D", "a@b.test", NULL, DICT_SQL_EXPANDED, "a@b.test a b.test"},
    {"%%", "100%%", "k", NULL, DICT_SQL_EXPANDED, "100%"},
    {"result %s", "<%s>", "k@x.test", "v@y.test", DICT_SQL_EXPANDED, "<v@y.test>"},
    {"result %d of the value, %U of the key", "%d/%U", "k@x.test", "v@y.test", DICT_SQL_EXPANDED,
     "y.test/k"},
    {"result %1 of the key", "%1", "k@x.test", "v", DICT_SQL_EXPANDED, "test"},
    {"result %d of an unqualified value", "%d", "k", "v", DICT_SQL_SUPPRESSED, NULL},
    {"result %s of an empty value", "%s", "k", "", DICT_SQL_SUPPRESSED, NULL},
    {"result not quoted", "%s", "k", "a'b", DICT_SQL_EXPANDED, "a'b"},
};

static void test_expand(void)
{
    VSTRING *out = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got =
            dict_sql_expand(out, cases[i].template, cases[i].key, cases[i].value, test_quote, NULL);

        TEST_INT_EQ(got, cases[i].want, "%s: result", cases[i].name);
        if (cases[i].text && got == DICT_SQL_EXPANDED)
            TEST_STR_EQ(vstring_str(out), cases[i].text, "%s: text", cases[i].name);
    }
    TEST_INT_EQ(dict_sql_template_ok("SELECT %x", 1, out), -1, "unknown expansion refused");
    TEST_CHECK(strstr(vstring_str(out), "%x") != NULL, "the reason names it: %s", vstring_str(out));
    TEST_INT_EQ(dict_sql_template_ok("a %s %9 %%", 1, out), 0, "known expansions accepted");
    vstring_free(out);
}

/* write_cf - a settings file; returns its path */

static const char *write_cf(const char *text)
{
    static char path[] = "/tmp/dict_sql_testXXXXXX";
    int fd;

    strcpy(path, "/tmp/dict_sql_testXXXXXX");
    if ((fd = mkstemp(path)) < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        msg_fatal("write %s: %m", path);
    close(fd);
    return path;
}

static void test_settings(void)
{
    VSTRING *why = vstring_alloc(10), *result = vstring_alloc(10);
    const char *path;
    DICT_SQL_CF *cf;
    DICT_SQL_QUERY q;
    int count = 0;

    path = write_cf("# comment\ndbpath = /x\nquery = SELECT a\n  FROM t WHERE k = '%s'\n"
                    "expansion_limit = 2\ndomain = Example.COM, other.test\n");
    cf = dict_sql_cf_read(path, why);
    TEST_CHECK(cf != NULL, "settings read (%s)", vstring_str(why));
    TEST_STR_EQ(dict_sql_cf_get(cf, "query", NULL), "SELECT a  FROM t WHERE k = '%s'",
                "a continued line joins");
    TEST_INT_EQ(dict_sql_query_init(&q, cf, why), 0, "query settings (%s)", vstring_str(why));
    TEST_STR_EQ(q.result_format, "%s", "result_format default");
    TEST_INT_EQ(dict_sql_key_ok(&q, "a@example.com", why), 1, "domain list: listed, any case");
    TEST_INT_EQ(dict_sql_key_ok(&q, "a@sub.example.com", why), 0, "domain list: no subdomains");
    TEST_INT_EQ(dict_sql_key_ok(&q, "example.com", why), 0, "domain list: a bare domain");
    TEST_INT_EQ(dict_sql_key_ok(&q, "@example.com", why), 0, "domain list: empty local part");
    TEST_INT_EQ(dict_sql_result_add(&q, result, &count, "k", "one", why), 0, "first result");
    TEST_INT_EQ(dict_sql_result_add(&q, result, &count, "k", "", why), 0, "empty result skipped");
    TEST_INT_EQ(dict_sql_result_add(&q, result, &count, "k", "two", why), 0, "second result");
    TEST_STR_EQ(vstring_str(result), "one,two", "results joined");
    TEST_INT_EQ(dict_sql_result_add(&q, result, &count, "k", "three", why), -1,
                "a third result is over expansion_limit");
    dict_sql_query_free(&q);
    dict_sql_cf_free(cf);
    unlink(path);

    path = write_cf("dbpath = /x\nno equals sign here\n");
    TEST_CHECK(dict_sql_cf_read(path, why) == NULL, "a malformed line is refused");
    TEST_CHECK(strstr(vstring_str(why), "line 2") != NULL, "... with its line: %s",
               vstring_str(why));
    unlink(path);
    path = write_cf("table = users\nselect_field = maildir\nwhere_field = email\n");
    cf = dict_sql_cf_read(path, why);
    TEST_INT_EQ(dict_sql_query_init(&q, cf, why), 0, "legacy settings");
    TEST_STR_EQ(q.query, "SELECT maildir FROM users WHERE email = '%s' ", "legacy query");
    dict_sql_query_free(&q);
    dict_sql_cf_free(cf);
    unlink(path);
    vstring_free(why);
    vstring_free(result);
}

/* test_host_order - sockets first, then TCP; each group in random order */

static void test_host_order(void)
{
    const char *hosts[] = {"inet:db1:3306", "unix:/run/a.sock", "db2", "/run/b", "inet:db3:3306"};
    size_t order[5];
    int seen_first[5] = {0};

    int each_once = 1, sockets_first = 1;

    for (int round = 0; round < 200; round++) {
        int used[5] = {0};

        dict_sql_host_order(hosts, 5, order);
        for (size_t k = 0; k < 5; k++)
            used[order[k]]++;
        for (size_t i = 0; i < 5; i++)
            each_once &= used[i] == 1;
        sockets_first &= (order[0] == 1 || order[0] == 3) && (order[1] == 1 || order[1] == 3);
        seen_first[order[0]]++;
        seen_first[order[2]]++;
    }
    TEST_INT_EQ(each_once, 1, "each host once in every order");
    TEST_INT_EQ(sockets_first, 1, "both sockets before the TCP servers");
    TEST_INT_EQ(seen_first[1] > 0 && seen_first[3] > 0, 1, "either socket may come first");
    TEST_INT_EQ(seen_first[0] > 0 && seen_first[2] > 0 && seen_first[4] > 0, 1,
                "any TCP server may come first among the TCP servers");
}

int main(void)
{
    msg_init("dict_sql_test");
    test_expand();
    test_settings();
    test_host_order();
    return test_summary("dict_sql_test");
}
