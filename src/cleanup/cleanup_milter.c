/*++
 * NAME
 *	cleanup_milter - non_smtpd_milters for mail from sendmail and pickup
 * SYNOPSIS
 *	#include "cleanup.h"
 *
 *	void	cleanup_milter_check(const CLEANUP_CONFIG *config);
 *	void	cleanup_milter_start(CLEANUP_STATE *state);
 *	bool	cleanup_milter_record(CLEANUP_STATE *state, int type,
 *				VSTRING *buf);
 *	void	cleanup_milter_free(CLEANUP_STATE *state);
 * DESCRIPTION
 *	Mail that does not come from the SMTP server (the client asked with
 *	CLEANUP_FLAG_MILTER, as pickup does) goes through the milters of
 *	non_smtpd_milters before it is written: cleanup_milter_start()
 *	starts holding the message back when there are such milters, and
 *	cleanup_milter_record() then takes the sender, the recipients (with
 *	their DSN records), the end of the envelope and the content into a
 *	MILTER_MSG (milter_msg(3)); attributes go on at once. It returns true
 *	when it took the record.
 *
 *	At the end of the content the milters see a session as Postfix
 *	shows them local mail: a connection from "localhost" [127.0.0.1],
 *	HELO localhost, MAIL FROM, each RCPT TO, DATA and the message, with
 *	the macros of milter_*_macros (i, j, _, {daemon_name}, v,
 *	{client_addr}, {client_name}, {client_ptr}, {mail_addr},
 *	{rcpt_addr}, and {mail_mailer}, {mail_host}, {rcpt_mailer},
 *	{rcpt_host}: the transport and next hop of the sender and the
 *	recipient, as the queue manager will resolve them). Their
 *	modifications are applied, and the edited message then goes through
 *	the usual envelope and content processing into the queue file. A
 *	rejection makes the message CLEANUP_STAT_CONT with the milter's
 *	reply as the reason (for a client that asked for bounces, pickup,
 *	the message is still written as it stands, and cleanup_bounce(3)
 *	returns it to the sender with that reason), a temporary failure (also a milter that fails
 *	with default_action tempfail) CLEANUP_STAT_DEFER; DISCARD and
 *	quarantine act as the access actions do. Each is logged as
 *	"milter-reject", "milter-discard" or "milter-hold" with the
 *	message's origin.
 *
 *	cleanup_milter_check() refuses (fatal) a malformed non_smtpd_milters
 *	or milter setting at start-up. cleanup_milter_free() releases what a
 *	message held.
 *--*/

#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "cleanup_client.h"
#include "milter.h"
#include "milter_msg.h"
#include "rec_type.h"

#include "cleanup.h"

/* cleanup_milter_check - a malformed milter list is a configuration error */

void cleanup_milter_check(const CLEANUP_CONFIG *config)
{
    VSTRING *why = vstring_alloc(100);
    MILTERS *milters =
        milters_create(config->non_smtpd_milters, &config->milter_settings, NULL, NULL, why);

    if (milters == NULL)
        msg_fatal("%s = %s: %s", VAR_NON_SMTPD_MILTERS, config->non_smtpd_milters,
                  vstring_str(why));
    milters_free(milters);
    vstring_free(why);
}

/* cleanup_milter_start - hold the message back when there are milters */

void cleanup_milter_start(CLEANUP_STATE *state)
{
    const char *list = state->config->non_smtpd_milters;

    if ((state->flags & CLEANUP_FLAG_MILTER) && list && *list && state->errs == 0)
        state->milter_msg = milter_msg_create();
}

/* cleanup_milter_free - release what a message held */

void cleanup_milter_free(CLEANUP_STATE *state)
{
    if (state->milter_msg)
        state->milter_msg = milter_msg_free(state->milter_msg);
    myfree(state->milter_orcpt);
    state->milter_orcpt = NULL;
    myfree(state->milter_rcpt);
    state->milter_rcpt = NULL;
    myfree(state->milter_macro);
    state->milter_macro = NULL;
}

/* cleanup_milter_route - {mail,rcpt}_{mailer,host}: transport or next hop */

static const char *cleanup_milter_route(CLEANUP_STATE *state, const char *address, bool host)
{
    VSTRING *transport = vstring_alloc(32), *nexthop = vstring_alloc(64);
    const char *sender = milter_msg_get_sender(state->milter_msg);
    const char *value = NULL;

    if (address && *address &&
        cleanup_addr_route(state->addr, sender, address, transport, nexthop) == CLEANUP_ADDR_OK) {
        myfree(state->milter_macro);
        state->milter_macro = mystrdup(vstring_str(host ? nexthop : transport));
        value = state->milter_macro;
    }
    vstring_free(transport);
    vstring_free(nexthop);
    return value;
}

/* cleanup_milter_macro - the value of a macro for local mail */

static const char *cleanup_milter_macro(const char *name, void *context)
{
    CLEANUP_STATE *state = context;
    const char *sender = milter_msg_get_sender(state->milter_msg);
    const struct {
        const char *name;
        const char *value;
    } table[] = {
        {"i", state->queue_id},         {"j", state->config->myhostname},
        {"_", "localhost [127.0.0.1]"}, {"{client_addr}", "127.0.0.1"},
        {"{client_name}", "localhost"}, {"{client_ptr}", "localhost"},
        {"{mail_addr}", sender},        {"{rcpt_addr}", state->milter_rcpt},
    };

    if (strcmp(name, "{mail_mailer}") == 0 || strcmp(name, "{mail_host}") == 0)
        return cleanup_milter_route(state, sender, name[6] == 'h');
    if (strcmp(name, "{rcpt_mailer}") == 0 || strcmp(name, "{rcpt_host}") == 0)
        return cleanup_milter_route(state, state->milter_rcpt, name[6] == 'h');

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].value && *table[i].value ? table[i].value : NULL;
    return NULL;
}

/* cleanup_milter_address - one "<address>" event argument list */

static MILTER_RESULT cleanup_milter_address(MILTERS *milters, const char *addr, bool rcpt)
{
    ARGV *args = argv_alloc(2);
    VSTRING *text = vstring_alloc(64);
    MILTER_RESULT result;

    vstring_sprintf(text, "<%s>", addr);
    argv_add(args, vstring_str(text));
    result = rcpt ? milters_rcpt(milters, args) : milters_mail(milters, args);
    argv_free(args);
    vstring_free(text);
    return result;
}

/* cleanup_milter_events - the whole session; the first verdict */

static MILTER_RESULT cleanup_milter_events(CLEANUP_STATE *state, MILTERS *milters)
{
    MILTER_MSG *msg = state->milter_msg;
    MILTER_RESULT result = milters_connect(milters, "localhost", "127.0.0.1", "0");

    if (result.verdict == MILTER_CONTINUE)
        result = milters_helo(milters, "localhost");
    if (result.verdict == MILTER_CONTINUE)
        result = cleanup_milter_address(milters, milter_msg_get_sender(msg), false);
    for (size_t i = 0; result.verdict == MILTER_CONTINUE && i < milter_msg_rcpt_count(msg); i++) {
        myfree(state->milter_rcpt);
        state->milter_rcpt = mystrdup(milter_msg_get_rcpt(msg, i));
        result = cleanup_milter_address(milters, state->milter_rcpt, true);
    }
    if (result.verdict == MILTER_CONTINUE)
        result = milters_data(milters);
    if (result.verdict == MILTER_CONTINUE)
        result = milters_message(milters, msg);
    return result;
}

/* cleanup_milter_log - "milter-reject" and friends */

static void cleanup_milter_log(CLEANUP_STATE *state, const char *action, const char *text)
{
    msg_info("%s: %s: END-OF-MESSAGE from %s: %s; from=<%s>", state->queue_id, action,
             cleanup_origin(state), text, milter_msg_get_sender(state->milter_msg));
}

/* cleanup_milter_verdict - act on the milters' verdict */

static void cleanup_milter_verdict(CLEANUP_STATE *state, const MILTER_RESULT *result)
{
    const char *last;

    switch (result->verdict) {
    case MILTER_CONTINUE:
        break;
    case MILTER_DISCARD:
        cleanup_milter_log(state, "milter-discard", "milter triggers DISCARD action");
        state->discard = true;
        break;
    case MILTER_HOLD:
        cleanup_milter_log(state, "milter-hold", "milter triggers HOLD action");
        state->hold = true;
        break;
    default:
        /* milter_header_checks refused it: already recorded and logged. */
        if (state->errs != 0)
            break;
        /* The reason is the last line of the reply, without its code. */
        last = strrchr(result->reply, '\n');
        last = last ? last + 1 : result->reply;
        cleanup_milter_log(state, "milter-reject", last);
        cleanup_error(state,
                      result->verdict == MILTER_REJECT ? CLEANUP_STAT_CONT : CLEANUP_STAT_DEFER,
                      "%s", strlen(last) > 4 ? last + 4 : last);
        break;
    }
}

/* Replay of the edited message into the usual processing. */

static int cleanup_milter_sender(void *context, const char *sender, const char *envid, int ret)
{
    CLEANUP_STATE *state = context;
    VSTRING *buf = vstring_alloc(64);

    vstring_strcpy(buf, sender);
    cleanup_envelope(state, REC_TYPE_FROM, buf);
    vstring_free(buf);
    return state->errs ? -1 : 0;
}

static int cleanup_milter_rcpt(void *context, const char *rcpt, const char *orcpt, int notify)
{
    CLEANUP_STATE *state = context;
    VSTRING *buf = vstring_alloc(64);

    if (orcpt) {
        vstring_strcpy(buf, orcpt);
        cleanup_envelope(state, REC_TYPE_DSN_ORCPT, buf);
    }
    if (notify) {
        vstring_sprintf(buf, "%d", notify);
        cleanup_envelope(state, REC_TYPE_DSN_NOTIFY, buf);
    }
    vstring_strcpy(buf, rcpt);
    cleanup_envelope(state, REC_TYPE_ORCP, buf);
    cleanup_envelope(state, REC_TYPE_RCPT, buf);
    vstring_free(buf);
    return state->errs ? -1 : 0;
}

static int cleanup_milter_line(void *context, const char *data, size_t len, bool partial)
{
    CLEANUP_STATE *state = context;
    VSTRING *buf = vstring_alloc(len + 1);

    /* The end of the envelope comes before the first content line. */
    if (state->where == CLEANUP_WHERE_ENVELOPE)
        cleanup_envelope(state, REC_TYPE_MESG, buf);
    vstring_memcpy(buf, data, len);
    if (state->errs == 0)
        cleanup_message(state, partial ? REC_TYPE_CONT : REC_TYPE_NORM, buf);
    vstring_free(buf);
    return state->errs ? -1 : 0;
}

/* cleanup_milter_replay - the edited message into the usual processing */

static void cleanup_milter_replay(CLEANUP_STATE *state)
{
    static const MILTER_MSG_SINK sink = {
        .sender = cleanup_milter_sender,
        .rcpt = cleanup_milter_rcpt,
        .line = cleanup_milter_line,
    };

    if (milter_msg_replay(state->milter_msg, &sink, state) == 0 &&
        state->where == CLEANUP_WHERE_ENVELOPE) {
        VSTRING *empty = vstring_alloc(1);

        cleanup_envelope(state, REC_TYPE_MESG, empty);
        vstring_free(empty);
    }
    if (state->errs == 0 && state->where == CLEANUP_WHERE_CONTENT)
        cleanup_message_end(state);
}

/*
 * cleanup_milter_refused - a message that the milters refused for good,
 * from a client that asked for bounces: written all the same, so that
 * cleanup_bounce() has the recipients and the content to return.
 */
static void cleanup_milter_refused(CLEANUP_STATE *state)
{
    int errs = state->errs;
    char *reason = mystrdup(vstring_str(state->reason));

    state->errs = 0;
    cleanup_milter_replay(state);
    /* Nothing else may have gone wrong: a write error keeps the message with the client. */
    state->errs |= errs;
    vstring_strcpy(state->reason, reason);
    myfree(reason);
}

/* cleanup_milter_run - the milters, then the edited message on its way */

static void cleanup_milter_run(CLEANUP_STATE *state)
{
    VSTRING *why = vstring_alloc(100);
    MILTERS *milters =
        milters_create(state->config->non_smtpd_milters, &state->config->milter_settings,
                       cleanup_milter_macro, state, why);
    MILTER_RESULT result;

    if (milters == NULL)
        msg_panic("%s: %s", __func__, vstring_str(why)); /* cleanup_milter_check() passed it */
    milters_header_checks(milters, cleanup_checks_milter, state);
    result = cleanup_milter_events(state, milters);
    cleanup_milter_verdict(state, &result);
    milters_quit(milters);
    milters_free(milters);
    vstring_free(why);
    if (state->errs == 0)
        cleanup_milter_replay(state);
    else if (state->errs == CLEANUP_STAT_CONT && (state->flags & CLEANUP_FLAG_BOUNCE))
        cleanup_milter_refused(state);
    if (state->where != CLEANUP_WHERE_EXTRA)
        state->where = CLEANUP_WHERE_EXTRA;
    cleanup_milter_free(state);
}

/* cleanup_milter_record - take one record into the held message */

bool cleanup_milter_record(CLEANUP_STATE *state, int type, VSTRING *buf)
{
    MILTER_MSG *msg = state->milter_msg;

    if (!state->milter_content) {
        switch (type) {
        case REC_TYPE_FROM:
            milter_msg_sender(msg, vstring_str(buf), NULL, 0);
            return true;
        case REC_TYPE_ORCP:
            return true;
        case REC_TYPE_DSN_ORCPT:
            myfree(state->milter_orcpt);
            state->milter_orcpt = mystrdup(vstring_str(buf));
            return true;
        case REC_TYPE_DSN_NOTIFY:
            state->milter_notify = atoi(vstring_str(buf));
            return true;
        case REC_TYPE_RCPT:
            milter_msg_rcpt(msg, vstring_str(buf), state->milter_orcpt, state->milter_notify);
            myfree(state->milter_orcpt);
            state->milter_orcpt = NULL;
            state->milter_notify = 0;
            return true;
        case REC_TYPE_MESG:
            state->milter_content = true;
            return true;
        default:
            return false;
        }
    }
    switch (type) {
    case REC_TYPE_NORM:
    case REC_TYPE_CONT:
        milter_msg_line(msg, vstring_str(buf), VSTRING_LEN(buf), type == REC_TYPE_CONT);
        return true;
    case REC_TYPE_XTRA:
        cleanup_milter_run(state);
        return true;
    default:
        cleanup_error(state, CLEANUP_STAT_BAD, "%s", cleanup_strerror(CLEANUP_STAT_BAD));
        return true;
    }
}
