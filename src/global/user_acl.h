/*
 * user_acl.h - which local users may submit mail, list or flush the queue
 *
 * authorized_submit_users, authorized_mailq_users and
 * authorized_flush_users are lists of user names, "/file/name" and
 * "type:table" patterns, each "!pattern" to exclude, matched left to
 * right against the login name of a user ID.
 */
#ifndef USER_ACL_H
#define USER_ACL_H

#include <sys/types.h>

#include "vstring.h"

#define USER_ACL_PERMIT 1  /* the user is on the list */
#define USER_ACL_DENY   0  /* the user is not on the list, or excluded */
#define USER_ACL_FAIL   -1 /* the list cannot be read or a table lookup failed */

/* The name that stands for a user ID without a password file entry. */
#define USER_ACL_UNKNOWN "unknown"

extern int user_acl_check(const char *param, const char *acl, uid_t uid, VSTRING *out_name,
                          VSTRING *why);
extern void user_acl_require(const char *param, const char *acl, const char *what);

#endif
