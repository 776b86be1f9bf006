/*++
 * NAME
 *	smtpd_requiretls - the REQUIRETLS extension of the SMTP server
 * SYNOPSIS
 *	#include "smtpd.h"
 *
 *	bool	smtpd_requiretls_offered(const SMTPD_STATE *state);
 *	int	smtpd_requiretls_mail_opt(SMTPD_STATE *state);
 * DESCRIPTION
 *	RFC 8689 lets a sender ask that a message travel only over TLS
 *	connections to servers whose certificate was authenticated. The
 *	server announces the extension only inside TLS, and only with
 *	requiretls_enable = yes; the request is stored with the message
 *	(the "requiretls" queue file attribute) for the smtp client.
 *
 *	smtpd_requiretls_offered() tells EHLO whether to announce
 *	REQUIRETLS: with requiretls_enable, inside a TLS session.
 *
 *	smtpd_requiretls_mail_opt() takes the REQUIRETLS parameter of MAIL
 *	FROM (it has no value). Outside TLS it is refused with "530 5.7.10
 *	REQUIRETLS needs a TLS connection: issue STARTTLS first", with
 *	requiretls_enable = no as an unknown option ("555 5.5.4
 *	Unsupported option: REQUIRETLS"), and a second one in the same
 *	command as a syntax error. It returns 0 when the parameter was
 *	taken (state->args.requiretls), -1 after a reply.
 *--*/

#include <stdbool.h>

#include "ehlo_mask.h"

#include "smtpd.h"

/* smtpd_requiretls_offered - announce REQUIRETLS in EHLO? */

bool smtpd_requiretls_offered(const SMTPD_STATE *state)
{
    return state->cfg->requiretls_enable && SMTPD_TLS_ACTIVE(state);
}

/* smtpd_requiretls_mail_opt - MAIL FROM ... REQUIRETLS */

int smtpd_requiretls_mail_opt(SMTPD_STATE *state)
{
    if (!state->cfg->requiretls_enable || (state->ehlo_discard & EHLO_MASK_REQUIRETLS)) {
        smtpd_reply(state, "555 5.5.4 Unsupported option: REQUIRETLS");
        return -1;
    }
    if (!SMTPD_TLS_ACTIVE(state)) {
        smtpd_reply(state, "530 5.7.10 REQUIRETLS needs a TLS connection: issue STARTTLS first");
        return -1;
    }
    if (state->args.requiretls) {
        smtpd_reply(state, "501 5.5.4 Bad REQUIRETLS parameter syntax");
        return -1;
    }
    state->args.requiretls = true;
    return 0;
}
