/*
 * smtpd_config.h - the SMTP server's settings, read once per process
 *
 * smtpd_config_init() reads main.cf (through config.h) into an
 * SMTPD_CONFIG before the first connection: numbers and flags are
 * checked, restriction lists parsed and their tables opened, and TLS
 * initialised (as root, before privileges are dropped). The protocol
 * engine reads only this struct, so a test can build one by hand.
 */
#ifndef SMTPD_CONFIG_H
#define SMTPD_CONFIG_H

#include <stdbool.h>

#include "argv.h"
#include "config.h"
#include "maps.h"
#include "match_list.h"
#include "milter.h"
#include "reject_footer.h"

#include "tls.h"
#include "tls_level.h"

#include "smtpd_limits.h"

typedef struct SMTPD_CHECKS SMTPD_CHECKS;         /* smtpd_check.h */
typedef struct SMTPD_TLS_SERVER SMTPD_TLS_SERVER; /* smtpd_tls.h */
typedef struct SASL_SERVER_IMPL SASL_SERVER_IMPL; /* sasl_server.h */
typedef struct RCPT_MAPS RCPT_MAPS;               /* rcpt_maps.h */

/* smtpd_forbid_bare_newline. */
typedef enum SMTPD_BARE_LF {
    SMTPD_BARE_LF_NO,        /* "no": a bare LF ends a line, even before "." */
    SMTPD_BARE_LF_NORMALIZE, /* "normalize"/"yes": bare LF ends a line, but only
                                <CR><LF>.<CR><LF> ends DATA */
    SMTPD_BARE_LF_REJECT,    /* "reject": reply and disconnect */
} SMTPD_BARE_LF;

/*
 * smtpd_tls_security_level after the legacy switches are folded in: one of
 * the server levels of tls_level.h.
 */
typedef int SMTPD_TLS_LEVEL;

#define SMTPD_TLS_LEVEL_NONE    TLS_LEV_NONE    /* no STARTTLS */
#define SMTPD_TLS_LEVEL_MAY     TLS_LEV_MAY     /* STARTTLS offered */
#define SMTPD_TLS_LEVEL_ENCRYPT TLS_LEV_ENCRYPT /* STARTTLS required before mail */

/* The TLS engine's settings, bound with the rest (strings owned by the CONFIG). */
typedef struct SMTPD_TLS_SETTINGS {
    TLS_PARAMS params;                     /* the global tls_* parameters */
    const char *loglevel;                  /* smtpd_tls_loglevel */
    int verifydepth;                       /* smtpd_tls_ccert_verifydepth */
    int session_cache_timeout;             /* smtpd_tls_session_cache_timeout, seconds */
    bool always_issue_session_ids;         /* smtpd_tls_always_issue_session_ids */
    const char *chain_files;               /* smtpd_tls_chain_files */
    const char *cert_file;                 /* smtpd_tls_cert_file */
    const char *key_file;                  /* smtpd_tls_key_file */
    const char *dcert_file;                /* smtpd_tls_dcert_file */
    const char *dkey_file;                 /* smtpd_tls_dkey_file */
    const char *eccert_file;               /* smtpd_tls_eccert_file */
    const char *eckey_file;                /* smtpd_tls_eckey_file */
    const char *CAfile;                    /* smtpd_tls_CAfile */
    const char *CApath;                    /* smtpd_tls_CApath */
    const char *protocols;                 /* smtpd_tls_protocols */
    const char *mandatory_protocols;       /* smtpd_tls_mandatory_protocols */
    const char *ciphers;                   /* smtpd_tls_ciphers */
    const char *mandatory_ciphers;         /* smtpd_tls_mandatory_ciphers */
    const char *exclude_ciphers;           /* smtpd_tls_exclude_ciphers */
    const char *mandatory_exclude_ciphers; /* smtpd_tls_mandatory_exclude_ciphers */
    const char *dh1024_param_file;         /* smtpd_tls_dh1024_param_file */
    const char *fingerprint_digest;        /* smtpd_tls_fingerprint_digest */
    bool enable_rpk;                       /* smtpd_tls_enable_rpk */
    const char *sni_maps;                  /* tls_server_sni_maps */
    const char *tlsmgr_service;            /* tlsmgr_service_name */
} SMTPD_TLS_SETTINGS;

/* SMTP AUTH settings (smtpd_sasl.c), bound with the rest (strings owned by the CONFIG). */
typedef struct SMTPD_SASL_SETTINGS {
    bool enable;                      /* smtpd_sasl_auth_enable */
    const char *type;                 /* smtpd_sasl_type: "cyrus" or "dovecot" */
    const char *path;                 /* smtpd_sasl_path */
    const char *service;              /* smtpd_sasl_service */
    const char *local_domain;         /* smtpd_sasl_local_domain */
    const char *security_options;     /* smtpd_sasl_security_options (checked) */
    const char *tls_security_options; /* smtpd_sasl_tls_security_options (checked) */
    bool authenticated_header;        /* smtpd_sasl_authenticated_header */
    const char *exceptions_networks;  /* smtpd_sasl_exceptions_networks */
    const char *mechanism_filter;     /* smtpd_sasl_mechanism_filter */
    int response_limit;               /* smtpd_sasl_response_limit, bytes */
    bool broken_clients;              /* broken_sasl_auth_clients: also "AUTH=" in EHLO */
    const char *config_path;          /* cyrus_sasl_config_path */
    const char *queue_directory;      /* base of a relative Dovecot socket path */
} SMTPD_SASL_SETTINGS;

typedef struct SMTPD_CONFIG {
    /* Who we are. */
    const char *myhostname; /* for replies and Received: */
    const char *mail_name;  /* "Postern" in Received: */
    const char *banner;     /* smtpd_banner, expanded */
    const char *service;    /* master.cf service name, for TLS caching */
    bool stand_alone;       /* sendmail -bs as a user: no TLS, no policy, maildrop */

    /* Protocol limits. */
    int timeout;              /* smtpd_timeout, seconds */
    int error_sleep_time;     /* smtpd_error_sleep_time, seconds */
    int soft_error_limit;     /* smtpd_soft_error_limit */
    int hard_error_limit;     /* smtpd_hard_error_limit */
    int recipient_limit;      /* smtpd_recipient_limit */
    int line_length_limit;    /* line_length_limit */
    long message_size_limit;  /* message_size_limit, 0: none */
    bool disable_vrfy;        /* disable_vrfy_command */
    bool helo_required;       /* smtpd_helo_required */
    bool forbid_unauth_pipe;  /* smtpd_forbid_unauth_pipelining */
    bool delay_reject;        /* smtpd_delay_reject */
    bool peername_lookup;     /* smtpd_peername_lookup */
    bool client_port_logging; /* smtpd_client_port_logging */
    bool strict_rfc821;       /* strict_rfc821_envelopes */
    bool requiretls_enable;   /* requiretls_enable: REQUIRETLS inside TLS (RFC 8689) */
    int discard_ehlo;         /* smtpd_discard_ehlo_keywords as EHLO_MASK_* bits */
    MAPS *discard_ehlo_maps;  /* smtpd_discard_ehlo_keyword_address_maps, or NULL; owned */
    ARGV *forbidden_commands; /* smtpd_forbidden_commands words, upper case; owned */

    /* The SMTP smuggling defence. */
    SMTPD_BARE_LF bare_lf;          /* smtpd_forbid_bare_newline */
    int bare_lf_reject_code;        /* smtpd_forbid_bare_newline_reject_code */
    MATCH_LIST *bare_lf_exclusions; /* smtpd_forbid_bare_newline_exclusions; owned */
    MAPS *command_filter;           /* smtpd_command_filter, or NULL; owned */
    REJECT_FOOTER *reject_footer;   /* smtpd_reject_footer(_maps), smtpd_expansion_filter; owned */

    /* Access policy (smtpd_check.h); owned. */
    SMTPD_CHECKS *checks;

    /* Unlisted senders and recipients (smtpd_unlisted.h); owned, or NULL. */
    RCPT_MAPS *rcpt_maps;

    /* Per-client connection and rate limits, junk commands (smtpd_limits.h). */
    SMTPD_LIMITS limits;

    /* Where mail goes. */
    const char *cleanup_service; /* "public/" + cleanup_service_name */
    const char *pickup_service;  /* pickup_service_name, woken after a maildrop file */
    int trigger_timeout;         /* trigger_timeout, seconds */
    const char *flush_service;   /* flush_service_name: ETRN (flush(8)) */
    int ipc_timeout;             /* ipc_timeout, seconds: the flush service */
    char *postdrop;              /* $command_directory/postdrop, owned */
    const char *config_dir;      /* the configuration directory, for postdrop */

    /* TLS. */
    SMTPD_TLS_LEVEL tls_level;       /* after use_tls/enforce_tls/wrappermode */
    bool tls_wrappermode;            /* smtpd_tls_wrappermode: handshake before the greeting */
    bool tls_ask_ccert;              /* smtpd_tls_ask_ccert */
    bool tls_req_ccert;              /* smtpd_tls_req_ccert, only at level encrypt */
    bool tls_auth_only;              /* smtpd_tls_auth_only (forced on by encrypt) */
    bool tls_received_header;        /* smtpd_tls_received_header */
    int starttls_timeout;            /* smtpd_starttls_timeout, seconds */
    SMTPD_TLS_SETTINGS tls_settings; /* for smtpd_tls_server_init() */
    SMTPD_TLS_SERVER *tls;           /* the server context, NULL when TLS is unavailable; owned */

    /* SMTP AUTH. */
    SMTPD_SASL_SETTINGS sasl_settings; /* the smtpd_sasl_* parameters */
    MATCH_LIST *sasl_exceptions;       /* smtpd_sasl_exceptions_networks, or NULL; owned */
    MATCH_LIST *sasl_mechanism_filter; /* smtpd_sasl_mechanism_filter, or NULL; owned */
    SASL_SERVER_IMPL *sasl;            /* the back end, NULL when AUTH is off; owned */

    /* Milters (smtpd_milter.c). */
    MATCH_LIST *xforward_hosts;       /* smtpd_authorized_xforward_hosts, or NULL; owned */
    MATCH_LIST *xclient_hosts;        /* smtpd_authorized_xclient_hosts, or NULL; owned */
    const char *content_filter;       /* content_filter: FILTER of every message, or "" */
    int receive_override;             /* receive_override_options as RECEIVE_* bits */
    const char *milters;              /* smtpd_milters, checked */
    const char *milter_maps_names;    /* smtpd_milter_maps */
    MAPS *milter_maps;                /* its tables, or NULL; owned */
    const char *milter_header_checks; /* milter_header_checks */
    MAPS *milter_header_maps;         /* its tables, or NULL; owned */
    MILTER_SETTINGS milter_settings;  /* the milter_* parameters */
} SMTPD_CONFIG;

extern SMTPD_CONFIG *smtpd_config_init(CONFIG *config, const char *service, bool stand_alone);
extern void smtpd_config_free(SMTPD_CONFIG *cfg);
extern int smtpd_config_bare_lf(const char *value, SMTPD_BARE_LF *out_mode);
extern int smtpd_config_tls_level(const char *level, bool use_tls, bool enforce_tls,
                                  bool wrappermode, SMTPD_TLS_LEVEL *out_level);

#endif
