/*
 * pid_file.h - a locked pid file that keeps a second daemon away
 */
#ifndef PID_FILE_H
#define PID_FILE_H

#include <sys/types.h>

#include "vstring.h"

extern int pid_file_open(const char *path, VSTRING *why);
extern int pid_file_update(int fd, VSTRING *why);
extern int pid_file_check(const char *path, pid_t *out_pid, VSTRING *why);

#endif
