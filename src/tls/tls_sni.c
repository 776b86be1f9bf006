/*++
 * NAME
 *	tls_sni - server name indication on the server
 * SYNOPSIS
 *	#include <tls_sni.h>
 *
 *	int	tls_sni_setup(TLS_APPL_STATE *app, SSL_CTX *ctx);
 *	int	tls_sni_name_ok(const char *name);
 * DESCRIPTION
 *	tls_sni_setup() installs the SNI callback on ctx. The callback
 *	ignores (does not acknowledge) a missing SNI, ignores with a warning
 *	an invalid host name, refuses a name that changed after a TLS 1.3
 *	HelloRetryRequest (and gives the same answer, logged once, to the
 *	same name), and otherwise selects the chain as described in
 *	tls_sni.h. It returns 0.
 *
 *	tls_sni_name_ok() tells whether a name is a syntactically valid
 *	host name (letters, digits, hyphens and dots; labels of 1..63
 *	characters not starting or ending in a hyphen; at most 253 in all).
 * DIAGNOSTICS
 *	"TLS SNI %s from %s not matched, using default chain" (loglevel >=
 *	1), warnings for invalid names and lookup errors (the handshake
 *	fails), and for unusable table values, with the table and the key
 *	that matched (the default chain is used).
 *--*/

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <openssl/ssl.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_appl.h"
#include "tls_certkey.h"
#include "tls_log.h"
#include "tls_sni.h"

/* tls_sni_name_ok - valid host name syntax */

int tls_sni_name_ok(const char *name)
{
    size_t total = strlen(name), label = 0;

    if (total == 0 || total > 253)
        return 0;
    for (const char *cp = name; *cp; cp++) {
        if (*cp == '.') {
            if (label == 0 || cp[-1] == '-')
                return 0;
            label = 0;
        } else if (isalnum((unsigned char)*cp) || (*cp == '-' && label > 0) || *cp == '_') {
            if (++label > 63)
                return 0;
        } else {
            return 0;
        }
    }
    return label > 0 && name[total - 1] != '-';
}

/* tls_sni_lookup - exact name, then parent domains with a leading dot; the key that matched */

static const char *tls_sni_lookup(TLS_APPL_STATE *app, const char *name, VSTRING *key, int *error)
{
    const char *pem = NULL, *dot;
    char *lower = mystrdup(name);

    /* Host names are case-insensitive; tables have lower-case keys. */
    for (char *cp = lower; *cp; cp++)
        *cp = tolower((unsigned char)*cp);
    *error = 0;
    vstring_strcpy(key, lower);
    if ((pem = app->sni_lookup(app->sni_context, lower, error)) == NULL && *error == 0) {
        for (dot = strchr(lower, '.'); dot && pem == NULL && *error == 0;
             dot = strchr(dot + 1, '.')) {
            vstring_strcpy(key, dot);
            pem = app->sni_lookup(app->sni_context, vstring_str(key), error);
        }
    }
    myfree(lower);
    return pem;
}

/* tls_sni_cb - select a key and chain by SNI */

static int tls_sni_cb(SSL *ssl, int *alert, void *arg)
{
    TLS_APPL_STATE *app = arg;
    TLS_SESS_STATE *state = SSL_get_app_data(ssl);
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    const char *namaddr = state ? state->namaddr : "unknown";
    const char *pem;
    VSTRING *why, *key;
    int error;

    if (name == NULL || *name == 0)
        return SSL_TLSEXT_ERR_NOACK;
    if (!tls_sni_name_ok(name)) {
        msg_warn("TLS SNI from %s is invalid: ignored", namaddr);
        return SSL_TLSEXT_ERR_NOACK;
    }
    /* After a TLS 1.3 HelloRetryRequest: the same answer, logged once. */
    if (state && (state->peer_sni || state->sni_unmatched)) {
        const char *first = state->peer_sni ? state->peer_sni : state->sni_unmatched;

        if (strcasecmp(first, name) == 0)
            return state->peer_sni ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_NOACK;
        msg_warn("TLS SNI changed from %s initially %s, %s after hello retry", namaddr, first,
                 name);
        *alert = SSL_AD_HANDSHAKE_FAILURE;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    key = vstring_alloc(100);
    if ((pem = tls_sni_lookup(app, name, key, &error)) == NULL) {
        vstring_free(key);
        if (error) {
            msg_warn("%s: SNI %s: table lookup error", namaddr, name);
            *alert = SSL_AD_INTERNAL_ERROR;
            return SSL_TLSEXT_ERR_ALERT_FATAL;
        }
        if (app->log_mask & TLS_LOG_SUMMARY)
            msg_info("TLS SNI %s from %s not matched, using default chain", name, namaddr);
        if (state)
            state->sni_unmatched = mystrdup(name);
        return SSL_TLSEXT_ERR_NOACK;
    }
    why = vstring_alloc(100);
    if (SSL_set_SSL_CTX(ssl, app->sni_ctx) == NULL ||
        tls_certkey_load_pem(ssl, name, pem, strlen(pem), why) < 0) {
        /* A bad entry costs the name its chain, not the connection: the default chain. */
        msg_warn("%s: SNI %s: %s: bad value for key \"%s\": %s: using the default chain", namaddr,
                 name, app->sni_table ? app->sni_table : "tls_server_sni_maps", vstring_str(key),
                 VSTRING_LEN(why) ? vstring_str(why) : "cannot switch context");
        vstring_free(why);
        vstring_free(key);
        tls_clear_errors();
        if (SSL_set_SSL_CTX(ssl, app->ssl_ctx) == NULL) {
            *alert = SSL_AD_INTERNAL_ERROR;
            return SSL_TLSEXT_ERR_ALERT_FATAL;
        }
        if (state)
            state->sni_unmatched = mystrdup(name);
        return SSL_TLSEXT_ERR_NOACK;
    }
    vstring_free(why);
    vstring_free(key);
    if (state)
        state->peer_sni = mystrdup(name);
    return SSL_TLSEXT_ERR_OK;
}

/* tls_sni_setup - install the SNI callback */

int tls_sni_setup(TLS_APPL_STATE *app, SSL_CTX *ctx)
{
    SSL_CTX_set_tlsext_servername_callback(ctx, tls_sni_cb);
    SSL_CTX_set_tlsext_servername_arg(ctx, app);
    return 0;
}
