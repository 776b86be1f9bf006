/*
 * msg_logfile.h - send diagnostics to a log file (maillog_file)
 */
#ifndef MSG_LOGFILE_H
#define MSG_LOGFILE_H

#include <stddef.h>
#include <time.h>

extern int msg_logfile_open(const char *path, const char *syslog_name, const char *program);
extern void msg_logfile_close(void);
extern size_t msg_logfile_format(char *buf, size_t len, time_t when, const char *host,
                                 const char *ident, long pid, const char *text);

#endif
