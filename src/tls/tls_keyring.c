/*++
 * NAME
 *	tls_keyring - the session ticket keys that tlsmgr hands out
 * SYNOPSIS
 *	#include <tls_keyring.h>
 *
 *	TLS_KEYRING *tls_keyring_create(int timeout);
 *	int	tls_keyring_get(TLS_KEYRING *ring, const unsigned char *name,
 *				time_t now, TLS_TICKET_KEY *out_key);
 *	int	tls_keyring_count(const TLS_KEYRING *ring);
 *	TLS_KEYRING *tls_keyring_free(TLS_KEYRING *ring);
 * DESCRIPTION
 *	tls_keyring_create() makes an empty ring for tickets that live
 *	timeout seconds (smtpd_tls_session_cache_timeout); with timeout <= 0
 *	the ring never hands out a key, which turns tickets off.
 *
 *	tls_keyring_get() with a null name returns the current encryption
 *	key: when there is none, or the current one has passed its time
 *	(key->tout < now), a new random key is made that encrypts until
 *	now + timeout/2 - 1; the old current key becomes the previous one
 *	and the key before it is wiped. With a name (TLS_TICKET_NAMELEN
 *	bytes) it returns the current or previous key of that name while
 *	key->tout + timeout/2 > now: a key encrypts for about half the
 *	timeout and decrypts for about the whole of it. now is the caller's
 *	clock, so tests can age keys. It returns 1 with the key copied to
 *	out_key, or 0 when there is no such key (or no random bytes).
 *
 *	tls_keyring_count() returns the number of keys held (0..2).
 *
 *	tls_keyring_free() wipes the keys, frees the ring and returns NULL.
 *--*/

/* System library. */
#include <string.h>

/* OpenSSL. */
#include <openssl/crypto.h>

/* Utility library. */
#include "mymalloc.h"

/* TLS library. */
#include "tls_keyring.h"
#include "tls_ticket.h"

struct TLS_KEYRING {
    int half;               /* seconds a key encrypts (timeout/2), or <= 0: no keys */
    TLS_TICKET_KEY keys[2]; /* [0] current, [1] previous */
    int count;              /* keys in use */
};

/* tls_keyring_rotate - a new current key; the previous one is wiped */

static int tls_keyring_rotate(TLS_KEYRING *ring, time_t now)
{
    TLS_TICKET_KEY fresh;

    if (tls_ticket_key_new(&fresh, now + ring->half - 1) < 0)
        return 0;
    OPENSSL_cleanse(&ring->keys[1], sizeof(ring->keys[1]));
    if (ring->count > 0)
        ring->keys[1] = ring->keys[0];
    ring->keys[0] = fresh;
    OPENSSL_cleanse(&fresh, sizeof(fresh));
    if (ring->count < 2)
        ring->count++;
    return 1;
}

/* tls_keyring_create - empty ring */

TLS_KEYRING *tls_keyring_create(int timeout)
{
    TLS_KEYRING *ring = mycalloc(1, sizeof(*ring));

    ring->half = timeout > 0 ? (timeout / 2 > 0 ? timeout / 2 : 1) : 0;
    return ring;
}

/* tls_keyring_get - the current key, or a key by name */

int tls_keyring_get(TLS_KEYRING *ring, const unsigned char *name, time_t now,
                    TLS_TICKET_KEY *out_key)
{
    if (ring->half <= 0)
        return 0;
    if (name == NULL) {
        if ((ring->count == 0 || ring->keys[0].tout < now) && !tls_keyring_rotate(ring, now))
            return 0;
        *out_key = ring->keys[0];
        return 1;
    }
    for (int i = 0; i < ring->count; i++) {
        const TLS_TICKET_KEY *key = ring->keys + i;

        if (memcmp(key->name, name, TLS_TICKET_NAMELEN) == 0 && key->tout + ring->half > now) {
            *out_key = *key;
            return 1;
        }
    }
    return 0;
}

/* tls_keyring_count - keys held */

int tls_keyring_count(const TLS_KEYRING *ring)
{
    return ring->count;
}

/* tls_keyring_free - wipe and free */

TLS_KEYRING *tls_keyring_free(TLS_KEYRING *ring)
{
    if (ring) {
        OPENSSL_cleanse(ring->keys, sizeof(ring->keys));
        myfree(ring);
    }
    return NULL;
}
