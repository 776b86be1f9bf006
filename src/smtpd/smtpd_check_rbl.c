/*++
 * NAME
 *	smtpd_check_rbl - DNS block and allow lists (DNSBL, RHSBL, DNSWL, RHSWL)
 * SYNOPSIS
 *	#include "smtpd_check_private.h"
 *
 *	int	smtpd_check_rbl_client(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_rhsbl_client(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_rhsbl_reverse_client(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_rhsbl_helo(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_rhsbl_sender(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_rhsbl_recipient(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_dnswl_client(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_rhswl_client(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 * DESCRIPTION
 *	Each takes a list's zone as its argument, "zone" or
 *	"zone=filter". reject_rbl_client and permit_dnswl_client look up
 *	the client address (reversed: 2.0.0.127.zone, IPv6 nibble by
 *	nibble); the rhsbl ones a name: the client name, the unverified
 *	client name, the HELO name, the domain of the sender or of the
 *	recipient (name.zone). A name is listed when the lookup finds an A
 *	record that the filter allows (any, without a filter). A filter is
 *	an IPv4 address whose octets may be "[n;m;k..l]" sets
 *	("127.0.0.2", "127.0.0.[2..11]", "127.0.[0;1].[2;4]").
 *
 *	A listed name is refused with the template that rbl_reply_maps has
 *	for the zone (the argument as written, then the zone alone), else
 *	default_rbl_reply: "$rbl_code Service unavailable; $rbl_class
 *	[$rbl_what] blocked using $rbl_domain${rbl_reason?; $rbl_reason}".
 *	Templates know $rbl_code (maps_rbl_reject_code), $rbl_class ("Client
 *	host", "Unverified Client host", "Helo command", "Sender address",
 *	"Recipient address"), $rbl_what (the address or name looked up),
 *	$rbl_domain (the zone), $rbl_reason and $rbl_txt (the TXT record of
 *	the listed name, or empty), $client_address, $client_name,
 *	$reverse_client_name, $helo_name, $sender, $sender_name,
 *	$sender_domain, $recipient, $recipient_name, $recipient_domain, as
 *	$name, ${name}, ${name?text} (text when the value is not empty) and
 *	${name:text} (text when it is empty). Without an enhanced status
 *	code in the template, 5.7.1 (4.7.1) is used.
 *
 *	permit_dnswl_client and permit_rhswl_client permit a listed client.
 *
 *	A lookup that fails for now (timeout, SERVFAIL) never permits and
 *	never refuses: for a block list the request is deferred if nothing
 *	else refuses it ("450 4.7.1 <name>: Class rejected: DNS lookup of
 *	zone failed, try again"), for an allow list the list goes on. This
 *	differs from Postfix, which takes a failed block list lookup as
 *	"not listed".
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "dns_lookup.h"
#include "dnsbl_sites.h"
#include "maps.h"

/* Application-specific. */
#include "smtpd_check_private.h"

/* What one list lookup is about. */
typedef struct SMTPD_RBL_QUERY {
    const char *rbl_class; /* "Client host", ... */
    const char *what;      /* what is listed: an address, a name, an e-mail address */
    const char *name;      /* the name looked up before the zone (reversed address, domain) */
} SMTPD_RBL_QUERY;

#define SMTPD_RBL_REASON_MAX 200 /* bytes of a TXT record in a reply */

/* Lookup outcomes. */
#define SMTPD_RBL_NOT_LISTED 0
#define SMTPD_RBL_LISTED     1
#define SMTPD_RBL_RETRY      2

/* smtpd_rbl_lookup - is name listed in zone? */

static int smtpd_rbl_lookup(SMTPD_CHECKS *checks, const char *name, const char *zone,
                            const char *filter, VSTRING *reason)
{
    VSTRING *query = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    DNS_ANSWER answer = {0};
    int status, result = SMTPD_RBL_NOT_LISTED;

    VSTRING_RESET(reason);
    vstring_sprintf(query, "%s.%s", name, zone);
    if (checks->resolver == NULL) {
        result = SMTPD_RBL_RETRY;
    } else if ((status = dns_lookup(checks->resolver, vstring_str(query), DNS_T_A, &answer, why)) ==
                   DNS_RETRY ||
               status == DNS_FAIL) {
        msg_warn("%s: RBL lookup error: %s", vstring_str(query), vstring_str(why));
        result = SMTPD_RBL_RETRY;
    } else if (status == DNS_OK) {
        for (size_t i = 0; i < answer.count && result == SMTPD_RBL_NOT_LISTED; i++)
            if (answer.rr[i].type == DNS_T_A && dnsbl_filter_match(filter, answer.rr[i].addr))
                result = SMTPD_RBL_LISTED;
    }
    dns_answer_free(&answer);
    if (result == SMTPD_RBL_LISTED &&
        dns_lookup(checks->resolver, vstring_str(query), DNS_T_TXT, &answer, why) == DNS_OK) {
        for (size_t i = 0; i < answer.count; i++)
            if (answer.rr[i].type == DNS_T_TXT && answer.rr[i].data) {
                vstring_memcat(reason, (const char *)answer.rr[i].data, answer.rr[i].data_len);
                break;
            }
        dns_answer_free(&answer);
    }
    /* The reason goes into a reply: printable text only, and not too much of it. */
    if (VSTRING_LEN(reason) > SMTPD_RBL_REASON_MAX)
        vstring_truncate(reason, SMTPD_RBL_REASON_MAX);
    for (char *cp = vstring_str(reason); *cp; cp++)
        if (!isprint((unsigned char)*cp))
            *cp = '?';
    vstring_free(query);
    vstring_free(why);
    return result;
}

/* smtpd_rbl_value - the value of a template variable, or NULL */

static const char *smtpd_rbl_value(SMTPD_CHECK_CTX *ctx, const SMTPD_RBL_QUERY *q, const char *zone,
                                   const char *reason, const char *name, size_t len,
                                   VSTRING *scratch)
{
    const SMTPD_CHECK_FACTS *f = ctx->facts;
    struct {
        const char *name;
        const char *value;
    } vars[] = {
        {"rbl_class", q->rbl_class}, {"rbl_what", q->what},
        {"rbl_domain", zone},        {"rbl_reason", reason},
        {"rbl_txt", reason},         {"client_address", f->addr},
        {"client_name", f->name},    {"reverse_client_name", f->reverse_name},
        {"helo_name", f->helo},      {"sender", f->sender},
        {"recipient", f->recipient},
    };
    const char *addr = NULL;
    const char *at;

    if (len == 8 && strncmp(name, "rbl_code", len) == 0) {
        vstring_sprintf(scratch, "%d", ctx->checks->maps_rbl_reject_code);
        return vstring_str(scratch);
    }
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        if (strlen(vars[i].name) == len && strncmp(vars[i].name, name, len) == 0)
            return vars[i].value ? vars[i].value : "";
    if (len > 5 && strncmp(name, "sender_", 7) == 0)
        addr = f->sender;
    else if (len > 8 && strncmp(name, "recipient_", 10) == 0)
        addr = f->recipient;
    else
        return NULL;
    addr = addr ? addr : "";
    at = strrchr(addr, '@');
    if (len >= 5 && strncmp(name + len - 5, "_name", 5) == 0)
        return vstring_str(vstring_strncpy(scratch, addr, at ? (size_t)(at - addr) : strlen(addr)));
    if (len >= 7 && strncmp(name + len - 7, "_domain", 7) == 0)
        return at ? at + 1 : "";
    return NULL;
}

/* smtpd_rbl_expand - a reply template with its variables, appended to out */

static void smtpd_rbl_expand(SMTPD_CHECK_CTX *ctx, const SMTPD_RBL_QUERY *q, const char *zone,
                             const char *reason, const char *template, size_t template_len,
                             VSTRING *out, int depth)
{
    VSTRING *scratch = vstring_alloc(50);
    const char *cp = template;
    const char *end_of_template = template + template_len;

    while (cp < end_of_template && *cp) {
        const char *name, *value, *text = NULL;
        size_t len, text_len = 0;
        int op = 0;

        if (*cp != '$') {
            vstring_addch(out, *cp++);
            continue;
        }
        cp++;
        if (*cp == '{') {
            const char *end = memchr(cp, '}', (size_t)(end_of_template - cp));

            if (end == NULL) {
                vstring_memcat(out, cp - 1, (size_t)(end_of_template - cp + 1));
                break;
            }
            name = cp + 1;
            len = strcspn(name, "?:}");
            if (name[len] == '?' || name[len] == ':') {
                op = name[len];
                text = name + len + 1;
                text_len = (size_t)(end - text);
            }
            cp = end + 1;
        } else {
            name = cp;
            for (len = 0; name + len < end_of_template &&
                          (isalnum((unsigned char)name[len]) || name[len] == '_');
                 len++)
                ;
            cp += len;
        }
        if ((value = smtpd_rbl_value(ctx, q, zone, reason, name, len, scratch)) == NULL) {
            msg_warn("rbl reply template \"%s\": unknown variable \"%.*s\"", template, (int)len,
                     name);
            value = "";
        }
        /* The text of ${name?text} and ${name:text} has variables of its own. */
        if ((op == '?' && *value) || (op == ':' && *value == 0)) {
            if (depth < 5)
                smtpd_rbl_expand(ctx, q, zone, reason, text, text_len, out, depth + 1);
        } else if (op != '?') {
            vstring_strcat(out, value);
        }
    }
    vstring_free(scratch);
}

/* smtpd_rbl_refuse - the reply for a listed name */

static int smtpd_rbl_refuse(SMTPD_CHECK_CTX *ctx, const SMTPD_RBL_QUERY *q, const char *arg,
                            const char *zone, const char *reason)
{
    VSTRING *text = vstring_alloc(100);
    const char *template = NULL;
    const char *rest;
    char dsn[16];
    int code;
    int result;

    if (ctx->checks->rbl_reply_maps &&
        (template = maps_find(ctx->checks->rbl_reply_maps, arg, 0)) == NULL &&
        ctx->checks->rbl_reply_maps->error == 0 && strcmp(arg, zone) != 0)
        template = maps_find(ctx->checks->rbl_reply_maps, zone, 0);
    if (ctx->checks->rbl_reply_maps && ctx->checks->rbl_reply_maps->error) {
        vstring_free(text);
        return smtpd_check_reject(ctx, 451, "4.3.0", "<%s>: Temporary lookup failure", q->what);
    }
    if (template == NULL)
        template = ctx->checks->default_rbl_reply;
    VSTRING_RESET(text);
    smtpd_rbl_expand(ctx, q, zone, reason, template, strlen(template), text, 0);
    rest = vstring_str(text);
    if (isdigit((unsigned char)rest[0]) && isdigit((unsigned char)rest[1]) &&
        isdigit((unsigned char)rest[2]) && (rest[3] == ' ' || rest[3] == 0)) {
        code = atoi(rest);
        rest += 3 + strspn(rest + 3, " ");
    } else {
        code = ctx->checks->maps_rbl_reject_code;
    }
    strcpy(dsn, code >= 500 ? "5.7.1" : "4.7.1");
    if (isdigit((unsigned char)rest[0]) && rest[1] == '.') {
        size_t len = strspn(rest, "0123456789.");

        if (len >= 5 && len < sizeof(dsn) && (rest[len] == ' ' || rest[len] == 0)) {
            memcpy(dsn, rest, len);
            dsn[len] = 0;
            rest += len + strspn(rest + len, " ");
        }
    }
    result = smtpd_check_reject(ctx, code, dsn, "%s", rest);
    vstring_free(text);
    return result;
}

/* smtpd_rbl_check - one block or allow list lookup */

static int smtpd_rbl_check(SMTPD_CHECK_CTX *ctx, const SMTPD_RBL_QUERY *q, bool allow)
{
    char *arg = mystrdup(ctx->arg);
    char *filter = strchr(arg, '=');
    VSTRING *reason = vstring_alloc(100);
    int status, result = SMTPD_CHECK_DUNNO;

    if (filter)
        *filter++ = 0;
    status = smtpd_rbl_lookup(ctx->checks, q->name, arg, filter, reason);
    if (status == SMTPD_RBL_LISTED)
        result =
            allow ? SMTPD_CHECK_OK : smtpd_rbl_refuse(ctx, q, ctx->arg, arg, vstring_str(reason));
    else if (status == SMTPD_RBL_RETRY && !allow)
        result = smtpd_check_defer_if_permit(
            ctx, 450, "4.7.1", "<%s>: %s rejected: DNS lookup of %s failed, try again", q->what,
            q->rbl_class, arg);
    vstring_free(reason);
    myfree(arg);
    return result;
}

/* smtpd_rbl_client - reject_rbl_client or permit_dnswl_client */

static int smtpd_rbl_client(SMTPD_CHECK_CTX *ctx, bool allow)
{
    VSTRING *name = vstring_alloc(80);
    SMTPD_RBL_QUERY q = {"Client host", ctx->facts->addr, NULL};
    int result = SMTPD_CHECK_DUNNO;

    if (ctx->facts->addr && (q.name = dnsbl_reverse(ctx->facts->addr, name)) != NULL)
        result = smtpd_rbl_check(ctx, &q, allow);
    vstring_free(name);
    return result;
}

/* smtpd_rbl_name_ok - a name worth looking up */

static bool smtpd_rbl_name_ok(const char *name)
{
    unsigned char bytes[16];

    return name && *name && *name != '[' && strcmp(name, "unknown") != 0 &&
           inet_pton(AF_INET, name, bytes) != 1 && inet_pton(AF_INET6, name, bytes) != 1;
}

/* smtpd_rbl_host - an rhsbl or rhswl lookup of a host name */

static int smtpd_rbl_host(SMTPD_CHECK_CTX *ctx, const char *rbl_class, const char *host, bool allow)
{
    SMTPD_RBL_QUERY q = {rbl_class, host, host};

    return smtpd_rbl_name_ok(host) ? smtpd_rbl_check(ctx, &q, allow) : SMTPD_CHECK_DUNNO;
}

/* smtpd_rbl_address - an rhsbl lookup of an address's domain */

static int smtpd_rbl_address(SMTPD_CHECK_CTX *ctx, const char *rbl_class, const char *address)
{
    const char *at;
    SMTPD_RBL_QUERY q = {rbl_class, address, NULL};

    if (address == NULL || (at = strrchr(address, '@')) == NULL || !smtpd_rbl_name_ok(at + 1))
        return SMTPD_CHECK_DUNNO;
    q.name = at + 1;
    return smtpd_rbl_check(ctx, &q, false);
}

/* smtpd_check_rbl_client - reject_rbl_client */

int smtpd_check_rbl_client(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_rbl_client(ctx, false);
}

/* smtpd_check_dnswl_client - permit_dnswl_client */

int smtpd_check_dnswl_client(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_rbl_client(ctx, true);
}

/* smtpd_check_rhsbl_client - reject_rhsbl_client */

int smtpd_check_rhsbl_client(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_rbl_host(ctx, "Client host", ctx->facts->name, false);
}

/* smtpd_check_rhswl_client - permit_rhswl_client */

int smtpd_check_rhswl_client(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_rbl_host(ctx, "Client host", ctx->facts->name, true);
}

/* smtpd_check_rhsbl_reverse_client - reject_rhsbl_reverse_client */

int smtpd_check_rhsbl_reverse_client(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_rbl_host(ctx, "Unverified Client host", ctx->facts->reverse_name, false);
}

/* smtpd_check_rhsbl_helo - reject_rhsbl_helo */

int smtpd_check_rhsbl_helo(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_rbl_host(ctx, "Helo command", ctx->facts->helo, false);
}

/* smtpd_check_rhsbl_sender - reject_rhsbl_sender */

int smtpd_check_rhsbl_sender(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_rbl_address(ctx, "Sender address", ctx->facts->sender);
}

/* smtpd_check_rhsbl_recipient - reject_rhsbl_recipient */

int smtpd_check_rhsbl_recipient(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_rbl_address(ctx, "Recipient address", ctx->facts->recipient);
}
