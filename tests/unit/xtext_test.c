/* xtext_test - RFC 3461 xtext quoting and unquoting */

#include <string.h>

#include "msg.h"
#include "vstring.h"
#include "xtext.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static void test_quote(void)
{
    static const struct {
        const char *name;
        const char *data;
        size_t len;
        const char *want;
    } cases[] = {
        {"plain address", "user@example.com", 16, "user@example.com"},
        {"plus and equals", "a+b=c", 5, "a+2Bb+3Dc"},
        {"space and newline", "550 no\n", 7, "550+20no+0A"},
        {"null and 8-bit bytes", "\0\xff", 2, "+00+FF"},
        {"empty", "", 0, ""},
    };
    VSTRING *out = vstring_alloc(10);
    VSTRING *back = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        xtext_quote(out, cases[i].data, cases[i].len);
        TEST_STR_EQ(vstring_str(out), cases[i].want, "quote %s", cases[i].name);
        TEST_INT_EQ(xtext_unquote(back, vstring_str(out), VSTRING_LEN(out)), 0, "unquote %s",
                    cases[i].name);
        TEST_CHECK(VSTRING_LEN(back) == cases[i].len &&
                       memcmp(vstring_str(back), cases[i].data, cases[i].len) == 0,
                   "round trip %s", cases[i].name);
    }
    vstring_strcpy(out, "x=");
    xtext_quote_append(out, " ", 1);
    TEST_STR_EQ(vstring_str(out), "x=+20", "quote_append keeps what was there");
    vstring_free(out);
    vstring_free(back);
}

static void test_unquote_errors(void)
{
    static const char *const bad[] = {"a+", "a+4", "+4G", "a b", "a=b", "\x7f", "\xc3\xa9"};
    VSTRING *out = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        TEST_INT_EQ(xtext_unquote(out, bad[i], strlen(bad[i])), -1, "malformed xtext #%zu refused",
                    i);
    TEST_INT_EQ(xtext_unquote(out, "+2b", 3), 0, "lower-case hex accepted");
    TEST_STR_EQ(vstring_str(out), "+", "lower-case hex decoded");
    vstring_free(out);
}

int main(void)
{
    msg_init("xtext_test");
    test_quote();
    test_unquote_errors();
    return test_summary("xtext_test");
}
