/*
 * set_ugid.h - drop root privileges for good
 */
#ifndef SET_UGID_H
#define SET_UGID_H

#include <sys/types.h>

extern void set_ugid(uid_t uid, gid_t gid);

#endif
