/*
 * deliver_log.h - the mail log lines of deliveries and of the queue manager
 *
 * The lines that log analysers (pflogsumm) read, in Postfix's wording:
 *
 *	ID: to=<rcpt>, orig_to=<orig>, relay=..., delay=1.2,
 *	    delays=0.1/0.01/0.5/0.6, [tls=dane, ]dsn=2.0.0, status=sent (reason)
 *	ID: from=<sender>, size=N, nrcpt=M (queue active)
 *	ID: removed
 */
#ifndef DELIVER_LOG_H
#define DELIVER_LOG_H

#include <stddef.h>

#include "vstring.h"

/* One delivery line. */
typedef struct DELIVER_LOG_LINE {
    const char *queue_id;  /* required */
    const char *recipient; /* required */
    const char *orig_rcpt; /* shown as orig_to= when set and different; or NULL */
    const char *relay;     /* NULL: "none" */
    double delay;          /* seconds since arrival */
    double delays[4];      /* a/b/c/d, seconds */
    const char *tls;       /* shown as tls= when set: the TLS feature status; or NULL */
    const char *dsn;       /* "2.0.0" */
    const char *status;    /* "sent", "deferred", "bounced", "expired", ... */
    const char *reason;    /* the text in parentheses; NULL: none */
} DELIVER_LOG_LINE;

#define DELIVER_LOG_RESOLUTION_DEFAULT 2 /* delay_logging_resolution_limit */

extern void deliver_log_set_resolution(int digits);
extern const char *deliver_log_delay(VSTRING *buf, double seconds);
extern const char *deliver_log_format(VSTRING *buf, const DELIVER_LOG_LINE *line);
extern void deliver_log_line(const DELIVER_LOG_LINE *line);
extern void deliver_log_active(const char *queue_id, const char *sender, long long size,
                               size_t nrcpt);
extern void deliver_log_removed(const char *queue_id);

#endif
