/*
 * safe_open.h - open or create a regular file without symlink or hard-link races
 */
#ifndef SAFE_OPEN_H
#define SAFE_OPEN_H

#include <sys/stat.h>
#include <sys/types.h>

#include "vstring.h"

#define SAFE_OPEN_ANY_OWNER ((uid_t) - 1) /* skip the owner check */
#define SAFE_OPEN_ANY_GROUP ((gid_t) - 1) /* skip the group check */

extern int safe_open(const char *path, int flags, mode_t mode, struct stat *out_st, uid_t user,
                     gid_t group, VSTRING *why);

#endif
