/* memcache_proto_test - framing and classification of memcache replies */

#include <string.h>

#include "dict_remote.h"
#include "memcache_proto.h"
#include "msg.h"
#include "vstring.h"
#include "test.h"

static const struct {
    const char *name;  /* what the case shows */
    const char *reply; /* bytes received */
    long frame;        /* memcache_reply_frame() with max_data 100 */
    int status;        /* memcache_reply_parse() when complete */
    const char *text;  /* its text */
} cases[] = {
    {"miss", "END\r\n", 5, MEMCACHE_MISS, NULL},
    {"value", "VALUE k 0 5\r\nhello\r\nEND\r\n", 25, MEMCACHE_FOUND, "hello"},
    {"value with cas", "VALUE k 3 2 99\r\nhi\r\nEND\r\n", 25, MEMCACHE_FOUND, "hi"},
    {"value, more to come", "VALUE k 0 5\r\nhel", DICT_REMOTE_MORE, 0, NULL},
    {"no line yet", "VAL", DICT_REMOTE_MORE, 0, NULL},
    {"value too long", "VALUE k 0 500\r\n", DICT_REMOTE_BAD, 0, NULL},
    {"value without END", "VALUE k 0 2\r\nhi\r\nXXXXX", DICT_REMOTE_BAD, 0, NULL},
    {"malformed VALUE", "VALUE k zero\r\n", DICT_REMOTE_BAD, 0, NULL},
    {"stored", "STORED\r\n", 8, MEMCACHE_FOUND, NULL},
    {"not stored", "NOT_STORED\r\n", 12, MEMCACHE_MISS, NULL},
    {"deleted", "DELETED\r\n", 9, MEMCACHE_FOUND, NULL},
    {"not found", "NOT_FOUND\r\n", 11, MEMCACHE_MISS, NULL},
    {"server error", "SERVER_ERROR out of memory\r\n", 28, MEMCACHE_ERROR, NULL},
    {"garbage line", "HELLO\r\n", 7, MEMCACHE_BAD, NULL},
};

int main(void)
{
    VSTRING *why = vstring_alloc(10);
    char long_line[2000];
    const char *text;
    size_t text_len;

    msg_init("memcache_proto_test");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = strlen(cases[i].reply);
        long frame = memcache_reply_frame(cases[i].reply, len, 100, why);

        TEST_INT_EQ((int)frame, (int)cases[i].frame, "%s: frame", cases[i].name);
        if (frame > 0) {
            int status = memcache_reply_parse(cases[i].reply, (size_t)frame, &text, &text_len);

            TEST_INT_EQ(status, cases[i].status, "%s: status", cases[i].name);
            if (cases[i].text)
                TEST_CHECK(text_len == strlen(cases[i].text) &&
                               memcmp(text, cases[i].text, text_len) == 0,
                           "%s: text", cases[i].name);
        }
    }
    memset(long_line, 'x', sizeof(long_line));
    TEST_INT_EQ((int)memcache_reply_frame(long_line, sizeof(long_line), 100, why), DICT_REMOTE_BAD,
                "a line longer than 1024 bytes is refused");
    TEST_INT_EQ(memcache_key_ok("user@example.com"), 1, "a plain key is sent");
    TEST_INT_EQ(memcache_key_ok("a b"), 0, "a key with a space is not");
    TEST_INT_EQ(memcache_key_ok("a\r\nflush_all"), 0, "a key with a line break is not");
    TEST_INT_EQ(memcache_key_ok(""), 0, "an empty key is not");
    vstring_free(why);
    return test_summary("memcache_proto_test");
}
