/*++
 * NAME
 *	tls_scache_mem - an in-memory session cache and ticket key store
 * SYNOPSIS
 *	#include <tls_scache_mem.h>
 *
 *	TLS_SCACHE_MEM *tls_scache_mem_create(int timeout);
 *	TLS_CACHE_OPS tls_scache_mem_ops(TLS_SCACHE_MEM *cache);
 *	int	tls_scache_mem_count(const TLS_SCACHE_MEM *cache);
 *	void	tls_scache_mem_set_time(TLS_SCACHE_MEM *cache, time_t now);
 *	void	tls_scache_mem_free(TLS_SCACHE_MEM *cache);
 * DESCRIPTION
 *	tls_scache_mem_create() makes an empty store whose ticket keys
 *	live for timeout seconds. tls_scache_mem_ops() returns the callbacks
 *	to put in the init props (the store stays owned by the caller).
 *	tls_scache_mem_count() counts the cached sessions.
 *	tls_scache_mem_set_time() makes the store use a fixed clock (0:
 *	the real one), so tests can age keys. tls_scache_mem_free()
 *	releases the store and wipes the keys.
 *
 *	Ticket keys: a request for the current key creates one when there is
 *	none or the current one has stopped encrypting (after timeout/2),
 *	keeping the previous key; a request by name finds either key while
 *	it is younger than the full timeout.
 *--*/

#include <string.h>

#include <openssl/crypto.h>

#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_scache_mem.h"
#include "tls_ticket.h"

/* One cached session. */
typedef struct TLS_SCACHE_ENTRY {
    char *id;                      /* cache key, owned */
    VSTRING *value;                /* serialised session, owned */
    struct TLS_SCACHE_ENTRY *next; /* list link */
} TLS_SCACHE_ENTRY;

struct TLS_SCACHE_MEM {
    TLS_SCACHE_ENTRY *head; /* sessions */
    int timeout;            /* ticket key lifetime */
    time_t fixed_now;       /* test clock, or 0 */
    TLS_TICKET_KEY keys[2]; /* [0] current, [1] previous */
    int key_count;          /* keys in use */
};

/* tls_scache_mem_now - the store's clock */

static time_t tls_scache_mem_now(const TLS_SCACHE_MEM *cache)
{
    return cache->fixed_now ? cache->fixed_now : time(NULL);
}

/* tls_scache_mem_find - entry by id */

static TLS_SCACHE_ENTRY **tls_scache_mem_find(TLS_SCACHE_MEM *cache, const char *id)
{
    TLS_SCACHE_ENTRY **pp;

    for (pp = &cache->head; *pp && strcmp((*pp)->id, id) != 0; pp = &(*pp)->next)
        /* void */;
    return pp;
}

/* tls_scache_mem_lookup - copy out a session */

static int tls_scache_mem_lookup(void *context, const char *id, VSTRING *out)
{
    TLS_SCACHE_ENTRY *entry = *tls_scache_mem_find(context, id);

    if (entry == NULL)
        return 0;
    vstring_memcpy(out, vstring_str(entry->value), VSTRING_LEN(entry->value));
    return 1;
}

/* tls_scache_mem_update - store a session */

static int tls_scache_mem_update(void *context, const char *id, const void *data, size_t len)
{
    TLS_SCACHE_ENTRY **pp = tls_scache_mem_find(context, id);

    if (*pp == NULL) {
        *pp = mycalloc(1, sizeof(**pp));
        (*pp)->id = mystrdup(id);
        (*pp)->value = vstring_alloc(len);
    }
    vstring_memcpy((*pp)->value, data, len);
    return 1;
}

/* tls_scache_mem_delete - remove a session */

static int tls_scache_mem_delete(void *context, const char *id)
{
    TLS_SCACHE_ENTRY **pp = tls_scache_mem_find(context, id), *entry = *pp;

    if (entry == NULL)
        return 0;
    *pp = entry->next;
    myfree(entry->id);
    vstring_free(entry->value);
    myfree(entry);
    return 1;
}

/* tls_scache_mem_key - current or named ticket key */

static int tls_scache_mem_key(void *context, const unsigned char *name, TLS_TICKET_KEY *out)
{
    TLS_SCACHE_MEM *cache = context;
    time_t now = tls_scache_mem_now(cache);

    if (cache->timeout <= 0)
        return 0;
    if (name == NULL) {
        if (cache->key_count == 0 || cache->keys[0].tout < now) {
            cache->keys[1] = cache->keys[0];
            if (tls_ticket_key_new(&cache->keys[0], now + cache->timeout / 2 - 1) < 0)
                return 0;
            cache->key_count = cache->key_count ? 2 : 1;
        }
        *out = cache->keys[0];
        return 1;
    }
    for (int i = 0; i < cache->key_count; i++) {
        TLS_TICKET_KEY *key = &cache->keys[i];

        if (memcmp(key->name, name, TLS_TICKET_NAMELEN) == 0 &&
            key->tout + cache->timeout / 2 >= now) {
            *out = *key;
            return 1;
        }
    }
    return 0;
}

/* tls_scache_mem_create - empty store */

TLS_SCACHE_MEM *tls_scache_mem_create(int timeout)
{
    TLS_SCACHE_MEM *cache = mycalloc(1, sizeof(*cache));

    cache->timeout = timeout;
    return cache;
}

/* tls_scache_mem_ops - callbacks for the init props */

TLS_CACHE_OPS tls_scache_mem_ops(TLS_SCACHE_MEM *cache)
{
    return (TLS_CACHE_OPS){
        .cache_lookup = tls_scache_mem_lookup,
        .cache_update = tls_scache_mem_update,
        .cache_delete = tls_scache_mem_delete,
        .ticket_key = tls_scache_mem_key,
        .context = cache,
    };
}

/* tls_scache_mem_count - cached sessions */

int tls_scache_mem_count(const TLS_SCACHE_MEM *cache)
{
    int count = 0;

    for (const TLS_SCACHE_ENTRY *entry = cache->head; entry; entry = entry->next)
        count++;
    return count;
}

/* tls_scache_mem_set_time - fixed clock for tests */

void tls_scache_mem_set_time(TLS_SCACHE_MEM *cache, time_t now)
{
    cache->fixed_now = now;
}

/* tls_scache_mem_free - release the store */

void tls_scache_mem_free(TLS_SCACHE_MEM *cache)
{
    if (cache == NULL)
        return;
    while (cache->head)
        tls_scache_mem_delete(cache, cache->head->id);
    OPENSSL_cleanse(cache->keys, sizeof(cache->keys));
    myfree(cache);
}
