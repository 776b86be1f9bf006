/*++
 * NAME
 *	smtpd_helo - the HELO and EHLO commands
 * SYNOPSIS
 *	#include "smtpd_cmd.h"
 *
 *	int	smtp_check_helo(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_helo(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_ehlo(SMTPD_STATE *state, char *args);
 * DESCRIPTION
 *	smtp_check_helo() requires exactly one argument, the client's host
 *	name ("501 Syntax: HELO hostname" otherwise; state->where tells
 *	which verb).
 *
 *	smtp_proceed_helo() and smtp_proceed_ehlo() start over: a mail
 *	transaction in progress is abandoned and the previous HELO/EHLO is
 *	forgotten (RFC 5321 section 4.1.4). The name is remembered with
 *	its non-printable and 8-bit bytes, and the characters that could
 *	break out of Received: or a log field, replaced by '?'
 *	(smtpd_text_helo()); the restrictions, Received: and the queue file
 *	see only that form. With smtpd_delay_reject = no the HELO
 *	restrictions run here. HELO answers "250 myhostname"; EHLO
 *	lists the service extensions: PIPELINING, SIZE, VRFY, ETRN, STARTTLS
 *	(when TLS is configured and not yet active), AUTH with the
 *	mechanisms that may be used now (smtpd_sasl(3)),
 *	ENHANCEDSTATUSCODES, 8BITMIME, DSN and REQUIRETLS, minus those
 *	named (ehlo_mask(3), any case) in the client address's entry of
 *	smtpd_discard_ehlo_keyword_address_maps, or else in
 *	smtpd_discard_ehlo_keywords (a failed lookup ends the session: "421
 *	4.3.0 myhostname Server local data error"). Discarded keywords are
 *	logged as Postfix does ("discarding EHLO keywords: VRFY DSN") unless
 *	the list also names "silent-discard" or, as in Postfix,
 *	ENHANCEDSTATUSCODES. STARTTLS, AUTH, DSN and REQUIRETLS are also
 *	refused when used once discarded; VRFY, ETRN and the enhanced status
 *	codes stay, as in Postfix.
 *--*/

#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "ehlo_mask.h"
#include "maps.h"

#include "smtpd_cmd.h"
#include "smtpd_milter.h"
#include "smtpd_sasl.h"

/* smtpd_helo_discard_mask - the keywords hidden from this client; -1 when a lookup failed */

static int smtpd_helo_discard_mask(SMTPD_STATE *state)
{
    MAPS *maps = state->cfg->discard_ehlo_maps;
    const char *words;

    if (maps == NULL)
        return state->cfg->discard_ehlo;
    if ((words = maps_find(maps, state->addr, 0)) != NULL)
        return ehlo_mask(words);
    if (maps->error) {
        msg_warn("don't know what EHLO features to announce to %s", state->namaddr);
        return -1;
    }
    return state->cfg->discard_ehlo;
}

/* smtp_check_helo - exactly one argument */

int smtp_check_helo(SMTPD_STATE *state, char *args)
{
    if (*args == 0 || args[strcspn(args, " \t")] != 0) {
        smtpd_reply(state, "501 Syntax: %s hostname", state->where);
        return -1;
    }
    return 0;
}

/* smtpd_helo_start - forget the past, check and remember the name */

static int smtpd_helo_start(SMTPD_STATE *state, const char *name, const char *protocol)
{
    char *stored = smtpd_text_helo(name);

    smtpd_mail_reset(state);
    smtpd_helo_reset(state);
    if (smtpd_policy_helo(state, stored) < 0 || smtpd_milter_helo(state, stored) < 0) {
        myfree(stored);
        return -1;
    }
    state->helo_name = stored;
    state->protocol = protocol;
    smtpd_set_protocol(state);
    return 0;
}

/* smtp_proceed_helo - HELO */

int smtp_proceed_helo(SMTPD_STATE *state, char *args)
{
    state->ehlo_discard = 0;
    if (smtpd_helo_start(state, args, "SMTP") < 0)
        return -1;
    smtpd_reply(state, "250 %s", state->cfg->myhostname);
    return 0;
}

/* smtpd_helo_log_discard - name what the client will not see */

static void smtpd_helo_log_discard(SMTPD_STATE *state, int mask)
{
    /* As in Postfix: no log line when ENHANCEDSTATUSCODES is among them. */
    if (mask == 0 || (mask & (EHLO_MASK_SILENT | EHLO_MASK_ENHANCEDSTATUSCODES)))
        return;
    msg_info("discarding EHLO keywords: %s", ehlo_mask_str(state->scratch, mask));
}

/* smtp_proceed_ehlo - EHLO and the extension list */

int smtp_proceed_ehlo(SMTPD_STATE *state, char *args)
{
    int discard = smtpd_helo_discard_mask(state);
    ARGV *lines;

    if (discard < 0) {
        smtpd_close(state, "421 4.3.0 %s Server local data error", state->cfg->myhostname);
        return -1;
    }
    state->ehlo_discard = 0;
    if (smtpd_helo_start(state, args, "ESMTP") < 0)
        return -1;
    state->ehlo_discard = discard;
    smtpd_helo_log_discard(state, discard);
    lines = argv_alloc(10);
    argv_add(lines, state->cfg->myhostname);
    if (!(discard & EHLO_MASK_PIPELINING))
        argv_add(lines, "PIPELINING");
    if (!(discard & EHLO_MASK_SIZE)) {
        if (state->cfg->message_size_limit > 0) {
            vstring_sprintf(state->scratch, "SIZE %ld", state->cfg->message_size_limit);
            argv_add(lines, vstring_str(state->scratch));
        } else {
            argv_add(lines, "SIZE");
        }
    }
    if (!(discard & EHLO_MASK_VRFY) && !state->cfg->disable_vrfy)
        argv_add(lines, "VRFY");
    if (!(discard & EHLO_MASK_ETRN))
        argv_add(lines, "ETRN");
    if (!(discard & EHLO_MASK_STARTTLS) && smtpd_starttls_offered(state))
        argv_add(lines, "STARTTLS");
    smtpd_sasl_ehlo(state, lines);
    /* Postfix's order: the proxy extensions after AUTH. */
    if (!(discard & EHLO_MASK_XCLIENT) && state->xclient_ok)
        argv_add(lines, "XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN DESTADDR DESTPORT");
    if (!(discard & EHLO_MASK_XFORWARD) && state->xforward_ok)
        argv_add(lines, "XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT LOGIN");
    if (!(discard & EHLO_MASK_ENHANCEDSTATUSCODES))
        argv_add(lines, "ENHANCEDSTATUSCODES");
    if (!(discard & EHLO_MASK_8BITMIME))
        argv_add(lines, "8BITMIME");
    if (!(discard & EHLO_MASK_DSN))
        argv_add(lines, "DSN");
    if (!(discard & EHLO_MASK_REQUIRETLS) && smtpd_requiretls_offered(state))
        argv_add(lines, "REQUIRETLS");
    smtpd_reply_lines(state, lines);
    argv_free(lines);
    return 0;
}
