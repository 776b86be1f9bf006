/*
 * tls_proto.h - TLS protocol lists to a version range
 *
 * Parses smtpd_tls_protocols and friends: names (SSLv2 SSLv3 TLSv1
 * TLSv1.1 TLSv1.2 TLSv1.3) to include, "!name" to exclude, ">=version"
 * and "<=version" for bounds (a name, "None" or a hex version such as
 * 0303 or 0x303), separated by whitespace, commas or colons.
 *
 * OpenSSL only takes a contiguous range (SSL_CTX_set_min/max_proto_version).
 * An include/exclude list with a hole is resolved as Postfix documents:
 * the range starts at the lowest enabled protocol and ends below the first
 * disabled protocol above it, so a disabled version also disables every
 * higher one ("!SSLv2, !SSLv3, !TLSv1.1" leaves only TLSv1). SSLv2, which
 * OpenSSL does not implement, is accepted in lists but never enabled.
 *
 * Versions use OpenSSL numbering (TLS1_2_VERSION...); 0 means "no bound".
 */
#ifndef TLS_PROTO_H
#define TLS_PROTO_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "vstring.h"

extern int tls_proto_parse(const char *list, int *out_min, int *out_max, VSTRING *why);
extern int tls_proto_apply_ctx(SSL_CTX *ctx, int min_version, int max_version);
extern int tls_proto_apply_ssl(SSL *ssl, int min_version, int max_version);
extern const char *tls_proto_name(int version);
extern bool tls_proto_caps_to_tls12(int min_version, int max_version);

#endif
