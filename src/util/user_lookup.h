/*
 * user_lookup.h - account and group lookups that report instead of failing
 */
#ifndef USER_LOOKUP_H
#define USER_LOOKUP_H

#include <sys/types.h>

#include "vstring.h"

extern int user_lookup(const char *name, uid_t *out_uid, gid_t *out_gid, VSTRING *why);
extern int group_lookup(const char *name, gid_t *out_gid, VSTRING *why);

#endif
