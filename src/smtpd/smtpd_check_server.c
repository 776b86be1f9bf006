/*++
 * NAME
 *	smtpd_check_server - access tables for the DNS servers of a name
 * SYNOPSIS
 *	#include "smtpd_check_private.h"
 *
 *	int	smtpd_check_server_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
 *	int	smtpd_check_reverse_client_access(SMTPD_CHECK_CTX *ctx,
 *				MAPS *table);
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
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "access_action.h"
#include "dns_lookup.h"
#include "domain_find.h"
#include "hostaddr_find.h"
#include "maps.h"

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
