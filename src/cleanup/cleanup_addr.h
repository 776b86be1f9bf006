/*
 * cleanup_addr.h - cleanup's address rewriting: envelope and headers
 *
 * The settings (bound by cleanup.c with CLEANUP_ADDR_SETTINGS_BIND) and
 * the tables they name (opened once by cleanup_addr_create()). The steps
 * per address are Postfix's: canonical form; sender_canonical_maps or
 * recipient_canonical_maps, then canonical_maps (per
 * *canonical_classes); masquerading (masquerade_classes); for envelope
 * recipients the bcc tables and virtual_alias_maps.
 */
#ifndef CLEANUP_ADDR_H
#define CLEANUP_ADDR_H

#include <stdbool.h>

#include "config.h"
#include "mail_params.h"
#include "resolve_rcpt.h"

typedef struct CLEANUP_ADDR CLEANUP_ADDR;

/* main.cf values, borrowed during cleanup_addr_create(). */
typedef struct CLEANUP_ADDR_SETTINGS {
    RESOLVE_SETTINGS resolve;                   /* local domains, recipient_delimiter */
    const char *myorigin;                       /* myorigin */
    const char *mydomain;                       /* mydomain */
    bool append_at_myorigin;                    /* append_at_myorigin */
    bool append_dot_mydomain;                   /* append_dot_mydomain */
    bool swap_bangpath;                         /* swap_bangpath */
    const char *canonical_maps;                 /* canonical_maps */
    const char *sender_canonical_maps;          /* sender_canonical_maps */
    const char *recipient_canonical_maps;       /* recipient_canonical_maps */
    const char *canonical_classes;              /* canonical_classes */
    const char *sender_canonical_classes;       /* sender_canonical_classes */
    const char *recipient_canonical_classes;    /* recipient_canonical_classes */
    const char *masquerade_domains;             /* masquerade_domains */
    const char *masquerade_exceptions;          /* masquerade_exceptions */
    const char *masquerade_classes;             /* masquerade_classes */
    const char *virtual_alias_maps;             /* virtual_alias_maps */
    int virtual_alias_expansion_limit;          /* virtual_alias_expansion_limit */
    int virtual_alias_recursion_limit;          /* virtual_alias_recursion_limit */
    int virtual_alias_address_length_limit;     /* virtual_alias_address_length_limit */
    const char *propagate_unmatched_extensions; /* propagate_unmatched_extensions */
    const char *sender_bcc_maps;                /* sender_bcc_maps */
    const char *recipient_bcc_maps;             /* recipient_bcc_maps */
    const char *always_bcc;                     /* always_bcc */
    const char *local_header_rewrite_clients;   /* local_header_rewrite_clients */
    const char *remote_header_rewrite_domain;   /* remote_header_rewrite_domain */
    const char *mynetworks;                     /* for permit_mynetworks */
} CLEANUP_ADDR_SETTINGS;

#define CLEANUP_ADDR_SETTINGS_BIND(P)                                                              \
    RESOLVE_SETTINGS_BIND(&(P)->resolve), CONFIG_BIND_STR(VAR_MYORIGIN, &(P)->myorigin),           \
        CONFIG_BIND_STR(VAR_MYDOMAIN, &(P)->mydomain),                                             \
        CONFIG_BIND_BOOL(VAR_APPEND_AT_MYORIGIN, &(P)->append_at_myorigin),                        \
        CONFIG_BIND_BOOL(VAR_APPEND_DOT_MYDOMAIN, &(P)->append_dot_mydomain),                      \
        CONFIG_BIND_BOOL(VAR_SWAP_BANGPATH, &(P)->swap_bangpath),                                  \
        CONFIG_BIND_STR(VAR_CANONICAL_MAPS, &(P)->canonical_maps),                                 \
        CONFIG_BIND_STR(VAR_SENDER_CANONICAL_MAPS, &(P)->sender_canonical_maps),                   \
        CONFIG_BIND_STR(VAR_RECIPIENT_CANONICAL_MAPS, &(P)->recipient_canonical_maps),             \
        CONFIG_BIND_STR(VAR_CANONICAL_CLASSES, &(P)->canonical_classes),                           \
        CONFIG_BIND_STR(VAR_SENDER_CANONICAL_CLASSES, &(P)->sender_canonical_classes),             \
        CONFIG_BIND_STR(VAR_RECIPIENT_CANONICAL_CLASSES, &(P)->recipient_canonical_classes),       \
        CONFIG_BIND_STR(VAR_MASQUERADE_DOMAINS, &(P)->masquerade_domains),                         \
        CONFIG_BIND_STR(VAR_MASQUERADE_EXCEPTIONS, &(P)->masquerade_exceptions),                   \
        CONFIG_BIND_STR(VAR_MASQUERADE_CLASSES, &(P)->masquerade_classes),                         \
        CONFIG_BIND_STR(VAR_VIRTUAL_ALIAS_MAPS, &(P)->virtual_alias_maps),                         \
        CONFIG_BIND_INT(VAR_VIRTUAL_ALIAS_EXPANSION_LIMIT, &(P)->virtual_alias_expansion_limit),   \
        CONFIG_BIND_INT(VAR_VIRTUAL_ALIAS_RECURSION_LIMIT, &(P)->virtual_alias_recursion_limit),   \
        CONFIG_BIND_INT(VAR_VIRTUAL_ALIAS_ADDRESS_LENGTH_LIMIT,                                    \
                        &(P)->virtual_alias_address_length_limit),                                 \
        CONFIG_BIND_STR(VAR_PROPAGATE_UNMATCHED_EXTENSIONS, &(P)->propagate_unmatched_extensions), \
        CONFIG_BIND_STR(VAR_SENDER_BCC_MAPS, &(P)->sender_bcc_maps),                               \
        CONFIG_BIND_STR(VAR_RECIPIENT_BCC_MAPS, &(P)->recipient_bcc_maps),                         \
        CONFIG_BIND_STR(VAR_ALWAYS_BCC, &(P)->always_bcc),                                         \
        CONFIG_BIND_STR(VAR_LOCAL_HEADER_REWRITE_CLIENTS, &(P)->local_header_rewrite_clients),     \
        CONFIG_BIND_STR(VAR_REMOTE_HEADER_REWRITE_DOMAIN, &(P)->remote_header_rewrite_domain),     \
        CONFIG_BIND_STR(VAR_MYNETWORKS, &(P)->mynetworks)

/* Which rewriting a header gets (cleanup_addr_header_context()). */
#define CLEANUP_ADDR_HEADERS_NONE   0 /* remote client, no remote_header_rewrite_domain */
#define CLEANUP_ADDR_HEADERS_LOCAL  1 /* local submission or local_header_rewrite_clients */
#define CLEANUP_ADDR_HEADERS_REMOTE 2 /* remote_header_rewrite_domain completes addresses */

/* cleanup_addr_*() results. */
#define CLEANUP_ADDR_OK    0  /* done */
#define CLEANUP_ADDR_DEFER -1 /* a lookup failed or a limit was hit: why says which */

extern CLEANUP_ADDR *cleanup_addr_create(const CLEANUP_ADDR_SETTINGS *settings);
extern int cleanup_addr_header_context(CLEANUP_ADDR *addr, bool local, const char *client_address,
                                       bool sasl_authenticated);
extern int cleanup_addr_sender(CLEANUP_ADDR *addr, const char *address, VSTRING *out, ARGV *bcc,
                               VSTRING *why);
extern int cleanup_addr_recipient(CLEANUP_ADDR *addr, const char *address, VSTRING *out, ARGV *bcc,
                                  VSTRING *why);
extern int cleanup_addr_route(CLEANUP_ADDR *addr, const char *sender, const char *address,
                              VSTRING *transport, VSTRING *nexthop);
extern int cleanup_addr_expand(CLEANUP_ADDR *addr, const char *address, ARGV *out, VSTRING *why);
extern const char *cleanup_addr_always_bcc(const CLEANUP_ADDR *addr);
extern bool cleanup_addr_header(CLEANUP_ADDR *addr, int context, const char *text, size_t len,
                                VSTRING *out, VSTRING *why);

#endif
