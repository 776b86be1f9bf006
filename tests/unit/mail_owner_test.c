/*
 * mail_owner_test - mail_owner and setgid_group lookups and their checks
 *
 * Uses accounts every Debian system has: root (uid 0), nobody (primary
 * group nogroup) and the group daemon.
 *
 * TEST_UNDER_VALGRIND
 */

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "vstring.h"
#include "config.h"
#include "mail_owner.h"

#include "test.h"

/* Cases: owner, group, expected result, text the reason must contain. */
static const struct {
    const char *owner;
    const char *group;
    int status;
    const char *reason;
} owner_cases[] = {
    {"nobody", "daemon", 0, ""},
    {"no-such-user-here", "daemon", -1, "mail_owner"},
    {"root", "daemon", -1, "privileged user ID 0"},
    {"nobody", "no-such-group-here", -1, "setgid_group"},
    {"nobody", "root", -1, "privileged group ID 0"},
    {"nobody", "nogroup", -1, "primary group"},
};

int main(void)
{
    char dir[] = "/tmp/mail_owner_test.XXXXXX";
    VSTRING *why = vstring_alloc(100);
    CONFIG *config;
    MAIL_OWNER owner;

    msg_init("mail_owner_test");
    TEST_CHECK(mkdtemp(dir) != NULL, "make a temporary directory");
    config = config_alloc(dir);
    for (size_t i = 0; i < sizeof(owner_cases) / sizeof(owner_cases[0]); i++) {
        VSTRING_RESET(why);
        config_override(config, VAR_MAIL_OWNER, owner_cases[i].owner);
        config_override(config, VAR_SETGID_GROUP, owner_cases[i].group);
        TEST_INT_EQ(mail_owner_lookup(config, &owner, why), owner_cases[i].status,
                    "mail_owner %s, setgid_group %s", owner_cases[i].owner, owner_cases[i].group);
        TEST_CHECK(strstr(vstring_str(why), owner_cases[i].reason) != NULL,
                   "reason for %s/%s mentions \"%s\": %s", owner_cases[i].owner,
                   owner_cases[i].group, owner_cases[i].reason, vstring_str(why));
    }
    config_override(config, VAR_MAIL_OWNER, "nobody");
    config_override(config, VAR_SETGID_GROUP, "daemon");
    TEST_CHECK(mail_owner_lookup(config, &owner, why) == 0 &&
                   owner.uid == getpwnam("nobody")->pw_uid &&
                   owner.gid == getpwnam("nobody")->pw_gid &&
                   owner.setgid_gid == getgrnam("daemon")->gr_gid,
               "the IDs are those of the password and group files");
    config_free(config);
    rmdir(dir);
    vstring_free(why);
    return test_summary("mail_owner_test");
}
