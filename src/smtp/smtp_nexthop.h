/*
 * smtp_nexthop.h - the next hop of a delivery request
 *
 * Forms: "domain" and "host:port" (MX lookup), "[host]" and
 * "[host]:port" (no MX lookup: the host's own addresses), "[address]"
 * (an IP literal, "[ipv6:...]" allowed), each with an optional "inet:"
 * prefix. The port is a number or a service name; without one,
 * smtp_tcp_port applies. An empty next hop means the recipient's domain.
 *
 * The LMTP client takes "unix:pathname" (a UNIX-domain socket; a relative
 * pathname is under queue_directory) and the forms above with or without
 * "inet:", never looking up MX records (lmtp_tcp_port is the default port).
 */
#ifndef SMTP_NEXTHOP_H
#define SMTP_NEXTHOP_H

#include <stdbool.h>

#include "vstring.h"

typedef struct SMTP_DEST {
    char *key;       /* the next hop as written, for smtp_tls_policy_maps; owned */
    char *unix_path; /* "unix:" destination: the socket pathname, owned, else NULL */
    char *name;      /* domain or host, no brackets or port, lowercase; owned */
    unsigned port;   /* TCP port */
    bool mx_lookup;  /* look up MX records for name */
    bool literal;    /* name is an IP address */
} SMTP_DEST;

extern int smtp_nexthop_parse(const char *nexthop, const char *def_port, bool lmtp, SMTP_DEST *out,
                              VSTRING *why);
extern int smtp_port_parse(const char *text, unsigned *out_port);
extern void smtp_nexthop_free(SMTP_DEST *dest);

#endif
