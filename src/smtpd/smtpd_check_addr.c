/*++
 * NAME
 *	smtpd_check_addr - restrictions on addresses, networks and credentials
 * SYNOPSIS
 *	#include "smtpd_check_private.h"
 *
 *	int	smtpd_check_permit(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_reject_all(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_defer_all(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_permit_mynetworks(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_permit_auth_destination(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_reject_unauth_destination(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_defer_unauth_destination(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_permit_sasl(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_permit_tls_clientcerts(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_permit_tls_all_clientcerts(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_reject_non_fqdn_helo(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_reject_non_fqdn_sender(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_reject_non_fqdn_recipient(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 * DESCRIPTION
 *	permit, reject and defer decide unconditionally (reject_code,
 *	defer_code: "<name>: Class rejected: Access denied").
 *
 *	permit_mynetworks permits a client whose address matches mynetworks.
 *
 *	permit_auth_destination permits, and reject_unauth_destination and
 *	defer_unauth_destination refuse (relay_domains_reject_code, or 454)
 *	with "Relay access denied" unless, a recipient whose domain is ours:
 *	it matches mydestination, virtual_alias_domains,
 *	virtual_mailbox_domains or relay_domains, is the address literal of
 *	the local end of the connection, or the address has no domain. A
 *	recipient with routing in its local part (user%host@, host!user@,
 *	@route:) is never "ours": it would leave this machine again.
 *
 *	permit_sasl_authenticated permits a client that logged in with AUTH.
 *	permit_tls_all_clientcerts permits a client certificate whose chain
 *	smtpd_tls_CAfile verified; permit_tls_clientcerts one whose public
 *	key fingerprint, or else certificate fingerprint, is listed in
 *	relay_clientcerts (no CA needed); a raw public key (RFC 7250) has
 *	its public-key fingerprint only. With smtpd_tls_enable_rpk a match
 *	by the certificate fingerprint alone is logged as a fragile policy
 *	(the client loses it when it sends its bare key), as Postfix 3.10
 *	does.
 *
 *	reject_non_fqdn_helo_hostname, reject_non_fqdn_sender and
 *	reject_non_fqdn_recipient refuse (non_fqdn_reject_code) a name
 *	without a dot (address literals pass).
 *
 *	Each restriction that needs a fact the request does not have yet (no
 *	recipient in the sender stage) decides nothing. Lookup failures
 *	defer with 451 4.3.0.
 *--*/

#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "mail_params.h"
#include "maps.h"
#include "match_list.h"

#include "smtpd_check_private.h"

/* smtpd_check_lookup_error - defer after a table failure */

static int smtpd_check_lookup_error(SMTPD_CHECK_CTX *ctx, const char *name)
{
    return smtpd_check_reject(ctx, 451, "4.3.0", "<%s>: Temporary lookup failure", name);
}

/* smtpd_check_permit - permit */

int smtpd_check_permit(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return SMTPD_CHECK_OK;
}

/* smtpd_check_reject_all - reject */

int smtpd_check_reject_all(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_check_reject(ctx, ctx->checks->reject_code, "5.7.1",
                              "<%s>: %s rejected: Access denied", smtpd_check_reply_name(ctx),
                              smtpd_check_reply_class(ctx->stage));
}

/* smtpd_check_defer_all - defer */

int smtpd_check_defer_all(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_check_reject(ctx, ctx->checks->defer_code, "4.7.1",
                              "<%s>: %s rejected: Access denied", smtpd_check_reply_name(ctx),
                              smtpd_check_reply_class(ctx->stage));
}

/* smtpd_check_permit_mynetworks - the client is one of ours */

int smtpd_check_permit_mynetworks(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    if (ctx->facts->addr == NULL)
        return SMTPD_CHECK_DUNNO;
    if (match_list_addr(ctx->checks->mynetworks, ctx->facts->addr))
        return SMTPD_CHECK_OK;
    if (match_list_error(ctx->checks->mynetworks))
        return smtpd_check_lookup_error(ctx, ctx->facts->namaddr);
    return SMTPD_CHECK_DUNNO;
}

/* smtpd_check_routed - does the local part route the mail elsewhere? */

bool smtpd_check_routed(const char *address, const char *at)
{
    size_t len = at ? (size_t)(at - address) : strlen(address);

    return memchr(address, '%', len) || memchr(address, '!', len) || memchr(address, '@', len);
}

/* smtpd_check_literal_ours - "[addr]" of this connection's local end */

static bool smtpd_check_literal_ours(const char *domain, const char *local_addr)
{
    size_t len = strlen(domain);
    const char *inside = domain + 1;

    if (local_addr == NULL || *local_addr == 0 || len < 3 || domain[len - 1] != ']')
        return false;
    if (strncasecmp(inside, "IPv6:", 5) == 0)
        inside += 5;
    return strlen(local_addr) == (size_t)(domain + len - 1 - inside) &&
           strncasecmp(inside, local_addr, strlen(local_addr)) == 0;
}

/* smtpd_check_domain_ours - one of the destination classes; -1 on error */

static int smtpd_check_domain_ours(SMTPD_CHECKS *checks, const char *domain)
{
    MATCH_LIST *classes[] = {checks->mydestination, checks->virtual_alias_domains,
                             checks->virtual_mailbox_domains, checks->relay_domains};

    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
        if (match_list_domain(classes[i], domain))
            return 1;
        if (match_list_error(classes[i]))
            return -1;
    }
    return 0;
}

/* smtpd_check_final_domain - delivered here (not relayed): 1, 0, or -1 on error */

int smtpd_check_final_domain(SMTPD_CHECK_CTX *ctx, const char *domain)
{
    SMTPD_CHECKS *checks = ctx->checks;
    MATCH_LIST *classes[] = {checks->mydestination, checks->virtual_alias_domains,
                             checks->virtual_mailbox_domains};

    if (domain[0] == '[')
        return smtpd_check_literal_ours(domain, ctx->facts->local_addr);
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
        if (match_list_domain(classes[i], domain))
            return 1;
        if (match_list_error(classes[i]))
            return -1;
    }
    return 0;
}

/* smtpd_check_destination - 1: ours, 0: elsewhere, -1: lookup error */

int smtpd_check_destination(SMTPD_CHECK_CTX *ctx, const char *rcpt)
{
    const char *at = strrchr(rcpt, '@');
    char *domain;
    size_t len;
    int result;

    if (smtpd_check_routed(rcpt, at))
        return 0;
    if (at == NULL)
        return 1;
    domain = lowercase(mystrdup(at + 1));
    if ((len = strlen(domain)) > 0 && domain[len - 1] == '.')
        domain[len - 1] = 0;
    if (domain[0] == '[')
        result = smtpd_check_literal_ours(domain, ctx->facts->local_addr);
    else
        result = *domain ? smtpd_check_domain_ours(ctx->checks, domain) : 0;
    myfree(domain);
    return result;
}

/* smtpd_check_permit_auth_destination - permit mail for our domains */

int smtpd_check_permit_auth_destination(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    const char *rcpt = ctx->facts->recipient;
    int ours;

    if (rcpt == NULL)
        return SMTPD_CHECK_DUNNO;
    if ((ours = smtpd_check_destination(ctx, rcpt)) < 0)
        return smtpd_check_lookup_error(ctx, rcpt);
    return ours ? SMTPD_CHECK_OK : SMTPD_CHECK_DUNNO;
}

/* smtpd_check_unauth - refuse mail for other domains */

static int smtpd_check_unauth(SMTPD_CHECK_CTX *ctx, int code)
{
    const char *rcpt = ctx->facts->recipient;
    int ours;

    if (rcpt == NULL)
        return SMTPD_CHECK_DUNNO;
    if ((ours = smtpd_check_destination(ctx, rcpt)) < 0)
        return smtpd_check_lookup_error(ctx, rcpt);
    if (ours)
        return SMTPD_CHECK_DUNNO;
    return smtpd_check_reject(ctx, code, "5.7.1", "<%s>: Relay access denied", rcpt);
}

/* smtpd_check_reject_unauth_destination - reject_unauth_destination */

int smtpd_check_reject_unauth_destination(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_check_unauth(ctx, ctx->checks->relay_reject_code);
}

/* smtpd_check_defer_unauth_destination - defer_unauth_destination */

int smtpd_check_defer_unauth_destination(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_check_unauth(ctx, 454);
}

/* smtpd_check_permit_sasl - permit_sasl_authenticated */

int smtpd_check_permit_sasl(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return ctx->facts->sasl_authenticated ? SMTPD_CHECK_OK : SMTPD_CHECK_DUNNO;
}

/* smtpd_check_permit_tls_all_clientcerts - any verified client certificate */

int smtpd_check_permit_tls_all_clientcerts(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return ctx->facts->tls_active && ctx->facts->ccert_trusted ? SMTPD_CHECK_OK : SMTPD_CHECK_DUNNO;
}

/* smtpd_check_permit_tls_clientcerts - a listed client certificate */

int smtpd_check_permit_tls_clientcerts(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    const SMTPD_CHECK_FACTS *facts = ctx->facts;
    MAPS *certs = ctx->checks->relay_clientcerts;
    const char *keys[] = {facts->ccert_pkey_fprint, facts->ccert_fprint};

    if (!facts->tls_active || certs == NULL)
        return SMTPD_CHECK_DUNNO;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (keys[i] == NULL || *keys[i] == 0)
            continue;
        if (maps_find(certs, keys[i], 0)) {
            if (msg_verbose)
                msg_info("%s: relay_clientcerts matched %s", facts->namaddr, keys[i]);
            /* Only the certificate matched: lost when the client sends its bare key. */
            if (i > 0 && ctx->checks->enable_rpk)
                msg_warn("permit_tls_clientcerts: %s: relay_clientcerts: Fragile access policy: "
                         "%s=yes, but public key fingerprint \"%s\" not matched, while "
                         "certificate fingerprint \"%s\" matched",
                         facts->namaddr, VAR_SMTPD_TLS_ENABLE_RPK, keys[0], keys[1]);
            return SMTPD_CHECK_OK;
        }
        if (certs->error)
            return smtpd_check_lookup_error(ctx, facts->namaddr);
    }
    return SMTPD_CHECK_DUNNO;
}

/* smtpd_check_fqdn - a name with a dot, or an address literal */

static bool smtpd_check_fqdn(const char *name)
{
    return name[0] == '[' || strchr(name, '.') != NULL;
}

/* smtpd_check_reject_non_fqdn_helo - reject_non_fqdn_helo_hostname */

int smtpd_check_reject_non_fqdn_helo(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    const char *helo = ctx->facts->helo;

    if (helo == NULL || smtpd_check_fqdn(helo))
        return SMTPD_CHECK_DUNNO;
    return smtpd_check_reject(ctx, ctx->checks->non_fqdn_reject_code, "5.5.2",
                              "<%s>: Helo command rejected: need fully-qualified hostname", helo);
}

/* smtpd_check_non_fqdn_address - an address without a dotted domain */

static int smtpd_check_non_fqdn_address(SMTPD_CHECK_CTX *ctx, const char *address,
                                        const char *reply_class)
{
    const char *at;

    if (address == NULL || *address == 0)
        return SMTPD_CHECK_DUNNO;
    if ((at = strrchr(address, '@')) != NULL && smtpd_check_fqdn(at + 1))
        return SMTPD_CHECK_DUNNO;
    return smtpd_check_reject(ctx, ctx->checks->non_fqdn_reject_code, "5.5.2",
                              "<%s>: %s rejected: need fully-qualified address", address,
                              reply_class);
}

/* smtpd_check_reject_non_fqdn_sender - reject_non_fqdn_sender */

int smtpd_check_reject_non_fqdn_sender(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_check_non_fqdn_address(ctx, ctx->facts->sender, "Sender address");
}

/* smtpd_check_reject_non_fqdn_recipient - reject_non_fqdn_recipient */

int smtpd_check_reject_non_fqdn_recipient(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_check_non_fqdn_address(ctx, ctx->facts->recipient, "Recipient address");
}
