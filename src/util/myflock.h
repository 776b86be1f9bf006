/*
 * myflock.h - advisory whole-file locks (flock(2) semantics)
 */
#ifndef MYFLOCK_H
#define MYFLOCK_H

#define MYFLOCK_NONE      0        /* release the lock */
#define MYFLOCK_SHARED    1        /* readers */
#define MYFLOCK_EXCLUSIVE 2        /* one writer */
#define MYFLOCK_NOWAIT    (1 << 8) /* fail with EAGAIN instead of waiting */

extern int myflock(int fd, int op);

#endif
