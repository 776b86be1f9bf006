/*
 * tls_webpki.h - a second look at a server certificate under the Web PKI
 *
 * MTA-STS (RFC 8461 section 4.2) wants an MX certificate that chains to a
 * CA the sender trusts and that names the MX host. tls_webpki_check()
 * answers that for a finished handshake, whatever the level was, so that
 * a policy in "testing" mode can report a failure without enforcing it,
 * and an enforced one can say which check failed. See tls_webpki.c.
 */
#ifndef TLS_WEBPKI_H
#define TLS_WEBPKI_H

#include "vstring.h"
#include "tls.h"

#define TLS_WEBPKI_OK        0 /* trusted chain, the host named */
#define TLS_WEBPKI_UNKNOWN   1 /* no chain to look at (resumed session) */
#define TLS_WEBPKI_UNTRUSTED 2 /* no chain to a trusted CA */
#define TLS_WEBPKI_EXPIRED   3 /* a certificate has expired */
#define TLS_WEBPKI_MISMATCH  4 /* trusted, but the host is not named */

extern const char *tls_webpki_cafile(const char *CAfile);
extern int tls_webpki_check(const TLS_SESS_STATE *state, const char *CAfile, const char *host,
                            VSTRING *why);
extern const char *tls_webpki_result_type(int status);

#endif
