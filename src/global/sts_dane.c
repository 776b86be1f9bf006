/*++
 * NAME
 *	sts_dane - DANE before an MTA-STS policy
 * SYNOPSIS
 *	#include <sts_dane.h>
 *
 *	bool	sts_dane_first(const STS_DANE_QUERY *query);
 * DESCRIPTION
 *	DANE wins over MTA-STS where both exist (RFC 8461 section 2).
 *	At the levels dane and dane-only the TLSA records are looked up
 *	anyway; sts_dane_first() says whether they must be looked up, as at
 *	level dane, at a level that does not ask for DANE, because of an
 *	MTA-STS policy. It is true when all of these hold: the next hop has
 *	a policy in mode enforce or testing; no smtp_tls_policy_maps entry
 *	gave the level; the level is none, may or encrypt (fingerprint,
 *	verify and secure stay as they are); smtp_dns_support_level is
 *	dnssec; the MX RRset was DNSSEC-validated; and the message is not
 *	under "TLS-Required: no".
 *
 *	The caller then looks the server up as at level dane: usable TLSA
 *	records make it a DANE session; no records leave the level, and the
 *	MTA-STS policy applies.
 * SEE ALSO
 *	smtp(8), posttls-finger(1), RFC 8461, RFC 7672
 *--*/

/* TLS library. */
#include "tls_level.h"

/* Global library. */
#include "sts_dane.h"

/* sts_dane_first - look up TLSA records because of an MTA-STS policy? */

bool sts_dane_first(const STS_DANE_QUERY *query)
{
    return query->policy != NULL && query->policy->mode != STS_MODE_NONE && !query->from_table &&
           query->level >= TLS_LEV_NONE && query->level <= TLS_LEV_ENCRYPT && query->dnssec &&
           query->mx_secure && !query->tls_required_no;
}
