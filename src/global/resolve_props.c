/*++
 * NAME
 *	resolve_props - build the resolver's tables from main.cf values
 * SYNOPSIS
 *	#include <resolve_rcpt.h>
 *
 *	int	resolve_props_init(RESOLVE_PROPS *props,
 *				const RESOLVE_SETTINGS *settings, VSTRING *why);
 *	void	resolve_props_free(RESOLVE_PROPS *props);
 * DESCRIPTION
 *	resolve_props_init() fills props from the main.cf values in
 *	settings (bound with RESOLVE_SETTINGS_BIND()): it compiles the
 *	domain lists (mydestination, virtual_alias_domains,
 *	virtual_mailbox_domains, relay_domains), opens the tables
 *	(transport_maps, relocated_maps, sender_dependent_relayhost_maps,
 *	sender_dependent_default_transport_maps) and lists the addresses of
 *	inet_interfaces ("all": every interface that is up; "loopback-only":
 *	the loopback interfaces; otherwise the addresses and host names
 *	listed) and proxy_interfaces, whose address literals are local. The
 *	strings of settings are copied where props keeps them. It returns 0,
 *	or -1 with a reason (a malformed domain list).
 *
 *	resolve_props_free() releases what resolve_props_init() made.
 * SEE ALSO
 *	resolve_rcpt(3)
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "resolve_rcpt.h"

/* resolve_props_addr - add the text form of one socket address */

static void resolve_props_addr(ARGV *list, const struct sockaddr *sa, const char *protocols)
{
    char buf[INET6_ADDRSTRLEN];
    const void *addr;

    if (sa->sa_family == AF_INET && (strstr(protocols, "ipv4") || strstr(protocols, "all")))
        addr = &((const struct sockaddr_in *)sa)->sin_addr;
    else if (sa->sa_family == AF_INET6 && (strstr(protocols, "ipv6") || strstr(protocols, "all")))
        addr = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    else
        return;
    if (inet_ntop(sa->sa_family, addr, buf, sizeof(buf)) == NULL)
        return;
    for (size_t i = 0; i < list->argc; i++)
        if (strcmp(list->argv[i], buf) == 0)
            return;
    argv_add(list, buf);
}

/* resolve_props_ifaddrs - the addresses of the interfaces that are up */

static void resolve_props_ifaddrs(ARGV *list, bool loopback_only, const char *protocols)
{
    struct ifaddrs *ifap = NULL;

    if (getifaddrs(&ifap) < 0) {
        msg_warn("%s: cannot list network interfaces: %m", __func__);
        return;
    }
    for (struct ifaddrs *ifa = ifap; ifa; ifa = ifa->ifa_next)
        if (ifa->ifa_addr && (ifa->ifa_flags & IFF_UP) &&
            (!loopback_only || (ifa->ifa_flags & IFF_LOOPBACK)))
            resolve_props_addr(list, ifa->ifa_addr, protocols);
    freeifaddrs(ifap);
}

/* resolve_props_interfaces - the addresses of inet_interfaces or proxy_interfaces */

static void resolve_props_interfaces(ARGV *list, const char *value, const char *protocols)
{
    char *copy = mystrdup(value);
    char *cp = copy;
    char *item;

    while ((item = mystrtok(&cp, ", \t\r\n")) != NULL) {
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;

        if (strcasecmp(item, "all") == 0) {
            resolve_props_ifaddrs(list, false, protocols);
        } else if (strcasecmp(item, "loopback-only") == 0) {
            resolve_props_ifaddrs(list, true, protocols);
        } else if (getaddrinfo(item, NULL, &hints, &res) == 0) {
            for (ai = res; ai; ai = ai->ai_next)
                resolve_props_addr(list, ai->ai_addr, protocols);
            freeaddrinfo(res);
        } else {
            msg_warn("%s: cannot find the address of %s", __func__, item);
        }
    }
    myfree(copy);
}

/* resolve_props_list - a domain list, NULL when empty */

static int resolve_props_list(MATCH_LIST **out, const char *name, const char *value, VSTRING *why)
{
    VSTRING *text = vstring_alloc(100);

    *out = NULL;
    if (value && *value && (*out = match_list_create(name, value, MATCH_FLAG_NONE, text)) == NULL)
        vstring_sprintf(why, "parameter %s: %s", name, vstring_str(text));
    vstring_free(text);
    return value && *value && *out == NULL ? -1 : 0;
}

/* resolve_props_maps - a table list, NULL when empty */

static MAPS *resolve_props_maps(const char *name, const char *value)
{
    return value && *value ? maps_create(name, value, DICT_FLAG_LOCK) : NULL;
}

/* resolve_props_init - compile the lists and open the tables */

int resolve_props_init(RESOLVE_PROPS *props, const RESOLVE_SETTINGS *s, VSTRING *why)
{
    const char *protocols = s->inet_protocols && *s->inet_protocols ? s->inet_protocols : "all";

    memset(props, 0, sizeof(*props));
    props->interfaces = argv_alloc(10);
    resolve_props_interfaces(props->interfaces, s->inet_interfaces ? s->inet_interfaces : "",
                             protocols);
    resolve_props_interfaces(props->interfaces, s->proxy_interfaces ? s->proxy_interfaces : "",
                             protocols);
    if (resolve_props_list(&props->mydestination, "mydestination", s->mydestination, why) < 0 ||
        resolve_props_list(&props->virtual_alias_domains, "virtual_alias_domains",
                           s->virtual_alias_domains, why) < 0 ||
        resolve_props_list(&props->virtual_mailbox_domains, "virtual_mailbox_domains",
                           s->virtual_mailbox_domains, why) < 0 ||
        resolve_props_list(&props->relay_domains, "relay_domains", s->relay_domains, why) < 0) {
        resolve_props_free(props);
        return -1;
    }
    props->transport_maps = resolve_props_maps("transport_maps", s->transport_maps);
    props->relocated_maps = resolve_props_maps("relocated_maps", s->relocated_maps);
    props->sender_relayhost_maps =
        resolve_props_maps("sender_dependent_relayhost_maps", s->sender_dependent_relayhost_maps);
    props->sender_transport_maps = resolve_props_maps("sender_dependent_default_transport_maps",
                                                      s->sender_dependent_default_transport_maps);
    props->empty_relayhost_key = mystrdup(s->empty_address_relayhost_maps_lookup_key
                                              ? s->empty_address_relayhost_maps_lookup_key
                                              : "<>");
    props->empty_transport_key = mystrdup(s->empty_address_default_transport_maps_lookup_key
                                              ? s->empty_address_default_transport_maps_lookup_key
                                              : "<>");
    props->myhostname = mystrdup(s->myhostname ? s->myhostname : "localhost");
    props->local_transport = mystrdup(s->local_transport ? s->local_transport : "local");
    props->virtual_transport = mystrdup(s->virtual_transport ? s->virtual_transport : "virtual");
    props->relay_transport = mystrdup(s->relay_transport ? s->relay_transport : "relay");
    props->default_transport = mystrdup(s->default_transport ? s->default_transport : "smtp");
    props->relayhost = mystrdup(s->relayhost ? s->relayhost : "");
    props->recipient_delimiter = mystrdup(s->recipient_delimiter ? s->recipient_delimiter : "");
    props->allow_percent_hack = s->allow_percent_hack;
    props->show_user_unknown_table_name = s->show_user_unknown_table_name;
    props->resolve_dequoted_address = s->resolve_dequoted_address;
    props->resolve_null_domain = s->resolve_null_domain;
    props->resolve_numeric_domain = s->resolve_numeric_domain;
    return 0;
}

/* resolve_props_free - release the lists, tables and strings */

void resolve_props_free(RESOLVE_PROPS *props)
{
    const char **strings[] = {
        &props->empty_relayhost_key, &props->empty_transport_key, &props->myhostname,
        &props->local_transport,     &props->virtual_transport,   &props->relay_transport,
        &props->default_transport,   &props->relayhost,           &props->recipient_delimiter,
    };

    MATCH_LIST *lists[] = {props->mydestination, props->virtual_alias_domains,
                           props->virtual_mailbox_domains, props->relay_domains};
    MAPS *maps[] = {props->transport_maps, props->relocated_maps, props->sender_relayhost_maps,
                    props->sender_transport_maps};

    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
        if (lists[i])
            match_list_free(lists[i]);
    for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
        if (maps[i])
            maps_free(maps[i]);
    if (props->interfaces)
        argv_free(props->interfaces);
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        if (*strings[i])
            myfree((void *)*strings[i]);
    memset(props, 0, sizeof(*props));
}
