/*
 * tls_hello - what our ClientHello offered, as sent on the wire
 *
 * The engine's message callback hands every handshake message to
 * tls_hello_note(); for a client it records the size of each ClientHello,
 * the groups it offered and those it sent key shares for, and whether a
 * ServerHello (not a HelloRetryRequest) came back. posttls-finger shows
 * these facts; the SMTP client uses them to tell a peer that cannot take
 * a post-quantum ClientHello from other handshake failures.
 */
#ifndef TLS_HELLO_H
#define TLS_HELLO_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "vstring.h"
#include "tls.h"

#define TLS_HELLO_MAX_GROUPS 32 /* groups remembered per list */

typedef struct TLS_HELLO {
    size_t record_size;               /* bytes on the wire with the record header */
    int groups[TLS_HELLO_MAX_GROUPS]; /* supported_groups, TLS code points */
    int group_count;                  /* entries in groups[] */
    int shares[TLS_HELLO_MAX_GROUPS]; /* key_share groups */
    int share_count;                  /* entries in shares[] */
} TLS_HELLO;

extern int tls_hello_parse(const unsigned char *msg, size_t len, TLS_HELLO *out);
extern const char *tls_hello_names(VSTRING *out, const int *groups, int count);
extern void tls_hello_note(TLS_SESS_STATE *state, SSL *ssl, int write_p, int content_type,
                           const void *buf, size_t len);
extern bool tls_hello_offered_pq(const TLS_SESS_STATE *state);

#endif
