/*++
 * NAME
 *	smtpd_milter_checks - milter_header_checks for smtpd_milters
 * SYNOPSIS
 *	#include "smtpd_milter.h"
 *
 *	MILTER_HEADER_VERDICT smtpd_milter_header_check(void *context,
 *				const char *field, VSTRING *replacement);
 * DESCRIPTION
 *	smtpd_milter_header_check() is the MILTER_HEADER_FN (milter(3))
 *	that looks each header field that one of smtpd_milters adds,
 *	inserts or changes up in milter_header_checks (header_checks(5)
 *	syntax; context is the SMTPD_STATE) before the field is applied to
 *	the message that waits for cleanup.
 *
 *	REJECT [text] refuses the message ("550 5.7.1 text", default text
 *	"message content rejected"; a text with an enhanced status code
 *	keeps it); a failed lookup refuses it for now ("451 4.3.0 Temporary
 *	lookup failure"). IGNORE leaves the field out, REPLACE text puts
 *	text in its place. DISCARD, HOLD, FILTER transport:destination and
 *	REDIRECT user@domain go to cleanup as the access table actions do,
 *	BCC user@domain adds a recipient; WARN and INFO only log. PREPEND
 *	is not supported here (a warning; the field is kept), as in Postfix.
 *	Each action but IGNORE and BCC is logged as cleanup logs
 *	header_checks actions:
 *
 *	ID: reject: header X-Spam: yes from host[addr]; from=<s> to=<r>
 *	    proto=ESMTP helo=<name>: 5.7.1 text
 *
 *	With receive_override_options = no_header_body_checks every field is
 *	kept.
 *--*/

#include <ctype.h>
#include <string.h>

#include "msg.h"
#include "vstring.h"

#include "cleanup_client.h"
#include "header_action.h"
#include "maps.h"
#include "milter_header_lookup.h"
#include "rec_type.h"
#include "receive_override.h"

#include "smtpd_milter.h"
#include "smtpd_queue.h"

/* Bytes of the field that a log line shows. */
#define SMTPD_MILTER_CHECKS_LOG_LIMIT 200

/* smtpd_milter_checks_log - the header_checks log line of an action */

static void smtpd_milter_checks_log(SMTPD_STATE *state, const char *action, const char *field,
                                    const char *text)
{
    VSTRING *buf = vstring_alloc(200);

    vstring_sprintf(buf, "%s: %s: header ", state->queue_id ? state->queue_id : "NOQUEUE", action);
    for (const char *cp = field; *cp && cp - field < SMTPD_MILTER_CHECKS_LOG_LIMIT; cp++)
        vstring_addch(buf, iscntrl((unsigned char)*cp) ? '?' : *cp);
    vstring_sprintf_append(buf, " from %s; from=<%s>", state->namaddr,
                           state->sender ? state->sender : "");
    if (state->recipient)
        vstring_sprintf_append(buf, " to=<%s>", state->recipient);
    vstring_sprintf_append(buf, " proto=%s", state->protocol);
    if (state->helo_name)
        vstring_sprintf_append(buf, " helo=<%s>", state->helo_name);
    if (text && *text)
        vstring_sprintf_append(buf, ": %s", text);
    msg_info("%s", vstring_str(buf));
    vstring_free(buf);
}

/* smtpd_milter_checks_reject - REJECT: the reply that refuses the message */

static MILTER_HEADER_VERDICT smtpd_milter_checks_reject(SMTPD_STATE *state, const char *field,
                                                        const char *text, VSTRING *reply)
{
    size_t len = strspn(text, "0123456789.");

    if (*text == 0)
        text = "message content rejected";
    if (len >= 5 && text[0] == '5' && text[1] == '.' && (text[len] == ' ' || text[len] == 0))
        vstring_sprintf(reply, "550 %s", text);
    else
        vstring_sprintf(reply, "550 5.7.1 %s", text);
    smtpd_milter_checks_log(state, "reject", field, vstring_str(reply) + 4);
    return MILTER_HEADER_REJECT;
}

/* smtpd_milter_checks_arg - an action's argument, or NULL after a warning */

static const char *smtpd_milter_checks_arg(const HEADER_ACTION_RESULT *res, const char *title,
                                           const char *need)
{
    if (*res->text != 0 && strstr(res->text, need) != NULL)
        return res->text;
    msg_warn("bad %s argument \"%s\" in %s map -- need \"%s\"", res->keyword, res->text, title,
             *need == ':' ? "transport:destination" : "user@domain");
    return NULL;
}

/* smtpd_milter_checks_act - act on a table value */

static MILTER_HEADER_VERDICT smtpd_milter_checks_act(SMTPD_STATE *state, const char *title,
                                                     const char *field, const char *value,
                                                     VSTRING *replacement)
{
    HEADER_ACTION_RESULT res;
    const char *arg;

    switch (header_action_parse(value, &res)) {
    case HEADER_ACTION_REJECT:
        return smtpd_milter_checks_reject(state, field, res.text, replacement);
    case HEADER_ACTION_WARN:
        smtpd_milter_checks_log(state, "warning", field, res.text);
        break;
    case HEADER_ACTION_INFO:
        smtpd_milter_checks_log(state, "info", field, res.text);
        break;
    case HEADER_ACTION_DISCARD:
        smtpd_milter_checks_log(state, "discard", field, res.text);
        smtpd_queue_attr(state->queue, CLEANUP_ATTR_DISCARD, "yes");
        break;
    case HEADER_ACTION_HOLD:
        smtpd_milter_checks_log(state, "hold", field, res.text);
        smtpd_queue_attr(state->queue, CLEANUP_ATTR_HOLD, "yes");
        break;
    case HEADER_ACTION_FILTER:
        if ((arg = smtpd_milter_checks_arg(&res, title, ":")) != NULL) {
            smtpd_milter_checks_log(state, "filter", field, arg);
            smtpd_queue_attr(state->queue, REC_ATTR_FILTER, arg);
        }
        break;
    case HEADER_ACTION_REDIRECT:
        if ((arg = smtpd_milter_checks_arg(&res, title, "@")) != NULL) {
            smtpd_milter_checks_log(state, "redirect", field, arg);
            smtpd_queue_attr(state->queue, REC_ATTR_REDIRECT, arg);
        }
        break;
    case HEADER_ACTION_BCC:
        if ((arg = smtpd_milter_checks_arg(&res, title, "@")) != NULL)
            smtpd_queue_rcpt(state->queue, arg, NULL, REC_NOTIFY_NEVER);
        break;
    case HEADER_ACTION_IGNORE:
        return MILTER_HEADER_DROP;
    case HEADER_ACTION_REPLACE:
        if (*res.text == 0 || strchr(res.text, ':') == NULL) {
            msg_warn("bad REPLACE header text \"%s\" in %s map -- need \"headername: "
                     "headervalue\"",
                     res.text, title);
            break;
        }
        smtpd_milter_checks_log(state, "replace", field, res.text);
        vstring_strcpy(replacement, res.text);
        return MILTER_HEADER_REPLACE;
    case HEADER_ACTION_PREPEND: /* milter_header_lookup() warns and keeps the field */
    case HEADER_ACTION_DUNNO:
        break;
    default:
        msg_warn("unknown command in %s map: %s", title, value);
        break;
    }
    return MILTER_HEADER_KEEP;
}

/* smtpd_milter_header_check - milter_header_checks on one field */

MILTER_HEADER_VERDICT smtpd_milter_header_check(void *context, const char *field,
                                                VSTRING *replacement)
{
    SMTPD_STATE *state = context;
    MAPS *maps = state->cfg->milter_header_maps;
    const char *value;

    if (maps == NULL || (state->cfg->receive_override & RECEIVE_NO_HEADER_BODY_CHECKS))
        return MILTER_HEADER_KEEP;
    switch (milter_header_lookup(maps, state->queue_id ? state->queue_id : "NOQUEUE", field, &value,
                                 replacement)) {
    case 0:
        return MILTER_HEADER_KEEP;
    case -1:
        return MILTER_HEADER_REJECT;
    default:
        return smtpd_milter_checks_act(state, maps->title, field, value, replacement);
    }
}
