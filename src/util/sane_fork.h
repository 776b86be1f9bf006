/*
 * sane_fork.h - fork(2) that rides out a temporary shortage of processes
 */
#ifndef SANE_FORK_H
#define SANE_FORK_H

#include <sys/types.h>

#define SANE_FORK_TRIES 5 /* attempts before giving up */

extern pid_t sane_fork(void);

#endif
