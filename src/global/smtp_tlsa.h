/*
 * smtp_tlsa.h - the DANE TLSA records of one SMTP server
 *
 * smtp_tlsa_lookup() finds the TLSA RRset of "_port._tcp.host" by RFC
 * 7672's rules (section 2.2): only for a host whose address records are
 * DNSSEC-validated (unless forced), first at the name that the host's
 * CNAMEs lead to, then at the host name itself; only a validated RRset
 * counts. The records are sorted into usable ones (DANE-TA(2) and
 * DANE-EE(3), selector 0 or 1, a matching type that the caller accepts)
 * and unusable ones. SMTP_TLSA_LIST carries what the TLS layer needs: the
 * TLSA base domain (the name where the records were found, also the SNI
 * name and the first reference name of DANE-TA) and the usable records.
 */
#ifndef SMTP_TLSA_H
#define SMTP_TLSA_H

#include <stdbool.h>
#include <stddef.h>

#include "dns_answer.h"
#include "dns_lookup.h"
#include "vstring.h"

/* smtp_tlsa_lookup() results. */
#define SMTP_TLSA_FOUND    0 /* validated records, some usable */
#define SMTP_TLSA_NONE     1 /* no validated records (none, or insecure) */
#define SMTP_TLSA_UNUSABLE 2 /* validated records, none usable */
#define SMTP_TLSA_RETRY    3 /* the lookup failed: defer */

/* One usable record. */
typedef struct SMTP_TLSA {
    int usage;           /* 2 (DANE-TA) or 3 (DANE-EE) */
    int selector;        /* 0 (certificate) or 1 (public key) */
    int mtype;           /* 0 (full), 1 (SHA2-256), 2 (SHA2-512) */
    unsigned char *data; /* association data, owned */
    size_t len;          /* bytes in data */
} SMTP_TLSA;

typedef struct SMTP_TLSA_LIST {
    char *base_domain; /* where the records were found, owned, or NULL */
    SMTP_TLSA *rr;     /* usable records, owned */
    size_t count;      /* usable records */
    size_t unusable;   /* validated records that cannot be used */
} SMTP_TLSA_LIST;

/* What the lookup needs to know. */
typedef struct SMTP_TLSA_QUERY {
    const char *host;  /* the server's host name (MX exchange or next hop) */
    const char *rname; /* the name its CNAMEs lead to, or NULL */
    unsigned port;     /* TCP port */
    bool host_secure;  /* the address records (and CNAMEs) were validated */
    bool force;        /* smtp_tls_force_insecure_host_tlsa_lookup */
    int mtype_mask;    /* matching types accepted: bit N for type N */
} SMTP_TLSA_QUERY;

extern int smtp_tlsa_lookup(DNS_RESOLVER *resolver, const SMTP_TLSA_QUERY *query,
                            SMTP_TLSA_LIST *out, VSTRING *why);
extern int smtp_tlsa_take(const char *base_domain, const DNS_ANSWER *answer, int mtype_mask,
                          SMTP_TLSA_LIST *out);
extern void smtp_tlsa_digest(const SMTP_TLSA_LIST *list, VSTRING *out);
extern void smtp_tlsa_free(SMTP_TLSA_LIST *list);

#endif
