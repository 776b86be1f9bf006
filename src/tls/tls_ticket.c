/*++
 * NAME
 *	tls_ticket - RFC 5077 session tickets on the server
 * SYNOPSIS
 *	#include <tls_ticket.h>
 *
 *	int	tls_ticket_setup(TLS_APPL_STATE *app, SSL_CTX *ctx);
 *	int	tls_ticket_key_new(TLS_TICKET_KEY *key, time_t expires);
 * DESCRIPTION
 *	tls_ticket_setup() enables session tickets on ctx when the session
 *	timeout is positive, the daemon supplies ticket keys, the ticket
 *	cipher is usable and tls_ssl_options does not say NO_TICKET; one
 *	ticket is issued per handshake, resumed TLS 1.3 handshakes
 *	included (the decryption callback asks OpenSSL to renew every TLS
 *	1.3 ticket; left alone, OpenSSL 3.0 sends none after a resumption),
 *	so a client that uses each ticket once keeps resuming. TLS 1.2
 *	tickets are renewed once their key no longer encrypts.
 *	Otherwise tickets are off (SSL_OP_NO_TICKET). It returns 1 when
 *	tickets are on, 0 when off.
 *
 *	tls_ticket_key_new() fills a key with random name and secrets that
 *	encrypts until expires (for tlsmgr and the in-memory store). It
 *	returns 0, or -1 when the random generator fails.
 * DIAGNOSTICS
 *	A ticket cipher that is unknown or unsuitable is a warning, and
 *	tickets are off.
 *--*/

#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "msg.h"

#include "tls.h"
#include "tls_appl.h"
#include "tls_log.h"
#include "tls_ticket.h"

/* tls_ticket_mac - key the HMAC-SHA256 context */

static int tls_ticket_mac(EVP_MAC_CTX *hctx, TLS_TICKET_KEY *key)
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_octet_string(OSSL_MAC_PARAM_KEY, key->hmac, sizeof(key->hmac)),
        OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_END,
    };

    return EVP_MAC_CTX_set_params(hctx, params);
}

/* tls_ticket_cb - encrypt or decrypt a session ticket */

static int tls_ticket_cb(SSL *ssl, unsigned char name[16], unsigned char *iv, EVP_CIPHER_CTX *cctx,
                         EVP_MAC_CTX *hctx, int enc)
{
    TLS_SESS_STATE *state = SSL_get_app_data(ssl);
    TLS_APPL_STATE *app = state ? state->app : NULL;
    TLS_TICKET_KEY key;
    int ivlen, status;

    /* 0: issue no ticket (encrypt), or do a full handshake (decrypt). */
    if (app == NULL || app->ticket_cipher == NULL || app->cache.ticket_key == NULL)
        return 0;
    ivlen = EVP_CIPHER_get_iv_length(app->ticket_cipher);
    if (enc) {
        if (!app->cache.ticket_key(app->cache.context, NULL, &key))
            return 0;
        if (RAND_bytes(iv, ivlen) != 1 ||
            EVP_EncryptInit_ex(cctx, app->ticket_cipher, NULL, key.bits, iv) != 1 ||
            !tls_ticket_mac(hctx, &key)) {
            OPENSSL_cleanse(&key, sizeof(key));
            return -1;
        }
        memcpy(name, key.name, TLS_TICKET_NAMELEN);
        if (app->log_mask & TLS_LOG_CACHE)
            msg_info("%s: Issuing session ticket, key expiration: %ld", state->namaddr,
                     (long)key.tout);
        state->ticket_issued = true;
        OPENSSL_cleanse(&key, sizeof(key));
        return 1;
    }
    if (!app->cache.ticket_key(app->cache.context, name, &key))
        return 0;
    if (!tls_ticket_mac(hctx, &key) ||
        EVP_DecryptInit_ex(cctx, app->ticket_cipher, NULL, key.bits, iv) != 1) {
        OPENSSL_cleanse(&key, sizeof(key));
        return -1;
    }
    /*
     * A key that no longer encrypts still decrypts; have the ticket renewed.
     * TLS 1.3: always renew. OpenSSL sends a NewSessionTicket after a resumed
     * TLS 1.3 handshake only when asked to, and a client that uses each
     * ticket once (as it should) would otherwise resume only once.
     */
    status = (key.tout < time(NULL) || SSL_version(ssl) >= TLS1_3_VERSION) ? 2 : 1;
    if (app->log_mask & TLS_LOG_CACHE)
        msg_info("%s: Decrypting session ticket, key expiration: %ld", state->namaddr,
                 (long)key.tout);
    OPENSSL_cleanse(&key, sizeof(key));
    return status;
}

/* tls_ticket_cipher - the ticket cipher, or NULL with a warning */

static EVP_CIPHER *tls_ticket_cipher(const char *name)
{
    EVP_CIPHER *cipher;

    if (name == NULL || *name == 0)
        return NULL;
    if ((cipher = EVP_CIPHER_fetch(NULL, name, NULL)) == NULL) {
        msg_warn("tls_session_ticket_cipher: unknown cipher \"%s\": disabling session tickets",
                 name);
        ERR_clear_error();
        return NULL;
    }
    if (EVP_CIPHER_get_mode(cipher) != EVP_CIPH_CBC_MODE ||
        EVP_CIPHER_get_iv_length(cipher) != 16 || EVP_CIPHER_get_key_length(cipher) < 16 ||
        EVP_CIPHER_get_key_length(cipher) > TLS_TICKET_KEYLEN) {
        msg_warn("tls_session_ticket_cipher: \"%s\" is not a CBC cipher with a 16-byte IV and a "
                 "16..32 byte key: disabling session tickets",
                 name);
        EVP_CIPHER_free(cipher);
        return NULL;
    }
    return cipher;
}

/* tls_ticket_setup - enable or disable tickets */

int tls_ticket_setup(TLS_APPL_STATE *app, SSL_CTX *ctx)
{
    bool want = app->session_timeout > 0 && app->cache.ticket_key != NULL &&
                !(SSL_CTX_get_options(ctx) & SSL_OP_NO_TICKET);

    if (want && app->ticket_cipher == NULL)
        app->ticket_cipher = tls_ticket_cipher(app->params.session_ticket_cipher);
    if (!want || app->ticket_cipher == NULL) {
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
        if (!(SSL_CTX_get_session_cache_mode(ctx) & SSL_SESS_CACHE_SERVER) ||
            app->cache.cache_update == NULL)
            SSL_CTX_set_num_tickets(ctx, 0);
        return 0;
    }
    SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, tls_ticket_cb);
    SSL_CTX_set_num_tickets(ctx, 1);
    return 1;
}

/* tls_ticket_key_new - random ticket key */

int tls_ticket_key_new(TLS_TICKET_KEY *key, time_t expires)
{
    if (RAND_bytes(key->name, sizeof(key->name)) != 1 ||
        RAND_bytes(key->bits, sizeof(key->bits)) != 1 ||
        RAND_bytes(key->hmac, sizeof(key->hmac)) != 1) {
        ERR_clear_error();
        return -1;
    }
    key->tout = expires;
    return 0;
}
