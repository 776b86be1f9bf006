/*++
 * NAME
 *	smtpd_limits - per-client connection and rate limits, junk commands
 * SYNOPSIS
 *	#include "smtpd.h"
 *
 *	int	smtpd_limits_connect(SMTPD_STATE *state);
 *	void	smtpd_limits_disconnect(SMTPD_STATE *state);
 *	int	smtpd_limits_message(SMTPD_STATE *state);
 *	int	smtpd_limits_recipient(SMTPD_STATE *state);
 *	int	smtpd_limits_starttls(SMTPD_STATE *state);
 *	int	smtpd_limits_wrapper(SMTPD_STATE *state);
 *	int	smtpd_limits_newtls(SMTPD_STATE *state, bool reused);
 *	int	smtpd_limits_auth(SMTPD_STATE *state);
 *	void	smtpd_limits_junk(SMTPD_STATE *state);
 * DESCRIPTION
 *	The settings come from smtpd_limits_config(3). The anvil(8) service
 *	is asked only when one of the counted limits is not zero (the
 *	connection count limit is 50 by default).
 *
 *	The event hooks below each return 0 when the session may go on, or
 *	-1 after they replied and logged the refusal. A client in
 *	smtpd_client_event_limit_exceptions (by default $mynetworks) is
 *	never counted nor limited, and when anvil cannot be reached the
 *	limits are not enforced (anvil_client(3) logs that): a missing
 *	counter never stops mail. Each limit counts in the window of
 *	anvil_rate_time_unit, for this master.cf service, across all its
 *	smtpd processes; a count above the limit refuses.
 *
 *	smtpd_limits_connect() runs before the greeting: it registers the
 *	connection and, when the client has more connections open than
 *	smtpd_client_connection_count_limit, or made more than
 *	smtpd_client_connection_rate_limit, answers "421 4.7.0 host Error:
 *	too many connections from addr" and ends the session (warning
 *	"Connection concurrency limit exceeded: N from host[addr] for
 *	service smtp", or "Connection rate limit exceeded: ...").
 *	smtpd_limits_disconnect() ends the registration; the session end
 *	calls it, and so does XCLIENT before the client changes (the new
 *	client is not counted).
 *
 *	smtpd_limits_message() counts a MAIL command against
 *	smtpd_client_message_rate_limit ("450 4.7.1 Error: too much mail
 *	from addr"); smtpd_limits_recipient() a RCPT command against
 *	smtpd_client_recipient_rate_limit ("450 4.7.1 Error: too many
 *	recipients from addr").
 *
 *	smtpd_client_new_tls_session_rate_limit counts full TLS handshakes
 *	(a resumed session costs nothing). smtpd_limits_starttls() refuses
 *	STARTTLS when the client is over the limit ("454 4.7.0 Error: too
 *	many new TLS sessions from host[addr]"); smtpd_limits_wrapper() does
 *	the same before the handshake of smtpd_tls_wrappermode, where it
 *	can only disconnect. smtpd_limits_newtls() counts a completed
 *	handshake that was not resumed and, when that one was over the
 *	limit, says "421 4.7.0 host Error: too many new TLS sessions from
 *	host[addr]" and ends the session.
 *
 *	smtpd_limits_auth() is for the AUTH command: it counts the command
 *	against smtpd_client_auth_rate_limit and, over the limit, answers
 *	"450 4.7.1 Error: too many AUTH commands from addr" (warning "AUTH
 *	command rate limit exceeded: ..."); the AUTH command then stops.
 *
 *	smtpd_limits_junk() is called after each HELO, EHLO, NOOP, RSET and
 *	VRFY: beyond smtpd_junk_command_limit such commands in a session
 *	without delivered mail, each one counts as an error, so that a
 *	client that only keeps the connection busy runs into
 *	smtpd_soft_error_limit and smtpd_hard_error_limit.
 * DIAGNOSTICS
 *	Warnings: each refusal.
 * SEE ALSO
 *	anvil(8), anvil_client(3)
 *--*/

#include <stdio.h>

#include "msg.h"
#include "vstring.h"

#include "anvil_client.h"

#include "smtpd.h"

/* smtpd_limits_active - is this client counted at all? */

static bool smtpd_limits_active(SMTPD_STATE *state)
{
    return state->cfg->limits.enabled && !state->stand_alone && !state->limits.exempt;
}

/* smtpd_limits_connect - register the connection, refuse too many */

int smtpd_limits_connect(SMTPD_STATE *state)
{
    const SMTPD_LIMITS *limits = &state->cfg->limits;
    int count, rate;

    if (!limits->enabled || state->stand_alone)
        return 0;
    state->limits.exempt = match_list_namadr(limits->exceptions, state->name, state->addr) > 0;
    if (state->limits.exempt)
        return 0;
    if (anvil_client_connect(state->cfg->service, state->addr, &count, &rate) != ANVIL_STAT_OK)
        return 0;
    state->limits.registered = true;
    state->limits.connections = count;
    if (limits->connection_count_limit > 0 && count > limits->connection_count_limit) {
        msg_warn("Connection concurrency limit exceeded: %d from %s for service %s", count,
                 state->namaddr, state->cfg->service);
    } else if (limits->connection_rate_limit > 0 && rate > limits->connection_rate_limit) {
        msg_warn("Connection rate limit exceeded: %d from %s for service %s", rate, state->namaddr,
                 state->cfg->service);
    } else {
        return 0;
    }
    smtpd_close(state, "421 4.7.0 %s Error: too many connections from %s", state->cfg->myhostname,
                state->addr);
    return -1;
}

/* smtpd_limits_disconnect - end the registration */

void smtpd_limits_disconnect(SMTPD_STATE *state)
{
    if (state->limits.registered) {
        (void)anvil_client_disconnect(state->cfg->service, state->addr);
        state->limits.registered = false;
        state->limits.connections = 0;
    }
}

/* smtpd_limits_message - MAIL against smtpd_client_message_rate_limit */

int smtpd_limits_message(SMTPD_STATE *state)
{
    int limit = state->cfg->limits.message_rate_limit, rate;

    if (limit <= 0 || !smtpd_limits_active(state) ||
        anvil_client_message(state->cfg->service, state->addr, &rate) != ANVIL_STAT_OK ||
        rate <= limit)
        return 0;
    msg_warn("Message delivery request rate limit exceeded: %d from %s for service %s", rate,
             state->namaddr, state->cfg->service);
    smtpd_reply(state, "450 4.7.1 Error: too much mail from %s", state->addr);
    return -1;
}

/* smtpd_limits_recipient - RCPT against smtpd_client_recipient_rate_limit */

int smtpd_limits_recipient(SMTPD_STATE *state)
{
    int limit = state->cfg->limits.recipient_rate_limit, rate;

    if (limit <= 0 || !smtpd_limits_active(state) ||
        anvil_client_recipient(state->cfg->service, state->addr, &rate) != ANVIL_STAT_OK ||
        rate <= limit)
        return 0;
    msg_warn("Recipient address rate limit exceeded: %d from %s for service %s", rate,
             state->namaddr, state->cfg->service);
    smtpd_reply(state, "450 4.7.1 Error: too many recipients from %s", state->addr);
    return -1;
}

/* smtpd_limits_newtls_over - is the client over the new TLS session limit? */

static bool smtpd_limits_newtls_over(SMTPD_STATE *state)
{
    int limit = state->cfg->limits.newtls_rate_limit, rate;

    return limit > 0 && smtpd_limits_active(state) &&
           anvil_client_newtls_status(state->cfg->service, state->addr, &rate) == ANVIL_STAT_OK &&
           rate > limit;
}

/* smtpd_limits_starttls - refuse STARTTLS to a client over the limit */

int smtpd_limits_starttls(SMTPD_STATE *state)
{
    if (!smtpd_limits_newtls_over(state))
        return 0;
    msg_warn("Refusing STARTTLS request from %s for service %s", state->namaddr,
             state->cfg->service);
    smtpd_reply(state, "454 4.7.0 Error: too many new TLS sessions from %s", state->namaddr);
    return -1;
}

/* smtpd_limits_wrapper - no implicit TLS handshake for a client over the limit */

int smtpd_limits_wrapper(SMTPD_STATE *state)
{
    if (!smtpd_limits_newtls_over(state))
        return 0;
    msg_warn("Refusing TLS service request from %s for service %s", state->namaddr,
             state->cfg->service);
    state->end = SMTPD_END_CLOSE;
    return -1;
}

/* smtpd_limits_newtls - count a full handshake; the one over the limit ends the session */

int smtpd_limits_newtls(SMTPD_STATE *state, bool reused)
{
    int limit = state->cfg->limits.newtls_rate_limit, rate;

    if (reused || limit <= 0 || !smtpd_limits_active(state) ||
        anvil_client_newtls(state->cfg->service, state->addr, &rate) != ANVIL_STAT_OK ||
        rate <= limit)
        return 0;
    msg_warn("New TLS session rate limit exceeded: %d from %s for service %s", rate, state->namaddr,
             state->cfg->service);
    smtpd_close(state, "421 4.7.0 %s Error: too many new TLS sessions from %s",
                state->cfg->myhostname, state->namaddr);
    return -1;
}

/* smtpd_limits_auth - AUTH against smtpd_client_auth_rate_limit */

int smtpd_limits_auth(SMTPD_STATE *state)
{
    int limit = state->cfg->limits.auth_rate_limit, rate;

    if (limit <= 0 || !smtpd_limits_active(state) ||
        anvil_client_auth(state->cfg->service, state->addr, &rate) != ANVIL_STAT_OK ||
        rate <= limit)
        return 0;
    msg_warn("AUTH command rate limit exceeded: %d from %s for service %s", rate, state->namaddr,
             state->cfg->service);
    smtpd_reply(state, "450 4.7.1 Error: too many AUTH commands from %s", state->addr);
    return -1;
}

/* smtpd_limits_junk - a command that costs nothing: an error beyond the limit */

void smtpd_limits_junk(SMTPD_STATE *state)
{
    if (state->limits.junk_commands++ > state->cfg->limits.junk_command_limit)
        state->error_count++;
}
