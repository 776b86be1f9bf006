/*
 * anvil_client.h - the anvil protocol and its client
 *
 * anvil(8) is the one process that counts, per (service, client address),
 * the connections open now and the events of the current rate window
 * (anvil_rate_time_unit): connections, messages, recipients, new TLS
 * sessions and AUTH commands. smtpd asks it at each such event and
 * compares the answer with its smtpd_client_*_limit settings. Clients
 * reach it over the attribute protocol (attr.h) at private/anvil. This
 * header is the protocol's whole vocabulary, shared by the client
 * (anvil_client.c) and the server (src/anvil).
 *
 * Request and reply attributes (every reply starts with status):
 *
 *	connect		ident	-> status, count, rate
 *	disconnect	ident	-> status
 *	message		ident	-> status, rate
 *	recipient	ident	-> status, rate
 *	newtls		ident	-> status, rate
 *	newtls_status	ident	-> status, rate (not counted)
 *	auth		ident	-> status, rate
 *	lookup		ident	-> status, count, rate, mail, rcpt, newtls, auth
 *
 * ident is "service:address". Each rate is the number of events in the
 * current window, this one included. A connect belongs to the client
 * connection that sent it: when that connection closes (the smtpd
 * process exited or crashed), anvil forgets the connections it counted.
 * Bump ANVIL_VERSION whenever a request or attribute changes in a way
 * that an older peer would misread.
 */
#ifndef ANVIL_CLIENT_H
#define ANVIL_CLIENT_H

/* Service and protocol. */
#define ANVIL_SERVICE  "anvil"          /* master.cf service name */
#define ANVIL_CLASS    "private"        /* socket directory below queue_directory */
#define ANVIL_PROTOCOL "anvil_protocol" /* server greeting (attr_hello) */
#define ANVIL_VERSION  1                /* protocol version in the greeting */

/* Requests: the value of ANVIL_ATTR_REQ, the first attribute of a request. */
#define ANVIL_ATTR_REQ          "request"
#define ANVIL_REQ_CONNECT       "connect"
#define ANVIL_REQ_DISCONNECT    "disconnect"
#define ANVIL_REQ_MESSAGE       "message"
#define ANVIL_REQ_RECIPIENT     "recipient"
#define ANVIL_REQ_NEWTLS        "newtls"
#define ANVIL_REQ_NEWTLS_STATUS "newtls_status"
#define ANVIL_REQ_AUTH          "auth"
#define ANVIL_REQ_LOOKUP        "lookup"

/* Request and reply attributes. */
#define ANVIL_ATTR_IDENT  "ident"  /* service:address */
#define ANVIL_ATTR_STATUS "status" /* reply status */
#define ANVIL_ATTR_COUNT  "count"  /* connections open now */
#define ANVIL_ATTR_RATE   "rate"   /* events of the request's kind in this window */
#define ANVIL_ATTR_MAIL   "mail"   /* lookup: message rate */
#define ANVIL_ATTR_RCPT   "rcpt"   /* lookup: recipient rate */
#define ANVIL_ATTR_NEWTLS "newtls" /* lookup: new TLS session rate */
#define ANVIL_ATTR_AUTH   "auth"   /* lookup: AUTH command rate */

/* Status codes. */
#define ANVIL_STAT_OK   0    /* request done */
#define ANVIL_STAT_FAIL (-1) /* refused, or anvil cannot be reached */

/* Limits both ends enforce. */
#define ANVIL_IDENT_MAX 512 /* bytes in an ident */

/* Everything anvil knows about one ident (the lookup request). */
typedef struct ANVIL_COUNTS {
    int count;       /* connections open now */
    int conn_rate;   /* connections in this window */
    int mail_rate;   /* messages in this window */
    int rcpt_rate;   /* recipients in this window */
    int newtls_rate; /* new TLS sessions in this window */
    int auth_rate;   /* AUTH commands in this window */
} ANVIL_COUNTS;

/* The client. */
extern void anvil_client_init(const char *endpoint, int timeout);
extern int anvil_client_connect(const char *service, const char *addr, int *out_count,
                                int *out_rate);
extern int anvil_client_disconnect(const char *service, const char *addr);
extern int anvil_client_message(const char *service, const char *addr, int *out_rate);
extern int anvil_client_recipient(const char *service, const char *addr, int *out_rate);
extern int anvil_client_newtls(const char *service, const char *addr, int *out_rate);
extern int anvil_client_newtls_status(const char *service, const char *addr, int *out_rate);
extern int anvil_client_auth(const char *service, const char *addr, int *out_rate);
extern int anvil_client_lookup(const char *service, const char *addr, ANVIL_COUNTS *out_counts);
extern void anvil_client_reset(void);

#endif
