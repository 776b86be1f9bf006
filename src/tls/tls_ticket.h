/*
 * tls_ticket.h - RFC 5077 session tickets on the server
 *
 * Ticket keys come from the daemon (TLS_CACHE_OPS.ticket_key; tlsmgr in
 * production). The current key encrypts; a ticket made with any key the
 * store still knows by name (current or previous) decrypts, and one made
 * with a key past its encryption time is renewed. Tickets are encrypted
 * with tls_session_ticket_cipher (a CBC cipher with a 16-byte IV and a
 * 16..32 byte key) and authenticated with HMAC-SHA256.
 */
#ifndef TLS_TICKET_H
#define TLS_TICKET_H

#include <openssl/ssl.h>

#include "tls.h"

extern int tls_ticket_setup(TLS_APPL_STATE *app, SSL_CTX *ctx);
extern int tls_ticket_key_new(TLS_TICKET_KEY *key, time_t expires);

#endif
