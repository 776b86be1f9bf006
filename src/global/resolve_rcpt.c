/*++
 * NAME
 *	resolve_rcpt - which transport and next hop deliver a recipient
 * SYNOPSIS
 *	#include <resolve_rcpt.h>
 *
 *	int	resolve_rcpt(const RESOLVE_PROPS *props, const char *address,
 *				VSTRING *out_transport, VSTRING *out_nexthop,
 *				int *out_flags, VSTRING *why);
 *	int	resolve_split(const char *value, VSTRING *out_transport,
 *				VSTRING *out_nexthop);
 * DESCRIPTION
 *	resolve_rcpt() decides how address is delivered (see
 *	resolve_rcpt.h for the order). A transport_maps value
 *	"transport:nexthop" may leave either part empty: an empty transport
 *	keeps the one the domain would get without the table, an empty next
 *	hop keeps that next hop. "error:text" and "discard:text" carry the
 *	text as the next hop. Domain names are compared without case and
 *	without a trailing dot. It returns RESOLVE_OK, with
 *	RESOLVE_FLAG_LOCAL in *out_flags for a local domain, or
 *	RESOLVE_RETRY with a reason when a table lookup failed.
 *
 *	resolve_split() splits "transport:nexthop" (or "transport", or
 *	":nexthop") into its parts; it returns 0, or -1 for an empty value.
 * SEE ALSO
 *	transport(5), maps(3), match_list(3)
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "domain_find.h"
#include "resolve_rcpt.h"

/* resolve_split - "transport:nexthop" into its parts */

int resolve_split(const char *value, VSTRING *out_transport, VSTRING *out_nexthop)
{
    const char *colon = strchr(value, ':');

    if (*value == 0)
        return -1;
    if (colon == NULL) {
        vstring_strcpy(out_transport, value);
        VSTRING_RESET(out_nexthop);
    } else {
        vstring_strncpy(out_transport, value, (size_t)(colon - value));
        vstring_strcpy(out_nexthop, colon + 1);
    }
    return 0;
}

/* resolve_default - the route without transport_maps */

static void resolve_default(const RESOLVE_PROPS *props, const char *domain, bool local,
                            VSTRING *transport, VSTRING *nexthop)
{
    const char *route;
    bool relay = false;

    if (local) {
        route = props->local_transport;
    } else if (props->relay_domains && match_list_domain(props->relay_domains, domain)) {
        route = props->relay_transport;
        relay = true;
    } else {
        route = props->default_transport;
        relay = true;
    }
    if (resolve_split(route, transport, nexthop) < 0)
        vstring_strcpy(transport, local ? "local" : "smtp");
    if (VSTRING_LEN(nexthop) == 0) {
        if (local)
            vstring_strcpy(nexthop, props->myhostname);
        else if (relay && props->relayhost && *props->relayhost)
            vstring_strcpy(nexthop, props->relayhost);
        else
            vstring_strcpy(nexthop, domain);
    }
}

/* resolve_table - transport_maps: address, domain, parents, "*" */

static const char *resolve_table(const RESOLVE_PROPS *props, const char *address,
                                 const char *domain, VSTRING *why)
{
    MAPS *maps = props->transport_maps;
    const char *value;

    if ((value = maps_find(maps, address, MAPS_FIND_ALL)) == NULL && !maps->error && *domain)
        value = domain_find(maps, domain, DOMAIN_FIND_DOT_PARENT, NULL);
    if (value == NULL && !maps->error)
        value = maps_find(maps, "*", MAPS_FIND_ALL);
    if (value == NULL && maps->error)
        vstring_sprintf(why, "transport_maps lookup of %s failed: %s", address, maps_reason(maps));
    return value;
}

/* resolve_rcpt - route one recipient */

int resolve_rcpt(const RESOLVE_PROPS *props, const char *address, VSTRING *out_transport,
                 VSTRING *out_nexthop, int *out_flags, VSTRING *why)
{
    const char *at = strrchr(address, '@');
    char *domain = lowercase(mystrdup(at ? at + 1 : ""));
    char *key = lowercase(mystrdup(address));
    size_t len = strlen(domain);
    VSTRING *map_transport = vstring_alloc(20), *map_nexthop = vstring_alloc(40);
    const char *value = NULL;
    int status = RESOLVE_OK;
    bool local;

    if (len > 0 && domain[len - 1] == '.')
        domain[len - 1] = 0;
    local = *domain == 0 || strcmp(domain, "localhost") == 0 ||
            (props->mydestination && match_list_domain(props->mydestination, domain));
    if (!local && props->mydestination && match_list_error(props->mydestination)) {
        vstring_sprintf(why, "mydestination lookup of %s failed", domain);
        status = RESOLVE_RETRY;
    } else if (props->transport_maps && (value = resolve_table(props, key, domain, why)) == NULL &&
               props->transport_maps->error) {
        status = RESOLVE_RETRY;
    } else {
        resolve_default(props, domain, local, out_transport, out_nexthop);
        if (value && resolve_split(value, map_transport, map_nexthop) == 0) {
            if (VSTRING_LEN(map_transport) > 0)
                vstring_strcpy(out_transport, vstring_str(map_transport));
            if (VSTRING_LEN(map_nexthop) > 0)
                vstring_strcpy(out_nexthop, vstring_str(map_nexthop));
        }
        *out_flags = local ? RESOLVE_FLAG_LOCAL : 0;
    }
    vstring_free(map_transport);
    vstring_free(map_nexthop);
    myfree(domain);
    myfree(key);
    return status;
}
