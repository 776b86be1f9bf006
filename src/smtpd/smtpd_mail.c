/*++
 * NAME
 *	smtpd_mail - the MAIL FROM command
 * SYNOPSIS
 *	#include "smtpd_cmd.h"
 *
 *	int	smtp_check_mail(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_mail(SMTPD_STATE *state, char *args);
 * DESCRIPTION
 *	smtp_check_mail() requires no transaction in progress, and HELO/EHLO
 *	first only with smtpd_helo_required (as Postfix: a client that skips
 *	the greeting is served as a plain SMTP client), then parses "FROM:<address>" and the ESMTP parameters
 *	into state->args: SIZE (RFC 1870; a declared size above
 *	message_size_limit is refused at once), BODY=7BIT or 8BITMIME (RFC
 *	6152), RET and ENVID (RFC 3461), AUTH (RFC 4954) when SMTP AUTH
 *	is enabled (smtpd_sasl(3)) and REQUIRETLS (RFC 8689,
 *	smtpd_requiretls(3)); other parameters are refused.
 *
 *	smtp_proceed_mail() counts the message against
 *	smtpd_client_message_rate_limit (smtpd_limits(3)), applies the
 *	sender restrictions when they are not delayed until RCPT, then
 *	starts the transaction: "250 2.1.0 Ok".
 *--*/

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "argv.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "xtext.h"

#include "ehlo_mask.h"

#include "smtpd_addr.h"
#include "smtpd_cmd.h"
#include "smtpd_milter.h"
#include "smtpd_sasl.h"
#include "smtpd_unlisted.h"

/* smtpd_mail_size - SIZE=number */

static int smtpd_mail_size(SMTPD_STATE *state, const char *value)
{
    long size;

    errno = 0;
    if (!alldig(value) || ((size = strtol(value, NULL, 10)), errno == ERANGE)) {
        smtpd_reply(state, "501 5.5.4 Bad message size syntax");
        return -1;
    }
    state->args.size = size;
    return 0;
}

/* smtpd_mail_body - BODY=7BIT or 8BITMIME */

static int smtpd_mail_body(SMTPD_STATE *state, const char *value)
{
    if (strcasecmp(value, "7BIT") == 0) {
        state->args.body = "7bit";
    } else if (strcasecmp(value, "8BITMIME") == 0) {
        state->args.body = "8bitmime";
    } else {
        smtpd_reply(state, "501 5.5.4 Unsupported BODY parameter value");
        return -1;
    }
    return 0;
}

/* smtpd_mail_ret - RET=FULL or HDRS */

static int smtpd_mail_ret(SMTPD_STATE *state, const char *value)
{
    if (state->args.dsn_ret == 0 && strcasecmp(value, "FULL") == 0) {
        state->args.dsn_ret = CLEANUP_DSN_RET_FULL;
    } else if (state->args.dsn_ret == 0 && strcasecmp(value, "HDRS") == 0) {
        state->args.dsn_ret = CLEANUP_DSN_RET_HDRS;
    } else {
        smtpd_reply(state, "501 5.5.4 Bad RET parameter syntax");
        return -1;
    }
    return 0;
}

/* smtpd_mail_envid - ENVID=xtext */

static int smtpd_mail_envid(SMTPD_STATE *state, const char *value)
{
    if (state->args.dsn_envid || xtext_envid_check(value, strlen(value)) != NULL) {
        smtpd_reply(state, "501 5.5.4 Bad ENVID parameter syntax");
        return -1;
    }
    state->args.dsn_envid = mystrdup(value);
    return 0;
}

/* smtpd_mail_param - one ESMTP parameter */

static int smtpd_mail_param(SMTPD_STATE *state, char *param)
{
    char *value = strchr(param, '=');
    bool dsn;
    int status;

    if (value)
        *value++ = 0;
    dsn = strcasecmp(param, "RET") == 0 || strcasecmp(param, "ENVID") == 0;
    if (dsn && (state->ehlo_discard & EHLO_MASK_DSN)) {
        smtpd_reply(state, "501 5.7.1 DSN support is disabled");
        return -1;
    }
    if (value && strcasecmp(param, "SIZE") == 0)
        return smtpd_mail_size(state, value);
    if (value && strcasecmp(param, "BODY") == 0)
        return smtpd_mail_body(state, value);
    if (value && strcasecmp(param, "RET") == 0)
        return smtpd_mail_ret(state, value);
    if (value && strcasecmp(param, "ENVID") == 0)
        return smtpd_mail_envid(state, value);
    if (value == NULL && strcasecmp(param, "REQUIRETLS") == 0)
        return smtpd_requiretls_mail_opt(state);
    if (value && strcasecmp(param, "AUTH") == 0 &&
        (status = smtpd_sasl_mail_opt(state, value)) <= 0)
        return status;
    if (value)
        value[-1] = '=';
    smtpd_reply(state, "555 5.5.4 Unsupported option: %s", param);
    return -1;
}

/* smtp_check_mail - state, syntax and parameters */

int smtp_check_mail(SMTPD_STATE *state, char *args)
{
    ARGV *params;
    int status = 0;

    if (state->cfg->helo_required && state->helo_name == NULL) {
        smtpd_reply(state, "503 5.5.1 Error: send HELO/EHLO first");
        return -1;
    }
    if (SMTPD_IN_TRANSACTION(state)) {
        smtpd_reply(state, "503 5.5.1 Error: nested MAIL command");
        return -1;
    }
    smtpd_args_reset(&state->args);
    params = argv_alloc(4);
    switch (smtpd_addr_parse(args, "FROM:", state->cfg->strict_rfc821, state->scratch, params)) {
    case SMTPD_ADDR_SYNTAX:
        smtpd_reply(state, "501 5.5.4 Syntax: MAIL FROM:<address>");
        status = -1;
        break;
    case SMTPD_ADDR_BAD:
        smtpd_unlisted_illegal(state, args, "FROM:");
        smtpd_reply(state, "501 5.1.7 Bad sender address syntax");
        status = -1;
        break;
    default:
        if (smtpd_unlisted_syntax(state, vstring_str(state->scratch)) < 0) {
            smtpd_unlisted_illegal(state, args, "FROM:");
            smtpd_reply(state, "501 5.1.7 Bad sender address syntax");
            status = -1;
            break;
        }
        state->args.address = mystrdup(vstring_str(state->scratch));
        state->args.params = argv_alloc(params->argc + 1);
        for (size_t i = 0; i < params->argc; i++)
            argv_add(state->args.params, params->argv[i]);
        for (size_t i = 0; status == 0 && i < params->argc; i++)
            status = smtpd_mail_param(state, params->argv[i]);
        break;
    }
    argv_free(params);
    if (status == 0 && state->cfg->message_size_limit > 0 &&
        state->args.size > state->cfg->message_size_limit) {
        smtpd_reply(state, "552 5.3.4 Message size exceeds fixed limit");
        smtpd_log_reject(state, "reject", NULL, NULL);
        status = -1;
    }
    if (status < 0)
        smtpd_args_reset(&state->args);
    return status;
}

/* smtp_proceed_mail - policy, then start the transaction */

int smtp_proceed_mail(SMTPD_STATE *state, char *unused_args)
{
    SMTPD_ARGS *args = &state->args;

    if (smtpd_limits_message(state) < 0 || smtpd_policy_mail(state) < 0 ||
        smtpd_milter_mail(state) < 0) {
        smtpd_args_reset(args);
        return -1;
    }
    gettimeofday(&state->arrival, NULL);
    state->sender = args->address;
    args->address = NULL;
    state->dsn_envid = args->dsn_envid;
    args->dsn_envid = NULL;
    state->dsn_ret = args->dsn_ret;
    state->requiretls = args->requiretls;
    state->sasl_sender = args->auth;
    args->auth = NULL;
    state->encoding = args->body;
    state->declared_size = args->size;
    smtpd_args_reset(args);
    smtpd_reply(state, "250 2.1.0 Ok");
    return 0;
}
