/*
 * dns_lookup.h - DNS lookups with their DNSSEC status
 *
 * A DNS_RESOLVER is one back end behind one interface: the system's stub
 * resolver (resolv.conf, or named servers with ports), which asks with
 * EDNS0 and the DO bit and trusts the AD bit of a validating resolver
 * (RES_TRUSTAD), or another back end made with dns_resolver_backend()
 * (libunbound, dns_unbound.h, validates by itself). dns_lookup() asks
 * either and fills a DNS_ANSWER (dns_answer.h).
 */
#ifndef DNS_LOOKUP_H
#define DNS_LOOKUP_H

#include "dns_answer.h"
#include "vstring.h"

typedef struct DNS_RESOLVER DNS_RESOLVER;

/*
 * A back end: lookup_fn asks for name and type, fills out (records,
 * rcode, secure) and returns a DNS_* status with detail set when it is
 * not DNS_OK; free_fn releases context.
 */
typedef int (*DNS_LOOKUP_FN)(void *context, const char *name, int type, DNS_ANSWER *out,
                             VSTRING *detail);
typedef void (*DNS_FREE_FN)(void *context);

extern DNS_RESOLVER *dns_resolver_create(const char *servers, VSTRING *why);
extern DNS_RESOLVER *dns_resolver_backend(const char *name, DNS_LOOKUP_FN lookup_fn,
                                          DNS_FREE_FN free_fn, void *context);
extern const char *dns_resolver_name(const DNS_RESOLVER *resolver);
extern int dns_lookup(DNS_RESOLVER *resolver, const char *name, int type, DNS_ANSWER *out,
                      VSTRING *why);
extern void dns_resolver_free(DNS_RESOLVER *resolver);

#endif
