/*
 * user_acl_test - authorized_*_users lists against user IDs
 *
 * Uses accounts every Debian system has (root, nobody) and a user ID that
 * no password file lists.
 *
 * TEST_UNDER_VALGRIND
 */

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "vstring.h"
#include "user_acl.h"

#include "test.h"

#define NO_SUCH_UID ((uid_t)3999999)

int main(void)
{
    char dir[] = "/tmp/user_acl_test.XXXXXX";
    char file[sizeof(dir) + 16], list_with_file[sizeof(file) + 32];
    char list_without_file[sizeof(file) + 32];
    VSTRING *name = vstring_alloc(20), *why = vstring_alloc(100);
    uid_t nobody;
    FILE *fp;

    msg_init("user_acl_test");
    TEST_CHECK(getpwnam("nobody") != NULL && getpwuid(NO_SUCH_UID) == NULL,
               "nobody exists, uid %ld does not", (long)NO_SUCH_UID);
    nobody = getpwnam("nobody")->pw_uid;
    TEST_CHECK(mkdtemp(dir) != NULL, "make a temporary directory");
    snprintf(file, sizeof(file), "%s/users", dir);
    TEST_CHECK((fp = fopen(file, "w")) != NULL && fputs("# users\nalice\nNoBody\n", fp) >= 0 &&
                   fclose(fp) == 0,
               "write %s", file);
    snprintf(list_with_file, sizeof(list_with_file), "root, %s", file);
    snprintf(list_without_file, sizeof(list_without_file), "!%s, static:all", file);

    /* Cases: list, user ID, expected result, expected name. */
    const struct {
        const char *acl;
        uid_t uid;
        int want;
        const char *name;
    } cases[] = {
        {"static:anyone", nobody, USER_ACL_PERMIT, ""},
        {"static:anyone", NO_SUCH_UID, USER_ACL_PERMIT, ""},
        {" static:all", 0, USER_ACL_PERMIT, ""},
        {"", nobody, USER_ACL_DENY, "nobody"},
        {"", 0, USER_ACL_DENY, "root"},
        {"root", 0, USER_ACL_PERMIT, "root"},
        {"root", nobody, USER_ACL_DENY, "nobody"},
        {"ROOT, bob", 0, USER_ACL_PERMIT, "root"},
        {"!nobody, static:all", nobody, USER_ACL_DENY, "nobody"},
        {"!nobody, static:all", 0, USER_ACL_PERMIT, "root"},
        {"nobody, !nobody", nobody, USER_ACL_PERMIT, "nobody"},
        {"!unknown, static:all", NO_SUCH_UID, USER_ACL_DENY, "unknown"},
        {"unknown", NO_SUCH_UID, USER_ACL_PERMIT, "unknown"},
        {"inline:{nobody=whatever}", nobody, USER_ACL_PERMIT, "nobody"},
        {"inline:{nobody=whatever}", 0, USER_ACL_DENY, "root"},
        {"body", nobody, USER_ACL_DENY, "nobody"},
        {".body", nobody, USER_ACL_DENY, "nobody"},
        {list_with_file, nobody, USER_ACL_PERMIT, "nobody"},
        {list_with_file, NO_SUCH_UID, USER_ACL_DENY, "unknown"},
        {list_without_file, nobody, USER_ACL_DENY, "nobody"},
        {list_without_file, 0, USER_ACL_PERMIT, "root"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = user_acl_check("authorized_submit_users", cases[i].acl, cases[i].uid, name, why);

        TEST_INT_EQ(got, cases[i].want, "list \"%s\", uid %ld", cases[i].acl, (long)cases[i].uid);
        TEST_STR_EQ(vstring_str(name), cases[i].name, "name for uid %ld with \"%s\"",
                    (long)cases[i].uid, cases[i].acl);
    }

    /* A list that cannot be read is neither a yes nor a no. */
    TEST_INT_EQ(user_acl_check("authorized_mailq_users", "/no/such/file/here", 0, name, why),
                USER_ACL_FAIL, "an unreadable file");
    TEST_CHECK(strstr(vstring_str(why), "authorized_mailq_users") != NULL,
               "the reason names the parameter: %s", vstring_str(why));
    TEST_INT_EQ(user_acl_check("authorized_flush_users", "nosuchtype:/x", 0, name, why),
                USER_ACL_FAIL, "an unknown table type");

    unlink(file);
    rmdir(dir);
    vstring_free(name);
    vstring_free(why);
    return test_summary("user_acl_test");
}
