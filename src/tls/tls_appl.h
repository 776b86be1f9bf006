/*
 * tls_appl.h - the per-process engine context (private to the library)
 *
 * TLS_APPL_STATE is opaque to daemons; tls_server.c, tls_client.c and
 * the cache and ticket modules share its layout through this header.
 */
#ifndef TLS_APPL_H
#define TLS_APPL_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "tls.h"

struct TLS_APPL_STATE {
    bool am_server;            /* server role */
    SSL_CTX *ssl_ctx;          /* owned */
    SSL_CTX *sni_ctx;          /* server: context for SNI-selected chains, owned */
    int log_mask;              /* TLS_LOG_* */
    char *param_prefix;        /* "smtpd", "smtp", ... */
    char *cache_type;          /* "smtpd", "smtp", "lmtp" */
    char *serverid;            /* server: service name */
    char *mdalg;               /* fingerprint digest */
    int verifydepth;           /* chain depth limit */
    bool ask_ccert;            /* server: request client certificates */
    bool fast_shutdown;        /* tls_fast_shutdown_enable */
    int session_timeout;       /* seconds; <= 0: no caching */
    TLS_CACHE_OPS cache;       /* storage callbacks */
    EVP_CIPHER *ticket_cipher; /* server: ticket encryption cipher, owned, or NULL */
    const char *(*sni_lookup)(void *context, const char *name, int *error);
    void *sni_context; /* for sni_lookup, not owned */
    char *sni_table;   /* the table's name, for messages, owned */
    /* Client: protocol and cipher settings by level. */
    char *protocols;                 /* may */
    char *mandatory_protocols;       /* encrypt and above */
    char *ciphers;                   /* grade at may */
    char *mandatory_ciphers;         /* grade above may */
    char *exclude_ciphers;           /* all levels */
    char *mandatory_exclude_ciphers; /* above may */
    char *ca_identity;               /* CAfile/CApath identity for cache keys */
    bool dane_enabled;               /* client: DANE set up on ssl_ctx (tls_dane.c) */
    TLS_PARAMS params;               /* copy of the global parameters */
};

extern TLS_APPL_STATE *tls_appl_alloc(bool am_server);
extern void tls_appl_free(TLS_APPL_STATE *app);
extern SSL_CTX *tls_appl_ctx_new(TLS_APPL_STATE *app, const char *protocols, const char *grade,
                                 const char *exclusions, VSTRING *why);

#endif
