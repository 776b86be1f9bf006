/* addr_parse_test - RFC 5322 address lists */

#include <stdio.h>
#include <string.h>

#include "addr_parse.h"
#include "argv.h"
#include "mymalloc.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND TEST_LEAK_CHECK: leaks fail this test */

/* parse - the addresses joined by " | ", and the problem if any */

static const char *parse_len(VSTRING *result, const char *text, size_t len)
{
    ARGV *out = argv_alloc(4);
    VSTRING *why = vstring_alloc(40);
    char *joined;
    int count = addr_parse_list(text, len, out, why);

    joined = argv_join(out, " | ");
    vstring_sprintf(result, "%d: %s", count, joined);
    if (VSTRING_LEN(why))
        vstring_sprintf_append(result, " [%s]", vstring_str(why));
    myfree(joined);
    argv_free(out);
    vstring_free(why);
    return vstring_str(result);
}

static const char *parse(VSTRING *result, const char *text)
{
    return parse_len(result, text, strlen(text));
}

static void test_lists(void)
{
    static const struct {
        const char *name;
        const char *text;
        const char *want;
    } cases[] = {
        {"one plain address", "joe@example.com", "1: joe@example.com"},
        {"several, with white space", " a@x.org ,b@y.org,\n\tc@z.org ",
         "3: a@x.org | b@y.org | c@z.org"},
        {"display name and angle address", "Joe Q. Public <john.q.public@example.com>",
         "1: john.q.public@example.com"},
        {"quoted display name with a comma", "\"Public, Joe\" <joe@example.com>, x@y",
         "2: joe@example.com | x@y"},
        {"comments are dropped", "joe@example.com (Joe (the) Public), (c) a@b (d)",
         "2: joe@example.com | a@b"},
        {"comment with an escaped parenthesis", "a@b (x \\) y), c@d", "2: a@b | c@d"},
        {"quoted local part stays quoted", "\"joe smith\"@example.com",
         "1: \"joe smith\"@example.com"},
        {"needlessly quoted local part is unquoted", "\"joe\"@example.com", "1: joe@example.com"},
        {"quoted pair inside a quoted local part", "\"a\\\"b\"@x", "1: \"a\\\"b\"@x"},
        {"domain literal", "joe@[192.0.2.1]", "1: joe@[192.0.2.1]"},
        {"group", "friends: a@x.org, Bee <b@y.org>;, c@z.org", "3: a@x.org | b@y.org | c@z.org"},
        {"empty group", "undisclosed-recipients:;", "0: "},
        {"source route is dropped", "<@relay1.example,@relay2.example:joe@example.com>",
         "1: joe@example.com"},
        {"null address", "<>", "0: "},
        {"empty list elements", "a@b,,  ,c@d", "2: a@b | c@d"},
        {"local part without domain", "root, Ann <ann>", "2: root | ann"},
        {"obsolete spaces around dots", "joe . q @ example . com", "1: joe.q@example.com"},
        {"8-bit local part (RFC 6532)", "j\xc3\xb6rg@example.com", "1: j\xc3\xb6rg@example.com"},
        {"display name without address is skipped", "Joe Public, a@b",
         "1: a@b [list element without an address]"},
        {"unterminated quoted string ends at the end", "\"joe@example.com",
         "1: \"joe@example.com\" [unterminated quoted string]"},
        {"unterminated comment", "a@b (oops", "1: a@b [unterminated comment]"},
        {"missing closing bracket", "Joe <joe@example.com", "1: joe@example.com [missing '>']"},
        {"domain missing after @", "joe@", "0:  [list element without an address]"},
        {"empty text", "", "0: "},
        {"empty quoted string", "\"\"", "0:  [list element without an address]"},
        {"empty group with members elided", "g:;, a@b", "1: a@b"},
        {"only commas", ",,,", "0: "},
        {"only white space and a comment", " (c) ", "0: "},
        {"unterminated domain literal keeps its bracket", "joe@[192.0.2.1",
         "1: joe@[192.0.2.1] [unterminated domain literal]"},
        {"unterminated domain literal ending in a backslash", "joe@[192.0.2.1\\",
         "1: joe@[192.0.2.1] [unterminated domain literal]"},
        {"escaped bracket inside a domain literal", "a@[1.2\\]3], c@d",
         "1: c@d [malformed domain literal]"},
        {"escaped newline in a quoted string is refused", "\"\\\n",
         "0:  [unterminated quoted string]"},
        {"escaped newline inside a quoted local part", "\"a\\\nb\"@x, c@d",
         "1: c@d [control character in address]"},
        {"escaped control character in a quoted local part", "\"a\\\001b\"@x",
         "0:  [control character in address]"},
        {"control character in an atom", "a\001b@x, c@d", "1: c@d [control character in address]"},
        {"control character in a domain literal", "a@[1.2\0333.4]",
         "0:  [control character in address]"},
        {"DEL in an atom", "a\177@x", "0:  [control character in address]"},
        {"text after a domain literal", "b@[l]x, c@d", "1: c@d [list element without an address]"},
        {"atoms before a domain literal", "b@x[l], c@d",
         "1: c@d [list element without an address]"},
        {"quoted space in a domain literal goes", "x@[a\\ ",
         "1: x@[a] [unterminated domain literal]"},
        {"folded quoted string loses its line break", "\"a\n b\"@x", "1: \"a b\"@x"},
    };
    VSTRING *result = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        TEST_STR_EQ(parse(result, cases[i].text), cases[i].want, "%s", cases[i].name);
    vstring_free(result);
}

/* test_null_bytes - a null byte is a control character, not the end */

static void test_null_bytes(void)
{
    VSTRING *result = vstring_alloc(100);

    TEST_STR_EQ(parse_len(result, "a\0b@x, c@d", 10), "1: c@d [control character in address]",
                "null byte in an atom");
    TEST_STR_EQ(parse_len(result, "\"a\0b\"@x", 7), "0:  [control character in address]",
                "null byte in a quoted local part");
    TEST_STR_EQ(parse_len(result, "a@x\0", 4), "0:  [control character in address]",
                "null byte after the domain");
    vstring_free(result);
}

static void test_helpers(void)
{
    VSTRING *buf = vstring_alloc(20);

    TEST_CHECK(addr_dot_atom_ok("a.b-c+d", 7), "dot-atom");
    TEST_CHECK(!addr_dot_atom_ok("a..b", 4), "two dots: no dot-atom");
    TEST_CHECK(!addr_dot_atom_ok(".a", 2), "leading dot: no dot-atom");
    TEST_CHECK(!addr_dot_atom_ok("a.", 2), "trailing dot: no dot-atom");
    TEST_CHECK(!addr_dot_atom_ok("", 0), "empty: no dot-atom");
    TEST_CHECK(addr_has_control("a\nb", 3), "a line break is a control character");
    TEST_CHECK(addr_has_control("a\177", 2), "DEL is a control character");
    TEST_CHECK(!addr_has_control("j\xc3\xb6rg@x", 7), "8-bit text is no control character");
    TEST_STR_EQ(addr_quote_local(buf, "a b", 3), "\"a b\"", "quote a local part with a space");
    TEST_STR_EQ(addr_quote_local(buf, "x\\y", 3), "\"x\\\\y\"", "quote a backslash");
    vstring_free(buf);
}

int main(void)
{
    test_lists();
    test_null_bytes();
    test_helpers();
    return test_summary("addr_parse_test");
}
