/*
 * tls_options.h - OpenSSL option bits from tls_ssl_options and
 * tls_disable_workarounds
 *
 * Both parameters take option names (without the SSL_OP_ prefix,
 * case-insensitive) or hex numbers, separated by whitespace or commas.
 * Bits the library manages itself (protocol exclusions, server cipher
 * preference, tolerating unexpected EOF) are masked out with a warning.
 */
#ifndef TLS_OPTIONS_H
#define TLS_OPTIONS_H

#include <stdint.h>

extern int tls_ssl_options(const char *param_name, const char *value, uint64_t *out_bits);
extern int tls_bug_bits(const char *param_name, const char *value, uint64_t *out_bits);

#endif
