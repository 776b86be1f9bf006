/*
 * maillog.h - send a program's log to syslog or to maillog_file
 */
#ifndef MAILLOG_H
#define MAILLOG_H

#include "vstring.h"
#include "config.h"

extern int maillog_init(CONFIG *config, const char *program, VSTRING *why);
extern int maillog_path_ok(CONFIG *config, const char *path, VSTRING *why);

#endif
