/*
 * tlsproxy.h - the TLS proxy daemon: settings and the relay
 *
 *	tlsproxy.c	  the service: the request, the peer's socket, the
 *			  handshake with the server context built from the
 *			  tlsproxy_tls_* parameters before privileges are
 *			  dropped, the log lines
 *	tlsproxy_client.c the client role for the smtp client's TLS
 *			  connection reuse: engines by settings, the
 *			  handshake, the facts sent back
 *	tlsproxy_relay.c  plaintext to and from the TLS session until
 *			  either side ends
 */
#ifndef TLSPROXY_H
#define TLSPROXY_H

#include <stdbool.h>

#include "tls.h"
#include "tls_proxy.h"

/* The client role's pre-built engine, bound from main.cf (strings owned by the CONFIG). */
typedef struct TLSPROXY_CLIENT_CONFIG {
    const char *security_level;            /* tlsproxy_client_security_level */
    bool use_tls;                          /* tlsproxy_client_use_tls */
    bool enforce_tls;                      /* tlsproxy_client_enforce_tls */
    const char *per_site;                  /* tlsproxy_client_per_site */
    const char *policy_maps;               /* tlsproxy_client_policy_maps */
    const char *loglevel;                  /* tlsproxy_client_loglevel */
    const char *loglevel_parameter;        /* tlsproxy_client_loglevel_parameter */
    int verifydepth;                       /* tlsproxy_client_scert_verifydepth */
    const char *chain_files;               /* tlsproxy_client_chain_files */
    const char *cert_file;                 /* tlsproxy_client_cert_file */
    const char *key_file;                  /* tlsproxy_client_key_file */
    const char *dcert_file;                /* tlsproxy_client_dcert_file */
    const char *dkey_file;                 /* tlsproxy_client_dkey_file */
    const char *eccert_file;               /* tlsproxy_client_eccert_file */
    const char *eckey_file;                /* tlsproxy_client_eckey_file */
    const char *CAfile;                    /* tlsproxy_client_CAfile */
    const char *CApath;                    /* tlsproxy_client_CApath */
    const char *fingerprint_digest;        /* tlsproxy_client_fingerprint_digest */
    const char *session_cache_database;    /* smtp_tls_session_cache_database */
    int session_cache_timeout;             /* smtp_tls_session_cache_timeout, seconds */
    const char *protocols;                 /* smtp_tls_protocols */
    const char *mandatory_protocols;       /* smtp_tls_mandatory_protocols */
    const char *ciphers;                   /* smtp_tls_ciphers */
    const char *mandatory_ciphers;         /* smtp_tls_mandatory_ciphers */
    const char *exclude_ciphers;           /* smtp_tls_exclude_ciphers */
    const char *mandatory_exclude_ciphers; /* smtp_tls_mandatory_exclude_ciphers */
    const char *dane_digests;              /* tls_dane_digests */
} TLSPROXY_CLIENT_CONFIG;

/* The server role's settings, bound from main.cf (strings owned by the CONFIG). */
typedef struct TLSPROXY_CONFIG {
    TLS_PARAMS params;                     /* the global tls_* parameters */
    const char *security_level;            /* tlsproxy_tls_security_level */
    bool use_tls;                          /* tlsproxy_use_tls */
    bool enforce_tls;                      /* tlsproxy_enforce_tls */
    int level;                             /* the effective level: TLS_LEV_NONE, _MAY, _ENCRYPT */
    const char *loglevel;                  /* tlsproxy_tls_loglevel */
    int verifydepth;                       /* tlsproxy_tls_ccert_verifydepth */
    int session_cache_timeout;             /* tlsproxy_tls_session_cache_timeout, seconds */
    bool always_issue_session_ids;         /* tlsproxy_tls_always_issue_session_ids */
    bool ask_ccert;                        /* tlsproxy_tls_ask_ccert */
    bool req_ccert;                        /* tlsproxy_tls_req_ccert (at encrypt only) */
    const char *chain_files;               /* tlsproxy_tls_chain_files */
    const char *cert_file;                 /* tlsproxy_tls_cert_file */
    const char *key_file;                  /* tlsproxy_tls_key_file */
    const char *dcert_file;                /* tlsproxy_tls_dcert_file */
    const char *dkey_file;                 /* tlsproxy_tls_dkey_file */
    const char *eccert_file;               /* tlsproxy_tls_eccert_file */
    const char *eckey_file;                /* tlsproxy_tls_eckey_file */
    const char *CAfile;                    /* tlsproxy_tls_CAfile */
    const char *CApath;                    /* tlsproxy_tls_CApath */
    const char *protocols;                 /* tlsproxy_tls_protocols */
    const char *mandatory_protocols;       /* tlsproxy_tls_mandatory_protocols */
    const char *ciphers;                   /* tlsproxy_tls_ciphers */
    const char *mandatory_ciphers;         /* tlsproxy_tls_mandatory_ciphers */
    const char *exclude_ciphers;           /* tlsproxy_tls_exclude_ciphers */
    const char *mandatory_exclude_ciphers; /* tlsproxy_tls_mandatory_exclude_ciphers */
    const char *dh1024_param_file;         /* tlsproxy_tls_dh1024_param_file */
    const char *fingerprint_digest;        /* tlsproxy_tls_fingerprint_digest */
    int watchdog_timeout;                  /* tlsproxy_watchdog_timeout, seconds */
    const char *tlsmgr_service;            /* tlsmgr_service_name */
    bool enable_rpk;                       /* tlsproxy_tls_enable_rpk */
    const char *sni_maps;                  /* tls_server_sni_maps */
    TLSPROXY_CLIENT_CONFIG client;         /* the client role */
} TLSPROXY_CONFIG;

/* How a relay ended. */
#define TLSPROXY_RELAY_PLAIN_EOF  0 /* the user closed: send close_notify */
#define TLSPROXY_RELAY_TLS_EOF    1 /* the peer ended the TLS session */
#define TLSPROXY_RELAY_IDLE       2 /* nothing moved within the idle limit */
#define TLSPROXY_RELAY_PLAIN_FAIL 3 /* the user connection failed */
#define TLSPROXY_RELAY_TLS_FAIL   4 /* the TLS session or the peer connection failed */

/* One request (tlsproxy_proto.h). */
typedef struct TLSPROXY_REQUEST {
    VSTRING *endpoint;       /* "[addr]:port" or "host[addr]:port" */
    VSTRING *serverid;       /* session cache id */
    int flags;               /* TLSPROXY_FLAG_* */
    int timeout;             /* handshake time limit, seconds */
    int idle_timeout;        /* client role: idle limit, seconds */
    TLS_PROXY_CLIENT client; /* client role: the settings, owned */
} TLSPROXY_REQUEST;

extern void tlsproxy_client_pre_jail(const TLSPROXY_CONFIG *cfg);
extern TLS_APPL_STATE *tlsproxy_client_engine(const TLSPROXY_CONFIG *cfg, TLSPROXY_REQUEST *req);
extern void tlsproxy_client_session(const TLSPROXY_CONFIG *cfg, VSTREAM *stream,
                                    TLSPROXY_REQUEST *req, TLS_APPL_STATE *ctx, int peer_fd);

extern int tlsproxy_relay(TLS_SESS_STATE *tls, int plain_fd, int peer_fd, int idle_ms, int io_ms);
extern const char *tlsproxy_relay_str(int status);

#endif
