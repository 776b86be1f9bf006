/*
 * tls_verify.h - certificate verification and peer facts
 *
 * The verify callback never fails the handshake: it records the error
 * closest to the leaf and lets the handshake complete; the engine then
 * records trust (chain verified) and match (name or fingerprint) status,
 * and the application decides. Trust levels as logged: Anonymous (no
 * certificate), Untrusted, Trusted (chain verified), Verified (client,
 * above encrypt, chain or fingerprint and name matched).
 */
#ifndef TLS_VERIFY_H
#define TLS_VERIFY_H

#include <openssl/ssl.h>

#include "tls.h"

extern int tls_verify_cb(int ok, X509_STORE_CTX *store_ctx);
extern void tls_verify_setup(SSL *ssl, int verify_mode, int verifydepth);
extern void tls_verify_peer(TLS_SESS_STATE *state);
extern void tls_verify_match(TLS_SESS_STATE *state);
extern void tls_verify_log_failure(const TLS_SESS_STATE *state);
extern char *tls_verify_text_name(const X509_NAME *name, int nid, const char *label,
                                  const char *namaddr);

#endif
