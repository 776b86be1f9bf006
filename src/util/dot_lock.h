/*
 * dot_lock.h - mailbox locks by lock file (path.lock)
 *
 * The lock that mail readers agree on besides fcntl(2): a file named
 * after the mailbox with ".lock" appended, created exclusively. A lock
 * file older than a limit is taken to be left by a crashed writer and is
 * removed.
 */
#ifndef DOT_LOCK_H
#define DOT_LOCK_H

#include "vstring.h"

extern int dot_lock(const char *path, int attempts, int delay_ms, int stale_seconds, VSTRING *why);
extern void dot_unlock(const char *path);

#endif
