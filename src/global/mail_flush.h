/*
 * mail_flush.h - deliver deferred mail now: all of it, or one site's
 *
 * postqueue -f and postfix flush send the queue manager the requests
 * MAIL_TRIGGER_SCAN_ALL and MAIL_TRIGGER_SCAN_INCOMING on
 * public/$queue_service_name: it forgets which destinations were
 * unusable and takes every queued message now.
 *
 * The fast flush service (flush(8), public/$flush_service_name) keeps a
 * log of deferred queue IDs per destination in fast_flush_domains, so
 * that ETRN, "postqueue -s site" and "sendmail -qRsite" deliver one
 * site's mail without a scan of the whole queue. On the wire (attribute
 * protocol), the client speaks first, so that master's wake-up byte ("W",
 * which asks for a refresh) cannot be mistaken for a request:
 *
 *	client	{request, site, queue_id}	unused ones ""
 *	server	greeting: protocol "flush", version MAIL_FLUSH_PROTOCOL_VERSION
 *	server	{status}			MAIL_FLUSH_STAT_*
 */
#ifndef MAIL_FLUSH_H
#define MAIL_FLUSH_H

#include "vstring.h"

#define MAIL_FLUSH_PROTOCOL         "flush"
#define MAIL_FLUSH_PROTOCOL_VERSION 1

/* Attributes. */
#define MAIL_FLUSH_ATTR_REQUEST  "request"  /* str: MAIL_FLUSH_REQ_* */
#define MAIL_FLUSH_ATTR_SITE     "site"     /* str: a destination domain or [address] */
#define MAIL_FLUSH_ATTR_QUEUE_ID "queue_id" /* str: a queue ID */
#define MAIL_FLUSH_ATTR_STATUS   "status"   /* int: MAIL_FLUSH_STAT_* */

/* Requests. */
#define MAIL_FLUSH_REQ_ADD       "add"       /* site, queue_id: the message was deferred */
#define MAIL_FLUSH_REQ_SEND_SITE "send_site" /* site: deliver its deferred mail now */
#define MAIL_FLUSH_REQ_SEND_FILE "send_file" /* queue_id: deliver that message now */
#define MAIL_FLUSH_REQ_REFRESH   "refresh"   /* refresh old logs, delete old empty ones */
#define MAIL_FLUSH_REQ_PURGE     "purge"     /* refresh every log */

/* Results. */
#define MAIL_FLUSH_STAT_OK   0 /* done */
#define MAIL_FLUSH_STAT_FAIL 1 /* the service could not be reached, or broke off */
#define MAIL_FLUSH_STAT_BAD  2 /* a malformed site name or queue ID */
#define MAIL_FLUSH_STAT_DENY 3 /* the site is not eligible (fast_flush_domains) */

/* Where the services listen; strings borrowed for the call. */
typedef struct MAIL_FLUSH_PROPS {
    const char *queue_directory; /* queue_directory; "." for a daemon that is there */
    const char *queue_service;   /* queue_service_name */
    const char *flush_service;   /* flush_service_name */
    int timeout;                 /* seconds per step */
} MAIL_FLUSH_PROPS;

extern int mail_flush_deferred(const MAIL_FLUSH_PROPS *props, VSTRING *why);
extern int mail_flush_add(const MAIL_FLUSH_PROPS *props, const char *site, const char *queue_id);
extern int mail_flush_site(const MAIL_FLUSH_PROPS *props, const char *site);
extern int mail_flush_file(const MAIL_FLUSH_PROPS *props, const char *queue_id);

#endif
