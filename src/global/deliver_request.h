/*
 * deliver_request.h - the delivery request protocol between qmgr and the
 * delivery agents (local, smtp, relay, discard, error, ...)
 *
 * qmgr connects to private/<transport> (a UNIX-domain socket that master
 * listens on), sends one request for one message and a group of its
 * recipients that share a next hop, and reads one result per recipient
 * as the agent finishes it, then an end message. One connection carries
 * one request.
 *
 * On the wire (attribute protocol, attr.h):
 *
 *	agent	greeting: protocol "deliver", version DELIVER_PROTOCOL_VERSION
 *	qmgr	{flags, queue_name, queue_id, transport, nexthop, sender,
 *		 dsn_envid, dsn_ret, arrival_time, active_time, request_time,
 *		 rcpt_count}
 *	qmgr	rcpt_count times {address, orig_rcpt, dsn_orcpt, dsn_notify,
 *		 offset}
 *	agent	per finished recipient, in any order:
 *		{reply "rcpt", offset, outcome, dsn, reason, relay}
 *	agent	{reply "end", status, reason}
 *
 * Times are microseconds since the epoch. orig_rcpt and dsn_orcpt are ""
 * when absent. offset is the file offset of the recipient's R record in
 * the queue file and identifies the recipient in results.
 *
 * Who does what (crash safety). The agent opens the queue file itself
 * (queue_msg_open() with a shared lock) and reads the content, the
 * client and TLS facts (queue_msg_attr(), REC_ATTR_* names) and the
 * recipients from it; the request names the recipients to work on. For
 * each recipient the agent, not qmgr, records the outcome:
 *
 *	sent	 the recipient is marked done in the queue file (durably,
 *		 queue_msg_mark_done()), a trace log entry is appended when
 *		 the sender asked for NOTIFY=SUCCESS, the "status=sent" line
 *		 is logged, then the result goes to qmgr.
 *	bounced	 the bounce log entry is appended (durably), then the
 *		 recipient is marked done, "status=bounced" is logged, then
 *		 the result goes to qmgr. With DELIVER_FLAG_SOFT_BOUNCE a
 *		 bounce is turned into a deferral (4.x.x).
 *	deferred the defer log entry is appended, "status=deferred" is
 *		 logged, the recipient stays to be delivered.
 *
 * A recipient that the file already shows done is never handed to the
 * agent's delivery code (deliver_rcpt_pending() says no) and is
 * reported as DELIVER_OUTCOME_DONE. So:
 *
 *	- kill -9 of qmgr while an agent delivers: the agent finishes and
 *	  marks what it delivered; the new qmgr finds the file in active,
 *	  puts it back in incoming, and cannot open it with its exclusive
 *	  test lock until the old agent has let go of its shared lock; it
 *	  then reads the D marks and delivers only what is left.
 *	- kill -9 of an agent: qmgr sees the connection close before "end",
 *	  defers every recipient without a result ("unknown mail transport
 *	  error") and tries again later. A recipient that was delivered but
 *	  not yet marked when the agent died is delivered once more: the
 *	  usual at-least-once property of mail (Postfix has it too). A
 *	  recipient that was marked done is never delivered again.
 *
 * qmgr records outcomes that it decides itself (expired, unknown
 * transport, an agent that died) with deliver_status_record(), the same
 * function the agents use.
 *
 * Log lines (deliver_log.c), byte for byte as Postfix writes them:
 *
 *	ID: to=<rcpt>, orig_to=<orig>, relay=host[addr]:port, delay=1.2,
 *	    delays=a/b/c/d, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X)
 *	ID: from=<sender>, size=N, nrcpt=M (queue active)
 *	ID: removed
 *
 * delays: a = arrival to active (before the queue manager), b = active to
 * the agent's receipt of the request (in the queue manager), c =
 * connection set-up (given by the agent, 0 when it has none), d = the
 * rest (transmission).
 */
#ifndef DELIVER_REQUEST_H
#define DELIVER_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "queue_msg.h"
#include "vstream.h"
#include "vstring.h"

/* Protocol name and version (bump the version when a message changes). */
#define DELIVER_PROTOCOL         "deliver"
#define DELIVER_PROTOCOL_VERSION 1

/* Where a transport's agent listens, relative to queue_directory. */
#define DELIVER_CLASS "private"

/* Request attributes. */
#define DELIVER_ATTR_FLAGS        "flags"        /* int: DELIVER_FLAG_* */
#define DELIVER_ATTR_QUEUE_NAME   "queue_name"   /* str: queue holding the file ("active") */
#define DELIVER_ATTR_QUEUE_ID     "queue_id"     /* str: the queue ID */
#define DELIVER_ATTR_TRANSPORT    "transport"    /* str: transport (master.cf service) name */
#define DELIVER_ATTR_NEXTHOP      "nexthop"      /* str: next hop, "" when none */
#define DELIVER_ATTR_SENDER       "sender"       /* str: envelope sender, "" for <> */
#define DELIVER_ATTR_DSN_ENVID    "dsn_envid"    /* str: DSN ENVID (xtext), "" when none */
#define DELIVER_ATTR_DSN_RET      "dsn_ret"      /* int: DELIVER_DSN_RET_* */
#define DELIVER_ATTR_ARRIVAL_TIME "arrival_time" /* long: message arrival, microseconds */
#define DELIVER_ATTR_ACTIVE_TIME  "active_time"  /* long: qmgr took the message, microseconds */
#define DELIVER_ATTR_REQUEST_TIME "request_time" /* long: qmgr sent this request, microseconds */
#define DELIVER_ATTR_RCPT_COUNT   "rcpt_count"   /* int: recipient messages that follow */

/* Per-recipient attributes (request and result). */
#define DELIVER_ATTR_ADDRESS    "address"    /* str: recipient */
#define DELIVER_ATTR_ORIG_RCPT  "orig_rcpt"  /* str: original recipient, "" when none */
#define DELIVER_ATTR_DSN_ORCPT  "dsn_orcpt"  /* str: DSN ORCPT, "" when none */
#define DELIVER_ATTR_DSN_NOTIFY "dsn_notify" /* int: REC_NOTIFY_* mask */
#define DELIVER_ATTR_OFFSET     "offset"     /* long: offset of its R record */

/* Result attributes. */
#define DELIVER_ATTR_REPLY   "reply"   /* str: DELIVER_REPLY_RCPT or DELIVER_REPLY_END */
#define DELIVER_ATTR_OUTCOME "outcome" /* int: DELIVER_OUTCOME_* */
#define DELIVER_ATTR_DSN     "dsn"     /* str: RFC 3463 status, "2.0.0" */
#define DELIVER_ATTR_REASON  "reason"  /* str: the text in "status=sent (...)" */
#define DELIVER_ATTR_RELAY   "relay"   /* str: "host[addr]:port", "local", "none" */
#define DELIVER_ATTR_STATUS  "status"  /* int: DELIVER_STAT_* (end message) */

#define DELIVER_REPLY_RCPT "rcpt" /* one recipient's result */
#define DELIVER_REPLY_END  "end"  /* the request is finished */

/* Request flags. */
#define DELIVER_FLAG_NONE        0
#define DELIVER_FLAG_SOFT_BOUNCE (1 << 0) /* soft_bounce: turn bounces into deferrals */
#define DELIVER_FLAG_MASK        (DELIVER_FLAG_SOFT_BOUNCE)
#define DELIVER_FLAG_QUIET       (1 << 16) /* deliver_status_record() only: no log line */

/* DSN RET (the same numbers as CLEANUP_DSN_RET_*). */
#define DELIVER_DSN_RET_NONE 0
#define DELIVER_DSN_RET_FULL 1
#define DELIVER_DSN_RET_HDRS 2

/* What happened to one recipient. */
#define DELIVER_OUTCOME_NONE     0 /* no result yet */
#define DELIVER_OUTCOME_SENT     1 /* delivered, marked done */
#define DELIVER_OUTCOME_BOUNCED  2 /* failed for good, in the bounce log, marked done */
#define DELIVER_OUTCOME_DEFERRED 3 /* failed for now, in the defer log */
#define DELIVER_OUTCOME_DONE     4 /* the file already showed it done: nothing was done */

/* End status. */
#define DELIVER_STAT_OK 0 /* the request is finished */
#define DELIVER_STAT_DEFER                                                                         \
    1 /* the next hop is unusable for now (reason says why): qmgr
                                defers recipients without a result and suspends deliveries
                                to this transport:nexthop until its next queue run */
#define DELIVER_STAT_FAIL                                                                          \
    2 /* the agent could not work on this request (reason says why):
                                qmgr defers recipients without a result */

/* Limits on what a peer may send. */
#define DELIVER_RCPT_MAX 10000 /* recipients in one request */

/* One recipient of a request, and its result. */
typedef struct DELIVER_RCPT {
    char *address;    /* recipient, owned */
    char *orig_rcpt;  /* original recipient or NULL, owned */
    char *dsn_orcpt;  /* DSN ORCPT or NULL, owned */
    int dsn_notify;   /* REC_NOTIFY_* mask */
    long long offset; /* offset of its R record in the queue file */
    size_t msg_index; /* agent side: its index in request->msg */
    int outcome;      /* DELIVER_OUTCOME_* */
    char *dsn;        /* result status or NULL, owned */
    char *reason;     /* result text or NULL, owned */
    char *relay;      /* result relay or NULL, owned */
} DELIVER_RCPT;

/* One request. */
typedef struct DELIVER_REQUEST {
    int flags;              /* DELIVER_FLAG_* */
    char *queue_name;       /* owned */
    char *queue_id;         /* owned */
    char *transport;        /* owned */
    char *nexthop;          /* owned, "" when none */
    char *sender;           /* owned, "" for the null sender */
    char *dsn_envid;        /* owned, "" when none */
    int dsn_ret;            /* DELIVER_DSN_RET_* */
    long long arrival_time; /* microseconds */
    long long active_time;  /* microseconds */
    long long request_time; /* microseconds */
    DELIVER_RCPT *rcpts;    /* owned */
    size_t rcpt_count;      /* entries in rcpts */
    /* Agent side only. */
    long long received_time; /* when the agent read the request, microseconds */
    QUEUE_MSG *msg;          /* the queue file, shared lock, owned */
    VSTREAM *client;         /* qmgr's connection, not owned */
} DELIVER_REQUEST;

/* What an agent says about one recipient. */
typedef struct DELIVER_STATUS {
    const char *dsn;        /* RFC 3463 status: "2.0.0", "4.4.1", "5.1.1" */
    const char *reason;     /* text for the log line and the DSN */
    const char *relay;      /* "host[addr]:port", "local", "none"; NULL: "none" */
    const char *action;     /* DSN action for success: "delivered" (NULL) or "relayed" */
    const char *remote_mta; /* remote host name for Remote-MTA, or NULL */
    const char *diag_code;  /* "smtp; 550 5.1.1 ..." for Diagnostic-Code, or NULL */
    double conn_delay;      /* seconds of connection set-up (delays=../c/..), or 0 */
    const char *tls;        /* the log line's TLS feature status (tls=...), or NULL */
} DELIVER_STATUS;

/* Building and freeing (both sides). */
extern DELIVER_REQUEST *deliver_request_alloc(void);
extern void deliver_request_add_rcpt(DELIVER_REQUEST *request, const char *address,
                                     const char *orig_rcpt, const char *dsn_orcpt, int dsn_notify,
                                     long long offset);
extern DELIVER_REQUEST *deliver_request_free(DELIVER_REQUEST *request);
extern DELIVER_RCPT *deliver_request_find(DELIVER_REQUEST *request, long long offset);
extern long long deliver_time_now(void);

/* qmgr side. */
extern int deliver_request_send(VSTREAM *stream, const DELIVER_REQUEST *request);
extern int deliver_result_read(VSTREAM *stream, DELIVER_REQUEST *request, int *out_status,
                               VSTRING *why);

/* Agent side. */
extern DELIVER_REQUEST *deliver_request_receive(VSTREAM *client, VSTRING *why);
extern bool deliver_rcpt_pending(const DELIVER_REQUEST *request, size_t index);
extern int deliver_sent(DELIVER_REQUEST *request, size_t index, const DELIVER_STATUS *status);
extern int deliver_bounced(DELIVER_REQUEST *request, size_t index, const DELIVER_STATUS *status);
extern int deliver_deferred(DELIVER_REQUEST *request, size_t index, const DELIVER_STATUS *status);
extern int deliver_outcome(DELIVER_REQUEST *request, size_t index, int outcome,
                           const DELIVER_STATUS *status);
extern int deliver_request_finish(DELIVER_REQUEST *request);
extern int deliver_request_finish_dead(DELIVER_REQUEST *request, const char *reason);

/* deliver_result_read() results. */
#define DELIVER_READ_RCPT  1    /* one recipient result was stored */
#define DELIVER_READ_END   0    /* the end message: the request is finished */
#define DELIVER_READ_ERROR (-1) /* broken connection or malformed message (why says) */

/*
 * Recording an outcome in the queue file, the status logs and the mail
 * log (deliver_status.c). Used by deliver_sent() and friends, and by
 * qmgr for the outcomes it decides itself. msg must be open for update.
 */
typedef struct DELIVER_TIMES {
    long long arrival_time;  /* microseconds */
    long long active_time;   /* microseconds, 0: unknown */
    long long received_time; /* agent's receipt of the request, 0: unknown */
    long long now;           /* 0: the current time */
} DELIVER_TIMES;

extern int deliver_status_record(QUEUE_MSG *msg, size_t index, int outcome, int flags,
                                 const DELIVER_STATUS *status, const DELIVER_TIMES *times);

#endif
