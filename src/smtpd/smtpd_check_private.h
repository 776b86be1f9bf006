/*
 * smtpd_check_private.h - what the restriction modules share
 *
 * smtpd_check.c parses the lists and walks them; smtpd_check_access.c
 * does the access(5) tables; smtpd_check_addr.c the address classes
 * (mynetworks, our destinations, fully-qualified names) and the TLS and
 * SASL permits. Not for use outside the smtpd_check modules.
 */
#ifndef SMTPD_CHECK_PRIVATE_H
#define SMTPD_CHECK_PRIVATE_H

#include <stdarg.h>

#include "argv.h"
#include "dns_lookup.h"
#include "htable.h"
#include "maps.h"
#include "match_list.h"
#include "vstring.h"

#include "smtpd_check.h"
#include "smtpd_restriction.h"

/* Policy server settings: the smtpd_policy_service_* parameters, or a server's own. */
typedef struct SMTPD_POLICY_SETTINGS {
    int timeout;          /* seconds per try */
    int max_idle;         /* seconds before an idle connection is closed */
    int max_ttl;          /* seconds before any connection is closed */
    int try_limit;        /* tries per request */
    int retry_delay;      /* seconds between tries */
    int request_limit;    /* requests per connection, 0: no limit */
    char *default_action; /* when every try failed; owned */
    char *policy_context; /* sent as policy_context; owned */
} SMTPD_POLICY_SETTINGS;

typedef struct SMTPD_POLICY SMTPD_POLICY; /* smtpd_check_policy.c */

struct SMTPD_CHECKS {
    ARGV *lists[SMTPD_STAGE_COUNT];      /* tokens of each restriction list; owned */
    HTABLE *classes;                     /* class name -> ARGV * of tokens; owned */
    HTABLE *tables;                      /* "type:name" -> MAPS *; owned */
    MATCH_LIST *mynetworks;              /* owned */
    MATCH_LIST *mydestination;           /* owned */
    MATCH_LIST *relay_domains;           /* owned */
    MATCH_LIST *virtual_alias_domains;   /* owned */
    MATCH_LIST *virtual_mailbox_domains; /* owned */
    MAPS *relay_clientcerts;             /* owned, or NULL when empty */
    MAPS *sender_login_maps;             /* owned, or NULL when empty */
    int access_parent;                   /* DOMAIN_FIND_PARENT or DOMAIN_FIND_DOT_PARENT */
    char *null_key;                      /* smtpd_null_access_lookup_key; owned */
    char *delimiters;                    /* recipient_delimiter; owned */
    int reject_code;                     /* reply codes, see SMTPD_CHECK_PROPS */
    int defer_code;
    int access_reject_code;
    int access_defer_code;
    int relay_reject_code;
    int non_fqdn_reject_code;
    int invalid_hostname_reject_code;
    int unknown_hostname_reject_code;
    int unknown_address_reject_code;
    int unknown_client_reject_code;
    int multi_recipient_bounce_reject_code;
    int plaintext_reject_code;
    bool address_tempfail_defer;    /* unknown_address_tempfail_action = defer */
    bool helo_tempfail_defer;       /* unknown_helo_hostname_tempfail_action = defer */
    ARGV *inet_addrs;               /* addresses of inet_interfaces; owned */
    ARGV *proxy_addrs;              /* addresses of proxy_interfaces; owned */
    MATCH_LIST *mx_backup_networks; /* permit_mx_backup_networks, or NULL; owned */
    struct RCPT_MAPS *rcpt_maps;    /* the address class tables; not owned, or NULL */
    DNS_RESOLVER *resolver;         /* for the DNS restrictions, NULL when unusable; owned */
    int maps_rbl_reject_code;       /* maps_rbl_reject_code */
    char *default_rbl_reply;        /* default_rbl_reply (unexpanded); owned */
    MAPS *rbl_reply_maps;           /* rbl_reply_maps, or NULL; owned */
    SMTPD_POLICY_SETTINGS policy;   /* smtpd_policy_service_* */
    HTABLE *policies;               /* check_policy_service argument -> SMTPD_POLICY *; owned */
    char *compatibility_level;      /* for policy requests; owned */
    char *mail_version;             /* likewise */
    bool ask_ccert;                 /* client certificates are requested */
    bool enable_rpk;                /* so are client raw public keys */
    bool sasl_enabled;              /* smtpd_sasl_auth_enable */
};

/* What outlives one list within one decision (defer_if_permit, defer_if_reject). */
typedef struct SMTPD_CHECK_DECISION {
    VSTRING *defer_if_permit; /* the reply if nothing rejects, or empty; owned */
    VSTRING *defer_if_reject; /* the reply that replaces a 5xx rejection, or empty; owned */
} SMTPD_CHECK_DECISION;

/* One evaluation. */
typedef struct SMTPD_CHECK_CTX {
    SMTPD_CHECKS *checks;           /* not owned */
    const SMTPD_CHECK_FACTS *facts; /* not owned */
    SMTPD_STAGE stage;              /* the list being evaluated */
    VSTRING *reply;                 /* rejection reply, caller's buffer */
    int depth;                      /* nesting of classes and access results */
    const char *arg;                /* the argument of a restriction that takes one */
    SMTPD_RESTRICTION_ID rid;       /* the restriction being evaluated */
    bool warn_if_reject;            /* the next restriction only warns */
    SMTPD_CHECK_DECISION *decision; /* shared by the lists of one decision */
} SMTPD_CHECK_CTX;

/* A restriction: a function of the context and its table argument (or NULL). */
typedef int (*SMTPD_RESTRICTION_FN)(SMTPD_CHECK_CTX *ctx, MAPS *table);

#define SMTPD_CHECK_MAX_DEPTH 20 /* classes and access results nest at most this deep */

/* smtpd_check.c */
extern int smtpd_check_reject(SMTPD_CHECK_CTX *ctx, int code, const char *dsn, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
extern int smtpd_check_tokens(SMTPD_CHECK_CTX *ctx, char **tokens, const char *origin);
extern MAPS *smtpd_check_table(SMTPD_CHECKS *checks, const char *name);
extern const char *smtpd_check_reply_class(SMTPD_STAGE stage);
extern const char *smtpd_check_reply_name(const SMTPD_CHECK_CTX *ctx);
extern int smtpd_check_defer_if_permit(SMTPD_CHECK_CTX *ctx, int code, const char *dsn,
                                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* smtpd_check_access.c */
extern int smtpd_check_client_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_helo_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_sender_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_recipient_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_ccert_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_sasl_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_etrn_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_access_value(SMTPD_CHECK_CTX *ctx, const char *reply_name,
                                    const char *reply_class, const char *table_name,
                                    const char *value);

/* smtpd_check_login.c */
extern int smtpd_check_sender_login(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_auth_sender_login(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_known_sender_login(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_unauth_sender_login(SMTPD_CHECK_CTX *ctx, MAPS *table);

/* smtpd_check_addr.c */
extern int smtpd_check_permit(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_reject_all(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_defer_all(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_permit_mynetworks(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_permit_auth_destination(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_reject_unauth_destination(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_defer_unauth_destination(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_permit_sasl(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_permit_tls_clientcerts(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_permit_tls_all_clientcerts(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_reject_non_fqdn_helo(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_reject_non_fqdn_sender(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_reject_non_fqdn_recipient(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_final_domain(SMTPD_CHECK_CTX *ctx, const char *domain);
extern int smtpd_check_destination(SMTPD_CHECK_CTX *ctx, const char *rcpt);
extern bool smtpd_check_routed(const char *address, const char *at);

/* smtpd_check_flow.c */
extern int smtpd_check_warn_if_reject(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_defer_if_permit_cmd(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_defer_if_reject_cmd(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_sleep(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_unauth_pipelining(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_multi_recipient_bounce(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_plaintext_session(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_permit_inet_interfaces(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern ARGV *smtpd_check_inet_addrs(const char *interfaces, const char *protocols);

/* smtpd_check_policy.c */
extern int smtpd_check_policy_service(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern SMTPD_POLICY *smtpd_check_policy_find(SMTPD_CHECKS *checks, const char *arg, VSTRING *why);
extern void smtpd_check_policy_free(void *policy);

/* smtpd_check_rbl.c */
extern int smtpd_check_rbl_client(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_rhsbl_client(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_rhsbl_reverse_client(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_rhsbl_helo(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_rhsbl_sender(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_rhsbl_recipient(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_dnswl_client(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_rhswl_client(SMTPD_CHECK_CTX *ctx, MAPS *table);

/* smtpd_check_server.c */
extern int smtpd_check_server_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_reverse_client_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_permit_mx_backup(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_unlisted_sender(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_unlisted_recipient(SMTPD_CHECK_CTX *ctx, MAPS *table);

/* smtpd_check_host.c */
extern int smtpd_check_invalid_helo(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_unknown_helo(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_unknown_client(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_unknown_reverse_client(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_unknown_sender_domain(SMTPD_CHECK_CTX *ctx, MAPS *table);
extern int smtpd_check_unknown_recipient_domain(SMTPD_CHECK_CTX *ctx, MAPS *table);

#endif
