/*
 * tls_log.h - TLS log levels, the handshake summary line and the
 * Received: header comment
 *
 * *_tls_loglevel is a number 0..9 or a list of keywords. 0 (none) logs
 * nothing routine; 1 (routine) adds the summary line; 2 (debug) adds
 * library details, cache operations and the OpenSSL state trace; 3
 * (ssl-expert) adds handshake packet dumps; 4..9 (ssl-developer) dumps all
 * traffic. Keywords: summary untrusted peercert certmatch verbose cache
 * dane ssl-debug ssl-handshake-packet-dump ssl-session-packet-dump.
 */
#ifndef TLS_LOG_H
#define TLS_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "vstring.h"
#include "tls.h"

#define TLS_LOG_NONE      0
#define TLS_LOG_SUMMARY   (1 << 0) /* the summary line */
#define TLS_LOG_UNTRUSTED (1 << 1) /* chain verification errors */
#define TLS_LOG_PEERCERT  (1 << 2) /* peer certificate facts */
#define TLS_LOG_CERTMATCH (1 << 3) /* name and fingerprint matches */
#define TLS_LOG_VERBOSE   (1 << 4) /* library details */
#define TLS_LOG_CACHE     (1 << 5) /* session cache operations */
#define TLS_LOG_DEBUG     (1 << 6) /* OpenSSL state trace */
#define TLS_LOG_TLSPKTS   (1 << 7) /* handshake packet dump */
#define TLS_LOG_ALLPKTS   (1 << 8) /* all packets */
#define TLS_LOG_DANE      (1 << 9) /* DANE matches */

extern int tls_log_mask(const char *param_name, const char *value);
extern const char *tls_log_trust(const TLS_SESS_STATE *state);
extern const char *tls_log_summary_text(VSTRING *out, const TLS_SESS_STATE *state);
extern void tls_log_summary(const TLS_SESS_STATE *state);
extern void tls_log_peercert(const TLS_SESS_STATE *state);
extern void tls_log_handshake_error(const TLS_SESS_STATE *state, int err);
extern const char *tls_received_comment(VSTRING *out, const TLS_SESS_STATE *state, bool ask_ccert);
extern void tls_log_info(const TLS_SESS_STATE *state, int where, int ret);
extern void tls_log_packet(int write_p, int version, int content_type, const void *buf, size_t len,
                           SSL *ssl, void *arg);

#endif
