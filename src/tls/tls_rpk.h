/*
 * tls_rpk.h - raw public keys (RFC 7250)
 *
 * Instead of a certificate a peer may send the bare SubjectPublicKeyInfo
 * of its key when the other side asks for it in the ClientHello (the
 * server_certificate_type and client_certificate_type extensions). The
 * API exists in OpenSSL 3.2 and later (makedefs: raw-public-keys,
 * HAVE_TLS_RPK); without it every function here does nothing and no
 * raw public key is ever sent or received.
 */
#ifndef TLS_RPK_H
#define TLS_RPK_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "tls.h"

extern bool tls_rpk_available(void);
extern int tls_rpk_server_ctx(SSL_CTX *ctx, bool accept_client_rpk);
extern int tls_rpk_client_ctx(SSL_CTX *ctx);
extern int tls_rpk_client_ask(SSL *ssl);
extern void tls_rpk_collect(TLS_SESS_STATE *state);
extern EVP_PKEY *tls_rpk_peer_key(const SSL *ssl);

#endif
