/*
 * smtp_dns.h - MX records and server addresses
 *
 * smtp_dns_mx() asks the resolver (dns_lookup, either back end) for the
 * MX records of a domain; smtp_dns_mx_parse() reads them from an answer packet, so that
 * tests can feed packets they build. smtp_mx_sort() orders them by
 * preference with equal preferences in random order. smtp_addr_add()
 * appends a host's addresses (getaddrinfo: /etc/hosts, then DNS, per
 * nsswitch.conf) to the list of servers to try; smtp_addr_add_dns() asks
 * DNS alone for A and AAAA records and keeps their DNSSEC status and
 * CNAME expansion, as DANE needs.
 */
#ifndef SMTP_DNS_H
#define SMTP_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "dns_lookup.h"
#include "vstring.h"

/* Lookup results. */
#define SMTP_DNS_OK       0 /* found */
#define SMTP_DNS_NODATA   1 /* the name exists, without records of this type */
#define SMTP_DNS_NOTFOUND 2 /* the name does not exist: bounce */
#define SMTP_DNS_RETRY    3 /* temporary failure: defer */
#define SMTP_DNS_NULLMX   4 /* RFC 7505 null MX: the domain takes no mail */

/* One MX record. */
typedef struct SMTP_MX {
    char *host; /* exchange host name, lowercase, owned */
    int pref;   /* preference, lower is better */
} SMTP_MX;

typedef struct SMTP_MX_LIST {
    SMTP_MX *mx;  /* records, owned */
    size_t count; /* records used */
    bool secure;  /* the MX RRset was DNSSEC-validated (AD bit) */
} SMTP_MX_LIST;

/* One server address to try. */
typedef struct SMTP_ADDR {
    char *host;                 /* host name (or the address itself), owned */
    char addr[64];              /* numeric address text */
    char *rname;                /* DNS lookups: the name after CNAMEs, owned, or NULL */
    int pref;                   /* MX preference of the host, 0 without MX */
    bool secure;                /* DNS lookups: the address RRset was validated */
    bool mx_secure;             /* the MX RRset was validated, or no MX lookup: set by caller */
    struct sockaddr_storage sa; /* address and port */
    socklen_t salen;            /* length of sa */
} SMTP_ADDR;

typedef struct SMTP_ADDR_LIST {
    SMTP_ADDR *addr; /* addresses, owned */
    size_t count;    /* addresses used */
    size_t size;     /* addresses allocated */
} SMTP_ADDR_LIST;

typedef long (*SMTP_RANDOM_FN)(void);

extern int smtp_dns_mx(DNS_RESOLVER *resolver, const char *domain, SMTP_MX_LIST *out, VSTRING *why);
extern int smtp_dns_mx_parse(const unsigned char *answer, int len, SMTP_MX_LIST *out, VSTRING *why);
extern void smtp_mx_sort(SMTP_MX_LIST *list, SMTP_RANDOM_FN random_fn);
extern size_t smtp_mx_truncate_self(SMTP_MX_LIST *list, const char *myhostname);
extern void smtp_mx_free(SMTP_MX_LIST *list);

extern int smtp_addr_add(SMTP_ADDR_LIST *list, const char *host, int pref, unsigned port,
                         VSTRING *why);
extern int smtp_addr_add_dns(DNS_RESOLVER *resolver, SMTP_ADDR_LIST *list, const char *host,
                             int pref, unsigned port, VSTRING *why);
extern void smtp_addr_shuffle(SMTP_ADDR_LIST *list, size_t from, SMTP_RANDOM_FN random_fn);
extern void smtp_addr_free(SMTP_ADDR_LIST *list);

#endif
