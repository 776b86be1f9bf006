/*
 * sts_discover.h - which MTA-STS policy is in force for a domain
 *
 * RFC 8461 sections 3.3 and 5.1 with a persistent cache (sts_cache.h):
 * the TXT id decides whether a cached policy is still current, a fetch
 * failure keeps the cached policy, and a policy is fetched again before
 * its max_age runs out. The TXT lookup and the HTTPS fetch come from an
 * STS_SOURCE (sts_fetch.h in mtasts(8); stand-ins in the unit test). See
 * sts_discover.c.
 */
#ifndef STS_DISCOVER_H
#define STS_DISCOVER_H

#include <time.h>

#include "vstring.h"
#include "sts_cache.h"
#include "sts_policy.h"

/* Where the TXT record and the policy come from. */
typedef struct STS_SOURCE {
    /* STS_TXT_OK (the id in out_id), STS_TXT_NONE, STS_TXT_INVALID or STS_FETCH_RETRY */
    int (*txt)(void *context, const char *domain, VSTRING *out_id, VSTRING *why);
    /* the policy (text in out_text), or NULL with STS_FETCH_ERROR or _INVALID */
    STS_POLICY *(*fetch)(void *context, const char *domain, VSTRING *out_text, int *out_failure,
                         VSTRING *why);
    void *context; /* passed to both */
} STS_SOURCE;

/* What sts_discover() found; the caller allocates the strings (sts_answer_init()). */
typedef struct STS_ANSWER {
    int status;          /* STS_ANSWER_* */
    VSTRING *id;         /* POLICY: the TXT id of the policy in force */
    VSTRING *text;       /* POLICY: the policy file */
    const char *source;  /* POLICY: "fetched" or "cached" (static) */
    const char *failure; /* RFC 8460 result type of a failed discovery, or NULL (static) */
    VSTRING *why;        /* the failure's reason, or a note; empty when none */
} STS_ANSWER;

#define STS_ANSWER_NONE   0 /* no policy in force */
#define STS_ANSWER_POLICY 1 /* text holds the policy in force (any mode) */

/* RFC 8460 result types of discovery failures. */
#define STS_RESULT_FETCH_ERROR "sts-policy-fetch-error"
#define STS_RESULT_INVALID     "sts-policy-invalid"
#define STS_RESULT_WEBPKI      "sts-webpki-invalid"

extern int sts_discover(STS_CACHE *cache, const STS_SOURCE *source, const char *domain, time_t now,
                        STS_ANSWER *answer);
extern void sts_answer_init(STS_ANSWER *answer);
extern void sts_answer_free(STS_ANSWER *answer);

#endif
