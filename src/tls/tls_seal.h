/*
 * tls_seal.h - sealing what tlsmgr keeps in tables that other hosts share
 *
 * A key derived from a secret that every host of a cluster has (HKDF-SHA256
 * with a purpose label), and AES-256-GCM with associated data, so that an
 * entry cannot be read without the secret, and one that was changed, made
 * without the secret, or moved to another key does not open.
 */
#ifndef TLS_SEAL_H
#define TLS_SEAL_H

#include <stdbool.h>
#include <stddef.h>

#define TLS_SEAL_KEYLEN 32 /* derived key */
#define TLS_SEAL_IVLEN  12 /* random per entry */
#define TLS_SEAL_TAGLEN 16 /* authentication tag */

#define TLS_SEAL_SECRET_MIN 32 /* shortest secret, bytes */

extern void tls_seal_derive(const unsigned char *secret, size_t len, const char *purpose,
                            unsigned char out_key[TLS_SEAL_KEYLEN]);
extern int tls_seal_crypt(const unsigned char key[TLS_SEAL_KEYLEN], bool enc, const void *aad,
                          size_t aad_len, const unsigned char iv[TLS_SEAL_IVLEN],
                          const unsigned char *in, size_t len, unsigned char *out,
                          unsigned char tag[TLS_SEAL_TAGLEN]);

#endif
