/*
 * mac_expand_test - $name macros with values from a callback
 *
 * TEST_UNDER_VALGRIND
 */

#include <string.h>

#include "msg.h"
#include "vstring.h"
#include "mac_expand.h"

#include "test.h"

/* test_lookup - a few names; "ext" is empty */

static const char *test_lookup(const char *name, void *unused_context)
{
    static const char *const table[][2] = {
        {"home", "/home/alice"}, {"user", "alice"},   {"ext", ""},
        {"delim", "+"},          {"evil", "a b;c|d"},
    };

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(name, table[i][0]) == 0)
            return table[i][1];
    return NULL;
}

int main(void)
{
    /* Cases: text, filter, expected status, expected output. */
    static const struct {
        const char *text;
        const char *filter;
        int status;
        const char *want;
    } cases[] = {
        {"$home/.forward", NULL, 0, "/home/alice/.forward"},
        {"${home}/.forward$(user)", NULL, 0, "/home/alice/.forwardalice"},
        {"$home/.forward${delim}${ext}", NULL, MAC_EXPAND_EMPTY, "/home/alice/.forward+"},
        {"$home/.forward${ext?{$delim$ext}}", NULL, 0, "/home/alice/.forward"},
        {"${ext:none}", NULL, 0, "none"},
        {"${user?{yes}:{no}}", NULL, 0, "yes"},
        {"${ext?{yes}:{no}}", NULL, 0, "no"},
        {"${user?$user@example.com}", NULL, 0, "alice@example.com"},
        {"cost $$5 $ and $", NULL, 0, "cost $5 $ and $"},
        {"x$evil", "abcdx", 0, "xa_b_c_d"},
        {"literal ; stays", "abc", 0, "literal ; stays"},
        {"$nosuch", NULL, -1, ""},
        {"${user", NULL, -1, ""},
        {"${user!x}", NULL, -1, ""},
    };
    VSTRING *out = vstring_alloc(100), *why = vstring_alloc(100);

    msg_init("mac_expand_test");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int status = mac_expand(out, cases[i].text, test_lookup, NULL, cases[i].filter, why);

        TEST_INT_EQ(status, cases[i].status, "status of \"%s\"", cases[i].text);
        if (status >= 0)
            TEST_STR_EQ(vstring_str(out), cases[i].want, "expansion of \"%s\"", cases[i].text);
        else
            TEST_CHECK(VSTRING_LEN(why) > 0, "\"%s\" fails with a reason: %s", cases[i].text,
                       vstring_str(why));
    }
    vstring_free(out);
    vstring_free(why);
    return test_summary("mac_expand_test");
}
