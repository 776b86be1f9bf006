/*++
 * NAME
 *	tls_appl - the per-process engine context
 * SYNOPSIS
 *	#include <tls_appl.h>
 *
 *	TLS_APPL_STATE *tls_appl_alloc(bool am_server);
 *	void	tls_appl_free(TLS_APPL_STATE *app);
 *	SSL_CTX	*tls_appl_ctx_new(TLS_APPL_STATE *app, const char *protocols,
 *				const char *grade, const char *exclusions,
 *				VSTRING *why);
 * DESCRIPTION
 *	tls_appl_alloc() creates an empty context; tls_appl_free() releases
 *	it with its SSL_CTX objects.
 *
 *	tls_appl_ctx_new() creates an SSL_CTX with the settings that every
 *	context shares: OpenSSL security level 0 (interoperability; raised
 *	per connection where authentication is required), SSL_OP_ALL minus
 *	tls_disable_workarounds, tls_ssl_options, renegotiation disabled,
 *	an end of input without close_notify tolerated (the engine logs
 *	it), server cipher preference per tls_preempt_cipherlist, the key
 *	exchange groups, and, when given, the protocol range and the cipher
 *	list of a grade and exclusions. It returns NULL with the reason in
 *	why. The strings in app->params must outlive the context.
 *--*/

#include <stdint.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_appl.h"
#include "tls_cipher.h"
#include "tls_dh.h"
#include "tls_options.h"
#include "tls_proto.h"

/* tls_appl_alloc - empty context */

TLS_APPL_STATE *tls_appl_alloc(bool am_server)
{
    TLS_APPL_STATE *app = mycalloc(1, sizeof(*app));

    app->am_server = am_server;
    tls_params_init(&app->params);
    return app;
}

/* tls_appl_free - release a context */

void tls_appl_free(TLS_APPL_STATE *app)
{
    if (app == NULL)
        return;
    SSL_CTX_free(app->ssl_ctx);
    SSL_CTX_free(app->sni_ctx);
    EVP_CIPHER_free(app->ticket_cipher);
    myfree(app->param_prefix);
    myfree(app->cache_type);
    myfree(app->serverid);
    myfree(app->mdalg);
    myfree(app->protocols);
    myfree(app->mandatory_protocols);
    myfree(app->ciphers);
    myfree(app->mandatory_ciphers);
    myfree(app->exclude_ciphers);
    myfree(app->mandatory_exclude_ciphers);
    myfree(app->ca_identity);
    myfree(app->sni_table);
    myfree(app);
}

/* tls_appl_options - option bits from the global parameters */

static int tls_appl_options(TLS_APPL_STATE *app, uint64_t *out_options, VSTRING *why)
{
    uint64_t bugs, extra;

    if (tls_bug_bits("tls_disable_workarounds", app->params.disable_workarounds, &bugs) < 0 ||
        tls_ssl_options("tls_ssl_options", app->params.ssl_options, &extra) < 0) {
        vstring_strcpy(why, "invalid tls_disable_workarounds or tls_ssl_options setting");
        return -1;
    }
    *out_options = bugs | extra | SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF;
    if (app->am_server && app->params.preempt_cipherlist)
        *out_options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
    return 0;
}

/* tls_appl_ctx_new - SSL_CTX with the shared settings */

SSL_CTX *tls_appl_ctx_new(TLS_APPL_STATE *app, const char *protocols, const char *grade,
                          const char *exclusions, VSTRING *why)
{
    SSL_CTX *ctx;
    uint64_t options;
    int min_version, max_version;
    VSTRING *list;

    if (tls_appl_options(app, &options, why) < 0)
        return NULL;
    if (protocols && tls_proto_parse(protocols, &min_version, &max_version, why) < 0) {
        vstring_sprintf(why, "Invalid TLS protocol list \"%s\"", protocols);
        return NULL;
    }
    if ((ctx = SSL_CTX_new(app->am_server ? TLS_server_method() : TLS_client_method())) == NULL) {
        vstring_sprintf(why, "cannot create an OpenSSL context: %s",
                        ERR_reason_error_string(ERR_peek_last_error()));
        ERR_clear_error();
        return NULL;
    }
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_options(ctx, options);
    SSL_CTX_set_app_data(ctx, app);
    if (protocols && tls_proto_apply_ctx(ctx, min_version, max_version) < 0) {
        vstring_sprintf(why, "Invalid TLS protocol list \"%s\": OpenSSL refuses the range",
                        protocols);
        SSL_CTX_free(ctx);
        ERR_clear_error();
        return NULL;
    }
    if (grade) {
        list = vstring_alloc(200);
        if (tls_cipher_list(list, &app->params, grade, exclusions, why) == NULL ||
            SSL_CTX_set_cipher_list(ctx, vstring_str(list)) != 1) {
            vstring_free(list);
            SSL_CTX_free(ctx);
            ERR_clear_error();
            return NULL;
        }
        vstring_free(list);
    }
    tls_dh_apply_groups(ctx, &app->params, app->am_server);
    return ctx;
}
