/*++
 * NAME
 *	rcpt_maps - is an address one of ours that exists?
 * SYNOPSIS
 *	#include <rcpt_maps.h>
 *
 *	RCPT_MAPS *rcpt_maps_create(const RCPT_MAPS_SETTINGS *settings,
 *				VSTRING *why);
 *	bool	rcpt_maps_implicit(const RCPT_MAPS *maps, RCPT_MAPS_ROLE role);
 *	int	rcpt_maps_check(RCPT_MAPS *maps, RCPT_MAPS_ROLE role,
 *				const char *sender, const char *address,
 *				VSTRING *reply);
 *	int	rcpt_maps_resolve(RCPT_MAPS *maps, const char *sender,
 *				const char *address, VSTRING *transport,
 *				VSTRING *nexthop);
 *	bool	rcpt_maps_syntax_ok(RCPT_MAPS *maps, const char *sender,
 *				const char *address);
 *	RCPT_MAPS *rcpt_maps_free(RCPT_MAPS *maps);
 * DESCRIPTION
 *	rcpt_maps_create() builds the resolver (resolve_props_init()) and
 *	opens the recipient tables that settings name (see rcpt_maps.h).
 *	It returns NULL with a reason when a domain list is malformed.
 *
 *	rcpt_maps_implicit() tells whether the check applies without a
 *	restriction that asks for it: smtpd_reject_unlisted_recipient for
 *	RCPT_MAPS_RECIPIENT, smtpd_reject_unlisted_sender for
 *	RCPT_MAPS_SENDER.
 *
 *	rcpt_maps_check() judges address (as the client gave it, without
 *	the angle brackets; sender is the envelope sender, for the
 *	resolver's sender-dependent tables). The null address and the
 *	local names postmaster, MAILER-DAEMON and $double_bounce_sender of
 *	a local domain are always known. Lookups use the keys of virtual(5)
 *	(user@domain with and without the address extension, user for a
 *	local domain, @domain). The reply is the one Postfix gives:
 *	"<code> <dsn> <address>: Recipient address rejected: User unknown
 *	in local recipient table" (or "in virtual alias table", "in virtual
 *	mailbox table", "in relay recipient table"; without the table name
 *	when show_user_unknown_table_name is off), with the reject code of
 *	the class and 5.1.1; for a sender, "Sender address rejected" and
 *	5.1.0. A relocated address gets "550 5.1.6 <address>: Recipient
 *	address rejected: User has moved to ...". A failed lookup gets
 *	"451 4.3.0 <address>: Temporary lookup failure". An address with a
 *	malformed domain (resolve_rcpt(3): "user@", a bare IP address) is
 *	not judged here, as in Postfix: the relay restrictions see its
 *	default class, and the queue manager bounces it.
 *
 *	rcpt_maps_resolve() gives the transport and next hop that the
 *	resolver (resolve_rcpt(3)) finds for address; it returns 0, or -1
 *	when a table lookup failed (logged).
 *
 *	rcpt_maps_syntax_ok() tells whether the resolver accepts the
 *	domain of address (resolve_rcpt(3): not "user@", not a bare IP
 *	address unless resolve_numeric_domain, an address literal that
 *	holds an address, otherwise a host name); smtpd refuses the other
 *	addresses at MAIL and RCPT, as Postfix does. The null address is
 *	fine; so is an address whose resolution failed for now (its
 *	restrictions decide).
 *
 *	rcpt_maps_free() releases everything and returns NULL.
 * SEE ALSO
 *	resolve_rcpt(3), mail_addr_find(3)
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "mail_addr_find.h"
#include "maps.h"
#include "rcpt_maps.h"

struct RCPT_MAPS {
    RESOLVE_PROPS resolve;     /* the address classes; owned */
    MAPS *local;               /* local_recipient_maps, or NULL */
    MAPS *virtual_alias;       /* virtual_alias_maps, or NULL */
    MAPS *virtual_mailbox;     /* virtual_mailbox_maps, or NULL */
    MAPS *relay;               /* relay_recipient_maps, or NULL */
    MAPS *canonical;           /* canonical_maps, or NULL */
    MAPS *sender_canonical;    /* sender_canonical_maps, or NULL */
    MAPS *recipient_canonical; /* recipient_canonical_maps, or NULL */
    char *double_bounce;       /* double_bounce_sender; owned */
    int local_code;            /* reject codes, see RCPT_MAPS_SETTINGS */
    int virtual_mailbox_code;
    int virtual_alias_code;
    int relay_code;
    bool implicit[2]; /* smtpd_reject_unlisted_sender, _recipient */
};

/* rcpt_maps_open - a table list, NULL when empty */

static MAPS *rcpt_maps_open(const char *name, const char *value)
{
    return value && *value ? maps_create(name, value, DICT_FLAG_LOCK) : NULL;
}

/* rcpt_maps_create - the resolver and the tables */

RCPT_MAPS *rcpt_maps_create(const RCPT_MAPS_SETTINGS *s, VSTRING *why)
{
    RCPT_MAPS *maps = mycalloc(1, sizeof(*maps));

    if (resolve_props_init(&maps->resolve, &s->resolve, why) < 0) {
        myfree(maps);
        return NULL;
    }
    maps->local = rcpt_maps_open("local_recipient_maps", s->local_recipient_maps);
    maps->virtual_alias = rcpt_maps_open("virtual_alias_maps", s->virtual_alias_maps);
    maps->virtual_mailbox = rcpt_maps_open("virtual_mailbox_maps", s->virtual_mailbox_maps);
    maps->relay = rcpt_maps_open("relay_recipient_maps", s->relay_recipient_maps);
    maps->canonical = rcpt_maps_open("canonical_maps", s->canonical_maps);
    maps->sender_canonical = rcpt_maps_open("sender_canonical_maps", s->sender_canonical_maps);
    maps->recipient_canonical =
        rcpt_maps_open("recipient_canonical_maps", s->recipient_canonical_maps);
    maps->double_bounce =
        mystrdup(s->double_bounce_sender ? s->double_bounce_sender : "double-bounce");
    maps->local_code = s->local_code;
    maps->virtual_mailbox_code = s->virtual_mailbox_code;
    maps->virtual_alias_code = s->virtual_alias_code;
    maps->relay_code = s->relay_code;
    maps->implicit[RCPT_MAPS_SENDER] = s->reject_unlisted_sender;
    maps->implicit[RCPT_MAPS_RECIPIENT] = s->reject_unlisted_recipient;
    return maps;
}

/* rcpt_maps_implicit - smtpd_reject_unlisted_sender or _recipient */

bool rcpt_maps_implicit(const RCPT_MAPS *maps, RCPT_MAPS_ROLE role)
{
    return maps->implicit[role];
}

/* rcpt_maps_is_local - mail_addr_find() callback: a local domain */

static int rcpt_maps_is_local(const char *domain, void *context)
{
    RCPT_MAPS *maps = context;
    VSTRING *why = vstring_alloc(100);
    int class = resolve_class_domain(&maps->resolve, domain, why);

    vstring_free(why);
    return class < 0 ? -1 : class == RESOLVE_CLASS_LOCAL;
}

/* rcpt_maps_find - 1 listed, 0 not listed, -1 lookup error; NULL tables list nothing */

static int rcpt_maps_find(RCPT_MAPS *maps, MAPS *table, const char *address)
{
    MAIL_ADDR_FIND_OPTS opts = {
        .strategy = MAIL_ADDR_FIND_VIRTUAL,
        .delimiters = maps->resolve.recipient_delimiter,
        .is_local = rcpt_maps_is_local,
        .local_context = maps,
    };
    char *extension = NULL;
    const char *value;

    if (table == NULL)
        return 0;
    value = mail_addr_find(table, address, &opts, &extension);
    if (extension)
        myfree(extension);
    if (value)
        return 1;
    return table->error ? -1 : 0;
}

/* rcpt_maps_dsn_fix - a sender's 5.1.x status, as Postfix's smtpd words it */

static const char *rcpt_maps_dsn_fix(char *dsn, RCPT_MAPS_ROLE role)
{
    /* For X.1.<detail>: the status of a sender address, of a recipient address. */
    static const struct {
        char detail;
        const char *sender;
        const char *recipient;
    } table[] = {
        {'1', "1.0", "1.1"}, {'2', "1.8", "1.2"}, {'3', "1.7", "1.3"}, {'4', "1.0", "1.4"},
        {'5', "1.0", "1.5"}, {'6', "1.0", "1.6"}, {'7', "1.7", "1.3"}, {'8', "1.8", "1.2"},
    };

    if (strlen(dsn) != 5 || strncmp(dsn + 1, ".1.", 3) != 0)
        return dsn;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (dsn[4] == table[i].detail) {
            memcpy(dsn + 2, role == RCPT_MAPS_SENDER ? table[i].sender : table[i].recipient, 3);
            return dsn;
        }
    }
    memcpy(dsn + 2, "1.0", 3);
    return dsn;
}

/* rcpt_maps_reject - format a refusal */

static int rcpt_maps_reject(VSTRING *reply, RCPT_MAPS_ROLE role, int code, const char *dsn,
                            const char *address, const char *text)
{
    char status[6];

    snprintf(status, sizeof(status), "%c%s", code >= 500 ? '5' : '4', dsn + 1);
    vstring_sprintf(reply, "%d %s <%s>: %s address rejected: %s", code,
                    rcpt_maps_dsn_fix(status, role), address,
                    role == RCPT_MAPS_SENDER ? "Sender" : "Recipient", text);
    return RCPT_MAPS_UNKNOWN;
}

/* rcpt_maps_retry - a lookup failed */

static int rcpt_maps_retry(VSTRING *reply, const char *address)
{
    vstring_sprintf(reply, "451 4.3.0 <%s>: Temporary lookup failure", address);
    return RCPT_MAPS_RETRY;
}

/* rcpt_maps_always_known - postmaster, MAILER-DAEMON, double-bounce of a local domain */

static bool rcpt_maps_always_known(const RCPT_MAPS *maps, const char *address)
{
    const char *names[] = {"postmaster", "MAILER-DAEMON", maps->double_bounce};
    const char *at = strrchr(address, '@');
    size_t len = at ? (size_t)(at - address) : strlen(address);

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == len && strncasecmp(address, names[i], len) == 0)
            return true;
    return false;
}

/* rcpt_maps_error_transport - "error:<dsn> <text>" refuses the address */

static int rcpt_maps_error_transport(RCPT_MAPS *maps, RCPT_MAPS_ROLE role, int flags,
                                     const char *nexthop, const char *address, VSTRING *reply)
{
    char dsn[6] = "5.1.1";
    const char *text = nexthop;
    size_t len = strspn(nexthop, "0123456789.");

    if (len == 5 && (nexthop[0] == '4' || nexthop[0] == '5') && nexthop[len] == ' ') {
        memcpy(dsn, nexthop, 5);
        text = nexthop + len + 1;
    }
    return rcpt_maps_reject(reply, role,
                            (flags & RESOLVE_CLASS_ALIAS) ? maps->virtual_alias_code : 550, dsn,
                            address, *text ? text : "User unknown");
}

/* rcpt_maps_check - is the address known? */

int rcpt_maps_check(RCPT_MAPS *maps, RCPT_MAPS_ROLE role, const char *sender, const char *address,
                    VSTRING *reply)
{
    VSTRING *transport = vstring_alloc(20), *nexthop = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    MAPS *known[] = {
        maps->recipient_canonical,
        role == RCPT_MAPS_SENDER ? maps->sender_canonical : NULL,
        maps->canonical,
        maps->virtual_alias,
    };
    const char *table = NULL;
    MAPS *table_maps = NULL;
    int code = 550;
    int flags = 0;
    int result = RCPT_MAPS_KNOWN;
    int found = 0;

    if (*address == 0)
        goto done;
    if (resolve_rcpt(&maps->resolve, sender, address, transport, nexthop, &flags, why) !=
        RESOLVE_OK) {
        msg_warn("%s", vstring_str(why));
        result = rcpt_maps_retry(reply, address);
        goto done;
    }
    for (size_t i = 0; found == 0 && i < sizeof(known) / sizeof(known[0]); i++)
        found = rcpt_maps_find(maps, known[i], address);
    if (found != 0) {
        result = found < 0 ? rcpt_maps_retry(reply, address) : RCPT_MAPS_KNOWN;
        goto done;
    }
    /* A malformed domain is no class with a table: the queue manager bounces it. */
    if (flags & RESOLVE_FLAG_SYNTAX)
        goto done;
    if (flags & RESOLVE_FLAG_ERROR) {
        result = rcpt_maps_error_transport(maps, role, flags, vstring_str(nexthop), address, reply);
        goto done;
    }
    switch (flags & RESOLVE_CLASS_MASK) {
    case RESOLVE_CLASS_LOCAL:
        if (rcpt_maps_always_known(maps, address))
            goto done;
        table_maps = maps->local, code = maps->local_code, table = " in local recipient table";
        break;
    case RESOLVE_CLASS_VIRTUAL:
        table_maps = maps->virtual_mailbox, code = maps->virtual_mailbox_code;
        table = " in virtual mailbox table";
        break;
    case RESOLVE_CLASS_RELAY:
        table_maps = maps->relay, code = maps->relay_code, table = " in relay recipient table";
        break;
    default:
        goto done;
    }
    if (table_maps == NULL || (found = rcpt_maps_find(maps, table_maps, address)) > 0)
        goto done;
    if (found < 0) {
        result = rcpt_maps_retry(reply, address);
        goto done;
    }
    vstring_sprintf(why, "User unknown%s", maps->resolve.show_user_unknown_table_name ? table : "");
    result = rcpt_maps_reject(reply, role, code, "5.1.1", address, vstring_str(why));
done:
    vstring_free(transport);
    vstring_free(nexthop);
    vstring_free(why);
    return result;
}

/* rcpt_maps_resolve - transport and next hop of an address */

int rcpt_maps_resolve(RCPT_MAPS *maps, const char *sender, const char *address, VSTRING *transport,
                      VSTRING *nexthop)
{
    VSTRING *why = vstring_alloc(100);
    int flags = 0;
    int status = 0;

    if (resolve_rcpt(&maps->resolve, sender, address, transport, nexthop, &flags, why) !=
        RESOLVE_OK) {
        msg_warn("%s", vstring_str(why));
        status = -1;
    }
    vstring_free(why);
    return status;
}

/* rcpt_maps_syntax_ok - does the resolver accept the address? */

bool rcpt_maps_syntax_ok(RCPT_MAPS *maps, const char *sender, const char *address)
{
    VSTRING *transport, *nexthop, *why;
    int flags = 0;
    bool ok;

    if (*address == 0)
        return true;
    transport = vstring_alloc(20), nexthop = vstring_alloc(100), why = vstring_alloc(100);
    ok = resolve_rcpt(&maps->resolve, sender, address, transport, nexthop, &flags, why) !=
             RESOLVE_OK ||
         (flags & RESOLVE_FLAG_SYNTAX) == 0;
    vstring_free(transport);
    vstring_free(nexthop);
    vstring_free(why);
    return ok;
}

/* rcpt_maps_free - release everything */

RCPT_MAPS *rcpt_maps_free(RCPT_MAPS *maps)
{
    MAPS *tables[] = {
        maps->local,     maps->virtual_alias,    maps->virtual_mailbox,    maps->relay,
        maps->canonical, maps->sender_canonical, maps->recipient_canonical};

    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
        if (tables[i])
            maps_free(tables[i]);
    resolve_props_free(&maps->resolve);
    myfree(maps->double_bounce);
    myfree(maps);
    return NULL;
}
