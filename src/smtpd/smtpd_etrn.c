/*++
 * NAME
 *	smtpd_etrn - the ETRN command (RFC 1985)
 * SYNOPSIS
 *	#include "smtpd_cmd.h"
 *
 *	int	smtp_check_etrn(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_etrn(SMTPD_STATE *state, char *args);
 * DESCRIPTION
 *	A client with intermittent connectivity asks with "ETRN domain" for
 *	the delivery of the mail that is queued for it; the mail then goes
 *	out over new connections to the client's mail server, not over this
 *	one. The fast flush service (flush(8)) keeps the lists that make
 *	this quick, for the domains in fast_flush_domains only.
 *
 *	smtp_check_etrn() refuses ETRN before HELO/EHLO when
 *	smtpd_helo_required is set ("503 Error: send HELO/EHLO first"),
 *	inside a mail transaction ("503 Error: MAIL transaction in
 *	progress"), and without exactly one argument ("500 Syntax: ETRN
 *	domain").
 *
 *	smtp_proceed_etrn() takes the domain (a leading '@' or '#', which
 *	some clients send, is dropped), which must be a host name or an
 *	address literal ("501 Error: invalid parameter syntax"), applies the
 *	access restrictions (smtpd_policy_etrn()), then asks the fast flush
 *	service to deliver the domain's mail: "250 Queuing started", "459
 *	<domain>: service unavailable" for a domain that is not eligible,
 *	"458 Unable to queue messages" when the service fails. The replies
 *	are those of Postfix, without enhanced status codes. In a
 *	stand-alone session (sendmail -bs) ETRN always gets 458.
 * DIAGNOSTICS
 *	Warnings: "reject: ETRN domain... from host[addr]" for a domain
 *	that is not eligible, "unable to talk to fast flush service".
 * SEE ALSO
 *	flush(8), mail_flush(3), RFC 1985
 *--*/

/* System library. */
#include <ctype.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "valid_hostname.h"

/* Global library. */
#include "mail_flush.h"

/* Application-specific. */
#include "smtpd_cmd.h"

/* smtp_check_etrn - the protocol state and the syntax */

int smtp_check_etrn(SMTPD_STATE *state, char *args)
{
    if (state->cfg->helo_required && state->helo_name == NULL) {
        smtpd_reply(state, "503 Error: send HELO/EHLO first");
        return -1;
    }
    if (state->sender) {
        smtpd_reply(state, "503 Error: MAIL transaction in progress");
        return -1;
    }
    if (*args == 0 || strpbrk(args, " \t") != NULL) {
        smtpd_reply(state, "500 Syntax: ETRN domain");
        return -1;
    }
    return 0;
}

/* smtp_proceed_etrn - the restrictions, then the fast flush service */

int smtp_proceed_etrn(SMTPD_STATE *state, char *args)
{
    const SMTPD_CONFIG *cfg = state->cfg;
    MAIL_FLUSH_PROPS props = {
        .queue_directory = ".",
        .queue_service = "",
        .flush_service = cfg->flush_service,
        .timeout = cfg->ipc_timeout,
    };
    char *domain = args;

    if (*domain == '@' || *domain == '#')
        domain++;
    if (!valid_hostname(domain) && !valid_hostliteral(domain)) {
        smtpd_reply(state, "501 Error: invalid parameter syntax");
        return -1;
    }
    if (state->stand_alone) {
        msg_warn("do not use ETRN in \"sendmail -bs\" mode");
        smtpd_reply(state, "458 Unable to queue messages");
        return -1;
    }
    if (smtpd_policy_etrn(state, domain) < 0)
        return -1;
    switch (mail_flush_site(&props, domain)) {
    case MAIL_FLUSH_STAT_OK:
        smtpd_reply(state, "250 Queuing started");
        return 0;
    case MAIL_FLUSH_STAT_DENY:
        msg_warn("reject: ETRN %.100s... from %s", domain, state->namaddr);
        smtpd_reply(state, "459 <%s>: service unavailable", domain);
        return -1;
    case MAIL_FLUSH_STAT_BAD:
        msg_warn("bad ETRN %.100s... from %s", domain, state->namaddr);
        smtpd_reply(state, "458 Unable to queue messages");
        return -1;
    default:
        msg_warn("unable to talk to fast flush service");
        smtpd_reply(state, "458 Unable to queue messages");
        return -1;
    }
}
