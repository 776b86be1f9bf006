/*
 * cleanup_client.h - hand a new message to the cleanup service
 *
 * smtpd and pickup open a session with cleanup_open(), send the sender,
 * the recipients and the session facts, then the content line by line,
 * and call cleanup_finish(), which returns only after cleanup has written
 * the queue file durably into incoming (or has given up).
 *
 * On the wire (a UNIX-domain stream socket, normally public/cleanup, as master.cf
 * declares cleanup with "n" in the private column):
 *
 *	server	greeting: protocol "cleanup", version CLEANUP_PROTOCOL_VERSION
 *	client	{flags}
 *	server	{status, queue_id, reason}	status 0: the queue file exists
 *	client	records (record.h): A* S (A O o n R)* M (N L)* X E
 *	server	{status, reason}		after the E record
 *
 * The M record (no data) ends the envelope, X (no data) the content and E
 * (no data) the message. A client that closes the connection before E
 * abandons the message: cleanup removes its temporary file.
 */
#ifndef CLEANUP_CLIENT_H
#define CLEANUP_CLIENT_H

#include <stddef.h>

#include "vstring.h"

typedef struct CLEANUP_CLIENT CLEANUP_CLIENT;

/* Flags for cleanup_open(). */
#define CLEANUP_FLAG_NONE        0
#define CLEANUP_FLAG_ADD_HEADERS (1 << 0) /* local submission: add missing Message-ID, Date, From */
#define CLEANUP_FLAG_BOUNCE      (1 << 1) /* bounce a content refusal to the sender, answer OK */
#define CLEANUP_FLAG_MILTER      (1 << 2) /* not from smtpd: apply non_smtpd_milters */
#define CLEANUP_FLAG_NO_CHECKS   (1 << 3) /* no header_checks, body_checks (no_header_body_checks) */
#define CLEANUP_FLAG_NO_MAPPINGS (1 << 4) /* no canonical, virtual, masquerade, bcc maps */
#define CLEANUP_FLAG_MASK                                                                          \
    (CLEANUP_FLAG_ADD_HEADERS | CLEANUP_FLAG_BOUNCE | CLEANUP_FLAG_MILTER |                        \
     CLEANUP_FLAG_NO_CHECKS | CLEANUP_FLAG_NO_MAPPINGS)

/* Status bits returned by cleanup_finish() (0 = queued). */
#define CLEANUP_STAT_OK    0
#define CLEANUP_STAT_BAD   (1 << 0) /* internal protocol error -> 451 4.3.0 */
#define CLEANUP_STAT_WRITE (1 << 1) /* queue file write error (e.g. ENOSPC) -> 452 4.3.0 */
#define CLEANUP_STAT_SIZE  (1 << 2) /* message_size_limit exceeded -> 552 5.3.4 */
#define CLEANUP_STAT_CONT  (1 << 3) /* content rejected -> 550 5.7.1 */
#define CLEANUP_STAT_RCPT  (1 << 4) /* no recipients -> 554 5.5.1 */
#define CLEANUP_STAT_DEFER (1 << 5) /* a milter deferred the message: try again later */
#define CLEANUP_STAT_MASK  ((1 << 6) - 1)

/* DSN RET values for cleanup_sender() (RFC 3461). */
#define CLEANUP_DSN_RET_NONE 0 /* the sender gave none */
#define CLEANUP_DSN_RET_FULL 1 /* RET=FULL */
#define CLEANUP_DSN_RET_HDRS 2 /* RET=HDRS */

/* Protocol vocabulary, shared with the server (src/cleanup). */
#define CLEANUP_PROTOCOL         "cleanup"
#define CLEANUP_PROTOCOL_VERSION 1
#define CLEANUP_ATTR_FLAGS       "flags"    /* int: CLEANUP_FLAG_* */
#define CLEANUP_ATTR_STATUS      "status"   /* int: CLEANUP_STAT_* */
#define CLEANUP_ATTR_QUEUE_ID    "queue_id" /* str: the new message's queue ID */
#define CLEANUP_ATTR_REASON      "reason"   /* str: text for people, "" when none */

/*
 * An A record that cleanup consumes instead of storing: the sender's full
 * name for a From: header that cleanup adds (sendmail -F, via pickup).
 */
#define CLEANUP_ATTR_FULL_NAME "full_name"

/*
 * A records that cleanup consumes: the message goes to the hold queue
 * (HOLD), or is accepted and dropped (DISCARD). Any value; "yes" by
 * convention. Access-table actions of smtpd (access(5)).
 */
#define CLEANUP_ATTR_HOLD    "hold"
#define CLEANUP_ATTR_DISCARD "discard"

/* The default endpoint, relative to queue_directory. */
#define CLEANUP_ENDPOINT_DEFAULT "public/cleanup" /* public/$cleanup_service_name */

extern CLEANUP_CLIENT *cleanup_open(const char *endpoint, int flags, int timeout, VSTRING *why);
extern const char *cleanup_queue_id(const CLEANUP_CLIENT *client);
extern int cleanup_sender(CLEANUP_CLIENT *client, const char *sender, const char *dsn_envid,
                          int dsn_ret);
extern int cleanup_rcpt(CLEANUP_CLIENT *client, const char *rcpt, const char *orig_rcpt,
                        const char *dsn_orcpt, int dsn_notify);
extern int cleanup_attr(CLEANUP_CLIENT *client, const char *name, const char *value);
extern int cleanup_content_line(CLEANUP_CLIENT *client, const char *data, size_t len, int partial);
extern int cleanup_finish(CLEANUP_CLIENT *client, VSTRING *reason);
extern void cleanup_abort(CLEANUP_CLIENT *client);
extern void cleanup_close(CLEANUP_CLIENT *client);
extern const char *cleanup_strerror(int status);

#endif
