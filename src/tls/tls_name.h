/*
 * tls_name.h - peer name matching (RFC 6125)
 *
 * Reference names are what we expect: "mx.example.com" matches exactly
 * that host, ".example.com" any host below example.com. Presented names
 * come from the certificate: the DNS subjectAltNames, or the subject
 * CommonNames when there is no DNS subjectAltName. Comparison is
 * case-insensitive (ASCII) and ignores one trailing dot on either side.
 * A wildcard is only a whole "*" leftmost label, matches exactly one
 * label, and needs at least two labels after it ("*.com" matches
 * nothing). Internationalised names match as A-labels ("xn--..."),
 * compared as ASCII; names with non-ASCII bytes (U-labels) never match.
 * A reference that is an IP address ("192.0.2.1", "[2001:db8::1]")
 * matches only an iPAddress subjectAltName with the same address, and
 * a DNS reference never matches an iPAddress subjectAltName.
 */
#ifndef TLS_NAME_H
#define TLS_NAME_H

#include <openssl/x509.h>

#include "argv.h"

extern int tls_name_match(const char *reference, const char *presented);
extern size_t tls_name_address(const char *name, unsigned char *out_addr);
extern ARGV *tls_name_presented(X509 *cert, int *out_has_dns_san);
extern const char *tls_name_match_cert(X509 *cert, const ARGV *references, char **out_matched);
extern ARGV *tls_name_expand(const char *strategies, const char *hostname, const char *nexthop);

#endif
