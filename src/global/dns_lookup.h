/*
 * dns_lookup.h - DNS lookups through a validating resolver
 *
 * A DNS_RESOLVER is the system's stub resolver (resolv.conf) or the same
 * stub resolver aimed at named servers (with ports); dns_lookup() asks it
 * with EDNS0 and the DO bit and keeps the AD bit (RES_TRUSTAD), then
 * dns_answer_parse() (dns_answer.h) reads the reply.
 */
#ifndef DNS_LOOKUP_H
#define DNS_LOOKUP_H

#include "dns_answer.h"
#include "vstring.h"

typedef struct DNS_RESOLVER DNS_RESOLVER;

extern DNS_RESOLVER *dns_resolver_create(const char *servers, VSTRING *why);
extern int dns_lookup(DNS_RESOLVER *resolver, const char *name, int type, DNS_ANSWER *out,
                      VSTRING *why);
extern void dns_resolver_free(DNS_RESOLVER *resolver);

#endif
