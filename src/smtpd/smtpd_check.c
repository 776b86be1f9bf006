/*++
 * NAME
 *	smtpd_check - SMTP server access restrictions
 * SYNOPSIS
 *	#include "smtpd_check.h"
 *
 *	SMTPD_CHECKS *smtpd_check_init(const SMTPD_CHECK_PROPS *props);
 *	SMTPD_CHECKS *smtpd_check_free(SMTPD_CHECKS *checks);
 *
 *	int	smtpd_check_stage(SMTPD_CHECKS *checks, SMTPD_STAGE stage,
 *				const SMTPD_CHECK_FACTS *facts,
 *				VSTRING *reply);
 *	int	smtpd_check_rcpt(SMTPD_CHECKS *checks, bool delay_reject,
 *				const SMTPD_CHECK_FACTS *facts,
 *				VSTRING *reply);
 *	int	smtpd_check_etrn(SMTPD_CHECKS *checks, bool delay_reject,
 *				const SMTPD_CHECK_FACTS *facts,
 *				VSTRING *reply);
 *	bool	smtpd_check_empty(const SMTPD_CHECKS *checks,
 *				SMTPD_STAGE stage);
 *	const char *smtpd_check_stage_name(SMTPD_STAGE stage);
 *
 *	Private to the smtpd_check modules:
 *
 *	int	smtpd_check_reject(SMTPD_CHECK_CTX *ctx, int code,
 *				const char *dsn, const char *fmt, ...);
 *	int	smtpd_check_tokens(SMTPD_CHECK_CTX *ctx, char **tokens,
 *				const char *origin);
 *	MAPS	*smtpd_check_table(SMTPD_CHECKS *checks, const char *name);
 *	const char *smtpd_check_reply_class(SMTPD_STAGE stage);
 * DESCRIPTION
 *	smtpd_check_init() parses the restriction lists and the restriction
 *	classes (each name in smtpd_restriction_classes is a parameter whose
 *	value is a list) with the vocabulary and parser of
 *	smtpd_restriction(3), which "postfix check" uses too, opens every table they name and every address
 *	class (mynetworks, mydestination, relay_domains, the virtual
 *	domains, relay_clientcerts, smtpd_sender_login_maps). A list is a sequence of restriction
 *	names separated by commas or white space; check_*_access takes the
 *	next element as its table ("hash:/etc/postfix/access").
 *
 *	It also refuses to build an open relay: smtpd_relay_restrictions,
 *	or when that is empty smtpd_recipient_restrictions, must contain
 *	reject_unauth_destination, defer_unauth_destination, reject or
 *	defer before any unconditional permit.
 *
 *	smtpd_check_stage() evaluates one list against the facts. It
 *	returns SMTPD_CHECK_OK when a restriction permitted (which ends this
 *	list only), SMTPD_CHECK_REJECT with the SMTP reply in reply
 *	("554 5.7.1 <a@b>: Relay access denied"), or SMTPD_CHECK_DUNNO when
 *	the list ran out. Lookup failures defer (4xx), and a restriction
 *	name that an access table returns but that does not exist gets
 *	"451 4.3.5 Server configuration error".
 *
 *	smtpd_check_rcpt() is the RCPT decision: with delay_reject the
 *	client, HELO and sender lists first, then the relay and recipient
 *	lists; the first rejection wins. smtpd_check_etrn() is the ETRN
 *	decision: with delay_reject the client and HELO lists first, then
 *	smtpd_etrn_restrictions (where check_etrn_access looks up the ETRN
 *	domain and its parents, and rejections read "<domain>: Etrn
 *	command rejected: ...").
 *
 *	smtpd_check_empty() tells whether a list has no restrictions.
 *	smtpd_check_stage_name() returns the parameter name of a stage.
 *
 *	smtpd_check_reject() formats a rejection reply into ctx->reply,
 *	making the enhanced status code agree with the reply code, and
 *	returns SMTPD_CHECK_REJECT. smtpd_check_tokens() evaluates a token
 *	list (origin names it for messages). smtpd_check_table() opens a
 *	table once per process. smtpd_check_reply_class() is the reply text
 *	of a stage ("Recipient address").
 * DIAGNOSTICS
 *	Fatal: an unknown restriction, a missing table argument, a bad
 *	address pattern list, an open relay configuration, all naming the
 *	parameter. Warnings: an unknown restriction name found at run time.
 *--*/

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "dict.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "domain_find.h"
#include "maps.h"
#include "match_list.h"
#include "smtpd_restriction.h"

#include "smtpd_check_private.h"

/* What each restriction of the shared vocabulary does; adding one takes a line here. */
static const SMTPD_RESTRICTION_FN smtpd_restriction_fns[SMTPD_RID_COUNT] = {
    [SMTPD_RID_PERMIT] = smtpd_check_permit,
    [SMTPD_RID_REJECT] = smtpd_check_reject_all,
    [SMTPD_RID_DEFER] = smtpd_check_defer_all,
    [SMTPD_RID_PERMIT_MYNETWORKS] = smtpd_check_permit_mynetworks,
    [SMTPD_RID_PERMIT_AUTH_DESTINATION] = smtpd_check_permit_auth_destination,
    [SMTPD_RID_REJECT_UNAUTH_DESTINATION] = smtpd_check_reject_unauth_destination,
    [SMTPD_RID_DEFER_UNAUTH_DESTINATION] = smtpd_check_defer_unauth_destination,
    [SMTPD_RID_PERMIT_SASL_AUTHENTICATED] = smtpd_check_permit_sasl,
    [SMTPD_RID_PERMIT_TLS_CLIENTCERTS] = smtpd_check_permit_tls_clientcerts,
    [SMTPD_RID_PERMIT_TLS_ALL_CLIENTCERTS] = smtpd_check_permit_tls_all_clientcerts,
    [SMTPD_RID_CHECK_CCERT_ACCESS] = smtpd_check_ccert_access,
    [SMTPD_RID_CHECK_CLIENT_ACCESS] = smtpd_check_client_access,
    [SMTPD_RID_CHECK_HELO_ACCESS] = smtpd_check_helo_access,
    [SMTPD_RID_CHECK_SENDER_ACCESS] = smtpd_check_sender_access,
    [SMTPD_RID_CHECK_RECIPIENT_ACCESS] = smtpd_check_recipient_access,
    [SMTPD_RID_REJECT_NON_FQDN_HELO_HOSTNAME] = smtpd_check_reject_non_fqdn_helo,
    [SMTPD_RID_REJECT_NON_FQDN_SENDER] = smtpd_check_reject_non_fqdn_sender,
    [SMTPD_RID_REJECT_NON_FQDN_RECIPIENT] = smtpd_check_reject_non_fqdn_recipient,
    [SMTPD_RID_CHECK_SASL_ACCESS] = smtpd_check_sasl_access,
    [SMTPD_RID_REJECT_SENDER_LOGIN_MISMATCH] = smtpd_check_sender_login,
    [SMTPD_RID_REJECT_AUTH_SENDER_LOGIN_MISMATCH] = smtpd_check_auth_sender_login,
    [SMTPD_RID_REJECT_KNOWN_SENDER_LOGIN_MISMATCH] = smtpd_check_known_sender_login,
    [SMTPD_RID_REJECT_UNAUTH_SENDER_LOGIN_MISMATCH] = smtpd_check_unauth_sender_login,
    [SMTPD_RID_REJECT_INVALID_HELO_HOSTNAME] = smtpd_check_invalid_helo,
    [SMTPD_RID_REJECT_UNKNOWN_HELO_HOSTNAME] = smtpd_check_unknown_helo,
    [SMTPD_RID_REJECT_UNKNOWN_CLIENT_HOSTNAME] = smtpd_check_unknown_client,
    [SMTPD_RID_REJECT_UNKNOWN_REVERSE_CLIENT_HOSTNAME] = smtpd_check_unknown_reverse_client,
    [SMTPD_RID_REJECT_UNKNOWN_SENDER_DOMAIN] = smtpd_check_unknown_sender_domain,
    [SMTPD_RID_REJECT_UNKNOWN_RECIPIENT_DOMAIN] = smtpd_check_unknown_recipient_domain,
    [SMTPD_RID_REJECT_UNAUTH_PIPELINING] = smtpd_check_unauth_pipelining,
    [SMTPD_RID_REJECT_MULTI_RECIPIENT_BOUNCE] = smtpd_check_multi_recipient_bounce,
    [SMTPD_RID_REJECT_PLAINTEXT_SESSION] = smtpd_check_plaintext_session,
    [SMTPD_RID_PERMIT_INET_INTERFACES] = smtpd_check_permit_inet_interfaces,
    [SMTPD_RID_WARN_IF_REJECT] = smtpd_check_warn_if_reject,
    [SMTPD_RID_DEFER_IF_PERMIT] = smtpd_check_defer_if_permit_cmd,
    [SMTPD_RID_DEFER_IF_REJECT] = smtpd_check_defer_if_reject_cmd,
    [SMTPD_RID_SLEEP] = smtpd_check_sleep,
    [SMTPD_RID_CHECK_POLICY_SERVICE] = smtpd_check_policy_service,
    [SMTPD_RID_REJECT_RBL_CLIENT] = smtpd_check_rbl_client,
    [SMTPD_RID_REJECT_RHSBL_CLIENT] = smtpd_check_rhsbl_client,
    [SMTPD_RID_REJECT_RHSBL_REVERSE_CLIENT] = smtpd_check_rhsbl_reverse_client,
    [SMTPD_RID_REJECT_RHSBL_HELO] = smtpd_check_rhsbl_helo,
    [SMTPD_RID_REJECT_RHSBL_SENDER] = smtpd_check_rhsbl_sender,
    [SMTPD_RID_REJECT_RHSBL_RECIPIENT] = smtpd_check_rhsbl_recipient,
    [SMTPD_RID_PERMIT_DNSWL_CLIENT] = smtpd_check_dnswl_client,
    [SMTPD_RID_PERMIT_RHSWL_CLIENT] = smtpd_check_rhswl_client,
    [SMTPD_RID_CHECK_REVERSE_CLIENT_ACCESS] = smtpd_check_reverse_client_access,
    [SMTPD_RID_PERMIT_MX_BACKUP] = smtpd_check_permit_mx_backup,
    [SMTPD_RID_REJECT_UNLISTED_SENDER] = smtpd_check_unlisted_sender,
    [SMTPD_RID_REJECT_UNLISTED_RECIPIENT] = smtpd_check_unlisted_recipient,
    [SMTPD_RID_CHECK_CLIENT_MX_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_CLIENT_NS_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_CLIENT_A_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_REVERSE_CLIENT_MX_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_REVERSE_CLIENT_NS_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_REVERSE_CLIENT_A_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_HELO_MX_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_HELO_NS_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_HELO_A_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_SENDER_MX_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_SENDER_NS_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_SENDER_A_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_RECIPIENT_MX_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_RECIPIENT_NS_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_RECIPIENT_A_ACCESS] = smtpd_check_server_access,
    [SMTPD_RID_CHECK_ETRN_ACCESS] = smtpd_check_etrn_access,
};

/* Parameter names and reply texts per stage. */
static const char *const smtpd_stage_names[SMTPD_STAGE_COUNT] = {
    "smtpd_client_restrictions",      "smtpd_helo_restrictions",      "smtpd_sender_restrictions",
    "smtpd_relay_restrictions",       "smtpd_recipient_restrictions", "smtpd_data_restrictions",
    "smtpd_end_of_data_restrictions", "smtpd_etrn_restrictions",
};
static const char *const smtpd_stage_classes[SMTPD_STAGE_COUNT] = {
    "Client host",       "Helo command", "Sender address", "Recipient address",
    "Recipient address", "Data command", "End-of-data",    "Etrn command",
};

/* smtpd_check_stage_name - parameter name of a stage */

const char *smtpd_check_stage_name(SMTPD_STAGE stage)
{
    return smtpd_stage_names[stage];
}

/* smtpd_check_reply_class - reply text of a stage */

const char *smtpd_check_reply_class(SMTPD_STAGE stage)
{
    return smtpd_stage_classes[stage];
}

/* smtpd_check_reply_name - what a generic reply is about */

const char *smtpd_check_reply_name(const SMTPD_CHECK_CTX *ctx)
{
    const SMTPD_CHECK_FACTS *facts = ctx->facts;
    const char *name = NULL;

    switch (ctx->stage) {
    case SMTPD_STAGE_CLIENT:
        name = facts->namaddr;
        break;
    case SMTPD_STAGE_HELO:
        name = facts->helo;
        break;
    case SMTPD_STAGE_SENDER:
        name = facts->sender;
        break;
    case SMTPD_STAGE_RELAY:
    case SMTPD_STAGE_RECIPIENT:
        name = facts->recipient;
        break;
    case SMTPD_STAGE_DATA:
    case SMTPD_STAGE_COUNT:
        name = "DATA";
        break;
    case SMTPD_STAGE_EOD:
        name = "END-OF-MESSAGE";
        break;
    case SMTPD_STAGE_ETRN:
        name = facts->etrn_domain;
        break;
    }
    return name ? name : "unknown";
}

/* smtpd_check_restriction - an implemented restriction, or NULL */

static const SMTPD_RESTRICTION_INFO *smtpd_check_restriction(const char *name)
{
    const SMTPD_RESTRICTION_INFO *r = smtpd_restriction_find(name);

    return r && r->id != SMTPD_RID_UNIMPLEMENTED ? r : NULL;
}

/* smtpd_check_table - open a table once per process */

MAPS *smtpd_check_table(SMTPD_CHECKS *checks, const char *name)
{
    MAPS *maps;

    if ((maps = htable_find(checks->tables, name)) == NULL) {
        maps = maps_create("smtpd access table", name, DICT_FLAG_LOCK);
        htable_enter(checks->tables, name, maps);
    }
    return maps;
}

/* smtpd_check_is_class - smtpd_restriction_parse() callback */

static bool smtpd_check_is_class(void *context, const char *name)
{
    SMTPD_CHECKS *checks = context;

    return htable_find(checks->classes, name) != NULL;
}

/* smtpd_check_problem - smtpd_restriction_parse() callback: a bad list does not start */

static void smtpd_check_problem(void *unused_context, const char *text)
{
    msg_fatal("%s", text);
}

/* smtpd_check_open_table - smtpd_restriction_parse() callback */

static void smtpd_check_open_table(void *context, const char *unused_param,
                                   const char *unused_restriction, const char *table)
{
    (void)smtpd_check_table(context, table);
}

/* smtpd_check_parse - check a token list and open its tables */

static void smtpd_check_parse(SMTPD_CHECKS *checks, ARGV *tokens, const char *param)
{
    SMTPD_RESTRICTION_PARSER parser = {
        .is_class = smtpd_check_is_class,
        .problem = smtpd_check_problem,
        .table = smtpd_check_open_table,
        .context = checks,
    };

    (void)smtpd_restriction_parse(&parser, param, tokens->argv);
    for (size_t i = 0; i < tokens->argc && !checks->ask_ccert; i++) {
        const SMTPD_RESTRICTION_INFO *r = smtpd_restriction_find(tokens->argv[i]);

        if (r && (r->flags & SMTPD_RESTRICTION_FLAG_CCERT))
            msg_warn("%s: \"%s\" has no effect without smtpd_tls_ask_ccert = yes", param,
                     tokens->argv[i]);
    }
}

/* smtpd_check_classes - parse smtpd_restriction_classes */

static void smtpd_check_classes(SMTPD_CHECKS *checks, const SMTPD_CHECK_PROPS *props)
{
    ARGV *names = smtpd_restriction_split(props->restriction_classes);

    /* Enter all names first: a class may name another one. */
    for (size_t i = 0; i < names->argc; i++) {
        const char *value =
            props->class_value ? props->class_value(props->class_context, names->argv[i]) : NULL;

        if (value == NULL)
            msg_fatal("smtpd_restriction_classes: class \"%s\" has no definition", names->argv[i]);
        if (smtpd_restriction_find(names->argv[i]))
            msg_fatal("smtpd_restriction_classes: class \"%s\" has the name of a restriction",
                      names->argv[i]);
        htable_enter(checks->classes, names->argv[i], smtpd_restriction_split(value));
    }
    for (size_t i = 0; i < names->argc; i++)
        smtpd_check_parse(checks, htable_find(checks->classes, names->argv[i]), names->argv[i]);
    argv_free(names);
}

/* smtpd_check_match_list - an address class, fatal when malformed */

static MATCH_LIST *smtpd_check_match_list(const char *param, const char *value,
                                          const char *parent_list)
{
    VSTRING *why = vstring_alloc(100);
    MATCH_LIST *list;

    if ((list = match_list_create(param, value ? value : "",
                                  match_list_parent_flag(param, parent_list), why)) == NULL)
        msg_fatal("%s: %s", param, vstring_str(why));
    vstring_free(why);
    return list;
}

/* smtpd_check_access_parent - access(5) parent domain style */

static int smtpd_check_access_parent(const char *parent_list)
{
    return match_list_parent_flag("smtpd_access_maps", parent_list) == MATCH_FLAG_PARENT
               ? DOMAIN_FIND_PARENT
               : DOMAIN_FIND_DOT_PARENT;
}

/* smtpd_check_tempfail_defer - a *_tempfail_action: true for defer, false for defer_if_permit */

static bool smtpd_check_tempfail_defer(const char *param, const char *value)
{
    if (value == NULL || *value == 0 || strcasecmp(value, "defer_if_permit") == 0)
        return false;
    if (strcasecmp(value, "defer") == 0)
        return true;
    msg_fatal("%s = %s: expected \"defer_if_permit\" or \"defer\"", param, value);
}

/* smtpd_check_code - a reply code parameter, 4XX or 5XX (0: the default) */

static int smtpd_check_code(const char *param, int code, int default_code)
{
    if (code == 0)
        return default_code;
    if (code < 400 || code > 599)
        msg_fatal("%s = %d: expected a number from 400 to 599", param, code);
    return code;
}

/* smtpd_check_init - parse and open everything */

SMTPD_CHECKS *smtpd_check_init(const SMTPD_CHECK_PROPS *props)
{
    SMTPD_CHECKS *checks = mycalloc(1, sizeof(*checks));
    const char *parents = props->parent_domain_matches_subdomains;
    VSTRING *why = vstring_alloc(100);

    for (int id = 0; id < SMTPD_RID_COUNT; id++)
        if (smtpd_restriction_fns[id] == NULL)
            msg_panic("%s: no function for restriction %d", __func__, id);
    checks->classes = htable_create(10);
    checks->tables = htable_create(10);
    checks->policies = htable_create(4);
    checks->ask_ccert = props->ask_ccert;
    checks->enable_rpk = props->enable_rpk;
    checks->sasl_enabled = props->sasl_enabled;
    smtpd_check_classes(checks, props);
    for (int stage = 0; stage < SMTPD_STAGE_COUNT; stage++) {
        checks->lists[stage] = smtpd_restriction_split(props->lists[stage]);
        smtpd_check_parse(checks, checks->lists[stage], smtpd_stage_names[stage]);
    }
    if (!smtpd_restriction_guarded(checks->lists[SMTPD_STAGE_RELAY]->argv) &&
        !smtpd_restriction_guarded(checks->lists[SMTPD_STAGE_RECIPIENT]->argv))
        msg_fatal("in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, "
                  "specify at least one working instance of: reject_unauth_destination, "
                  "defer_unauth_destination, reject or defer");
    checks->mynetworks = smtpd_check_match_list("mynetworks", props->mynetworks, parents);
    checks->mydestination = smtpd_check_match_list("mydestination", props->mydestination, parents);
    checks->relay_domains = smtpd_check_match_list("relay_domains", props->relay_domains, parents);
    checks->virtual_alias_domains =
        smtpd_check_match_list("virtual_alias_domains", props->virtual_alias_domains, parents);
    checks->virtual_mailbox_domains =
        smtpd_check_match_list("virtual_mailbox_domains", props->virtual_mailbox_domains, parents);
    if (props->relay_clientcerts && *props->relay_clientcerts)
        checks->relay_clientcerts =
            maps_create("relay_clientcerts", props->relay_clientcerts, DICT_FLAG_LOCK);
    if (props->sender_login_maps && *props->sender_login_maps)
        checks->sender_login_maps =
            maps_create("smtpd_sender_login_maps", props->sender_login_maps, DICT_FLAG_LOCK);
    checks->access_parent = smtpd_check_access_parent(parents);
    checks->null_key =
        mystrdup(props->null_access_lookup_key ? props->null_access_lookup_key : "<>");
    checks->delimiters = mystrdup(props->recipient_delimiter ? props->recipient_delimiter : "");
    checks->reject_code = props->reject_code;
    checks->defer_code = props->defer_code;
    checks->access_reject_code = props->access_map_reject_code;
    checks->access_defer_code = props->access_map_defer_code;
    checks->relay_reject_code = props->relay_domains_reject_code;
    checks->non_fqdn_reject_code = props->non_fqdn_reject_code;
    checks->invalid_hostname_reject_code =
        smtpd_check_code("invalid_hostname_reject_code", props->invalid_hostname_reject_code, 501);
    checks->unknown_hostname_reject_code =
        smtpd_check_code("unknown_hostname_reject_code", props->unknown_hostname_reject_code, 450);
    checks->unknown_address_reject_code =
        smtpd_check_code("unknown_address_reject_code", props->unknown_address_reject_code, 450);
    checks->unknown_client_reject_code =
        smtpd_check_code("unknown_client_reject_code", props->unknown_client_reject_code, 450);
    checks->multi_recipient_bounce_reject_code = smtpd_check_code(
        "multi_recipient_bounce_reject_code", props->multi_recipient_bounce_reject_code, 550);
    checks->plaintext_reject_code =
        smtpd_check_code("plaintext_reject_code", props->plaintext_reject_code, 450);
    checks->address_tempfail_defer = smtpd_check_tempfail_defer(
        "unknown_address_tempfail_action", props->unknown_address_tempfail_action);
    checks->helo_tempfail_defer = smtpd_check_tempfail_defer(
        "unknown_helo_hostname_tempfail_action", props->unknown_helo_tempfail_action);
    checks->inet_addrs = smtpd_check_inet_addrs(props->inet_interfaces, props->inet_protocols);
    checks->proxy_addrs =
        props->proxy_interfaces && *props->proxy_interfaces
            ? smtpd_check_inet_addrs(props->proxy_interfaces, props->inet_protocols)
            : argv_alloc(1);
    if (props->permit_mx_backup_networks && *props->permit_mx_backup_networks)
        checks->mx_backup_networks = smtpd_check_match_list(
            "permit_mx_backup_networks", props->permit_mx_backup_networks, parents);
    checks->rcpt_maps = props->rcpt_maps;
    checks->policy = (SMTPD_POLICY_SETTINGS){
        .timeout = props->policy_timeout > 0 ? props->policy_timeout : 100,
        .max_idle = props->policy_max_idle > 0 ? props->policy_max_idle : 300,
        .max_ttl = props->policy_max_ttl > 0 ? props->policy_max_ttl : 1000,
        .try_limit = props->policy_try_limit > 0 ? props->policy_try_limit : 2,
        .retry_delay = props->policy_retry_delay > 0 ? props->policy_retry_delay : 1,
        .request_limit = props->policy_request_limit,
        .default_action =
            mystrdup(props->policy_default_action ? props->policy_default_action
                                                  : "451 4.3.5 Server configuration problem"),
        .policy_context = mystrdup(props->policy_context ? props->policy_context : ""),
    };
    checks->compatibility_level =
        mystrdup(props->compatibility_level ? props->compatibility_level : "");
    checks->mail_version = mystrdup(props->mail_version ? props->mail_version : "");
    checks->maps_rbl_reject_code =
        smtpd_check_code("maps_rbl_reject_code", props->maps_rbl_reject_code, 554);
    checks->default_rbl_reply =
        mystrdup(props->default_rbl_reply && *props->default_rbl_reply
                     ? props->default_rbl_reply
                     : "$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using "
                       "$rbl_domain${rbl_reason?; $rbl_reason}");
    if (props->rbl_reply_maps && *props->rbl_reply_maps)
        checks->rbl_reply_maps =
            maps_create("rbl_reply_maps", props->rbl_reply_maps, DICT_FLAG_LOCK);
    checks->resolver = dns_resolver_create(NULL, why);
    if (checks->resolver == NULL)
        msg_warn("cannot set up the DNS resolver: %s", vstring_str(why));
    vstring_free(why);
    return checks;
}

/* smtpd_check_free_argv - htable destructor */

static void smtpd_check_free_argv(void *ptr)
{
    argv_free(ptr);
}

/* smtpd_check_free_maps - htable destructor */

static void smtpd_check_free_maps(void *ptr)
{
    maps_free(ptr);
}

/* smtpd_check_free - close everything */

SMTPD_CHECKS *smtpd_check_free(SMTPD_CHECKS *checks)
{
    for (int stage = 0; stage < SMTPD_STAGE_COUNT; stage++)
        argv_free(checks->lists[stage]);
    htable_free(checks->classes, smtpd_check_free_argv);
    htable_free(checks->tables, smtpd_check_free_maps);
    match_list_free(checks->mynetworks);
    match_list_free(checks->mydestination);
    match_list_free(checks->relay_domains);
    match_list_free(checks->virtual_alias_domains);
    match_list_free(checks->virtual_mailbox_domains);
    if (checks->relay_clientcerts)
        maps_free(checks->relay_clientcerts);
    if (checks->sender_login_maps)
        maps_free(checks->sender_login_maps);
    myfree(checks->null_key);
    myfree(checks->delimiters);
    argv_free(checks->inet_addrs);
    argv_free(checks->proxy_addrs);
    if (checks->mx_backup_networks)
        match_list_free(checks->mx_backup_networks);
    myfree(checks->default_rbl_reply);
    if (checks->rbl_reply_maps)
        maps_free(checks->rbl_reply_maps);
    htable_free(checks->policies, smtpd_check_policy_free);
    myfree(checks->policy.default_action);
    myfree(checks->policy.policy_context);
    myfree(checks->compatibility_level);
    myfree(checks->mail_version);
    if (checks->resolver)
        dns_resolver_free(checks->resolver);
    myfree(checks);
    return NULL;
}

/* smtpd_check_reject - format a rejection reply */

int smtpd_check_reject(SMTPD_CHECK_CTX *ctx, int code, const char *dsn, const char *fmt, ...)
{
    va_list ap;
    int reply_class = code / 100;

    if (reply_class != 4 && reply_class != 5) {
        msg_warn("bad reply code %d in a restriction; using 451", code);
        code = 451;
        reply_class = 4;
    }
    vstring_sprintf(ctx->reply, "%d %c%s ", code, '0' + reply_class, dsn + 1);
    va_start(ap, fmt);
    vstring_vsprintf_append(ctx->reply, fmt, ap);
    va_end(ap);
    return SMTPD_CHECK_REJECT;
}

/* smtpd_check_config_error - a restriction that cannot be evaluated */

static int smtpd_check_config_error(SMTPD_CHECK_CTX *ctx)
{
    return smtpd_check_reject(ctx, 451, "4.3.5", "Server configuration error");
}

/* smtpd_check_outcome - warn_if_reject and defer_if_reject applied to one result */

static int smtpd_check_outcome(SMTPD_CHECK_CTX *ctx, int result, bool warn)
{
    VSTRING *replacement = ctx->decision->defer_if_reject;

    if (result != SMTPD_CHECK_REJECT)
        return result;
    if (warn) {
        if (ctx->facts->log_action)
            ctx->facts->log_action(ctx->facts->log_context, "reject_warning",
                                   vstring_str(ctx->reply));
        VSTRING_RESET(ctx->reply);
        return SMTPD_CHECK_DUNNO;
    }
    if (VSTRING_LEN(replacement) > 0 && vstring_str(ctx->reply)[0] == '5')
        vstring_strcpy(ctx->reply, vstring_str(replacement));
    return result;
}

/* smtpd_check_tokens - evaluate a token list */

int smtpd_check_tokens(SMTPD_CHECK_CTX *ctx, char **tokens, const char *origin)
{
    int result = SMTPD_CHECK_DUNNO;

    if (++ctx->depth > SMTPD_CHECK_MAX_DEPTH) {
        msg_warn("%s: restrictions nest more than %d levels deep", origin, SMTPD_CHECK_MAX_DEPTH);
        ctx->depth--;
        return smtpd_check_config_error(ctx);
    }
    for (char **tp = tokens; *tp && result == SMTPD_CHECK_DUNNO; tp++) {
        ARGV *class = htable_find(ctx->checks->classes, *tp);
        const SMTPD_RESTRICTION_INFO *r;
        MAPS *table = NULL;
        bool warn = ctx->warn_if_reject;

        ctx->warn_if_reject = false;
        if (class) {
            result = smtpd_check_outcome(ctx, smtpd_check_tokens(ctx, class->argv, *tp), warn);
            continue;
        }
        if ((r = smtpd_check_restriction(*tp)) == NULL) {
            msg_warn("%s: unknown restriction \"%s\"", origin, *tp);
            result = smtpd_check_config_error(ctx);
            break;
        }
        ctx->arg = NULL;
        if (r->flags & SMTPD_RESTRICTION_FLAG_TABLE) {
            if (tp[1] == NULL || strchr(tp[1], ':') == NULL) {
                msg_warn("%s: restriction \"%s\" needs a type:table argument", origin, *tp);
                result = smtpd_check_config_error(ctx);
                break;
            }
            table = smtpd_check_table(ctx->checks, *++tp);
        } else if (r->flags & SMTPD_RESTRICTION_FLAG_ARG) {
            if (tp[1] == NULL) {
                msg_warn("%s: restriction \"%s\" needs an argument", origin, *tp);
                result = smtpd_check_config_error(ctx);
                break;
            }
            ctx->arg = *++tp;
        }
        ctx->rid = r->id;
        result = smtpd_check_outcome(ctx, smtpd_restriction_fns[r->id](ctx, table), warn);
    }
    ctx->depth--;
    return result;
}

/* smtpd_check_defer_if_permit - remember a deferral for when nothing rejects */

int smtpd_check_defer_if_permit(SMTPD_CHECK_CTX *ctx, int code, const char *dsn, const char *fmt,
                                ...)
{
    VSTRING *saved = ctx->reply;
    va_list ap;

    if (VSTRING_LEN(ctx->decision->defer_if_permit) > 0)
        return SMTPD_CHECK_DUNNO;
    ctx->reply = ctx->decision->defer_if_permit;
    vstring_sprintf(ctx->reply, "%d %c%s ", code, '0' + code / 100, dsn + 1);
    va_start(ap, fmt);
    vstring_vsprintf_append(ctx->reply, fmt, ap);
    va_end(ap);
    ctx->reply = saved;
    return SMTPD_CHECK_DUNNO;
}

/* smtpd_check_decision_init - a fresh decision */

static void smtpd_check_decision_init(SMTPD_CHECK_DECISION *decision)
{
    decision->defer_if_permit = vstring_alloc(100);
    decision->defer_if_reject = vstring_alloc(100);
}

/* smtpd_check_decision_end - a pending defer_if_permit, then release */

static int smtpd_check_decision_end(SMTPD_CHECK_DECISION *decision, int result, VSTRING *reply)
{
    if (result != SMTPD_CHECK_REJECT && VSTRING_LEN(decision->defer_if_permit) > 0) {
        vstring_strcpy(reply, vstring_str(decision->defer_if_permit));
        result = SMTPD_CHECK_REJECT;
    }
    vstring_free(decision->defer_if_permit);
    vstring_free(decision->defer_if_reject);
    return result;
}

/* smtpd_check_one - evaluate one list within a decision */

static int smtpd_check_one(SMTPD_CHECKS *checks, SMTPD_STAGE stage, const SMTPD_CHECK_FACTS *facts,
                           VSTRING *reply, SMTPD_CHECK_DECISION *decision)
{
    SMTPD_CHECK_CTX ctx = {
        .checks = checks,
        .facts = facts,
        .stage = stage,
        .reply = reply,
        .depth = 0,
        .decision = decision,
    };

    VSTRING_RESET(reply);
    VSTRING_RESET(decision->defer_if_reject);
    return smtpd_check_tokens(&ctx, checks->lists[stage]->argv, smtpd_stage_names[stage]);
}

/* smtpd_check_stage - evaluate one restriction list */

int smtpd_check_stage(SMTPD_CHECKS *checks, SMTPD_STAGE stage, const SMTPD_CHECK_FACTS *facts,
                      VSTRING *reply)
{
    SMTPD_CHECK_DECISION decision;

    smtpd_check_decision_init(&decision);
    return smtpd_check_decision_end(&decision,
                                    smtpd_check_one(checks, stage, facts, reply, &decision), reply);
}

/* smtpd_check_rcpt - the decision for one recipient */

int smtpd_check_rcpt(SMTPD_CHECKS *checks, bool delay_reject, const SMTPD_CHECK_FACTS *facts,
                     VSTRING *reply)
{
    static const SMTPD_STAGE delayed[] = {SMTPD_STAGE_CLIENT, SMTPD_STAGE_HELO, SMTPD_STAGE_SENDER};
    static const SMTPD_STAGE always[] = {SMTPD_STAGE_RELAY, SMTPD_STAGE_RECIPIENT};
    SMTPD_CHECK_DECISION decision;
    int result = SMTPD_CHECK_OK;

    smtpd_check_decision_init(&decision);
    if (delay_reject)
        for (size_t i = 0; i < sizeof(delayed) / sizeof(delayed[0]) && result != SMTPD_CHECK_REJECT;
             i++)
            result = smtpd_check_one(checks, delayed[i], facts, reply, &decision);
    for (size_t i = 0; i < sizeof(always) / sizeof(always[0]) && result != SMTPD_CHECK_REJECT; i++)
        result = smtpd_check_one(checks, always[i], facts, reply, &decision);
    result = smtpd_check_decision_end(&decision, result, reply);
    return result == SMTPD_CHECK_REJECT ? SMTPD_CHECK_REJECT : SMTPD_CHECK_OK;
}

/* smtpd_check_etrn - the decision for an ETRN request */

int smtpd_check_etrn(SMTPD_CHECKS *checks, bool delay_reject, const SMTPD_CHECK_FACTS *facts,
                     VSTRING *reply)
{
    static const SMTPD_STAGE delayed[] = {SMTPD_STAGE_CLIENT, SMTPD_STAGE_HELO};
    SMTPD_CHECK_DECISION decision;
    int result = SMTPD_CHECK_OK;

    smtpd_check_decision_init(&decision);
    if (delay_reject)
        for (size_t i = 0; i < sizeof(delayed) / sizeof(delayed[0]) && result != SMTPD_CHECK_REJECT;
             i++)
            result = smtpd_check_one(checks, delayed[i], facts, reply, &decision);
    if (result != SMTPD_CHECK_REJECT)
        result = smtpd_check_one(checks, SMTPD_STAGE_ETRN, facts, reply, &decision);
    result = smtpd_check_decision_end(&decision, result, reply);
    return result == SMTPD_CHECK_REJECT ? SMTPD_CHECK_REJECT : SMTPD_CHECK_OK;
}

/* smtpd_check_empty - a list without restrictions */

bool smtpd_check_empty(const SMTPD_CHECKS *checks, SMTPD_STAGE stage)
{
    return checks->lists[stage]->argc == 0;
}
