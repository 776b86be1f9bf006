/*
 * addr_rewrite.h - the address rewriting of cleanup: canonical form,
 * canonical(5) tables, masquerading
 *
 * The rewriting half of Postfix's trivial-rewrite plus cleanup's table
 * steps, as pure functions on one address (internal form, unquoted):
 *
 *	addr_canonical()	"site!user" to "user@site" (swap_bangpath),
 *				"user%site" to "user@site" (allow_percent_hack),
 *				"user" to "user@$myorigin" (append_at_myorigin),
 *				"user@host" to "user@host.$mydomain"
 *				(append_dot_mydomain), no trailing dot
 *	addr_map_one()		one canonical(5) lookup: the full address, the
 *				user for a local domain, @domain
 *	addr_masquerade()	"user@host.example.com" to "user@example.com"
 *				(masquerade_domains, masquerade_exceptions)
 */
#ifndef ADDR_REWRITE_H
#define ADDR_REWRITE_H

#include <stdbool.h>

#include "argv.h"
#include "mail_addr_find.h"
#include "maps.h"
#include "match_list.h"
#include "vstring.h"

/* How incomplete addresses are completed; strings borrowed. */
typedef struct ADDR_CANONICAL_PROPS {
    const char *origin;      /* appended as "@origin"; NULL or "": leave "user" alone */
    const char *domain;      /* appended as ".domain"; NULL or "": leave "host" alone */
    bool swap_bangpath;      /* swap_bangpath */
    bool allow_percent_hack; /* allow_percent_hack */
} ADDR_CANONICAL_PROPS;

/* A canonical(5) lookup; borrowed. */
typedef struct ADDR_MAP_PROPS {
    const char *delimiters;      /* recipient_delimiter, or NULL */
    MAIL_ADDR_LOCAL_FN is_local; /* is a domain local (user-only keys)? */
    void *local_context;         /* for is_local */
    bool propagate_extension;    /* "canonical" in propagate_unmatched_extensions */
} ADDR_MAP_PROPS;

/* addr_map_one() results. */
#define ADDR_MAP_SAME    0  /* no entry: out holds the address unchanged */
#define ADDR_MAP_CHANGED 1  /* out holds the result */
#define ADDR_MAP_RETRY   -1 /* the lookup failed: maps->error says how */

extern const char *addr_canonical(VSTRING *out, const char *address,
                                  const ADDR_CANONICAL_PROPS *props);
extern int addr_map_one(VSTRING *out, MAPS *maps, const char *address, const ADDR_MAP_PROPS *props);
extern ARGV *addr_masquerade_domains(const char *value);
extern const char *addr_masquerade(VSTRING *out, const char *address, const ARGV *domains,
                                   MATCH_LIST *exceptions);

#endif
