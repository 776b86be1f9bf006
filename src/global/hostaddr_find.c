/*++
 * NAME
 *	hostaddr_find - look up an IP address, then its shorter networks
 * SYNOPSIS
 *	#include <hostaddr_find.h>
 *
 *	const char *hostaddr_find(MAPS *maps, const char *addr,
 *			const char **out_matched);
 * DESCRIPTION
 *	hostaddr_find() searches maps for a client address in the order of
 *	access(5): the whole address (every table, so cidr tables apply),
 *	then, in fixed-string tables only, the address shortened by one
 *	part at a time: for IPv4 "1.2.3.4", "1.2.3", "1.2", "1"; for IPv6
 *	(in its compressed text form, as the client address is written)
 *	the text up to each earlier ':', for example "2001:db8::1",
 *	"2001:db8:", "2001:db8", "2001".
 *
 *	It returns the first value found, or NULL; then maps->error tells
 *	"not found" from a lookup failure (which stops the search).
 *	out_matched (if not NULL) receives the key that matched.
 *--*/

#include <string.h>

#include "hostaddr_find.h"
#include "maps.h"
#include "vstring.h"

/* hostaddr_find - search an address and its networks */

const char *hostaddr_find(MAPS *maps, const char *addr, const char **out_matched)
{
    static VSTRING *key; /* the key being tried */
    int delim = strchr(addr, ':') ? ':' : '.';
    const char *value;
    int flags = MAPS_FIND_ALL;
    char *cut;

    if (key == NULL)
        key = vstring_alloc(100);
    vstring_strcpy(key, addr);
    for (;;) {
        if ((value = maps_find(maps, vstring_str(key), flags)) != NULL || maps->error)
            break;
        if ((cut = strrchr(vstring_str(key), delim)) == NULL || cut == vstring_str(key))
            break;
        vstring_truncate(key, cut - vstring_str(key));
        flags = MAPS_FIND_FIXED;
    }
    if (out_matched)
        *out_matched = value ? vstring_str(key) : NULL;
    return value;
}
