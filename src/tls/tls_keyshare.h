/*
 * tls_keyshare.h - session ticket keys shared by several hosts through a table
 *
 * The hosts of a cluster agree on one ticket key per period of half the
 * session timeout: whichever needs the key of a period first makes it and
 * adds it to the table (memcache:) unless another host was first. Entries
 * are sealed (AES-256-GCM under a key derived from a secret that every
 * host has), so an entry that is damaged or made with another secret is
 * ignored and logged, never used, and the keys cannot be read from the
 * table without the secret.
 */
#ifndef TLS_KEYSHARE_H
#define TLS_KEYSHARE_H

#include <stddef.h>
#include <time.h>

#include "dict.h"
#include "tls.h"
#include "vstring.h"

typedef struct TLS_KEYSHARE TLS_KEYSHARE;

/* Results of tls_keyshare_get(). */
#define TLS_KEYSHARE_FOUND  1  /* the key is in out_key */
#define TLS_KEYSHARE_NONE   0  /* no such key (or a bad entry, logged) */
#define TLS_KEYSHARE_FAILED -1 /* the table failed: why says it */

#define TLS_KEYSHARE_FLAG_MEMORY (1 << 0) /* tls_keyshare_get(): no table access */

extern TLS_KEYSHARE *tls_keyshare_create(DICT *dict, const unsigned char *secret, size_t len,
                                         int timeout);
extern int tls_keyshare_get(TLS_KEYSHARE *share, const unsigned char *name, time_t now, int flags,
                            TLS_TICKET_KEY *out_key, VSTRING *why);
extern int tls_keyshare_seal(TLS_KEYSHARE *share, long long period, const TLS_TICKET_KEY *key,
                             VSTRING *out);
extern const char *tls_keyshare_table_key(long long period, VSTRING *out);
extern TLS_KEYSHARE *tls_keyshare_free(TLS_KEYSHARE *share);

#endif
