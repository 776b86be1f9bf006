/*++
 * NAME
 *	resolve_rcpt - the address class, transport and next hop of a recipient
 * SYNOPSIS
 *	#include <resolve_rcpt.h>
 *
 *	int	resolve_class_domain(const RESOLVE_PROPS *props,
 *				const char *domain, VSTRING *why);
 *	int	resolve_rcpt(const RESOLVE_PROPS *props, const char *sender,
 *				const char *address, VSTRING *out_transport,
 *				VSTRING *out_nexthop, int *out_flags,
 *				VSTRING *why);
 *	int	resolve_split(const char *value, VSTRING *out_transport,
 *				VSTRING *out_nexthop);
 *	const char *resolve_class_name(int flags);
 * DESCRIPTION
 *	resolve_class_domain() gives a domain (without case, without a
 *	trailing dot; "" for an address without a domain) its address class
 *	(see resolve_rcpt.h for the order): one RESOLVE_CLASS_* bit, or
 *	RESOLVE_RETRY with a reason when a domain list lookup failed. A
 *	domain that is local and also a virtual domain is local, with a
 *	warning, as in Postfix.
 *
 *	resolve_rcpt() decides how address is delivered. sender (the
 *	envelope sender, "" for the null sender, or NULL when unknown)
 *	selects sender_dependent_relayhost_maps and
 *	sender_dependent_default_transport_maps entries (full address, then
 *	"@domain"; the null sender as the empty_address_* lookup key). With
 *	allow_percent_hack, "user%domain@local" resolves as "user@domain";
 *	with resolve_dequoted_address, so does "user@domain"@local (whose
 *	localpart, in the internal form, holds an '@'). An empty domain
 *	("user@") is a syntax error unless resolve_null_domain makes it
 *	"user"; a bare IP address ("user@192.0.2.1") is one unless
 *	resolve_numeric_domain makes it "user@[192.0.2.1]". A syntax error
 *	gives the default class with RESOLVE_FLAG_ERROR and
 *	RESOLVE_FLAG_SYNTAX, and "error:5.1.3 bad address syntax", which no
 *	table changes.
 *	A transport_maps value "transport:nexthop" may leave either part
 *	empty: an empty transport keeps the one the class gives, an empty
 *	next hop keeps that next hop. "error:text" and "discard:text" carry
 *	the text as the next hop. A relocated_maps entry gives
 *	"error:5.1.6 User has moved to <value>". It returns RESOLVE_OK with
 *	the class (and RESOLVE_FLAG_ERROR for the error transport) in
 *	*out_flags, or RESOLVE_RETRY with a reason when a table lookup
 *	failed.
 *
 *	resolve_split() splits "transport:nexthop" (or "transport", or
 *	":nexthop") into its parts; it returns 0, or -1 for an empty value.
 *
 *	resolve_class_name() names the class in flags ("local", "alias",
 *	"virtual", "relay", "default").
 * SEE ALSO
 *	transport(5), relocated(5), maps(3), match_list(3)
 *--*/

/* System library. */
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "valid_hostname.h"
#include "vstring.h"

/* Global library. */
#include "domain_find.h"
#include "mail_addr_find.h"
#include "resolve_rcpt.h"

/* The next hop of the error transport for an unknown virtual alias. */
#define RESOLVE_ALIAS_UNKNOWN "5.1.1 User unknown"

/* The next hop of the error transport for a malformed domain. */
#define RESOLVE_SYNTAX_ERROR "5.1.3 bad address syntax"

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

/* resolve_class_name - the name of a class */

const char *resolve_class_name(int flags)
{
    switch (flags & RESOLVE_CLASS_MASK) {
    case RESOLVE_CLASS_LOCAL:
        return "local";
    case RESOLVE_CLASS_ALIAS:
        return "alias";
    case RESOLVE_CLASS_VIRTUAL:
        return "virtual";
    case RESOLVE_CLASS_RELAY:
        return "relay";
    default:
        return "default";
    }
}

/* resolve_literal_ours - "[addr]" or "[ipv6:addr]" of one of our interfaces */

static bool resolve_literal_ours(const RESOLVE_PROPS *props, const char *domain)
{
    size_t len = strlen(domain);
    const char *addr = domain + 1;
    bool ours = false;
    char *bare;

    if (props->interfaces == NULL || len < 3 || domain[0] != '[' || domain[len - 1] != ']')
        return false;
    if (strncasecmp(addr, "ipv6:", 5) == 0)
        addr += 5;
    bare = mystrndup(addr, domain + len - 1 - addr);
    for (size_t i = 0; !ours && i < props->interfaces->argc; i++)
        ours = strcasecmp(bare, props->interfaces->argv[i]) == 0;
    myfree(bare);
    return ours;
}

/* resolve_in_list - 1 match, 0 no match, -1 lookup error (why says) */

static int resolve_in_list(MATCH_LIST *list, const char *name, const char *domain, VSTRING *why)
{
    if (list == NULL)
        return 0;
    if (match_list_domain(list, domain) > 0)
        return 1;
    if (match_list_error(list)) {
        vstring_sprintf(why, "%s lookup of %s failed", name, domain);
        return -1;
    }
    return 0;
}

/* resolve_class_domain - the address class of a domain */

int resolve_class_domain(const RESOLVE_PROPS *props, const char *domain, VSTRING *why)
{
    static const struct {
        size_t offset; /* of the MATCH_LIST in RESOLVE_PROPS */
        const char *name;
        int class;
    } lists[] = {
        {offsetof(RESOLVE_PROPS, virtual_alias_domains), "virtual_alias_domains",
         RESOLVE_CLASS_ALIAS},
        {offsetof(RESOLVE_PROPS, virtual_mailbox_domains), "virtual_mailbox_domains",
         RESOLVE_CLASS_VIRTUAL},
        {offsetof(RESOLVE_PROPS, relay_domains), "relay_domains", RESOLVE_CLASS_RELAY},
    };
    int found;

    if (*domain == 0 || resolve_literal_ours(props, domain))
        return RESOLVE_CLASS_LOCAL;
    if ((found = resolve_in_list(props->mydestination, "mydestination", domain, why)) != 0) {
        if (found > 0 && (resolve_in_list(props->virtual_alias_domains, "", domain, why) > 0 ||
                          resolve_in_list(props->virtual_mailbox_domains, "", domain, why) > 0))
            msg_warn("do not list domain %s in BOTH mydestination and virtual_alias_domains or "
                     "virtual_mailbox_domains",
                     domain);
        return found > 0 ? RESOLVE_CLASS_LOCAL : RESOLVE_RETRY;
    }
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        MATCH_LIST *list = *(MATCH_LIST **)((char *)props + lists[i].offset);

        if ((found = resolve_in_list(list, lists[i].name, domain, why)) != 0)
            return found > 0 ? lists[i].class : RESOLVE_RETRY;
    }
    return RESOLVE_CLASS_DEFAULT;
}

/* resolve_sender_find - a sender_dependent_* table: sender, then @domain */

static const char *resolve_sender_find(MAPS *maps, const char *sender, const char *empty_key,
                                       VSTRING *why)
{
    const char *value;
    const char *at;
    char *key;

    if (maps == NULL || sender == NULL)
        return NULL;
    if (*sender == 0) {
        value = maps_find(maps, empty_key, MAPS_FIND_ALL);
    } else {
        value = maps_find(maps, sender, MAPS_FIND_ALL);
        if (value == NULL && !maps->error && (at = strrchr(sender, '@')) != NULL) {
            key = lowercase(mystrdup(at));
            value = maps_find(maps, key, MAPS_FIND_FIXED);
            myfree(key);
        }
    }
    if (value == NULL && maps->error)
        vstring_sprintf(why, "%s lookup of %s failed: %s", maps->title, *sender ? sender : "<>",
                        maps_reason(maps));
    if (value && strcasecmp(value, "DUNNO") == 0)
        value = NULL;
    return value && *value ? value : NULL;
}

/* resolve_class_route - the transport and next hop that the class gives */

static int resolve_class_route(const RESOLVE_PROPS *props, const char *sender, const char *domain,
                               int class, VSTRING *transport, VSTRING *nexthop, VSTRING *why)
{
    const char *route = props->default_transport;
    const char *hop = NULL;

    switch (class) {
    case RESOLVE_CLASS_LOCAL:
        route = props->local_transport;
        break;
    case RESOLVE_CLASS_ALIAS:
        vstring_strcpy(transport, "error");
        vstring_sprintf(nexthop, "%s%s", RESOLVE_ALIAS_UNKNOWN,
                        props->show_user_unknown_table_name ? " in virtual alias table" : "");
        return RESOLVE_OK;
    case RESOLVE_CLASS_VIRTUAL:
        route = props->virtual_transport;
        break;
    case RESOLVE_CLASS_RELAY:
        route = props->relay_transport;
        break;
    default:
        route = resolve_sender_find(props->sender_transport_maps, sender,
                                    props->empty_transport_key, why);
        if (route == NULL && props->sender_transport_maps && props->sender_transport_maps->error)
            return RESOLVE_RETRY;
        if (route == NULL)
            route = props->default_transport;
        break;
    }
    if (class & (RESOLVE_CLASS_RELAY | RESOLVE_CLASS_DEFAULT)) {
        hop = resolve_sender_find(props->sender_relayhost_maps, sender, props->empty_relayhost_key,
                                  why);
        if (hop == NULL && props->sender_relayhost_maps && props->sender_relayhost_maps->error)
            return RESOLVE_RETRY;
        if (hop == NULL && props->relayhost && *props->relayhost)
            hop = props->relayhost;
    }
    if (route == NULL || resolve_split(route, transport, nexthop) < 0)
        vstring_strcpy(transport, class == RESOLVE_CLASS_LOCAL ? "local" : "smtp");
    if (VSTRING_LEN(nexthop) == 0)
        vstring_strcpy(nexthop, class == RESOLVE_CLASS_LOCAL ? props->myhostname
                                : hop                        ? hop
                                                             : domain);
    return RESOLVE_OK;
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

/* resolve_override - a transport_maps value over the class route */

static void resolve_override(const char *value, VSTRING *transport, VSTRING *nexthop)
{
    VSTRING *map_transport = vstring_alloc(20), *map_nexthop = vstring_alloc(40);

    if (resolve_split(value, map_transport, map_nexthop) == 0) {
        if (VSTRING_LEN(map_transport) > 0)
            vstring_strcpy(transport, vstring_str(map_transport));
        if (VSTRING_LEN(map_nexthop) > 0)
            vstring_strcpy(nexthop, vstring_str(map_nexthop));
    }
    vstring_free(map_transport);
    vstring_free(map_nexthop);
}

/* resolve_is_local - mail_addr_find() callback for relocated_maps */

static int resolve_is_local(const char *domain, void *context)
{
    VSTRING *why = vstring_alloc(100);
    int class = resolve_class_domain(context, domain, why);

    vstring_free(why);
    return class < 0 ? -1 : class == RESOLVE_CLASS_LOCAL;
}

/* resolve_relocated - relocated_maps: "error:5.1.6 User has moved to ..." */

static int resolve_relocated(const RESOLVE_PROPS *props, const char *address, VSTRING *transport,
                             VSTRING *nexthop, VSTRING *why)
{
    MAIL_ADDR_FIND_OPTS opts = {
        .strategy = MAIL_ADDR_FIND_VIRTUAL,
        .delimiters = props->recipient_delimiter,
        .is_local = resolve_is_local,
        .local_context = (void *)props,
    };
    const char *value = mail_addr_find(props->relocated_maps, address, &opts, NULL);

    if (value == NULL && props->relocated_maps->error) {
        vstring_sprintf(why, "relocated_maps lookup of %s failed: %s", address,
                        maps_reason(props->relocated_maps));
        return RESOLVE_RETRY;
    }
    if (value != NULL) {
        vstring_strcpy(transport, "error");
        vstring_sprintf(nexthop, "5.1.6 User has moved to %s", value);
    }
    return RESOLVE_OK;
}

/*
 * resolve_local_route - while the domain is local, a localpart that
 * routes further: "user@remote"@local (resolve_dequoted_address) and
 * user%remote@local (allow_percent_hack, when the localpart has no '@')
 * resolve as user@remote.
 */
static char *resolve_local_route(const RESOLVE_PROPS *props, char *key, char **domain, int *class,
                                 VSTRING *why)
{
    char *at, *inner, *pct;

    while (*class == RESOLVE_CLASS_LOCAL && (at = strrchr(key, '@')) != NULL) {
        *at = 0;
        if ((inner = strrchr(key, '@')) != NULL && props->resolve_dequoted_address) {
            *domain = inner + 1;
        } else if (inner == NULL && props->allow_percent_hack &&
                   (pct = strrchr(key, '%')) != NULL) {
            *pct = '@';
            *domain = pct + 1;
        } else {
            *at = '@';
            break;
        }
        *class = resolve_class_domain(props, *domain, why);
    }
    return key;
}

/*
 * resolve_domain_syntax - the last domain of key as the resolver takes
 * it: 0 as it is, 1 changed (key may be reallocated; domain points into
 * it), -1 a syntax error. "user@" is "user" with resolve_null_domain
 * (the whole rest is the localpart, '@' and all); "user@192.0.2.1" is
 * "user@[192.0.2.1]" with resolve_numeric_domain; "[...]" must hold an
 * address, and anything else must be a host name (valid_hostname(3)).
 */
static int resolve_domain_syntax(const RESOLVE_PROPS *props, char **key, char **domain)
{
    char *at = strrchr(*key, '@');
    VSTRING *bracketed;

    if (at == NULL)
        return 0;
    if (**domain == 0) {
        if (!props->resolve_null_domain)
            return -1;
        *at = 0;
        *domain = *key + strlen(*key);
        return 1;
    }
    if (**domain == '[')
        return valid_hostliteral(*domain) ? 0 : -1;
    if (!valid_hostaddr(*domain))
        return valid_hostname(*domain) ? 0 : -1;
    if (!props->resolve_numeric_domain)
        return -1;
    bracketed = vstring_alloc(100);
    *at = 0;
    vstring_sprintf(bracketed, "%s@[%s]", *key, *domain);
    myfree(*key);
    *key = vstring_export(bracketed);
    *domain = strrchr(*key, '@') + 1;
    return 1;
}

/* resolve_rcpt - route one recipient */

int resolve_rcpt(const RESOLVE_PROPS *props, const char *sender, const char *address,
                 VSTRING *out_transport, VSTRING *out_nexthop, int *out_flags, VSTRING *why)
{
    char *key = lowercase(mystrdup(address));
    char *at = strrchr(key, '@');
    char *domain = at ? at + 1 : key + strlen(key);
    size_t len = strlen(domain);
    const char *value = NULL;
    int class;
    int syntax = 0;
    int status = RESOLVE_OK;

    /* One trailing dot goes, but not the second of "..". */
    if (len > 1 && domain[len - 1] == '.' && domain[len - 2] != '.')
        domain[len - 1] = 0;
    class = resolve_class_domain(props, domain, why);
    if (class > 0)
        key = resolve_local_route(props, key, &domain, &class, why);
    if (class > 0 && (syntax = resolve_domain_syntax(props, &key, &domain)) > 0)
        class = resolve_class_domain(props, domain, why);
    VSTRING_RESET(out_nexthop);
    if (syntax < 0) {
        /* Like the error transport, but no table may route it elsewhere. */
        vstring_strcpy(out_transport, "error");
        vstring_strcpy(out_nexthop, RESOLVE_SYNTAX_ERROR);
        *out_flags = RESOLVE_CLASS_DEFAULT | RESOLVE_FLAG_ERROR | RESOLVE_FLAG_SYNTAX;
    } else if (class < 0 || resolve_class_route(props, sender, domain, class, out_transport,
                                                out_nexthop, why) < 0) {
        status = RESOLVE_RETRY;
    } else if (class != RESOLVE_CLASS_ALIAS && props->transport_maps &&
               (value = resolve_table(props, key, domain, why)) == NULL &&
               props->transport_maps->error) {
        status = RESOLVE_RETRY;
    } else {
        if (value)
            resolve_override(value, out_transport, out_nexthop);
        if (props->relocated_maps)
            status = resolve_relocated(props, key, out_transport, out_nexthop, why);
        *out_flags = class;
        if (strcmp(vstring_str(out_transport), "error") == 0)
            *out_flags |= RESOLVE_FLAG_ERROR;
    }
    myfree(key);
    return status;
}
