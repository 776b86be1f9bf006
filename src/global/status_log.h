/*
 * status_log.h - per-message delivery status logs (bounce, defer, trace)
 *
 * One line per recipient event, appended durably; bounce reads them back
 * to build delivery status notifications.
 */
#ifndef STATUS_LOG_H
#define STATUS_LOG_H

#include <stddef.h>

typedef struct STATUS_LOG STATUS_LOG;

/* One recipient event. Strings may be NULL where marked optional. */
typedef struct STATUS_LOG_ENTRY {
    const char *recipient;  /* recipient address, required */
    const char *orig_rcpt;  /* original recipient, optional */
    const char *dsn_orcpt;  /* DSN ORCPT, optional */
    int dsn_notify;         /* REC_NOTIFY_* mask, 0 when not given */
    long long offset;       /* queue file offset of the recipient record, or -1 */
    const char *status;     /* RFC 3463 code such as "5.1.1", required */
    const char *action;     /* "failed", "delayed", "delivered", "relayed", "expanded" */
    const char *reason;     /* text for people: "host ... said: 550 ...", optional */
    const char *remote_mta; /* host name of the remote MTA (Remote-MTA: dns;), optional */
    const char *diag_code;  /* the remote reply (Diagnostic-Code: smtp;), optional */
    long long time;         /* when it happened, seconds since the epoch */
} STATUS_LOG_ENTRY;

/* The largest line status_log_read() accepts. */
#define STATUS_LOG_LINE_LIMIT (256 * 1024)

extern int status_log_append(const char *log_queue, const char *id, const STATUS_LOG_ENTRY *entry);
extern STATUS_LOG *status_log_open(const char *log_queue, const char *id);
extern int status_log_read(STATUS_LOG *log, STATUS_LOG_ENTRY *out_entry);
extern STATUS_LOG *status_log_close(STATUS_LOG *log);
extern int status_log_status_ok(const char *status);
extern int status_log_action_ok(const char *action);

#endif
