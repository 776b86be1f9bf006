/*++
 * NAME
 *	smtpd_check_host - restrictions on host names and mail domains
 * SYNOPSIS
 *	#include "smtpd_check_private.h"
 *
 *	int	smtpd_check_invalid_helo(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_unknown_helo(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_unknown_client(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_unknown_reverse_client(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_unknown_sender_domain(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_unknown_recipient_domain(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 * DESCRIPTION
 *	reject_invalid_helo_hostname refuses a HELO name that is not a
 *	host name ("Invalid name": labels of letters, digits, '-' and '_',
 *	at most 63 bytes each and 255 in all, no '-' at either end of a
 *	label, not all numeric unless an IP address) and an address literal
 *	whose address does not parse ("invalid ip address"), both with
 *	invalid_hostname_reject_code and 5.5.2.
 *
 *	reject_unknown_helo_hostname refuses a HELO name without A, AAAA or
 *	MX records (unknown_hostname_reject_code, 4.7.1 "Host not found");
 *	address literals are checked as above, not looked up.
 *
 *	reject_unknown_client_hostname refuses a client whose address has
 *	no name that maps back to it (unknown_client_reject_code, 4.7.25
 *	"cannot find your hostname, [addr]");
 *	reject_unknown_reverse_client_hostname one whose address has no
 *	PTR name at all (4.7.1 "cannot find your reverse hostname"). A
 *	lookup that failed for now gets 450 whatever the code parameter.
 *
 *	reject_unknown_sender_domain and reject_unknown_recipient_domain
 *	refuse an address whose domain has neither MX nor A/AAAA records
 *	(unknown_address_reject_code, 4.1.8 for the sender, 4.1.2 for the
 *	recipient, "Domain not found"), or only a null MX (RFC 7505: 550
 *	5.7.27 for the sender, 556 5.1.10 for the recipient). The null
 *	sender, addresses without a domain, address literals and domains
 *	that are delivered here (mydestination, virtual_alias_domains,
 *	virtual_mailbox_domains) are not looked up.
 *
 *	A DNS lookup that fails for now (timeout, SERVFAIL) never permits
 *	or rejects: unknown_helo_hostname_tempfail_action and
 *	unknown_address_tempfail_action say whether the request is deferred
 *	at once ("defer") or only if nothing else rejects it
 *	("defer_if_permit"), with 450.
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "valid_hostname.h"
#include "vstring.h"

/* Global library. */
#include "dns_lookup.h"

/* Application-specific. */
#include "smtpd_check_private.h"

/* DNS verdicts on a name. */
#define SMTPD_HOST_FOUND    0 /* has the records */
#define SMTPD_HOST_NOTFOUND 1 /* has none */
#define SMTPD_HOST_RETRY    2 /* the lookup failed for now */
#define SMTPD_HOST_NULLMX   3 /* a null MX only */

/* smtpd_host_name_ok - a host name, with or without a trailing dot */

static bool smtpd_host_name_ok(const char *name)
{
    size_t len = strlen(name);
    char *copy;
    bool ok;

    if (len < 2 || name[len - 1] != '.')
        return valid_hostname(name);
    copy = mystrndup(name, len - 1);
    ok = valid_hostname(copy);
    myfree(copy);
    return ok;
}

/* smtpd_host_bad_literal - the reply for an address literal that does not parse */

static int smtpd_host_bad_literal(SMTPD_CHECK_CTX *ctx, const char *helo)
{
    return smtpd_check_reject(ctx, ctx->checks->invalid_hostname_reject_code, "5.5.2",
                              "<%s>: Helo command rejected: invalid ip address", helo);
}

/* smtpd_check_invalid_helo - HELO syntax */

int smtpd_check_invalid_helo(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    const char *helo = ctx->facts->helo;

    if (helo == NULL || *helo == 0)
        return SMTPD_CHECK_DUNNO;
    if (*helo == '[')
        return valid_hostliteral(helo) ? SMTPD_CHECK_DUNNO : smtpd_host_bad_literal(ctx, helo);
    if (valid_hostaddr(helo) || smtpd_host_name_ok(helo))
        return SMTPD_CHECK_DUNNO;
    return smtpd_check_reject(ctx, ctx->checks->invalid_hostname_reject_code, "5.5.2",
                              "<%s>: Helo command rejected: Invalid name", helo);
}

/* smtpd_host_lookup - one DNS query: found, not found, retry or null MX */

static int smtpd_host_lookup(SMTPD_CHECKS *checks, const char *name, int type)
{
    DNS_ANSWER answer = {0};
    VSTRING *why = vstring_alloc(100);
    int status;
    int verdict = SMTPD_HOST_NOTFOUND;

    if (checks->resolver == NULL) {
        vstring_free(why);
        return SMTPD_HOST_RETRY;
    }
    status = dns_lookup(checks->resolver, name, type, &answer, why);
    if (status == DNS_RETRY || status == DNS_FAIL) {
        msg_info("%s: %s", __func__, vstring_str(why));
        verdict = SMTPD_HOST_RETRY;
    } else if (status == DNS_OK) {
        size_t useful = 0, null_mx = 0;

        for (size_t i = 0; i < answer.count; i++) {
            if (answer.rr[i].type != type)
                continue;
            if (type == DNS_T_MX && (answer.rr[i].host == NULL || *answer.rr[i].host == 0 ||
                                     strcmp(answer.rr[i].host, ".") == 0))
                null_mx++;
            else
                useful++;
        }
        verdict = useful ? SMTPD_HOST_FOUND : null_mx ? SMTPD_HOST_NULLMX : SMTPD_HOST_NOTFOUND;
    } else if (status == DNS_NOTFOUND && type == DNS_T_MX) {
        verdict = -SMTPD_HOST_NOTFOUND; /* no such name: no need to ask for addresses */
    }
    dns_answer_free(&answer);
    vstring_free(why);
    return verdict;
}

/* smtpd_host_find - MX (for a mail domain), then A and AAAA */

static int smtpd_host_find(SMTPD_CHECKS *checks, const char *name, bool mail)
{
    static const int types[] = {DNS_T_MX, DNS_T_A, DNS_T_AAAA};
    bool retry = false;

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        int verdict = smtpd_host_lookup(checks, name, types[i]);

        if (verdict == SMTPD_HOST_FOUND)
            return SMTPD_HOST_FOUND;
        if (verdict == SMTPD_HOST_NULLMX && mail)
            return SMTPD_HOST_NULLMX;
        if (verdict == -SMTPD_HOST_NOTFOUND)
            return SMTPD_HOST_NOTFOUND;
        if (verdict == SMTPD_HOST_RETRY)
            retry = true;
    }
    return retry ? SMTPD_HOST_RETRY : SMTPD_HOST_NOTFOUND;
}

/* smtpd_check_unknown_helo - the HELO name is in the DNS */

int smtpd_check_unknown_helo(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    const char *helo = ctx->facts->helo;
    const char *fmt = "<%s>: Helo command rejected: Host not found";

    if (helo == NULL || *helo == 0)
        return SMTPD_CHECK_DUNNO;
    if (*helo == '[')
        return valid_hostliteral(helo) ? SMTPD_CHECK_DUNNO : smtpd_host_bad_literal(ctx, helo);
    switch (smtpd_host_find(ctx->checks, helo, false)) {
    case SMTPD_HOST_FOUND:
        return SMTPD_CHECK_DUNNO;
    case SMTPD_HOST_RETRY:
        if (ctx->checks->helo_tempfail_defer)
            return smtpd_check_reject(ctx, 450, "4.7.1", fmt, helo);
        return smtpd_check_defer_if_permit(ctx, 450, "4.7.1", fmt, helo);
    default:
        return smtpd_check_reject(ctx, ctx->checks->unknown_hostname_reject_code, "4.7.1", fmt,
                                  helo);
    }
}

/* smtpd_check_unknown_client - no forward-confirmed name */

int smtpd_check_unknown_client(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    const SMTPD_CHECK_FACTS *facts = ctx->facts;

    if (facts->name == NULL || strcmp(facts->name, "unknown") != 0)
        return SMTPD_CHECK_DUNNO;
    return smtpd_check_reject(
        ctx, facts->name_status == SMTPD_NAME_TEMP ? 450 : ctx->checks->unknown_client_reject_code,
        "4.7.25", "Client host rejected: cannot find your hostname, [%s]",
        facts->addr ? facts->addr : "unknown");
}

/* smtpd_check_unknown_reverse_client - no PTR name */

int smtpd_check_unknown_reverse_client(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    const SMTPD_CHECK_FACTS *facts = ctx->facts;

    if (facts->reverse_name == NULL || strcmp(facts->reverse_name, "unknown") != 0)
        return SMTPD_CHECK_DUNNO;
    return smtpd_check_reject(
        ctx,
        facts->reverse_status == SMTPD_NAME_TEMP ? 450 : ctx->checks->unknown_client_reject_code,
        "4.7.1", "Client host rejected: cannot find your reverse hostname, [%s]",
        facts->addr ? facts->addr : "unknown");
}

/* smtpd_check_unknown_domain - a mail domain in the DNS */

static int smtpd_check_unknown_domain(SMTPD_CHECK_CTX *ctx, const char *address, const char *dsn,
                                      int null_code, const char *null_dsn)
{
    const char *reply_class = smtpd_check_reply_class(ctx->stage);
    const char *at;
    char *domain;
    size_t len;
    int ours;
    int result = SMTPD_CHECK_DUNNO;

    if (address == NULL || *address == 0 || (at = strrchr(address, '@')) == NULL)
        return SMTPD_CHECK_DUNNO;
    domain = lowercase(mystrdup(at + 1));
    if ((len = strlen(domain)) > 0 && domain[len - 1] == '.')
        domain[--len] = 0;
    if (len == 0 || domain[0] == '[') {
        myfree(domain);
        return SMTPD_CHECK_DUNNO;
    }
    if ((ours = smtpd_check_final_domain(ctx, domain)) != 0) {
        myfree(domain);
        return ours < 0 ? smtpd_check_reject(ctx, 451, "4.3.0", "<%s>: Temporary lookup failure",
                                             address)
                        : SMTPD_CHECK_DUNNO;
    }
    switch (smtpd_host_find(ctx->checks, domain, true)) {
    case SMTPD_HOST_FOUND:
        break;
    case SMTPD_HOST_NULLMX:
        result = smtpd_check_reject(ctx, null_code, null_dsn,
                                    "<%s>: %s rejected: Domain %s does not accept mail (nullMX)",
                                    address, reply_class, domain);
        break;
    case SMTPD_HOST_RETRY:
        if (ctx->checks->address_tempfail_defer)
            result = smtpd_check_reject(ctx, 450, dsn, "<%s>: %s rejected: Domain not found",
                                        address, reply_class);
        else
            result = smtpd_check_defer_if_permit(
                ctx, 450, dsn, "<%s>: %s rejected: Domain not found", address, reply_class);
        break;
    default:
        result = smtpd_check_reject(ctx, ctx->checks->unknown_address_reject_code, dsn,
                                    "<%s>: %s rejected: Domain not found", address, reply_class);
        break;
    }
    myfree(domain);
    return result;
}

/* smtpd_check_unknown_sender_domain - MAIL FROM domain in the DNS */

int smtpd_check_unknown_sender_domain(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    SMTPD_STAGE stage = ctx->stage;
    int result;

    /* The reply speaks of the sender whichever list names the restriction. */
    ctx->stage = SMTPD_STAGE_SENDER;
    result = smtpd_check_unknown_domain(ctx, ctx->facts->sender, "4.1.8", 550, "5.7.27");
    ctx->stage = stage;
    return result;
}

/* smtpd_check_unknown_recipient_domain - RCPT TO domain in the DNS */

int smtpd_check_unknown_recipient_domain(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    SMTPD_STAGE stage = ctx->stage;
    int result;

    ctx->stage = SMTPD_STAGE_RECIPIENT;
    result = smtpd_check_unknown_domain(ctx, ctx->facts->recipient, "4.1.2", 556, "5.1.10");
    ctx->stage = stage;
    return result;
}
