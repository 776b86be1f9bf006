/*
 * smtpd_check.h - SMTP server access restrictions
 *
 * The restriction lists of main.cf (smtpd_client_restrictions, ...,
 * smtpd_data_restrictions) are parsed once by smtpd_check_init(), which
 * opens every table they name and refuses a bad list (fatal, naming the
 * parameter), including a configuration that would make an open relay.
 * Per decision, the caller describes the session in an SMTPD_CHECK_FACTS
 * and asks one stage; a rejection comes back as a complete SMTP reply.
 *
 *	r = smtpd_check_stage(checks, SMTPD_STAGE_RECIPIENT, &facts, reply);
 *	if (r == SMTPD_CHECK_REJECT)
 *	    ... send vstring_str(reply) ...
 */
#ifndef SMTPD_CHECK_H
#define SMTPD_CHECK_H

#include <stdbool.h>

#include "vstring.h"

#include "access_action.h"

typedef struct SMTPD_CHECKS SMTPD_CHECKS;

/* The restriction lists, in the order they are evaluated at RCPT time. */
typedef enum SMTPD_STAGE {
    SMTPD_STAGE_CLIENT,    /* smtpd_client_restrictions */
    SMTPD_STAGE_HELO,      /* smtpd_helo_restrictions */
    SMTPD_STAGE_SENDER,    /* smtpd_sender_restrictions */
    SMTPD_STAGE_RELAY,     /* smtpd_relay_restrictions */
    SMTPD_STAGE_RECIPIENT, /* smtpd_recipient_restrictions */
    SMTPD_STAGE_DATA,      /* smtpd_data_restrictions */
    SMTPD_STAGE_EOD,       /* smtpd_end_of_data_restrictions */
    SMTPD_STAGE_ETRN,      /* smtpd_etrn_restrictions */
    SMTPD_STAGE_COUNT,
} SMTPD_STAGE;

/* Results. */
#define SMTPD_CHECK_DUNNO  0 /* no decision: the list ran out */
#define SMTPD_CHECK_OK     1 /* permitted (ends this list only) */
#define SMTPD_CHECK_REJECT 2 /* refused; the reply is filled in */

/* How a client name lookup ended (SMTPD_CHECK_FACTS name_status). */
typedef enum SMTPD_NAME_STATUS {
    SMTPD_NAME_OK,   /* found (and, for the name, forward-confirmed) */
    SMTPD_NAME_PERM, /* not found, or not confirmed */
    SMTPD_NAME_TEMP, /* the lookup failed for now */
} SMTPD_NAME_STATUS;

/* Settings; strings are main.cf values, borrowed during smtpd_check_init() only. */
typedef struct SMTPD_CHECK_PROPS {
    const char *lists[SMTPD_STAGE_COUNT]; /* the restriction lists */
    const char *restriction_classes;      /* smtpd_restriction_classes */
    /* The value of a restriction class parameter, or NULL. */
    const char *(*class_value)(void *context, const char *name);
    void *class_context;                          /* for class_value */
    const char *mynetworks;                       /* networks for permit_mynetworks */
    const char *mydestination;                    /* local domains */
    const char *relay_domains;                    /* domains we relay to */
    const char *virtual_alias_domains;            /* also our destinations */
    const char *virtual_mailbox_domains;          /* also our destinations */
    const char *parent_domain_matches_subdomains; /* parameter names */
    const char *relay_clientcerts;                /* tables of trusted client cert fingerprints */
    const char *sender_login_maps;                /* smtpd_sender_login_maps */
    const char *null_access_lookup_key;           /* key for the null sender */
    const char *recipient_delimiter;              /* address extension delimiters */
    int reject_code;                              /* reject_code */
    int defer_code;                               /* defer_code */
    int access_map_reject_code;                   /* access_map_reject_code */
    int access_map_defer_code;                    /* access_map_defer_code */
    int relay_domains_reject_code;                /* relay_domains_reject_code */
    int non_fqdn_reject_code;                     /* non_fqdn_reject_code */
    int invalid_hostname_reject_code;             /* invalid_hostname_reject_code */
    int unknown_hostname_reject_code;             /* unknown_hostname_reject_code */
    int unknown_address_reject_code;              /* unknown_address_reject_code */
    int unknown_client_reject_code;               /* unknown_client_reject_code */
    int multi_recipient_bounce_reject_code;       /* multi_recipient_bounce_reject_code */
    int plaintext_reject_code;                    /* plaintext_reject_code */
    const char *unknown_address_tempfail_action;  /* defer_if_permit or defer */
    const char *unknown_helo_tempfail_action;     /* unknown_helo_hostname_tempfail_action */
    const char *inet_interfaces;                  /* for permit_inet_interfaces */
    const char *inet_protocols;                   /* likewise */
    int policy_timeout;                           /* smtpd_policy_service_timeout */
    int policy_max_idle;                          /* smtpd_policy_service_max_idle */
    int policy_max_ttl;                           /* smtpd_policy_service_max_ttl */
    int policy_try_limit;                         /* smtpd_policy_service_try_limit */
    int policy_retry_delay;                       /* smtpd_policy_service_retry_delay */
    int policy_request_limit;                     /* smtpd_policy_service_request_limit */
    const char *policy_default_action;            /* smtpd_policy_service_default_action */
    const char *policy_context;                   /* smtpd_policy_service_policy_context */
    const char *compatibility_level;              /* sent to policy servers */
    const char *mail_version;                     /* likewise */
    int maps_rbl_reject_code;                     /* maps_rbl_reject_code */
    const char *default_rbl_reply;                /* default_rbl_reply, unexpanded */
    const char *rbl_reply_maps;                   /* rbl_reply_maps */
    const char *proxy_interfaces;                 /* also our addresses, for permit_mx_backup */
    const char *permit_mx_backup_networks;        /* permit_mx_backup_networks */
    struct RCPT_MAPS *rcpt_maps; /* address class tables for reject_unlisted_*, or NULL */
    bool ask_ccert;              /* smtpd_tls_ask_ccert (or req_ccert), for warnings */
    bool enable_rpk;             /* smtpd_tls_enable_rpk, for warnings */
    bool sasl_enabled;           /* smtpd_sasl_auth_enable: the SASL restrictions apply */
} SMTPD_CHECK_PROPS;

/* What a decision may depend on; strings borrowed for the call. */
typedef struct SMTPD_CHECK_FACTS {
    const char *name;                 /* client host name or "unknown" */
    const char *reverse_name;         /* unverified PTR name or "unknown" */
    SMTPD_NAME_STATUS name_status;    /* how the (forward-confirmed) name lookup ended */
    SMTPD_NAME_STATUS reverse_status; /* how the PTR lookup ended */
    const char *addr;                 /* client address */
    const char *namaddr;              /* name[addr] */
    const char *local_addr;           /* our address on this connection, or "" */
    const char *client_port;          /* the client's port, or "unknown" */
    const char *server_port;          /* our port, or "" */
    const char *protocol_state;    /* "CONNECT", "EHLO", "MAIL", "RCPT", "DATA", "END-OF-MESSAGE" */
    const char *protocol_name;     /* "SMTP" or "ESMTP" */
    const char *queue_id;          /* once a queue file exists, else "" */
    const char *instance;          /* the same for all requests about one message */
    long size;                     /* MAIL FROM SIZE= (0 if none); at end of data the real size */
    const char *sasl_method;       /* AUTH mechanism, or NULL */
    const char *sasl_sender;       /* MAIL FROM AUTH=, or NULL */
    const char *helo;              /* HELO/EHLO name, or NULL */
    const char *sender;            /* MAIL FROM (internal form), "" for <>, or NULL */
    const char *recipient;         /* RCPT TO (internal form), or NULL */
    const char *etrn_domain;       /* the ETRN argument, or NULL */
    int rcpt_count;                /* recipients accepted so far in this transaction */
    bool ill_pipelining;           /* the client sent commands ahead where it may not */
    bool sasl_authenticated;       /* the client used AUTH */
    const char *sasl_username;     /* its login name, or NULL */
    bool tls_active;               /* a TLS session is up */
    const char *tls_protocol;      /* "TLSv1.3", or NULL */
    const char *tls_cipher;        /* cipher suite, or NULL */
    int tls_keysize;               /* secret bits in use */
    const char *ccert_subject;     /* client certificate subject CN, or NULL */
    const char *ccert_issuer;      /* its issuer CN, or NULL */
    bool ccert_trusted;            /* the client certificate chain verified */
    const char *ccert_fprint;      /* client certificate fingerprint, or NULL */
    const char *ccert_pkey_fprint; /* its public-key fingerprint, or NULL */
    /* Log a "warn"/"info" access action or a "reject_warning"; text is the message. */
    void (*log_action)(void *context, const char *action, const char *text);
    void *log_context; /* for log_action and message_action */
    /*
     * A HOLD, DISCARD, FILTER, REDIRECT, BCC or PREPEND access result, its
     * argument checked: what applies to the whole message. log_text is the
     * line to log ("<addr>: Sender address triggers HOLD action"), NULL for
     * PREPEND. NULL: such results are ignored.
     */
    void (*message_action)(void *context, const ACCESS_RESULT *result, const char *log_text);
} SMTPD_CHECK_FACTS;

extern SMTPD_CHECKS *smtpd_check_init(const SMTPD_CHECK_PROPS *props);
extern SMTPD_CHECKS *smtpd_check_free(SMTPD_CHECKS *checks);
extern int smtpd_check_stage(SMTPD_CHECKS *checks, SMTPD_STAGE stage,
                             const SMTPD_CHECK_FACTS *facts, VSTRING *reply);
extern int smtpd_check_rcpt(SMTPD_CHECKS *checks, bool delay_reject, const SMTPD_CHECK_FACTS *facts,
                            VSTRING *reply);
extern int smtpd_check_etrn(SMTPD_CHECKS *checks, bool delay_reject, const SMTPD_CHECK_FACTS *facts,
                            VSTRING *reply);
extern bool smtpd_check_empty(const SMTPD_CHECKS *checks, SMTPD_STAGE stage);
extern const char *smtpd_check_stage_name(SMTPD_STAGE stage);

#endif
