/*
 * dns_resolver.h - the DNS back end that the configuration names
 *
 * dns_resolver_open() makes the resolver of a program's DNS lookups
 * (dns_lookup.h) from smtp_dns_resolver and its companions: "system"
 * (the stub resolver, trusting a validating resolver's AD bit) or
 * "libunbound" (validation in the process, dns_unbound.h).
 */
#ifndef DNS_RESOLVER_H
#define DNS_RESOLVER_H

#include <stdbool.h>

#include "dns_lookup.h"
#include "vstring.h"

#define DNS_RESOLVER_SYSTEM     "system"     /* resolv.conf and the AD bit */
#define DNS_RESOLVER_LIBUNBOUND "libunbound" /* validation in the process */

/* What the configuration says. */
typedef struct DNS_RESOLVER_PROPS {
    const char *type;              /* DNS_RESOLVER_SYSTEM or DNS_RESOLVER_LIBUNBOUND */
    const char *trust_anchor_file; /* libunbound: DS or DNSKEY records */
    const char *forwarders;        /* libunbound: servers to ask, or empty */
} DNS_RESOLVER_PROPS;

extern DNS_RESOLVER *dns_resolver_open(const DNS_RESOLVER_PROPS *props, VSTRING *why);

#endif
