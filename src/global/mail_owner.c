/*++
 * NAME
 *	mail_owner - the mail_owner account and the setgid_group
 * SYNOPSIS
 *	#include <mail_owner.h>
 *
 *	int	mail_owner_lookup(CONFIG *config, MAIL_OWNER *out, VSTRING *why);
 * DESCRIPTION
 *	mail_owner_lookup() looks up the mail_owner and setgid_group
 *	parameters of config (user_lookup(3)) and fills in out. It returns
 *	0, or -1 with a reason that names the parameter in why: the account
 *	or group does not exist, mail_owner has user ID 0, setgid_group has
 *	group ID 0, or setgid_group is mail_owner's primary group (then the
 *	group would grant nothing that the owner does not already have).
 *
 *	Daemons give up root for the owner with set_ugid(owner.uid,
 *	owner.gid).
 * DIAGNOSTICS
 *	Returned in why, never fatal: the caller decides.
 *--*/

/* Utility library. */
#include "user_lookup.h"

/* Global library. */
#include "mail_owner.h"

/* mail_owner_lookup - resolve mail_owner and setgid_group */

int mail_owner_lookup(CONFIG *config, MAIL_OWNER *out, VSTRING *why)
{
    const char *owner = config_get_str(config, VAR_MAIL_OWNER);
    const char *group = config_get_str(config, VAR_SETGID_GROUP);
    VSTRING *reason = vstring_alloc(100);
    int status = -1;

    if (user_lookup(owner, &out->uid, &out->gid, reason) < 0)
        vstring_sprintf(why, "parameter %s: %s", VAR_MAIL_OWNER, vstring_str(reason));
    else if (out->uid == 0)
        vstring_sprintf(why, "parameter %s: user %s has privileged user ID 0", VAR_MAIL_OWNER,
                        owner);
    else if (group_lookup(group, &out->setgid_gid, reason) < 0)
        vstring_sprintf(why, "parameter %s: %s", VAR_SETGID_GROUP, vstring_str(reason));
    else if (out->setgid_gid == 0)
        vstring_sprintf(why, "parameter %s: group %s has privileged group ID 0", VAR_SETGID_GROUP,
                        group);
    else if (out->setgid_gid == out->gid)
        vstring_sprintf(why, "parameter %s: group %s is the primary group of %s %s",
                        VAR_SETGID_GROUP, group, VAR_MAIL_OWNER, owner);
    else
        status = 0;
    vstring_free(reason);
    return status;
}
