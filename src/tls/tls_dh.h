/*
 * tls_dh.h - key exchange groups: ECDHE curves, hybrid ML-KEM groups and
 * FFDHE parameters
 *
 * The groups offered for key exchange come from tls_eecdh_auto_curves and
 * tls_ffdhe_auto_groups, filtered to those this OpenSSL supports; a
 * tls_policy "pq" attribute narrows them per destination. TLS 1.2
 * DHE cipher suites use the RFC 7919 ffdhe2048 group unless a parameter
 * file (smtpd_tls_dh1024_param_file; the name is historic) says otherwise.
 */
#ifndef TLS_DH_H
#define TLS_DH_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "vstring.h"
#include "tls.h"

/* Post-quantum modes (tls_policy attribute "pq"). */
#define TLS_DH_PQ_DEFAULT 0 /* "yes": the groups as configured */
#define TLS_DH_PQ_NO      1 /* "no": classical groups only */
#define TLS_DH_PQ_ONLY    2 /* "only": post-quantum groups only */

#define TLS_DH_MAX_SHARES 2 /* key shares a client sends at most */

extern const char *tls_dh_groups(VSTRING *out, const TLS_PARAMS *params);
extern int tls_dh_list(VSTRING *out, const TLS_PARAMS *params, bool am_server, int pq_mode);
extern int tls_dh_apply_groups(SSL_CTX *ctx, const TLS_PARAMS *params, bool am_server);
extern int tls_dh_apply_ssl(SSL *ssl, const TLS_PARAMS *params, int pq_mode, VSTRING *out_list);
extern bool tls_dh_group_is_pq(const char *name);
extern int tls_dh_pq_mode(const char *name);
extern const char *tls_dh_pq_name(int pq_mode);
extern int tls_dh_apply_params(SSL_CTX *ctx, const char *param_name, const char *file);

#endif
