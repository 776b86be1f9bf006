/*
 * dns_unbound.h - the libunbound back end of dns_lookup(3)
 *
 * dns_unbound_create() makes a DNS_RESOLVER that validates DNSSEC itself
 * (libunbound) from a trust anchor file, asking named forwarders or
 * recursing from the root. Built without libunbound, it always fails and
 * says so (dns_unbound_available() is then false).
 */
#ifndef DNS_UNBOUND_H
#define DNS_UNBOUND_H

#include <stdbool.h>

#include "dns_lookup.h"
#include "vstring.h"

extern DNS_RESOLVER *dns_unbound_create(const char *anchor_file, const char *forwarders,
                                        VSTRING *why);
extern bool dns_unbound_available(void);

#endif
