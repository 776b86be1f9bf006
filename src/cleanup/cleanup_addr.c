/*++
 * NAME
 *	cleanup_addr - cleanup's address rewriting: envelope and headers
 * SYNOPSIS
 *	#include "cleanup_addr.h"
 *
 *	CLEANUP_ADDR *cleanup_addr_create(const CLEANUP_ADDR_SETTINGS *s);
 *	int	cleanup_addr_header_context(CLEANUP_ADDR *addr, bool local,
 *				const char *client_address,
 *				bool sasl_authenticated);
 *	int	cleanup_addr_sender(CLEANUP_ADDR *addr, const char *address,
 *				VSTRING *out, ARGV *bcc, VSTRING *why);
 *	int	cleanup_addr_recipient(CLEANUP_ADDR *addr,
 *				const char *address, VSTRING *out, ARGV *bcc,
 *				VSTRING *why);
 *	int	cleanup_addr_route(CLEANUP_ADDR *addr, const char *sender,
 *				const char *address, VSTRING *transport,
 *				VSTRING *nexthop);
 *	int	cleanup_addr_expand(CLEANUP_ADDR *addr, const char *address,
 *				ARGV *out, VSTRING *why);
 *	const char *cleanup_addr_always_bcc(const CLEANUP_ADDR *addr);
 *	bool	cleanup_addr_header(CLEANUP_ADDR *addr, int context,
 *				const char *text, size_t len, VSTRING *out,
 *				VSTRING *why);
 * DESCRIPTION
 *	cleanup_addr_create() opens the tables and compiles the lists that
 *	the settings name; a malformed list is fatal.
 *
 *	cleanup_addr_header_context() decides how the headers of a message
 *	are rewritten: CLEANUP_ADDR_HEADERS_LOCAL for a local submission or
 *	a client that local_header_rewrite_clients lists
 *	(permit_inet_interfaces, permit_mynetworks,
 *	permit_sasl_authenticated, check_address_map type:table, or a
 *	type:table that has the client address, such as static:all);
 *	otherwise CLEANUP_ADDR_HEADERS_REMOTE when remote_header_rewrite_domain
 *	is set, else CLEANUP_ADDR_HEADERS_NONE (no header is touched).
 *
 *	cleanup_addr_sender() and cleanup_addr_recipient() rewrite an
 *	envelope address into out: canonical form with $myorigin and
 *	$mydomain (addr_canonical()), then sender_canonical_maps or
 *	recipient_canonical_maps, then canonical_maps, each when its
 *	classes list the envelope, then masquerading when
 *	masquerade_classes lists the envelope. The null sender stays
 *	empty. The sender_bcc_maps or recipient_bcc_maps results for the
 *	rewritten address are appended to bcc. They return CLEANUP_ADDR_OK,
 *	or CLEANUP_ADDR_DEFER with a reason when a lookup failed.
 *
 *	cleanup_addr_route() gives the transport and next hop of an
 *	address as the queue manager will find them (resolve_rcpt(3)), for
 *	the milter macros {mail_mailer}, {mail_host}, {rcpt_mailer} and
 *	{rcpt_host}; it returns CLEANUP_ADDR_DEFER after a failed lookup
 *	(logged).
 *
 *	cleanup_addr_expand() appends the virtual_alias_maps expansion of
 *	a rewritten recipient to out (virtual_alias(3)); CLEANUP_ADDR_DEFER
 *	with Postfix's warning text when a limit was hit or a lookup failed.
 *
 *	cleanup_addr_always_bcc() returns always_bcc, or NULL when empty.
 *
 *	cleanup_addr_header() rewrites the addresses of a sender header
 *	(From:, Sender:, Reply-To:, Errors-To:, Return-Receipt-To: and the
 *	Resent- forms) or a recipient header (To:, Cc:, Bcc:, Apparently-To:
 *	and the Resent- forms) in the given context, as for the envelope
 *	but with the header classes; true with the new header in out. An
 *	address whose lookup failed stays as it was, and the first failure
 *	is written to why (which the caller empties first), so that the
 *	caller can refuse the message with a temporary error.
 * SEE ALSO
 *	addr_rewrite(3), virtual_alias(3), header_addr(3)
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "addr_rewrite.h"
#include "ext_prop.h"
#include "header_addr.h"
#include "header_scan.h"
#include "mail_addr_find.h"
#include "maps.h"
#include "match_list.h"
#include "virtual_alias.h"

/* Application-specific. */
#include "cleanup_addr.h"

/* The address classes of canonical_classes and masquerade_classes. */
#define CLEANUP_CLASS_ENV_SENDER (1 << 0) /* envelope_sender */
#define CLEANUP_CLASS_ENV_RCPT   (1 << 1) /* envelope_recipient */
#define CLEANUP_CLASS_HDR_SENDER (1 << 2) /* header_sender */
#define CLEANUP_CLASS_HDR_RCPT   (1 << 3) /* header_recipient */

struct CLEANUP_ADDR {
    RESOLVE_PROPS resolve;       /* local domains; owned */
    char *myorigin;              /* owned */
    char *mydomain;              /* owned */
    bool append_at_myorigin;     /* append_at_myorigin */
    bool append_dot_mydomain;    /* append_dot_mydomain */
    bool swap_bangpath;          /* swap_bangpath */
    MAPS *canonical;             /* canonical_maps, or NULL */
    MAPS *sender_canonical;      /* sender_canonical_maps, or NULL */
    MAPS *recipient_canonical;   /* recipient_canonical_maps, or NULL */
    int canonical_classes;       /* CLEANUP_CLASS_* */
    int sender_classes;          /* sender_canonical_classes */
    int recipient_classes;       /* recipient_canonical_classes */
    ARGV *masquerade_domains;    /* owned */
    MATCH_LIST *masq_exceptions; /* owned, or NULL */
    int masquerade_classes;      /* CLEANUP_CLASS_* */
    MAPS *virtual_alias;         /* virtual_alias_maps, or NULL */
    int expansion_limit;         /* virtual_alias_expansion_limit */
    int recursion_limit;         /* virtual_alias_recursion_limit */
    int length_limit;            /* virtual_alias_address_length_limit */
    bool propagate_canonical;    /* "canonical" in propagate_unmatched_extensions */
    bool propagate_virtual;      /* "virtual" in propagate_unmatched_extensions */
    MAPS *sender_bcc;            /* sender_bcc_maps, or NULL */
    MAPS *recipient_bcc;         /* recipient_bcc_maps, or NULL */
    char *always_bcc;            /* owned */
    ARGV *local_clients;         /* local_header_rewrite_clients words; owned */
    MAPS **client_tables;        /* a MAPS per type:table word, or NULL; owned */
    MATCH_LIST *mynetworks;      /* for permit_mynetworks, or NULL; owned */
    char *remote_domain;         /* remote_header_rewrite_domain; owned */
};

/* cleanup_addr_classes - a *_classes value as CLEANUP_CLASS_* bits */

static int cleanup_addr_classes(const char *name, const char *value)
{
    static const struct {
        const char *word;
        int bit;
    } words[] = {
        {"envelope_sender", CLEANUP_CLASS_ENV_SENDER},
        {"envelope_recipient", CLEANUP_CLASS_ENV_RCPT},
        {"header_sender", CLEANUP_CLASS_HDR_SENDER},
        {"header_recipient", CLEANUP_CLASS_HDR_RCPT},
    };
    ARGV *list = argv_split(value ? value : "", ", \t\r\n");
    int bits = 0;

    for (size_t i = 0; i < list->argc; i++) {
        size_t j;

        for (j = 0; j < sizeof(words) / sizeof(words[0]); j++)
            if (strcasecmp(list->argv[i], words[j].word) == 0)
                break;
        if (j == sizeof(words) / sizeof(words[0]))
            msg_fatal("%s: unknown address class \"%s\"", name, list->argv[i]);
        bits |= words[j].bit;
    }
    argv_free(list);
    return bits;
}

/* cleanup_addr_maps - a table list, NULL when empty */

static MAPS *cleanup_addr_maps(const char *name, const char *value)
{
    return value && *value ? maps_create(name, value, DICT_FLAG_LOCK) : NULL;
}

/* cleanup_addr_list - a match list, NULL when empty; fatal when malformed */

static MATCH_LIST *cleanup_addr_list(const char *name, const char *value)
{
    VSTRING *why = vstring_alloc(100);
    MATCH_LIST *list = NULL;

    if (value && *value && (list = match_list_create(name, value, MATCH_FLAG_NONE, why)) == NULL)
        msg_fatal("parameter %s: %s", name, vstring_str(why));
    vstring_free(why);
    return list;
}

/* cleanup_addr_clients - local_header_rewrite_clients */

static void cleanup_addr_clients(CLEANUP_ADDR *addr, const char *value)
{
    addr->local_clients = argv_split(value ? value : "", ", \t\r\n");
    addr->client_tables = mycalloc(addr->local_clients->argc + 1, sizeof(MAPS *));
    for (size_t i = 0; i < addr->local_clients->argc; i++) {
        const char *word = addr->local_clients->argv[i];

        if (strcasecmp(word, "check_address_map") == 0)
            continue;
        if (strchr(word, ':') != NULL)
            addr->client_tables[i] = maps_create(VAR_LOCAL_HEADER_REWRITE_CLIENTS, word, 0);
        else if (strcasecmp(word, "permit_inet_interfaces") != 0 &&
                 strcasecmp(word, "permit_mynetworks") != 0 &&
                 strcasecmp(word, "permit_sasl_authenticated") != 0 &&
                 strcasecmp(word, "permit_tls_clientcerts") != 0 &&
                 strcasecmp(word, "permit_tls_all_clientcerts") != 0)
            msg_fatal("%s: unknown restriction \"%s\"", VAR_LOCAL_HEADER_REWRITE_CLIENTS, word);
    }
}

/* cleanup_addr_route - the transport and next hop of an address (milter macros) */

int cleanup_addr_route(CLEANUP_ADDR *addr, const char *sender, const char *address,
                       VSTRING *transport, VSTRING *nexthop)
{
    VSTRING *why = vstring_alloc(100);
    int flags = 0;
    int status = CLEANUP_ADDR_OK;

    if (resolve_rcpt(&addr->resolve, sender, address, transport, nexthop, &flags, why) !=
        RESOLVE_OK) {
        msg_warn("%s", vstring_str(why));
        status = CLEANUP_ADDR_DEFER;
    }
    vstring_free(why);
    return status;
}

/* cleanup_addr_create - open the tables */

CLEANUP_ADDR *cleanup_addr_create(const CLEANUP_ADDR_SETTINGS *s)
{
    CLEANUP_ADDR *addr = mycalloc(1, sizeof(*addr));
    VSTRING *why = vstring_alloc(100);
    const char *propagate =
        s->propagate_unmatched_extensions ? s->propagate_unmatched_extensions : "";

    if (resolve_props_init(&addr->resolve, &s->resolve, why) < 0)
        msg_fatal("%s", vstring_str(why));
    vstring_free(why);
    addr->myorigin = mystrdup(s->myorigin ? s->myorigin : "");
    addr->mydomain = mystrdup(s->mydomain ? s->mydomain : "");
    addr->append_at_myorigin = s->append_at_myorigin;
    addr->append_dot_mydomain = s->append_dot_mydomain;
    addr->swap_bangpath = s->swap_bangpath;
    addr->canonical = cleanup_addr_maps(VAR_CANONICAL_MAPS, s->canonical_maps);
    addr->sender_canonical = cleanup_addr_maps(VAR_SENDER_CANONICAL_MAPS, s->sender_canonical_maps);
    addr->recipient_canonical =
        cleanup_addr_maps(VAR_RECIPIENT_CANONICAL_MAPS, s->recipient_canonical_maps);
    addr->canonical_classes = cleanup_addr_classes(VAR_CANONICAL_CLASSES, s->canonical_classes);
    addr->sender_classes =
        cleanup_addr_classes(VAR_SENDER_CANONICAL_CLASSES, s->sender_canonical_classes);
    addr->recipient_classes =
        cleanup_addr_classes(VAR_RECIPIENT_CANONICAL_CLASSES, s->recipient_canonical_classes);
    addr->masquerade_domains = addr_masquerade_domains(s->masquerade_domains);
    addr->masq_exceptions = cleanup_addr_list(VAR_MASQUERADE_EXCEPTIONS, s->masquerade_exceptions);
    addr->masquerade_classes = cleanup_addr_classes(VAR_MASQUERADE_CLASSES, s->masquerade_classes);
    addr->virtual_alias = cleanup_addr_maps(VAR_VIRTUAL_ALIAS_MAPS, s->virtual_alias_maps);
    addr->expansion_limit = s->virtual_alias_expansion_limit;
    addr->recursion_limit = s->virtual_alias_recursion_limit;
    addr->length_limit = s->virtual_alias_address_length_limit;
    addr->propagate_canonical = (ext_prop_mask(propagate) & EXT_PROP_CANONICAL) != 0;
    addr->propagate_virtual = (ext_prop_mask(propagate) & EXT_PROP_VIRTUAL) != 0;
    addr->sender_bcc = cleanup_addr_maps(VAR_SENDER_BCC_MAPS, s->sender_bcc_maps);
    addr->recipient_bcc = cleanup_addr_maps(VAR_RECIPIENT_BCC_MAPS, s->recipient_bcc_maps);
    addr->always_bcc = mystrdup(s->always_bcc ? s->always_bcc : "");
    cleanup_addr_clients(addr, s->local_header_rewrite_clients);
    addr->mynetworks = cleanup_addr_list(VAR_MYNETWORKS, s->mynetworks);
    addr->remote_domain =
        mystrdup(s->remote_header_rewrite_domain ? s->remote_header_rewrite_domain : "");
    return addr;
}

/* cleanup_addr_is_local - mail_addr_find() callback: a local domain */

static int cleanup_addr_is_local(const char *domain, void *context)
{
    CLEANUP_ADDR *addr = context;
    VSTRING *why = vstring_alloc(100);
    int class = resolve_class_domain(&addr->resolve, domain, why);

    vstring_free(why);
    return class < 0 ? -1 : class == RESOLVE_CLASS_LOCAL;
}

/* cleanup_addr_header_context - how this message's headers are rewritten */

int cleanup_addr_header_context(CLEANUP_ADDR *addr, bool local, const char *client_address,
                                bool sasl_authenticated)
{
    if (local)
        return CLEANUP_ADDR_HEADERS_LOCAL;
    for (size_t i = 0; client_address && *client_address && i < addr->local_clients->argc; i++) {
        const char *word = addr->local_clients->argv[i];
        bool match = false;

        if (addr->client_tables[i])
            match = maps_find(addr->client_tables[i], client_address, 0) != NULL;
        else if (strcasecmp(word, "permit_inet_interfaces") == 0)
            for (size_t j = 0; !match && j < addr->resolve.interfaces->argc; j++)
                match = strcasecmp(addr->resolve.interfaces->argv[j], client_address) == 0;
        else if (strcasecmp(word, "permit_mynetworks") == 0)
            match = addr->mynetworks && match_list_addr(addr->mynetworks, client_address);
        else if (strcasecmp(word, "permit_sasl_authenticated") == 0)
            match = sasl_authenticated;
        if (match)
            return CLEANUP_ADDR_HEADERS_LOCAL;
    }
    return *addr->remote_domain ? CLEANUP_ADDR_HEADERS_REMOTE : CLEANUP_ADDR_HEADERS_NONE;
}

/* cleanup_addr_map - one canonical table over out; -1 when the lookup failed */

static int cleanup_addr_map(CLEANUP_ADDR *addr, MAPS *maps, VSTRING *out, VSTRING *why)
{
    ADDR_MAP_PROPS props = {
        .delimiters = addr->resolve.recipient_delimiter,
        .is_local = cleanup_addr_is_local,
        .local_context = addr,
        .propagate_extension = addr->propagate_canonical,
    };
    char *input = mystrdup(vstring_str(out));
    int status = addr_map_one(out, maps, input, &props);

    if (status == ADDR_MAP_RETRY)
        vstring_sprintf(why,
                        "%s map lookup problem for %s -- message not accepted, try again later",
                        maps->title, input);
    myfree(input);
    return status == ADDR_MAP_RETRY ? -1 : 0;
}

/* cleanup_addr_rewrite - canonical form, tables and masquerading for one class */

static int cleanup_addr_rewrite(CLEANUP_ADDR *addr, int class, int context, const char *address,
                                VSTRING *out, VSTRING *why)
{
    ADDR_CANONICAL_PROPS canon = {
        .swap_bangpath = addr->swap_bangpath,
        .allow_percent_hack = addr->resolve.allow_percent_hack,
    };
    MAPS *own = (class & (CLEANUP_CLASS_ENV_SENDER | CLEANUP_CLASS_HDR_SENDER))
                    ? ((addr->sender_classes & class) ? addr->sender_canonical : NULL)
                    : ((addr->recipient_classes & class) ? addr->recipient_canonical : NULL);
    char *copy;

    if (context == CLEANUP_ADDR_HEADERS_REMOTE) {
        canon.origin = canon.domain = addr->remote_domain;
    } else {
        canon.origin = addr->append_at_myorigin ? addr->myorigin : NULL;
        canon.domain = addr->append_dot_mydomain ? addr->mydomain : NULL;
    }
    addr_canonical(out, address, &canon);
    if (VSTRING_LEN(out) == 0)
        return CLEANUP_ADDR_OK;
    if (own && cleanup_addr_map(addr, own, out, why) < 0)
        return CLEANUP_ADDR_DEFER;
    if (addr->canonical && (addr->canonical_classes & class) &&
        cleanup_addr_map(addr, addr->canonical, out, why) < 0)
        return CLEANUP_ADDR_DEFER;
    if (addr->masquerade_domains->argc > 0 && (addr->masquerade_classes & class)) {
        copy = mystrdup(vstring_str(out));
        addr_masquerade(out, copy, addr->masquerade_domains, addr->masq_exceptions);
        myfree(copy);
    }
    return CLEANUP_ADDR_OK;
}

/* cleanup_addr_bcc - the bcc addresses that a table gives for an address */

static int cleanup_addr_bcc(CLEANUP_ADDR *addr, MAPS *maps, const char *address, ARGV *bcc,
                            VSTRING *why)
{
    MAIL_ADDR_FIND_OPTS opts = {
        .strategy = MAIL_ADDR_FIND_VIRTUAL,
        .delimiters = addr->resolve.recipient_delimiter,
        .is_local = cleanup_addr_is_local,
        .local_context = addr,
    };
    const char *value;

    if (maps == NULL || *address == 0)
        return CLEANUP_ADDR_OK;
    if ((value = mail_addr_find(maps, address, &opts, NULL)) == NULL) {
        if (!maps->error)
            return CLEANUP_ADDR_OK;
        vstring_sprintf(why,
                        "%s map lookup problem for %s -- message not accepted, try again later",
                        maps->title, address);
        return CLEANUP_ADDR_DEFER;
    }
    argv_split_append(bcc, value, ", \t\r\n");
    return CLEANUP_ADDR_OK;
}

/* cleanup_addr_sender - the envelope sender */

int cleanup_addr_sender(CLEANUP_ADDR *addr, const char *address, VSTRING *out, ARGV *bcc,
                        VSTRING *why)
{
    if (cleanup_addr_rewrite(addr, CLEANUP_CLASS_ENV_SENDER, CLEANUP_ADDR_HEADERS_LOCAL, address,
                             out, why) < 0)
        return CLEANUP_ADDR_DEFER;
    return cleanup_addr_bcc(addr, addr->sender_bcc, vstring_str(out), bcc, why);
}

/* cleanup_addr_recipient - one envelope recipient */

int cleanup_addr_recipient(CLEANUP_ADDR *addr, const char *address, VSTRING *out, ARGV *bcc,
                           VSTRING *why)
{
    if (cleanup_addr_rewrite(addr, CLEANUP_CLASS_ENV_RCPT, CLEANUP_ADDR_HEADERS_LOCAL, address, out,
                             why) < 0)
        return CLEANUP_ADDR_DEFER;
    return cleanup_addr_bcc(addr, addr->recipient_bcc, vstring_str(out), bcc, why);
}

/* cleanup_addr_expand - virtual_alias_maps */

int cleanup_addr_expand(CLEANUP_ADDR *addr, const char *address, ARGV *out, VSTRING *why)
{
    VIRTUAL_ALIAS_PROPS props = {
        .maps = addr->virtual_alias,
        .delimiters = addr->resolve.recipient_delimiter,
        .is_local = cleanup_addr_is_local,
        .local_context = addr,
        .expansion_limit = addr->expansion_limit,
        .recursion_limit = addr->recursion_limit,
        .length_limit = addr->length_limit,
        .propagate_extension = addr->propagate_virtual,
    };

    if (addr->virtual_alias == NULL) {
        argv_add(out, address);
        return CLEANUP_ADDR_OK;
    }
    return virtual_alias_expand(&props, address, out, why) == VIRTUAL_ALIAS_OK ? CLEANUP_ADDR_OK
                                                                               : CLEANUP_ADDR_DEFER;
}

/* cleanup_addr_always_bcc - always_bcc, or NULL */

const char *cleanup_addr_always_bcc(const CLEANUP_ADDR *addr)
{
    return *addr->always_bcc ? addr->always_bcc : NULL;
}

/* A header's class and context, for the per-address callback. */
typedef struct CLEANUP_ADDR_HDR {
    CLEANUP_ADDR *addr; /* not owned */
    int class;          /* CLEANUP_CLASS_HDR_* */
    int context;        /* CLEANUP_ADDR_HEADERS_* */
    VSTRING *why;       /* the first lookup failure, caller's buffer */
} CLEANUP_ADDR_HDR;

/* cleanup_addr_header_cb - rewrite one address of a header */

static bool cleanup_addr_header_cb(void *context, const char *address, VSTRING *out)
{
    CLEANUP_ADDR_HDR *hdr = context;
    VSTRING *why = vstring_alloc(100);
    bool changed;

    if (cleanup_addr_rewrite(hdr->addr, hdr->class, hdr->context, address, out, why) < 0) {
        if (VSTRING_LEN(hdr->why) == 0)
            vstring_strcpy(hdr->why, vstring_str(why));
        vstring_strcpy(out, address);
    }
    changed = strcmp(vstring_str(out), address) != 0;
    vstring_free(why);
    return changed;
}

/* cleanup_addr_header - rewrite the addresses of a sender or recipient header */

bool cleanup_addr_header(CLEANUP_ADDR *addr, int context, const char *text, size_t len,
                         VSTRING *out, VSTRING *why)
{
    CLEANUP_ADDR_HDR hdr = {.addr = addr, .context = context, .why = why};

    if (context == CLEANUP_ADDR_HEADERS_NONE)
        return false;
    switch (header_addr_class(text, len)) {
    case HEADER_ADDR_SENDER:
        hdr.class = CLEANUP_CLASS_HDR_SENDER;
        break;
    case HEADER_ADDR_RECIPIENT:
        hdr.class = CLEANUP_CLASS_HDR_RCPT;
        break;
    default:
        return false;
    }
    return header_addr_rewrite(out, text, len, cleanup_addr_header_cb, &hdr);
}
