/*
 * dsn_build.h - delivery status notifications (RFC 3464 multipart/report)
 *
 * Builds the notification about one message from one of its status logs:
 * a non-delivery report from the bounce log, a delivery report from the
 * trace log. The result is a complete RFC 5322 message (headers and
 * body), handed out line by line, without line terminators:
 *
 *	headers (From: MAILER-DAEMON, To: the sender, Subject, Date,
 *	    Auto-Submitted, MIME-Version, Content-Type: multipart/report;
 *	    report-type=delivery-status; boundary=...)
 *	part 1	text/plain: what happened, one line per recipient with the
 *		reason (the remote server's reply)
 *	part 2	message/delivery-status: per-message fields (Reporting-MTA,
 *		Arrival-Date, Original-Envelope-Id), then per recipient
 *		Final-Recipient, Original-Recipient, Action, Status,
 *		Remote-MTA, Diagnostic-Code, Last-Attempt-Date
 *	part 3	message/rfc822 (the whole message) or text/rfc822-headers
 *		(its headers: DSN RET=HDRS, or a message larger than the
 *		size limit)
 */
#ifndef DSN_BUILD_H
#define DSN_BUILD_H

#include <stddef.h>
#include <time.h>

#include "queue_msg.h"
#include "vstring.h"

#define DSN_BUILD_FAILURE 1 /* non-delivery report, from the bounce log */
#define DSN_BUILD_SUCCESS 2 /* delivery report, from the trace log */

#define DSN_BUILD_RET_DEFAULT 0 /* the whole message within the size limit */
#define DSN_BUILD_RET_FULL    1 /* RET=FULL */
#define DSN_BUILD_RET_HDRS    2 /* RET=HDRS: headers only */

typedef int (*DSN_BUILD_LINE_FN)(const char *line, size_t len, void *context);

typedef struct DSN_BUILD_PROPS {
    int kind;               /* DSN_BUILD_FAILURE or DSN_BUILD_SUCCESS */
    const char *myhostname; /* Reporting-MTA and From: */
    long size_limit;        /* bounce_size_limit: largest message returned whole */
    time_t now;             /* Date: and the boundary */
    DSN_BUILD_LINE_FN line; /* receives each line; a non-zero result stops the build */
    void *context;          /* passed to line */
} DSN_BUILD_PROPS;

extern int dsn_build(QUEUE_MSG *msg, const DSN_BUILD_PROPS *props, VSTRING *why);

#endif
