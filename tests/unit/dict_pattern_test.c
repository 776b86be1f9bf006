/* dict_pattern_test - regexp, pcre and cidr tables */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr_match.h"
#include "dict.h"
#include "msg.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static char test_dir[] = "/tmp/dict_pattern_testXXXXXX";

/* open_text - write a table file and open it as type */

static DICT *open_text(const char *type, const char *name, const char *text, int dict_flags)
{
    char path[256], map[300];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", test_dir, name);
    if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) < 0 || fclose(fp) != 0)
        msg_fatal("write %s: %m", path);
    snprintf(map, sizeof(map), "%s:%s", type, path);
    return dict_open(map, O_RDONLY, dict_flags);
}

/* Rules that mean the same for regexp and pcre. */
static const char common_rules[] = "# access rules\n"
                                   "/^postmaster@/            OK\n"
                                   "/^(.*)-outgoing@(.*)$/!/^owner-/  550 Use ${1}@${2} instead\n"
                                   "/^CaseSensitive$/i        matched exact case\n"
                                   "/^(a)|(b)$/               got [$1] [$2] $$5\n"
                                   "if /@example\\.com$/\n"
                                   "/^info@/                  REJECT info\n"
                                   "!/^sales@/                DISCARD not sales\n"
                                   "endif\n"
                                   "/^last/                   last\n"
                                   "   resort\n";

static void test_rules(const char *type)
{
    DICT *dict = open_text(type, "rules", common_rules, DICT_FLAG_FOLD_FIX);
    static const struct {
        const char *key, *want;
    } cases[] = {
        {"postmaster@example.org", "OK"},
        {"PostMaster@example.org", "OK"}, /* case-insensitive by default */
        {"list-outgoing@example.net", "550 Use list@example.net instead"},
        {"owner-list-outgoing@example.net", NULL},
        {"CaseSensitive", "matched exact case"},
        {"casesensitive", NULL},
        {"b", "got [] [b] $5"},
        {"info@example.com", "REJECT info"},
        {"bob@example.com", "DISCARD not sales"},
        {"sales@example.com", NULL},
        {"info@example.org", NULL},
        {"lastly", "last   resort"},
    };

    TEST_CHECK(dict_open_ok(dict), "%s: rules load (%s)", type, dict_reason(dict));
    TEST_CHECK((dict->flags & DICT_FLAG_PATTERN) != 0, "%s: table is a pattern table", type);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TEST_STR_EQ(dict_get(dict, cases[i].key), cases[i].want, "%s: lookup \"%s\"", type,
                    cases[i].key);
        TEST_INT_EQ(dict->error, DICT_ERR_NONE, "%s: lookup \"%s\": no error", type, cases[i].key);
    }
    dict_close(dict);
}

/* expect_error - a table with a syntax error fails, naming file and line */

static void expect_error(const char *type, const char *text, int line, const char *detail)
{
    DICT *dict = open_text(type, "bad", text, 0);
    char want[300];

    snprintf(want, sizeof(want), "%s map %s/bad, line %d: ", type, test_dir, line);
    TEST_CHECK(!dict_open_ok(dict) && dict->error == DICT_ERR_CONFIG, "%s: \"%s\" refused", type,
               detail);
    TEST_CHECK(strncmp(dict_reason(dict), want, strlen(want)) == 0 &&
                   strstr(dict_reason(dict), detail) != NULL,
               "%s: reason names file, line %d and \"%s\": %s", type, line, detail,
               dict_reason(dict));
    TEST_CHECK(dict_get(dict, "x") == NULL && dict->error == DICT_ERR_CONFIG,
               "%s: broken table fails lookups", type);
    dict_close(dict);
}

static void test_errors(const char *type)
{
    char detail[64];

    snprintf(detail, sizeof(detail), "unknown %s option \"q\"", type);
    expect_error(type, "/a/ OK\n\n/b/q OK\n", 3, detail);
    expect_error(type, "/a/ OK\n/(b/ OK\n", 2,
                 type[0] == 'r' ? "bad regular expression" : "error in regex");
    expect_error(type, "/a/\n", 1, "no replacement text");
    expect_error(type, "/(a)/ $2\n", 1, "out of range replacement index \"2\"");
    expect_error(type, "!/(a)/ $1\n", 1, "negative match");
    expect_error(type, "/a OK\n", 1, "missing closing '/'");
    expect_error(type, "# c\nendif\n", 2, "ENDIF without matching IF");
    expect_error(type, "if /a/\n/b/ x\n", 1, "IF has no matching ENDIF");
    expect_error(type, "/a/ ${x}\n", 1, "non-numeric replacement index");

    DICT *dict = open_text(type, "sub", "/(a)/ $1\n", DICT_FLAG_NO_REGSUB);
    TEST_CHECK(!dict_open_ok(dict) && strstr(dict_reason(dict), "substitution is not allowed"),
               "%s: NO_REGSUB refuses $number: %s", type, dict_reason(dict));
    dict_close(dict);
    dict = dict_open(type[0] == 'r' ? "regexp:/nonexistent/table" : "pcre:/nonexistent/table",
                     O_RDONLY, 0);
    TEST_CHECK(!dict_open_ok(dict) && strstr(dict_reason(dict), "/nonexistent/table"),
               "%s: missing file named: %s", type, dict_reason(dict));
    dict_close(dict);
}

static void test_regexp_flags(void)
{
    DICT *dict = open_text("regexp", "flags",
                           "/^a.b$/m    multi\n"
                           "/^x+$/x     basic syntax\n",
                           0);

    TEST_CHECK(dict_open_ok(dict), "regexp flags load (%s)", dict_reason(dict));
    TEST_CHECK(dict_get(dict, "a\nb") == NULL, "regexp m: dot does not match newline");
    TEST_STR_EQ(dict_get(dict, "x+"), "basic syntax", "regexp x: + is literal in basic syntax");
    dict_close(dict);
}

/* test_regexp_size - patterns whose compilation would take too much memory */

static void test_regexp_size(void)
{
    static const char *const refused[] = {
        "/d+++++++++++++/ x\n",          /* each + doubles: 2^13 */
        "/a{2001}/ x\n",                 /* one interval over the limit */
        "/(a{1,50}){1,50}/ x\n",         /* intervals multiply */
        "/^(ab|cd|[xyz]+){0,300}$/ x\n", /* a group counts what it holds */
        "/^x\\{1,3000\\}$/x x\n",        /* basic syntax intervals too */
        "/^h+*++++++++#/ W\n",           /* stacked loops: regcomp() ran for minutes */
        "/^a*++++$/ x\n",                /* 15 loops: each + copies those before */
        "/^(a*)+(b*)+(c*)+(d*)+(e*)+(f*)+(g*)+(h*)+(i*)+$/ x\n",  /* 9 loops */
        "/^(a|b?)*(c|)+(d*|e)+($)*(\\<)+(^|x)+(((y*)+)+)+$/ x\n", /* 9 loops */
        "/^\\(a*\\)*\\(b*\\)*\\(c*\\)*\\{2,\\}\\(d*\\)*\\(e*\\)*\\(f*\\)*$/x x\n",
    };
    static const char *const accepted[] = {
        "/^[a-z0-9.-]{1,255}\\.example\\.com$/ x\n",
        "/^.{1000,}$/ x\n",
        "/^((a|b){1,10}){1,10}$/ x\n",
        "/^[]{}+]{1,5}x{1,1000}$/ x\n",
        "/^x\\{1,100\\}$/x x\n",
        "/^a+++++++++$/ x\n",
        "/\\{1,9999\\}/ x\n",
        "/^(a*)+(b*)+(c*)+(d*)+(e*)+(f*)+(g*)+(h*)+$/ x\n", /* 8 loops, the limit */
        "/^(a|b*)+x+?y*?(z{0,3})*[*+]+\\*+$/ x\n",          /* two loops */
        "/^(.*)@(.*)$/ x\n",
        "/^a+*+$/ x\n", /* a+* can match nothing: one loop */
    };
    VSTRING *deep = vstring_alloc(400);
    DICT *dict;
    char text[300];

    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        snprintf(text, sizeof(text), "/a/ OK\n%s", refused[i]);
        expect_error("regexp", text, 2, "regular expression too complex");
    }
    expect_error("regexp", "/a/ OK\n/^h+*++++++++#/ W\n", 2,
                 "more than 8 repetitions of a part that can match the empty string");
    vstring_strcpy(deep, "/a/ OK\n/");
    for (int i = 0; i < 101; i++)
        vstring_addch(deep, '(');
    vstring_addch(deep, 'a');
    for (int i = 0; i < 101; i++)
        vstring_addch(deep, ')');
    expect_error("regexp", vstring_str(vstring_strcat(deep, "/ x\n")), 2,
                 "regular expression too complex");
    vstring_free(deep);
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
        dict = open_text("regexp", "ok", accepted[i], 0);
        TEST_CHECK(dict_open_ok(dict), "regexp within the size limit: %s(%s)", accepted[i],
                   dict_reason(dict));
        dict_close(dict);
    }
    dict = open_text("regexp", "ok", "/^(a|b){1,10}c{1000}$/ long\n", 0);
    vstring_strcpy(deep = vstring_alloc(1100), "ab");
    for (int i = 0; i < 1000; i++)
        vstring_addch(deep, 'c');
    TEST_STR_EQ(dict_get(dict, vstring_str(deep)), "long", "a large accepted pattern matches");
    vstring_free(deep);
    dict_close(dict);
}

static void test_pcre_flags(void)
{
    DICT *dict = open_text("pcre", "flags",
                           "/^a.b$/s    dotall\n"
                           "/^(x+)(y+)/U   lazy [$1]\n"
                           "/(?<=foo)bar/  lookbehind\n",
                           0);

    TEST_CHECK(dict_open_ok(dict), "pcre flags load (%s)", dict_reason(dict));
    TEST_STR_EQ(dict_get(dict, "A\nb"), "dotall", "pcre s: dot matches newline, i by default");
    TEST_STR_EQ(dict_get(dict, "xxxyy"), "lazy [xxx]", "pcre U: ungreedy still matches");
    TEST_STR_EQ(dict_get(dict, "foobar"), "lookbehind", "pcre syntax beyond POSIX");
    dict_close(dict);
}

static void test_cidr(void)
{
    DICT *dict = open_text("cidr", "clients",
                           "# clients\n"
                           "192.168.1.1        OK\n"
                           "192.168.0.0/16     REJECT private\n"
                           "[2001:db8::1]      OK six\n"
                           "2001:db8::/32      REJECT doc\n"
                           "if 10.0.0.0/8\n"
                           "!10.1.0.0/16       REJECT not ten-one\n"
                           "endif\n"
                           "0.0.0.0/0          DUNNO\n",
                           0);
    static const struct {
        const char *key, *want;
    } cases[] = {
        {"192.168.1.1", "OK"},
        {"192.168.200.7", "REJECT private"},
        {"2001:db8::1", "OK six"},
        {"2001:db8:0:0::2", "REJECT doc"},
        {"10.2.3.4", "REJECT not ten-one"},
        {"10.1.2.3", "DUNNO"},
        {"172.16.0.1", "DUNNO"},
        {"2001:db9::1", NULL},
        {"::ffff:192.168.1.1", "OK"},
        {"not-an-address", NULL},
    };
    CIDR_MATCH net;
    VSTRING *why = vstring_alloc(10);

    TEST_CHECK(dict_open_ok(dict), "cidr loads (%s)", dict_reason(dict));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TEST_STR_EQ(dict_get(dict, cases[i].key), cases[i].want, "cidr: lookup %s", cases[i].key);
        TEST_INT_EQ(dict->error, DICT_ERR_NONE, "cidr: lookup %s: no error", cases[i].key);
    }
    dict_close(dict);

    dict = open_text("cidr", "bad", "10.0.0.0/8 OK\n192.168.1.1/24 REJECT\n", 0);
    TEST_CHECK(!dict_open_ok(dict), "cidr with host bits set is refused");
    {
        char want[300];

        snprintf(want, sizeof(want),
                 "cidr map %s/bad, line 2: non-null host address bits in \"192.168.1.1/24\", "
                 "perhaps you should use \"192.168.1.0/24\" instead",
                 test_dir);
        TEST_STR_EQ(dict_reason(dict), want, "cidr host bits error names file and line");
    }
    dict_close(dict);
    dict = open_text("cidr", "bad", "10.0.0.0/33 OK\n", 0);
    TEST_CHECK(!dict_open_ok(dict) && strstr(dict_reason(dict), "line 1: bad net/mask"),
               "cidr bad mask: %s", dict_reason(dict));
    dict_close(dict);
    dict = open_text("cidr", "bad", "10.0.0.0/8\n", 0);
    TEST_CHECK(!dict_open_ok(dict) && strstr(dict_reason(dict), "no lookup result"),
               "cidr missing result: %s", dict_reason(dict));
    dict_close(dict);

    TEST_INT_EQ(cidr_match_parse(&net, "[2001:db8::]/32", why), 0, "cidr_match [v6]/len");
    TEST_CHECK(cidr_match_addr(&net, "[2001:db8:ffff::1]"), "cidr_match bracketed address");
    TEST_INT_EQ(cidr_match_parse(&net, "::/0", why), 0, "cidr_match ::/0");
    TEST_CHECK(cidr_match_addr(&net, "::1") && !cidr_match_addr(&net, "127.0.0.1"),
               "::/0 matches IPv6 only");
    vstring_free(why);
}

int main(void)
{
    char cmd[300];

    msg_init("dict_pattern_test");
    if (mkdtemp(test_dir) == NULL)
        msg_fatal("mkdtemp: %m");
    test_rules("regexp");
    test_rules("pcre");
    test_errors("regexp");
    test_errors("pcre");
    test_regexp_flags();
    test_regexp_size();
    test_pcre_flags();
    test_cidr();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
    if (system(cmd) != 0)
        msg_warn("cannot remove %s", test_dir);
    return test_summary("dict_pattern_test");
}
