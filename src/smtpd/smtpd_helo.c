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
 *	ENHANCEDSTATUSCODES, 8BITMIME and DSN, minus those named in
 *	smtpd_discard_ehlo_keywords. Discarded keywords are logged unless
 *	that list also names "silent-discard"; a discarded extension is
 *	also refused when used, except ETRN, which Postfix still serves.
 *--*/

#include <ctype.h>
#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "smtpd_cmd.h"
#include "smtpd_milter.h"
#include "smtpd_sasl.h"

/* EHLO keywords that smtpd_discard_ehlo_keywords may name. */
static const struct {
    const char *name; /* lower case, as in main.cf */
    int mask;         /* SMTPD_EHLO_* */
} smtpd_ehlo_keywords[] = {
    {"pipelining", SMTPD_EHLO_PIPELINING},
    {"size", SMTPD_EHLO_SIZE},
    {"vrfy", SMTPD_EHLO_VRFY},
    {"etrn", SMTPD_EHLO_ETRN},
    {"starttls", SMTPD_EHLO_STARTTLS},
    {"auth", SMTPD_EHLO_AUTH},
    {"enhancedstatuscodes", SMTPD_EHLO_ENHANCEDCODE},
    {"8bitmime", SMTPD_EHLO_8BITMIME},
    {"dsn", SMTPD_EHLO_DSN},
    {"requiretls", SMTPD_EHLO_REQUIRETLS},
    {"xclient", SMTPD_EHLO_XCLIENT},
    {"xforward", SMTPD_EHLO_XFORWARD},
    {"silent-discard", SMTPD_EHLO_SILENT},
    {NULL, 0},
};

/* smtpd_helo_discard_mask - the keywords hidden from this client */

static int smtpd_helo_discard_mask(SMTPD_STATE *state)
{
    const ARGV *names = state->cfg->discard_ehlo;
    int mask = 0;

    for (size_t i = 0; names && i < names->argc; i++)
        for (int k = 0; smtpd_ehlo_keywords[k].name; k++)
            if (strcmp(names->argv[i], smtpd_ehlo_keywords[k].name) == 0)
                mask |= smtpd_ehlo_keywords[k].mask;
    return mask;
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
    VSTRING *names = state->scratch;

    if (mask == 0 || (mask & SMTPD_EHLO_SILENT))
        return;
    VSTRING_RESET(names);
    for (int k = 0; smtpd_ehlo_keywords[k].name; k++)
        if (mask & smtpd_ehlo_keywords[k].mask)
            vstring_sprintf_append(names, "%s%s", VSTRING_LEN(names) ? " " : "",
                                   smtpd_ehlo_keywords[k].name);
    /* As the client would have seen them: "discarding EHLO keywords: VRFY ETRN". */
    for (char *cp = vstring_str(names); *cp; cp++)
        *cp = toupper((unsigned char)*cp);
    msg_info("discarding EHLO keywords: %s", vstring_str(names));
}

/* smtp_proceed_ehlo - EHLO and the extension list */

int smtp_proceed_ehlo(SMTPD_STATE *state, char *args)
{
    int discard = smtpd_helo_discard_mask(state);
    ARGV *lines;

    state->ehlo_discard = 0;
    if (smtpd_helo_start(state, args, "ESMTP") < 0)
        return -1;
    state->ehlo_discard = discard;
    smtpd_helo_log_discard(state, discard);
    lines = argv_alloc(10);
    argv_add(lines, state->cfg->myhostname);
    if (!(discard & SMTPD_EHLO_PIPELINING))
        argv_add(lines, "PIPELINING");
    if (!(discard & SMTPD_EHLO_SIZE)) {
        if (state->cfg->message_size_limit > 0) {
            vstring_sprintf(state->scratch, "SIZE %ld", state->cfg->message_size_limit);
            argv_add(lines, vstring_str(state->scratch));
        } else {
            argv_add(lines, "SIZE");
        }
    }
    if (!(discard & SMTPD_EHLO_VRFY) && !state->cfg->disable_vrfy)
        argv_add(lines, "VRFY");
    if (!(discard & SMTPD_EHLO_ETRN))
        argv_add(lines, "ETRN");
    if (!(discard & SMTPD_EHLO_STARTTLS) && smtpd_starttls_offered(state))
        argv_add(lines, "STARTTLS");
    smtpd_sasl_ehlo(state, lines);
    /* Postfix's order: the proxy extensions after AUTH. */
    if (!(discard & SMTPD_EHLO_XCLIENT) && state->xclient_ok)
        argv_add(lines, "XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN DESTADDR DESTPORT");
    if (!(discard & SMTPD_EHLO_XFORWARD) && state->xforward_ok)
        argv_add(lines, "XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT LOGIN");
    if (!(discard & SMTPD_EHLO_ENHANCEDCODE))
        argv_add(lines, "ENHANCEDSTATUSCODES");
    if (!(discard & SMTPD_EHLO_8BITMIME))
        argv_add(lines, "8BITMIME");
    if (!(discard & SMTPD_EHLO_DSN))
        argv_add(lines, "DSN");
    if (!(discard & SMTPD_EHLO_REQUIRETLS) && smtpd_requiretls_offered(state))
        argv_add(lines, "REQUIRETLS");
    smtpd_reply_lines(state, lines);
    argv_free(lines);
    return 0;
}
