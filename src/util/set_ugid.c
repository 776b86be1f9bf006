/*++
 * NAME
 *	set_ugid - drop root privileges for good
 * SYNOPSIS
 *	#include <set_ugid.h>
 *
 *	void	set_ugid(uid_t uid, gid_t gid);
 * DESCRIPTION
 *	set_ugid() makes uid and gid the real, effective and saved user and
 *	group ids of the process and gid its only supplementary group, then
 *	checks that this really happened: every id reads back as asked, the
 *	group list holds gid alone, and (for a uid other than 0) an attempt
 *	to become root again fails. A process that is not root may call it
 *	with its own ids, which changes nothing.
 * DIAGNOSTICS
 *	Fatal: any step fails or any check finds a privilege left. Running
 *	on with privileges that were meant to be gone is never an option.
 *--*/

/* System library. */
#include <grp.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "set_ugid.h"

/* set_ugid_verify - every id is the one asked for, and root is gone */

static void set_ugid_verify(uid_t uid, gid_t gid)
{
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid, groups[2];
    int ngroups;

    if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0)
        msg_fatal("%s: cannot read back the process ids: %m", __func__);
    if (ruid != uid || euid != uid || suid != uid)
        msg_fatal("%s: user ids are %ld/%ld/%ld, not %ld", __func__, (long)ruid, (long)euid,
                  (long)suid, (long)uid);
    if (rgid != gid || egid != gid || sgid != gid)
        msg_fatal("%s: group ids are %ld/%ld/%ld, not %ld", __func__, (long)rgid, (long)egid,
                  (long)sgid, (long)gid);
    ngroups = getgroups(2, groups);
    if (ngroups > 1 || (ngroups == 1 && groups[0] != gid))
        msg_fatal("%s: supplementary groups remain after dropping privileges", __func__);
    if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
        msg_fatal("%s: the process can still become root", __func__);
}

/* set_ugid - become uid and gid, for good */

void set_ugid(uid_t uid, gid_t gid)
{
    if (geteuid() == 0) {
        if (setgroups(1, &gid) < 0)
            msg_fatal("%s: setgroups(%ld): %m", __func__, (long)gid);
        if (setresgid(gid, gid, gid) < 0)
            msg_fatal("%s: setresgid(%ld): %m", __func__, (long)gid);
        if (setresuid(uid, uid, uid) < 0)
            msg_fatal("%s: setresuid(%ld): %m", __func__, (long)uid);
    } else if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid) {
        msg_fatal("%s: cannot become uid %ld gid %ld without root privileges", __func__, (long)uid,
                  (long)gid);
    } else {
        return;
    }
    set_ugid_verify(uid, gid);
}
