/*++
 * NAME
 *	tls_library - library set-up, parameters and per-connection state
 * SYNOPSIS
 *	#include <tls.h>
 *
 *	void	tls_params_init(TLS_PARAMS *params);
 *	const TLS_PARAMS *tls_params_or_default(const TLS_PARAMS *params);
 *
 *	int	tls_library_init(void);
 *
 *	TLS_SESS_STATE *tls_sess_alloc(bool am_server, const char *namaddr,
 *				int log_mask);
 *	void	tls_sess_free(TLS_SESS_STATE *state);
 *	TLS_SESS_STATE *tls_sess_from_ssl(const SSL *ssl);
 *
 *	void	tls_print_errors(void);
 *	void	tls_clear_errors(void);
 * DESCRIPTION
 *	tls_params_init() fills params with the Postfix defaults of the
 *	global tls_* parameters. tls_params_or_default() returns params,
 *	or a static copy of the defaults when params is NULL; NULL members
 *	of a caller's struct are not filled in, so daemons start from
 *	tls_params_init() and override.
 *
 *	tls_library_init() initialises OpenSSL once per process. It returns
 *	0, or -1 when OpenSSL cannot be initialised.
 *
 *	tls_sess_alloc() creates the per-connection state with empty peer
 *	facts; tls_sess_free() releases it and everything it owns,
 *	including the SSL object and the engine. tls_sess_from_ssl() finds
 *	the state of a connection from its SSL object (in callbacks).
 *
 *	tls_print_errors() logs and clears the OpenSSL error queue, one
 *	warning per entry; tls_clear_errors() only clears it.
 *--*/

#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"

#include "tls.h"
#include "tls_bio.h"

/* tls_params_init - the default global parameters */

void tls_params_init(TLS_PARAMS *params)
{
    *params = (TLS_PARAMS){
        .high_cipherlist = TLS_DEF_HIGH_CIPHERLIST,
        .medium_cipherlist = TLS_DEF_MEDIUM_CIPHERLIST,
        .null_cipherlist = TLS_DEF_NULL_CIPHERLIST,
        .eecdh_auto_curves = TLS_DEF_EECDH_AUTO_CURVES,
        .ffdhe_auto_groups = TLS_DEF_FFDHE_AUTO_GROUPS,
        .preempt_cipherlist = false,
        .ssl_options = "",
        .disable_workarounds = "",
        .session_ticket_cipher = TLS_DEF_TICKET_CIPHER,
        .fast_shutdown_enable = true,
        .append_default_CA = false,
    };
}

/* tls_params_or_default - the caller's parameters or the defaults */

const TLS_PARAMS *tls_params_or_default(const TLS_PARAMS *params)
{
    static TLS_PARAMS defaults;
    static bool done;

    if (params)
        return params;
    if (!done) {
        tls_params_init(&defaults);
        done = true;
    }
    return &defaults;
}

/* tls_library_init - initialise OpenSSL once */

int tls_library_init(void)
{
    static int status = 1;

    if (status == 1)
        status = OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS,
                                  NULL) == 1
                     ? 0
                     : -1;
    if (status < 0)
        msg_warn("cannot initialise the OpenSSL library");
    return status;
}

/* tls_sess_alloc - new per-connection state */

TLS_SESS_STATE *tls_sess_alloc(bool am_server, const char *namaddr, int log_mask)
{
    TLS_SESS_STATE *state = mycalloc(1, sizeof(*state));

    state->am_server = am_server;
    state->namaddr = mystrdup(namaddr ? namaddr : "unknown");
    state->log_mask = log_mask;
    state->peer_CN = mystrdup("");
    state->issuer_CN = mystrdup("");
    state->peer_cert_fprint = mystrdup("");
    state->peer_pkey_fprint = mystrdup("");
    state->matched_name = mystrdup("");
    state->verify_result = X509_V_OK;
    state->verify_depth = -1;
    state->protocol = "";
    state->cipher_name = "";
    return state;
}

/* tls_sess_free - release per-connection state */

void tls_sess_free(TLS_SESS_STATE *state)
{
    if (state == NULL)
        return;
    tls_bio_free(state);
    if (state->ssl)
        SSL_free(state->ssl);
    myfree(state->namaddr);
    myfree(state->serverid);
    myfree(state->peer_CN);
    myfree(state->issuer_CN);
    myfree(state->peer_cert_fprint);
    myfree(state->peer_pkey_fprint);
    myfree(state->matched_name);
    myfree(state->peer_sni);
    myfree(state->sni_unmatched);
    myfree(state->mdalg);
    myfree(state->cache_id);
    myfree(state->verify_issuer);
    myfree(state->groups_configured);
    myfree(state->hello_groups);
    myfree(state->hello_shares);
    argv_free(state->match_names);
    argv_free(state->match_fprints);
    myfree(state);
}

/* tls_sess_from_ssl - per-connection state of an SSL object */

TLS_SESS_STATE *tls_sess_from_ssl(const SSL *ssl)
{
    return SSL_get_app_data(ssl);
}

/* tls_print_errors - log and clear the OpenSSL error queue */

void tls_print_errors(void)
{
    unsigned long err;
    const char *file, *data;
    int line, flags;
    char buf[256];

    while ((err = ERR_get_error_all(&file, &line, NULL, &data, &flags)) != 0) {
        ERR_error_string_n(err, buf, sizeof(buf));
        if (data && (flags & ERR_TXT_STRING))
            msg_warn("TLS library problem: %s:%s:%d:%s:", buf, file, line, data);
        else
            msg_warn("TLS library problem: %s:%s:%d:", buf, file, line);
    }
}

/* tls_clear_errors - clear the OpenSSL error queue */

void tls_clear_errors(void)
{
    ERR_clear_error();
}
