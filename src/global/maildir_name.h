/*
 * maildir_name.h - unique file names for Maildir deliveries
 *
 * "seconds.MmicrosecondsPpidQcount.host", the host name with "/" and ":"
 * written as "\057" and "\072" (the Maildir convention), so that the
 * name is unique across processes and deliveries of one process.
 */
#ifndef MAILDIR_NAME_H
#define MAILDIR_NAME_H

#include <sys/types.h>

#include "vstring.h"

extern const char *maildir_name(VSTRING *buf, long long seconds, long microseconds, pid_t pid,
                                unsigned long count, const char *host);

#endif
