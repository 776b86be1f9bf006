/*++
 * NAME
 *	mail_addr_find - look up a mail address in Postfix's search orders
 * SYNOPSIS
 *	#include <mail_addr_find.h>
 *
 *	const char *mail_addr_find(MAPS *maps, const char *address,
 *			const MAIL_ADDR_FIND_OPTS *opts, char **out_extension);
 *	char	*mail_addr_split_extension(char *localpart,
 *			const char *delimiters);
 * DESCRIPTION
 *	mail_addr_find() searches maps for address (localpart@domain, or a
 *	bare localpart) with the keys that opts->strategy selects, in this
 *	order (see mail_addr_find.h):
 *
 *	the full address, then without its extension (FULL); the domain,
 *	then its parent domains as opts->domain_flags say (DOMAIN); the
 *	localpart with and without extension when the domain is local per
 *	opts->is_local, or the address has no domain (LOCALPART);
 *	"localpart@" with and without extension (LOCALPART_AT);
 *	"@domain" (AT_DOMAIN).
 *
 *	Only the first key, the address as given, goes to pattern tables
 *	(regexp, pcre, cidr); the other keys go to fixed-string tables, as
 *	in Postfix. The extension is the part of the localpart from the
 *	first recipient delimiter on ("user+ext": "+ext"); none is split off
 *	when delimiters is NULL or empty.
 *
 *	It returns the first value found, or NULL; then maps->error tells
 *	"not found" from a lookup failure (which stops the search; a
 *	failing is_local() also sets maps->error to DICT_ERR_RETRY). When
 *	the value was found under a key without the extension and
 *	out_extension is not NULL, *out_extension receives a mymalloc()ed
 *	copy of the extension (delimiter included); otherwise NULL.
 *
 *	mail_addr_split_extension() cuts localpart at its first delimiter
 *	character and returns the extension (a pointer into localpart,
 *	after the overwritten delimiter), or NULL when there is none. With
 *	"-" as a delimiter, "owner-list" and "list-request" are not split.
 *--*/

#include <string.h>

#include "dict.h"
#include "domain_find.h"
#include "mail_addr_find.h"
#include "maps.h"
#include "mymalloc.h"
#include "vstring.h"

/* mail_addr_split_extension - cut "user+ext" at the delimiter */

char *mail_addr_split_extension(char *localpart, const char *delimiters)
{
    size_t at;

    if (delimiters == NULL || *delimiters == 0)
        return NULL;
    at = strcspn(localpart, delimiters);
    if (localpart[at] == 0 || at == 0)
        return NULL;
    if (localpart[at] == '-' &&
        (strncasecmp(localpart, "owner-", 6) == 0 ||
         (strlen(localpart) > 8 && strcasecmp(localpart + strlen(localpart) - 8, "-request") == 0)))
        return NULL;
    localpart[at] = 0;
    return localpart + at + 1;
}

typedef struct {
    MAPS *maps;
    VSTRING *key;      /* key being tried */
    int first;         /* no lookup made yet: ask every table */
    const char *value; /* result */
} MAIL_ADDR_SEARCH;

/* mail_addr_try - one lookup; true when the search is over */

static int mail_addr_try(MAIL_ADDR_SEARCH *search, const char *a, const char *b, const char *c)
{
    vstring_sprintf(search->key, "%s%s%s", a, b, c);
    search->value = maps_find(search->maps, vstring_str(search->key),
                              search->first ? MAPS_FIND_ALL : MAPS_FIND_FIXED);
    search->first = 0;
    return search->value != NULL || search->maps->error != DICT_ERR_NONE;
}

/* mail_addr_search - run the strategy; true when the search is over */

static int mail_addr_search(MAIL_ADDR_SEARCH *s, const char *full_local, const char *local,
                            const char *ext, const char *domain, const MAIL_ADDR_FIND_OPTS *opts,
                            int *out_bare)
{
    const char *at = domain ? "@" : "";
    const char *dom = domain ? domain : "";

    *out_bare = 0;
    if (opts->strategy & MAIL_ADDR_FIND_FULL) {
        if (mail_addr_try(s, full_local, at, dom) ||
            (ext && (*out_bare = 1) && mail_addr_try(s, local, at, dom)))
            return 1;
    }
    *out_bare = 0;
    if ((opts->strategy & MAIL_ADDR_FIND_DOMAIN) && domain) {
        s->first = 0;
        if ((s->value = domain_find(s->maps, domain, opts->domain_flags, NULL)) != NULL ||
            s->maps->error)
            return 1;
    }
    if ((opts->strategy & MAIL_ADDR_FIND_LOCALPART) && domain) {
        int local_domain = opts->is_local ? opts->is_local(domain, opts->local_context) : 0;

        if (local_domain < 0) {
            s->maps->error = DICT_ERR_RETRY;
            return 1;
        }
        if (local_domain && (mail_addr_try(s, full_local, "", "") ||
                             (ext && (*out_bare = 1) && mail_addr_try(s, local, "", ""))))
            return 1;
    }
    *out_bare = 0;
    if ((opts->strategy & MAIL_ADDR_FIND_LOCALPART_AT) && domain) {
        if (mail_addr_try(s, full_local, "@", "") ||
            (ext && (*out_bare = 1) && mail_addr_try(s, local, "@", "")))
            return 1;
    }
    *out_bare = 0;
    if ((opts->strategy & MAIL_ADDR_FIND_AT_DOMAIN) && domain)
        return mail_addr_try(s, "@", domain, "");
    return 0;
}

/* mail_addr_find - search maps for an address */

const char *mail_addr_find(MAPS *maps, const char *address, const MAIL_ADDR_FIND_OPTS *opts,
                           char **out_extension)
{
    char *copy = mystrdup(address);
    char *atsign = strrchr(copy, '@');
    char *domain = atsign ? atsign + 1 : NULL;
    char *full_local, *ext, delim = 0;
    MAIL_ADDR_SEARCH search = {.maps = maps, .key = vstring_alloc(100), .first = 1};
    int bare = 0;

    if (out_extension)
        *out_extension = NULL;
    maps->error = DICT_ERR_NONE;
    if (atsign)
        *atsign = 0;
    full_local = mystrdup(copy);
    if ((ext = mail_addr_split_extension(copy, opts->delimiters)) != NULL)
        delim = full_local[ext - copy - 1];
    if (!mail_addr_search(&search, full_local, copy, ext, domain, opts, &bare)) {
        search.value = NULL;
    } else if (search.value && bare && ext && out_extension) {
        *out_extension = mymalloc(strlen(ext) + 2);
        (*out_extension)[0] = delim;
        strcpy(*out_extension + 1, ext);
    }
    vstring_free(search.key);
    myfree(full_local);
    myfree(copy);
    return search.value;
}
