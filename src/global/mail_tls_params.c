/*++
 * NAME
 *	mail_tls_params - the global tls_* parameters for the TLS library
 * SYNOPSIS
 *	#include <mail_tls_params.h>
 *
 *	void	mail_tls_params(CONFIG *config, TLS_PARAMS *out);
 * DESCRIPTION
 *	mail_tls_params() fills out with the values of tls_high_cipherlist,
 *	tls_medium_cipherlist, tls_null_cipherlist, tls_eecdh_auto_curves,
 *	tls_ffdhe_auto_groups, tls_preempt_cipherlist, tls_ssl_options,
 *	tls_disable_workarounds, tls_session_ticket_cipher,
 *	tls_fast_shutdown_enable and tls_append_default_CA. The strings
 *	belong to config and live as long as it does.
 * DIAGNOSTICS
 *	Fatal: a malformed boolean (see config(3)).
 *--*/

/* Global library. */
#include "config.h"
#include "mail_params.h"
#include "mail_tls_params.h"

/* mail_tls_params - fill TLS_PARAMS from main.cf */

void mail_tls_params(CONFIG *config, TLS_PARAMS *out)
{
    out->high_cipherlist = config_get_str(config, VAR_TLS_HIGH_CIPHERLIST);
    out->medium_cipherlist = config_get_str(config, VAR_TLS_MEDIUM_CIPHERLIST);
    out->null_cipherlist = config_get_str(config, VAR_TLS_NULL_CIPHERLIST);
    out->eecdh_auto_curves = config_get_str(config, VAR_TLS_EECDH_AUTO_CURVES);
    out->ffdhe_auto_groups = config_get_str(config, VAR_TLS_FFDHE_AUTO_GROUPS);
    out->preempt_cipherlist = config_get_bool(config, VAR_TLS_PREEMPT_CIPHERLIST);
    out->ssl_options = config_get_str(config, VAR_TLS_SSL_OPTIONS);
    out->disable_workarounds = config_get_str(config, VAR_TLS_DISABLE_WORKAROUNDS);
    out->session_ticket_cipher = config_get_str(config, VAR_TLS_SESSION_TICKET_CIPHER);
    out->fast_shutdown_enable = config_get_bool(config, VAR_TLS_FAST_SHUTDOWN_ENABLE);
    out->append_default_CA = config_get_bool(config, VAR_TLS_APPEND_DEFAULT_CA);
}
