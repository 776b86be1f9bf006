/*++
 * NAME
 *	dns_resolver - the DNS back end that the configuration names
 * SYNOPSIS
 *	#include "dns_resolver.h"
 *
 *	DNS_RESOLVER *dns_resolver_open(const DNS_RESOLVER_PROPS *props,
 *				VSTRING *why);
 * DESCRIPTION
 *	dns_resolver_open() makes one resolver for a program's lookups
 *	(dns_lookup(3)). props->type "system" (or empty) is the stub
 *	resolver of resolv.conf (dns_resolver_create(3)), whose DNSSEC
 *	status is the AD bit of the resolver it asks; props->trust_anchor_file
 *	and props->forwarders are then not used. "libunbound" validates in
 *	the process from props->trust_anchor_file, asking
 *	props->forwarders or recursing itself (dns_unbound(3)). The names
 *	are case-insensitive.
 *
 *	This module is apart from dns_lookup(3) so that programs which
 *	only ever use the system back end do not link libunbound.
 * DIAGNOSTICS
 *	Null with why set: an unknown type ("want system or libunbound"),
 *	libunbound not built in, or what the back end could not set up.
 * SEE ALSO
 *	dns_lookup(3), dns_unbound(3)
 *--*/

/* System library. */
#include <strings.h>

/* Application-specific. */
#include "dns_resolver.h"
#include "dns_unbound.h"

/* dns_resolver_open - the configured back end */

DNS_RESOLVER *dns_resolver_open(const DNS_RESOLVER_PROPS *props, VSTRING *why)
{
    const char *type = props->type && *props->type ? props->type : DNS_RESOLVER_SYSTEM;

    if (strcasecmp(type, DNS_RESOLVER_SYSTEM) == 0)
        return dns_resolver_create(NULL, why);
    if (strcasecmp(type, DNS_RESOLVER_LIBUNBOUND) == 0)
        return dns_unbound_create(props->trust_anchor_file, props->forwarders, why);
    vstring_sprintf(why, "unknown DNS resolver \"%s\": want %s or %s", type, DNS_RESOLVER_SYSTEM,
                    DNS_RESOLVER_LIBUNBOUND);
    return NULL;
}
