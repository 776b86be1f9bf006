/*++
 * NAME
 *	smtpd_simple - RSET, NOOP, QUIT and VRFY
 * SYNOPSIS
 *	#include "smtpd_cmd.h"
 *
 *	int	smtp_check_no_args(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_rset(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_noop(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_quit(SMTPD_STATE *state, char *args);
 *	int	smtp_check_vrfy(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_vrfy(SMTPD_STATE *state, char *args);
 * DESCRIPTION
 *	smtp_check_no_args() refuses arguments ("501 5.5.4 Syntax: RSET").
 *
 *	smtp_proceed_rset() ends the mail transaction; smtp_proceed_noop()
 *	does nothing (arguments are ignored, as RFC 5321 allows);
 *	smtp_proceed_quit() says goodbye and ends the session. All answer
 *	with 2xx.
 *
 *	smtp_check_vrfy() refuses VRFY when disable_vrfy_command is set,
 *	and requires an argument; smtp_proceed_vrfy() answers 252 (the
 *	address is neither confirmed nor denied: RFC 5321 section 3.5.3).
 *--*/

#include "smtpd_cmd.h"

/* smtp_check_no_args - a command without arguments */

int smtp_check_no_args(SMTPD_STATE *state, char *args)
{
    if (*args) {
        smtpd_reply(state, "501 5.5.4 Syntax: %s", state->where);
        return -1;
    }
    return 0;
}

/* smtp_proceed_rset - end the transaction */

int smtp_proceed_rset(SMTPD_STATE *state, char *unused_args)
{
    smtpd_mail_reset(state);
    smtpd_reply(state, "250 2.0.0 Ok");
    return 0;
}

/* smtp_proceed_noop - nothing */

int smtp_proceed_noop(SMTPD_STATE *state, char *unused_args)
{
    smtpd_reply(state, "250 2.0.0 Ok");
    return 0;
}

/* smtp_proceed_quit - goodbye */

int smtp_proceed_quit(SMTPD_STATE *state, char *unused_args)
{
    smtpd_reply(state, "221 2.0.0 Bye");
    (void)smtpd_flush(state);
    if (state->end == SMTPD_END_NONE)
        state->end = SMTPD_END_QUIT;
    return 0;
}

/* smtp_check_vrfy - enabled, with an argument */

int smtp_check_vrfy(SMTPD_STATE *state, char *args)
{
    if (state->cfg->disable_vrfy) {
        smtpd_reply(state, "502 5.5.1 VRFY command is disabled");
        return -1;
    }
    if (*args == 0) {
        smtpd_reply(state, "501 5.5.4 Syntax: VRFY address");
        return -1;
    }
    return 0;
}

/* smtp_proceed_vrfy - cannot verify, will accept and attempt */

int smtp_proceed_vrfy(SMTPD_STATE *state, char *args)
{
    smtpd_reply(state, "252 2.0.0 %s", args);
    return 0;
}
