/*
 * tls_dh.h - key exchange groups: ECDHE curves and FFDHE parameters
 *
 * The groups offered for key exchange come from tls_eecdh_auto_curves and
 * tls_ffdhe_auto_groups, filtered to those this OpenSSL supports. TLS 1.2
 * DHE cipher suites use the RFC 7919 ffdhe2048 group unless a parameter
 * file (smtpd_tls_dh1024_param_file; the name is historic) says otherwise.
 */
#ifndef TLS_DH_H
#define TLS_DH_H

#include <openssl/ssl.h>

#include "vstring.h"
#include "tls.h"

extern const char *tls_dh_groups(VSTRING *out, const TLS_PARAMS *params);
extern int tls_dh_apply_groups(SSL_CTX *ctx, const TLS_PARAMS *params);
extern int tls_dh_apply_params(SSL_CTX *ctx, const char *param_name, const char *file);

#endif
