/*++
 * NAME
 *	smtpd_check_login - who may use which sender address
 * SYNOPSIS
 *	#include "smtpd_check_private.h"
 *
 *	int	smtpd_check_sender_login(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_auth_sender_login(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_known_sender_login(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_unauth_sender_login(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 * DESCRIPTION
 *	These implement the restrictions that compare the MAIL FROM address
 *	with the SASL login name through smtpd_sender_login_maps, whose
 *	value for an address is the list of login names (separated by commas
 *	or white space) that own it. The address is looked up as
 *	"user+ext@domain", "user@domain", "user+ext" and "user" when the
 *	domain is in mydestination, then "@domain". Login names compare
 *	without regard to case. The null sender and a session without MAIL
 *	FROM are never refused, nor is anything when
 *	smtpd_sender_login_maps is empty.
 *
 *	smtpd_check_auth_sender_login() (reject_authenticated_sender_login_
 *	mismatch): an authenticated client must own the address: "553 5.7.1
 *	<addr>: Sender address rejected: not owned by user alice", also when
 *	the address has no owner at all.
 *
 *	smtpd_check_unauth_sender_login() (reject_unauthenticated_sender_
 *	login_mismatch): a client that did not authenticate may not use an
 *	address that has an owner: "553 5.7.1 <addr>: Sender address
 *	rejected: not logged in".
 *
 *	smtpd_check_sender_login() (reject_sender_login_mismatch) is both.
 *
 *	smtpd_check_known_sender_login() (reject_known_sender_login_mismatch)
 *	is both for the addresses that have an owner only: an authenticated
 *	client may use an address without an owner.
 *
 *	A lookup failure defers: "451 4.3.0 <addr>: Temporary lookup
 *	failure". Without smtpd_sasl_auth_enable each of them is ignored
 *	with a warning, as Postfix does ("restriction
 *	`reject_sender_login_mismatch' ignored: no SASL support").
 * SEE ALSO
 *	smtpd_check(3)
 *--*/

#include <string.h>
#include <strings.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

#include "mail_addr_find.h"
#include "maps.h"
#include "match_list.h"

#include "smtpd_check_private.h"

/* What an address lookup in smtpd_sender_login_maps found. */
typedef enum SMTPD_LOGIN_OWNER {
    SMTPD_LOGIN_FAILED,    /* the lookup failed; ctx->reply is filled in */
    SMTPD_LOGIN_UNKNOWN,   /* the address has no owner */
    SMTPD_LOGIN_OWNED,     /* the logged-in user owns it */
    SMTPD_LOGIN_NOT_OWNED, /* others own it (or nobody is logged in) */
} SMTPD_LOGIN_OWNER;

/* smtpd_login_is_local - mail_addr_find() callback: a domain in mydestination */

static int smtpd_login_is_local(const char *domain, void *context)
{
    SMTPD_CHECKS *checks = context;
    int found = match_list_domain(checks->mydestination, domain);

    return found < 0 || match_list_error(checks->mydestination) ? -1 : found > 0;
}

/* smtpd_login_listed - is name in the owner list? */

static bool smtpd_login_listed(const char *owners, const char *name)
{
    char *copy = mystrdup(owners), *cp = copy, *owner;
    bool found = false;

    while (!found && (owner = mystrtok(&cp, ", \t\r\n")) != NULL)
        found = strcasecmp(owner, name) == 0;
    myfree(copy);
    return found;
}

/* smtpd_login_owner - who owns the sender address */

static SMTPD_LOGIN_OWNER smtpd_login_owner(SMTPD_CHECK_CTX *ctx)
{
    SMTPD_CHECKS *checks = ctx->checks;
    MAIL_ADDR_FIND_OPTS opts = {
        .strategy = MAIL_ADDR_FIND_VIRTUAL,
        .delimiters = checks->delimiters,
        .is_local = smtpd_login_is_local,
        .local_context = checks,
    };
    const char *owners = mail_addr_find(checks->sender_login_maps, ctx->facts->sender, &opts, NULL);

    if (owners == NULL && checks->sender_login_maps->error) {
        smtpd_check_reject(ctx, 451, "4.3.0", "<%s>: Temporary lookup failure", ctx->facts->sender);
        return SMTPD_LOGIN_FAILED;
    }
    if (owners == NULL)
        return SMTPD_LOGIN_UNKNOWN;
    if (ctx->facts->sasl_authenticated && ctx->facts->sasl_username &&
        smtpd_login_listed(owners, ctx->facts->sasl_username))
        return SMTPD_LOGIN_OWNED;
    return SMTPD_LOGIN_NOT_OWNED;
}

/* smtpd_login_applies - a sender to check, and a table to check it with */

static bool smtpd_login_applies(SMTPD_CHECK_CTX *ctx)
{
    return ctx->checks->sender_login_maps != NULL && ctx->facts->sender != NULL &&
           *ctx->facts->sender != 0;
}

/* smtpd_login_check - the four restrictions in one */

static int smtpd_login_check(SMTPD_CHECK_CTX *ctx, const char *name, bool check_auth,
                             bool check_unauth, bool allow_unknown)
{
    const SMTPD_CHECK_FACTS *facts = ctx->facts;
    bool authenticated = facts->sasl_authenticated && facts->sasl_username != NULL;

    if (!ctx->checks->sasl_enabled) {
        msg_warn("restriction `%s' ignored: no SASL support", name);
        return SMTPD_CHECK_DUNNO;
    }
    if (!smtpd_login_applies(ctx) || (authenticated ? !check_auth : !check_unauth))
        return SMTPD_CHECK_DUNNO;
    switch (smtpd_login_owner(ctx)) {
    case SMTPD_LOGIN_FAILED:
        return SMTPD_CHECK_REJECT;
    case SMTPD_LOGIN_OWNED:
        return SMTPD_CHECK_DUNNO;
    case SMTPD_LOGIN_UNKNOWN:
        if (!authenticated || allow_unknown)
            return SMTPD_CHECK_DUNNO;
        break;
    case SMTPD_LOGIN_NOT_OWNED:
        break;
    }
    if (authenticated)
        return smtpd_check_reject(ctx, 553, "5.7.1",
                                  "<%s>: Sender address rejected: not owned by user %s",
                                  facts->sender, facts->sasl_username);
    return smtpd_check_reject(ctx, 553, "5.7.1", "<%s>: Sender address rejected: not logged in",
                              facts->sender);
}

/* smtpd_check_sender_login - reject_sender_login_mismatch */

int smtpd_check_sender_login(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_login_check(ctx, "reject_sender_login_mismatch", true, true, false);
}

/* smtpd_check_auth_sender_login - reject_authenticated_sender_login_mismatch */

int smtpd_check_auth_sender_login(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_login_check(ctx, "reject_authenticated_sender_login_mismatch", true, false, false);
}

/* smtpd_check_known_sender_login - reject_known_sender_login_mismatch */

int smtpd_check_known_sender_login(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_login_check(ctx, "reject_known_sender_login_mismatch", true, true, true);
}

/* smtpd_check_unauth_sender_login - reject_unauthenticated_sender_login_mismatch */

int smtpd_check_unauth_sender_login(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_login_check(ctx, "reject_unauthenticated_sender_login_mismatch", false, true,
                             false);
}
