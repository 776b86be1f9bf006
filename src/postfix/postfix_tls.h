/*
 * postfix_tls.h - "postfix tls": key, certificate and digest primitives
 *
 * postfix_tls.c parses the subcommands and edits main.cf;
 * postfix_tls_key.c does the cryptography with the OpenSSL library.
 */
#ifndef POSTFIX_TLS_H
#define POSTFIX_TLS_H

#include <openssl/evp.h>

#include "argv.h"
#include "vstring.h"

#define POSTFIX_TLS_ALG_RSA   "rsa" /* key algorithm names, as Postfix spells them */
#define POSTFIX_TLS_ALG_ECDSA "ecdsa"

/* postfix_tls_key.c */
extern EVP_PKEY *postfix_tls_key_generate(const char *algorithm, const char *bits, VSTRING *why);
extern EVP_PKEY *postfix_tls_key_read(const char *path, VSTRING *why);
extern int postfix_tls_key_read_each(const char *path, void (*fn)(EVP_PKEY *key, void *context),
                                     void *context, VSTRING *why);
extern const char *postfix_tls_key_algorithm(const EVP_PKEY *key);
extern int postfix_tls_key_write(const EVP_PKEY *key, const char *path, VSTRING *why);
extern int postfix_tls_cert_write(EVP_PKEY *key, const ARGV *names, const char *path, VSTRING *why);
extern EVP_PKEY *postfix_tls_cert_pubkey(const char *path, VSTRING *why);
extern int postfix_tls_csr_write(EVP_PKEY *key, const ARGV *names, int fd, VSTRING *why);
extern void postfix_tls_spki_sha256(const EVP_PKEY *key, VSTRING *out);

#endif
