/*++
 * NAME
 *	dict_compose - unionmap: and pipemap: tables made of other tables
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_unionmap_open(const char *name, int open_flags,
 *			int dict_flags);
 *	DICT	*dict_pipemap_open(const char *name, int open_flags,
 *			int dict_flags);
 * DESCRIPTION
 *	Both open "{type:name, type:name, ...}": the tables inside the braces
 *	(separated by commas or white space; a table whose name has braces,
 *	such as inline:{...}, stays whole), each opened with the same flags.
 *
 *	dict_unionmap_open() looks the key up in every table and joins the
 *	values found with commas, in table order. Not found when no table
 *	has the key.
 *
 *	dict_pipemap_open() looks the key up in the first table, the value
 *	found in the second, and so on; the last value is the result. Not
 *	found when a table does not have what it is given.
 *
 *	A lookup error in any table makes the lookup fail with that table's
 *	error and reason: a partial answer is never given. Keys are folded
 *	(DICT_FLAG_FOLD_FIX) by each table as it would be alone. The
 *	composite counts as a fixed-string table, so that searches send it
 *	partial keys, unless one of its tables is a pattern table. Only
 *	lookups are supported.
 * DIAGNOSTICS
 *	A malformed name, an empty list, or a table inside that cannot be
 *	opened give a surrogate table (see dict_open()) with the reason.
 *--*/

#include <fcntl.h>
#include <string.h>

#include "dict.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

typedef struct {
    DICT dict;     /* common part; must be first */
    DICT **tables; /* the tables inside, owned */
    size_t count;  /* how many */
    VSTRING *buf;  /* result, and pipemap's intermediate key; owned */
    VSTRING *key;  /* pipemap: the key of the next table; owned */
} DICT_COMPOSE;

/* dict_compose_fail - pass a table's error on */

static const char *dict_compose_fail(DICT *dict, const DICT *inner)
{
    dict_set_error(dict, inner->error, "%s:%s: %s", dict->type, dict->name, dict_reason(inner));
    return NULL;
}

/* dict_unionmap_lookup - every table's value, joined */

static const char *dict_unionmap_lookup(DICT *dict, const char *key)
{
    DICT_COMPOSE *dc = (DICT_COMPOSE *)dict;
    int found = 0;

    VSTRING_RESET(dc->buf);
    for (size_t i = 0; i < dc->count; i++) {
        const char *value = dict_get(dc->tables[i], key);

        if (value == NULL) {
            if (dc->tables[i]->error != DICT_ERR_NONE)
                return dict_compose_fail(dict, dc->tables[i]);
            continue;
        }
        if (found++)
            vstring_addch(dc->buf, ',');
        vstring_strcat(dc->buf, value);
    }
    return found ? vstring_str(dc->buf) : NULL;
}

/* dict_pipemap_lookup - each table's value is the next table's key */

static const char *dict_pipemap_lookup(DICT *dict, const char *key)
{
    DICT_COMPOSE *dc = (DICT_COMPOSE *)dict;
    const char *value = key;

    vstring_strcpy(dc->key, key);
    for (size_t i = 0; i < dc->count; i++) {
        if ((value = dict_get(dc->tables[i], vstring_str(dc->key))) == NULL) {
            if (dc->tables[i]->error != DICT_ERR_NONE)
                return dict_compose_fail(dict, dc->tables[i]);
            return NULL;
        }
        vstring_strcpy(dc->key, value);
    }
    vstring_strcpy(dc->buf, vstring_str(dc->key));
    return vstring_str(dc->buf);
}

/* dict_compose_close - close the tables inside */

static void dict_compose_close(DICT *dict)
{
    DICT_COMPOSE *dc = (DICT_COMPOSE *)dict;

    for (size_t i = 0; i < dc->count; i++)
        dict_close(dc->tables[i]);
    myfree(dc->tables);
    vstring_free(dc->buf);
    vstring_free(dc->key);
    dict_free(dict);
}

/* dict_compose_parse - open the tables of "{...}"; NULL or why not */

static const char *dict_compose_parse(DICT_COMPOSE *dc, const char *name, int open_flags,
                                      int dict_flags, VSTRING *why)
{
    char *copy = mystrdup(name), *body = copy, *cursor, *token;
    const char *err;

    if (*body != '{' || (err = strip_braces(&body)) != NULL) {
        vstring_sprintf(why, "need \"%s:{type:name, ...}\"", dc->dict.type);
        myfree(copy);
        return vstring_str(why);
    }
    cursor = body;
    while ((token = mystrtok_braced(&cursor, ", \t\r\n")) != NULL) {
        DICT *inner = dict_open(token, open_flags, dict_flags);

        dc->tables = myrealloc(dc->tables, (dc->count + 1) * sizeof(*dc->tables));
        dc->tables[dc->count++] = inner;
        if (!dict_open_ok(inner)) {
            vstring_sprintf(why, "table %s: %s", token, dict_reason(inner));
            break;
        }
        if (inner->flags & DICT_FLAG_PATTERN)
            dc->dict.flags = (dc->dict.flags & ~DICT_FLAG_FIXED) | DICT_FLAG_PATTERN;
    }
    if (VSTRING_LEN(why) == 0 && *cursor)
        vstring_sprintf(why, "unbalanced '{' in \"%s\"", cursor);
    if (VSTRING_LEN(why) == 0 && dc->count == 0)
        vstring_strcpy(why, "no tables inside the braces");
    myfree(copy);
    return VSTRING_LEN(why) ? vstring_str(why) : NULL;
}

/* dict_compose_open - open a unionmap or pipemap */

static DICT *dict_compose_open(const char *type, DICT_LOOKUP_FN lookup, const char *name,
                               int open_flags, int dict_flags)
{
    DICT_COMPOSE *dc = (DICT_COMPOSE *)dict_alloc(
        type, name, sizeof(*dc), open_flags, (dict_flags & ~DICT_FLAG_TYPE_MASK) | DICT_FLAG_FIXED);
    VSTRING *why = vstring_alloc(100);
    const char *problem;

    dc->buf = vstring_alloc(100);
    dc->key = vstring_alloc(100);
    dc->dict.lookup = lookup;
    dc->dict.close = dict_compose_close;
    if ((problem = dict_compose_parse(dc, name, open_flags, dict_flags, why)) != NULL) {
        DICT *sur = dict_surrogate(type, name, open_flags, dict_flags, DICT_ERR_CONFIG, "%s:%s: %s",
                                   type, name, problem);

        vstring_free(why);
        dict_compose_close(&dc->dict);
        return sur;
    }
    vstring_free(why);
    return &dc->dict;
}

/* dict_unionmap_open - "unionmap:{...}" */

DICT *dict_unionmap_open(const char *name, int open_flags, int dict_flags)
{
    return dict_compose_open(DICT_TYPE_UNIONMAP, dict_unionmap_lookup, name, open_flags,
                             dict_flags);
}

/* dict_pipemap_open - "pipemap:{...}" */

DICT *dict_pipemap_open(const char *name, int open_flags, int dict_flags)
{
    return dict_compose_open(DICT_TYPE_PIPEMAP, dict_pipemap_lookup, name, open_flags, dict_flags);
}
