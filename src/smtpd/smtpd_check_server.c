/*++
 * NAME
 *	smtpd_check_server - restrictions about the servers and addresses of a domain
 * SYNOPSIS
 *	#include "smtpd_check_private.h"
 *
 *	int	smtpd_check_server_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
 *	int	smtpd_check_reverse_client_access(SMTPD_CHECK_CTX *ctx,
 *				MAPS *table);
 *	int	smtpd_check_permit_mx_backup(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_unlisted_sender(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_unlisted_recipient(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 * DESCRIPTION
 *	smtpd_check_server_access() implements the check_*_mx_access,
 *	check_*_ns_access and check_*_a_access restrictions of the client
 *	name, the unverified client name, the HELO name, the sender and the
 *	recipient domain; ctx->rid says which. The _mx_ ones look up the
 *	name's mail exchangers (the name itself when it has no MX record),
 *	the _ns_ ones its name servers (or those of the nearest parent
 *	domain that has some), and each server's name (with its parent
 *	domains) and then each of its addresses is looked up in table. The
 *	_a_ ones look up the name's own addresses. The first table value
 *	decides as an access(5) result; OK is not allowed here (a server
 *	can be anybody's): it is logged and answered with "451 4.3.5
 *	Server configuration error", as Postfix does.
 *
 *	A name that is an address literal, "unknown", the null sender, or
 *	an address without a domain is not looked up. A DNS lookup that
 *	fails counts as "no servers".
 *
 *	smtpd_check_permit_mx_backup() implements permit_mx_backup: it
 *	permits a recipient whose domain is ours (as permit_auth_destination
 *	does), or whose domain lists one of this machine's addresses
 *	(inet_interfaces, proxy_interfaces) as a mail exchanger, but not as
 *	the most preferred one; with permit_mx_backup_networks only when a
 *	more preferred mail exchanger has an address in those networks.
 *	Addresses with routing in the local part never count. An MX lookup
 *	that fails for now permits nothing and makes a later refusal in the
 *	list a deferral ("450 4.4.4 <rcpt>: Recipient address rejected:
 *	Unable to look up mail exchanger information: Host not found, try
 *	again"), as Postfix does.
 *
 *	reject_unlisted_sender and reject_unlisted_recipient refuse an
 *	address of one of our domains that the table of its address class
 *	does not list (rcpt_maps(3): "550 5.1.1 <a@example.com>: Recipient
 *	address rejected: User unknown in local recipient table").
 *
 *	smtpd_check_reverse_client_access() implements
 *	check_reverse_client_hostname_access: the unverified client name and
 *	its parent domains, then the client address and its networks; a
 *	refusal reads "<name>: Unverified Client host rejected: ...".
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "argv.h"
#include "match_list.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "access_action.h"
#include "dns_lookup.h"
#include "domain_find.h"
#include "hostaddr_find.h"
#include "maps.h"
#include "rcpt_maps.h"

/* Application-specific. */
#include "smtpd_check_private.h"

#define SMTPD_SERVER_MAX 20 /* servers of one name that are looked at */

/* What a restriction looks at. */
typedef struct SMTPD_SERVER_SUBJECT {
    const char *name;        /* the domain whose servers count */
    const char *reply_name;  /* "<reply_name>: ..." */
    const char *reply_class; /* "Sender address", ... */
} SMTPD_SERVER_SUBJECT;

/* smtpd_server_records - the hosts (MX, NS) or addresses (A, AAAA) of a name */

static int smtpd_server_records(SMTPD_CHECKS *checks, const char *name, int type, ARGV *out)
{
    DNS_ANSWER answer = {0};
    VSTRING *why = vstring_alloc(100);
    int status =
        checks->resolver ? dns_lookup(checks->resolver, name, type, &answer, why) : DNS_RETRY;

    for (size_t i = 0; status == DNS_OK && i < answer.count && out->argc < SMTPD_SERVER_MAX; i++) {
        const DNS_RR *rr = &answer.rr[i];

        if (rr->type != type)
            continue;
        if (type == DNS_T_A || type == DNS_T_AAAA)
            argv_add(out, rr->addr);
        else if (rr->host && *rr->host && strcmp(rr->host, ".") != 0)
            argv_add(out, rr->host);
    }
    dns_answer_free(&answer);
    vstring_free(why);
    return status;
}

/* smtpd_server_hosts - the MX or NS hosts of a name */

static ARGV *smtpd_server_hosts(SMTPD_CHECKS *checks, const char *name, int type)
{
    ARGV *hosts = argv_alloc(4);
    const char *cp = name;
    int status;

    if (type == DNS_T_MX) {
        status = smtpd_server_records(checks, name, DNS_T_MX, hosts);
        if ((status == DNS_NODATA || status == DNS_NOTFOUND) && hosts->argc == 0)
            argv_add(hosts, name);
        return hosts;
    }
    /* Name servers: of the name, else of the nearest parent that has some. */
    while (cp && *cp) {
        status = smtpd_server_records(checks, cp, DNS_T_NS, hosts);
        if (hosts->argc > 0 || (status != DNS_NODATA && status != DNS_NOTFOUND))
            break;
        if ((cp = strchr(cp, '.')) != NULL)
            cp++;
    }
    return hosts;
}

/* smtpd_server_act - a table value; OK only ends the lookup */

static int smtpd_server_act(SMTPD_CHECK_CTX *ctx, const SMTPD_SERVER_SUBJECT *s, MAPS *table,
                            const char *found)
{
    ACCESS_RESULT res;
    char *copy = mystrdup(found);
    int action = access_action_parse(copy, &res);

    myfree(copy);
    /* A server can be anybody's: OK must not permit, and is a configuration error. */
    if (action == ACCESS_ACTION_OK) {
        msg_warn("access table %s: %s: OK is not allowed for a server's name or address; "
                 "specify DUNNO instead",
                 table->names->argv[0], found);
        return smtpd_check_reject(ctx, 451, "4.3.5", "Server configuration error");
    }
    return smtpd_check_access_value(ctx, s->reply_name, s->reply_class, table->names->argv[0],
                                    found);
}

/* smtpd_server_addr - one address in the table; -1: no entry */

static int smtpd_server_addr(SMTPD_CHECK_CTX *ctx, const SMTPD_SERVER_SUBJECT *s, MAPS *table,
                             const char *addr)
{
    const char *found = hostaddr_find(table, addr, NULL);

    if (found)
        return smtpd_server_act(ctx, s, table, found);
    if (table->error)
        return smtpd_check_reject(ctx, 451, "4.3.0", "<%s>: Temporary lookup failure",
                                  s->reply_name);
    return -1;
}

/* smtpd_server_host - a server's name, then its addresses; -1: no entry */

static int smtpd_server_host(SMTPD_CHECK_CTX *ctx, const SMTPD_SERVER_SUBJECT *s, MAPS *table,
                             const char *host)
{
    const char *found = domain_find(table, host, ctx->checks->access_parent, NULL);
    ARGV *addrs;
    int result = -1;

    if (found)
        return smtpd_server_act(ctx, s, table, found);
    if (table->error)
        return smtpd_check_reject(ctx, 451, "4.3.0", "<%s>: Temporary lookup failure",
                                  s->reply_name);
    addrs = argv_alloc(4);
    (void)smtpd_server_records(ctx->checks, host, DNS_T_A, addrs);
    (void)smtpd_server_records(ctx->checks, host, DNS_T_AAAA, addrs);
    for (size_t i = 0; result < 0 && i < addrs->argc; i++)
        result = smtpd_server_addr(ctx, s, table, addrs->argv[i]);
    argv_free(addrs);
    return result;
}

/* smtpd_server_name_ok - a name worth asking the DNS about */

static bool smtpd_server_name_ok(const char *name)
{
    unsigned char bytes[16];

    return name && *name && *name != '[' && strcmp(name, "unknown") != 0 &&
           inet_pton(AF_INET, name, bytes) != 1 && inet_pton(AF_INET6, name, bytes) != 1;
}

/* smtpd_server_subject - what a restriction looks at; false: nothing */

static bool smtpd_server_subject(SMTPD_CHECK_CTX *ctx, SMTPD_RESTRICTION_ID rid,
                                 SMTPD_SERVER_SUBJECT *out)
{
    const SMTPD_CHECK_FACTS *f = ctx->facts;
    const char *at;

    switch (rid) {
    case SMTPD_RID_CHECK_CLIENT_MX_ACCESS:
    case SMTPD_RID_CHECK_CLIENT_NS_ACCESS:
    case SMTPD_RID_CHECK_CLIENT_A_ACCESS:
        *out = (SMTPD_SERVER_SUBJECT){f->name, f->namaddr, "Client host"};
        break;
    case SMTPD_RID_CHECK_REVERSE_CLIENT_MX_ACCESS:
    case SMTPD_RID_CHECK_REVERSE_CLIENT_NS_ACCESS:
    case SMTPD_RID_CHECK_REVERSE_CLIENT_A_ACCESS:
        *out = (SMTPD_SERVER_SUBJECT){f->reverse_name, f->reverse_name, "Unverified Client host"};
        break;
    case SMTPD_RID_CHECK_HELO_MX_ACCESS:
    case SMTPD_RID_CHECK_HELO_NS_ACCESS:
    case SMTPD_RID_CHECK_HELO_A_ACCESS:
        *out = (SMTPD_SERVER_SUBJECT){f->helo, f->helo, "Helo command"};
        break;
    case SMTPD_RID_CHECK_SENDER_MX_ACCESS:
    case SMTPD_RID_CHECK_SENDER_NS_ACCESS:
    case SMTPD_RID_CHECK_SENDER_A_ACCESS:
        at = f->sender ? strrchr(f->sender, '@') : NULL;
        *out = (SMTPD_SERVER_SUBJECT){at ? at + 1 : NULL, f->sender, "Sender address"};
        break;
    default:
        at = f->recipient ? strrchr(f->recipient, '@') : NULL;
        *out = (SMTPD_SERVER_SUBJECT){at ? at + 1 : NULL, f->recipient, "Recipient address"};
        break;
    }
    return smtpd_server_name_ok(out->name);
}

/* smtpd_server_type - MX, NS or A */

static int smtpd_server_type(SMTPD_RESTRICTION_ID rid)
{
    switch (rid) {
    case SMTPD_RID_CHECK_CLIENT_MX_ACCESS:
    case SMTPD_RID_CHECK_REVERSE_CLIENT_MX_ACCESS:
    case SMTPD_RID_CHECK_HELO_MX_ACCESS:
    case SMTPD_RID_CHECK_SENDER_MX_ACCESS:
    case SMTPD_RID_CHECK_RECIPIENT_MX_ACCESS:
        return DNS_T_MX;
    case SMTPD_RID_CHECK_CLIENT_NS_ACCESS:
    case SMTPD_RID_CHECK_REVERSE_CLIENT_NS_ACCESS:
    case SMTPD_RID_CHECK_HELO_NS_ACCESS:
    case SMTPD_RID_CHECK_SENDER_NS_ACCESS:
    case SMTPD_RID_CHECK_RECIPIENT_NS_ACCESS:
        return DNS_T_NS;
    default:
        return DNS_T_A;
    }
}

/* smtpd_check_server_access - check_*_{mx,ns,a}_access */

int smtpd_check_server_access(SMTPD_CHECK_CTX *ctx, MAPS *table)
{
    SMTPD_SERVER_SUBJECT s;
    int type = smtpd_server_type(ctx->rid);
    char *name;
    size_t len;
    ARGV *list;
    int result = -1;

    if (!smtpd_server_subject(ctx, ctx->rid, &s))
        return SMTPD_CHECK_DUNNO;
    name = mystrdup(s.name);
    if ((len = strlen(name)) > 1 && name[len - 1] == '.')
        name[len - 1] = 0;
    if (type == DNS_T_A) {
        list = argv_alloc(4);
        (void)smtpd_server_records(ctx->checks, name, DNS_T_A, list);
        (void)smtpd_server_records(ctx->checks, name, DNS_T_AAAA, list);
        for (size_t i = 0; result < 0 && i < list->argc; i++)
            result = smtpd_server_addr(ctx, &s, table, list->argv[i]);
    } else {
        list = smtpd_server_hosts(ctx->checks, name, type);
        for (size_t i = 0; result < 0 && i < list->argc; i++)
            result = smtpd_server_host(ctx, &s, table, list->argv[i]);
    }
    argv_free(list);
    myfree(name);
    return result < 0 ? SMTPD_CHECK_DUNNO : result;
}

/* smtpd_check_reverse_client_access - check_reverse_client_hostname_access */

int smtpd_check_reverse_client_access(SMTPD_CHECK_CTX *ctx, MAPS *table)
{
    const SMTPD_CHECK_FACTS *f = ctx->facts;
    SMTPD_SERVER_SUBJECT s = {f->reverse_name, f->reverse_name, "Unverified Client host"};
    const char *found = NULL;

    if (f->reverse_name && strcmp(f->reverse_name, "unknown") != 0) {
        found = domain_find(table, f->reverse_name, ctx->checks->access_parent, NULL);
        if (found)
            return smtpd_check_access_value(ctx, s.reply_name, s.reply_class, table->names->argv[0],
                                            found);
        if (table->error)
            return smtpd_check_reject(ctx, 451, "4.3.0", "<%s>: Temporary lookup failure",
                                      s.reply_name);
    }
    if (f->addr == NULL)
        return SMTPD_CHECK_DUNNO;
    if ((found = hostaddr_find(table, f->addr, NULL)) != NULL)
        return smtpd_check_access_value(ctx, s.reply_name, s.reply_class, table->names->argv[0],
                                        found);
    if (table->error)
        return smtpd_check_reject(ctx, 451, "4.3.0", "<%s>: Temporary lookup failure",
                                  s.reply_name);
    return SMTPD_CHECK_DUNNO;
}

/* smtpd_server_ours - is an address one of this machine's (inet_ and proxy_interfaces)? */

static bool smtpd_server_ours(SMTPD_CHECKS *checks, const char *addr)
{
    ARGV *lists[] = {checks->inet_addrs, checks->proxy_addrs};

    for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
        for (size_t i = 0; lists[l] && i < lists[l]->argc; i++)
            if (strcasecmp(lists[l]->argv[i], addr) == 0)
                return true;
    return false;
}

/* smtpd_server_host_ours - does a host name resolve to one of our addresses? */

static bool smtpd_server_host_ours(SMTPD_CHECKS *checks, const char *host)
{
    ARGV *addrs = argv_alloc(4);
    bool ours = false;

    (void)smtpd_server_records(checks, host, DNS_T_A, addrs);
    (void)smtpd_server_records(checks, host, DNS_T_AAAA, addrs);
    for (size_t i = 0; !ours && i < addrs->argc; i++)
        ours = smtpd_server_ours(checks, addrs->argv[i]);
    argv_free(addrs);
    return ours;
}

/* smtpd_server_primary_ok - a more preferred MX host that permit_mx_backup_networks allows */

static bool smtpd_server_primary_ok(SMTPD_CHECKS *checks, const char *host)
{
    ARGV *addrs;
    bool ok = false;

    if (checks->mx_backup_networks == NULL)
        return true;
    addrs = argv_alloc(4);
    (void)smtpd_server_records(checks, host, DNS_T_A, addrs);
    (void)smtpd_server_records(checks, host, DNS_T_AAAA, addrs);
    for (size_t i = 0; !ok && i < addrs->argc; i++)
        ok = match_list_addr(checks->mx_backup_networks, addrs->argv[i]);
    argv_free(addrs);
    return ok;
}

/* smtpd_check_permit_mx_backup - permit_mx_backup */

int smtpd_check_permit_mx_backup(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    SMTPD_CHECKS *checks = ctx->checks;
    const char *rcpt = ctx->facts->recipient;
    DNS_ANSWER answer = {0};
    VSTRING *why;
    const char *at;
    char *domain;
    size_t len;
    int status, ours, best_ours = -1;
    int result = SMTPD_CHECK_DUNNO;

    if (rcpt == NULL)
        return SMTPD_CHECK_DUNNO;
    /* Our own domains count as backed up; routed addresses never do. */
    if ((ours = smtpd_check_destination(ctx, rcpt)) != 0)
        return ours > 0
                   ? SMTPD_CHECK_OK
                   : smtpd_check_reject(ctx, 451, "4.3.0", "<%s>: Temporary lookup failure", rcpt);
    if ((at = strrchr(rcpt, '@')) == NULL || smtpd_check_routed(rcpt, at))
        return SMTPD_CHECK_DUNNO;
    domain = lowercase(mystrdup(at + 1));
    if ((len = strlen(domain)) > 1 && domain[len - 1] == '.')
        domain[len - 1] = 0;
    why = vstring_alloc(100);
    status =
        checks->resolver ? dns_lookup(checks->resolver, domain, DNS_T_MX, &answer, why) : DNS_RETRY;
    if (status == DNS_RETRY || status == DNS_FAIL) {
        /* Never a reason to refuse: only a later refusal becomes a deferral. */
        const char *reason = strrchr(vstring_str(why), ':');

        if (VSTRING_LEN(ctx->decision->defer_if_reject) == 0)
            vstring_sprintf(ctx->decision->defer_if_reject,
                            "450 4.4.4 <%s>: %s rejected: Unable to look up mail exchanger "
                            "information: %s",
                            rcpt, smtpd_check_reply_class(ctx->stage),
                            reason && reason[1] == ' ' ? reason + 2 : "Host not found, try again");
    } else if (status == DNS_OK) {
        /* Backup: one of our hosts is an MX, but not the most preferred one. */
        for (size_t i = 0; i < answer.count; i++) {
            const DNS_RR *rr = &answer.rr[i];

            if (rr->type == DNS_T_MX && rr->host && *rr->host &&
                smtpd_server_host_ours(checks, rr->host) && (best_ours < 0 || rr->pref < best_ours))
                best_ours = rr->pref;
        }
        for (size_t i = 0; best_ours >= 0 && i < answer.count && result != SMTPD_CHECK_OK; i++) {
            const DNS_RR *rr = &answer.rr[i];

            if (rr->type == DNS_T_MX && rr->host && *rr->host && rr->pref < best_ours &&
                smtpd_server_primary_ok(checks, rr->host))
                result = SMTPD_CHECK_OK;
        }
    }
    dns_answer_free(&answer);
    vstring_free(why);
    myfree(domain);
    return result;
}

/* smtpd_server_unlisted - an address that its class's table does not list */

static int smtpd_server_unlisted(SMTPD_CHECK_CTX *ctx, RCPT_MAPS_ROLE role, const char *address)
{
    const char *sender = ctx->facts->sender ? ctx->facts->sender : "";

    if (ctx->checks->rcpt_maps == NULL || address == NULL || *address == 0)
        return SMTPD_CHECK_DUNNO;
    if (rcpt_maps_check(ctx->checks->rcpt_maps, role, sender, address, ctx->reply) ==
        RCPT_MAPS_KNOWN) {
        VSTRING_RESET(ctx->reply);
        return SMTPD_CHECK_DUNNO;
    }
    return SMTPD_CHECK_REJECT;
}

/* smtpd_check_unlisted_sender - reject_unlisted_sender */

int smtpd_check_unlisted_sender(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_server_unlisted(ctx, RCPT_MAPS_SENDER, ctx->facts->sender);
}

/* smtpd_check_unlisted_recipient - reject_unlisted_recipient */

int smtpd_check_unlisted_recipient(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_server_unlisted(ctx, RCPT_MAPS_RECIPIENT, ctx->facts->recipient);
}
