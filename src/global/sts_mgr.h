/*
 * sts_mgr.h - the mtasts protocol and its client
 *
 * mtasts(8) owns the MTA-STS policy cache: it looks up _mta-sts TXT
 * records, fetches policies over HTTPS and keeps them across restarts.
 * The SMTP client asks it, over the attribute protocol (attr.h) at
 * private/$mta_sts_service_name, which policy is in force for a
 * domain. This header is the protocol's vocabulary, shared by the
 * client (sts_mgr.c) and the server (src/mtasts):
 *
 *	lookup	 domain		-> status, id, policy (the policy file),
 *				   source ("fetched", "cached"), failure
 *				   (an RFC 8460 result type, or empty),
 *				   reason
 *
 * status is STS_MGR_STAT_POLICY (a policy is in force, any mode) or
 * STS_MGR_STAT_NONE (none; failure says why when discovery failed).
 * Bump STS_MGR_VERSION whenever a request or attribute changes in a way
 * that an older peer would misread.
 */
#ifndef STS_MGR_H
#define STS_MGR_H

#include "vstring.h"
#include "sts_policy.h"

/* Service and protocol. */
#define STS_MGR_SERVICE  "mtasts"          /* default mta_sts_service_name */
#define STS_MGR_CLASS    "private"         /* socket directory below queue_directory */
#define STS_MGR_PROTOCOL "mtasts_protocol" /* server greeting (attr_hello) */
#define STS_MGR_VERSION  1                 /* protocol version in the greeting */

/* Requests and attributes. */
#define STS_MGR_ATTR_REQ     "request"
#define STS_MGR_REQ_LOOKUP   "lookup"
#define STS_MGR_ATTR_DOMAIN  "domain"  /* lookup: the policy domain */
#define STS_MGR_ATTR_STATUS  "status"  /* STS_MGR_STAT_* */
#define STS_MGR_ATTR_ID      "id"      /* TXT id of the policy in force */
#define STS_MGR_ATTR_POLICY  "policy"  /* the policy file */
#define STS_MGR_ATTR_SOURCE  "source"  /* fetched, cached */
#define STS_MGR_ATTR_FAILURE "failure" /* RFC 8460 result type, or empty */
#define STS_MGR_ATTR_REASON  "reason"  /* why discovery failed, or empty */

/* Status codes. */
#define STS_MGR_STAT_POLICY 1    /* a policy is in force */
#define STS_MGR_STAT_NONE   0    /* no policy */
#define STS_MGR_STAT_FAIL   (-1) /* mtasts cannot be reached or answered nonsense */

/* What the client returns; the caller owns the policy. */
typedef struct STS_MGR_RESULT {
    int status;         /* STS_MGR_STAT_* */
    STS_POLICY *policy; /* POLICY: parsed, owned, or NULL */
    VSTRING *id;        /* POLICY: the TXT id */
    VSTRING *text;      /* POLICY: the policy file (for reports) */
    VSTRING *source;    /* POLICY: fetched, cached */
    VSTRING *failure;   /* RFC 8460 result type of a failed discovery, or empty */
    VSTRING *reason;    /* its reason, or empty */
} STS_MGR_RESULT;

extern void sts_mgr_init(const char *endpoint, int timeout);
extern int sts_mgr_lookup(const char *domain, STS_MGR_RESULT *result);
extern void sts_mgr_result_init(STS_MGR_RESULT *result);
extern void sts_mgr_result_free(STS_MGR_RESULT *result);

#endif
