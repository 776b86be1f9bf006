/*
 * tls_fprint.h - certificate and public-key fingerprints
 *
 * A certificate fingerprint is the digest of the DER certificate; a
 * public-key fingerprint is the digest of the DER SubjectPublicKeyInfo.
 * Both are written as upper-case hex pairs separated by colons, the form
 * of "openssl x509 -fingerprint" and of relay_clientcerts entries.
 * Digests: md5, sha1, sha224, sha256 (the default), sha384, sha512.
 */
#ifndef TLS_FPRINT_H
#define TLS_FPRINT_H

#include <stddef.h>

#include <openssl/x509.h>

#define TLS_DEFAULT_MDALG "sha256"

extern int tls_digest_ok(const char *mdalg);
extern char *tls_digest_encode(const unsigned char *md, size_t len);
extern char *tls_data_fprint(const void *data, size_t len, const char *mdalg);
extern char *tls_cert_fprint(X509 *cert, const char *mdalg);
extern char *tls_pkey_fprint(X509 *cert, const char *mdalg);
extern char *tls_key_fprint(EVP_PKEY *pkey, const char *mdalg);
extern int tls_fprint_equal(const char *a, const char *b);

#endif
