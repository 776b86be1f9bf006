/*++
 * NAME
 *	smtpd_actions - access-table actions on the whole message
 * SYNOPSIS
 *	#include "smtpd.h"
 *
 *	void	smtpd_actions_note(SMTPD_STATE *state,
 *				const ACCESS_RESULT *result,
 *				const char *log_text);
 *	void	smtpd_actions_envelope(SMTPD_STATE *state);
 *	void	smtpd_actions_headers(SMTPD_STATE *state);
 *	void	smtpd_actions_reset(SMTPD_ACTIONS *actions);
 * DESCRIPTION
 *	access(5) results that act on the message rather than decide
 *	(HOLD, DISCARD, FILTER, REDIRECT, BCC, PREPEND) apply to every
 *	recipient of the mail transaction, as in Postfix.
 *
 *	smtpd_actions_note() remembers one such result (its argument
 *	already checked by smtpd_check(3)) and logs log_text as Postfix
 *	does: "NOQUEUE: hold: RCPT from host[addr]: <a@b>: Recipient address
 *	triggers HOLD action; from=<...> to=<...> proto=ESMTP helo=<...>"
 *	(the action in lower case; PREPEND is not logged). FILTER and
 *	REDIRECT keep the last value; BCC and PREPEND add one each.
 *
 *	smtpd_actions_envelope() hands them to cleanup before the content:
 *	the hold and discard requests (CLEANUP_ATTR_HOLD, _DISCARD), the
 *	filter and redirect attributes, and each BCC address as one more
 *	recipient with DSN NOTIFY=NEVER. smtpd_actions_headers() writes the
 *	PREPEND headers, which go above smtpd's Received: header.
 *
 *	smtpd_actions_reset() forgets everything (end of the transaction).
 *--*/

#include <string.h>

#include "argv.h"
#include "mymalloc.h"

#include "cleanup_client.h"
#include "rec_type.h"

#include "smtpd.h"
#include "smtpd_queue.h"

/* smtpd_actions_lower - "HOLD" as "hold", for the log line */

static const char *smtpd_actions_lower(const char *keyword, char *buf, size_t size)
{
    size_t i;

    for (i = 0; keyword[i] && i + 1 < size; i++)
        buf[i] =
            (char)(keyword[i] >= 'A' && keyword[i] <= 'Z' ? keyword[i] + 'a' - 'A' : keyword[i]);
    buf[i] = 0;
    return buf;
}

/* smtpd_actions_add - append to a list made on first use */

static void smtpd_actions_add(ARGV **list, const char *value)
{
    if (*list == NULL)
        *list = argv_alloc(2);
    argv_add(*list, value);
}

/* smtpd_actions_note - remember and log one action */

void smtpd_actions_note(SMTPD_STATE *state, const ACCESS_RESULT *result, const char *log_text)
{
    SMTPD_ACTIONS *actions = &state->actions;
    char name[16];

    switch (result->action) {
    case ACCESS_ACTION_HOLD:
        actions->hold = true;
        break;
    case ACCESS_ACTION_DISCARD:
        actions->discard = true;
        break;
    case ACCESS_ACTION_FILTER:
        myfree(actions->filter);
        actions->filter = mystrdup(result->text);
        break;
    case ACCESS_ACTION_REDIRECT:
        myfree(actions->redirect);
        actions->redirect = mystrdup(result->text);
        break;
    case ACCESS_ACTION_BCC:
        smtpd_actions_add(&actions->bcc, result->text);
        break;
    case ACCESS_ACTION_PREPEND:
        smtpd_actions_add(&actions->prepend, result->text);
        break;
    default:
        return;
    }
    if (log_text)
        smtpd_log_reject(state, smtpd_actions_lower(result->keyword, name, sizeof(name)), log_text,
                         strcmp(state->where, "RCPT") == 0 ? state->args.address : NULL);
}

/* smtpd_actions_envelope - what cleanup needs before the content */

void smtpd_actions_envelope(SMTPD_STATE *state)
{
    SMTPD_ACTIONS *actions = &state->actions;

    if (actions->hold)
        smtpd_queue_attr(state->queue, CLEANUP_ATTR_HOLD, "yes");
    if (actions->discard)
        smtpd_queue_attr(state->queue, CLEANUP_ATTR_DISCARD, "yes");
    /* An access table's FILTER wins over content_filter. */
    if (actions->filter)
        smtpd_queue_attr(state->queue, REC_ATTR_FILTER, actions->filter);
    else if (state->cfg->content_filter && *state->cfg->content_filter)
        smtpd_queue_attr(state->queue, REC_ATTR_FILTER, state->cfg->content_filter);
    if (actions->redirect)
        smtpd_queue_attr(state->queue, REC_ATTR_REDIRECT, actions->redirect);
    for (size_t i = 0; actions->bcc && i < actions->bcc->argc; i++)
        smtpd_queue_rcpt(state->queue, actions->bcc->argv[i], NULL, REC_NOTIFY_NEVER);
}

/* smtpd_actions_headers - the PREPEND headers */

void smtpd_actions_headers(SMTPD_STATE *state)
{
    ARGV *prepend = state->actions.prepend;

    for (size_t i = 0; prepend && i < prepend->argc; i++)
        smtpd_queue_line(state->queue, prepend->argv[i], strlen(prepend->argv[i]), false);
}

/* smtpd_actions_reset - forget the transaction's actions */

void smtpd_actions_reset(SMTPD_ACTIONS *actions)
{
    myfree(actions->filter);
    myfree(actions->redirect);
    if (actions->bcc)
        argv_free(actions->bcc);
    if (actions->prepend)
        argv_free(actions->prepend);
    *actions = (SMTPD_ACTIONS){0};
}
