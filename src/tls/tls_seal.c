/*++
 * NAME
 *	tls_seal - sealing what tlsmgr keeps in tables that other hosts share
 * SYNOPSIS
 *	#include <tls_seal.h>
 *
 *	void	tls_seal_derive(const unsigned char *secret, size_t len,
 *				const char *purpose,
 *				unsigned char out_key[TLS_SEAL_KEYLEN]);
 *	int	tls_seal_crypt(const unsigned char key[TLS_SEAL_KEYLEN],
 *				bool enc, const void *aad, size_t aad_len,
 *				const unsigned char iv[TLS_SEAL_IVLEN],
 *				const unsigned char *in, size_t len,
 *				unsigned char *out,
 *				unsigned char tag[TLS_SEAL_TAGLEN]);
 * DESCRIPTION
 *	tls_seal_derive() derives a key for one purpose (a label such as
 *	"tlsmgr ticket key table, version 1") from the len bytes of secret
 *	with HKDF-SHA256, so that one secret gives unrelated keys for
 *	unrelated uses.
 *
 *	tls_seal_crypt() encrypts (enc) or decrypts len bytes of in into
 *	out (len bytes too) with AES-256-GCM under key and iv, authenticating
 *	aad_len bytes of aad as well. Encryption writes the tag; decryption
 *	checks it. The caller picks a random iv for each encryption. It
 *	returns 0, or -1 when decryption finds the tag wrong (the entry was
 *	changed, or sealed with another key or other associated data) or
 *	OpenSSL fails.
 * DIAGNOSTICS
 *	Fatal: no HKDF in OpenSSL.
 * SEE ALSO
 *	tls_keyshare(3), tls_cachedb(3)
 *--*/

/* System library. */
#include <string.h>

/* OpenSSL. */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

/* Utility library. */
#include "msg.h"

/* TLS library. */
#include "tls_seal.h"

/* tls_seal_derive - a key for one purpose from the secret */

void tls_seal_derive(const unsigned char *secret, size_t len, const char *purpose,
                     unsigned char out_key[TLS_SEAL_KEYLEN])
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, len),
        OSSL_PARAM_octet_string(OSSL_KDF_PARAM_INFO, (void *)purpose, strlen(purpose)),
        OSSL_PARAM_END,
    };

    if (kctx == NULL || EVP_KDF_derive(kctx, out_key, TLS_SEAL_KEYLEN, params) != 1)
        msg_fatal("%s: HKDF-SHA256 is not available in OpenSSL", __func__);
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
}

/* tls_seal_crypt - AES-256-GCM with associated data */

int tls_seal_crypt(const unsigned char key[TLS_SEAL_KEYLEN], bool enc, const void *aad,
                   size_t aad_len, const unsigned char iv[TLS_SEAL_IVLEN], const unsigned char *in,
                   size_t len, unsigned char *out, unsigned char tag[TLS_SEAL_TAGLEN])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n, ok;

    ok = ctx != NULL && len <= 0x7fffffff && aad_len <= 0x7fffffff &&
         EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, TLS_SEAL_IVLEN, NULL) == 1 &&
         EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, enc) == 1 &&
         EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 &&
         EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1 &&
         (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TLS_SEAL_TAGLEN, tag) == 1) &&
         EVP_CipherFinal_ex(ctx, out + n, &n) == 1 &&
         (!enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TLS_SEAL_TAGLEN, tag) == 1);
    EVP_CIPHER_CTX_free(ctx);
    ERR_clear_error();
    return ok ? 0 : -1;
}
