/*
 * resolve_rcpt.h - which transport and next hop deliver a recipient
 *
 * The queue manager's routing decision, in the order of Postfix's
 * trivial-rewrite: transport_maps (the full address, the domain, its
 * parent domains as ".parent", then "*"), then the local domains
 * (mydestination, and addresses without a domain) to local_transport,
 * relay_domains to relay_transport, everything else to default_transport.
 * relayhost, when set, replaces the recipient domain as the next hop of
 * the relay and default transports. The MX and address lookups of the
 * next hop are the smtp client's business.
 */
#ifndef RESOLVE_RCPT_H
#define RESOLVE_RCPT_H

#include <stdbool.h>

#include "maps.h"
#include "match_list.h"
#include "vstring.h"

/* What the resolver consults; the caller owns everything. */
typedef struct RESOLVE_PROPS {
    MATCH_LIST *mydestination;     /* local domains, or NULL */
    MATCH_LIST *relay_domains;     /* relay domains, or NULL */
    MAPS *transport_maps;          /* transport(5) tables, or NULL */
    const char *myhostname;        /* next hop of local delivery */
    const char *local_transport;   /* "local:$myhostname" */
    const char *relay_transport;   /* "relay" */
    const char *default_transport; /* "smtp" */
    const char *relayhost;         /* "" or "[host]:port" */
} RESOLVE_PROPS;

/* resolve_rcpt() results. */
#define RESOLVE_OK    0    /* out_transport and out_nexthop are set */
#define RESOLVE_RETRY (-1) /* a table lookup failed: defer (why says) */

/* Result flags. */
#define RESOLVE_FLAG_LOCAL (1 << 0) /* the domain is one of ours */

extern int resolve_rcpt(const RESOLVE_PROPS *props, const char *address, VSTRING *out_transport,
                        VSTRING *out_nexthop, int *out_flags, VSTRING *why);
extern int resolve_split(const char *value, VSTRING *out_transport, VSTRING *out_nexthop);

#endif
