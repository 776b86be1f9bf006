/* valid_hostname_test - host names, addresses and address literals */

#include "msg.h"
#include "test.h"
#include "valid_hostname.h"

/* TEST_UNDER_VALGRIND */

static void test_names(void)
{
    static const struct {
        const char *text;
        int name, addr, literal; /* the three verdicts */
    } cases[] = {
        {"mail.example.com", 1, 0, 0},
        {"mail.example.com.", 0, 0, 0}, /* callers strip one trailing dot */
        {"example.com..", 0, 0, 0},
        {"under_score.example", 1, 0, 0},
        {"1.example", 1, 0, 0},
        {"-bad.example", 0, 0, 0},
        {"bad-.example", 0, 0, 0},
        {"a..example", 0, 0, 0},
        {".example", 0, 0, 0},
        {"", 0, 0, 0},
        {"123", 0, 0, 0},
        {"192.0.2.1", 0, 1, 0},
        {"2001:db8::1", 0, 1, 0},
        {"bad!char.example", 0, 0, 0},
        {"[192.0.2.1]", 0, 0, 1},
        {"[IPv6:2001:db8::1]", 0, 0, 1},
        {"[ipv6:2001:db8::1]", 0, 0, 1},
        {"[IPv6:1.2.3.4]", 0, 0, 0},
        {"[1.2.3]", 0, 0, 0},
        {"[mail]", 0, 0, 0},
        {"[]", 0, 0, 0},
        {"a123456789012345678901234567890123456789012345678901234567890123.example", 0, 0, 0},
        {"a12345678901234567890123456789012345678901234567890123456789012.example", 1, 0, 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TEST_INT_EQ(valid_hostname(cases[i].text), cases[i].name, "name \"%s\"", cases[i].text);
        TEST_INT_EQ(valid_hostaddr(cases[i].text), cases[i].addr, "address \"%s\"", cases[i].text);
        TEST_INT_EQ(valid_hostliteral(cases[i].text), cases[i].literal, "literal \"%s\"",
                    cases[i].text);
    }
}

int main(void)
{
    msg_init("valid_hostname_test");
    test_names();
    return test_summary("valid_hostname_test");
}
