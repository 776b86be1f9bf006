/*++
 * NAME
 *	user_lookup - account and group lookups that report instead of failing
 * SYNOPSIS
 *	#include <user_lookup.h>
 *
 *	int	user_lookup(const char *name, uid_t *out_uid, gid_t *out_gid,
 *				VSTRING *why);
 *	int	group_lookup(const char *name, gid_t *out_gid, VSTRING *why);
 * DESCRIPTION
 *	user_lookup() finds the user id and primary group id of the account
 *	name (mail_owner, default_privs, ...). group_lookup() finds the id
 *	of a group (setgid_group). Both return 0, or -1 with a reason in
 *	why: an unknown name, or a failed lookup (for example an
 *	unreachable directory service). The reason quotes the name. Either
 *	output pointer may be NULL.
 *
 *	The super-user is a valid answer here: callers that must never run
 *	as root (mail_owner, default_privs) check for uid 0 themselves.
 *--*/

/* System library. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "mymalloc.h"
#include "user_lookup.h"

#define LOOKUP_BUF_MAX (1024 * 1024) /* largest passwd/group entry we read */

/* lookup_bufsize - a starting size for the reentrant lookup buffers */

static size_t lookup_bufsize(int which)
{
    long size = sysconf(which);

    return size > 0 ? (size_t)size : 4096;
}

/* user_lookup - uid and gid of an account */

int user_lookup(const char *name, uid_t *out_uid, gid_t *out_gid, VSTRING *why)
{
    size_t size = lookup_bufsize(_SC_GETPW_R_SIZE_MAX);
    struct passwd pw, *result = NULL;
    char *buf;
    int err;

    for (;;) {
        buf = mymalloc(size);
        if ((err = getpwnam_r(name, &pw, buf, size, &result)) != ERANGE || size >= LOOKUP_BUF_MAX)
            break;
        myfree(buf);
        size *= 2;
    }
    if (result == NULL) {
        if (err == 0 || err == ENOENT || err == ESRCH)
            vstring_sprintf(why, "unknown user \"%s\"", name);
        else
            vstring_sprintf(why, "cannot look up user \"%s\": %s", name, strerror(err));
        myfree(buf);
        return -1;
    }
    if (out_uid)
        *out_uid = pw.pw_uid;
    if (out_gid)
        *out_gid = pw.pw_gid;
    myfree(buf);
    return 0;
}

/* group_lookup - gid of a group */

int group_lookup(const char *name, gid_t *out_gid, VSTRING *why)
{
    size_t size = lookup_bufsize(_SC_GETGR_R_SIZE_MAX);
    struct group gr, *result = NULL;
    char *buf;
    int err;

    for (;;) {
        buf = mymalloc(size);
        if ((err = getgrnam_r(name, &gr, buf, size, &result)) != ERANGE || size >= LOOKUP_BUF_MAX)
            break;
        myfree(buf);
        size *= 2;
    }
    if (result == NULL) {
        if (err == 0 || err == ENOENT || err == ESRCH)
            vstring_sprintf(why, "unknown group \"%s\"", name);
        else
            vstring_sprintf(why, "cannot look up group \"%s\": %s", name, strerror(err));
        myfree(buf);
        return -1;
    }
    if (out_gid)
        *out_gid = gr.gr_gid;
    myfree(buf);
    return 0;
}
