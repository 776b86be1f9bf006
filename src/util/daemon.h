/*
 * daemon.h - detach from the terminal; sane standard descriptors
 */
#ifndef DAEMON_H
#define DAEMON_H

#include "vstring.h"

#define DAEMON_FLAG_WAIT (1 << 0) /* the caller's process waits for daemon_ready() */

extern int daemon_detach(int flags, VSTRING *why);
extern void daemon_ready(void);
extern int daemon_stdio_fill(void);

#endif
