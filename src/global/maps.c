/*++
 * NAME
 *	maps - lists of lookup tables searched in order
 * SYNOPSIS
 *	#include <maps.h>
 *
 *	MAPS	*maps_create(const char *title, const char *map_names,
 *			int dict_flags);
 *	const char *maps_find(MAPS *maps, const char *key, int flags);
 *	const char *maps_reason(const MAPS *maps);
 *	int	maps_changed(const MAPS *maps);
 *	MAPS	*maps_free(MAPS *maps);
 * DESCRIPTION
 *	maps_create() opens the tables named in map_names ("type:name"
 *	separated by commas or white space; "inline:{...}" may contain
 *	both) for reading. title names the parameter, for messages.
 *	dict_flags are passed to dict_open(), with DICT_FLAG_FOLD_FIX (keys
 *	are case-insensitive, as in Postfix) and DICT_FLAG_DUP_WARN (unless
 *	another duplicate policy is given) added. Pass DICT_FLAG_LOCK for
 *	tables that postmap may update in place. A table that cannot be
 *	opened is logged once here and stays in the list: each lookup that
 *	reaches it fails with its error.
 *
 *	maps_find() asks the tables in order and returns the first value
 *	found, owned by that table and valid until its next lookup. flags
 *	MAPS_FIND_FIXED skips pattern tables (regexp, pcre, cidr), as
 *	Postfix does for the partial keys of a search order (a parent
 *	domain, a network prefix). It returns NULL when no table has the
 *	key (maps->error is DICT_ERR_NONE) or when a table failed
 *	(maps->error is DICT_ERR_RETRY or DICT_ERR_CONFIG, and the search
 *	stopped there). Failures are logged with the table and key. With
 *	-v each value found is logged, unless the caller set maps->secret
 *	(a table of passwords).
 *
 *	maps_reason() returns the text of the last error ("" when none).
 *	maps_changed() is true when a table file was replaced since open.
 *	maps_free() closes the tables and returns NULL.
 * DIAGNOSTICS
 *	Warnings: "TITLE: TYPE:NAME is unavailable: REASON" at open, and
 *	"TITLE: TYPE:NAME lookup error for "KEY": REASON" per failed
 *	lookup.
 *--*/

#include <fcntl.h>
#include <string.h>

#include "argv.h"
#include "dict.h"
#include "maps.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* maps_create - open a list of tables */

MAPS *maps_create(const char *title, const char *map_names, int dict_flags)
{
    MAPS *maps = mycalloc(1, sizeof(*maps));
    char *copy = mystrdup(map_names);
    char *cursor = copy, *name;

    if ((dict_flags & DICT_FLAG_DUP_MASK) == 0)
        dict_flags |= DICT_FLAG_DUP_WARN;
    dict_flags |= DICT_FLAG_FOLD_FIX;
    maps->title = mystrdup(title);
    maps->names = argv_alloc(2);
    maps->reason = vstring_alloc(100);
    while ((name = mystrtok_braced(&cursor, ", \t\r\n")) != NULL)
        argv_add(maps->names, name);
    maps->count = maps->names->argc;
    maps->dicts = mycalloc(maps->count ? maps->count : 1, sizeof(*maps->dicts));
    for (size_t i = 0; i < maps->count; i++) {
        maps->dicts[i] = dict_open(maps->names->argv[i], O_RDONLY, dict_flags);
        if (!dict_open_ok(maps->dicts[i]))
            msg_warn("%s: %s is unavailable: %s", title, maps->names->argv[i],
                     dict_reason(maps->dicts[i]));
    }
    myfree(copy);
    return maps;
}

/* maps_find - first value for key among the tables */

const char *maps_find(MAPS *maps, const char *key, int flags)
{
    maps->error = DICT_ERR_NONE;
    for (size_t i = 0; i < maps->count; i++) {
        DICT *dict = maps->dicts[i];
        const char *value;

        if (flags != MAPS_FIND_ALL && (dict->flags & flags) == 0 && dict_open_ok(dict))
            continue;
        if ((value = dict_get(dict, key)) != NULL) {
            if (msg_verbose)
                msg_info("%s: %s: %s = %s", maps->title, maps->names->argv[i], key,
                         maps->secret ? "(value not logged)" : value);
            return value;
        }
        if (dict->error != DICT_ERR_NONE) {
            maps->error = dict->error;
            vstring_sprintf(maps->reason, "%s: %s lookup error for \"%s\": %s", maps->title,
                            maps->names->argv[i], key, dict_reason(dict));
            msg_warn("%s", vstring_str(maps->reason));
            return NULL;
        }
    }
    return NULL;
}

/* maps_reason - text of the last error */

const char *maps_reason(const MAPS *maps)
{
    return maps->error ? vstring_str(maps->reason) : "";
}

/* maps_changed - was a table file replaced? */

int maps_changed(const MAPS *maps)
{
    for (size_t i = 0; i < maps->count; i++)
        if (dict_changed(maps->dicts[i]))
            return 1;
    return 0;
}

/* maps_free - close the tables */

MAPS *maps_free(MAPS *maps)
{
    for (size_t i = 0; i < maps->count; i++)
        dict_close(maps->dicts[i]);
    myfree(maps->dicts);
    argv_free(maps->names);
    vstring_free(maps->reason);
    myfree(maps->title);
    myfree(maps);
    return NULL;
}
