/*
 * smtp_tls_policy.h - the TLS security level and settings for one server
 *
 * The level comes from, in this order: smtp_tls_security_level (or, when
 * it is empty, the legacy smtp_enforce_tls, smtp_tls_enforce_peername
 * and smtp_use_tls); then smtp_tls_policy_maps, looked up with the next
 * hop as written ("[host]:port" verbatim; a bare domain and then its
 * parents as ".parent"), whose entry replaces it; or, only when
 * smtp_tls_policy_maps is empty, the legacy smtp_tls_per_site table
 * (next hop and server host name, NONE / MAY / MUST_NOPEERMATCH / MUST).
 *
 * A table value is "level [name=value ...]" with attributes separated by
 * whitespace or commas: ciphers=, protocols=, exclude= and servername=
 * at most once; match= (":"-separated names, or "|"-separated
 * fingerprints at the fingerprint level; at dane and dane-only more
 * names that a DANE-TA certificate may carry) and tafile= (verify and
 * secure) repeatable; connection_reuse= and enable_rpk= (asking the
 * server for a raw public key at may, encrypt and fingerprint, replacing
 * smtp_tls_enable_rpk) yes or no; pq=
 * yes (the groups as configured), no (no post-quantum group) or only
 * (post-quantum groups alone), our extension, at most once. Anything else
 * - an unknown level or attribute, a duplicate, an attribute at a level
 * where it means nothing, a bad value - makes the policy invalid, and so
 * does a table lookup error: the mail is then deferred, never sent with
 * a weaker policy.
 *
 * The DANE levels need DNSSEC lookups (smtp_dns_support_level = dnssec):
 * without them "dane" becomes "may" with a warning and "dane-only" is an
 * invalid policy. With them the level stays; smtp_dane.c then decides per
 * server, from its TLSA records, what the level becomes.
 */
#ifndef SMTP_TLS_POLICY_H
#define SMTP_TLS_POLICY_H

#include <stdbool.h>

#include "maps.h"
#include "vstring.h"

/* The main.cf side (strings owned by the CONFIG, maps and level_problem by smtp.c). */
typedef struct SMTP_TLS_CONFIG {
    bool lmtp;                          /* LMTP mode: lmtp_* parameter names in texts */
    const char *security_level;         /* smtp_tls_security_level */
    bool use_tls;                       /* smtp_use_tls */
    bool enforce_tls;                   /* smtp_enforce_tls */
    bool enforce_peername;              /* smtp_tls_enforce_peername */
    int level;                          /* the four above, parsed once: smtp_tls_global_level() */
    const char *level_problem;          /* why level is TLS_LEV_INVALID, else NULL */
    bool level_dane_fallback;           /* level is "dane" taken as "may" (warned each time) */
    bool dane_ok;                       /* DNSSEC lookups and DANE support are configured */
    const char *dane_problem;           /* why not, for warnings (static), or NULL */
    int insecure_mx_policy;             /* smtp_tls_dane_insecure_mx_policy: may, encrypt, dane */
    bool force_insecure_tlsa;           /* smtp_tls_force_insecure_host_tlsa_lookup */
    int dane_mtype_mask;                /* tls_dane_digests as TLSA matching type bits */
    MAPS *policy_maps;                  /* smtp_tls_policy_maps, NULL when empty */
    MAPS *per_site;                     /* smtp_tls_per_site, NULL when empty */
    const char *verify_cert_match;      /* smtp_tls_verify_cert_match */
    const char *secure_cert_match;      /* smtp_tls_secure_cert_match */
    const char *fingerprint_cert_match; /* smtp_tls_fingerprint_cert_match */
    const char *trust_anchor_file;      /* smtp_tls_trust_anchor_file */
    const char *servername;             /* smtp_tls_servername */
    bool enable_rpk;                    /* smtp_tls_enable_rpk */
} SMTP_TLS_CONFIG;

/* The policy for one server. Strings are owned; NULL means "main.cf / by level". */
typedef struct SMTP_TLS_POLICY {
    int level;        /* TLS_LEV_*, or TLS_LEV_INVALID */
    char *protocols;  /* protocols= */
    char *grade;      /* ciphers= */
    char *exclusions; /* exclude= */
    char *match;      /* match list in force ("|" or ":" separated), fingerprint and up */
    char *tafile;     /* trust anchor files in force (space separated), verify and up */
    char *servername; /* servername= or smtp_tls_servername: name, "hostname", "nexthop" */
    bool
        connection_reuse; /* connection_reuse=: TLS through tlsproxy(8), as with smtp_tls_connection_reuse */
    bool enable_rpk;           /* enable_rpk=, or smtp_tls_enable_rpk */
    bool rpk_set;              /* enable_rpk= was given */
    int pq_mode;               /* pq=: TLS_DH_PQ_* (tls_dh.h), 0 when absent */
    bool pq_set;               /* pq= was given */
    const char *error_dsn;     /* invalid policy: "4.7.5" or "4.3.0" (static) */
    char *error;               /* invalid policy: text for the deferral */
    const char *tlsrpt_result; /* invalid policy: its TLSRPT result type (static), or NULL */
    bool from_table; /* an smtp_tls_policy_maps or smtp_tls_per_site entry set the level */
} SMTP_TLS_POLICY;

/* The name of a parameter as the client's mode spells it, for texts. */
#define SMTP_TLS_PARAM(config, NAME) ((config)->lmtp ? VAR_LMTP_##NAME : VAR_SMTP_##NAME)

#define SMTP_TLS_POLICY_INVALID_TEXT "client TLS configuration problem"

extern int smtp_tls_global_level(const SMTP_TLS_CONFIG *config, VSTRING *why);
extern int smtp_tls_policy_parse(SMTP_TLS_POLICY *policy, const char *where, const char *value,
                                 VSTRING *why);
extern void smtp_tls_policy_find(SMTP_TLS_POLICY *policy, const SMTP_TLS_CONFIG *config,
                                 const char *dest_key, const char *host);
extern const char *smtp_tls_policy_sni(const SMTP_TLS_POLICY *policy, const char *host,
                                       const char *nexthop);
extern void smtp_tls_policy_free(SMTP_TLS_POLICY *policy);

#endif
