/*++
 * NAME
 *	tls_rpk - raw public keys (RFC 7250)
 * SYNOPSIS
 *	#include <tls_rpk.h>
 *
 *	bool	tls_rpk_available(void);
 *	int	tls_rpk_server_ctx(SSL_CTX *ctx, bool accept_client_rpk);
 *	int	tls_rpk_client_ctx(SSL_CTX *ctx);
 *	int	tls_rpk_client_ask(SSL *ssl);
 *	void	tls_rpk_collect(TLS_SESS_STATE *state);
 *	EVP_PKEY *tls_rpk_peer_key(const SSL *ssl);
 * DESCRIPTION
 *	tls_rpk_available() tells whether this build has raw public key
 *	support (OpenSSL 3.2 and later, HAVE_TLS_RPK).
 *
 *	tls_rpk_server_ctx() makes a server context send its raw public
 *	key instead of its certificate to a client that asks for one
 *	(always, as Postfix 3.9 does), and, when accept_client_rpk is set
 *	(smtpd_tls_enable_rpk), ask clients for a raw public key when it
 *	asks for client credentials at all; a client certificate is still
 *	accepted.
 *
 *	tls_rpk_client_ctx() makes a client context willing to send its
 *	raw public key to a server that asks for one (call it when a client
 *	certificate is configured).
 *
 *	tls_rpk_client_ask() makes one client connection ask the server for
 *	a raw public key; a certificate is still accepted.
 *
 *	The three return 0, or -1 when OpenSSL refused (with the OpenSSL
 *	error queue left for the caller); without support they do nothing
 *	and return 0.
 *
 *	tls_rpk_collect() records after a handshake which side sent a raw
 *	public key: TLS_CERT_FLAG_RPK in peer_status when the peer did, and
 *	srvr_rpk and clnt_rpk for the summary line.
 *
 *	tls_rpk_peer_key() returns the peer's raw public key (owned by the
 *	SSL object), or NULL when it sent none.
 * SEE ALSO
 *	SSL_CTX_set1_server_cert_type(3), SSL_get0_peer_rpk(3), RFC 7250
 *--*/

#include <openssl/ssl.h>
#include <openssl/tls1.h>

#include "tls.h"
#include "tls_rpk.h"

#ifdef HAVE_TLS_RPK

/* The credential types we take or send, the preferred one first. */
static const unsigned char tls_rpk_types[] = {TLSEXT_cert_type_rpk, TLSEXT_cert_type_x509};

/* tls_rpk_available - raw public keys in this build */

bool tls_rpk_available(void)
{
    return true;
}

/* tls_rpk_server_ctx - send our raw public key on request, maybe ask for the client's */

int tls_rpk_server_ctx(SSL_CTX *ctx, bool accept_client_rpk)
{
    if (SSL_CTX_set1_server_cert_type(ctx, tls_rpk_types, sizeof(tls_rpk_types)) != 1)
        return -1;
    if (accept_client_rpk &&
        SSL_CTX_set1_client_cert_type(ctx, tls_rpk_types, sizeof(tls_rpk_types)) != 1)
        return -1;
    return 0;
}

/* tls_rpk_client_ctx - send our raw public key to a server that asks */

int tls_rpk_client_ctx(SSL_CTX *ctx)
{
    return SSL_CTX_set1_client_cert_type(ctx, tls_rpk_types, sizeof(tls_rpk_types)) == 1 ? 0 : -1;
}

/* tls_rpk_client_ask - ask the server for its raw public key */

int tls_rpk_client_ask(SSL *ssl)
{
    return SSL_set1_server_cert_type(ssl, tls_rpk_types, sizeof(tls_rpk_types)) == 1 ? 0 : -1;
}

/* tls_rpk_collect - which side sent a raw public key */

void tls_rpk_collect(TLS_SESS_STATE *state)
{
    SSL *ssl = state->ssl;

    state->srvr_rpk = SSL_get_negotiated_server_cert_type(ssl) == TLSEXT_cert_type_rpk;
    state->clnt_rpk = SSL_get_negotiated_client_cert_type(ssl) == TLSEXT_cert_type_rpk;
    if (SSL_get0_peer_certificate(ssl) == NULL && SSL_get0_peer_rpk(ssl) != NULL)
        state->peer_status |= TLS_CERT_FLAG_RPK;
}

/* tls_rpk_peer_key - the peer's raw public key */

EVP_PKEY *tls_rpk_peer_key(const SSL *ssl)
{
    return SSL_get0_peer_certificate(ssl) == NULL ? SSL_get0_peer_rpk(ssl) : NULL;
}

#else

/*
 * OpenSSL before 3.2: no raw public keys. The settings that ask for them
 * are then accepted and ignored (Postfix 3.9 does the same); the daemons
 * warn once.
 */

/* tls_rpk_available - raw public keys in this build */

bool tls_rpk_available(void)
{
    return false;
}

/* tls_rpk_server_ctx - nothing to do */

int tls_rpk_server_ctx(SSL_CTX *ctx, bool accept_client_rpk)
{
    (void)ctx;
    (void)accept_client_rpk;
    return 0;
}

/* tls_rpk_client_ctx - nothing to do */

int tls_rpk_client_ctx(SSL_CTX *ctx)
{
    (void)ctx;
    return 0;
}

/* tls_rpk_client_ask - nothing to do */

int tls_rpk_client_ask(SSL *ssl)
{
    (void)ssl;
    return 0;
}

/* tls_rpk_collect - nothing was sent */

void tls_rpk_collect(TLS_SESS_STATE *state)
{
    state->srvr_rpk = state->clnt_rpk = false;
}

/* tls_rpk_peer_key - never */

EVP_PKEY *tls_rpk_peer_key(const SSL *ssl)
{
    (void)ssl;
    return NULL;
}

#endif
