/*
 * tls_keyring.h - the session ticket keys that tlsmgr hands out
 *
 * Two keys live in memory only: the current one, which encrypts new
 * tickets for half the session timeout, and the previous one, which
 * with the current one still decrypts tickets until about a full
 * timeout after its creation. Asking for the current key after it has
 * stopped encrypting makes a new one; the oldest key is then wiped.
 */
#ifndef TLS_KEYRING_H
#define TLS_KEYRING_H

#include <time.h>

#include "tls.h"

typedef struct TLS_KEYRING TLS_KEYRING;

extern TLS_KEYRING *tls_keyring_create(int timeout);
extern int tls_keyring_get(TLS_KEYRING *ring, const unsigned char *name, time_t now,
                           TLS_TICKET_KEY *out_key);
extern int tls_keyring_count(const TLS_KEYRING *ring);
extern TLS_KEYRING *tls_keyring_free(TLS_KEYRING *ring);

#endif
