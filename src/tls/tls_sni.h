/*
 * tls_sni.h - server name indication on the server (tls_server_sni_maps)
 *
 * When a client sends SNI, the server looks the name up through the
 * daemon's sni_lookup callback: first the exact name, then each parent
 * domain with a leading dot (".example.com", ".com"). A match switches
 * the connection to a context without default keys and loads the PEM
 * key(s) and chain(s) of the table value; no match keeps the default
 * chain; a lookup error aborts the handshake.
 */
#ifndef TLS_SNI_H
#define TLS_SNI_H

#include <openssl/ssl.h>

#include "tls.h"

extern int tls_sni_setup(TLS_APPL_STATE *app, SSL_CTX *ctx);
extern int tls_sni_name_ok(const char *name);

#endif
