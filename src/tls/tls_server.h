/*
 * tls_server.h - the server TLS engine
 *
 * A daemon builds one context with tls_server_init() before it serves
 * connections (and before it drops privileges: keys are read here), then
 * per connection calls tls_server_start() after "220 2.0.0 Ready to start
 * TLS" has been flushed and the stream purged, and tls_server_stop() at
 * the end. A NULL context means TLS is unavailable ("454 4.7.0 TLS not
 * available due to local problem"); the reason has been logged once.
 */
#ifndef TLS_SERVER_H
#define TLS_SERVER_H

#include <stdbool.h>

#include "vstream.h"
#include "tls.h"
#include "tls_transport.h"

typedef struct TLS_SERVER_INIT_PROPS {
    const TLS_PARAMS *params;      /* global tls_* settings, NULL: defaults */
    const char *param_prefix;      /* "smtpd", "tlsproxy", ...: parameter names in messages */
    const char *log_param;         /* name of the log level parameter */
    const char *log_level;         /* smtpd_tls_loglevel value */
    int verifydepth;               /* smtpd_tls_ccert_verifydepth */
    const char *cache_type;        /* "smtpd" */
    int session_timeout;           /* seconds; <= 0: no session cache, no tickets */
    bool set_sessid;               /* smtpd_tls_always_issue_session_ids */
    const char *chain_files;       /* smtpd_tls_chain_files */
    const char *cert_file;         /* smtpd_tls_cert_file, or "none" */
    const char *key_file;          /* smtpd_tls_key_file */
    const char *dcert_file;        /* smtpd_tls_dcert_file */
    const char *dkey_file;         /* smtpd_tls_dkey_file */
    const char *eccert_file;       /* smtpd_tls_eccert_file */
    const char *eckey_file;        /* smtpd_tls_eckey_file */
    const char *CAfile;            /* smtpd_tls_CAfile: trust and CA name list */
    const char *CApath;            /* smtpd_tls_CApath */
    const char *protocols;         /* the (mandatory_)protocols in force */
    const char *cipher_grade;      /* the (mandatory_)ciphers grade in force */
    const char *cipher_exclusions; /* exclude_ciphers (+ mandatory_exclude_ciphers) */
    const char *dh1024_param_file; /* smtpd_tls_dh1024_param_file */
    const char *mdalg;             /* smtpd_tls_fingerprint_digest */
    bool ask_ccert;                /* request client certificates */
    bool enable_rpk;               /* ask for client raw public keys (smtpd_tls_enable_rpk) */
    const char *serverid;          /* service name (master.cf), for caching */
    /* tls_server_sni_maps: PEM key+chain for an SNI name, NULL if none; *error on failure */
    const char *(*sni_lookup)(void *context, const char *name, int *error);
    void *sni_context;     /* for sni_lookup */
    const char *sni_table; /* its name, for messages ("tls_server_sni_maps" when NULL) */
    TLS_CACHE_OPS cache;   /* session and ticket key storage */
} TLS_SERVER_INIT_PROPS;

typedef struct TLS_SERVER_START_PROPS {
    TLS_APPL_STATE *ctx;            /* from tls_server_init() */
    VSTREAM *stream;                /* the SMTP stream, or NULL */
    int fd;                         /* descriptor when stream is NULL */
    const TLS_TRANSPORT *transport; /* instead of stream/fd (tests) */
    int timeout;                    /* handshake timeout, seconds (<= 0: none) */
    bool requirecert;               /* client certificate required */
    const char *namaddr;            /* client: "host[addr]" */
    const char *serverid;           /* overrides the init serverid, or NULL */
} TLS_SERVER_START_PROPS;

extern TLS_APPL_STATE *tls_server_init(const TLS_SERVER_INIT_PROPS *props);
extern TLS_SESS_STATE *tls_server_start(const TLS_SERVER_START_PROPS *props);
extern TLS_SESS_STATE *tls_server_open(const TLS_SERVER_START_PROPS *props);
extern int tls_server_post_accept(TLS_SESS_STATE *state);
extern void tls_server_stop(TLS_SESS_STATE *state, VSTREAM *stream, int timeout, bool failure);
extern void tls_server_free(TLS_APPL_STATE *ctx);

#endif
