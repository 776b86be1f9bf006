/*++
 * NAME
 *	smtpd_unlisted - refuse unlisted senders and recipients
 * SYNOPSIS
 *	#include "smtpd_unlisted.h"
 *
 *	int	smtpd_unlisted_sender(SMTPD_STATE *state, const char *sender);
 *	int	smtpd_unlisted_recipient(SMTPD_STATE *state,
 *				const char *recipient);
 *	int	smtpd_unlisted_syntax(SMTPD_STATE *state, const char *address);
 *	void	smtpd_unlisted_illegal(SMTPD_STATE *state, const char *args,
 *				const char *keyword);
 * DESCRIPTION
 *	smtpd_unlisted_sender() applies smtpd_reject_unlisted_sender to a
 *	sender (not to the null sender); smtpd_unlisted_recipient() applies
 *	smtpd_reject_unlisted_recipient to a recipient. Each returns 0 when
 *	the address passes (or the check is off), or -1 after it sent and
 *	logged the refusal ("NOQUEUE: reject: RCPT from ...").
 *
 *	smtpd_unlisted_syntax() asks the address resolver whether the
 *	domain of a MAIL or RCPT address is well-formed
 *	(rcpt_maps_syntax_ok(3): a host name, an address literal that holds
 *	an address, a bare IP address only with resolve_numeric_domain).
 *	It returns 0 when it is (always for a local submission), or -1; the
 *	caller logs it with smtpd_unlisted_illegal() and sends the 501
 *	reply of its command.
 *
 *	smtpd_unlisted_illegal() logs "Illegal address syntax from
 *	name[addr] in RCPT command: <address>" for the arguments args of
 *	a MAIL or RCPT command (keyword "FROM:" or "TO:"), with the address
 *	as the client wrote it.
 * SEE ALSO
 *	rcpt_maps(3), smtpd_policy(3), smtpd_unlisted_config(3)
 *--*/

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "rcpt_maps.h"

/* Application-specific. */
#include "smtpd.h"
#include "smtpd_addr.h"
#include "smtpd_config.h"
#include "smtpd_unlisted.h"

/* smtpd_unlisted_check - one address in one role */

static int smtpd_unlisted_check(SMTPD_STATE *state, RCPT_MAPS_ROLE role, const char *address,
                                const char *recipient)
{
    RCPT_MAPS *maps = state->cfg->rcpt_maps;

    if (maps == NULL || state->stand_alone || !rcpt_maps_implicit(maps, role) ||
        rcpt_maps_check(maps, role, state->sender ? state->sender : "", address, state->verdict) ==
            RCPT_MAPS_KNOWN)
        return 0;
    smtpd_reply(state, "%s", vstring_str(state->verdict));
    smtpd_log_reject(state, "reject", NULL, recipient);
    return -1;
}

/* smtpd_unlisted_sender - smtpd_reject_unlisted_sender */

int smtpd_unlisted_sender(SMTPD_STATE *state, const char *sender)
{
    if (sender == NULL || *sender == 0)
        return 0;
    return smtpd_unlisted_check(state, RCPT_MAPS_SENDER, sender, NULL);
}

/* smtpd_unlisted_recipient - smtpd_reject_unlisted_recipient */

int smtpd_unlisted_recipient(SMTPD_STATE *state, const char *recipient)
{
    return smtpd_unlisted_check(state, RCPT_MAPS_RECIPIENT, recipient, recipient);
}

/* smtpd_unlisted_syntax - may the resolver take the address? */

int smtpd_unlisted_syntax(SMTPD_STATE *state, const char *address)
{
    RCPT_MAPS *maps = state->cfg->rcpt_maps;

    if (maps == NULL || state->stand_alone ||
        rcpt_maps_syntax_ok(maps, state->sender ? state->sender : NULL, address))
        return 0;
    return -1;
}

/* smtpd_unlisted_illegal - log a malformed MAIL or RCPT address */

void smtpd_unlisted_illegal(SMTPD_STATE *state, const char *args, const char *keyword)
{
    smtpd_addr_token(state->verdict, args, keyword);
    msg_warn("Illegal address syntax from %s in %s command: %s", state->namaddr, state->where,
             vstring_str(smtpd_text_printable(state->scratch, vstring_str(state->verdict), NULL)));
}
