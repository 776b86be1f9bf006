/*++
 * NAME
 *	smtpd_check_access - access(5) table restrictions
 * SYNOPSIS
 *	#include "smtpd_check_private.h"
 *
 *	int	smtpd_check_client_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
 *	int	smtpd_check_helo_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
 *	int	smtpd_check_sender_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
 *	int	smtpd_check_recipient_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
 *	int	smtpd_check_ccert_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
 *	int	smtpd_check_sasl_access(SMTPD_CHECK_CTX *ctx, MAPS *table);
 *
 *	int	smtpd_check_access_value(SMTPD_CHECK_CTX *ctx,
 *				const char *reply_name, const char *reply_class,
 *				const char *table_name, const char *value);
 * DESCRIPTION
 *	These implement check_client_access, check_helo_access,
 *	check_sender_access, check_recipient_access, check_ccert_access and
 *	check_sasl_access: look the client, HELO name, sender, recipient,
 *	client certificate or SASL login name up in table in the access(5)
 *	search order, and act on the value found.
 *
 *	smtpd_check_access_value() acts on a value that came from
 *	elsewhere (a policy server's answer) as on a table result; the
 *	reply reads "<reply_name>: reply_class rejected: ...".
 *
 *	Search orders: the client host name and its parent domains, then the
 *	client address and its networks; the HELO name and its parent
 *	domains; addresses as "user@domain", "domain" (and parents),
 *	"user@" (smtpd_null_access_lookup_key for the null sender); the
 *	certificate fingerprint, then the public-key fingerprint (a raw
 *	public key has the latter only; with smtpd_tls_enable_rpk a
 *	certificate whose two fingerprints get different actions is logged
 *	as a fragile policy, and the certificate's counts); the SASL
 *	login name as it is (only for an authenticated client; a refusal
 *	reads "<host[addr]>: Client host rejected: ...", and without
 *	smtpd_sasl_auth_enable the restriction is ignored with a warning).
 *	Parent
 *	domains match as "example.com" or as ".example.com" depending on
 *	whether parent_domain_matches_subdomains lists smtpd_access_maps.
 *
 *	Values (access_action(3) parses them): OK (or all digits) permits;
 *	REJECT [text] and DEFER [text] refuse with access_map_reject_code or
 *	access_map_defer_code; "4NN text" and "5NN text" refuse with that
 *	code; DEFER_IF_PERMIT [text] defers with access_map_defer_code
 *	unless something later in the decision rejects, DEFER_IF_REJECT
 *	[text] makes later rejections in the list that deferral ("Service
 *	unavailable" without text); DUNNO ends the lookup without a decision; WARN text and INFO
 *	text are logged and decide nothing; HOLD, DISCARD, FILTER, REDIRECT,
 *	BCC and PREPEND go to facts->message_action (with the log line of
 *	Postfix's, "<addr>: Recipient address triggers HOLD action" or the
 *	table's text) and decide nothing, except DISCARD, which permits
 *	(access(5)); anything else is a restriction list, evaluated in
 *	place.
 *	A lookup failure defers the request ("451 4.3.0 ...: Temporary
 *	lookup failure"): it never reads as "not found".
 * DIAGNOSTICS
 *	Warnings: FILTER, REDIRECT, BCC or PREPEND without a usable
 *	argument (ignored, as Postfix does).
 *--*/

#include <stdbool.h>
#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "access_action.h"
#include "domain_find.h"
#include "hostaddr_find.h"
#include "mail_addr_find.h"
#include "mail_params.h"
#include "maps.h"

#include "smtpd_check_private.h"

/* What a lookup is about, for the reply. */
typedef struct SMTPD_ACCESS_KEY {
    const char *reply_name;  /* "<reply_name>: ..." */
    const char *reply_class; /* "Client host", ... */
    const char *table_name;  /* for messages */
} SMTPD_ACCESS_KEY;

/* smtpd_access_dsn - a leading "X.Y.Z " enhanced code, copied into dsn */

static const char *smtpd_access_dsn(const char *text, char *dsn, size_t size)
{
    size_t len = strspn(text, "0123456789.");

    if (len < 5 || len >= size || (text[len] != ' ' && text[len] != 0) || text[1] != '.')
        return text;
    memcpy(dsn, text, len);
    dsn[len] = 0;
    return text + len + strspn(text + len, " ");
}

/* smtpd_access_refuse - a REJECT, DEFER or NNN result */

static int smtpd_access_refuse(SMTPD_CHECK_CTX *ctx, const SMTPD_ACCESS_KEY *key, int code,
                               const char *text)
{
    char dsn[16];

    strcpy(dsn, code >= 500 ? "5.7.1" : "4.7.1");
    text = smtpd_access_dsn(text, dsn, sizeof(dsn));
    return smtpd_check_reject(ctx, code, dsn, "<%s>: %s rejected: %s", key->reply_name,
                              key->reply_class, *text ? text : "Access denied");
}

/* smtpd_access_conditional - DEFER_IF_PERMIT and DEFER_IF_REJECT */

static int smtpd_access_conditional(SMTPD_CHECK_CTX *ctx, const SMTPD_ACCESS_KEY *key,
                                    const ACCESS_RESULT *res)
{
    int code = ctx->checks->access_defer_code;
    const char *text;
    char dsn[16];

    strcpy(dsn, "4.7.1");
    text = smtpd_access_dsn(res->text, dsn, sizeof(dsn));
    if (*text == 0)
        text = "Service unavailable";
    if (res->action == ACCESS_ACTION_DEFER_IF_PERMIT)
        return smtpd_check_defer_if_permit(ctx, code, dsn, "<%s>: %s rejected: %s", key->reply_name,
                                           key->reply_class, text);
    if (VSTRING_LEN(ctx->decision->defer_if_reject) == 0)
        vstring_sprintf(ctx->decision->defer_if_reject, "%d %c%s <%s>: %s rejected: %s", code,
                        '0' + code / 100, dsn + 1, key->reply_name, key->reply_class, text);
    return SMTPD_CHECK_DUNNO;
}

/* smtpd_access_restrictions - a value that is a restriction list */

static int smtpd_access_restrictions(SMTPD_CHECK_CTX *ctx, const char *value, const char *origin)
{
    ARGV *tokens = argv_alloc(4);
    char *copy = mystrdup(value);
    char *cp = copy, *token;
    int result;

    while ((token = mystrtok_braced(&cp, ", \t\r\n")) != NULL)
        argv_add(tokens, token);
    result = smtpd_check_tokens(ctx, tokens->argv, origin);
    argv_free(tokens);
    myfree(copy);
    return result;
}

/* smtpd_access_header_ok - "name: text", as PREPEND requires */

static bool smtpd_access_header_ok(const char *text)
{
    size_t len = strcspn(text, ": \t");

    return len > 0 && text[len + strspn(text + len, " \t")] == ':';
}

/* smtpd_access_message - HOLD, DISCARD, FILTER, REDIRECT, BCC, PREPEND */

static int smtpd_access_message(SMTPD_CHECK_CTX *ctx, const SMTPD_ACCESS_KEY *key,
                                const ACCESS_RESULT *res)
{
    VSTRING *log_text = vstring_alloc(100);
    bool log = true;

    switch (res->action) {
    case ACCESS_ACTION_HOLD:
    case ACCESS_ACTION_DISCARD:
        vstring_sprintf(log_text, "<%s>: %s %s", key->reply_name, key->reply_class,
                        *res->text                          ? res->text
                        : res->action == ACCESS_ACTION_HOLD ? "triggers HOLD action"
                                                            : "triggers DISCARD action");
        break;
    case ACCESS_ACTION_PREPEND:
        log = false;
        if (!smtpd_access_header_ok(res->text)) {
            msg_warn("access table %s entry \"PREPEND %s\" requires header: text", key->table_name,
                     res->text);
            vstring_free(log_text);
            return SMTPD_CHECK_DUNNO;
        }
        break;
    default:
        if (*res->text == 0 ||
            (res->action == ACCESS_ACTION_FILTER && strchr(res->text, ':') == NULL)) {
            msg_warn("access table %s entry \"%s %s\" %s", key->table_name, res->keyword, res->text,
                     *res->text ? "requires transport:destination" : "has no value");
            vstring_free(log_text);
            return SMTPD_CHECK_DUNNO;
        }
        vstring_sprintf(log_text, "<%s>: %s triggers %s %s", key->reply_name, key->reply_class,
                        res->keyword, res->text);
        break;
    }
    if (ctx->facts->message_action)
        ctx->facts->message_action(ctx->facts->log_context, res,
                                   log ? vstring_str(log_text) : NULL);
    vstring_free(log_text);
    return res->action == ACCESS_ACTION_DISCARD ? SMTPD_CHECK_OK : SMTPD_CHECK_DUNNO;
}

/* smtpd_access_action - act on a table value */

static int smtpd_access_action(SMTPD_CHECK_CTX *ctx, const SMTPD_ACCESS_KEY *key, const char *found)
{
    char *value = mystrdup(found);
    ACCESS_RESULT res;
    int result = SMTPD_CHECK_DUNNO;

    switch (access_action_parse(value, &res)) {
    case ACCESS_ACTION_OK:
        result = SMTPD_CHECK_OK;
        break;
    case ACCESS_ACTION_REJECT:
        result = smtpd_access_refuse(ctx, key, ctx->checks->access_reject_code, res.text);
        break;
    case ACCESS_ACTION_DEFER:
        result = smtpd_access_refuse(ctx, key, ctx->checks->access_defer_code, res.text);
        break;
    case ACCESS_ACTION_CODE:
        result = smtpd_access_refuse(ctx, key, res.code, res.text);
        break;
    case ACCESS_ACTION_DEFER_IF_PERMIT:
    case ACCESS_ACTION_DEFER_IF_REJECT:
        result = smtpd_access_conditional(ctx, key, &res);
        break;
    case ACCESS_ACTION_DUNNO:
        break;
    case ACCESS_ACTION_WARN:
    case ACCESS_ACTION_INFO:
        if (ctx->facts->log_action)
            ctx->facts->log_action(ctx->facts->log_context,
                                   res.action == ACCESS_ACTION_WARN ? "warn" : "info", res.text);
        break;
    case ACCESS_ACTION_HOLD:
    case ACCESS_ACTION_DISCARD:
    case ACCESS_ACTION_FILTER:
    case ACCESS_ACTION_REDIRECT:
    case ACCESS_ACTION_BCC:
    case ACCESS_ACTION_PREPEND:
        result = smtpd_access_message(ctx, key, &res);
        break;
    case ACCESS_ACTION_UNSUPPORTED:
        msg_warn("access table %s: action %s is not supported", key->table_name, res.keyword);
        result = smtpd_check_reject(ctx, 451, "4.3.5", "<%s>: %s rejected: %s", key->reply_name,
                                    key->reply_class, "Server configuration error");
        break;
    case ACCESS_ACTION_RESTRICTIONS:
        result = smtpd_access_restrictions(ctx, value, key->table_name);
        break;
    }
    myfree(value);
    return result;
}

/* smtpd_check_access_value - act on an access action from elsewhere (a policy server) */

int smtpd_check_access_value(SMTPD_CHECK_CTX *ctx, const char *reply_name, const char *reply_class,
                             const char *table_name, const char *value)
{
    SMTPD_ACCESS_KEY key = {reply_name, reply_class, table_name};

    return smtpd_access_action(ctx, &key, value);
}

/* smtpd_access_result - "found", "not found" or "lookup failed" */

static int smtpd_access_result(SMTPD_CHECK_CTX *ctx, const SMTPD_ACCESS_KEY *key, MAPS *table,
                               const char *found)
{
    if (found)
        return smtpd_access_action(ctx, key, found);
    if (table->error)
        return smtpd_check_reject(ctx, 451, "4.3.0", "<%s>: Temporary lookup failure",
                                  key->reply_name);
    return SMTPD_CHECK_DUNNO;
}

/* smtpd_check_client_access - client name, then address */

int smtpd_check_client_access(SMTPD_CHECK_CTX *ctx, MAPS *table)
{
    const SMTPD_CHECK_FACTS *facts = ctx->facts;
    SMTPD_ACCESS_KEY key = {facts->namaddr, "Client host", table->names->argv[0]};
    const char *found = NULL;

    if (facts->name && strcmp(facts->name, "unknown") != 0) {
        found = domain_find(table, facts->name, ctx->checks->access_parent, NULL);
        if (found || table->error)
            return smtpd_access_result(ctx, &key, table, found);
    }
    if (facts->addr == NULL)
        return SMTPD_CHECK_DUNNO;
    found = hostaddr_find(table, facts->addr, NULL);
    return smtpd_access_result(ctx, &key, table, found);
}

/* smtpd_check_helo_access - the HELO name and its parents */

int smtpd_check_helo_access(SMTPD_CHECK_CTX *ctx, MAPS *table)
{
    SMTPD_ACCESS_KEY key = {ctx->facts->helo, "Helo command", table->names->argv[0]};

    if (ctx->facts->helo == NULL || *ctx->facts->helo == 0)
        return SMTPD_CHECK_DUNNO;
    return smtpd_access_result(
        ctx, &key, table, domain_find(table, ctx->facts->helo, ctx->checks->access_parent, NULL));
}

/* smtpd_check_etrn_access - the ETRN domain and its parents */

int smtpd_check_etrn_access(SMTPD_CHECK_CTX *ctx, MAPS *table)
{
    const char *domain = ctx->facts->etrn_domain;
    SMTPD_ACCESS_KEY key = {domain, "Etrn command", table->names->argv[0]};

    if (domain == NULL || *domain == 0)
        return SMTPD_CHECK_DUNNO;
    return smtpd_access_result(ctx, &key, table,
                               domain_find(table, domain, ctx->checks->access_parent, NULL));
}

/* smtpd_access_address - an address in the access(5) order */

static int smtpd_access_address(SMTPD_CHECK_CTX *ctx, MAPS *table, const char *address,
                                const char *reply_class)
{
    SMTPD_ACCESS_KEY key = {address, reply_class, table->names->argv[0]};
    MAIL_ADDR_FIND_OPTS opts = {
        .strategy = MAIL_ADDR_FIND_ACCESS,
        .delimiters = ctx->checks->delimiters,
        .domain_flags = ctx->checks->access_parent,
    };
    const char *found;

    if (*address == 0)
        found = maps_find(table, ctx->checks->null_key, 0);
    else
        found = mail_addr_find(table, address, &opts, NULL);
    return smtpd_access_result(ctx, &key, table, found);
}

/* smtpd_check_sender_access - the MAIL FROM address */

int smtpd_check_sender_access(SMTPD_CHECK_CTX *ctx, MAPS *table)
{
    if (ctx->facts->sender == NULL)
        return SMTPD_CHECK_DUNNO;
    return smtpd_access_address(ctx, table, ctx->facts->sender, "Sender address");
}

/* smtpd_check_recipient_access - the RCPT TO address */

int smtpd_check_recipient_access(SMTPD_CHECK_CTX *ctx, MAPS *table)
{
    if (ctx->facts->recipient == NULL)
        return SMTPD_CHECK_DUNNO;
    return smtpd_access_address(ctx, table, ctx->facts->recipient, "Recipient address");
}

/* smtpd_check_ccert_fragile - warn when a certificate gets what its bare key would not */

static void smtpd_check_ccert_fragile(SMTPD_CHECK_CTX *ctx, MAPS *table)
{
    const SMTPD_CHECK_FACTS *facts = ctx->facts;
    const char *found;
    char *by_cert;
    bool same;

    /*
     * With smtpd_tls_enable_rpk a client that sends its certificate today
     * may send the bare key tomorrow, after a TLS library upgrade: then only
     * the public-key fingerprint is looked up. Postfix 3.10 warns when the
     * two lookups give different actions; the certificate's still counts.
     */
    if (!ctx->checks->enable_rpk || facts->ccert_fprint == NULL || *facts->ccert_fprint == 0 ||
        facts->ccert_pkey_fprint == NULL || *facts->ccert_pkey_fprint == 0)
        return;
    found = maps_find(table, facts->ccert_fprint, 0);
    if (table->error)
        return;
    by_cert = found ? mystrdup(found) : NULL;
    found = maps_find(table, facts->ccert_pkey_fprint, 0);
    same = by_cert && found ? strcmp(by_cert, found) == 0 : by_cert == found;
    if (table->error == 0 && !same)
        msg_warn("check_ccert_access: %s: %s: Fragile access policy: %s=yes, but the action for "
                 "certificate fingerprint \"%s\" != the action for public key fingerprint \"%s\"",
                 facts->namaddr, table->names->argv[0], VAR_SMTPD_TLS_ENABLE_RPK,
                 facts->ccert_fprint, facts->ccert_pkey_fprint);
    myfree(by_cert);
}

/* smtpd_check_ccert_access - client certificate fingerprints */

int smtpd_check_ccert_access(SMTPD_CHECK_CTX *ctx, MAPS *table)
{
    const SMTPD_CHECK_FACTS *facts = ctx->facts;
    SMTPD_ACCESS_KEY key = {facts->namaddr, "Client host", table->names->argv[0]};
    const char *keys[] = {facts->ccert_fprint, facts->ccert_pkey_fprint};

    if (!facts->tls_active)
        return SMTPD_CHECK_DUNNO;
    smtpd_check_ccert_fragile(ctx, table);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *found;

        if (keys[i] == NULL || *keys[i] == 0)
            continue;
        found = maps_find(table, keys[i], 0);
        if (found || table->error)
            return smtpd_access_result(ctx, &key, table, found);
    }
    return SMTPD_CHECK_DUNNO;
}

/* smtpd_check_sasl_access - the SASL login name */

int smtpd_check_sasl_access(SMTPD_CHECK_CTX *ctx, MAPS *table)
{
    const SMTPD_CHECK_FACTS *facts = ctx->facts;
    SMTPD_ACCESS_KEY key = {facts->namaddr, "Client host", table->names->argv[0]};
    char *name;
    int result;

    if (!ctx->checks->sasl_enabled) {
        msg_warn("restriction `check_sasl_access' ignored: no SASL support");
        return SMTPD_CHECK_DUNNO;
    }
    if (!facts->sasl_authenticated || facts->sasl_username == NULL || *facts->sasl_username == 0)
        return SMTPD_CHECK_DUNNO;
    /* The name came from the client: no control characters into a lookup key. */
    name = mystrdup(facts->sasl_username);
    for (char *cp = name; *cp; cp++)
        if ((unsigned char)*cp < 0x20 || *cp == 0x7f)
            *cp = '_';
    result = smtpd_access_result(ctx, &key, table, maps_find(table, name, 0));
    myfree(name);
    return result;
}
