/*
 * tls_tafile.h - trust anchor files for one client connection
 *
 * At the verify and secure levels, smtp_tls_trust_anchor_file or the
 * policy's tafile= replaces the CAfile/CApath trust for that connection:
 * the server chain must lead to one of the certificates in the files.
 */
#ifndef TLS_TAFILE_H
#define TLS_TAFILE_H

#include <openssl/ssl.h>

#include "vstring.h"

extern int tls_tafile_load(SSL *ssl, const char *files, VSTRING *why);
extern void tls_tafile_identity(VSTRING *out, const char *files);

#endif
