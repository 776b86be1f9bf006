/*++
 * NAME
 *	smtpd_policy - apply the access restrictions to a session
 * SYNOPSIS
 *	#include "smtpd_cmd.h"
 *
 *	int	smtpd_policy_connect(SMTPD_STATE *state);
 *	int	smtpd_policy_helo(SMTPD_STATE *state, const char *helo);
 *	int	smtpd_policy_mail(SMTPD_STATE *state);
 *	int	smtpd_policy_rcpt(SMTPD_STATE *state, const char *rcpt);
 *	int	smtpd_policy_data(SMTPD_STATE *state);
 *	int	smtpd_policy_eod(SMTPD_STATE *state, long size);
 *	int	smtpd_policy_etrn(SMTPD_STATE *state, const char *domain);
 * DESCRIPTION
 *	These connect the protocol engine to smtpd_check(3): they describe
 *	the session as SMTPD_CHECK_FACTS, run the restriction lists that
 *	apply at each stage, and on a rejection send the reply and log it
 *	("NOQUEUE: reject: RCPT from ..."). Each returns 0 when the command
 *	may go on and -1 after a rejection.
 *
 *	With smtpd_delay_reject = yes (the default) the client, HELO and
 *	sender restrictions wait until RCPT; otherwise the client
 *	restrictions run at connect time, the HELO restrictions at HELO/EHLO
 *	and the sender restrictions at MAIL. smtpd_policy_connect() returns
 *	-1 after it sent a rejection instead of the greeting; the session
 *	then remembers the client as refused (state->client_reject) and
 *	answers every command but QUIT with "503 5.7.0 Error: access denied
 *	for host[addr]".
 *
 *	smtpd_policy_eod() applies smtpd_end_of_data_restrictions after the
 *	client ended the content and before the message is committed; size
 *	is the content size as received (what a policy server gets as
 *	"size"). It logs and sends a rejection ("QUEUEID: reject:
 *	END-OF-MESSAGE from ...", to=<...> only for a single recipient), and
 *	the caller then abandons the message.
 *
 *	smtpd_policy_etrn() applies, with smtpd_delay_reject = yes, the
 *	client and HELO restrictions, then smtpd_etrn_restrictions, to an
 *	ETRN request for domain ("NOQUEUE: reject: ETRN from ...").
 *
 *	Access-table results that act on the whole message (HOLD, DISCARD,
 *	FILTER, ...) go to smtpd_actions(3). At end of data the envelope is
 *	already with cleanup, so such results are logged with a warning and
 *	ignored there.
 *
 *	A stand-alone session (sendmail -bs as an ordinary user) has no
 *	access policy: everything is permitted, as the user could submit
 *	the same mail with sendmail anyway.
 *--*/

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "receive_override.h"

#include "smtpd_check.h"
#include "smtpd_cmd.h"
#include "smtpd_tls.h"
#include "smtpd_unlisted.h"

/* smtpd_policy_log_action - WARN and INFO results of access tables */

static void smtpd_policy_log_action(void *context, const char *action, const char *text)
{
    SMTPD_STATE *state = context;

    smtpd_log_reject(state, action, text,
                     strcmp(state->where, "RCPT") == 0 ? state->args.address : NULL);
}

/* smtpd_policy_instance - the same text for every request about one transaction */

static const char *smtpd_policy_instance(const SMTPD_STATE *state)
{
    static char buf[80];

    snprintf(buf, sizeof(buf), "%lx.%lx.%lx.0", (unsigned long)getpid(),
             (unsigned long)state->arrival.tv_sec, (unsigned long)state->arrival.tv_usec);
    return buf;
}

/* smtpd_policy_message_action - HOLD, DISCARD, ... results of access tables */

static void smtpd_policy_message_action(void *context, const ACCESS_RESULT *result,
                                        const char *log_text)
{
    smtpd_actions_note(context, result, log_text);
}

/* smtpd_policy_no_message - HOLD, DISCARD, ... at end of data or ETRN: no message to act on */

static void smtpd_policy_no_message(void *context, const ACCESS_RESULT *result,
                                    const char *unused_log_text)
{
    SMTPD_STATE *state = context;

    msg_warn("%s: %s action in %s is not supported; ignored",
             state->queue_id ? state->queue_id : "NOQUEUE", result->keyword,
             smtpd_check_stage_name(strcmp(state->where, "ETRN") == 0 ? SMTPD_STAGE_ETRN
                                                                      : SMTPD_STAGE_EOD));
}

/* smtpd_policy_facts - describe the session */

static void smtpd_policy_facts(SMTPD_STATE *state, SMTPD_CHECK_FACTS *facts, const char *sender,
                               const char *rcpt)
{
    const SMTPD_TLS_FACTS *tls = state->tls ? smtpd_tls_session_facts(state->tls) : NULL;

    memset(facts, 0, sizeof(*facts));
    facts->name = state->name;
    facts->reverse_name = state->reverse_name;
    facts->name_status = state->name_status;
    facts->reverse_status = state->reverse_status;
    facts->ill_pipelining = state->ill_pipelining;
    facts->rcpt_count = state->rcpt_count;
    facts->addr = state->addr;
    facts->namaddr = state->namaddr;
    facts->local_addr = state->local_addr;
    facts->client_port = state->port;
    facts->server_port = state->local_port;
    facts->protocol_state = state->where;
    facts->protocol_name = state->protocol && state->protocol[0] == 'E' ? "ESMTP" : "SMTP";
    facts->queue_id = state->queue_id ? state->queue_id : "";
    facts->instance = smtpd_policy_instance(state);
    facts->size = state->declared_size > 0 ? state->declared_size : 0;
    facts->sasl_method = state->sasl_method;
    facts->sasl_sender = state->sasl_sender;
    facts->helo = state->helo_name;
    facts->sender = sender;
    facts->recipient = rcpt;
    facts->sasl_authenticated = SMTPD_AUTHENTICATED(state);
    facts->sasl_username = state->sasl_username;
    facts->tls_active = tls != NULL;
    if (tls) {
        facts->tls_protocol = tls->protocol;
        facts->tls_cipher = tls->cipher;
        facts->tls_keysize = tls->usebits;
    }
    if (tls && (tls->cert_present || tls->rpk_present)) {
        facts->ccert_subject = tls->peer_cn;
        facts->ccert_issuer = tls->issuer_cn;
        facts->ccert_trusted = tls->cert_trusted;
        facts->ccert_fprint = tls->cert_fprint;
        facts->ccert_pkey_fprint = tls->pkey_fprint;
    }
    facts->log_action = smtpd_policy_log_action;
    facts->log_context = state;
    facts->message_action = smtpd_policy_message_action;
}

/* smtpd_policy_active - are there restrictions to apply? */

static SMTPD_CHECKS *smtpd_policy_active(const SMTPD_STATE *state)
{
    return state->stand_alone ? NULL : state->cfg->checks;
}

/* smtpd_policy_refuse - send and log a rejection */

static int smtpd_policy_refuse(SMTPD_STATE *state, const char *reply, const char *rcpt)
{
    smtpd_reply(state, "%s", reply);
    smtpd_log_reject(state, "reject", NULL, rcpt);
    return -1;
}

/* smtpd_policy_connect - client restrictions at connect time */

int smtpd_policy_connect(SMTPD_STATE *state)
{
    SMTPD_CHECKS *checks = smtpd_policy_active(state);
    SMTPD_CHECK_FACTS facts;

    if (checks == NULL || state->cfg->delay_reject)
        return 0;
    smtpd_policy_facts(state, &facts, NULL, NULL);
    if (smtpd_check_stage(checks, SMTPD_STAGE_CLIENT, &facts, state->verdict) != SMTPD_CHECK_REJECT)
        return 0;
    state->client_reject = mystrdup(vstring_str(state->verdict));
    return smtpd_policy_refuse(state, state->client_reject, NULL);
}

/* smtpd_policy_helo - HELO restrictions unless delayed */

int smtpd_policy_helo(SMTPD_STATE *state, const char *helo)
{
    SMTPD_CHECKS *checks = smtpd_policy_active(state);
    SMTPD_CHECK_FACTS facts;

    if (checks == NULL || state->cfg->delay_reject)
        return 0;
    smtpd_policy_facts(state, &facts, NULL, NULL);
    facts.helo = helo;
    if (smtpd_check_stage(checks, SMTPD_STAGE_HELO, &facts, state->verdict) != SMTPD_CHECK_REJECT)
        return 0;
    return smtpd_policy_refuse(state, vstring_str(state->verdict), NULL);
}

/* smtpd_policy_mail - early verdicts and sender restrictions unless delayed */

int smtpd_policy_mail(SMTPD_STATE *state)
{
    SMTPD_CHECKS *checks = smtpd_policy_active(state);
    SMTPD_CHECK_FACTS facts;

    if (checks == NULL || state->cfg->delay_reject)
        return 0;
    smtpd_policy_facts(state, &facts, state->args.address, NULL);
    if (smtpd_check_stage(checks, SMTPD_STAGE_SENDER, &facts, state->verdict) != SMTPD_CHECK_REJECT)
        return smtpd_unlisted_sender(state, state->args.address);
    return smtpd_policy_refuse(state, vstring_str(state->verdict), NULL);
}

/* smtpd_policy_rcpt - the recipient decision */

int smtpd_policy_rcpt(SMTPD_STATE *state, const char *rcpt)
{
    SMTPD_CHECKS *checks = smtpd_policy_active(state);
    SMTPD_CHECK_FACTS facts;

    if (checks == NULL)
        return 0;
    smtpd_policy_facts(state, &facts, state->sender, rcpt);
    /* XXX With smtpd_delay_reject, the unlisted sender is judged after all restrictions. */
    if (smtpd_check_rcpt(checks, state->cfg->delay_reject, &facts, state->verdict) !=
        SMTPD_CHECK_REJECT)
        return (state->cfg->delay_reject && smtpd_unlisted_sender(state, state->sender) < 0) ||
                       (!(state->cfg->receive_override & RECEIVE_NO_UNKNOWN_RCPT) &&
                        smtpd_unlisted_recipient(state, rcpt) < 0)
                   ? -1
                   : 0;
    return smtpd_policy_refuse(state, vstring_str(state->verdict), rcpt);
}

/* smtpd_policy_data - data restrictions */

int smtpd_policy_data(SMTPD_STATE *state)
{
    SMTPD_CHECKS *checks = smtpd_policy_active(state);
    SMTPD_CHECK_FACTS facts;

    if (checks == NULL || smtpd_check_empty(checks, SMTPD_STAGE_DATA))
        return 0;
    smtpd_policy_facts(state, &facts, state->sender,
                       state->rcpt_count == 1 ? state->recipient : NULL);
    if (smtpd_check_stage(checks, SMTPD_STAGE_DATA, &facts, state->verdict) != SMTPD_CHECK_REJECT)
        return 0;
    /* Logged with the recipient when there is only one, as Postfix does. */
    return smtpd_policy_refuse(state, vstring_str(state->verdict),
                               state->rcpt_count == 1 ? state->recipient : NULL);
}

/* smtpd_policy_eod - end-of-data restrictions */

int smtpd_policy_eod(SMTPD_STATE *state, long size)
{
    SMTPD_CHECKS *checks = smtpd_policy_active(state);
    SMTPD_CHECK_FACTS facts;

    if (checks == NULL || smtpd_check_empty(checks, SMTPD_STAGE_EOD))
        return 0;
    smtpd_policy_facts(state, &facts, state->sender,
                       state->rcpt_count == 1 ? state->recipient : NULL);
    facts.size = size;
    facts.message_action = smtpd_policy_no_message;
    if (smtpd_check_stage(checks, SMTPD_STAGE_EOD, &facts, state->verdict) != SMTPD_CHECK_REJECT)
        return 0;
    /* Logged with the recipient when there is only one, as Postfix does. */
    return smtpd_policy_refuse(state, vstring_str(state->verdict),
                               state->rcpt_count == 1 ? state->recipient : NULL);
}

/* smtpd_policy_etrn - the ETRN decision */

int smtpd_policy_etrn(SMTPD_STATE *state, const char *domain)
{
    SMTPD_CHECKS *checks = smtpd_policy_active(state);
    SMTPD_CHECK_FACTS facts;

    if (checks == NULL)
        return 0;
    smtpd_policy_facts(state, &facts, NULL, NULL);
    facts.etrn_domain = domain;
    facts.message_action = smtpd_policy_no_message;
    if (smtpd_check_etrn(checks, state->cfg->delay_reject, &facts, state->verdict) !=
        SMTPD_CHECK_REJECT)
        return 0;
    return smtpd_policy_refuse(state, vstring_str(state->verdict), NULL);
}
