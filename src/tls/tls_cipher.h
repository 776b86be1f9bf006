/*
 * tls_cipher.h - cipher grades and exclusions to an OpenSSL cipher list
 *
 * Grades: "high", "medium", "null" ("low" and "export" mean medium, as in
 * Postfix 3.8). Each grade expands to its tls_*_cipherlist; exclusions
 * (whitespace, comma or colon separated) are appended as ":!token", and
 * tokens starting with one of "!+-@" are refused. The TLS 1.3 cipher
 * suites are not affected (OpenSSL configures them separately).
 */
#ifndef TLS_CIPHER_H
#define TLS_CIPHER_H

#include <openssl/ssl.h>

#include "vstring.h"
#include "tls.h"

#define TLS_CIPHER_NONE   0
#define TLS_CIPHER_NULL   1
#define TLS_CIPHER_MEDIUM 4
#define TLS_CIPHER_HIGH   5

extern int tls_cipher_grade(const char *name);
extern const char *tls_cipher_grade_name(int grade);
extern const char *tls_cipher_list(VSTRING *out, const TLS_PARAMS *params, const char *grade,
                                   const char *exclusions, VSTRING *why);

#endif
