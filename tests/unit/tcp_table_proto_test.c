/* tcp_table_proto_test - tcp_table requests and the classification of replies */

#include <string.h>

#include "dict_remote.h"
#include "msg.h"
#include "tcp_table_proto.h"
#include "vstring.h"
#include "test.h"

static const struct {
    const char *name; /* what the case shows */
    const char *line; /* reply line without newline */
    int want;         /* TCP_TABLE_* */
    const char *text; /* decoded text */
} cases[] = {
    {"found", "200 relay:[mx.example]", TCP_TABLE_FOUND, "relay:[mx.example]"},
    {"found, encoded", "200 a%20b%25c%2a", TCP_TABLE_FOUND, "a b%c*"},
    {"found, CRLF", "200 value\r", TCP_TABLE_FOUND, "value"},
    {"not found", "500 not%20found", TCP_TABLE_NOTFOUND, "not found"},
    {"retry", "400 busy", TCP_TABLE_RETRY, "busy"},
    {"empty text", "200 ", TCP_TABLE_FOUND, ""},
    {"no space", "200", TCP_TABLE_BAD, NULL},
    {"other code", "300 x", TCP_TABLE_BAD, NULL},
    {"short escape", "200 ab%2", TCP_TABLE_BAD, NULL},
    {"bad escape", "200 %zz", TCP_TABLE_BAD, NULL},
    {"null byte", "200 a%00b", TCP_TABLE_BAD, NULL},
    {"garbage", "hello world", TCP_TABLE_BAD, NULL},
};

int main(void)
{
    VSTRING *buf = vstring_alloc(10);
    VSTRING *text = vstring_alloc(10);
    char long_line[TCP_TABLE_MAX_REPLY + 10];

    msg_init("tcp_table_proto_test");
    tcp_table_request(buf, "user@example.com");
    TEST_STR_EQ(vstring_str(buf), "get user@example.com\n", "plain key");
    tcp_table_request(buf, "a b%c\t\x7f\xe9");
    TEST_STR_EQ(vstring_str(buf), "get a%20b%25c%09%7F%E9\n", "encoded key");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = tcp_table_reply_parse(cases[i].line, strlen(cases[i].line), text);

        TEST_INT_EQ(got, cases[i].want, "%s: status", cases[i].name);
        if (got != TCP_TABLE_BAD && cases[i].text)
            TEST_STR_EQ(vstring_str(text), cases[i].text, "%s: text", cases[i].name);
    }
    TEST_INT_EQ((int)tcp_table_reply_frame("200 x\n500 y\n", 12, buf), 6,
                "frame: the first line only");
    TEST_INT_EQ((int)tcp_table_reply_frame("200 x", 5, buf), DICT_REMOTE_MORE,
                "frame: no newline yet");
    memset(long_line, 'x', sizeof(long_line));
    TEST_INT_EQ((int)tcp_table_reply_frame(long_line, sizeof(long_line), buf), DICT_REMOTE_BAD,
                "frame: no newline within 4096 bytes");
    vstring_free(buf);
    vstring_free(text);
    return test_summary("tcp_table_proto_test");
}
