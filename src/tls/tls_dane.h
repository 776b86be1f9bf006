/*
 * tls_dane.h - DANE TLSA authentication through OpenSSL's DANE support
 *
 * The client engine hands the TLSA records of a server (found by the
 * application in validated DNS) to OpenSSL (SSL_dane_enable,
 * SSL_dane_tlsa_add); OpenSSL's chain verification then matches them.
 * DANE-EE(3) records ignore names and validity dates; DANE-TA(2) records
 * require a reference name (the TLSA base domain first, then the names
 * given) in the certificate.
 */
#ifndef TLS_DANE_H
#define TLS_DANE_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "vstring.h"

#include "tls.h"

/* One TLSA record. */
typedef struct TLS_DANE_RR {
    int usage;                 /* certificate usage */
    int selector;              /* 0: certificate, 1: public key */
    int mtype;                 /* 0: full, 1: SHA2-256, 2: SHA2-512 */
    const unsigned char *data; /* association data, not owned */
    size_t len;                /* bytes in data */
} TLS_DANE_RR;

/* The TLSA RRset of one server (all pointers owned by the caller). */
typedef struct TLS_DANE {
    const char *base_domain;  /* TLSA base domain: SNI and first reference name */
    const char *const *names; /* more reference names, NULL-terminated, or NULL */
    const TLS_DANE_RR *rr;    /* the records */
    size_t count;             /* records */
} TLS_DANE;

#define TLS_DANE_MTYPE_ALL ((1 << 0) | (1 << 1) | (1 << 2)) /* full, SHA2-256, SHA2-512 */

extern int tls_dane_digest_mask(const char *digests, VSTRING *why);
extern int tls_dane_ctx_init(SSL_CTX *ctx, int mtype_mask, VSTRING *why);
extern int tls_dane_ssl_setup(TLS_SESS_STATE *state, const TLS_DANE *dane);
extern void tls_dane_identity(VSTRING *out, const TLS_DANE *dane);
extern bool tls_dane_matched(const TLS_SESS_STATE *state);
extern void tls_dane_log_match(const TLS_SESS_STATE *state);

#endif
