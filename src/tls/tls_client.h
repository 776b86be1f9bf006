/*
 * tls_client.h - the client TLS engine
 *
 * A daemon builds one context with tls_client_init(), then per
 * connection calls tls_client_start() after the 220 reply to STARTTLS
 * (and purges the stream afterwards), checks the peer status against the
 * security level (TLS_CERT_IS_SECURED for fingerprint, dane, dane-only,
 * verify, secure; TLS_CERT_IS_MATCHED for halfdane),
 * and calls tls_client_stop() at the end. The engine completes the
 * handshake whenever it can and only records trust and match status.
 */
#ifndef TLS_CLIENT_H
#define TLS_CLIENT_H

#include <stdbool.h>

#include "vstream.h"
#include "tls.h"
#include "tls_transport.h"

typedef struct TLS_CLIENT_INIT_PROPS {
    const TLS_PARAMS *params; /* global tls_* settings, NULL: defaults */
    const char *param_prefix; /* "smtp", "lmtp", ...: parameter names in messages */
    const char *log_param;    /* name of the log level parameter */
    const char *log_level;    /* smtp_tls_loglevel value */
    int verifydepth;          /* smtp_tls_scert_verifydepth */
    const char *cache_type;   /* "smtp" or "lmtp" */
    int session_timeout;      /* seconds; <= 0: no session cache */
    const char *chain_files;  /* client certificates (optional) */
    const char *cert_file;
    const char *key_file;
    const char *dcert_file;
    const char *dkey_file;
    const char *eccert_file;
    const char *eckey_file;
    const char *CAfile;                    /* smtp_tls_CAfile */
    const char *CApath;                    /* smtp_tls_CApath */
    const char *mdalg;                     /* smtp_tls_fingerprint_digest */
    const char *protocols;                 /* smtp_tls_protocols (level may) */
    const char *mandatory_protocols;       /* smtp_tls_mandatory_protocols (above may) */
    const char *ciphers;                   /* smtp_tls_ciphers grade (may) */
    const char *mandatory_ciphers;         /* smtp_tls_mandatory_ciphers grade (above may) */
    const char *exclude_ciphers;           /* smtp_tls_exclude_ciphers (all levels) */
    const char *mandatory_exclude_ciphers; /* smtp_tls_mandatory_exclude_ciphers */
    TLS_CACHE_OPS cache;                   /* session storage */
    const char *dane_digests;              /* tls_dane_digests, NULL: sha512 sha256 */
} TLS_CLIENT_INIT_PROPS;

typedef struct TLS_CLIENT_START_PROPS {
    TLS_APPL_STATE *ctx;            /* from tls_client_init() */
    VSTREAM *stream;                /* the SMTP stream, or NULL */
    int fd;                         /* descriptor when stream is NULL */
    const TLS_TRANSPORT *transport; /* instead of stream/fd (tests) */
    int timeout;                    /* handshake timeout, seconds (<= 0: none) */
    int tls_level;                  /* TLS_LEV_* (tls_level.h) */
    const char *nexthop;            /* next-hop domain */
    const char *host;               /* server host name */
    const char *addr;               /* server address */
    unsigned port;                  /* server port */
    const char *namaddr;            /* "host[addr]:port" for logging */
    const char *serverid;           /* transport/service part of the cache key ("smtp") */
    const char *helo;               /* our EHLO name (part of the cache policy) */
    const char *sni;                /* server name to send, or NULL */
    const char *protocols;          /* policy override, or NULL: by level */
    const char *cipher_grade;       /* policy override, or NULL: by level */
    const char *cipher_exclusions;  /* policy override, or NULL: by level */
    /* verify/secure: match strategies (NULL: hostname / nexthop, dot-nexthop);
       fingerprint: fingerprints separated by whitespace, comma or '|' */
    const char *match;
    const char *tafile;          /* verify/secure: trust anchor files replacing the CAs, or NULL */
    const struct TLS_DANE *dane; /* dane, dane-only, halfdane: the TLSA RRset (tls_dane.h) */
    bool enable_rpk;             /* may, encrypt, fingerprint: ask for a raw public key */
    int pq_mode;                 /* TLS_DH_PQ_* (tls_dh.h), 0: the groups as configured */
    bool *out_pq_suspect;        /* failure after a post-quantum ClientHello, or NULL */
    bool tls12_max;              /* offer TLS 1.2 at most (a server that fails TLS 1.3) */
    bool *out_tls12_retry_ok;    /* failure after a TLS 1.3 ClientHello that allowed 1.2, or NULL */
    bool summary_by_caller;      /* the summary line is logged by the user of tlsproxy(8) */
} TLS_CLIENT_START_PROPS;

extern TLS_APPL_STATE *tls_client_init(const TLS_CLIENT_INIT_PROPS *props);
extern TLS_SESS_STATE *tls_client_start(const TLS_CLIENT_START_PROPS *props);
extern TLS_SESS_STATE *tls_client_open(const TLS_CLIENT_START_PROPS *props);
extern int tls_client_post_connect(TLS_SESS_STATE *state);
extern void tls_client_stop(TLS_SESS_STATE *state, VSTREAM *stream, int timeout, bool failure);
extern void tls_client_free(TLS_APPL_STATE *ctx);

#endif
