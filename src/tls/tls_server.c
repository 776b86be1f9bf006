/*++
 * NAME
 *	tls_server - the server TLS engine
 * SYNOPSIS
 *	#include <tls_server.h>
 *
 *	TLS_APPL_STATE *tls_server_init(const TLS_SERVER_INIT_PROPS *props);
 *	TLS_SESS_STATE *tls_server_start(const TLS_SERVER_START_PROPS *props);
 *	TLS_SESS_STATE *tls_server_open(const TLS_SERVER_START_PROPS *props);
 *	int	tls_server_post_accept(TLS_SESS_STATE *state);
 *	void	tls_server_stop(TLS_SESS_STATE *state, VSTREAM *stream,
 *				int timeout, bool failure);
 *	void	tls_server_free(TLS_APPL_STATE *ctx);
 * DESCRIPTION
 *	tls_server_init() builds the per-process server context: protocol
 *	range, cipher grade and exclusions (plus aNULL when asking for client
 *	certificates), key exchange groups and FFDHE
 *	parameters, trusted CAs and (with ask_ccert) the CA name list sent
 *	to clients, the server keys and chains, raw public keys (RFC 7250,
 *	tls_rpk(3): ours to a client that asks for it, and, with
 *	props->enable_rpk, the client's asked for when its credentials are
 *	asked for), session caching and tickets
 *	through props->cache, and the SNI callback when props->sni_lookup is
 *	set. It returns NULL after exactly one warning that names the
 *	failing parameter and file and ends in "disabling TLS support".
 *
 *	tls_server_start() creates the session for one connection, runs the
 *	handshake within props->timeout seconds, fills the peer facts,
 *	logs the summary (and verification problems when a certificate is
 *	required or the log level asks), and, when props->stream is given,
 *	plugs the session into the stream (tls_stream_start()). The caller
 *	must have purged the stream before. It returns NULL after logging
 *	why the handshake failed.
 *
 *	tls_server_open() and tls_server_post_accept() are the two halves of
 *	tls_server_start() without the handshake, for callers that drive
 *	the engine themselves with tls_bio_step() (tests, event loops).
 *	tls_server_post_accept() returns 0.
 *
 *	tls_server_stop() ends a session: unless failure is set it sends
 *	close_notify (waiting for the peer's only when tls_fast_shutdown_enable
 *	is off), restores the stream when given, deletes the cached session
 *	after a failure, and frees the state.
 *
 *	tls_server_free() releases a context.
 *--*/

#include <errno.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_appl.h"
#include "tls_bio.h"
#include "tls_certkey.h"
#include "tls_dh.h"
#include "tls_facts.h"
#include "tls_fprint.h"
#include "tls_log.h"
#include "tls_rpk.h"
#include "tls_scache.h"
#include "tls_server.h"
#include "tls_sni.h"
#include "tls_stream.h"
#include "tls_ticket.h"
#include "tls_verify.h"

/* tls_server_settings - copy the plain settings into the context */

static int tls_server_settings(TLS_APPL_STATE *app, const TLS_SERVER_INIT_PROPS *props,
                               VSTRING *why)
{
    const char *prefix = props->param_prefix ? props->param_prefix : "smtpd";

    app->param_prefix = mystrdup(prefix);
    if (props->params)
        app->params = *props->params;
    app->log_mask = tls_log_mask(props->log_param ? props->log_param : "smtpd_tls_loglevel",
                                 props->log_level ? props->log_level : "0");
    if (app->log_mask < 0) {
        vstring_sprintf(why, "invalid %s \"%s\"",
                        props->log_param ? props->log_param : "smtpd_tls_loglevel",
                        props->log_level);
        return -1;
    }
    app->mdalg = mystrdup(props->mdalg && *props->mdalg ? props->mdalg : TLS_DEFAULT_MDALG);
    if (!tls_digest_ok(app->mdalg)) {
        vstring_sprintf(why, "invalid %s_tls_fingerprint_digest \"%s\"", prefix, app->mdalg);
        return -1;
    }
    app->cache_type = mystrdup(props->cache_type ? props->cache_type : "smtpd");
    app->serverid = mystrdup(props->serverid ? props->serverid : "smtpd");
    app->verifydepth = props->verifydepth > 0 ? props->verifydepth : 9;
    app->ask_ccert = props->ask_ccert;
    app->session_timeout = props->session_timeout;
    app->cache = props->cache;
    app->fast_shutdown = app->params.fast_shutdown_enable;
    app->sni_lookup = props->sni_lookup;
    app->sni_context = props->sni_context;
    app->sni_table = mystrdup(props->sni_table ? props->sni_table : "tls_server_sni_maps");
    return 0;
}

/* tls_server_trust - CAs, and the CA name list when asking for client certificates */

static int tls_server_trust(TLS_APPL_STATE *app, SSL_CTX *ctx, const TLS_SERVER_INIT_PROPS *props,
                            VSTRING *why)
{
    if (tls_certkey_set_ca(ctx, app->param_prefix, props->CAfile, props->CApath,
                           app->params.append_default_CA, why) < 0)
        return -1;
    if (app->ask_ccert && props->CAfile && *props->CAfile) {
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(props->CAfile);

        if (names == NULL) {
            vstring_sprintf(why, "cannot load the CA name list from %s_tls_CAfile = %s",
                            app->param_prefix, props->CAfile);
            ERR_clear_error();
            return -1;
        }
        SSL_CTX_set_client_CA_list(ctx, names);
    }
    return 0;
}

/* tls_server_keys - server keys and chains */

static int tls_server_keys(TLS_APPL_STATE *app, SSL_CTX *ctx, const TLS_SERVER_INIT_PROPS *props,
                           VSTRING *why)
{
    TLS_CERTKEY_FILES files = {
        .param_prefix = app->param_prefix,
        .chain_files = props->chain_files,
        .cert_file = props->cert_file,
        .key_file = props->key_file,
        .dcert_file = props->dcert_file,
        .dkey_file = props->dkey_file,
        .eccert_file = props->eccert_file,
        .eckey_file = props->eckey_file,
    };
    int status = tls_certkey_load(ctx, &files, why);

    if (status < 0)
        return -1;

    if (status == TLS_CERTKEY_NONE) {
        if (props->cert_file == NULL || strcasecmp(props->cert_file, "none") != 0) {
            vstring_sprintf(why,
                            "no server certificate: set %s_tls_chain_files (or "
                            "%s_tls_cert_file, or %s_tls_cert_file = none)",
                            app->param_prefix, app->param_prefix, app->param_prefix);
            return -1;
        }
        /* Without a certificate only TLS <= 1.2 anonymous cipher suites can work. */
        if (SSL_CTX_get_max_proto_version(ctx) == 0 ||
            SSL_CTX_get_max_proto_version(ctx) > TLS1_2_VERSION)
            SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    }
    return 0;
}

/* tls_server_ctx - one server SSL_CTX with everything but keys */

static SSL_CTX *tls_server_ctx(TLS_APPL_STATE *app, const TLS_SERVER_INIT_PROPS *props,
                               VSTRING *why)
{
    VSTRING *param = vstring_alloc(40);
    SSL_CTX *ctx;

    /* A server that asks for client certificates cannot use anonymous ciphers. */
    vstring_sprintf(param, "%s%s", props->cipher_exclusions ? props->cipher_exclusions : "",
                    props->ask_ccert ? " aNULL" : "");
    ctx = tls_appl_ctx_new(app, props->protocols ? props->protocols : "",
                           props->cipher_grade ? props->cipher_grade : "medium", vstring_str(param),
                           why);
    if (ctx == NULL) {
        vstring_free(param);
        return NULL;
    }
    vstring_sprintf(param, "%s_tls_dh1024_param_file", app->param_prefix);
    tls_dh_apply_params(ctx, vstring_str(param), props->dh1024_param_file);
    vstring_free(param);
    if (tls_server_trust(app, ctx, props, why) < 0) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    /* Our raw public key to clients that ask; theirs when enable_rpk. */
    if (tls_rpk_server_ctx(ctx, props->enable_rpk) < 0) {
        vstring_sprintf(why, "cannot enable raw public keys (%s_tls_enable_rpk)",
                        app->param_prefix);
        ERR_clear_error();
        SSL_CTX_free(ctx);
        return NULL;
    }
    tls_scache_server_setup(app, ctx, props->set_sessid);
    tls_ticket_setup(app, ctx);
    return ctx;
}

/* tls_server_init - build the server context */

TLS_APPL_STATE *tls_server_init(const TLS_SERVER_INIT_PROPS *props)
{
    TLS_APPL_STATE *app;
    VSTRING *why = vstring_alloc(100);
    int status = -1;

    if (tls_library_init() < 0) {
        vstring_free(why);
        return NULL;
    }
    app = tls_appl_alloc(true);
    if (tls_server_settings(app, props, why) == 0 &&
        (app->ssl_ctx = tls_server_ctx(app, props, why)) != NULL &&
        tls_server_keys(app, app->ssl_ctx, props, why) == 0)
        status = 0;
    if (status == 0 && app->sni_lookup &&
        ((app->sni_ctx = tls_server_ctx(app, props, why)) == NULL ||
         tls_sni_setup(app, app->ssl_ctx) < 0))
        status = -1;
    if (status < 0) {
        msg_warn("%s: disabling TLS support", vstring_str(why));
        tls_appl_free(app);
        app = NULL;
    }
    ERR_clear_error();
    vstring_free(why);
    return app;
}

/* tls_server_open - per-connection state and SSL object, before the handshake */

TLS_SESS_STATE *tls_server_open(const TLS_SERVER_START_PROPS *props)
{
    TLS_APPL_STATE *app = props->ctx;
    TLS_SESS_STATE *state;
    TLS_TRANSPORT transport;
    int log_mask = app->log_mask | (props->requirecert ? TLS_LOG_UNTRUSTED : 0);

    state = tls_sess_alloc(true, props->namaddr, log_mask);
    state->app = app;
    state->mdalg = mystrdup(app->mdalg);
    state->serverid = mystrdup(props->serverid ? props->serverid : app->serverid);
    if (log_mask & TLS_LOG_VERBOSE)
        msg_info("setting up TLS connection from %s", state->namaddr);
    if ((state->ssl = SSL_new(app->ssl_ctx)) == NULL) {
        msg_warn("%s: cannot create an SSL object", state->namaddr);
        tls_print_errors();
        tls_sess_free(state);
        return NULL;
    }
    transport =
        props->transport
            ? *props->transport
            : tls_transport_socket(props->stream ? vstream_fileno(props->stream) : props->fd);
    if (tls_bio_attach(state, &transport) < 0) {
        if (transport.release)
            transport.release(transport.context);
        tls_sess_free(state);
        return NULL;
    }
    if (app->ask_ccert || props->requirecert) {
        tls_verify_setup(state->ssl, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, app->verifydepth);
        if (props->requirecert)
            SSL_set_security_level(state->ssl, 1);
    }
    SSL_set_accept_state(state->ssl);
    return state;
}

/* tls_server_post_accept - facts and logging after the handshake */

int tls_server_post_accept(TLS_SESS_STATE *state)
{
    tls_facts_collect(state);
    tls_verify_peer(state);
    tls_log_peercert(state);
    tls_verify_log_failure(state);
    tls_log_summary(state);
    return 0;
}

/* tls_server_start - handshake with one client */

TLS_SESS_STATE *tls_server_start(const TLS_SERVER_START_PROPS *props)
{
    TLS_SESS_STATE *state = tls_server_open(props);

    if (state == NULL)
        return NULL;
    if (tls_bio_handshake(state, props->timeout > 0 ? props->timeout * 1000 : -1) < 0) {
        tls_log_handshake_error(state, errno);
        tls_sess_free(state);
        return NULL;
    }
    tls_server_post_accept(state);
    if (props->stream)
        tls_stream_start(props->stream, state);
    return state;
}

/* tls_server_stop - end a session */

void tls_server_stop(TLS_SESS_STATE *state, VSTREAM *stream, int timeout, bool failure)
{
    if (state == NULL)
        return;
    if (!failure && state->engine)
        tls_bio_shutdown(state, timeout > 0 ? timeout * 1000 : -1,
                         state->app ? state->app->fast_shutdown : true);
    if (failure && state->ssl) {
        SSL_SESSION *session = SSL_get_session(state->ssl);
        unsigned int len = 0;
        const unsigned char *sid = session ? SSL_SESSION_get_id(session, &len) : NULL;

        if (sid && len && state->app && state->app->cache.cache_delete) {
            char *cache_id = tls_scache_server_id(sid, len, state->app->serverid);

            state->app->cache.cache_delete(state->app->cache.context, cache_id);
            myfree(cache_id);
        }
    }
    if (stream)
        tls_stream_stop(stream);
    tls_sess_free(state);
}

/* tls_server_free - release a context */

void tls_server_free(TLS_APPL_STATE *ctx)
{
    tls_appl_free(ctx);
}
