/*
 * virtual_alias.h - expand an address through virtual_alias_maps
 *
 * One recipient becomes the list of addresses that virtual_alias_maps
 * (virtual(5)) makes of it, recursively: each result is looked up again
 * until no table entry matches, an address maps to itself, or a limit
 * is hit (virtual_alias_recursion_limit: how deep one chain may nest;
 * virtual_alias_expansion_limit: how many addresses the list may hold;
 * virtual_alias_address_length_limit: results longer than this are
 * dropped). Hitting a limit or a failed lookup keeps the message out of
 * the queue (the client tries again later), as in Postfix.
 */
#ifndef VIRTUAL_ALIAS_H
#define VIRTUAL_ALIAS_H

#include "argv.h"
#include "mail_addr_find.h"
#include "maps.h"
#include "vstring.h"

/* What the expansion consults; borrowed. */
typedef struct VIRTUAL_ALIAS_PROPS {
    MAPS *maps;                  /* virtual_alias_maps */
    const char *delimiters;      /* recipient_delimiter, or NULL */
    MAIL_ADDR_LOCAL_FN is_local; /* is a domain local (user-only keys)? */
    void *local_context;         /* for is_local */
    int expansion_limit;         /* virtual_alias_expansion_limit */
    int recursion_limit;         /* virtual_alias_recursion_limit */
    int length_limit;            /* virtual_alias_address_length_limit */
    bool propagate_extension;    /* "virtual" in propagate_unmatched_extensions */
} VIRTUAL_ALIAS_PROPS;

/* virtual_alias_expand() results. */
#define VIRTUAL_ALIAS_OK    0  /* out holds the addresses (maybe just the input) */
#define VIRTUAL_ALIAS_LIMIT -1 /* a limit was hit: why says which */
#define VIRTUAL_ALIAS_RETRY -2 /* a lookup failed: why says which */

extern int virtual_alias_expand(const VIRTUAL_ALIAS_PROPS *props, const char *address, ARGV *out,
                                VSTRING *why);
extern const char *virtual_alias_extend(VSTRING *buf, const char *address, const char *extension);

#endif
