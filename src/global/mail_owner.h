/*
 * mail_owner.h - the mail_owner account and the setgid_group
 *
 * Resolves main.cf's mail_owner and setgid_group to numeric IDs, with the
 * sanity checks that keep the privilege separation real: the owner must
 * exist and must not be root, and the group must be neither root's nor
 * the owner's own primary group.
 */
#ifndef MAIL_OWNER_H
#define MAIL_OWNER_H

#include <sys/types.h>

#include "vstring.h"
#include "config.h"

typedef struct MAIL_OWNER {
    uid_t uid;        /* mail_owner's user ID */
    gid_t gid;        /* mail_owner's primary group */
    gid_t setgid_gid; /* setgid_group's group ID */
} MAIL_OWNER;

extern int mail_owner_lookup(CONFIG *config, MAIL_OWNER *out, VSTRING *why);

#endif
