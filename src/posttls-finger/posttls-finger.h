/*
 * posttls-finger.h - the parts of posttls-finger(1)
 *
 * posttls-finger.c reads the command line and main.cf into PTF_STATE and
 * runs the sessions; ptf_dest.c turns the destination into addresses;
 * ptf_smtp.c holds the SMTP or LMTP dialogue; ptf_tls.c the TLS contexts,
 * the handshake and the certificate chain printout; ptf_dane.c the TLSA
 * records of a server at the DANE levels.
 */
#ifndef POSTTLS_FINGER_H
#define POSTTLS_FINGER_H

#include <stdbool.h>

#include "argv.h"
#include "vstream.h"
#include "vstring.h"
#include "config.h"

#include "dns_resolver.h"
#include "smtp_dns.h"
#include "smtp_tlsa.h"
#include "sts_policy.h"
#include "tls.h"
#include "tls_scache_mem.h"

/* Where to connect (ptf_dest.c). */
typedef struct PTF_DEST {
    char *nexthop;   /* domain or host, without brackets; owned */
    bool mx_lookup;  /* a bare domain: look up its MX hosts */
    unsigned port;   /* TCP port */
    char *unix_path; /* LMTP over a UNIX-domain socket, or NULL; owned */
} PTF_DEST;

/* Everything a run needs. */
typedef struct PTF_STATE {
    /* Settings. */
    CONFIG *config;                        /* main.cf with -o overrides */
    int level;                             /* -l: TLS_LEV_* */
    bool force_tlsa;                       /* -f: TLSA lookups for insecure hosts too */
    int insecure_mx_policy;                /* -M: may, encrypt or dane (default) */
    int pq_mode;                           /* -Q: TLS_DH_PQ_* (tls_dh.h) */
    const char *dane_digests;              /* tls_dane_digests */
    DNS_RESOLVER_PROPS resolver_props;     /* smtp_dns_resolver and its companions */
    int dane_mtype_mask;                   /* the above as TLSA matching type bits */
    bool chat;                             /* log the dialogue (-c turns it off) */
    bool print_chain;                      /* -C */
    bool wrapper;                          /* -w: TLS on connect */
    bool enable_rpk;                       /* -x: ask for a raw public key (RFC 7250) */
    bool lmtp;                             /* -S: LMTP instead of SMTP */
    int family;                            /* -a: AF_UNSPEC, AF_INET or AF_INET6 */
    const char *logopts;                   /* -L */
    const char *mdalg;                     /* -d, else smtp_tls_fingerprint_digest */
    const char *CAfile;                    /* -F */
    const char *CApath;                    /* -P */
    const char *protocols;                 /* -p */
    const char *grade;                     /* -g */
    const char *servername;                /* -s: SNI, or NULL */
    const char *chain_files;               /* -H, joined; owned, or NULL */
    const char *tafile;                    /* -A, joined; owned, or NULL */
    const char *cert_file;                 /* -k */
    const char *key_file;                  /* -K */
    int reconnect_delay;                   /* -r: seconds, 0: no reconnect */
    int max_reconnect;                     /* -m */
    int connect_timeout;                   /* -t */
    int command_timeout;                   /* -T */
    const char *helo;                      /* EHLO name: myhostname */
    int verifydepth;                       /* smtp_tls_scert_verifydepth */
    const char *exclude_ciphers;           /* smtp_tls_exclude_ciphers */
    const char *mandatory_exclude_ciphers; /* smtp_tls_mandatory_exclude_ciphers */
    char *match;                           /* match arguments, joined; owned, or NULL */
    const char *dest_arg;                  /* the destination as given */
    bool sts_enable;                       /* smtp_tls_mta_sts_enable */
    const char *sts_CAfile;                /* mta_sts_CAfile */
    int sts_fetch_timeout;                 /* mta_sts_fetch_timeout, seconds */
    const char *dns_support;               /* smtp_dns_support_level */
    PTF_DEST dest;                         /* the destination */
    /* Run time. */
    DNS_RESOLVER *resolver;    /* every DNS lookup, owned */
    TLS_APPL_STATE *tls_first; /* context of the first connection */
    TLS_APPL_STATE *tls_again; /* context of reconnections (cache logging) */
    TLS_SCACHE_MEM *cache;     /* sessions, in memory */
    TLS_PARAMS params;         /* global tls_* settings, bound with the rest */
    VSTREAM *stream;           /* the connection, or NULL */
    TLS_SESS_STATE *tls;       /* the TLS session, or NULL */
    char *namaddr;             /* host[addr]:port of the connection; owned */
    char *host;                /* server host name; owned */
    char *addr;                /* server address; owned */
    unsigned port;             /* server port */
    VSTRING *server_name;      /* first word of the EHLO reply */
    VSTRING *chain;            /* -C output of the first session */
    bool quiet_chat;           /* a reconnection: log less of the dialogue */
    bool starttls_offered;     /* the EHLO reply lists STARTTLS */
    bool tls_failed;           /* the handshake failed */
    bool reply_failed;         /* a reply timed out, broke off or was malformed */
    int session_level;         /* level of this server's session (DANE: secure without TLSA) */
    SMTP_TLSA_LIST tlsa;       /* DANE: this server's usable TLSA records, owned */
    STS_POLICY *sts_policy;    /* the destination's MTA-STS policy, owned, or NULL */
    bool sts_dane;             /* this server's TLSA records take precedence over the policy */
} PTF_STATE;

/* ptf_dest.c */
extern int ptf_dest_parse(const char *arg, bool lmtp, PTF_DEST *out, VSTRING *why);
extern int ptf_dest_connect(PTF_STATE *state, VSTRING *why);
extern void ptf_dest_disconnect(PTF_STATE *state);

/* ptf_dane.c */
extern int ptf_dane_server(PTF_STATE *state, const SMTP_ADDR *addr, VSTRING *why);
extern void ptf_dane_free(PTF_STATE *state);

/* ptf_sts.c */
extern void ptf_sts_discover(PTF_STATE *state);
extern bool ptf_sts_dane_first(const PTF_STATE *state, bool mx_secure);
extern void ptf_sts_verdict(PTF_STATE *state);
extern void ptf_sts_free(PTF_STATE *state);

/* ptf_smtp.c */
extern int ptf_smtp_session(PTF_STATE *state);

/* ptf_tls.c */
extern int ptf_tls_init(PTF_STATE *state);
extern int ptf_tls_start(PTF_STATE *state);
extern void ptf_tls_stop(PTF_STATE *state, bool failure);
extern int ptf_tls_cached(const PTF_STATE *state);

#endif
