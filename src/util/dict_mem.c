/*++
 * NAME
 *	dict_mem - read-only in-memory tables
 * SYNOPSIS
 *	#include <dict_mem.h>
 *
 *	DICT	*dict_mem_create(const char *type, const char *name,
 *			int open_flags, int dict_flags);
 *	void	dict_mem_add(DICT *dict, const char *key, const char *value,
 *			int line);
 *	DICT	*dict_mem_finish(DICT *dict, const char *origin);
 * DESCRIPTION
 *	These functions build the tables of types that load all their
 *	entries at open time (texthash, inline). The table has fixed-string
 *	keys (DICT_FLAG_FIXED), lookup and sequence, and no update.
 *
 *	dict_mem_create() starts an empty table. dict_mem_add() adds a copy
 *	of an entry; line is where it came from (0 if not from a file), for
 *	messages. Keys are lower-cased when DICT_FLAG_FOLD_FIX is set.
 *
 *	dict_mem_finish() sorts the entries and settles duplicate keys as
 *	the flags say: DICT_FLAG_DUP_REPLACE keeps the last,
 *	DICT_FLAG_DUP_IGNORE the first, DICT_FLAG_DUP_WARN the first with a
 *	warning "origin, line N: duplicate entry: "key"". Without any of
 *	them a duplicate makes the table a surrogate that fails with
 *	DICT_ERR_CONFIG. It returns the finished table (or that surrogate,
 *	having released the original).
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "dict_mem.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

typedef struct {
    char *key;   /* owned */
    char *value; /* owned */
    int line;    /* source line, or 0 */
    int order;   /* insertion order, to keep the first or the last */
} DICT_MEM_ENTRY;

typedef struct {
    DICT dict;               /* common part; must be first */
    DICT_MEM_ENTRY *entries; /* sorted by key after dict_mem_finish() */
    size_t count;            /* entries in use */
    size_t size;             /* entries allocated */
    size_t seq_next;         /* next entry for sequence */
} DICT_MEM;

/* dict_mem_compare - order by key, then by insertion */

static int dict_mem_compare(const void *a, const void *b)
{
    const DICT_MEM_ENTRY *ea = a, *eb = b;
    int diff = strcmp(ea->key, eb->key);

    return diff ? diff : ea->order - eb->order;
}

/* dict_mem_lookup - binary search */

static const char *dict_mem_lookup(DICT *dict, const char *key)
{
    DICT_MEM *mem = (DICT_MEM *)dict;
    DICT_MEM_ENTRY probe = {.key = (char *)key, .order = 0};
    size_t lo = 0, hi = mem->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int diff = strcmp(probe.key, mem->entries[mid].key);

        if (diff == 0)
            return mem->entries[mid].value;
        if (diff < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* dict_mem_sequence - walk in key order */

static int dict_mem_sequence(DICT *dict, int func, const char **out_key, const char **out_value)
{
    DICT_MEM *mem = (DICT_MEM *)dict;

    if (func == DICT_SEQ_FUN_FIRST)
        mem->seq_next = 0;
    if (mem->seq_next >= mem->count)
        return DICT_STAT_FAIL;
    *out_key = mem->entries[mem->seq_next].key;
    *out_value = mem->entries[mem->seq_next].value;
    mem->seq_next++;
    return DICT_STAT_SUCCESS;
}

/* dict_mem_close - release the table */

static void dict_mem_close(DICT *dict)
{
    DICT_MEM *mem = (DICT_MEM *)dict;

    for (size_t i = 0; i < mem->count; i++) {
        myfree(mem->entries[i].key);
        myfree(mem->entries[i].value);
    }
    myfree(mem->entries);
    dict_free(dict);
}

/* dict_mem_create - an empty table */

DICT *dict_mem_create(const char *type, const char *name, int open_flags, int dict_flags)
{
    DICT_MEM *mem =
        (DICT_MEM *)dict_alloc(type, name, sizeof(*mem), open_flags, dict_flags | DICT_FLAG_FIXED);

    mem->dict.lookup = dict_mem_lookup;
    mem->dict.sequence = dict_mem_sequence;
    mem->dict.close = dict_mem_close;
    return &mem->dict;
}

/* dict_mem_add - add an entry */

void dict_mem_add(DICT *dict, const char *key, const char *value, int line)
{
    DICT_MEM *mem = (DICT_MEM *)dict;
    DICT_MEM_ENTRY *entry;

    if (mem->count == mem->size) {
        mem->size = mem->size ? 2 * mem->size : 16;
        mem->entries = myrealloc(mem->entries, mem->size * sizeof(*mem->entries));
    }
    entry = mem->entries + mem->count;
    entry->key = mystrdup(key);
    if (dict->flags & DICT_FLAG_FOLD_FIX)
        lowercase(entry->key);
    entry->value = mystrdup(value);
    entry->line = line;
    entry->order = (int)mem->count++;
}

/* dict_mem_duplicate - report a duplicate; -1 when it is an error */

static int dict_mem_duplicate(DICT *dict, const char *origin, const DICT_MEM_ENTRY *entry)
{
    char where[40] = "";

    if (entry->line > 0)
        snprintf(where, sizeof(where), ", line %d", entry->line);
    if (dict->flags & (DICT_FLAG_DUP_IGNORE | DICT_FLAG_DUP_REPLACE))
        return 0;
    if (dict->flags & DICT_FLAG_DUP_WARN) {
        msg_warn("%s%s: duplicate entry: \"%s\"", origin, where, entry->key);
        return 0;
    }
    dict_set_error(dict, DICT_ERR_CONFIG, "%s%s: duplicate entry: \"%s\"", origin, where,
                   entry->key);
    return -1;
}

/* dict_mem_finish - sort and settle duplicates */

DICT *dict_mem_finish(DICT *dict, const char *origin)
{
    DICT_MEM *mem = (DICT_MEM *)dict;
    int keep_last = (dict->flags & DICT_FLAG_DUP_REPLACE) != 0;
    size_t out = 0;

    /* An empty table has no array at all; qsort() wants one. */
    if (mem->count > 1)
        qsort(mem->entries, mem->count, sizeof(*mem->entries), dict_mem_compare);
    for (size_t in = 0; in < mem->count; in++) {
        DICT_MEM_ENTRY *entry = mem->entries + in;

        if (out > 0 && strcmp(mem->entries[out - 1].key, entry->key) == 0) {
            DICT_MEM_ENTRY *kept = mem->entries + out - 1;

            if (dict_mem_duplicate(dict, origin, entry) < 0) {
                DICT *sur = dict_surrogate(dict->type, dict->name, dict->open_flags, dict->flags,
                                           DICT_ERR_CONFIG, "%s", dict_reason(dict));

                /* Keep each owned entry once, so that close frees it once. */
                memmove(mem->entries + out, entry, (mem->count - in) * sizeof(*entry));
                mem->count = out + mem->count - in;
                dict_close(dict);
                return sur;
            }
            if (keep_last) {
                myfree(kept->value);
                kept->value = entry->value;
                entry->value = NULL;
            }
            myfree(entry->key);
            myfree(entry->value);
            continue;
        }
        mem->entries[out++] = *entry;
    }
    mem->count = out;
    dict->error = DICT_ERR_NONE;
    return dict;
}
