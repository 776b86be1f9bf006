/*++
 * NAME
 *	deliver_request - delivery requests: building them, and qmgr's side
 *	of the wire
 * SYNOPSIS
 *	#include <deliver_request.h>
 *
 *	DELIVER_REQUEST *deliver_request_alloc(void);
 *	void	deliver_request_add_rcpt(DELIVER_REQUEST *request,
 *				const char *address, const char *orig_rcpt,
 *				const char *dsn_orcpt, int dsn_notify,
 *				long long offset);
 *	DELIVER_REQUEST *deliver_request_free(DELIVER_REQUEST *request);
 *	DELIVER_RCPT *deliver_request_find(DELIVER_REQUEST *request,
 *				long long offset);
 *	long long deliver_time_now(void);
 *
 *	int	deliver_request_send(VSTREAM *stream,
 *				const DELIVER_REQUEST *request);
 *	int	deliver_result_read(VSTREAM *stream, DELIVER_REQUEST *request,
 *				int *out_status, VSTRING *why);
 * DESCRIPTION
 *	The protocol and the division of work between qmgr and the agents
 *	are described in deliver_request.h.
 *
 *	deliver_request_alloc() returns an empty request: every string
 *	member is "", no recipients. The caller sets the members (strings
 *	with mystrdup(), after freeing the "" placeholders, or simply by
 *	replacing them: deliver_request_free() frees whatever they point
 *	to). deliver_request_add_rcpt() appends a recipient (copies of the
 *	strings; NULL or "" for absent fields). deliver_request_free()
 *	releases everything, closes request->msg when set, and returns
 *	NULL. deliver_request_find() returns the recipient with that record
 *	offset, or NULL. deliver_time_now() is the current time in
 *	microseconds since the epoch.
 *
 *	deliver_request_send() (qmgr) writes the request: the header
 *	message and one message per recipient. It returns 0, or -1 when the
 *	stream failed. The agent's greeting is read separately, with
 *	attr_hello_expect(stream, DELIVER_PROTOCOL, DELIVER_PROTOCOL_VERSION,
 *	...).
 *
 *	deliver_result_read() (qmgr) reads one message from the agent. For a
 *	recipient result it stores outcome, dsn, reason and relay in the
 *	recipient with that offset and returns DELIVER_READ_RCPT. For the
 *	end message it returns DELIVER_READ_END with the agent's
 *	DELIVER_STAT_* in *out_status and, for a status other than
 *	DELIVER_STAT_OK, the agent's reason in why (recipients without a
 *	result are then to be deferred). Anything else is DELIVER_READ_ERROR with a reason in
 *	why: a closed or broken connection, a malformed message, an unknown
 *	offset or outcome, a second result for one recipient. A result
 *	whose status code is malformed is not an error: the agent has
 *	recorded the outcome already, so the outcome is kept with the
 *	generic code of its class ("4.0.0") and later results are read.
 * DIAGNOSTICS
 *	Problems are returned, not logged (the attribute layer warns about
 *	malformed messages), except a malformed status code, which is
 *	warned about.
 * SEE ALSO
 *	deliver_request(5h), deliver_agent(3), deliver_status(3)
 *--*/

/* System library. */
#include <string.h>
#include <sys/time.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "deliver_request.h"
#include "status_log.h"

/* deliver_request_alloc - an empty request */

DELIVER_REQUEST *deliver_request_alloc(void)
{
    DELIVER_REQUEST *request = mycalloc(1, sizeof(*request));

    request->queue_name = mystrdup("");
    request->queue_id = mystrdup("");
    request->transport = mystrdup("");
    request->nexthop = mystrdup("");
    request->sender = mystrdup("");
    request->dsn_envid = mystrdup("");
    return request;
}

/* deliver_optional_dup - copy an optional string; "" becomes NULL */

static char *deliver_optional_dup(const char *text)
{
    return text && *text ? mystrdup(text) : NULL;
}

/* deliver_request_add_rcpt - append a recipient */

void deliver_request_add_rcpt(DELIVER_REQUEST *request, const char *address, const char *orig_rcpt,
                              const char *dsn_orcpt, int dsn_notify, long long offset)
{
    DELIVER_RCPT *rcpt;

    request->rcpts = myrealloc(request->rcpts, (request->rcpt_count + 1) * sizeof(*rcpt));
    rcpt = request->rcpts + request->rcpt_count++;
    memset(rcpt, 0, sizeof(*rcpt));
    rcpt->address = mystrdup(address);
    rcpt->orig_rcpt = deliver_optional_dup(orig_rcpt);
    rcpt->dsn_orcpt = deliver_optional_dup(dsn_orcpt);
    rcpt->dsn_notify = dsn_notify;
    rcpt->offset = offset;
    rcpt->outcome = DELIVER_OUTCOME_NONE;
}

/* deliver_request_free - release a request */

DELIVER_REQUEST *deliver_request_free(DELIVER_REQUEST *request)
{
    for (size_t i = 0; i < request->rcpt_count; i++) {
        DELIVER_RCPT *rcpt = request->rcpts + i;

        myfree(rcpt->address);
        myfree(rcpt->orig_rcpt);
        myfree(rcpt->dsn_orcpt);
        myfree(rcpt->dsn);
        myfree(rcpt->reason);
        myfree(rcpt->relay);
    }
    myfree(request->rcpts);
    myfree(request->queue_name);
    myfree(request->queue_id);
    myfree(request->transport);
    myfree(request->nexthop);
    myfree(request->sender);
    myfree(request->dsn_envid);
    if (request->msg)
        queue_msg_close(request->msg);
    myfree(request);
    return NULL;
}

/* deliver_request_find - the recipient with a record offset */

DELIVER_RCPT *deliver_request_find(DELIVER_REQUEST *request, long long offset)
{
    for (size_t i = 0; i < request->rcpt_count; i++)
        if (request->rcpts[i].offset == offset)
            return request->rcpts + i;
    return NULL;
}

/* deliver_time_now - microseconds since the epoch */

long long deliver_time_now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* deliver_request_send - qmgr writes one request */

int deliver_request_send(VSTREAM *stream, const DELIVER_REQUEST *request)
{
    if (attr_print(stream, ATTR_FLAG_MORE, SEND_ATTR_INT(DELIVER_ATTR_FLAGS, request->flags),
                   SEND_ATTR_STR(DELIVER_ATTR_QUEUE_NAME, request->queue_name),
                   SEND_ATTR_STR(DELIVER_ATTR_QUEUE_ID, request->queue_id),
                   SEND_ATTR_STR(DELIVER_ATTR_TRANSPORT, request->transport),
                   SEND_ATTR_STR(DELIVER_ATTR_NEXTHOP, request->nexthop),
                   SEND_ATTR_STR(DELIVER_ATTR_SENDER, request->sender),
                   SEND_ATTR_STR(DELIVER_ATTR_DSN_ENVID, request->dsn_envid),
                   SEND_ATTR_INT(DELIVER_ATTR_DSN_RET, request->dsn_ret), ATTR_TYPE_END) < 0 ||
        attr_print(stream, ATTR_FLAG_NONE,
                   SEND_ATTR_LONG(DELIVER_ATTR_ARRIVAL_TIME, (long)request->arrival_time),
                   SEND_ATTR_LONG(DELIVER_ATTR_ACTIVE_TIME, (long)request->active_time),
                   SEND_ATTR_LONG(DELIVER_ATTR_REQUEST_TIME, (long)request->request_time),
                   SEND_ATTR_INT(DELIVER_ATTR_RCPT_COUNT, (int)request->rcpt_count),
                   ATTR_TYPE_END) < 0)
        return -1;
    for (size_t i = 0; i < request->rcpt_count; i++) {
        const DELIVER_RCPT *rcpt = request->rcpts + i;

        if (attr_print(
                stream, ATTR_FLAG_NONE, SEND_ATTR_STR(DELIVER_ATTR_ADDRESS, rcpt->address),
                SEND_ATTR_STR(DELIVER_ATTR_ORIG_RCPT, rcpt->orig_rcpt ? rcpt->orig_rcpt : ""),
                SEND_ATTR_STR(DELIVER_ATTR_DSN_ORCPT, rcpt->dsn_orcpt ? rcpt->dsn_orcpt : ""),
                SEND_ATTR_INT(DELIVER_ATTR_DSN_NOTIFY, rcpt->dsn_notify),
                SEND_ATTR_LONG(DELIVER_ATTR_OFFSET, (long)rcpt->offset), ATTR_TYPE_END) < 0)
            return -1;
    }
    return 0;
}

/* deliver_result_store - one recipient result from the table */

static int deliver_result_store(DELIVER_REQUEST *request, HTABLE *table, VSTRING *why)
{
    const char *dsn = attr_table_str(table, DELIVER_ATTR_DSN);
    const char *reason = attr_table_str(table, DELIVER_ATTR_REASON);
    const char *relay = attr_table_str(table, DELIVER_ATTR_RELAY);
    long offset, outcome;
    DELIVER_RCPT *rcpt;

    if (attr_table_long(table, DELIVER_ATTR_OFFSET, &offset) < 0 ||
        attr_table_long(table, DELIVER_ATTR_OUTCOME, &outcome) < 0 || dsn == NULL ||
        reason == NULL || relay == NULL) {
        vstring_sprintf(why, "malformed recipient result");
        return DELIVER_READ_ERROR;
    }
    if ((rcpt = deliver_request_find(request, offset)) == NULL) {
        vstring_sprintf(why, "result for unknown recipient offset %ld", offset);
        return DELIVER_READ_ERROR;
    }
    if (outcome < DELIVER_OUTCOME_SENT || outcome > DELIVER_OUTCOME_DONE) {
        vstring_sprintf(why, "bad outcome %ld for %s", outcome, rcpt->address);
        return DELIVER_READ_ERROR;
    }
    if (rcpt->outcome != DELIVER_OUTCOME_NONE) {
        vstring_sprintf(why, "second result for %s", rcpt->address);
        return DELIVER_READ_ERROR;
    }
    rcpt->outcome = (int)outcome;
    if (outcome != DELIVER_OUTCOME_DONE && !status_log_status_ok(dsn)) {
        /*
         * The agent has recorded this outcome in the queue file already:
         * refusing the whole reply would defer recipients that are done.
         * Keep the outcome with the generic code of its class.
         */
        msg_warn("%s: malformed status \"%.20s\" from the delivery agent for %s", request->queue_id,
                 dsn, rcpt->address);
        dsn = outcome == DELIVER_OUTCOME_SENT      ? "2.0.0"
              : outcome == DELIVER_OUTCOME_BOUNCED ? "5.0.0"
                                                   : "4.0.0";
    }
    rcpt->dsn = mystrdup(dsn);
    rcpt->reason = mystrdup(reason);
    rcpt->relay = mystrdup(relay);
    return DELIVER_READ_RCPT;
}

/* deliver_result_read - qmgr reads one message of the agent's reply */

int deliver_result_read(VSTREAM *stream, DELIVER_REQUEST *request, int *out_status, VSTRING *why)
{
    HTABLE *table = htable_create(10);
    const char *reply;
    long status;
    int result;

    VSTRING_RESET(why);
    if (attr_scan_table(stream, ATTR_FLAG_NONE, NULL, table) < 0) {
        vstring_sprintf(why, "lost connection with the delivery agent");
        result = DELIVER_READ_ERROR;
    } else if ((reply = attr_table_str(table, DELIVER_ATTR_REPLY)) == NULL) {
        vstring_sprintf(why, "reply without type");
        result = DELIVER_READ_ERROR;
    } else if (strcmp(reply, DELIVER_REPLY_RCPT) == 0) {
        result = deliver_result_store(request, table, why);
    } else if (strcmp(reply, DELIVER_REPLY_END) == 0 &&
               attr_table_long(table, DELIVER_ATTR_STATUS, &status) == 0 &&
               status >= DELIVER_STAT_OK && status <= DELIVER_STAT_FAIL) {
        *out_status = (int)status;
        if (status != DELIVER_STAT_OK) {
            const char *reason = attr_table_str(table, DELIVER_ATTR_REASON);

            vstring_strcpy(why, reason && *reason ? reason : "delivery agent failure");
        }
        result = DELIVER_READ_END;
    } else {
        vstring_sprintf(why, "unknown reply \"%.30s\"", reply);
        result = DELIVER_READ_ERROR;
    }
    attr_table_free(table);
    return result;
}
