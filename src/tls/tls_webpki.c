/*++
 * NAME
 *	tls_webpki - a second look at a server certificate under the Web PKI
 * SYNOPSIS
 *	#include <tls_webpki.h>
 *
 *	const char *tls_webpki_cafile(const char *CAfile);
 *	int	tls_webpki_check(const TLS_SESS_STATE *state,
 *				const char *CAfile, const char *host,
 *				VSTRING *why);
 *
 *	const char *tls_webpki_result_type(int status);
 * DESCRIPTION
 *	tls_webpki_cafile() returns CAfile, or OpenSSL's default CA file
 *	when CAfile is NULL or empty (on Debian, the ca-certificates
 *	bundle).
 *
 *	tls_webpki_check() verifies the certificate chain that the server
 *	of a finished client handshake sent, again and apart from the
 *	handshake's own verification: against the CAs of CAfile
 *	(tls_webpki_cafile()), for the TLS server purpose, at the current
 *	time, and with the host name (RFC 6125: subjectAltName DNS names,
 *	a wildcard only as a whole leftmost label). It returns
 *	TLS_WEBPKI_OK, TLS_WEBPKI_UNTRUSTED (no certificate, or no chain to
 *	a CA of the file), TLS_WEBPKI_EXPIRED, TLS_WEBPKI_MISMATCH (trusted,
 *	but not for host), or TLS_WEBPKI_UNKNOWN when the session has no
 *	chain to look at (a resumed session); why says what failed. The CA
 *	file is read once per process and file name.
 *
 *	tls_webpki_result_type() names a failed tls_webpki_check() status
 *	as an RFC 8460 result type (certificate-expired,
 *	certificate-host-mismatch, certificate-not-trusted), or returns
 *	NULL for TLS_WEBPKI_OK and TLS_WEBPKI_UNKNOWN.
 * DIAGNOSTICS
 *	Returned; a CA file that cannot be read makes every chain untrusted.
 * SEE ALSO
 *	RFC 8461 section 4.2, RFC 8460 section 4.3, RFC 6125
 *--*/

/* System library. */
#include <string.h>

/* OpenSSL. */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"

/* TLS library. */
#include "tls_webpki.h"

static X509_STORE *tls_webpki_store; /* the CAs of tls_webpki_file */
static char *tls_webpki_file;        /* file they came from, owned */

/* tls_webpki_cafile - the CA file in force */

const char *tls_webpki_cafile(const char *CAfile)
{
    return CAfile && *CAfile ? CAfile : X509_get_default_cert_file();
}

/* tls_webpki_load - the store of a CA file, read once */

static X509_STORE *tls_webpki_load(const char *path)
{
    if (tls_webpki_store != NULL && strcmp(tls_webpki_file, path) == 0)
        return tls_webpki_store;
    X509_STORE_free(tls_webpki_store);
    myfree(tls_webpki_file);
    tls_webpki_file = mystrdup(path);
    if ((tls_webpki_store = X509_STORE_new()) != NULL &&
        X509_STORE_load_file(tls_webpki_store, path) != 1)
        msg_warn("cannot read CA file %s: no server certificate will be trusted", path);
    ERR_clear_error();
    return tls_webpki_store;
}

/* tls_webpki_check - trusted chain and host name */

int tls_webpki_check(const TLS_SESS_STATE *state, const char *CAfile, const char *host,
                     VSTRING *why)
{
    X509 *leaf = state && state->ssl ? SSL_get0_peer_certificate(state->ssl) : NULL;
    STACK_OF(X509) *chain = state && state->ssl ? SSL_get_peer_cert_chain(state->ssl) : NULL;
    const char *path = tls_webpki_cafile(CAfile);
    X509_STORE *store;
    X509_STORE_CTX *ctx;
    int status, err;

    if (leaf == NULL && state && state->session_reused) {
        vstring_sprintf(why, "resumed session without a certificate chain");
        return TLS_WEBPKI_UNKNOWN;
    }
    if (leaf == NULL) {
        vstring_sprintf(why, "no server certificate");
        return TLS_WEBPKI_UNTRUSTED;
    }
    if ((store = tls_webpki_load(path)) == NULL || (ctx = X509_STORE_CTX_new()) == NULL) {
        vstring_sprintf(why, "cannot set up a certificate check");
        return TLS_WEBPKI_UNTRUSTED;
    }
    if (X509_STORE_CTX_init(ctx, store, leaf, chain) != 1) {
        vstring_sprintf(why, "cannot set up a certificate check");
        status = TLS_WEBPKI_UNTRUSTED;
    } else {
        X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
        if (X509_verify_cert(ctx) == 1) {
            if (X509_check_host(leaf, host, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1) {
                status = TLS_WEBPKI_OK;
            } else {
                vstring_sprintf(why, "the certificate does not name %s", host);
                status = TLS_WEBPKI_MISMATCH;
            }
        } else {
            err = X509_STORE_CTX_get_error(ctx);
            vstring_sprintf(why, "num=%d:%s (CA file %s)", err, X509_verify_cert_error_string(err),
                            path);
            status = err == X509_V_ERR_CERT_HAS_EXPIRED ? TLS_WEBPKI_EXPIRED : TLS_WEBPKI_UNTRUSTED;
        }
    }
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return status;
}

/* tls_webpki_result_type - the TLSRPT result type of a failed check */

const char *tls_webpki_result_type(int status)
{
    switch (status) {
    case TLS_WEBPKI_OK:
    case TLS_WEBPKI_UNKNOWN:
        return NULL;
    case TLS_WEBPKI_EXPIRED:
        return "certificate-expired";
    case TLS_WEBPKI_MISMATCH:
        return "certificate-host-mismatch";
    default:
        return "certificate-not-trusted";
    }
}
