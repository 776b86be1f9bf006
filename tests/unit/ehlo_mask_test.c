/* ehlo_mask_test - EHLO keyword lists as bits, and bits as the names of the log line */

#include <string.h>

#include "ehlo_mask.h"
#include "msg.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static void test_lists(void)
{
    static const struct {
        const char *list;  /* as main.cf says it */
        int mask;          /* the bits */
        const char *shown; /* what the log line names */
    } cases[] = {
        {"", 0, ""},
        {"pipelining", EHLO_MASK_PIPELINING, "PIPELINING"},
        {"StartTLS, 8bitmime", EHLO_MASK_STARTTLS | EHLO_MASK_8BITMIME, "8BITMIME STARTTLS"},
        {"dsn\tsilent-discard no-such-word", EHLO_MASK_DSN | EHLO_MASK_SILENT,
         "DSN SILENT-DISCARD"},
        {"chunking,,auth enhancedstatuscodes",
         EHLO_MASK_CHUNKING | EHLO_MASK_AUTH | EHLO_MASK_ENHANCEDSTATUSCODES,
         "AUTH ENHANCEDSTATUSCODES CHUNKING"},
    };
    VSTRING *buf = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int mask = ehlo_mask(cases[i].list);

        TEST_INT_EQ(mask, cases[i].mask, "\"%s\": bits", cases[i].list);
        TEST_STR_EQ(ehlo_mask_str(buf, mask), cases[i].shown, "\"%s\": names", cases[i].list);
    }
    TEST_INT_EQ(ehlo_mask(NULL), 0, "a null list is no keyword");
    vstring_free(buf);
}

static void test_keywords(void)
{
    TEST_INT_EQ(ehlo_mask_keyword("PIPELINING"), EHLO_MASK_PIPELINING, "a reply keyword");
    TEST_INT_EQ(ehlo_mask_keyword("size"), EHLO_MASK_SIZE, "in any case");
    TEST_INT_EQ(ehlo_mask_keyword("X-EXPS"), 0, "an unknown keyword has no bit");
    TEST_INT_EQ(ehlo_mask_keyword("SILENT-DISCARD"), 0, "the pseudo keyword is no reply keyword");
}

int main(void)
{
    msg_init("ehlo_mask_test");
    test_lists();
    test_keywords();
    return test_summary("ehlo_mask_test");
}
