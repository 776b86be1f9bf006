/* ext_prop_test - propagate_unmatched_extensions as bits */

#include "ext_prop.h"
#include "msg.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static void test_ext_prop(void)
{
    TEST_INT_EQ(ext_prop_mask("canonical, virtual"), EXT_PROP_CANONICAL | EXT_PROP_VIRTUAL,
                "Postfix's default");
    TEST_INT_EQ(ext_prop_mask("Alias,generic forward\tinclude"),
                EXT_PROP_ALIAS | EXT_PROP_GENERIC | EXT_PROP_FORWARD | EXT_PROP_INCLUDE,
                "any case, commas and white space");
    TEST_INT_EQ(ext_prop_mask(""), 0, "empty");
    TEST_INT_EQ(ext_prop_mask(NULL), 0, "null");
}

int main(void)
{
    msg_init("ext_prop_test");
    test_ext_prop();
    return test_summary("ext_prop_test");
}
