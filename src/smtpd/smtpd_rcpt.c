/*++
 * NAME
 *	smtpd_rcpt - the RCPT TO command
 * SYNOPSIS
 *	#include "smtpd_cmd.h"
 *
 *	int	smtp_check_rcpt(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_rcpt(SMTPD_STATE *state, char *args);
 * DESCRIPTION
 *	smtp_check_rcpt() requires a MAIL command first, parses
 *	"TO:<address>" and the DSN parameters NOTIFY and ORCPT (RFC 3461)
 *	into state->args, and enforces smtpd_recipient_limit ("452 4.5.3
 *	Error: too many recipients": the client sends the rest later).
 *
 *	smtp_proceed_rcpt() counts the recipient against
 *	smtpd_client_recipient_rate_limit (smtpd_limits(3)), then applies
 *	the restrictions (relay and recipient,
 *	and with smtpd_delay_reject also client, HELO and sender). The first
 *	recipient that passes opens the queue file (a refused one is shown
 *	to the milters that asked for refused recipients,
 *	smtpd_milter_rcpt_rejected()), which gives the
 *	message its queue ID ("ID: client=host[addr]" is logged) and
 *	receives the session facts (what the client chose, such as its
 *	certificate name, as printable ASCII) and the sender; each accepted recipient
 *	is then written to it: "250 2.1.5 Ok".
 *--*/

#include <string.h>
#include <strings.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "rec_type.h"
#include "xtext.h"

#include "receive_override.h"

#include "ehlo_mask.h"

#include "smtpd_addr.h"
#include "smtpd_cmd.h"
#include "smtpd_milter.h"
#include "smtpd_queue.h"
#include "smtpd_tls.h"
#include "smtpd_unlisted.h"

/* smtpd_rcpt_notify - NOTIFY=NEVER or a list of SUCCESS, FAILURE, DELAY */

static int smtpd_rcpt_notify(SMTPD_STATE *state, char *value)
{
    static const struct {
        const char *name;
        int mask;
    } words[] = {
        {"NEVER", REC_NOTIFY_NEVER},
        {"SUCCESS", REC_NOTIFY_SUCCESS},
        {"FAILURE", REC_NOTIFY_FAILURE},
        {"DELAY", REC_NOTIFY_DELAY},
    };
    int mask = 0;
    char *word;

    if (state->args.dsn_notify != 0 || *value == 0)
        goto bad;
    while ((word = strsep(&value, ",")) != NULL) {
        size_t i;

        for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (strcasecmp(word, words[i].name) == 0)
                break;
        if (i == sizeof(words) / sizeof(words[0]) || (mask & words[i].mask))
            goto bad;
        mask |= words[i].mask;
    }
    if ((mask & REC_NOTIFY_NEVER) && mask != REC_NOTIFY_NEVER)
        goto bad;
    state->args.dsn_notify = mask;
    return 0;
bad:
    smtpd_reply(state, "501 5.5.4 Error: Bad NOTIFY parameter syntax");
    return -1;
}

/* smtpd_rcpt_orcpt - ORCPT=addr-type;xtext */

static int smtpd_rcpt_orcpt(SMTPD_STATE *state, const char *value)
{
    if (state->args.dsn_orcpt || xtext_orcpt_check(value, strlen(value)) != NULL) {
        smtpd_reply(state, "501 5.5.4 Error: Bad ORCPT parameter syntax");
        return -1;
    }
    state->args.dsn_orcpt = mystrdup(value);
    return 0;
}

/* smtpd_rcpt_param - one ESMTP parameter */

static int smtpd_rcpt_param(SMTPD_STATE *state, char *param)
{
    char *value = strchr(param, '=');

    if (value)
        *value++ = 0;
    if (value && (strcasecmp(param, "NOTIFY") == 0 || strcasecmp(param, "ORCPT") == 0)) {
        if (state->ehlo_discard & EHLO_MASK_DSN) {
            smtpd_reply(state, "501 5.7.1 DSN support is disabled");
            return -1;
        }
        return strcasecmp(param, "NOTIFY") == 0 ? smtpd_rcpt_notify(state, value)
                                                : smtpd_rcpt_orcpt(state, value);
    }
    if (value)
        value[-1] = '=';
    smtpd_reply(state, "555 5.5.4 Unsupported option: %s", param);
    return -1;
}

/* smtp_check_rcpt - state, syntax, parameters and the recipient limit */

int smtp_check_rcpt(SMTPD_STATE *state, char *args)
{
    ARGV *params;
    int status = 0;

    if (!SMTPD_IN_TRANSACTION(state)) {
        smtpd_reply(state, "503 5.5.1 Error: need MAIL command");
        return -1;
    }
    smtpd_args_reset(&state->args);
    params = argv_alloc(4);
    switch (smtpd_addr_parse(args, "TO:", state->cfg->strict_rfc821, state->scratch, params)) {
    case SMTPD_ADDR_SYNTAX:
        smtpd_reply(state, "501 5.5.4 Syntax: RCPT TO:<address>");
        status = -1;
        break;
    case SMTPD_ADDR_BAD:
        smtpd_unlisted_illegal(state, args, "TO:");
        smtpd_reply(state, "501 5.1.3 Bad recipient address syntax");
        status = -1;
        break;
    default:
        if (VSTRING_LEN(state->scratch) == 0 ||
            smtpd_unlisted_syntax(state, vstring_str(state->scratch)) < 0) {
            smtpd_unlisted_illegal(state, args, "TO:");
            smtpd_reply(state, "501 5.1.3 Bad recipient address syntax");
            status = -1;
            break;
        }
        state->args.address = mystrdup(vstring_str(state->scratch));
        state->args.params = argv_alloc(params->argc + 1);
        for (size_t i = 0; i < params->argc; i++)
            argv_add(state->args.params, params->argv[i]);
        for (size_t i = 0; status == 0 && i < params->argc; i++)
            status = smtpd_rcpt_param(state, params->argv[i]);
        break;
    }
    argv_free(params);
    if (status == 0 && state->rcpt_count >= state->cfg->recipient_limit) {
        smtpd_reply(state, "452 4.5.3 Error: too many recipients");
        status = -1;
    }
    if (status < 0)
        smtpd_args_reset(&state->args);
    return status;
}

/* smtpd_rcpt_client_text - a session fact that the client chose, as printable ASCII */

static void smtpd_rcpt_client_text(SMTPD_STATE *state, const char *name, const char *value)
{
    smtpd_queue_attr(state->queue, name,
                     vstring_str(smtpd_text_printable(state->scratch, value, NULL)));
}

/* smtpd_rcpt_session_attrs - the facts every queue file gets */

static void smtpd_rcpt_session_attrs(SMTPD_STATE *state)
{
    SMTPD_QUEUE *queue = state->queue;
    const SMTPD_TLS_FACTS *tls = state->tls ? smtpd_tls_session_facts(state->tls) : NULL;
    const SMTPD_XFORWARD *xf = &state->xforward;

    /* A maildrop file may carry only what a local user may claim. */
    if (state->stand_alone) {
        if (state->encoding)
            smtpd_queue_attr(queue, REC_ATTR_ENCODING, state->encoding);
        return;
    }
    smtpd_queue_attr(queue, REC_ATTR_LOG_IDENT, state->queue_id);
    smtpd_queue_attr(queue, REC_ATTR_CLIENT_NAME, smtpd_xforward_name(state));
    smtpd_queue_attr(queue, REC_ATTR_REVERSE_NAME, xf->name ? xf->name : state->reverse_name);
    smtpd_queue_attr(queue, REC_ATTR_CLIENT_ADDRESS, smtpd_xforward_addr(state));
    smtpd_queue_attr(queue, REC_ATTR_CLIENT_PORT, xf->port ? xf->port : state->port);
    if (smtpd_xforward_helo(state))
        smtpd_queue_attr(queue, REC_ATTR_HELO_NAME, smtpd_xforward_helo(state));
    smtpd_queue_attr(queue, REC_ATTR_PROTOCOL_NAME, xf->proto ? xf->proto : state->protocol);
    smtpd_queue_attr(queue, REC_ATTR_REWRITE_CONTEXT,
                     xf->source ? (strcasecmp(xf->source, "LOCAL") == 0 ? "local" : "remote")
                     : state->stand_alone ? "local"
                                          : "remote");
    if (state->encoding)
        smtpd_queue_attr(queue, REC_ATTR_ENCODING, state->encoding);
    if (state->requiretls)
        smtpd_queue_attr(queue, REC_ATTR_REQUIRETLS, "yes");
    if (tls) {
        vstring_sprintf(state->scratch, "%d", tls->usebits);
        smtpd_queue_attr(queue, REC_ATTR_TLS_PROTOCOL, tls->protocol);
        smtpd_queue_attr(queue, REC_ATTR_TLS_CIPHER, tls->cipher);
        smtpd_queue_attr(queue, REC_ATTR_TLS_CIPHER_BITS, vstring_str(state->scratch));
        smtpd_queue_attr(queue, REC_ATTR_TLS_PEER_TRUST, tls->trust);
        if (tls->cert_present) {
            smtpd_rcpt_client_text(state, REC_ATTR_TLS_PEER_CN, tls->peer_cn);
            smtpd_queue_attr(queue, REC_ATTR_TLS_PEER_FPRINT, tls->cert_fprint);
        }
    }
    if (state->sasl_username) {
        smtpd_rcpt_client_text(state, REC_ATTR_SASL_METHOD, state->sasl_method);
        smtpd_rcpt_client_text(state, REC_ATTR_SASL_USERNAME, state->sasl_username);
        if (state->sasl_sender)
            smtpd_rcpt_client_text(state, REC_ATTR_SASL_SENDER, state->sasl_sender);
    }
}

/* smtpd_rcpt_open_queue - the first accepted recipient starts the file */

static int smtpd_rcpt_open_queue(SMTPD_STATE *state)
{
    SMTPD_QUEUE_PROPS props = {
        .maildrop = state->stand_alone,
        .endpoint = state->cfg->cleanup_service,
        .add_headers = state->stand_alone,
        .timeout = state->cfg->timeout,
        .pickup = state->cfg->pickup_service,
        .trigger_timeout = state->cfg->trigger_timeout,
        .postdrop = state->cfg->postdrop,
        .config_dir = state->cfg->config_dir,
        .milters = SMTPD_MILTERS_ACTIVE(state),
        .cleanup_flags = receive_override_cleanup_flags(state->cfg->receive_override, 0),
    };

    if ((state->queue = smtpd_queue_open(&props, state->scratch)) == NULL) {
        msg_warn("%s: cannot queue mail from %s: %s", __func__, state->namaddr,
                 vstring_str(state->scratch));
        smtpd_reply(state, "451 4.3.0 Error: queue file write error");
        return -1;
    }
    state->queue_id = mystrdup(smtpd_queue_id(state->queue));
    if (state->sasl_username)
        msg_info("%s: client=%s, sasl_method=%s, sasl_username=%s%s%s", state->queue_id,
                 state->namaddr, state->sasl_method, state->sasl_username,
                 state->sasl_sender ? ", sasl_sender=" : "",
                 state->sasl_sender ? state->sasl_sender : "");
    else if (state->xforward.seen)
        msg_info("%s: client=%s, orig_queue_id=%s, orig_client=%s[%s]", state->queue_id,
                 state->namaddr, state->xforward.ident ? state->xforward.ident : "unknown",
                 smtpd_xforward_name(state), smtpd_xforward_addr(state));
    else
        msg_info("%s: client=%s", state->queue_id, state->namaddr);
    smtpd_rcpt_session_attrs(state);
    smtpd_queue_sender(state->queue, state->sender, state->dsn_envid, state->dsn_ret);
    return 0;
}

/* smtp_proceed_rcpt - policy, then add the recipient */

int smtp_proceed_rcpt(SMTPD_STATE *state, char *unused_args)
{
    SMTPD_ARGS *args = &state->args;

    if (smtpd_limits_recipient(state) < 0) {
        smtpd_args_reset(args);
        return -1;
    }
    if (smtpd_policy_rcpt(state, args->address) < 0) {
        /* Milters that negotiated RCPT_REJ see what the restrictions refused. */
        smtpd_milter_rcpt_rejected(state, vstring_str(state->reply));
        smtpd_args_reset(args);
        return -1;
    }
    if ((state->queue == NULL && smtpd_rcpt_open_queue(state) < 0) ||
        smtpd_milter_rcpt(state) < 0) {
        smtpd_args_reset(args);
        return -1;
    }
    if (smtpd_queue_rcpt(state->queue, args->address, args->dsn_orcpt, args->dsn_notify) < 0) {
        smtpd_reply(state, "451 4.3.0 Error: queue file write error");
        smtpd_args_reset(args);
        return -1;
    }
    state->rcpt_count++;
    myfree(state->recipient);
    state->recipient = args->address;
    args->address = NULL;
    smtpd_args_reset(args);
    smtpd_reply(state, "250 2.1.5 Ok");
    return 0;
}
