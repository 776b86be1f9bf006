/*++
 * NAME
 *	milters - the milter client: a list of milters and their events
 * SYNOPSIS
 *	#include "milter.h"
 *
 *	int	milter_settings_check(const MILTER_SETTINGS *settings,
 *				VSTRING *why);
 *	MILTERS	*milters_create(const char *list,
 *				const MILTER_SETTINGS *settings,
 *				MILTER_MACRO_FN macro_fn, void *context,
 *				VSTRING *why);
 *	MILTERS	*milters_free(MILTERS *milters);
 *	void	milters_header_checks(MILTERS *milters, MILTER_HEADER_FN fn,
 *				void *context);
 *
 *	MILTER_RESULT milters_connect(MILTERS *milters,
 *				const char *client_name,
 *				const char *client_addr,
 *				const char *client_port);
 *	MILTER_RESULT milters_helo(MILTERS *milters, const char *helo);
 *	MILTER_RESULT milters_mail(MILTERS *milters, const ARGV *args);
 *	MILTER_RESULT milters_rcpt(MILTERS *milters, const ARGV *args);
 *	void	milters_rcpt_rejected(MILTERS *milters, const ARGV *args);
 *	MILTER_RESULT milters_data(MILTERS *milters);
 *	MILTER_RESULT milters_unknown(MILTERS *milters,
 *				const char *command);
 *	MILTER_RESULT milters_message(MILTERS *milters, MILTER_MSG *msg);
 *	void	milters_abort(MILTERS *milters);
 *	void	milters_quit(MILTERS *milters);
 * DESCRIPTION
 *	milter_settings_check() checks milter_protocol and
 *	milter_default_action; it returns 0, or -1 with a reason.
 *
 *	milters_create() makes the milters of list (separated by commas or
 *	white space; braced elements carry per-milter settings, see
 *	milter_conn(3)) with the settings for what an element does not set.
 *	macro_fn gives the values of the session's macros ("i",
 *	"{client_addr}", ...; NULL: undefined); "{daemon_name}" and "v" come
 *	from the settings, and milter_macro_defaults gives values to macros
 *	that have none. It connects to nothing yet. It returns NULL with a
 *	reason for a malformed list, and a MILTERS with no milter for an
 *	empty one. milters_free() closes the connections and releases it.
 *
 *	milters_header_checks() has fn (milter_header_checks) judge each
 *	header field that a milter adds, inserts or changes, before it is
 *	applied: keep it, leave it out, replace it, or refuse the message
 *	(MILTER_HEADER_VERDICT in milter.h). A refusal ends
 *	milters_message() with MILTER_REJECT or MILTER_TEMPFAIL and the
 *	reply that fn gave; the next milters do not see the message.
 *
 *	milters_connect() connects to every milter and negotiates (a milter
 *	that fails gets its default action for the whole session), then
 *	sends the connect event: client_name, and client_addr and
 *	client_port (NULL or "unknown" when there are none; the address
 *	family follows from the address). milters_helo(), milters_mail()
 *	and milters_rcpt() send the HELO argument, and the MAIL FROM and RCPT
 *	TO arguments (args->argv[0] is "<address>", the rest ESMTP
 *	parameters); milters_rcpt_rejected() a recipient that the MTA
 *	refused, only to the milters that negotiated RCPT_REJ (their answer
 *	changes nothing; the caller's macros tell the refusal);
 *	milters_data() the DATA command and milters_unknown() an
 *	unknown command line. Each event goes, with its macros, to every
 *	milter that has not asked to skip it, in list order, and stops at the
 *	first that does not say to go on.
 *
 *	milters_message() runs the content of msg through each milter in
 *	turn: header fields, end of headers, body chunks and end of
 *	message, then the modifications that the milter asked for (header
 *	fields added, inserted, changed or deleted, recipients added or
 *	deleted, the sender changed, the body replaced) are applied to msg,
 *	in the order they came, before the next milter sees it. A QUARANTINE
 *	request makes the result MILTER_HOLD (unless a later milter rejects).
 *	The milters then wait for the next message.
 *
 *	milters_abort() tells the milters that the transaction is over
 *	without a message (RSET, a rejected DATA, a lost connection).
 *	milters_quit() ends the session and closes the connections.
 *
 *	The result of an event: MILTER_CONTINUE, or the first verdict:
 *	MILTER_REJECT or MILTER_TEMPFAIL with the reply (the milter's own
 *	REPLYCODE text, or "550 5.7.1 Command rejected" and "451 4.7.1
 *	Service unavailable - try again later"), MILTER_DISCARD,
 *	MILTER_HOLD, or MILTER_SHUTDOWN ("421 4.7.0 Server closing
 *	connection", or the milter's own 421 text).
 *
 *	A milter that cannot be reached, does not answer within its time
 *	limit (connect_timeout for connecting and negotiating,
 *	command_timeout for a session event, content_timeout for each
 *	content packet and its reply; a PROGRESS reply restarts the limit),
 *	closes the connection or sends a malformed or unexpected packet is
 *	logged as "milter NAME: what happened" and closed; from then on its
 *	default action stands in for it for the rest of the session, from
 *	the next MAIL FROM on (the connect and HELO events go on without it):
 *	"accept" goes on without it, "reject" answers "550 5.5.0 Service
 *	unavailable", "tempfail" "451 4.7.1 Service unavailable - try again
 *	later", and "quarantine" lets the message through into the hold
 *	queue.
 * DIAGNOSTICS
 *	Warnings: each milter failure, with the milter's name.
 *--*/

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "milter.h"
#include "milter_conn.h"
#include "milter_macro.h"
#include "milter_reply.h"
#include "milters_private.h"

/* milter_settings_check - milter_protocol and milter_default_action */

int milter_settings_check(const MILTER_SETTINGS *settings, VSTRING *why)
{
    MILTER_DEFAULT action;
    int version;

    if (milter_conn_parse_protocol(settings->protocol, &version) < 0) {
        vstring_sprintf(why, "%s = %s: expected 2, 3, 4 or 6", VAR_MILTER_PROTOCOL,
                        settings->protocol);
        return -1;
    }
    if (milter_conn_parse_default(settings->default_action, &action) < 0) {
        vstring_sprintf(why, "%s = %s: expected accept, reject, tempfail or quarantine",
                        VAR_MILTER_DEFAULT_ACTION, settings->default_action);
        return -1;
    }
    return 0;
}

/* milters_parse_defaults - milter_macro_defaults as name, value pairs */

static ARGV *milters_parse_defaults(const char *text)
{
    ARGV *pairs = argv_alloc(8);
    char *copy = mystrdup(text ? text : "");
    char *cp = copy;
    char *element;

    while ((element = mystrtok(&cp, ", \t\r\n")) != NULL) {
        char *eq = strchr(element, '=');
        VSTRING *name = vstring_alloc(32);

        if (eq == NULL || eq == element)
            msg_warn("%s: ignoring \"%s\": expected name=value", VAR_MILTER_MACRO_DEFAULTS,
                     element);
        else {
            *eq = 0;
            if (strlen(element) == 1 || element[0] == '{')
                vstring_strcpy(name, element);
            else
                vstring_sprintf(name, "{%s}", element);
            argv_add(pairs, vstring_str(name));
            argv_add(pairs, eq + 1);
        }
        vstring_free(name);
    }
    myfree(copy);
    return pairs;
}

/* milters_create - the milters of a list */

MILTERS *milters_create(const char *list, const MILTER_SETTINGS *settings, MILTER_MACRO_FN macro_fn,
                        void *context, VSTRING *why)
{
    MILTERS *milters = mycalloc(1, sizeof(*milters));
    MILTER defaults = {.fd = -1};
    char *copy = mystrdup(list ? list : "");
    char *cp = copy;
    char *element;

    if (milter_settings_check(settings, why) < 0) {
        myfree(copy);
        myfree(milters);
        return NULL;
    }
    (void)milter_conn_parse_protocol(settings->protocol, &defaults.protocol);
    (void)milter_conn_parse_default(settings->default_action, &defaults.default_action);
    defaults.connect_timeout = settings->connect_timeout;
    defaults.command_timeout = settings->command_timeout;
    defaults.content_timeout = settings->content_timeout;
    milters->settings = settings;
    milters->macro_fn = macro_fn;
    milters->context = context;
    milters->defaults = milters_parse_defaults(settings->macro_defaults);
    milters->reply = vstring_alloc(100);
    milters->reason = vstring_alloc(100);
    milters->why = vstring_alloc(100);
    milters->macros = vstring_alloc(256);
    milters->data = vstring_alloc(256);
    milters->body = vstring_alloc(256);
    milters->header_out = vstring_alloc(100);
    while ((element = mystrtok_braced(&cp, ", \t\r\n")) != NULL) {
        MILTER *milter = milter_conn_create(element, &defaults, why);

        if (milter == NULL) {
            myfree(copy);
            return milters_free(milters);
        }
        milters->list = myrealloc(milters->list, (milters->count + 1) * sizeof(*milters->list));
        milters->list[milters->count++] = milter;
    }
    myfree(copy);
    return milters;
}

/* milters_free - close and release */

MILTERS *milters_free(MILTERS *milters)
{
    for (size_t i = 0; i < milters->count; i++)
        milter_conn_free(milters->list[i]);
    myfree(milters->list);
    argv_free(milters->defaults);
    vstring_free(milters->reply);
    vstring_free(milters->reason);
    vstring_free(milters->why);
    vstring_free(milters->macros);
    vstring_free(milters->data);
    vstring_free(milters->body);
    vstring_free(milters->header_out);
    myfree(milters);
    return NULL;
}

/* milters_header_checks - judge the header fields that milters make */

void milters_header_checks(MILTERS *milters, MILTER_HEADER_FN fn, void *context)
{
    milters->header_fn = fn;
    milters->header_context = context;
}

/* milters_lookup - the value of a macro */

static const char *milters_lookup(const char *name, void *context)
{
    MILTERS *milters = context;
    const char *value = NULL;

    if (strcmp(name, "{daemon_name}") == 0)
        value = milters->settings->daemon_name;
    else if (strcmp(name, "v") == 0)
        value = milters->settings->macro_v;
    else if (milters->macro_fn)
        value = milters->macro_fn(name, milters->context);
    for (size_t i = 0; value == NULL && i + 1 < milters->defaults->argc; i += 2)
        if (strcmp(milters->defaults->argv[i], name) == 0)
            value = milters->defaults->argv[i + 1];
    return value;
}

/* milters_result - a result with a reply text */

MILTER_RESULT milters_result(MILTERS *milters, MILTER_VERDICT verdict, const char *text,
                             const MILTER *milter)
{
    vstring_strcpy(milters->reply, text ? text : "");
    return (MILTER_RESULT){
        .verdict = verdict,
        .reply = vstring_str(milters->reply),
        .reason = vstring_str(milters->reason),
        .milter = milter ? milter->name : NULL,
    };
}

/* milters_continue - go on */

MILTER_RESULT milters_continue(void)
{
    return (MILTER_RESULT){.verdict = MILTER_CONTINUE};
}

/* milters_default - what a failed milter's default action says */

MILTER_RESULT milters_default(MILTERS *milters, MILTER *milter)
{
    switch (milter->default_action) {
    case MILTER_DEFAULT_REJECT:
        return milters_result(milters, MILTER_REJECT, MILTER_TEXT_DEF_REJ, milter);
    case MILTER_DEFAULT_TEMPFAIL:
        return milters_result(milters, MILTER_TEMPFAIL, MILTER_TEXT_TEMPFAIL, milter);
    default:
        return milters_continue();
    }
}

/* milters_fail - log a milter failure and apply its default action */

MILTER_RESULT milters_fail(MILTERS *milters, MILTER *milter, const char *what)
{
    static const char *names[] = {"accept", "reject", "tempfail", "quarantine"};

    msg_warn("milter %s: %s; default_action=%s", milter->name, what, names[milter->default_action]);
    milter_conn_close(milter);
    milter->state = MILTER_STATE_ERROR;
    return milters_default(milters, milter);
}

/* milters_send_event - the macros of a stage, then the event */

int milters_send_event(MILTERS *milters, MILTER *milter, int stage, int cmd, const char *data,
                       size_t len)
{
    const char *list = milter->macros[stage] && stage != MILTER_MACRO_STAGE_UNKNOWN
                           ? milter->macros[stage]
                           : milters->settings->macros[stage];

    if (milter_macro_packet(milters->macros, stage, list, milters_lookup, milters) > 0 &&
        milter_conn_send(milter, MILTER_CMD_MACRO, vstring_str(milters->macros),
                         VSTRING_LEN(milters->macros), milters->why) < 0)
        return -1;
    return milter_conn_send(milter, cmd, data, len, milters->why);
}

/* milters_read_reply - one reply packet, past PROGRESS; -1 on failure */

int milters_read_reply(MILTERS *milters, MILTER *milter, int timeout, MILTER_REPLY *out)
{
    int cmd;

    for (;;) {
        if (milter_conn_recv(milter, &cmd, milters->why) < 0)
            return -1;
        if (milter_reply_parse(cmd, vstring_str(milter->packet), VSTRING_LEN(milter->packet), out,
                               milters->why) < 0)
            return -1;
        if (cmd != MILTER_REPLY_PROGRESS)
            return 0;
        milter_conn_deadline(milter, timeout);
    }
}

/* milters_verdict - what a final reply means; skip says whether ACCEPT ends the session */

int milters_verdict(MILTERS *milters, MILTER *milter, const MILTER_REPLY *reply, bool session,
                    MILTER_RESULT *out)
{
    *out = milters_continue();
    switch (reply->cmd) {
    case MILTER_REPLY_CONTINUE:
        return 0;
    case MILTER_REPLY_ACCEPT:
        milter->state = session ? MILTER_STATE_SKIP_CONN : MILTER_STATE_SKIP_MSG;
        return 0;
    case MILTER_REPLY_REJECT:
        *out = milters_result(milters, MILTER_REJECT, MILTER_TEXT_REJECT, milter);
        return 0;
    case MILTER_REPLY_TEMPFAIL:
        *out = milters_result(milters, MILTER_TEMPFAIL, MILTER_TEXT_TEMPFAIL, milter);
        return 0;
    case MILTER_REPLY_SHUTDOWN:
    case MILTER_REPLY_CONN_FAIL:
        *out = milters_result(milters, MILTER_SHUTDOWN, MILTER_TEXT_SHUTDOWN, milter);
        return 0;
    case MILTER_REPLY_DISCARD:
        if (session) {
            msg_warn("milter %s: DISCARD is not allowed here; ignored", milter->name);
            return 0;
        }
        *out = milters_result(milters, MILTER_DISCARD, NULL, milter);
        return 0;
    case MILTER_REPLY_REPLYCODE:
        *out = milters_result(milters,
                              strncmp(reply->text, "421", 3) == 0 ? MILTER_SHUTDOWN
                              : reply->text[0] == '4'             ? MILTER_TEMPFAIL
                                                                  : MILTER_REJECT,
                              reply->text, milter);
        return 0;
    default:
        vstring_sprintf(milters->why, "unexpected reply '%c'", reply->cmd);
        return -1;
    }
}

/* milters_event - one event to every milter */

static MILTER_RESULT milters_event(MILTERS *milters, const MILTER_EVENT *event, const char *data,
                                   size_t len)
{
    MILTER_RESULT result = milters_continue();
    MILTER_REPLY reply;

    for (size_t i = 0; i < milters->count && result.verdict == MILTER_CONTINUE; i++) {
        MILTER *milter = milters->list[i];

        if (event->need && !(milter->proto & event->need))
            continue;
        /* A failed milter's default action applies from MAIL FROM on. */
        if (milter->state == MILTER_STATE_ERROR) {
            if (!event->session)
                result = milters_default(milters, milter);
            continue;
        }
        if (milter->state != MILTER_STATE_READY || milter->version < event->version ||
            (milter->proto & event->skip))
            continue;
        milter_conn_deadline(milter, milter->command_timeout);
        if (milters_send_event(milters, milter, event->stage, event->cmd, data, len) < 0) {
            result = milters_fail(milters, milter, vstring_str(milters->why));
            continue;
        }
        if (event->noreply && (milter->proto & event->noreply))
            continue;
        if (milters_read_reply(milters, milter, milter->command_timeout, &reply) < 0 ||
            milters_verdict(milters, milter, &reply, event->session, &result) < 0)
            result = milters_fail(milters, milter, vstring_str(milters->why));
    }
    return result;
}

/* milters_connect - open the connections, then the connect event */

MILTER_RESULT milters_connect(MILTERS *milters, const char *client_name, const char *client_addr,
                              const char *client_port)
{
    static const MILTER_EVENT event = {
        MILTER_MACRO_STAGE_CONNECT,
        MILTER_CMD_CONNECT,
        MILTER_PROTO_NOCONNECT,
        MILTER_PROTO_NR_CONN,
        2,
        true,
        0,
    };
    VSTRING *data = milters->data;
    bool known = client_addr && *client_addr && strcmp(client_addr, "unknown") != 0;

    milters->connected = true;
    for (size_t i = 0; i < milters->count; i++) {
        MILTER *milter = milters->list[i];

        if (milter_conn_open(milter, milters->why) < 0) {
            VSTRING *what = vstring_alloc(100);

            vstring_sprintf(what, "connect: %s", vstring_str(milters->why));
            (void)milters_fail(milters, milter, vstring_str(what));
            vstring_free(what);
        } else {
            milter->state = MILTER_STATE_READY;
        }
    }
    vstring_strcpy(data, client_name ? client_name : "unknown");
    vstring_addch(data, 0);
    if (!known) {
        vstring_addch(data, 'U');
    } else {
        unsigned long port = client_port ? strtoul(client_port, NULL, 10) : 0;
        unsigned short nport = htons((unsigned short)port);

        vstring_addch(data, strchr(client_addr, ':') ? '6' : '4');
        vstring_memcat(data, &nport, 2);
        vstring_memcat(data, client_addr, strlen(client_addr) + 1);
    }
    return milters_event(milters, &event, vstring_str(data), VSTRING_LEN(data));
}

/* milters_string_event - an event whose data is one string */

static MILTER_RESULT milters_string_event(MILTERS *milters, const MILTER_EVENT *event,
                                          const char *text)
{
    return milters_event(milters, event, text, strlen(text) + 1);
}

/* milters_helo - HELO/EHLO */

MILTER_RESULT milters_helo(MILTERS *milters, const char *helo)
{
    static const MILTER_EVENT event = {
        MILTER_MACRO_STAGE_HELO,
        MILTER_CMD_HELO,
        MILTER_PROTO_NOHELO,
        MILTER_PROTO_NR_HELO,
        2,
        true,
        0,
    };

    return milters_string_event(milters, &event, helo);
}

/* milters_args_event - an event whose data is a list of strings */

static MILTER_RESULT milters_args_event(MILTERS *milters, const MILTER_EVENT *event,
                                        const ARGV *args)
{
    VSTRING *data = vstring_alloc(256);
    MILTER_RESULT result;

    for (size_t i = 0; i < args->argc; i++)
        vstring_memcat(data, args->argv[i], strlen(args->argv[i]) + 1);
    result = milters_event(milters, event, vstring_str(data), VSTRING_LEN(data));
    vstring_free(data);
    return result;
}

/* milters_mail - MAIL FROM */

MILTER_RESULT milters_mail(MILTERS *milters, const ARGV *args)
{
    static const MILTER_EVENT event = {
        MILTER_MACRO_STAGE_MAIL,
        MILTER_CMD_MAIL,
        MILTER_PROTO_NOMAIL,
        MILTER_PROTO_NR_MAIL,
        2,
        false,
        0,
    };

    /* A new transaction: milters that accepted the last message listen again. */
    for (size_t i = 0; i < milters->count; i++)
        if (milters->list[i]->state == MILTER_STATE_SKIP_MSG)
            milters->list[i]->state = MILTER_STATE_READY;
    return milters_args_event(milters, &event, args);
}

/* milters_rcpt_event - RCPT TO, accepted or refused by the MTA */

static MILTER_RESULT milters_rcpt_event(MILTERS *milters, const ARGV *args, bool rejected)
{
    /* A refused one goes only to the milters that negotiated it (protocol 6). */
    const MILTER_EVENT event = {
        MILTER_MACRO_STAGE_RCPT,
        MILTER_CMD_RCPT,
        MILTER_PROTO_NORCPT,
        MILTER_PROTO_NR_RCPT,
        rejected ? 6 : 2,
        false,
        rejected ? MILTER_PROTO_RCPT_REJ : 0,
    };

    return milters_args_event(milters, &event, args);
}

/* milters_rcpt - RCPT TO */

MILTER_RESULT milters_rcpt(MILTERS *milters, const ARGV *args)
{
    return milters_rcpt_event(milters, args, false);
}

/* milters_rcpt_rejected - a refused RCPT TO, for the milters that want to see it */

void milters_rcpt_rejected(MILTERS *milters, const ARGV *args)
{
    (void)milters_rcpt_event(milters, args, true);
}

/* milters_data - DATA */

MILTER_RESULT milters_data(MILTERS *milters)
{
    static const MILTER_EVENT event = {
        MILTER_MACRO_STAGE_DATA,
        MILTER_CMD_DATA,
        MILTER_PROTO_NODATA,
        MILTER_PROTO_NR_DATA,
        4,
        false,
        0,
    };

    return milters_event(milters, &event, "", 0);
}

/* milters_unknown - an unknown command */

MILTER_RESULT milters_unknown(MILTERS *milters, const char *command)
{
    static const MILTER_EVENT event = {
        MILTER_MACRO_STAGE_UNKNOWN,
        MILTER_CMD_UNKNOWN,
        MILTER_PROTO_NOUNKNOWN,
        MILTER_PROTO_NR_UNKN,
        3,
        false,
        0,
    };

    return milters_string_event(milters, &event, command);
}

/* milters_abort - the transaction ends without a message */

void milters_abort(MILTERS *milters)
{
    for (size_t i = 0; i < milters->count; i++) {
        MILTER *milter = milters->list[i];

        if (milter->state != MILTER_STATE_READY && milter->state != MILTER_STATE_SKIP_MSG)
            continue;
        milter->state = MILTER_STATE_READY;
        milter_conn_deadline(milter, milter->command_timeout);
        if (milter_conn_send(milter, MILTER_CMD_ABORT, "", 0, milters->why) < 0)
            (void)milters_fail(milters, milter, vstring_str(milters->why));
    }
}

/* milters_quit - end the session */

void milters_quit(MILTERS *milters)
{
    for (size_t i = 0; i < milters->count; i++) {
        MILTER *milter = milters->list[i];

        if (milter->fd >= 0) {
            milter_conn_deadline(milter, milter->command_timeout);
            (void)milter_conn_send(milter, MILTER_CMD_QUIT, "", 0, milters->why);
        }
        milter_conn_close(milter);
        milter->state = MILTER_STATE_CLOSED;
    }
}
