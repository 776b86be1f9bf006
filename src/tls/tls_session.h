/*
 * tls_session.h - serialised TLS sessions for the session cache
 *
 * A cache value is a versioned header, the DER session, and a SHA-256
 * checksum over both:
 *
 *	magic "TLSs" (4) | version (1) | peer status (1) | reserved (2) |
 *	created (8, big-endian seconds) | lifetime (4) | verify result (4) |
 *	DER length (4) | DER SSL_SESSION | SHA-256 of everything before (32)
 *
 * Decoding refuses anything malformed, of another version, expired or
 * created in the future, without ever reading outside the buffer.
 */
#ifndef TLS_SESSION_H
#define TLS_SESSION_H

#include <stddef.h>
#include <time.h>

#include <openssl/ssl.h>

#include "vstring.h"

#define TLS_SESSION_VERSION 1

/* What the header says about the peer when the session was stored. */
typedef struct TLS_SESSION_INFO {
    time_t created;     /* when it was stored */
    int lifetime;       /* seconds */
    int peer_status;    /* TLS_CERT_FLAG_* */
    long verify_result; /* X509_V_* */
} TLS_SESSION_INFO;

extern int tls_session_encode(VSTRING *out, SSL_SESSION *session, const TLS_SESSION_INFO *info);
extern SSL_SESSION *tls_session_decode(const void *data, size_t len, time_t now,
                                       TLS_SESSION_INFO *out_info, const char **out_why);

#endif
