/*++
 * NAME
 *	smtpd_starttls - STARTTLS (RFC 3207) and implicit TLS (RFC 8314)
 * SYNOPSIS
 *	#include "smtpd_cmd.h"
 *
 *	int	smtp_check_starttls(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_starttls(SMTPD_STATE *state, char *args);
 *	int	smtpd_starttls_wrapper(SMTPD_STATE *state);
 *	bool	smtpd_starttls_offered(const SMTPD_STATE *state);
 *	bool	smtpd_starttls_required(const SMTPD_STATE *state);
 * DESCRIPTION
 *	smtp_check_starttls() refuses STARTTLS with arguments (501), inside
 *	TLS ("554 5.5.1 Error: TLS already active"), where TLS is not
 *	offered (502: level none, stand-alone mode, or the keyword
 *	discarded), inside a mail transaction (503), and when the TLS
 *	context could not be built ("454 4.7.0 TLS not available due to
 *	local problem"; the session goes on in plaintext).
 *
 *	smtp_proceed_starttls() answers "220 2.0.0 Ready to start TLS",
 *	flushes, and then discards every byte the client sent after the
 *	command, so that nothing pipelined in plaintext is taken as if it
 *	had come through TLS (CVE-2011-0411). The handshake must finish
 *	within smtpd_starttls_timeout; a failure ends the session. After it,
 *	the session starts over (RFC 3207 section 4.2): HELO/EHLO, the mail
 *	transaction and authentication (the login and the SASL back end's
 *	session, whose mechanism list depended on plaintext) are forgotten,
 *	and EHLO no longer offers STARTTLS.
 *
 *	smtpd_starttls_wrapper() does the handshake before the greeting
 *	(smtpd_tls_wrappermode, port 465); it returns 0, or -1 when the
 *	session must end (no TLS context, a failed handshake, or plaintext
 *	on this port).
 *
 *	With smtpd_tls_req_ccert (level encrypt only) a client without a
 *	trusted certificate gets one more command read, then "421 4.7.1
 *	host Error: No client certificate presented" (or "Client
 *	certificate not trusted"), logged as "NOQUEUE: abort: TLS from
 *	host[addr]: ...".
 *
 *	A client over smtpd_client_new_tls_session_rate_limit gets no
 *	handshake, and the full handshake that takes it over the limit ends
 *	the session (smtpd_limits(3)).
 *
 *	smtpd_starttls_offered() tells EHLO whether to announce STARTTLS;
 *	smtpd_starttls_required() tells the dispatcher that commands other
 *	than HELO, EHLO, STARTTLS, NOOP and QUIT need TLS first ("530 5.7.0
 *	Must issue a STARTTLS command first").
 *--*/

#include <netinet/in.h>
#include <string.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "msg.h"
#include "vstream.h"

#include "ehlo_mask.h"

#include "smtpd_cmd.h"
#include "smtpd_sasl.h"
#include "smtpd_tls.h"

/* smtpd_starttls_offered - announce STARTTLS in EHLO? */

bool smtpd_starttls_offered(const SMTPD_STATE *state)
{
    return !state->stand_alone && state->cfg->tls_level != SMTPD_TLS_LEVEL_NONE &&
           !state->cfg->tls_wrappermode && !SMTPD_TLS_ACTIVE(state);
}

/* smtpd_starttls_required - must the client use TLS before mail? */

bool smtpd_starttls_required(const SMTPD_STATE *state)
{
    return !state->stand_alone && state->cfg->tls_level == SMTPD_TLS_LEVEL_ENCRYPT &&
           !SMTPD_TLS_ACTIVE(state);
}

/* smtp_check_starttls - may TLS start now? */

int smtp_check_starttls(SMTPD_STATE *state, char *args)
{
    if (*args) {
        smtpd_reply(state, "501 5.5.4 Syntax: STARTTLS");
        return -1;
    }
    if (SMTPD_TLS_ACTIVE(state)) {
        smtpd_reply(state, "554 5.5.1 Error: TLS already active");
        return -1;
    }
    if (!smtpd_starttls_offered(state) || (state->ehlo_discard & EHLO_MASK_STARTTLS)) {
        smtpd_reply(state, "502 5.5.1 Error: command not implemented");
        return -1;
    }
    if (state->cfg->helo_required && state->helo_name == NULL) {
        smtpd_reply(state, "503 5.5.1 Error: send HELO/EHLO first");
        return -1;
    }
    if (SMTPD_IN_TRANSACTION(state)) {
        smtpd_reply(state, "503 5.5.1 Error: MAIL transaction in progress");
        return -1;
    }
    if (state->cfg->tls == NULL) {
        smtpd_reply(state, "454 4.7.0 TLS not available due to local problem");
        return -1;
    }
    return smtpd_limits_starttls(state);
}

/* smtpd_starttls_requirecert - is a trusted client certificate required? */

static bool smtpd_starttls_requirecert(const SMTPD_STATE *state)
{
    return state->cfg->tls_req_ccert && state->cfg->tls_level == SMTPD_TLS_LEVEL_ENCRYPT;
}

/* smtpd_starttls_quickack - acknowledge the client's last handshake flight now */

static void smtpd_starttls_quickack(SMTPD_STATE *state)
{
#ifdef TCP_QUICKACK
    int on = 1;

    /*
     * The client's Finished message is often followed by its first command,
     * which its Nagle algorithm holds until Finished is acknowledged. When
     * the server has nothing to send (no session ticket), the kernel would
     * delay that acknowledgement by up to 40 ms; send it at once.
     */
    if (strcmp(state->port, "unknown") != 0)
        (void)setsockopt(vstream_fileno(state->in), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof(on));
#else
    (void)state;
#endif
}

/* smtpd_starttls_handshake - run the handshake on the client stream */

static int smtpd_starttls_handshake(SMTPD_STATE *state)
{
    state->tls = smtpd_tls_session_start(state->cfg->tls, state->in, state->cfg->starttls_timeout,
                                         smtpd_starttls_requirecert(state), state->namaddr);
    vstream_set_timeout(state->in, state->cfg->timeout);
    if (state->tls == NULL) {
        if (state->end == SMTPD_END_NONE)
            state->end = SMTPD_END_EOF;
        return -1;
    }
    smtpd_starttls_quickack(state);
    smtpd_set_protocol(state);
    return smtpd_limits_newtls(state, smtpd_tls_session_facts(state->tls)->reused);
}

/* smtpd_starttls_ccert - enforce smtpd_tls_req_ccert */

static int smtpd_starttls_ccert(SMTPD_STATE *state, bool greeted)
{
    const SMTPD_TLS_FACTS *facts = smtpd_tls_session_facts(state->tls);
    const char *why;

    if (!smtpd_starttls_requirecert(state) || (facts->cert_present && facts->cert_trusted))
        return 0;
    why =
        facts->cert_present ? "Client certificate not trusted" : "No client certificate presented";
    msg_info("NOQUEUE: abort: TLS from %s: %s", state->namaddr, why);
    if (!greeted || smtpd_read_command(state) == 0)
        smtpd_close(state, "421 4.7.1 %s Error: %s", state->cfg->myhostname, why);
    return -1;
}

/* smtp_proceed_starttls - 220, purge, handshake, start over */

int smtp_proceed_starttls(SMTPD_STATE *state, char *unused_args)
{
    smtpd_reply(state, "220 2.0.0 Ready to start TLS");
    if (smtpd_flush(state) < 0)
        return -1;
    /* Plaintext pipelined after STARTTLS must not survive into TLS. */
    vstream_purge(state->in, VSTREAM_PURGE_BOTH);
    if (state->out != state->in)
        vstream_purge(state->out, VSTREAM_PURGE_BOTH);
    /* RFC 3207 section 4.2: a login from before TLS does not count inside it. */
    smtpd_sasl_reset(state);
    if (smtpd_starttls_handshake(state) < 0)
        return -1;
    smtpd_mail_reset(state);
    smtpd_helo_reset(state);
    state->ehlo_discard = 0;
    return smtpd_starttls_ccert(state, true);
}

/* smtpd_starttls_wrapper - implicit TLS before the greeting */

int smtpd_starttls_wrapper(SMTPD_STATE *state)
{
    if (state->cfg->tls == NULL) {
        msg_warn("%s: TLS is not available: disconnecting %s", VAR_SMTPD_TLS_WRAPPERMODE,
                 state->namaddr);
        state->end = SMTPD_END_CLOSE;
        return -1;
    }
    if (smtpd_limits_wrapper(state) < 0 || smtpd_starttls_handshake(state) < 0)
        return -1;
    return smtpd_starttls_ccert(state, false);
}
