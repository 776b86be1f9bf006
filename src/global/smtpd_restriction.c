/*++
 * NAME
 *	smtpd_restriction - the vocabulary of SMTP server restrictions
 * SYNOPSIS
 *	#include <smtpd_restriction.h>
 *
 *	const SMTPD_RESTRICTION_INFO *smtpd_restriction_find(const char *name);
 *	ARGV	*smtpd_restriction_split(const char *value);
 *	int	smtpd_restriction_parse(const SMTPD_RESTRICTION_PARSER *parser,
 *				const char *param, char **tokens);
 *	bool	smtpd_restriction_guarded(char **tokens);
 * DESCRIPTION
 *	smtpd_restriction_find() returns the table entry of a restriction
 *	name, or NULL for a name that is no restriction. Old names that
 *	Postfix still accepts (reject_non_fqdn_hostname) have the entry of
 *	their current name.
 *
 *	smtpd_restriction_split() splits a list's (expanded) value into its
 *	elements, separated by commas or white space, keeping a "{ ... }"
 *	group together. The caller owns the result.
 *
 *	smtpd_restriction_parse() checks one list (param names it for
 *	messages: a parameter or a restriction class): every element must
 *	be a restriction class (parser->is_class), an implemented
 *	restriction, or the argument of the restriction before it. Each
 *	problem goes to parser->problem as a sentence that starts with
 *	param: an unknown name ("unknown restriction \"x\""), a name that
 *	this version does not implement, a missing type:table or other
 *	argument, an argument where a restriction was expected. Each
 *	type:table argument goes to parser->table. The result is the number
 *	of problems.
 *
 *	smtpd_restriction_guarded() tells whether a list stops relaying
 *	(reject_unauth_destination, defer_unauth_destination, reject or
 *	defer) before any unconditional permit: smtpd refuses to start when
 *	neither smtpd_relay_restrictions nor smtpd_recipient_restrictions
 *	is guarded, as that would make an open relay.
 * SEE ALSO
 *	smtpd_check(3), the evaluation in smtpd; postfix_check(3)
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "smtpd_restriction.h"

#define TABLE SMTPD_RESTRICTION_FLAG_TABLE
#define ARG   SMTPD_RESTRICTION_FLAG_ARG
#define RELAY SMTPD_RESTRICTION_FLAG_RELAY
#define CCERT SMTPD_RESTRICTION_FLAG_CCERT
#define NI    SMTPD_RID_UNIMPLEMENTED

/* Every restriction name; adding one to smtpd takes an id and a function. */
static const SMTPD_RESTRICTION_INFO smtpd_restrictions[] = {
    /* Implemented. */
    {"permit", SMTPD_RID_PERMIT, 0},
    {"reject", SMTPD_RID_REJECT, RELAY},
    {"defer", SMTPD_RID_DEFER, RELAY},
    {"permit_mynetworks", SMTPD_RID_PERMIT_MYNETWORKS, 0},
    {"permit_auth_destination", SMTPD_RID_PERMIT_AUTH_DESTINATION, 0},
    {"reject_unauth_destination", SMTPD_RID_REJECT_UNAUTH_DESTINATION, RELAY},
    {"defer_unauth_destination", SMTPD_RID_DEFER_UNAUTH_DESTINATION, RELAY},
    {"permit_sasl_authenticated", SMTPD_RID_PERMIT_SASL_AUTHENTICATED, 0},
    {"permit_tls_clientcerts", SMTPD_RID_PERMIT_TLS_CLIENTCERTS, CCERT},
    {"permit_tls_all_clientcerts", SMTPD_RID_PERMIT_TLS_ALL_CLIENTCERTS, CCERT},
    {"check_ccert_access", SMTPD_RID_CHECK_CCERT_ACCESS, TABLE | CCERT},
    {"check_client_access", SMTPD_RID_CHECK_CLIENT_ACCESS, TABLE},
    {"check_helo_access", SMTPD_RID_CHECK_HELO_ACCESS, TABLE},
    {"check_sender_access", SMTPD_RID_CHECK_SENDER_ACCESS, TABLE},
    {"check_recipient_access", SMTPD_RID_CHECK_RECIPIENT_ACCESS, TABLE},
    {"reject_non_fqdn_helo_hostname", SMTPD_RID_REJECT_NON_FQDN_HELO_HOSTNAME, 0},
    {"reject_non_fqdn_hostname", SMTPD_RID_REJECT_NON_FQDN_HELO_HOSTNAME, 0},
    {"reject_non_fqdn_sender", SMTPD_RID_REJECT_NON_FQDN_SENDER, 0},
    {"reject_non_fqdn_recipient", SMTPD_RID_REJECT_NON_FQDN_RECIPIENT, 0},
    {"check_sasl_access", SMTPD_RID_CHECK_SASL_ACCESS, TABLE},
    {"reject_sender_login_mismatch", SMTPD_RID_REJECT_SENDER_LOGIN_MISMATCH, 0},
    {"reject_authenticated_sender_login_mismatch", SMTPD_RID_REJECT_AUTH_SENDER_LOGIN_MISMATCH, 0},
    {"reject_known_sender_login_mismatch", SMTPD_RID_REJECT_KNOWN_SENDER_LOGIN_MISMATCH, 0},
    {"reject_unauthenticated_sender_login_mismatch", SMTPD_RID_REJECT_UNAUTH_SENDER_LOGIN_MISMATCH,
     0},
    {"reject_invalid_helo_hostname", SMTPD_RID_REJECT_INVALID_HELO_HOSTNAME, 0},
    {"reject_invalid_hostname", SMTPD_RID_REJECT_INVALID_HELO_HOSTNAME, 0},
    {"reject_unknown_helo_hostname", SMTPD_RID_REJECT_UNKNOWN_HELO_HOSTNAME, 0},
    {"reject_unknown_hostname", SMTPD_RID_REJECT_UNKNOWN_HELO_HOSTNAME, 0},
    {"reject_unknown_client_hostname", SMTPD_RID_REJECT_UNKNOWN_CLIENT_HOSTNAME, 0},
    {"reject_unknown_client", SMTPD_RID_REJECT_UNKNOWN_CLIENT_HOSTNAME, 0},
    {"reject_unknown_reverse_client_hostname", SMTPD_RID_REJECT_UNKNOWN_REVERSE_CLIENT_HOSTNAME, 0},
    {"reject_unknown_sender_domain", SMTPD_RID_REJECT_UNKNOWN_SENDER_DOMAIN, 0},
    {"reject_unknown_recipient_domain", SMTPD_RID_REJECT_UNKNOWN_RECIPIENT_DOMAIN, 0},
    {"reject_unauth_pipelining", SMTPD_RID_REJECT_UNAUTH_PIPELINING, 0},
    {"reject_multi_recipient_bounce", SMTPD_RID_REJECT_MULTI_RECIPIENT_BOUNCE, 0},
    {"reject_plaintext_session", SMTPD_RID_REJECT_PLAINTEXT_SESSION, 0},
    {"permit_inet_interfaces", SMTPD_RID_PERMIT_INET_INTERFACES, 0},
    {"warn_if_reject", SMTPD_RID_WARN_IF_REJECT, 0},
    {"defer_if_permit", SMTPD_RID_DEFER_IF_PERMIT, 0},
    {"defer_if_reject", SMTPD_RID_DEFER_IF_REJECT, 0},
    {"sleep", SMTPD_RID_SLEEP, ARG},
    {"check_policy_service", SMTPD_RID_CHECK_POLICY_SERVICE, ARG},
    {"reject_rbl_client", SMTPD_RID_REJECT_RBL_CLIENT, ARG},
    {"reject_rhsbl_client", SMTPD_RID_REJECT_RHSBL_CLIENT, ARG},
    {"reject_rhsbl_reverse_client", SMTPD_RID_REJECT_RHSBL_REVERSE_CLIENT, ARG},
    {"reject_rhsbl_helo", SMTPD_RID_REJECT_RHSBL_HELO, ARG},
    {"reject_rhsbl_sender", SMTPD_RID_REJECT_RHSBL_SENDER, ARG},
    {"reject_rhsbl_recipient", SMTPD_RID_REJECT_RHSBL_RECIPIENT, ARG},
    {"permit_dnswl_client", SMTPD_RID_PERMIT_DNSWL_CLIENT, ARG},
    {"permit_rhswl_client", SMTPD_RID_PERMIT_RHSWL_CLIENT, ARG},
    {"check_reverse_client_hostname_access", SMTPD_RID_CHECK_REVERSE_CLIENT_ACCESS, TABLE},
    {"permit_mx_backup", SMTPD_RID_PERMIT_MX_BACKUP, 0},
    {"reject_unlisted_sender", SMTPD_RID_REJECT_UNLISTED_SENDER, 0},
    {"reject_unlisted_recipient", SMTPD_RID_REJECT_UNLISTED_RECIPIENT, 0},
    {"check_client_mx_access", SMTPD_RID_CHECK_CLIENT_MX_ACCESS, TABLE},
    {"check_client_ns_access", SMTPD_RID_CHECK_CLIENT_NS_ACCESS, TABLE},
    {"check_client_a_access", SMTPD_RID_CHECK_CLIENT_A_ACCESS, TABLE},
    {"check_reverse_client_hostname_mx_access", SMTPD_RID_CHECK_REVERSE_CLIENT_MX_ACCESS, TABLE},
    {"check_reverse_client_hostname_ns_access", SMTPD_RID_CHECK_REVERSE_CLIENT_NS_ACCESS, TABLE},
    {"check_reverse_client_hostname_a_access", SMTPD_RID_CHECK_REVERSE_CLIENT_A_ACCESS, TABLE},
    {"check_helo_mx_access", SMTPD_RID_CHECK_HELO_MX_ACCESS, TABLE},
    {"check_helo_ns_access", SMTPD_RID_CHECK_HELO_NS_ACCESS, TABLE},
    {"check_helo_a_access", SMTPD_RID_CHECK_HELO_A_ACCESS, TABLE},
    {"check_sender_mx_access", SMTPD_RID_CHECK_SENDER_MX_ACCESS, TABLE},
    {"check_sender_ns_access", SMTPD_RID_CHECK_SENDER_NS_ACCESS, TABLE},
    {"check_sender_a_access", SMTPD_RID_CHECK_SENDER_A_ACCESS, TABLE},
    {"check_recipient_mx_access", SMTPD_RID_CHECK_RECIPIENT_MX_ACCESS, TABLE},
    {"check_recipient_ns_access", SMTPD_RID_CHECK_RECIPIENT_NS_ACCESS, TABLE},
    {"check_recipient_a_access", SMTPD_RID_CHECK_RECIPIENT_A_ACCESS, TABLE},
    {"check_etrn_access", SMTPD_RID_CHECK_ETRN_ACCESS, TABLE},
    /* Known to Postfix, not implemented in this version. */
    {"reject_unknown_forward_client_hostname", NI, 0},
    {"reject_unverified_sender", NI, 0},
    {"reject_unverified_recipient", NI, 0},
    {NULL, NI, 0},
};

#define SMTPD_RESTRICTION_DELIM ", \t\r\n"

/* smtpd_restriction_find - look up a restriction by name */

const SMTPD_RESTRICTION_INFO *smtpd_restriction_find(const char *name)
{
    for (const SMTPD_RESTRICTION_INFO *r = smtpd_restrictions; r->name; r++)
        if (strcmp(r->name, name) == 0)
            return r;
    return NULL;
}

/* smtpd_restriction_split - a list's value as elements */

ARGV *smtpd_restriction_split(const char *value)
{
    ARGV *tokens = argv_alloc(8);
    char *copy = mystrdup(value ? value : "");
    char *cp = copy, *token;

    while ((token = mystrtok_braced(&cp, SMTPD_RESTRICTION_DELIM)) != NULL)
        argv_add(tokens, token);
    myfree(copy);
    return tokens;
}

/* smtpd_restriction_problem - format and report one problem */

static int smtpd_restriction_problem(const SMTPD_RESTRICTION_PARSER *parser, const char *param,
                                     const char *what, const char *name, const char *detail)
{
    VSTRING *text = vstring_alloc(100);

    vstring_sprintf(text, "%s: %s \"%s\"%s", param, what, name, detail);
    parser->problem(parser->context, vstring_str(text));
    vstring_free(text);
    return 1;
}

/* smtpd_restriction_parse - check one list */

int smtpd_restriction_parse(const SMTPD_RESTRICTION_PARSER *parser, const char *param,
                            char **tokens)
{
    const char *previous = NULL;
    int problems = 0;

    for (char **tp = tokens; *tp; tp++) {
        const SMTPD_RESTRICTION_INFO *r;

        if (parser->is_class && parser->is_class(parser->context, *tp)) {
            previous = *tp;
            continue;
        }
        if ((r = smtpd_restriction_find(*tp)) == NULL) {
            if (previous && strchr(*tp, ':')) {
                VSTRING *detail = vstring_alloc(50);

                vstring_sprintf(detail, " after \"%s\"", previous);
                problems += smtpd_restriction_problem(parser, param, "unexpected argument", *tp,
                                                      vstring_str(detail));
                vstring_free(detail);
            } else {
                problems +=
                    smtpd_restriction_problem(parser, param, "unknown restriction", *tp, "");
            }
            previous = *tp;
            continue;
        }
        previous = *tp;
        if (r->id == SMTPD_RID_UNIMPLEMENTED)
            problems += smtpd_restriction_problem(parser, param, "restriction", r->name,
                                                  " is not implemented in this version");
        if (r->flags & SMTPD_RESTRICTION_FLAG_TABLE) {
            if (tp[1] == NULL || strchr(tp[1], ':') == NULL ||
                smtpd_restriction_find(tp[1]) != NULL) {
                problems += smtpd_restriction_problem(parser, param, "restriction", r->name,
                                                      " needs a type:table argument");
                continue;
            }
            tp++;
            if (parser->table && r->id != SMTPD_RID_UNIMPLEMENTED)
                parser->table(parser->context, param, r->name, *tp);
        } else if (r->flags & SMTPD_RESTRICTION_FLAG_ARG) {
            if (tp[1] == NULL || smtpd_restriction_find(tp[1]) != NULL) {
                problems += smtpd_restriction_problem(parser, param, "restriction", r->name,
                                                      " needs an argument");
                continue;
            }
            tp++;
        }
    }
    return problems;
}

/* smtpd_restriction_guarded - does a list stop relaying before it permits? */

bool smtpd_restriction_guarded(char **tokens)
{
    for (char **tp = tokens; *tp; tp++) {
        const SMTPD_RESTRICTION_INFO *r = smtpd_restriction_find(*tp);

        if (r == NULL)
            continue;
        if (r->flags & SMTPD_RESTRICTION_FLAG_RELAY)
            return true;
        if (r->id == SMTPD_RID_PERMIT)
            return false;
        if ((r->flags & (SMTPD_RESTRICTION_FLAG_TABLE | SMTPD_RESTRICTION_FLAG_ARG)) && tp[1])
            tp++;
    }
    return false;
}
