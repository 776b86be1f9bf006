/*++
 * NAME
 *	tls_fprint - certificate and public-key fingerprints
 * SYNOPSIS
 *	#include <tls_fprint.h>
 *
 *	int	tls_digest_ok(const char *mdalg);
 *	char	*tls_digest_encode(const unsigned char *md, size_t len);
 *	char	*tls_data_fprint(const void *data, size_t len,
 *				const char *mdalg);
 *	char	*tls_cert_fprint(X509 *cert, const char *mdalg);
 *	char	*tls_pkey_fprint(X509 *cert, const char *mdalg);
 *	char	*tls_key_fprint(EVP_PKEY *pkey, const char *mdalg);
 *	int	tls_fprint_equal(const char *a, const char *b);
 * DESCRIPTION
 *	tls_digest_ok() tells whether mdalg (case-insensitive) is a digest
 *	that fingerprints may use.
 *
 *	tls_digest_encode() writes bytes as "AB:CD:..." into a new string.
 *
 *	tls_data_fprint() fingerprints arbitrary bytes, tls_cert_fprint()
 *	the DER form of a certificate and tls_pkey_fprint() the DER form
 *	of its SubjectPublicKeyInfo, tls_key_fprint() that of a bare key
 *	(a raw public key: the same fingerprint as that of a certificate
 *	for the key). The result is a new string (free with
 *	myfree()), or NULL for an unknown digest or a certificate that
 *	cannot be encoded.
 *
 *	tls_fprint_equal() compares two fingerprints, ignoring case and
 *	accepting them with or without colons.
 *--*/

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "mymalloc.h"

#include "tls_fprint.h"

static const char *tls_digest_names[] = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"};

/* tls_digest_ok - is this a fingerprint digest */

int tls_digest_ok(const char *mdalg)
{
    for (size_t i = 0; mdalg && i < sizeof(tls_digest_names) / sizeof(tls_digest_names[0]); i++)
        if (strcasecmp(mdalg, tls_digest_names[i]) == 0)
            return 1;
    return 0;
}

/* tls_digest_encode - bytes to upper-case colon-separated hex */

char *tls_digest_encode(const unsigned char *md, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = mymalloc(len ? len * 3 : 1);

    for (size_t i = 0; i < len; i++) {
        out[i * 3] = hex[md[i] >> 4];
        out[i * 3 + 1] = hex[md[i] & 0xf];
        out[i * 3 + 2] = i + 1 < len ? ':' : 0;
    }
    if (len == 0)
        out[0] = 0;
    return out;
}

/* tls_data_fprint - fingerprint of bytes */

char *tls_data_fprint(const void *data, size_t len, const char *mdalg)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len;
    EVP_MD *type;
    int ok;

    if (!tls_digest_ok(mdalg) || (type = EVP_MD_fetch(NULL, mdalg, NULL)) == NULL) {
        ERR_clear_error();
        return NULL;
    }
    ok = EVP_Digest(data, len, md, &md_len, type, NULL);
    EVP_MD_free(type);
    if (!ok) {
        ERR_clear_error();
        return NULL;
    }
    return tls_digest_encode(md, md_len);
}

/* tls_cert_fprint - fingerprint of a DER certificate */

char *tls_cert_fprint(X509 *cert, const char *mdalg)
{
    unsigned char *der = NULL;
    int len = i2d_X509(cert, &der);
    char *result;

    if (len <= 0) {
        ERR_clear_error();
        return NULL;
    }
    result = tls_data_fprint(der, len, mdalg);
    OPENSSL_free(der);
    return result;
}

/* tls_pkey_fprint - fingerprint of a DER SubjectPublicKeyInfo */

char *tls_pkey_fprint(X509 *cert, const char *mdalg)
{
    unsigned char *der = NULL;
    X509_PUBKEY *spki = X509_get_X509_PUBKEY(cert);
    int len = spki ? i2d_X509_PUBKEY(spki, &der) : -1;
    char *result;

    if (len <= 0) {
        ERR_clear_error();
        return NULL;
    }
    result = tls_data_fprint(der, len, mdalg);
    OPENSSL_free(der);
    return result;
}

/* tls_key_fprint - fingerprint of a key's DER SubjectPublicKeyInfo */

char *tls_key_fprint(EVP_PKEY *pkey, const char *mdalg)
{
    unsigned char *der = NULL;
    int len = i2d_PUBKEY(pkey, &der);
    char *result;

    if (len <= 0) {
        ERR_clear_error();
        return NULL;
    }
    result = tls_data_fprint(der, len, mdalg);
    OPENSSL_free(der);
    return result;
}

/* tls_fprint_equal - compare fingerprints, ignoring case and colons */

int tls_fprint_equal(const char *a, const char *b)
{
    for (;;) {
        while (*a == ':')
            a++;
        while (*b == ':')
            b++;
        if (*a == 0 || *b == 0)
            return *a == *b;
        if (toupper((unsigned char)*a) != toupper((unsigned char)*b))
            return 0;
        a++;
        b++;
    }
}
