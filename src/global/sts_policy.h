/*
 * sts_policy.h - MTA-STS (RFC 8461) records and policies: parsing and MX matching
 *
 * Peer input: the _mta-sts TXT record and the policy file that a domain
 * publishes. Both parsers are strict (the RFC's ABNF, case-sensitive
 * keywords) and report why an input is refused. See sts_policy.c.
 */
#ifndef STS_POLICY_H
#define STS_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "argv.h"
#include "vstring.h"

/* Policy modes. */
#define STS_MODE_NONE    0 /* "none": no policy in force */
#define STS_MODE_TESTING 1 /* "testing": deliver as usual, report failures */
#define STS_MODE_ENFORCE 2 /* "enforce": only matching MX hosts over verified TLS */

#define STS_MAX_AGE_LIMIT 31557600L /* max_age: at most one year */
#define STS_ID_MAX        32        /* characters of a TXT id */
#define STS_POLICY_MAX    65536     /* bytes of a policy file (RFC 8461 section 3.3) */

typedef struct STS_POLICY {
    int mode;     /* STS_MODE_* */
    long max_age; /* seconds, 0..STS_MAX_AGE_LIMIT */
    ARGV *mx;     /* mx patterns, lower case ("*.example.com" or a name), owned */
} STS_POLICY;

/* sts_txt_select() results. */
#define STS_TXT_NONE    0    /* no STSv1 record: the domain has no policy */
#define STS_TXT_OK      1    /* one valid record; out_id is its id */
#define STS_TXT_INVALID (-1) /* several STSv1 records, or a malformed one: no policy */

extern int sts_txt_parse(const char *text, VSTRING *out_id, VSTRING *why);
extern int sts_txt_select(const ARGV *records, VSTRING *out_id, VSTRING *why);
extern STS_POLICY *sts_policy_parse(const char *text, size_t len, VSTRING *why);
extern STS_POLICY *sts_policy_free(STS_POLICY *policy);
extern bool sts_policy_mx_match(const STS_POLICY *policy, const char *host);
extern const char *sts_mode_name(int mode);
extern int sts_mode_code(const char *name);

#endif
