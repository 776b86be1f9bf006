/*++
 * NAME
 *	smtpd_state - SMTP server session state and its resets
 * SYNOPSIS
 *	#include "smtpd.h"
 *
 *	SMTPD_STATE *smtpd_state_alloc(const SMTPD_CONFIG *cfg,
 *				VSTREAM *in, VSTREAM *out, bool stand_alone);
 *	void	smtpd_state_free(SMTPD_STATE *state);
 *
 *	void	smtpd_helo_reset(SMTPD_STATE *state);
 *	void	smtpd_mail_reset(SMTPD_STATE *state);
 *	void	smtpd_args_reset(SMTPD_ARGS *args);
 *	void	smtpd_set_protocol(SMTPD_STATE *state);
 * DESCRIPTION
 *	smtpd_state_alloc() creates the state of one session on the given
 *	streams (in == out for a socket; stdin and stdout in stand-alone
 *	mode). The caller keeps owning the streams and the configuration.
 *	The client facts are filled in by smtpd_peer_init().
 *
 *	smtpd_state_free() releases everything the state owns, including an
 *	open queue file (abandoned), the SASL session and a TLS session; it is the one exit
 *	path of a session.
 *
 *	smtpd_helo_reset() forgets HELO/EHLO (and the protocol name):
 *	EHLO again, and STARTTLS (RFC 3207 section 4.2), begin afresh.
 *
 *	smtpd_mail_reset() ends the mail transaction: sender, recipients,
 *	DSN fields, the MAIL AUTH= address and an unfinished queue file (removed), as RSET, a new
 *	EHLO and the end of DATA do.
 *
 *	smtpd_args_reset() frees the parsed arguments of a MAIL or RCPT
 *	command.
 *
 *	smtpd_set_protocol() sets the protocol name for Received: and the
 *	queue file: SMTP after HELO, ESMTP after EHLO, with "S" added when
 *	TLS is active and "A" when the client authenticated (RFC 3848).
 *--*/

#include <stdlib.h>
#include <string.h>

#include "mymalloc.h"
#include "vstring.h"

#include "smtpd.h"
#include "smtpd_cmd.h"
#include "smtpd_milter.h"
#include "smtpd_queue.h"
#include "smtpd_sasl.h"
#include "smtpd_tls.h"

/* smtpd_state_alloc - create a session */

SMTPD_STATE *smtpd_state_alloc(const SMTPD_CONFIG *cfg, VSTREAM *in, VSTREAM *out, bool stand_alone)
{
    SMTPD_STATE *state = mycalloc(1, sizeof(*state));

    state->cfg = cfg;
    state->in = in;
    state->out = out;
    state->stand_alone = stand_alone;
    state->where = "CONNECT";
    state->end = SMTPD_END_NONE;
    state->line = vstring_alloc(512);
    state->reply = vstring_alloc(128);
    state->scratch = vstring_alloc(128);
    state->verdict = vstring_alloc(128);
    state->protocol = "SMTP";
    state->declared_size = -1;
    state->args.size = -1;
    state->name = mystrdup("unknown");
    state->reverse_name = mystrdup("unknown");
    state->addr = mystrdup("unknown");
    state->rfc_addr = mystrdup("unknown");
    state->port = mystrdup("unknown");
    state->namaddr = mystrdup("unknown[unknown]");
    state->local_addr = mystrdup("");
    state->local_port = mystrdup("");
    return state;
}

/* smtpd_args_reset - forget the parsed MAIL/RCPT arguments */

void smtpd_args_reset(SMTPD_ARGS *args)
{
    myfree(args->address);
    myfree(args->dsn_envid);
    myfree(args->dsn_orcpt);
    myfree(args->auth);
    if (args->params)
        argv_free(args->params);
    memset(args, 0, sizeof(*args));
    args->size = -1;
}

/* smtpd_mail_reset - end the mail transaction */

void smtpd_mail_reset(SMTPD_STATE *state)
{
    smtpd_milter_abort(state);
    smtpd_xforward_reset(&state->xforward);
    if (state->queue)
        state->queue = smtpd_queue_abort(state->queue);
    myfree(state->queue_id);
    state->queue_id = NULL;
    myfree(state->sender);
    state->sender = NULL;
    myfree(state->recipient);
    state->recipient = NULL;
    myfree(state->dsn_envid);
    state->dsn_envid = NULL;
    myfree(state->sasl_sender);
    state->sasl_sender = NULL;
    state->encoding = NULL;
    state->dsn_ret = 0;
    state->requiretls = false;
    state->declared_size = -1;
    state->rcpt_count = 0;
    state->data_size = 0;
    smtpd_args_reset(&state->args);
    smtpd_actions_reset(&state->actions);
}

/* smtpd_set_protocol - the RFC 3848 protocol name */

void smtpd_set_protocol(SMTPD_STATE *state)
{
    static const char *const names[2][2][2] = {
        /* HELO */ {{"SMTP", "SMTPA"}, {"SMTPS", "SMTPSA"}},
        /* EHLO */ {{"ESMTP", "ESMTPA"}, {"ESMTPS", "ESMTPSA"}},
    };
    bool extended = state->protocol[0] == 'E';

    state->protocol = names[extended][SMTPD_TLS_ACTIVE(state)][SMTPD_AUTHENTICATED(state)];
}

/* smtpd_helo_reset - forget HELO/EHLO */

void smtpd_helo_reset(SMTPD_STATE *state)
{
    myfree(state->helo_name);
    state->helo_name = NULL;
    myfree(state->helo_reject);
    state->helo_reject = NULL;
    state->protocol = "SMTP";
    smtpd_set_protocol(state);
}

/* smtpd_state_free - release a session */

void smtpd_state_free(SMTPD_STATE *state)
{
    smtpd_mail_reset(state);
    if (state->tls)
        state->tls = smtpd_tls_session_free(state->tls);
    myfree(state->helo_name);
    myfree(state->helo_reject);
    myfree(state->client_reject);
    myfree(state->name);
    myfree(state->reverse_name);
    myfree(state->addr);
    myfree(state->rfc_addr);
    myfree(state->port);
    myfree(state->namaddr);
    myfree(state->local_addr);
    myfree(state->local_port);
    smtpd_sasl_reset(state);
    vstring_free(state->line);
    vstring_free(state->reply);
    vstring_free(state->scratch);
    vstring_free(state->verdict);
    myfree(state);
}
