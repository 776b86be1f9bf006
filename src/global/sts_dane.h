/*
 * sts_dane.h - does DANE take precedence over an MTA-STS policy for one MX host?
 *
 * The one rule for the SMTP client and posttls-finger. See sts_dane.c.
 */
#ifndef STS_DANE_H
#define STS_DANE_H

#include <stdbool.h>

#include "sts_policy.h"

/* What the decision depends on. */
typedef struct STS_DANE_QUERY {
    const STS_POLICY *policy; /* the next hop's MTA-STS policy, or NULL */
    int level;                /* the TLS level in force, TLS_LEV_* */
    bool from_table;          /* the level comes from an smtp_tls_policy_maps entry */
    bool dnssec;              /* smtp_dns_support_level = dnssec */
    bool mx_secure;           /* the MX RRset was DNSSEC-validated */
    bool tls_required_no;     /* the message has "TLS-Required: no" */
} STS_DANE_QUERY;

extern bool sts_dane_first(const STS_DANE_QUERY *query);

#endif
