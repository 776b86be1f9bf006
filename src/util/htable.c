/*++
 * NAME
 *	htable - a small hash table with string keys
 * SYNOPSIS
 *	#include <htable.h>
 *
 *	HTABLE	*htable_create(size_t size_hint);
 *	HTABLE_INFO *htable_enter(HTABLE *table, const char *key, void *value);
 *	void	*htable_find(const HTABLE *table, const char *key);
 *	HTABLE_INFO *htable_locate(const HTABLE *table, const char *key);
 *	int	htable_delete(HTABLE *table, const char *key,
 *				HTABLE_FREE_FN free_fn);
 *	void	htable_walk(HTABLE *table, HTABLE_WALK_FN fn, void *context);
 *	HTABLE_INFO **htable_list(const HTABLE *table);
 *	size_t	htable_used(const HTABLE *table);
 *	HTABLE	*htable_free(HTABLE *table, HTABLE_FREE_FN free_fn);
 * DESCRIPTION
 *	A chained hash table keyed by null-terminated strings. The table
 *	copies each key; values are opaque pointers that stay the caller's
 *	unless a free function is passed to htable_delete() or htable_free().
 *	The table doubles its bucket count as it fills.
 *
 *	htable_create() makes an empty table sized for about size_hint
 *	entries (0 is fine).
 *
 *	htable_enter() adds key with value and returns the new entry, whose
 *	value member the caller may change later. The key must not be
 *	present yet: use htable_locate() first when it might be.
 *
 *	htable_find() returns the value stored under key, or NULL (which is
 *	ambiguous when NULL values are stored; htable_locate() is not).
 *	htable_locate() returns the entry for key, or NULL.
 *
 *	htable_delete() removes key, passing its value to free_fn unless
 *	that is NULL, and returns 1, or 0 when the key was absent.
 *
 *	htable_walk() calls fn(entry, context) for every entry, in no
 *	particular order; fn must not add or delete entries.
 *	htable_list() returns a NULL-terminated array of the entries, in no
 *	particular order, which the caller frees with myfree().
 *	htable_used() counts the entries.
 *
 *	htable_free() passes every value to free_fn (unless NULL), releases
 *	the table, and returns NULL.
 * DIAGNOSTICS
 *	Panic: htable_enter() with a key that is already present.
 *--*/

/* System library. */
#include <stdint.h>
#include <string.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"

struct HTABLE {
    HTABLE_INFO **buckets; /* chains, owned */
    size_t size;           /* bucket count, a power of two */
    size_t used;           /* entries */
};

/* htable_hash - FNV-1a over the key */

static size_t htable_hash(const char *key, size_t size)
{
    uint64_t hash = 14695981039346656037ULL;

    for (const unsigned char *cp = (const unsigned char *)key; *cp; cp++) {
        hash ^= *cp;
        hash *= 1099511628211ULL;
    }
    return (size_t)(hash ^ (hash >> 32)) & (size - 1);
}

/* htable_create - make an empty table */

HTABLE *htable_create(size_t size_hint)
{
    HTABLE *table = mymalloc(sizeof(*table));

    table->size = 16;
    while (table->size < size_hint)
        table->size *= 2;
    table->buckets = mycalloc(table->size, sizeof(*table->buckets));
    table->used = 0;
    return table;
}

/* htable_grow - double the bucket count and rehash */

static void htable_grow(HTABLE *table)
{
    size_t new_size = table->size * 2;
    HTABLE_INFO **new_buckets = mycalloc(new_size, sizeof(*new_buckets));

    for (size_t i = 0; i < table->size; i++) {
        HTABLE_INFO *entry, *next;

        for (entry = table->buckets[i]; entry; entry = next) {
            size_t slot = htable_hash(entry->key, new_size);

            next = entry->next;
            entry->next = new_buckets[slot];
            new_buckets[slot] = entry;
        }
    }
    myfree(table->buckets);
    table->buckets = new_buckets;
    table->size = new_size;
}

/* htable_locate - the entry for a key */

HTABLE_INFO *htable_locate(const HTABLE *table, const char *key)
{
    HTABLE_INFO *entry;

    for (entry = table->buckets[htable_hash(key, table->size)]; entry; entry = entry->next)
        if (strcmp(entry->key, key) == 0)
            return entry;
    return NULL;
}

/* htable_find - the value for a key */

void *htable_find(const HTABLE *table, const char *key)
{
    HTABLE_INFO *entry = htable_locate(table, key);

    return entry ? entry->value : NULL;
}

/* htable_enter - add a new key */

HTABLE_INFO *htable_enter(HTABLE *table, const char *key, void *value)
{
    HTABLE_INFO *entry;
    size_t slot;

    if (htable_locate(table, key))
        msg_panic("%s: duplicate key \"%s\"", __func__, key);
    if (table->used >= table->size)
        htable_grow(table);
    entry = mymalloc(sizeof(*entry));
    entry->key = mystrdup(key);
    entry->value = value;
    slot = htable_hash(key, table->size);
    entry->next = table->buckets[slot];
    table->buckets[slot] = entry;
    table->used++;
    return entry;
}

/* htable_delete - remove a key */

int htable_delete(HTABLE *table, const char *key, HTABLE_FREE_FN free_fn)
{
    HTABLE_INFO **link = &table->buckets[htable_hash(key, table->size)];

    for (; *link; link = &(*link)->next) {
        HTABLE_INFO *entry = *link;

        if (strcmp(entry->key, key) == 0) {
            *link = entry->next;
            if (free_fn)
                free_fn(entry->value);
            myfree(entry->key);
            myfree(entry);
            table->used--;
            return 1;
        }
    }
    return 0;
}

/* htable_walk - visit every entry */

void htable_walk(HTABLE *table, HTABLE_WALK_FN fn, void *context)
{
    for (size_t i = 0; i < table->size; i++)
        for (HTABLE_INFO *entry = table->buckets[i]; entry; entry = entry->next)
            fn(entry, context);
}

/* htable_list - every entry in an array */

HTABLE_INFO **htable_list(const HTABLE *table)
{
    HTABLE_INFO **list = mymalloc((table->used + 1) * sizeof(*list));
    size_t count = 0;

    for (size_t i = 0; i < table->size; i++)
        for (HTABLE_INFO *entry = table->buckets[i]; entry; entry = entry->next)
            list[count++] = entry;
    list[count] = NULL;
    return list;
}

/* htable_used - number of entries */

size_t htable_used(const HTABLE *table)
{
    return table->used;
}

/* htable_free - release the table and, optionally, the values */

HTABLE *htable_free(HTABLE *table, HTABLE_FREE_FN free_fn)
{
    for (size_t i = 0; i < table->size; i++) {
        HTABLE_INFO *entry, *next;

        for (entry = table->buckets[i]; entry; entry = next) {
            next = entry->next;
            if (free_fn)
                free_fn(entry->value);
            myfree(entry->key);
            myfree(entry);
        }
    }
    myfree(table->buckets);
    myfree(table);
    return NULL;
}
