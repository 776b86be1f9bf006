/*
 * resolve_rcpt.h - the address class, transport and next hop of a recipient
 *
 * The resolving half of Postfix's trivial-rewrite, as a library that
 * smtpd (RCPT checks), cleanup and qmgr (routing) share. The class of a
 * recipient domain is decided in this order:
 *
 *	local		no domain, mydestination, or an address literal
 *			of inet_interfaces or proxy_interfaces
 *	virtual alias	virtual_alias_domains
 *	virtual mailbox	virtual_mailbox_domains
 *	relay		relay_domains
 *	default		everything else
 *
 * Each class has its transport (local_transport, error:User unknown in
 * virtual alias table, virtual_transport, relay_transport,
 * default_transport or sender_dependent_default_transport_maps) and next
 * hop ($myhostname for local, the domain otherwise, or for relay and
 * default the sender_dependent_relayhost_maps result, or relayhost).
 * transport_maps overrides both (except for the virtual alias class);
 * relocated_maps turns the recipient into "error:5.1.6 User has moved
 * to ...". A domain that is empty ("user@", unless resolve_null_domain)
 * or a bare IP address ("user@192.0.2.1", unless resolve_numeric_domain,
 * which makes it "[192.0.2.1]") is a syntax error: the default class
 * with "error:5.1.3 bad address syntax". resolve_props_init() builds the
 * props from main.cf values.
 */
#ifndef RESOLVE_RCPT_H
#define RESOLVE_RCPT_H

#include <stdbool.h>

#include "argv.h"
#include "maps.h"
#include "match_list.h"
#include "vstring.h"

/* What the resolver consults; the caller owns everything (resolve_props_free()). */
typedef struct RESOLVE_PROPS {
    MATCH_LIST *mydestination;           /* local domains, or NULL */
    ARGV *interfaces;                    /* our addresses (literals), or NULL */
    MATCH_LIST *virtual_alias_domains;   /* or NULL */
    MATCH_LIST *virtual_mailbox_domains; /* or NULL */
    MATCH_LIST *relay_domains;           /* relay domains, or NULL */
    MAPS *transport_maps;                /* transport(5) tables, or NULL */
    MAPS *relocated_maps;                /* relocated(5) tables, or NULL */
    MAPS *sender_relayhost_maps;         /* sender_dependent_relayhost_maps, or NULL */
    MAPS *sender_transport_maps;         /* sender_dependent_default_transport_maps */
    const char *empty_relayhost_key;     /* empty_address_relayhost_maps_lookup_key */
    const char *empty_transport_key;     /* ..._default_transport_maps_lookup_key */
    const char *myhostname;              /* next hop of local delivery */
    const char *local_transport;         /* "local:$myhostname" */
    const char *virtual_transport;       /* "virtual" */
    const char *relay_transport;         /* "relay" */
    const char *default_transport;       /* "smtp" */
    const char *relayhost;               /* "" or "[host]:port" */
    const char *recipient_delimiter;     /* for relocated_maps lookups, or NULL */
    bool allow_percent_hack;             /* user%domain@local is user@domain */
    bool show_user_unknown_table_name;   /* "User unknown in ... table" */
    bool resolve_dequoted_address;       /* "user@remote"@local is user@remote */
    bool resolve_null_domain;            /* user@ is user, not a syntax error */
    bool resolve_numeric_domain;         /* user@1.2.3.4 is user@[1.2.3.4] */
} RESOLVE_PROPS;

/* main.cf values for resolve_props_init(), borrowed during the call. */
typedef struct RESOLVE_SETTINGS {
    const char *mydestination;
    const char *inet_interfaces;
    const char *proxy_interfaces;
    const char *inet_protocols;
    const char *virtual_alias_domains;
    const char *virtual_mailbox_domains;
    const char *relay_domains;
    const char *transport_maps;
    const char *relocated_maps;
    const char *sender_dependent_relayhost_maps;
    const char *sender_dependent_default_transport_maps;
    const char *empty_address_relayhost_maps_lookup_key;
    const char *empty_address_default_transport_maps_lookup_key;
    const char *myhostname;
    const char *local_transport;
    const char *virtual_transport;
    const char *relay_transport;
    const char *default_transport;
    const char *relayhost;
    const char *recipient_delimiter;
    bool allow_percent_hack;
    bool show_user_unknown_table_name;
    bool resolve_dequoted_address;
    bool resolve_null_domain;
    bool resolve_numeric_domain;
} RESOLVE_SETTINGS;

/* The CONFIG_BIND entries of every RESOLVE_SETTINGS field (P points to one). */
#define RESOLVE_SETTINGS_BIND(P)                                                                   \
    CONFIG_BIND_STR(VAR_MYDESTINATION, &(P)->mydestination),                                       \
        CONFIG_BIND_STR(VAR_INET_INTERFACES, &(P)->inet_interfaces),                               \
        CONFIG_BIND_STR(VAR_PROXY_INTERFACES, &(P)->proxy_interfaces),                             \
        CONFIG_BIND_STR(VAR_INET_PROTOCOLS, &(P)->inet_protocols),                                 \
        CONFIG_BIND_STR(VAR_VIRTUAL_ALIAS_DOMAINS, &(P)->virtual_alias_domains),                   \
        CONFIG_BIND_STR(VAR_VIRTUAL_MAILBOX_DOMAINS, &(P)->virtual_mailbox_domains),               \
        CONFIG_BIND_STR(VAR_RELAY_DOMAINS, &(P)->relay_domains),                                   \
        CONFIG_BIND_STR(VAR_TRANSPORT_MAPS, &(P)->transport_maps),                                 \
        CONFIG_BIND_STR(VAR_RELOCATED_MAPS, &(P)->relocated_maps),                                 \
        CONFIG_BIND_STR(VAR_SENDER_DEPENDENT_RELAYHOST_MAPS,                                       \
                        &(P)->sender_dependent_relayhost_maps),                                    \
        CONFIG_BIND_STR(VAR_SENDER_DEPENDENT_DEFAULT_TRANSPORT_MAPS,                               \
                        &(P)->sender_dependent_default_transport_maps),                            \
        CONFIG_BIND_STR(VAR_EMPTY_ADDRESS_RELAYHOST_MAPS_LOOKUP_KEY,                               \
                        &(P)->empty_address_relayhost_maps_lookup_key),                            \
        CONFIG_BIND_STR(VAR_EMPTY_ADDRESS_DEFAULT_TRANSPORT_MAPS_LOOKUP_KEY,                       \
                        &(P)->empty_address_default_transport_maps_lookup_key),                    \
        CONFIG_BIND_STR(VAR_MYHOSTNAME, &(P)->myhostname),                                         \
        CONFIG_BIND_STR(VAR_LOCAL_TRANSPORT, &(P)->local_transport),                               \
        CONFIG_BIND_STR(VAR_VIRTUAL_TRANSPORT, &(P)->virtual_transport),                           \
        CONFIG_BIND_STR(VAR_RELAY_TRANSPORT, &(P)->relay_transport),                               \
        CONFIG_BIND_STR(VAR_DEFAULT_TRANSPORT, &(P)->default_transport),                           \
        CONFIG_BIND_STR(VAR_RELAYHOST, &(P)->relayhost),                                           \
        CONFIG_BIND_STR(VAR_RECIPIENT_DELIMITER, &(P)->recipient_delimiter),                       \
        CONFIG_BIND_BOOL(VAR_ALLOW_PERCENT_HACK, &(P)->allow_percent_hack),                        \
        CONFIG_BIND_BOOL(VAR_SHOW_USER_UNKNOWN_TABLE_NAME, &(P)->show_user_unknown_table_name),    \
        CONFIG_BIND_BOOL(VAR_RESOLVE_DEQUOTED_ADDRESS, &(P)->resolve_dequoted_address),            \
        CONFIG_BIND_BOOL(VAR_RESOLVE_NULL_DOMAIN, &(P)->resolve_null_domain),                      \
        CONFIG_BIND_BOOL(VAR_RESOLVE_NUMERIC_DOMAIN, &(P)->resolve_numeric_domain)

/* resolve_rcpt() results. */
#define RESOLVE_OK    0    /* out_transport and out_nexthop are set */
#define RESOLVE_RETRY (-1) /* a table lookup failed: defer (why says) */

/* Result flags: exactly one class. */
#define RESOLVE_CLASS_LOCAL   (1 << 0) /* mydestination, our address literals */
#define RESOLVE_CLASS_ALIAS   (1 << 1) /* virtual_alias_domains */
#define RESOLVE_CLASS_VIRTUAL (1 << 2) /* virtual_mailbox_domains */
#define RESOLVE_CLASS_RELAY   (1 << 3) /* relay_domains */
#define RESOLVE_CLASS_DEFAULT (1 << 4) /* everything else */
#define RESOLVE_CLASS_MASK    0x1f
#define RESOLVE_FLAG_LOCAL    RESOLVE_CLASS_LOCAL /* the domain is one of ours */
#define RESOLVE_FLAG_ERROR    (1 << 8)            /* the transport is "error" */
#define RESOLVE_FLAG_SYNTAX   (1 << 9)            /* the domain is malformed ("error" too) */

extern int resolve_props_init(RESOLVE_PROPS *props, const RESOLVE_SETTINGS *settings, VSTRING *why);
extern void resolve_props_free(RESOLVE_PROPS *props);
extern int resolve_class_domain(const RESOLVE_PROPS *props, const char *domain, VSTRING *why);
extern int resolve_rcpt(const RESOLVE_PROPS *props, const char *sender, const char *address,
                        VSTRING *out_transport, VSTRING *out_nexthop, int *out_flags, VSTRING *why);
extern int resolve_split(const char *value, VSTRING *out_transport, VSTRING *out_nexthop);
extern const char *resolve_class_name(int flags);

#endif
