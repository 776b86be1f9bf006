/*++
 * NAME
 *	domain_find - look up a domain, then its parent domains
 * SYNOPSIS
 *	#include <domain_find.h>
 *
 *	const char *domain_find(MAPS *maps, const char *name, int flags,
 *			const char **out_matched);
 * DESCRIPTION
 *	domain_find() searches maps for the domain name itself (every
 *	table), then walks up its parent domains (fixed-string tables only;
 *	a regexp or cidr table sees the whole name once): with
 *	DOMAIN_FIND_PARENT it tries "example.com", with
 *	DOMAIN_FIND_DOT_PARENT ".example.com", and with both the bare form
 *	first, at each level up to the top-level domain. A trailing dot
 *	of the name is ignored.
 *
 *	It returns the first value found, or NULL. After NULL,
 *	maps->error tells "not found" (DICT_ERR_NONE) from a lookup failure
 *	(the walk stops at the first failure). When out_matched is not
 *	NULL, it receives the key that matched (valid until the next call).
 *--*/

#include <string.h>

#include "domain_find.h"
#include "maps.h"
#include "vstring.h"

/* domain_find - search a domain and its parents */

const char *domain_find(MAPS *maps, const char *name, int flags, const char **out_matched)
{
    static VSTRING *key; /* the matched key, for out_matched */
    const char *value;
    const char *parent;
    size_t len = strlen(name);

    if (key == NULL)
        key = vstring_alloc(100);
    vstring_strcpy(key, name);
    if (len > 1 && name[len - 1] == '.')
        vstring_truncate(key, len - 1);
    name = vstring_str(key);
    if ((value = maps_find(maps, name, MAPS_FIND_ALL)) != NULL || maps->error)
        goto done;
    for (parent = strchr(name + 1, '.'); parent && parent[1]; parent = strchr(parent + 1, '.')) {
        if ((flags & DOMAIN_FIND_PARENT) &&
            ((value = maps_find(maps, parent + 1, MAPS_FIND_FIXED)) != NULL || maps->error)) {
            parent++;
            break;
        }
        if ((flags & DOMAIN_FIND_DOT_PARENT) &&
            ((value = maps_find(maps, parent, MAPS_FIND_FIXED)) != NULL || maps->error))
            break;
    }
    if (value && parent)
        name = parent;
done:
    if (out_matched)
        *out_matched = value ? name : NULL;
    return value;
}
