/*++
 * NAME
 *	dns_unbound_none - the libunbound back end, when it is not built
 * SYNOPSIS
 *	#include "dns_unbound.h"
 *
 *	DNS_RESOLVER *dns_unbound_create(const char *anchor_file,
 *				const char *forwarders, VSTRING *why);
 *	bool	dns_unbound_available(void);
 * DESCRIPTION
 *	makedefs found no libunbound (HAVE_LIBUNBOUND unset), so this
 *	stands in for dns_unbound.c: dns_unbound_create() returns null
 *	with why saying so, and dns_unbound_available() returns false.
 * DIAGNOSTICS
 *	Returned.
 * SEE ALSO
 *	dns_unbound(3)
 *--*/

#ifndef HAVE_LIBUNBOUND

/* Application-specific. */
#include "dns_unbound.h"

/* dns_unbound_create - not built */

DNS_RESOLVER *dns_unbound_create(const char *unused_anchor_file, const char *unused_forwarders,
                                 VSTRING *why)
{
    vstring_sprintf(why, "this program was built without libunbound "
                         "(install libunbound-dev, then run makedefs and make again)");
    return 0;
}

/* dns_unbound_available - not built */

bool dns_unbound_available(void)
{
    return false;
}

#endif
