/*
 * htable.h - a small hash table with string keys
 *
 * Keys are copied and owned by the table; values are the caller's pointers.
 * Insertion order is not kept.
 */
#ifndef HTABLE_H
#define HTABLE_H

#include <stddef.h>

typedef struct HTABLE_INFO {
    char *key;                /* owned by the table */
    void *value;              /* the caller's */
    struct HTABLE_INFO *next; /* chain, private */
} HTABLE_INFO;

typedef struct HTABLE HTABLE;

typedef void (*HTABLE_FREE_FN)(void *value);
typedef void (*HTABLE_WALK_FN)(HTABLE_INFO *entry, void *context);

extern HTABLE *htable_create(size_t size_hint);
extern HTABLE_INFO *htable_enter(HTABLE *table, const char *key, void *value);
extern void *htable_find(const HTABLE *table, const char *key);
extern HTABLE_INFO *htable_locate(const HTABLE *table, const char *key);
extern int htable_delete(HTABLE *table, const char *key, HTABLE_FREE_FN free_fn);
extern void htable_walk(HTABLE *table, HTABLE_WALK_FN fn, void *context);
extern HTABLE_INFO **htable_list(const HTABLE *table);
extern size_t htable_used(const HTABLE *table);
extern HTABLE *htable_free(HTABLE *table, HTABLE_FREE_FN free_fn);

#endif
