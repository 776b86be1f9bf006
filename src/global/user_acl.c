/*++
 * NAME
 *	user_acl - user name access lists of the local commands
 * SYNOPSIS
 *	#include <user_acl.h>
 *
 *	int	user_acl_check(const char *param, const char *acl, uid_t uid,
 *				VSTRING *out_name, VSTRING *why);
 *
 *	void	user_acl_require(const char *param, const char *acl,
 *				const char *what);
 * DESCRIPTION
 *	user_acl_check() decides whether the user with ID uid is on the
 *	access list acl, the value of the parameter param
 *	(authorized_submit_users, authorized_mailq_users,
 *	authorized_flush_users). The user ID is turned into its login name
 *	with getpwuid(3); a user ID without a password file entry is called
 *	"unknown" (USER_ACL_UNKNOWN), so that "!unknown" can exclude such
 *	processes and "static:anyone" still admits them.
 *
 *	The list holds user names, "/file/name" (the patterns in that file)
 *	and "type:table" (a name that is a key of the table matches; the
 *	value is not used), separated by commas and/or white space, each
 *	optionally preceded by "!" to exclude; the first pattern that
 *	matches decides, and a name that matches nothing is not on the
 *	list. Names are compared without regard to case. An empty list
 *	admits nobody. A list that starts with a "static:" table admits
 *	everyone without a password file lookup, so that the default keeps
 *	working when the password database does not.
 *
 *	The login name (or "unknown") is written to out_name, for the
 *	caller's message (empty when a "static:" list made the lookup
 *	unnecessary).
 *
 *	The result is USER_ACL_PERMIT, USER_ACL_DENY, or USER_ACL_FAIL with
 *	the reason in why: the list is malformed (an unreadable file, a
 *	table that cannot be opened) or a table lookup failed.
 *
 *	user_acl_require() is for the commands (sendmail, postdrop,
 *	postqueue): it checks the real user ID of the process and ends it
 *	when the user is not on the list, with "User NAME(UID) is not
 *	allowed to WHAT" (what: "submit mail", "view the mail queue", "flush
 *	the mail queue") and status EX_NOPERM, or with the reason and
 *	EX_TEMPFAIL when the list cannot be read.
 * DIAGNOSTICS
 *	Table lookup errors are also logged by match_list(3).
 *	user_acl_require() is fatal as described above.
 * SEE ALSO
 *	match_list(3), postconf(5)
 *--*/

/* System library. */
#include <pwd.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"

/* Global library. */
#include "match_list.h"
#include "user_acl.h"

/* user_acl_check - is the user on the list? */

int user_acl_check(const char *param, const char *acl, uid_t uid, VSTRING *out_name, VSTRING *why)
{
    static const char static_prefix[] = "static:";
    const struct passwd *pw;
    MATCH_LIST *list;
    int status;

    acl += strspn(acl, ", \t\r\n");
    vstring_strcpy(out_name, "");
    if (strncmp(acl, static_prefix, sizeof(static_prefix) - 1) == 0)
        return USER_ACL_PERMIT;
    pw = getpwuid(uid);
    vstring_strcpy(out_name, pw ? pw->pw_name : USER_ACL_UNKNOWN);
    if ((list = match_list_create(param, acl, MATCH_FLAG_STRING, why)) == NULL)
        return USER_ACL_FAIL;
    status = match_list_domain(list, vstring_str(out_name)) ? USER_ACL_PERMIT : USER_ACL_DENY;
    if (status == USER_ACL_DENY && match_list_error(list)) {
        vstring_sprintf(why, "%s: table lookup problem for user %s", param, vstring_str(out_name));
        status = USER_ACL_FAIL;
    }
    match_list_free(list);
    return status;
}

/* user_acl_require - end the command unless its real user is on the list */

void user_acl_require(const char *param, const char *acl, const char *what)
{
    VSTRING *name = vstring_alloc(20), *why = vstring_alloc(100);
    uid_t uid = getuid();

    switch (user_acl_check(param, acl, uid, name, why)) {
    case USER_ACL_PERMIT:
        break;
    case USER_ACL_DENY:
        msg_fatal_status(EX_NOPERM, "User %s(%ld) is not allowed to %s", vstring_str(name),
                         (long)uid, what);
    default:
        msg_fatal_status(EX_TEMPFAIL, "%s", vstring_str(why));
    }
    vstring_free(name);
    vstring_free(why);
}
