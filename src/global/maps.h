/*
 * maps.h - lists of lookup tables searched in order (Postfix "maps")
 *
 * A MAPS is what a "*_maps" parameter names: "hash:/etc/postfix/a,
 * regexp:/etc/postfix/b". maps_find() asks each table in turn; the first
 * table that has the key wins. A lookup error stops the search and is
 * reported in maps->error: it never reads as "not found", so callers can
 * defer mail instead of falling through to a weaker rule.
 *
 *	MAPS *maps = maps_create("smtp_tls_policy_maps", names, DICT_FLAG_LOCK);
 *	const char *value = maps_find(maps, "example.com", 0);
 *	if (value == NULL && maps->error)
 *	    ... defer: temporary failure ...
 *
 * The lookup orders of Postfix's table-driven features build on this:
 * mail_addr_find.h (addresses), domain_find.h (domains with parent
 * domains), hostaddr_find.h (client IP addresses and their networks),
 * match_list.h (mydestination, relay_domains, mynetworks patterns).
 */
#ifndef MAPS_H
#define MAPS_H

#include <stdbool.h>

#include "argv.h"
#include "dict.h"
#include "vstring.h"

typedef struct MAPS {
    char *title;     /* parameter name, for messages; owned */
    ARGV *names;     /* "type:name" of each table; owned */
    DICT **dicts;    /* the open tables, in order; owned */
    size_t count;    /* number of tables */
    int error;       /* DICT_ERR_* of the last maps_find() */
    VSTRING *reason; /* text of the last error; owned */
    bool secret;     /* values are secrets (passwords): -v does not log them */
} MAPS;

/* maps_find() flags: which tables to ask (0: all). */
#define MAPS_FIND_ALL   0
#define MAPS_FIND_FIXED DICT_FLAG_FIXED /* fixed-string tables only (partial keys) */

extern MAPS *maps_create(const char *title, const char *map_names, int dict_flags);
extern const char *maps_find(MAPS *maps, const char *key, int flags);
extern const char *maps_reason(const MAPS *maps);
extern int maps_changed(const MAPS *maps);
extern MAPS *maps_free(MAPS *maps);

#endif
