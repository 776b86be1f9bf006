/*
 * master_pid.h - where master(8) keeps its locked pid file
 */
#ifndef MASTER_PID_H
#define MASTER_PID_H

#include <sys/types.h>

#include "vstring.h"
#include "config.h"

#define MASTER_PID_FILE "master.pid"

extern const char *master_pid_path(CONFIG *config, VSTRING *buf);
extern int master_pid_check(CONFIG *config, pid_t *out_pid, VSTRING *why);

#endif
