/*
 * tls_proxy.h - a TLS client session handed to tlsproxy(8): the
 * settings that travel there and the facts that come back
 *
 * The smtp client asks tlsproxy to do its handshake (TLS connection
 * reuse). The engine settings (TLS_CLIENT_INIT_PROPS) and the settings
 * of the one connection (TLS_CLIENT_START_PROPS) go to tlsproxy as
 * attributes; after the handshake tlsproxy sends the facts about the
 * session and the server (TLS_SESS_STATE's public part) back, and the
 * client keeps them in a state without an SSL object. Both sides use
 * this module, so the attribute names live here alone.
 */
#ifndef TLS_PROXY_H
#define TLS_PROXY_H

#include <stdbool.h>

#include "htable.h"
#include "vstream.h"
#include "vstring.h"

#include "tls.h"
#include "tls_client.h"

/* What tlsproxy received: the props point into the table (owned). */
typedef struct TLS_PROXY_CLIENT {
    HTABLE *table;                /* the request attributes, owned */
    TLS_CLIENT_INIT_PROPS init;   /* engine settings (params: tlsproxy's own) */
    TLS_CLIENT_START_PROPS start; /* connection settings (ctx, fd: set by tlsproxy) */
    VSTRING *init_key;            /* the engine settings as one text: the context's key */
} TLS_PROXY_CLIENT;

extern int tls_proxy_client_print(VSTREAM *stream, const TLS_CLIENT_INIT_PROPS *init,
                                  const TLS_CLIENT_START_PROPS *start);
extern int tls_proxy_client_scan(TLS_PROXY_CLIENT *client, HTABLE *table);
extern void tls_proxy_client_free(TLS_PROXY_CLIENT *client);
extern const char *tls_proxy_init_key(VSTRING *out, const TLS_CLIENT_INIT_PROPS *init);

extern int tls_proxy_facts_print(VSTREAM *stream, const TLS_SESS_STATE *state, bool pq_suspect,
                                 bool tls12_retry_ok);
extern TLS_SESS_STATE *tls_proxy_facts_scan(VSTREAM *stream, const char *namaddr, int log_mask,
                                            bool *out_pq_suspect, bool *out_tls12_retry_ok);

/* A state from tls_proxy_facts_scan() has no SSL object: free it with tls_sess_free(). */
#define TLS_PROXY_STATE(s) ((s) != NULL && (s)->ssl == NULL)

#endif
