/*++
 * NAME
 *	smtpd_milter - the SMTP server's side of smtpd_milters
 * SYNOPSIS
 *	#include "smtpd_milter.h"
 *
 *	int	smtpd_milter_connect(SMTPD_STATE *state);
 *	int	smtpd_milter_helo(SMTPD_STATE *state, const char *helo);
 *	int	smtpd_milter_mail(SMTPD_STATE *state);
 *	int	smtpd_milter_rcpt(SMTPD_STATE *state);
 *	void	smtpd_milter_rcpt_rejected(SMTPD_STATE *state,
 *				const char *reply);
 *	int	smtpd_milter_data(SMTPD_STATE *state);
 *	int	smtpd_milter_unknown(SMTPD_STATE *state, const char *line);
 *	int	smtpd_milter_message(SMTPD_STATE *state);
 *	void	smtpd_milter_abort(SMTPD_STATE *state);
 *	void	smtpd_milter_end(SMTPD_STATE *state);
 * DESCRIPTION
 *	These connect the session to the milters of smtpd_milters
 *	(milter(3)). smtpd_milter_connect() makes the session's milter list
 *	(none for a stand-alone session or an empty smtpd_milters; when
 *	smtpd_milter_maps has an entry for the client's address, that list
 *	instead, or none for DISABLE; a lookup error or a malformed list
 *	there ends the session with "421 4.3.0 Server configuration error")
 *	and sends
 *	the connect event; a rejection is sent instead of the greeting and
 *	the session answers every command but QUIT with "503 5.7.0 Error:
 *	access denied" (as a connect-time client restriction does); a 421
 *	ends it after the reply. It returns 0 when the greeting may follow. smtpd_milter_helo(), smtpd_milter_mail(), smtpd_milter_rcpt()
 *	(the recipient of state->args), smtpd_milter_data() and
 *	smtpd_milter_unknown() send their event after the access
 *	restrictions have passed it; a rejection is replied (the milter's
 *	own text, multi-line and enhanced status codes kept, or the default
 *	text) and logged as "milter-reject". Each returns 0 when the command
 *	may go on, -1 after a reply.
 *
 *	smtpd_milter_message() runs the message that the queue file holds
 *	back (smtpd_queue(3)) through the milters at the end of DATA and
 *	applies their modifications to it. It returns 0 when the message may
 *	be queued (DISCARD and HOLD are handed to cleanup as the access
 *	actions are, and logged as "milter-discard" and "milter-hold"), -1
 *	after a rejection was replied.
 *
 *	smtpd_milter_abort() tells the milters that the transaction ended
 *	without a message. smtpd_milter_end() ends the milters' session and
 *	frees the list.
 *
 *	smtpd_milter_rcpt_rejected() shows the recipient of state->args,
 *	which the access restrictions refused with reply, to the milters
 *	that asked for refused recipients (RCPT_REJ): {rcpt_mailer} is then
 *	"error", {rcpt_host} the enhanced status code of reply and
 *	{rcpt_addr} its text. Their answer changes nothing.
 *
 *	The macros that the milters receive (milter_*_macros) take their
 *	values from the session (smtpd_milter_macro(3)); {daemon_name} and
 *	v come from milter_macro_daemon_name and milter_macro_v.
 *--*/

#include <string.h>
#include <strings.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "cleanup_client.h"
#include "milter.h"
#include "receive_override.h"

#include "smtpd_cmd.h"
#include "smtpd_milter.h"
#include "smtpd_queue.h"
#include "smtpd_tls.h"

/* smtpd_milter_reply - send a milter's reply, line by line */

static void smtpd_milter_reply(SMTPD_STATE *state, const char *text)
{
    char *copy = mystrdup(text);
    char *cp = copy;
    char *line;

    while ((line = strsep(&cp, "\n")) != NULL) {
        size_t len = strlen(line);

        if (len > 0 && line[len - 1] == '\r')
            line[len - 1] = 0;
        if (*line)
            smtpd_reply(state, "%s", line);
    }
    myfree(copy);
}

/* smtpd_milter_verdict - act on an event's result; 0: go on */

static int smtpd_milter_verdict(SMTPD_STATE *state, const MILTER_RESULT *result,
                                const char *recipient)
{
    switch (result->verdict) {
    case MILTER_CONTINUE:
        return 0;
    case MILTER_DISCARD:
        state->actions.discard = true;
        return 0;
    case MILTER_HOLD:
        state->actions.hold = true;
        return 0;
    case MILTER_SHUTDOWN:
        smtpd_milter_reply(state, result->reply);
        smtpd_log_reject(state, "milter-reject", NULL, recipient);
        smtpd_close(state, NULL);
        return -1;
    default:
        smtpd_milter_reply(state, result->reply);
        smtpd_log_reject(state, "milter-reject", NULL, recipient);
        return -1;
    }
}

/* smtpd_milter_list - smtpd_milters, or what smtpd_milter_maps say for this client */

static const char *smtpd_milter_list(SMTPD_STATE *state, const char **out_origin)
{
    MAPS *maps = state->cfg->milter_maps;
    const char *value;

    *out_origin = VAR_SMTPD_MILTERS;
    if (state->stand_alone || state->cfg->milters == NULL ||
        (state->cfg->receive_override & RECEIVE_NO_MILTERS))
        return "";
    if (maps == NULL)
        return state->cfg->milters;
    if ((value = maps_find(maps, state->addr, 0)) == NULL && maps->error) {
        msg_warn("%s: %s lookup error for %s: %s", state->namaddr, VAR_SMTPD_MILTER_MAPS,
                 state->addr, maps_reason(maps));
        return NULL;
    }
    if (value == NULL)
        return state->cfg->milters;
    *out_origin = VAR_SMTPD_MILTER_MAPS;
    return strcasecmp(value, "DISABLE") == 0 ? "" : value;
}

/* smtpd_milter_connect - the session's milters and the connect event */

int smtpd_milter_connect(SMTPD_STATE *state)
{
    MILTER_RESULT result;
    const char *origin;
    const char *list = smtpd_milter_list(state, &origin);

    if (list == NULL || (*list && (state->milters = milters_create(
                                       list, &state->cfg->milter_settings, smtpd_milter_macro,
                                       state, state->scratch)) == NULL)) {
        if (list)
            msg_warn("%s: %s: %s", state->namaddr, origin, vstring_str(state->scratch));
        smtpd_close(state, "421 4.3.0 %s Server configuration error", state->cfg->myhostname);
        return -1;
    }
    if (state->milters == NULL)
        return 0;
    state->milter_macro_buf = vstring_alloc(64);
    milters_header_checks(state->milters, smtpd_milter_header_check, state);
    result = milters_connect(state->milters, state->name, state->addr, state->port);
    switch (result.verdict) {
    case MILTER_REJECT:
    case MILTER_TEMPFAIL:
        state->client_reject = mystrdup(result.reply);
        smtpd_milter_reply(state, result.reply);
        smtpd_log_reject(state, "milter-reject", NULL, NULL);
        return -1;
    case MILTER_SHUTDOWN:
        smtpd_milter_reply(state, result.reply);
        smtpd_log_reject(state, "milter-reject", NULL, NULL);
        smtpd_close(state, NULL);
        return -1;
    default:
        return 0;
    }
}

/* smtpd_milter_helo - HELO/EHLO */

int smtpd_milter_helo(SMTPD_STATE *state, const char *helo)
{
    MILTER_RESULT result;

    if (!SMTPD_MILTERS_ACTIVE(state))
        return 0;
    result = milters_helo(state->milters, helo);
    return smtpd_milter_verdict(state, &result, NULL);
}

/* smtpd_milter_args - "<address>" and the ESMTP parameters */

static ARGV *smtpd_milter_args(SMTPD_STATE *state)
{
    ARGV *args = argv_alloc(4);
    VSTRING *addr = vstring_alloc(64);

    vstring_sprintf(addr, "<%s>", state->args.address ? state->args.address : "");
    argv_add(args, vstring_str(addr));
    for (size_t i = 0; state->args.params && i < state->args.params->argc; i++)
        argv_add(args, state->args.params->argv[i]);
    vstring_free(addr);
    return args;
}

/* smtpd_milter_mail - MAIL FROM */

int smtpd_milter_mail(SMTPD_STATE *state)
{
    MILTER_RESULT result;
    ARGV *args;

    if (!SMTPD_MILTERS_ACTIVE(state))
        return 0;
    args = smtpd_milter_args(state);
    result = milters_mail(state->milters, args);
    argv_free(args);
    if (smtpd_milter_verdict(state, &result, NULL) < 0) {
        milters_abort(state->milters);
        return -1;
    }
    state->milter_in_transaction = true;
    return 0;
}

/* smtpd_milter_rcpt - RCPT TO */

int smtpd_milter_rcpt(SMTPD_STATE *state)
{
    MILTER_RESULT result;
    ARGV *args;

    if (!SMTPD_MILTERS_ACTIVE(state))
        return 0;
    args = smtpd_milter_args(state);
    result = milters_rcpt(state->milters, args);
    argv_free(args);
    return smtpd_milter_verdict(state, &result, state->args.address);
}

/* smtpd_milter_rcpt_rejected - a refused RCPT TO, for the milters that want it */

void smtpd_milter_rcpt_rejected(SMTPD_STATE *state, const char *reply)
{
    ARGV *args;

    if (!SMTPD_MILTERS_ACTIVE(state) || !state->milter_in_transaction)
        return;
    args = smtpd_milter_args(state);
    state->milter_rcpt_reject = reply;
    milters_rcpt_rejected(state->milters, args);
    state->milter_rcpt_reject = NULL;
    argv_free(args);
}

/* smtpd_milter_data - DATA */

int smtpd_milter_data(SMTPD_STATE *state)
{
    MILTER_RESULT result;

    if (!SMTPD_MILTERS_ACTIVE(state))
        return 0;
    result = milters_data(state->milters);
    return smtpd_milter_verdict(state, &result, NULL);
}

/* smtpd_milter_unknown - an unknown command */

int smtpd_milter_unknown(SMTPD_STATE *state, const char *line)
{
    MILTER_RESULT result;

    if (!SMTPD_MILTERS_ACTIVE(state))
        return 0;
    result = milters_unknown(state->milters, line);
    return smtpd_milter_verdict(state, &result, NULL);
}

/* smtpd_milter_log_action - "milter-hold" and "milter-discard" lines */

static void smtpd_milter_log_action(SMTPD_STATE *state, const char *action, const char *what)
{
    VSTRING *text = vstring_alloc(100);

    vstring_sprintf(text, "milter triggers %s action", what);
    smtpd_log_reject(state, action, vstring_str(text), NULL);
    vstring_free(text);
}

/* smtpd_milter_message - the content through the milters */

int smtpd_milter_message(SMTPD_STATE *state)
{
    MILTER_RESULT result;
    MILTER_MSG *msg;

    if (!SMTPD_MILTERS_ACTIVE(state) || (msg = smtpd_queue_milter_msg(state->queue)) == NULL)
        return 0;
    result = milters_message(state->milters, msg);
    state->milter_in_transaction = false;
    switch (result.verdict) {
    case MILTER_CONTINUE:
        break;
    case MILTER_DISCARD:
        smtpd_milter_log_action(state, "milter-discard", "DISCARD");
        smtpd_queue_attr(state->queue, CLEANUP_ATTR_DISCARD, "yes");
        break;
    case MILTER_HOLD:
        smtpd_milter_log_action(state, "milter-hold", "HOLD");
        smtpd_queue_attr(state->queue, CLEANUP_ATTR_HOLD, "yes");
        break;
    default:
        return smtpd_milter_verdict(state, &result, NULL);
    }
    return 0;
}

/* smtpd_milter_abort - the transaction ends without a message */

void smtpd_milter_abort(SMTPD_STATE *state)
{
    if (SMTPD_MILTERS_ACTIVE(state) && state->milter_in_transaction)
        milters_abort(state->milters);
    state->milter_in_transaction = false;
}

/* smtpd_milter_end - the session ends */

void smtpd_milter_end(SMTPD_STATE *state)
{
    if (!SMTPD_MILTERS_ACTIVE(state))
        return;
    milters_quit(state->milters);
    state->milters = milters_free(state->milters);
    vstring_free(state->milter_macro_buf);
    state->milter_macro_buf = NULL;
}
