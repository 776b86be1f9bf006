/*
 * smtp.h - the SMTP client: shared types
 *
 * The smtp delivery agent serves the "smtp" and "relay" transports. For
 * one delivery request (deliver_request.h) it finds the servers of the
 * next hop (smtp_nexthop.h, smtp_dns.h), connects to them in turn
 * (smtp_connect.c), speaks SMTP with each (smtp_proto.c, smtp_chat.c,
 * smtp_data.c) with STARTTLS as the TLS policy demands
 * (smtp_tls_policy.h, smtp_starttls.c) and SMTP AUTH where configured
 * (smtp_sasl.c), and records each recipient's outcome (smtp_trouble.c).
 *
 * The same program is the LMTP client (RFC 2033) when it runs under the
 * name "lmtp": LHLO instead of EHLO, "unix:" destinations, no MX lookups,
 * one reply per accepted recipient after the message, and the lmtp_*
 * parameters in place of the smtp_* ones (SMTP_CONFIG.lmtp).
 *
 * SMTP_CONFIG holds what main.cf says; smtp.c fills it once. SMTP_STATE
 * lives for one request, SMTP_SESSION for one connection.
 */
#ifndef SMTP_H
#define SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "argv.h"
#include "events.h"
#include "vstream.h"
#include "vstring.h"

#include "deliver_request.h"
#include "dns_resolver.h"
#include "maps.h"
#include "match_list.h"
#include "resolve_rcpt.h"

#include "sasl_client.h"
#include "sts_mgr.h"

#include "tls.h"
#include "tls_client.h"

#include "smtp_dns.h"
#include "smtp_nexthop.h"
#include "smtp_requiretls.h"
#include "smtp_tlsa.h"
#include "smtp_tls_policy.h"
#include "smtp_tlsrpt.h"

/* The client TLS engine's settings (bound by smtp.c, used by smtp_tls_init()). */
typedef struct SMTP_TLS_ENGINE {
    TLS_PARAMS params;                     /* the global tls_* parameters */
    const char *loglevel;                  /* smtp_tls_loglevel */
    int verifydepth;                       /* smtp_tls_scert_verifydepth */
    int session_cache_timeout;             /* smtp_tls_session_cache_timeout, seconds */
    const char *session_cache_database;    /* smtp_tls_session_cache_database */
    const char *tlsmgr_service;            /* tlsmgr_service_name */
    const char *capability_cache_database; /* smtp_tls_capability_cache_database */
    int capability_cache_timeout;          /* smtp_tls_capability_cache_timeout, seconds */
    const char *chain_files;               /* smtp_tls_chain_files */
    const char *cert_file;                 /* smtp_tls_cert_file */
    const char *key_file;                  /* smtp_tls_key_file */
    const char *dcert_file;                /* smtp_tls_dcert_file */
    const char *dkey_file;                 /* smtp_tls_dkey_file */
    const char *eccert_file;               /* smtp_tls_eccert_file */
    const char *eckey_file;                /* smtp_tls_eckey_file */
    const char *CAfile;                    /* smtp_tls_CAfile */
    const char *CApath;                    /* smtp_tls_CApath */
    const char *fingerprint_digest;        /* smtp_tls_fingerprint_digest */
    const char *protocols;                 /* smtp_tls_protocols */
    const char *mandatory_protocols;       /* smtp_tls_mandatory_protocols */
    const char *ciphers;                   /* smtp_tls_ciphers */
    const char *mandatory_ciphers;         /* smtp_tls_mandatory_ciphers */
    const char *exclude_ciphers;           /* smtp_tls_exclude_ciphers */
    const char *mandatory_exclude_ciphers; /* smtp_tls_mandatory_exclude_ciphers */
    const char *dane_digests;              /* tls_dane_digests */
} SMTP_TLS_ENGINE;

/* SMTP AUTH settings (bound by smtp.c; the tables and back end made by smtp_sasl_init()). */
typedef struct SMTP_SASL_CONFIG {
    bool lmtp;                                 /* LMTP mode: lmtp_* parameter names in texts */
    bool auth_enable;                          /* smtp_sasl_auth_enable */
    bool auth_soft_bounce;                     /* smtp_sasl_auth_soft_bounce */
    bool sender_dependent;                     /* smtp_sender_dependent_authentication */
    const char *password_maps_names;           /* smtp_sasl_password_maps */
    const char *security_options;              /* smtp_sasl_security_options */
    const char *tls_security_options;          /* smtp_sasl_tls_security_options */
    const char *tls_verified_security_options; /* smtp_sasl_tls_verified_security_options */
    const char *mechanism_filter_names;        /* smtp_sasl_mechanism_filter */
    const char *type;                          /* smtp_sasl_type */
    const char *path;                          /* smtp_sasl_path */
    const char *recipient_delimiter;           /* recipient_delimiter, NULL when empty */
    MAPS *password_maps;                       /* the tables, owned, or NULL */
    MATCH_LIST *mechanism_filter;              /* the filter, owned, or NULL: all */
    SASL_CLIENT_IMPL *impl;                    /* the back end, owned, or NULL */
} SMTP_SASL_CONFIG;

/* MTA-STS (bound by smtp.c; smtp_sts.c). */
typedef struct SMTP_STS_CONFIG {
    bool enable;         /* smtp_tls_mta_sts_enable (never in LMTP mode) */
    const char *service; /* mta_sts_service_name */
    const char *CAfile;  /* mta_sts_CAfile: trusted CAs for MX hosts under a policy */
    int fetch_timeout;   /* mta_sts_fetch_timeout, seconds (bounds the wait for mtasts) */
} SMTP_STS_CONFIG;

/* The MTA-STS policy of a request's next hop (smtp_sts.c), looked up at most once. */
typedef struct SMTP_STS {
    bool looked;           /* the lookup was done (or is not wanted) */
    STS_MGR_RESULT result; /* mtasts's answer; result.policy NULL: no policy */
} SMTP_STS;

/* Generic mapping of outgoing addresses (smtp_generic.c); opened by smtp_generic_open(). The
 * LMTP client binds lmtp_generic_maps into the same field. */
typedef struct SMTP_GENERIC_CONFIG {
    const char *maps_names;      /* smtp_generic_maps, lmtp_generic_maps */
    const char *myorigin;        /* myorigin: its "user" keys are tried */
    const char *propagate_names; /* propagate_unmatched_extensions */
    RESOLVE_SETTINGS local;      /* mydestination, inet_interfaces, ...: local domains */
    MAPS *maps;                  /* the tables, owned, or NULL: no mapping */
    RESOLVE_PROPS resolve;       /* the local domains, owned when maps is set */
    bool propagate;              /* "generic" in propagate_unmatched_extensions */
} SMTP_GENERIC_CONFIG;

/* Content inspection while sending (smtp_checks.c); tables opened by smtp_checks_open(). The
 * LMTP client binds the lmtp_* names into the same fields. */
typedef struct SMTP_CHECKS_CONFIG {
    const char *header_checks;        /* smtp_header_checks */
    const char *mime_header_checks;   /* smtp_mime_header_checks */
    const char *nested_header_checks; /* smtp_nested_header_checks */
    const char *body_checks;          /* smtp_body_checks */
    MAPS *header_maps;                /* the tables, owned, or NULL */
    MAPS *mime_header_maps;
    MAPS *nested_header_maps;
    MAPS *body_maps;
    const SMTP_GENERIC_CONFIG *generic; /* header address mapping first, not owned */
} SMTP_CHECKS_CONFIG;

/* Receives what the checks let through: a line or piece (partial: it goes on). */
typedef void (*SMTP_CHECKS_OUT_FN)(void *context, const char *data, size_t len, int partial);

typedef struct SMTP_CHECKS SMTP_CHECKS;

/* What main.cf says (bound by smtp.c; strings owned by the CONFIG). */
typedef struct SMTP_CONFIG {
    bool lmtp;                /* LMTP mode: the program runs as "lmtp" */
    const char *protocol;     /* "SMTP" or "LMTP", for texts */
    const char *myhostname;   /* myhostname */
    const char *helo_name;    /* smtp_helo_name, lmtp_lhlo_name */
    const char *tcp_port;     /* smtp_tcp_port */
    const char *host_lookup;  /* smtp_host_lookup: dns, native */
    const char *dns_support;  /* smtp_dns_support_level: "", disabled, enabled, dnssec */
    bool disable_dns_lookups; /* disable_dns_lookups: "disabled" when dns_support is empty */
    int dns_level;            /* the above, parsed: SMTP_DNS_LEVEL_* */
    DNS_RESOLVER_PROPS resolver_props; /* smtp_dns_resolver, _trust_anchor_file, _forwarders */
    DNS_RESOLVER *resolver;       /* every DNS lookup, made by smtp_pre_jail(); owned, or NULL */
    const char *dane_insecure_mx; /* smtp_tls_dane_insecure_mx_policy */
    int connect_timeout;          /* smtp_connect_timeout, seconds */
    int helo_timeout;             /* smtp_helo_timeout */
    int mail_timeout;             /* smtp_mail_timeout */
    int rcpt_timeout;             /* smtp_rcpt_timeout */
    int data_init_timeout;        /* smtp_data_init_timeout */
    int data_xfer_timeout;        /* smtp_data_xfer_timeout */
    int data_done_timeout;        /* smtp_data_done_timeout */
    int quit_timeout;             /* smtp_quit_timeout */
    int starttls_timeout;         /* smtp_starttls_timeout */
    int mx_address_limit;         /* smtp_mx_address_limit, 0: none */
    int mx_session_limit;         /* smtp_mx_session_limit, 0: none */
    int line_length_limit;        /* smtp_line_length_limit, 0: none */
    int minimal_backoff_time;     /* minimal_backoff_time: plaintext fallback age */
    bool skip_5xx_greeting;       /* smtp_skip_5xx_greeting */
    bool always_send_ehlo;        /* smtp_always_send_ehlo */
    bool never_send_ehlo;         /* smtp_never_send_ehlo */
    bool skip_quit_response;      /* smtp_skip_quit_response */
    bool randomize_addresses;     /* smtp_randomize_addresses */
    bool quote_rfc821_envelope;   /* smtp_quote_rfc821_envelope */
    bool send_xforward;           /* smtp_send_xforward_command */
    int xforward_timeout;         /* smtp_xforward_timeout, seconds */
    bool tls_wrappermode;         /* smtp_tls_wrappermode */
    bool tls_connection_reuse;    /* smtp_tls_connection_reuse: handshakes through tlsproxy(8) */
    const char *tlsproxy_service; /* tlsproxy_service_name */
    bool tls_note_starttls_offer; /* smtp_tls_note_starttls_offer */
    bool assume_final;            /* lmtp_assume_final: DSN "delivered", not "relayed" */
    bool cache_on_demand;         /* smtp_connection_cache_on_demand */
    const char *cache_dests;      /* smtp_connection_cache_destinations */
    int cache_time_limit;         /* smtp_connection_cache_time_limit, seconds */
    int reuse_count_limit;        /* smtp_connection_reuse_count_limit, 0: none */
    int reuse_time_limit;         /* smtp_connection_reuse_time_limit, seconds */
    int rset_timeout;             /* smtp_rset_timeout */
    SMTP_TLS_CONFIG tls;          /* level and policy settings */
    SMTP_TLS_ENGINE tls_engine;   /* the TLS engine's settings */
    SMTP_SASL_CONFIG sasl;        /* SMTP AUTH */
    SMTP_CHECKS_CONFIG checks;    /* smtp_header_checks, smtp_body_checks, ... */
    SMTP_GENERIC_CONFIG generic;  /* smtp_generic_maps */
    SMTP_REQUIRETLS_CONFIG requiretls; /* REQUIRETLS and TLS-Required: no */
    SMTP_TLSRPT_CONFIG tlsrpt;         /* smtp_tlsrpt_* */
    bool log_tls_feature_status;       /* smtp_log_tls_feature_status */
    SMTP_STS_CONFIG sts;               /* MTA-STS */
    const char *discard_ehlo;          /* smtp_discard_ehlo_keywords, lmtp_discard_lhlo_keywords */
    const char *discard_ehlo_maps_names; /* smtp_discard_ehlo_keyword_address_maps */
    MAPS *discard_ehlo_maps;             /* the above, opened by smtp_pre_jail(), or NULL */
    TLS_APPL_STATE *tls_ctx;             /* client TLS engine, NULL: none; owned */
} SMTP_CONFIG;

/* smtp_dns_support_level, parsed. */
#define SMTP_DNS_LEVEL_DISABLED 0 /* no MX lookups, native address lookups */
#define SMTP_DNS_LEVEL_ENABLED  1 /* MX lookups */
#define SMTP_DNS_LEVEL_DNSSEC   2 /* MX and address lookups with their DNSSEC status */

/* One recipient's progress within a request. */
#define SMTP_RCPT_PENDING  0 /* not yet tried, or soft failure: try the next server */
#define SMTP_RCPT_FINAL    1 /* outcome recorded (sent, bounced) */
#define SMTP_RCPT_ACCEPTED 2 /* this session: RCPT accepted, awaiting DATA */
#define SMTP_RCPT_SKIP     3 /* not ours to deliver (done before the request) */

typedef struct SMTP_RCPT {
    int status;    /* SMTP_RCPT_* */
    char *dsn;     /* last soft failure: status, owned, or NULL */
    char *reason;  /* last soft failure: text, owned, or NULL */
    char *relay;   /* last soft failure: relay, owned, or NULL */
    char *address; /* the address sent, when generic mapping changed it: owned, or NULL */
} SMTP_RCPT;

/* One delivery request. */
typedef struct SMTP_STATE {
    SMTP_CONFIG *config;      /* not owned */
    DELIVER_REQUEST *request; /* not owned */
    SMTP_DEST dest;           /* parsed next hop, owned */
    SMTP_RCPT *rcpts;         /* one per request recipient, owned */
    long long size;           /* message content size */
    const char *encoding;     /* message encoding attribute, or NULL */
    bool reached_xfer;        /* some server got as far as MAIL FROM */
    VSTRING *site_reason;     /* the last failure of a server as a whole, owned */
    double conn_delay;        /* connection set-up seconds, for delays= */
    int requiretls;           /* SMTP_REQUIRETLS_* of the message at this next hop */
    bool tls_required_no;     /* TLS-Required: no is in force (smtp_requiretls_relax()) */
    int tls_wanted;           /* server tried last: the policy's level (smtp_tls_feature.c) */
    int tls_level;            /* server tried last: the level in force */
    bool tls_decided;         /* server tried last: the session got past the TLS decision */
    bool tls_noted;           /* the above are set */
    SMTP_STS sts;             /* MTA-STS policy of the next hop, owned (smtp_sts.c) */
    char *sender;             /* the sender sent, when generic mapping changed it: owned, or NULL */
} SMTP_STATE;

/* Server features learned from EHLO. */
#define SMTP_FEATURE_ESMTP      (1 << 0)
#define SMTP_FEATURE_PIPELINING (1 << 1)
#define SMTP_FEATURE_SIZE       (1 << 2)
#define SMTP_FEATURE_8BITMIME   (1 << 3)
#define SMTP_FEATURE_STARTTLS   (1 << 4)
#define SMTP_FEATURE_DSN        (1 << 5)
#define SMTP_FEATURE_REQUIRETLS (1 << 6) /* RFC 8689, counted only inside TLS */
#define SMTP_FEATURE_XFORWARD   (1 << 7)

/* XFORWARD attributes that a server announced (SMTP_SESSION.xforward). */
#define SMTP_XFORWARD_NAME   (1 << 0)
#define SMTP_XFORWARD_ADDR   (1 << 1)
#define SMTP_XFORWARD_PORT   (1 << 2)
#define SMTP_XFORWARD_PROTO  (1 << 3)
#define SMTP_XFORWARD_HELO   (1 << 4)
#define SMTP_XFORWARD_IDENT  (1 << 5)
#define SMTP_XFORWARD_SOURCE (1 << 6)
#define SMTP_XFORWARD_LOGIN  (1 << 7)

/* One parsed server reply. */
typedef struct SMTP_RESP {
    int code;      /* 3-digit reply code, 0 when none could be read */
    char dsn[16];  /* enhanced status code, or "X.0.0" from the code */
    VSTRING *text; /* all lines, joined with a space */
    ARGV *lines;   /* the lines, each with its code */
} SMTP_RESP;

/* One connection. */
typedef struct SMTP_SESSION {
    SMTP_STATE *state;      /* not owned */
    VSTREAM *stream;        /* the connection, owned */
    char *host;             /* server host name (or the address), owned */
    char *rname;            /* the name its CNAMEs lead to (DNS lookups), owned, or NULL */
    char *addr;             /* server address text, owned */
    unsigned port;          /* server port */
    char *namaddr;          /* "host[addr]" for texts, owned */
    char *relay;            /* "host[addr]:port" for relay= and TLS logging, owned */
    SMTP_TLS_POLICY policy; /* TLS policy for this server, owned */
    int tls_level;          /* level in force: policy level, or none after fallback */
    int tls_wanted;         /* the policy's level before DANE and other fallbacks */
    SMTP_TLSA_LIST tlsa;    /* DANE levels: the server's usable TLSA records, owned */
    SMTP_TLSRPT tlsrpt;     /* the TLSRPT policy and whether the result is recorded, owned */
    bool addr_secure;       /* the address records were DNSSEC-validated */
    bool mx_secure;         /* the MX RRset was validated (or no MX lookup) */
    TLS_SESS_STATE *tls;    /* TLS session, owned, or NULL */
    int features;           /* SMTP_FEATURE_* */
    int xforward;           /* SMTP_XFORWARD_* the server announced */
    long long size_limit;   /* SIZE from EHLO, 0: none */
    SMTP_RESP resp;         /* last reply, owned */
    const char *doing;      /* what we were doing, for lost connection texts */
    bool broken;            /* the connection cannot be used any more */
    bool reply_late;        /* a reply missed its deadline (a timeout) */
    bool tls_failed;        /* STARTTLS handshake failed: fallback candidate */
    bool tls_done;          /* a TLS handshake completed */
    bool pq_suspect;        /* it failed after a post-quantum ClientHello, no ServerHello */
    bool tls12_retry_ok;    /* it failed after a TLS 1.3 ClientHello, and 1.2 is allowed */
    bool tls12_max;         /* this session offers TLS 1.2 at most */
    char *reuse_key;        /* connection cache key (smtp_cache.c), owned, or NULL */
    bool cacheable;         /* keep the connection after this transaction (RSET, no QUIT) */
    bool kept;              /* RSET got 250: the connection may be cached */
    bool mail_accepted;     /* this transaction's MAIL FROM got 2xx */
    int use_count;          /* transactions on this connection, this one included */
    long long created;      /* connect time, deliver_time_now() microseconds */
    VSTRING *log_relay;     /* relay= text, with ", conn_use=N" on reuse, owned */
    char *sasl_username;    /* SMTP AUTH name for this server and request, owned, or NULL */
    char *sasl_password;    /* its password, owned, wiped when freed, or NULL */
    char *sasl_mechs;       /* mechanisms of the EHLO AUTH keyword, owned, or NULL */
    bool sasl_mechs_old;    /* sasl_mechs came from the "AUTH=" form */
    int sts_mode;           /* MTA-STS mode applied to this server: STS_MODE_*, NONE: none */
} SMTP_SESSION;

/* The name of a parameter as the client's mode spells it, for texts. */
#define SMTP_PARAM(config, NAME) ((config)->lmtp ? VAR_LMTP_##NAME : VAR_SMTP_##NAME)

/* Results of the session steps. */
#define SMTP_OK   0    /* go on */
#define SMTP_FAIL (-1) /* this server failed; the reason is recorded */

/* smtp_connect.c */
extern int smtp_deliver(SMTP_STATE *state);

#define SMTP_DELIVER_DONE 0 /* recipients have their outcomes */
#define SMTP_DELIVER_DEAD 1 /* no server was usable: the next hop is unusable for now */

extern void smtp_session_free(SMTP_SESSION *session, bool failure);

/* smtp_proto.c */
extern int smtp_session_run(SMTP_SESSION *session);
extern int smtp_session_reuse(SMTP_SESSION *session);

/* smtp_cache.c */
extern void smtp_cache_init(EVENT_LOOP *loop);
extern char *smtp_cache_key(const SMTP_STATE *state, const SMTP_TLS_POLICY *policy, int level,
                            const char *host, int dane_level, const SMTP_TLSA_LIST *tlsa,
                            const char *sasl_username, const char *sasl_password);
extern bool smtp_cache_wanted(const SMTP_SESSION *session);
extern SMTP_SESSION *smtp_cache_take(SMTP_STATE *state);
extern void smtp_cache_save(SMTP_SESSION *session);
extern void smtp_cache_close(void);
extern const char *smtp_session_relay(SMTP_SESSION *session);

/* smtp_dane.c */
extern int smtp_dane_level(const SMTP_STATE *state, const SMTP_ADDR *addr, SMTP_TLS_POLICY *policy,
                           SMTP_TLSA_LIST *out_tlsa);

/* smtp_sts.c */
extern int smtp_sts_dane_level(SMTP_STATE *state, const SMTP_ADDR *addr, SMTP_TLS_POLICY *policy,
                               SMTP_TLSA_LIST *out_tlsa, int *out_wanted);
extern int smtp_sts_level(SMTP_STATE *state, const char *host, const char *addr,
                          SMTP_TLS_POLICY *policy, int level, int *out_mode);
extern void smtp_sts_handshake(SMTP_SESSION *session);
extern void smtp_sts_verdict(SMTP_STATE *state, const char *host, const char *addr, int mode,
                             const char *failure, const char *reason);
extern void smtp_sts_tlsrpt(SMTP_STATE *state, const SMTP_ADDR *addr, SMTP_TLSRPT *rpt,
                            int sts_mode);
extern void smtp_sts_free(SMTP_STATE *state);

/* smtp_chat.c */
extern int smtp_chat_cmd(SMTP_SESSION *session, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern int smtp_chat_cmd_hidden(SMTP_SESSION *session, const char *shown, const char *line);
extern int smtp_chat_flush(SMTP_SESSION *session);
extern int smtp_chat_resp(SMTP_SESSION *session, int timeout);
extern void smtp_chat_parse_dsn(SMTP_RESP *resp, const char *first_line);
extern void smtp_chat_quit_end(SMTP_SESSION *session, bool wait);
extern bool smtp_chat_input_pending(SMTP_SESSION *session);
extern void smtp_session_lost(SMTP_SESSION *session);

/* smtp_xfer.c */
extern int smtp_xfer(SMTP_SESSION *session);

/* smtp_checks.c */
extern void smtp_checks_open(SMTP_CHECKS_CONFIG *checks, bool lmtp);
extern bool smtp_checks_wanted(const SMTP_CHECKS_CONFIG *checks);
extern SMTP_CHECKS *smtp_checks_start(const SMTP_CHECKS_CONFIG *checks, const char *queue_id,
                                      SMTP_CHECKS_OUT_FN out, void *context);
extern void smtp_checks_line(SMTP_CHECKS *checks, const char *data, size_t len, int partial);
extern SMTP_CHECKS *smtp_checks_finish(SMTP_CHECKS *checks);

/* smtp_generic.c */
extern void smtp_generic_open(SMTP_GENERIC_CONFIG *generic, bool lmtp);
extern int smtp_generic_state(SMTP_STATE *state, VSTRING *why);
extern bool smtp_generic_header(const SMTP_GENERIC_CONFIG *generic, const char *text, size_t len,
                                VSTRING *out);

/* smtp_data.c */
extern int smtp_data_send(SMTP_SESSION *session);

/* smtp_starttls.c */
extern void smtp_tls_init_props(const SMTP_CONFIG *config, TLS_CLIENT_INIT_PROPS *props);
extern TLS_APPL_STATE *smtp_tls_init(SMTP_CONFIG *config);
extern int smtp_starttls_wanted(SMTP_SESSION *session);
extern int smtp_starttls(SMTP_SESSION *session);
extern int smtp_tls_wrapper(SMTP_SESSION *session);
extern void smtp_tls_end(SMTP_SESSION *session, bool failure);

/* smtp_tlsproxy.c */
extern bool smtp_tlsproxy_wanted(const SMTP_SESSION *session);
extern int smtp_tlsproxy_start(SMTP_SESSION *session, const TLS_CLIENT_START_PROPS *props);

/* smtp_tls_feature.c */
extern void smtp_tls_feature_note(SMTP_STATE *state, int wanted, int level, bool decided);
extern void smtp_tls_feature_session(SMTP_SESSION *session, bool decided);
extern const char *smtp_tls_feature_text(const SMTP_STATE *state, bool violation, VSTRING *buf);

/* smtp_tls_caps.c */
#define SMTP_TLS_CAP_PQ    (1 << 0) /* fails a post-quantum ClientHello */
#define SMTP_TLS_CAP_TLS13 (1 << 1) /* fails TLS 1.3, TLS 1.2 works */
#define SMTP_TLS_CAP_NOTLS (1 << 2) /* offers STARTTLS, fails every handshake */
extern int smtp_tls_caps_lookup(SMTP_STATE *state, const char *host, unsigned port);
extern void smtp_tls_caps_note(SMTP_STATE *state, const char *host, unsigned port, int cap);

/* smtp_sasl.c */
extern void smtp_sasl_init(SMTP_SASL_CONFIG *sasl);
extern int smtp_sasl_lookup(const SMTP_STATE *state, const char *host, char **out_username,
                            char **out_password);
extern void smtp_sasl_key(const char *username, const char *password, VSTRING *key);
extern void smtp_sasl_ehlo(SMTP_SESSION *session, const char *line);
extern int smtp_sasl_login(SMTP_SESSION *session);
extern void smtp_sasl_forget(SMTP_SESSION *session);

/* smtp_trouble.c */
extern void smtp_site_fail(SMTP_STATE *state, const char *relay, const char *dsn,
                           const char *format, ...) __attribute__((format(printf, 4, 5)));
extern void smtp_resp_fail(SMTP_SESSION *session, const char *command);
extern void smtp_rcpt_fail(SMTP_SESSION *session, size_t index, const char *command);
extern void smtp_rcpt_sent(SMTP_SESSION *session, size_t index);
extern size_t smtp_rcpt_pending(const SMTP_STATE *state);
extern void smtp_rcpt_finish(SMTP_STATE *state);

#endif
