/*++
 * NAME
 *	dict_nis - NIS maps, on a host without NIS
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_nis_open(const char *name, int open_flags,
 *			int dict_flags);
 * DESCRIPTION
 *	dict_nis_open() opens "nis:map", as named by the default alias_maps
 *	"hash:/etc/aliases, nis:mail.aliases". This system has no NIS
 *	client: as Postfix does on a host whose NIS domain name is not set,
 *	the table finds nothing, so that the tables after it are searched.
 *	The first open in a process logs that NIS lookups are disabled.
 * SEE ALSO
 *	dict_open(3)
 *--*/

#include <stdbool.h>

#include "dict.h"
#include "msg.h"

/* dict_nis_lookup - nothing is found */

static const char *dict_nis_lookup(DICT *dict, const char *key)
{
    (void)dict;
    (void)key;
    return NULL;
}

/* dict_nis_open - open a NIS map that finds nothing */

DICT *dict_nis_open(const char *name, int open_flags, int dict_flags)
{
    static bool logged; /* once per process */
    DICT *dict =
        dict_alloc(DICT_TYPE_NIS, name, sizeof(*dict), open_flags, dict_flags | DICT_FLAG_FIXED);

    if (!logged && msg_verbose) {
        msg_info("%s: NIS domain name not set - NIS lookups disabled", __func__);
        logged = true;
    }
    dict->lookup = dict_nis_lookup;
    dict->close = dict_free;
    return dict;
}
