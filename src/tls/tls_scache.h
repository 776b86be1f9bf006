/*
 * tls_scache.h - session caching: cache keys and the OpenSSL callbacks
 *
 * Storage is the daemon's (TLS_CACHE_OPS: the tlsmgr client, or
 * tls_scache_mem for tests). Server entries are keyed by session id and
 * service; client entries by service, next hop, host, address, port and
 * a SHA-256 digest of the policy in force, so that a session made under
 * a weaker policy is never offered under a stricter one.
 */
#ifndef TLS_SCACHE_H
#define TLS_SCACHE_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "vstring.h"
#include "tls.h"

extern void tls_scache_server_setup(TLS_APPL_STATE *app, SSL_CTX *ctx, bool set_sessid);
extern void tls_scache_client_setup(TLS_APPL_STATE *app, SSL_CTX *ctx);
extern char *tls_scache_server_id(const unsigned char *session_id, size_t len,
                                  const char *serverid);
extern char *tls_scache_client_id(const char *serverid, const char *nexthop, const char *host,
                                  const char *addr, unsigned port, const char *policy);
extern int tls_scache_client_load(TLS_SESS_STATE *state);
extern void tls_scache_forget(TLS_SESS_STATE *state);

#endif
