/*
 * tls_certkey.h - own certificates and keys, trusted CAs
 *
 * Loads the local key(s) and certificate chain(s) of a server or client
 * from chain files (each PEM file holds a private key followed by its
 * certificate and that certificate's issuers, repeated for RSA, ECDSA and
 * Ed25519 keys side by side; the handshake then picks by the peer's
 * signature algorithms) or from the legacy cert/key file pairs, loads a
 * PEM blob for SNI, and sets up CAfile/CApath.
 *
 * Every function reports a failure as one sentence in "why" that names
 * the parameter and the file; the caller logs it once and decides.
 */
#ifndef TLS_CERTKEY_H
#define TLS_CERTKEY_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "vstring.h"

/* Where the local keys and certificates come from. */
typedef struct TLS_CERTKEY_FILES {
    const char *param_prefix; /* "smtpd", "smtp", ... for messages */
    const char *chain_files;  /* *_tls_chain_files: preferred */
    const char *cert_file;    /* *_tls_cert_file (RSA), or "none" (server) */
    const char *key_file;     /* *_tls_key_file, empty: cert_file */
    const char *dcert_file;   /* *_tls_dcert_file (DSA, obsolete) */
    const char *dkey_file;    /* *_tls_dkey_file */
    const char *eccert_file;  /* *_tls_eccert_file (ECDSA) */
    const char *eckey_file;   /* *_tls_eckey_file */
} TLS_CERTKEY_FILES;

#define TLS_CERTKEY_NONE   0 /* nothing configured */
#define TLS_CERTKEY_LOADED 1 /* at least one key and chain loaded */

extern int tls_certkey_load(SSL_CTX *ctx, const TLS_CERTKEY_FILES *files, VSTRING *why);
extern int tls_certkey_load_pem(SSL *ssl, const char *origin, const char *pem, size_t len,
                                VSTRING *why);
extern int tls_certkey_set_ca(SSL_CTX *ctx, const char *param_prefix, const char *CAfile,
                              const char *CApath, bool append_default, VSTRING *why);
extern int tls_certkey_file_identity(VSTRING *out, const char *path);

#endif
