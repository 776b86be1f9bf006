/*
 * sts_fetch.h - MTA-STS discovery: the _mta-sts TXT record and the policy over HTTPS
 *
 * See sts_fetch.c. A program that calls sts_fetch_policy() links
 * $(CURL_LIBS) (https_fetch.h).
 */
#ifndef STS_FETCH_H
#define STS_FETCH_H

#include "dns_lookup.h"
#include "sts_policy.h"
#include "vstring.h"

typedef struct STS_FETCH_PROPS {
    DNS_RESOLVER *resolver; /* for the TXT record, not owned */
    const char *CAfile;     /* trusted CAs for the policy host, or NULL: the system's */
    const char *CApath;     /* hashed CA directory, or NULL */
    int timeout;            /* seconds for the HTTPS fetch */
} STS_FETCH_PROPS;

/* sts_fetch_id() results beyond sts_txt_select()'s STS_TXT_*. */
#define STS_FETCH_RETRY (-2) /* the DNS lookup failed for now */

/* Why sts_fetch_policy() failed (RFC 8460 result types). */
#define STS_FETCH_ERROR   1 /* sts-policy-fetch-error: HTTPS, HTTP or size */
#define STS_FETCH_INVALID 2 /* sts-policy-invalid: fetched, but not a valid policy */
#define STS_FETCH_WEBPKI  3 /* sts-webpki-invalid: the policy host's certificate failed */

extern int sts_fetch_id(const STS_FETCH_PROPS *props, const char *domain, VSTRING *out_id,
                        VSTRING *why);
extern STS_POLICY *sts_fetch_policy(const STS_FETCH_PROPS *props, const char *domain,
                                    VSTRING *out_text, int *out_failure, VSTRING *why);

#endif
