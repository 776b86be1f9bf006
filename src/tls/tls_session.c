/*++
 * NAME
 *	tls_session - serialised TLS sessions for the session cache
 * SYNOPSIS
 *	#include <tls_session.h>
 *
 *	int	tls_session_encode(VSTRING *out, SSL_SESSION *session,
 *				const TLS_SESSION_INFO *info);
 *	SSL_SESSION *tls_session_decode(const void *data, size_t len,
 *				time_t now, TLS_SESSION_INFO *out_info,
 *				const char **out_why);
 * DESCRIPTION
 *	tls_session_encode() writes the cache value of a session (the
 *	format is in tls_session.h) into out, with the creation time,
 *	lifetime and peer state in info. It returns 0, or -1 when OpenSSL
 *	cannot encode the session.
 *
 *	tls_session_decode() checks and decodes a cache value. It returns
 *	a new SSL_SESSION (the caller frees it or hands it to OpenSSL), with
 *	the header facts in out_info (may be NULL), or NULL with a reason
 *	in out_why (may be NULL): too short, bad magic, other version, bad
 *	length, checksum mismatch, expired, from the future, or a DER
 *	session OpenSSL does not accept.
 *--*/

#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "vstring.h"

#include "tls_session.h"

#define TLS_SESSION_MAGIC  "TLSs"
#define TLS_SESSION_HDRLEN 28
#define TLS_SESSION_SUMLEN 32
#define TLS_SESSION_MAXDER (64 * 1024)
#define TLS_SESSION_SKEW   300 /* seconds of clock skew tolerated */

/* tls_session_put - append a big-endian number */

static void tls_session_put(VSTRING *out, unsigned long long value, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--)
        vstring_addch(out, (int)((value >> (8 * i)) & 0xff));
}

/* tls_session_get - read a big-endian number */

static unsigned long long tls_session_get(const unsigned char *p, int bytes)
{
    unsigned long long value = 0;

    for (int i = 0; i < bytes; i++)
        value = (value << 8) | p[i];
    return value;
}

/* tls_session_encode - session to cache value */

int tls_session_encode(VSTRING *out, SSL_SESSION *session, const TLS_SESSION_INFO *info)
{
    unsigned char *der = NULL, sum[SHA256_DIGEST_LENGTH];
    int der_len = i2d_SSL_SESSION(session, &der);

    if (der_len <= 0 || der_len > TLS_SESSION_MAXDER) {
        OPENSSL_free(der);
        ERR_clear_error();
        return -1;
    }
    VSTRING_RESET(out);
    vstring_memcat(out, TLS_SESSION_MAGIC, 4);
    vstring_addch(out, TLS_SESSION_VERSION);
    vstring_addch(out, info->peer_status & 0xff);
    tls_session_put(out, 0, 2);
    tls_session_put(out, (unsigned long long)info->created, 8);
    tls_session_put(out, (unsigned long long)(unsigned)info->lifetime, 4);
    tls_session_put(out, (unsigned long long)(unsigned long)info->verify_result, 4);
    tls_session_put(out, (unsigned long long)der_len, 4);
    vstring_memcat(out, der, der_len);
    OPENSSL_free(der);
    SHA256((const unsigned char *)vstring_str(out), VSTRING_LEN(out), sum);
    vstring_memcat(out, sum, sizeof(sum));
    return 0;
}

/* tls_session_fail - set the reason and return NULL */

static SSL_SESSION *tls_session_fail(const char **out_why, const char *why)
{
    if (out_why)
        *out_why = why;
    return NULL;
}

/* tls_session_decode - cache value to session */

SSL_SESSION *tls_session_decode(const void *data, size_t len, time_t now,
                                TLS_SESSION_INFO *out_info, const char **out_why)
{
    const unsigned char *p = data, *der;
    unsigned char sum[SHA256_DIGEST_LENGTH];
    TLS_SESSION_INFO info;
    size_t der_len;
    SSL_SESSION *session;

    if (data == NULL || len < TLS_SESSION_HDRLEN + TLS_SESSION_SUMLEN)
        return tls_session_fail(out_why, "too short");
    if (memcmp(p, TLS_SESSION_MAGIC, 4) != 0)
        return tls_session_fail(out_why, "bad magic");
    if (p[4] != TLS_SESSION_VERSION)
        return tls_session_fail(out_why, "unsupported version");
    der_len = tls_session_get(p + 24, 4);
    if (der_len == 0 || der_len > TLS_SESSION_MAXDER ||
        der_len != len - TLS_SESSION_HDRLEN - TLS_SESSION_SUMLEN)
        return tls_session_fail(out_why, "bad length");
    SHA256(p, len - TLS_SESSION_SUMLEN, sum);
    if (CRYPTO_memcmp(sum, p + len - TLS_SESSION_SUMLEN, sizeof(sum)) != 0)
        return tls_session_fail(out_why, "checksum mismatch");
    info.peer_status = p[5];
    info.created = (time_t)tls_session_get(p + 8, 8);
    info.lifetime = (int)tls_session_get(p + 16, 4);
    info.verify_result = (long)(int)tls_session_get(p + 20, 4);
    if (info.lifetime <= 0 || info.created > now + TLS_SESSION_SKEW)
        return tls_session_fail(out_why, "bad creation time or lifetime");
    if (info.created + info.lifetime < now)
        return tls_session_fail(out_why, "expired");
    der = p + TLS_SESSION_HDRLEN;
    if ((session = d2i_SSL_SESSION(NULL, &der, (long)der_len)) == NULL ||
        der != p + TLS_SESSION_HDRLEN + der_len) {
        SSL_SESSION_free(session);
        ERR_clear_error();
        return tls_session_fail(out_why, "bad DER session");
    }
    if (out_info)
        *out_info = info;
    return session;
}
