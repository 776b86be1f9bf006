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

static void test_dsn_checks(void)
{
    static const struct {
        const char *name;
        const char *text;
        int envid_ok;
        int orcpt_ok;
    } cases[] = {
        {"plain", "rfc822;user@example.com", 1, 1},
        {"encoded plus and space", "rfc822;a+2Bb+20c@example.com", 1, 1},
        {"injected command line", "X\r\nRCPT TO:<injected@evil.test>\r\nNOOP Y", 0, 0},
        {"encoded CR LF", "rfc822;a+0D+0Ab@example.com", 0, 0},
        {"encoded 8-bit byte", "rfc822;a+C3+A9@example.com", 0, 0},
        {"encoded null byte", "rfc822;a+00b", 0, 0},
        {"bad xtext", "rfc822;a+4", 0, 0},
        {"space in the address type", "rfc 822;a@example.com", 0, 0},
        {"empty address type", ";a@example.com", 1, 0},
        {"empty address", "rfc822;", 1, 0},
        {"no address type", "a@example.com", 1, 0},
        {"empty", "", 0, 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *text = cases[i].text;

        TEST_INT_EQ(xtext_envid_check(text, strlen(text)) == NULL, cases[i].envid_ok, "envid %s",
                    cases[i].name);
        TEST_INT_EQ(xtext_orcpt_check(text, strlen(text)) == NULL, cases[i].orcpt_ok, "orcpt %s",
                    cases[i].name);
    }
    TEST_CHECK(xtext_envid_check("a\0b", 3) != NULL, "envid with a null byte refused");
    TEST_CHECK(xtext_orcpt_check("rfc822;a\0b", 10) != NULL, "orcpt with a null byte refused");

    char longer[XTEXT_ORCPT_MAX + 2];

    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = 0;
    TEST_CHECK(xtext_envid_check(longer, XTEXT_ENVID_MAX) == NULL, "envid of the maximum length");
    TEST_CHECK(xtext_envid_check(longer, XTEXT_ENVID_MAX + 1) != NULL, "envid one byte too long");
    memcpy(longer, "rfc822;", 7);
    TEST_CHECK(xtext_orcpt_check(longer, XTEXT_ORCPT_MAX) == NULL, "orcpt of the maximum length");
    TEST_CHECK(xtext_orcpt_check(longer, XTEXT_ORCPT_MAX + 1) != NULL, "orcpt one byte too long");
}

static void test_requote(void)
{
    static const struct {
        const char *name;
        const char *stored;
        const char *envid;
        const char *orcpt;
    } cases[] = {
        {"canonical xtext stays", "rfc822;a+2Bb@example.com", "rfc822;a+2Bb@example.com",
         "rfc822;a+2Bb@example.com"},
        {"lower-case hex", "rfc822;a+2bb", "rfc822;a+2Bb", "rfc822;a+2Bb"},
        {"raw command line", "X\r\nRCPT TO:<i@evil.test>\r\nNOOP Y",
         "X+0D+0ARCPT+20TO:<i@evil.test>+0D+0ANOOP+20Y",
         "rfc822;X+0D+0ARCPT+20TO:<i@evil.test>+0D+0ANOOP+20Y"},
        {"raw ORCPT address", "rfc822;a b\r\nNOOP", "rfc822;a+20b+0D+0ANOOP",
         "rfc822;a+20b+0D+0ANOOP"},
        {"bad address type", "r c;x", "r+20c;x", "rfc822;r+20c;x"},
    };
    VSTRING *out = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        xtext_requote(out, cases[i].stored, strlen(cases[i].stored));
        TEST_STR_EQ(vstring_str(out), cases[i].envid, "requote %s", cases[i].name);
        xtext_orcpt_requote(out, cases[i].stored);
        TEST_STR_EQ(vstring_str(out), cases[i].orcpt, "orcpt requote %s", cases[i].name);
        TEST_CHECK(strpbrk(vstring_str(out), " \r\n") == NULL, "no space or line end: %s",
                   cases[i].name);
    }
    vstring_free(out);
}

int main(void)
{
    msg_init("xtext_test");
    test_quote();
    test_unquote_errors();
    test_dsn_checks();
    test_requote();
    return test_summary("xtext_test");
}
