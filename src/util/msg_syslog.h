/*
 * msg_syslog.h - send diagnostics to syslog, facility mail
 */
#ifndef MSG_SYSLOG_H
#define MSG_SYSLOG_H

extern void msg_syslog_init(const char *syslog_name, const char *program);

#endif
