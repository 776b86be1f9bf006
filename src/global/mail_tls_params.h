/*
 * mail_tls_params.h - the global tls_* parameters of main.cf for the TLS library
 *
 * Daemons that do TLS (smtpd, smtp, posttls-finger) bind the library's
 * TLS_PARAMS with the rest of their parameters: MAIL_TLS_PARAMS_BIND(p)
 * expands to the CONFIG_BIND entries of tls_high_cipherlist,
 * tls_medium_cipherlist, tls_null_cipherlist, tls_eecdh_auto_curves,
 * tls_ffdhe_auto_groups, tls_preempt_cipherlist, tls_ssl_options,
 * tls_disable_workarounds, tls_session_ticket_cipher,
 * tls_fast_shutdown_enable and tls_append_default_CA, each into the field
 * of the TLS_PARAMS that p points to:
 *
 *	static const CONFIG_BIND parameters[] = {
 *	    MAIL_TLS_PARAMS_BIND(&daemon_config.tls_params),
 *	    ...
 *	    CONFIG_BIND_END,
 *	};
 *
 * The strings belong to the CONFIG and live as long as it does.
 */
#ifndef MAIL_TLS_PARAMS_H
#define MAIL_TLS_PARAMS_H

#include "config.h"
#include "mail_params.h"
#include "tls.h"

#define MAIL_TLS_PARAMS_BIND(P)                                                                    \
    CONFIG_BIND_STR(VAR_TLS_HIGH_CIPHERLIST, &(P)->high_cipherlist),                               \
        CONFIG_BIND_STR(VAR_TLS_MEDIUM_CIPHERLIST, &(P)->medium_cipherlist),                       \
        CONFIG_BIND_STR(VAR_TLS_NULL_CIPHERLIST, &(P)->null_cipherlist),                           \
        CONFIG_BIND_STR(VAR_TLS_EECDH_AUTO_CURVES, &(P)->eecdh_auto_curves),                       \
        CONFIG_BIND_STR(VAR_TLS_FFDHE_AUTO_GROUPS, &(P)->ffdhe_auto_groups),                       \
        CONFIG_BIND_BOOL(VAR_TLS_PREEMPT_CIPHERLIST, &(P)->preempt_cipherlist),                    \
        CONFIG_BIND_STR(VAR_TLS_SSL_OPTIONS, &(P)->ssl_options),                                   \
        CONFIG_BIND_STR(VAR_TLS_DISABLE_WORKAROUNDS, &(P)->disable_workarounds),                   \
        CONFIG_BIND_STR(VAR_TLS_SESSION_TICKET_CIPHER, &(P)->session_ticket_cipher),               \
        CONFIG_BIND_BOOL(VAR_TLS_FAST_SHUTDOWN_ENABLE, &(P)->fast_shutdown_enable),                \
        CONFIG_BIND_BOOL(VAR_TLS_APPEND_DEFAULT_CA, &(P)->append_default_CA)

#endif
