/*
 * header_addr_test - rewriting the addresses of a header in place
 */
/* TEST_UNDER_VALGRIND */
#include <string.h>

#include "msg.h"
#include "vstring.h"

#include "header_addr.h"

#include "test.h"

/* upper_domain - rewrite a@b to a@NEW.b, and record what was seen */

static bool upper_domain(void *context, const char *address, VSTRING *out)
{
    VSTRING *seen = context;
    const char *at = strrchr(address, '@');

    vstring_sprintf_append(seen, "[%s]", address);
    if (at == NULL || strncmp(at, "@keep", 5) == 0)
        return false;
    vstring_sprintf(out, "%.*s@new.%s", (int)(at - address), address, at + 1);
    return true;
}

int main(void)
{
    static const struct {
        const char *in;   /* the header */
        const char *want; /* the rewritten header, or NULL: unchanged */
        const char *seen; /* the addresses handed over */
    } cases[] = {
        {"To: a@x", "To: a@new.x", "[a@x]"},
        {"To: Alice <a@x>, b@y (Bob)", "To: Alice <a@new.x>, b@new.y (Bob)", "[a@x][b@y]"},
        {"Cc: \"Smith, J\" <j@x>,\n\tk@keep.example",
         "Cc: \"Smith, J\" <j@new.x>,\n\tk@keep.example", "[j@x][k@keep.example]"},
        {"To: friends: a@x, b@keep;, c@z", "To: friends: a@new.x, b@keep;, c@new.z",
         "[a@x][b@keep][c@z]"},
        {"To: undisclosed-recipients:;", NULL, ""},
        {"From: <>", NULL, ""},
        {"To: \"joe smith\"@x", "To: \"joe smith\"@new.x", "[joe smith@x]"},
        {"To: <@relay.example:a@x>", "To: <@relay.example:a@new.x>", "[a@x]"},
        {"To: (comment) a@x (other)", "To: (comment) a@new.x (other)", "[a@x]"},
        {"To: a@[192.0.2.1]", "To: a@new.[192.0.2.1]", "[a@[192.0.2.1]]"},
        {"To: k@keep", NULL, "[k@keep]"},
    };
    VSTRING *out = vstring_alloc(100), *seen = vstring_alloc(100);

    msg_init("header_addr_test");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool changed;

        VSTRING_RESET(seen);
        vstring_strcat(seen, "");
        changed = header_addr_rewrite(out, cases[i].in, strlen(cases[i].in), upper_domain, seen);
        TEST_INT_EQ(changed, cases[i].want != NULL, "case %zu (%.20s): changed", i, cases[i].in);
        if (changed && cases[i].want)
            TEST_STR_EQ(vstring_str(out), cases[i].want, "case %zu: result", i);
        TEST_STR_EQ(vstring_str(seen), cases[i].seen, "case %zu: addresses", i);
    }
    vstring_free(out);
    vstring_free(seen);
    return test_summary("header_addr");
}
