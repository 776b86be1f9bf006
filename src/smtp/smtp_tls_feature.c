/*++
 * NAME
 *	smtp_tls_feature - the TLS feature status of a delivery, for its log line
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	void	smtp_tls_feature_note(SMTP_STATE *state, int wanted, int level,
 *				bool decided);
 *	void	smtp_tls_feature_session(SMTP_SESSION *session, bool decided);
 *	const char *smtp_tls_feature_text(const SMTP_STATE *state,
 *				bool violation, VSTRING *buf);
 * DESCRIPTION
 *	With smtp_log_tls_feature_status (lmtp_...), each delivery line of
 *	the client says which TLS security level was wanted and what became
 *	of it at the server tried last (Postfix 3.11's "tls=" field, before
 *	"dsn="):
 *
 *	tls=LEVEL		the level of the policy (smtp_tls_security_level,
 *				a policy table, DANE), and it held;
 *	tls=LEVEL:LOWER		a fallback lowered it for this server: DANE
 *				without usable TLSA records (may, encrypt),
 *				"TLS-Required: no" (may), or a plaintext retry
 *				after a failed handshake at level may (none);
 *	...?			the attempt ended before the TLS decision (a
 *				connection or greeting failure, an invalid
 *				policy): what was wanted, not what was done;
 *	.../requiretls		the message asked for REQUIRETLS and it was
 *				enforced (smtp_requiretls_policy = enforce);
 *	.../(requiretls)	REQUIRETLS in the relaxed (opportunistic) mode;
 *	...!			REQUIRETLS could not be met: the message was
 *				returned with 5.7.10.
 *
 *	smtp_tls_feature_note() records, for the server being tried, the
 *	level wanted and the level in force. smtp_tls_feature_session()
 *	does so from a session (its policy's level before fallbacks, and
 *	its level now). smtp_tls_feature_text() writes the field's value
 *	into buf and returns it, or returns NULL when the client logs no
 *	such field (turned off, or no server was tried).
 * SEE ALSO
 *	smtp(8), postconf(5) smtp_log_tls_feature_status
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "vstring.h"

/* TLS library. */
#include "tls_level.h"

/* Application-specific. */
#include "smtp.h"

/* smtp_tls_feature_note - what was wanted and what is in force */

void smtp_tls_feature_note(SMTP_STATE *state, int wanted, int level, bool decided)
{
    state->tls_wanted = wanted;
    state->tls_level = level;
    state->tls_decided = decided;
    state->tls_noted = true;
}

/* smtp_tls_feature_session - the same, from a session */

void smtp_tls_feature_session(SMTP_SESSION *session, bool decided)
{
    smtp_tls_feature_note(session->state, session->tls_wanted, session->tls_level, decided);
}

/* smtp_tls_feature_text - the value of tls= */

const char *smtp_tls_feature_text(const SMTP_STATE *state, bool violation, VSTRING *buf)
{
    int wanted = state->tls_wanted, level = state->tls_level;

    if (!state->config->log_tls_feature_status || !state->tls_noted)
        return NULL;
    vstring_strcpy(buf, tls_level_name(wanted));
    if (level != wanted && level != TLS_LEV_INVALID)
        vstring_sprintf_append(buf, ":%s", tls_level_name(level));
    if (!state->tls_decided)
        vstring_addch(buf, '?');
    if (state->requiretls == SMTP_REQUIRETLS_ENFORCE)
        vstring_strcat(buf, "/requiretls");
    else if (state->requiretls == SMTP_REQUIRETLS_OPPORTUNISTIC)
        vstring_strcat(buf, "/(requiretls)");
    if (violation)
        vstring_addch(buf, '!');
    return vstring_str(buf);
}
