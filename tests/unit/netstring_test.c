/* netstring_test - netstring encoding and parsing of peer input */

#include <string.h>

#include "msg.h"
#include "netstring.h"
#include "vstring.h"
#include "test.h"

static const struct {
    const char *name;  /* what the case shows */
    const char *input; /* bytes received */
    size_t max_len;    /* the caller's limit */
    int want;          /* NETSTRING_* */
    const char *data;  /* with NETSTRING_OK */
    size_t used;       /* with NETSTRING_OK */
} cases[] = {
    {"complete", "5:hello,", 100, NETSTRING_OK, "hello", 8},
    {"empty data", "0:,", 100, NETSTRING_OK, "", 3},
    {"followed by more", "3:abc,4:more,", 100, NETSTRING_OK, "abc", 6},
    {"nothing yet", "", 100, NETSTRING_MORE, NULL, 0},
    {"length only", "12", 100, NETSTRING_MORE, NULL, 0},
    {"data incomplete", "5:hel", 100, NETSTRING_MORE, NULL, 0},
    {"terminator missing yet", "5:hello", 100, NETSTRING_MORE, NULL, 0},
    {"no digits", ":abc,", 100, NETSTRING_BAD_LEN, NULL, 0},
    {"letter in length", "1x:a,", 100, NETSTRING_BAD_LEN, NULL, 0},
    {"leading zero", "05:hello,", 100, NETSTRING_BAD_LEN, NULL, 0},
    {"ten digits", "1234567890:", 2000000000, NETSTRING_BAD_LEN, NULL, 0},
    {"over the limit, known at once", "101:", 100, NETSTRING_TOO_LONG, NULL, 0},
    {"wrong terminator", "3:abc;", 100, NETSTRING_BAD_END, NULL, 0},
    {"a line is no netstring", "OK hello\n", 100, NETSTRING_BAD_LEN, NULL, 0},
};

int main(void)
{
    VSTRING *buf = vstring_alloc(10);
    const char *data;
    size_t len, used;

    msg_init("netstring_test");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = netstring_parse(cases[i].input, strlen(cases[i].input), cases[i].max_len, &data,
                                  &len, &used);

        TEST_INT_EQ(got, cases[i].want, "%s: result", cases[i].name);
        if (got == NETSTRING_OK && cases[i].want == NETSTRING_OK) {
            TEST_CHECK(len == strlen(cases[i].data) && memcmp(data, cases[i].data, len) == 0,
                       "%s: data", cases[i].name);
            TEST_INT_EQ((int)used, (int)cases[i].used, "%s: bytes used", cases[i].name);
        }
    }
    netstring_put(buf, "ab\0c", 4);
    TEST_CHECK(VSTRING_LEN(buf) == 7 && memcmp(vstring_str(buf), "4:ab\0c,", 7) == 0,
               "netstring_put: binary data");
    TEST_INT_EQ(netstring_parse(vstring_str(buf), VSTRING_LEN(buf), 4, &data, &len, &used),
                NETSTRING_OK, "netstring_put output parses back");
    TEST_STR_EQ(netstring_strerror(NETSTRING_BAD_END), "netstring is not terminated by ','",
                "strerror names the problem");
    vstring_free(buf);
    return test_summary("netstring_test");
}
