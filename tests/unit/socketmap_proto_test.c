/* socketmap_proto_test - socketmap requests and the classification of replies */

#include <string.h>

#include "dict_remote.h"
#include "msg.h"
#include "socketmap_proto.h"
#include "vstring.h"
#include "test.h"

static const struct {
    const char *name; /* what the case shows */
    const char *data; /* reply netstring data */
    int want;         /* SOCKETMAP_* */
    const char *text; /* the value or reason */
} cases[] = {
    {"found", "OK value", SOCKETMAP_OK, "value"},
    {"found, empty value", "OK ", SOCKETMAP_OK, ""},
    {"found, value with spaces", "OK a  b ", SOCKETMAP_OK, "a  b "},
    {"not found", "NOTFOUND ", SOCKETMAP_NOTFOUND, ""},
    {"not found without the space", "NOTFOUND", SOCKETMAP_NOTFOUND, ""},
    {"temp", "TEMP db down", SOCKETMAP_TEMP, "db down"},
    {"timeout", "TIMEOUT slow", SOCKETMAP_TIMEOUT, "slow"},
    {"perm", "PERM no such map", SOCKETMAP_PERM, "no such map"},
    {"OK without its space", "OKvalue", SOCKETMAP_BAD, NULL},
    {"bare OK", "OK", SOCKETMAP_BAD, NULL},
    {"lower case", "ok value", SOCKETMAP_BAD, NULL},
    {"unknown word", "MAYBE x", SOCKETMAP_BAD, NULL},
    {"empty", "", SOCKETMAP_BAD, NULL},
};

int main(void)
{
    VSTRING *buf = vstring_alloc(10);
    const char *text;
    size_t text_len;

    msg_init("socketmap_proto_test");
    socketmap_request(buf, "access", "user@example.com");
    TEST_STR_EQ(vstring_str(buf), "23:access user@example.com,", "request is \"name key\"");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = socketmap_reply_parse(cases[i].data, strlen(cases[i].data), &text, &text_len);

        TEST_INT_EQ(got, cases[i].want, "%s: status", cases[i].name);
        if (got != SOCKETMAP_BAD && cases[i].text)
            TEST_CHECK(text_len == strlen(cases[i].text) &&
                           memcmp(text, cases[i].text, text_len) == 0,
                       "%s: text", cases[i].name);
    }
    TEST_INT_EQ(socketmap_reply_parse("OK a\0b", 6, &text, &text_len), SOCKETMAP_BAD,
                "a reply with a null byte is malformed");
    TEST_INT_EQ((int)socketmap_reply_frame("6:OK abc,", 9, buf), 9, "frame: complete reply");
    TEST_INT_EQ((int)socketmap_reply_frame("6:OK a", 6, buf), DICT_REMOTE_MORE,
                "frame: partial reply");
    TEST_INT_EQ((int)socketmap_reply_frame("100001:", 7, buf), DICT_REMOTE_BAD,
                "frame: longer than 100000 bytes is refused at once");
    TEST_CHECK(strstr(vstring_str(buf), "too long") != NULL, "frame: the reason: %s",
               vstring_str(buf));
    vstring_free(buf);
    return test_summary("socketmap_proto_test");
}
