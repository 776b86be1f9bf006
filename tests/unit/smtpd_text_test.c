/*
 * smtpd_text_test - client-supplied text made safe for Received: and queue files
 *
 * TEST_UNDER_VALGRIND
 */

#include "../../src/smtpd/smtpd_text.c"

#include "test.h"

typedef struct TEST_CASE {
    const char *name;   /* what the case shows */
    const char *input;  /* what the client sent */
    const char *helo;   /* smtpd_text_helo() */
    const char *masked; /* smtpd_text_printable(), nothing neutered */
} TEST_CASE;

static const TEST_CASE test_cases[] = {
    {"a host name stays", "mail.example.test", "mail.example.test", "mail.example.test"},
    {"an address literal stays", "[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]"},
    {"header injection", "evil\rX-Injected:\x1byes(\xff)", "evil?X-Injected:?yes???",
     "evil?X-Injected:?yes(?)"},
    {"line feed and tab", "a\nb\tc", "a?b?c", "a?b?c"},
    {"comment and address characters", "a (b) <c@d> \"e\\f\";", "a??b???c?d???e?f??",
     "a (b) <c@d> \"e\\f\";"},
    {"8-bit UTF-8", "caf\xc3\xa9.example", "caf??.example", "caf??.example"},
    {"DEL", "x\x7fy", "x?y", "x?y"},
    {"empty", "", "", ""},
};

int main(void)
{
    VSTRING *out = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(test_cases) / sizeof(test_cases[0]); i++) {
        const TEST_CASE *tc = test_cases + i;
        char *helo = smtpd_text_helo(tc->input);

        TEST_STR_EQ(helo, tc->helo, "%s: HELO name", tc->name);
        myfree(helo);
        TEST_STR_EQ(vstring_str(smtpd_text_printable(out, tc->input, NULL)), tc->masked,
                    "%s: printable", tc->name);
    }
    TEST_STR_EQ(vstring_str(smtpd_text_printable(out, "a;b@c", ";")), "a?b@c",
                "printable: only the listed characters are neutered");
    vstring_free(out);
    return test_summary("smtpd_text_test");
}
