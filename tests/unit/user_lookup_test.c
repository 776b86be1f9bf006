/* user_lookup_test - accounts and groups by name; unknown names reported */

#include <string.h>

#include "msg.h"
#include "user_lookup.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

int main(void)
{
    VSTRING *why = vstring_alloc(10);
    uid_t uid = 99;
    gid_t gid = 99;

    msg_init("user_lookup_test");
    TEST_CHECK(user_lookup("root", &uid, &gid, why) == 0 && uid == 0 && gid == 0, "root is 0/0");
    TEST_CHECK(user_lookup("nobody", &uid, NULL, why) == 0 && uid == 65534, "nobody is 65534");
    TEST_INT_EQ(user_lookup("no-such-user-xq", &uid, &gid, why), -1, "unknown user");
    TEST_STR_EQ(vstring_str(why), "unknown user \"no-such-user-xq\"", "unknown user reason");
    TEST_CHECK(group_lookup("root", &gid, why) == 0 && gid == 0, "group root is 0");
    TEST_INT_EQ(group_lookup("no-such-group-xq", &gid, why), -1, "unknown group");
    TEST_STR_EQ(vstring_str(why), "unknown group \"no-such-group-xq\"", "unknown group reason");
    vstring_free(why);
    return test_summary("user_lookup_test");
}
