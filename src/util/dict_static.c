/*++
 * NAME
 *	dict_static - static tables: one result for every key
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_static_open(const char *name, int open_flags, int dict_flags);
 * DESCRIPTION
 *	dict_static_open() opens "static:value": every lookup finds value.
 *	A value with white space or commas is written in braces,
 *	"static:{ value with spaces }"; the braces and the white space
 *	just inside them are removed.
 * DIAGNOSTICS
 *	Unbalanced braces give a surrogate table (DICT_ERR_CONFIG).
 *--*/

#include "dict.h"
#include "mymalloc.h"
#include "stringops.h"

typedef struct {
    DICT dict;   /* common part; must be first */
    char *value; /* the one result, owned */
} DICT_STATIC;

/* dict_static_lookup - the same result for every key */

static const char *dict_static_lookup(DICT *dict, const char *key)
{
    (void)key;
    return ((DICT_STATIC *)dict)->value;
}

/* dict_static_close - release the table */

static void dict_static_close(DICT *dict)
{
    myfree(((DICT_STATIC *)dict)->value);
    dict_free(dict);
}

/* dict_static_open - open a static table */

DICT *dict_static_open(const char *name, int open_flags, int dict_flags)
{
    DICT_STATIC *dict_static;
    char *copy = mystrdup(name);
    char *value = copy;
    const char *err;

    if (*value == '{' && (err = strip_braces(&value)) != NULL) {
        DICT *sur = dict_surrogate(DICT_TYPE_STATIC, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                                   "%s:%s: syntax error: %s", DICT_TYPE_STATIC, name, err);

        myfree(copy);
        return sur;
    }
    dict_static = (DICT_STATIC *)dict_alloc(DICT_TYPE_STATIC, name, sizeof(*dict_static),
                                            open_flags, dict_flags | DICT_FLAG_FIXED);
    dict_static->value = mystrdup(value);
    myfree(copy);
    dict_static->dict.lookup = dict_static_lookup;
    dict_static->dict.close = dict_static_close;
    return &dict_static->dict;
}
