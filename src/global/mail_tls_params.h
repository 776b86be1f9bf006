/*
 * mail_tls_params.h - the global tls_* parameters of main.cf for the TLS library
 *
 * Daemons that do TLS (smtpd, smtp, tlsproxy) fill the library's
 * TLS_PARAMS from their configuration with one call.
 */
#ifndef MAIL_TLS_PARAMS_H
#define MAIL_TLS_PARAMS_H

#include "config.h"
#include "tls.h"

extern void mail_tls_params(CONFIG *config, TLS_PARAMS *out);

#endif
