/*++
 * NAME
 *	anvil - connection counts and event rates for all smtpd processes
 * SYNOPSIS
 *	anvil [generic daemon options]
 * DESCRIPTION
 *	anvil(8) is one long-lived process (master.cf: "anvil unix - - n -
 *	1 anvil") that counts, per (service, client address), the
 *	connections open now and the connections, messages, recipients, new
 *	TLS sessions and AUTH commands of the current anvil_rate_time_unit.
 *	smtpd asks it at each such event (the requests of anvil_client.h)
 *	and enforces its smtpd_client_*_limit settings with the answers, so
 *	that a limit holds across all smtpd processes.
 *
 *	A connection that a client connection registered is forgotten when
 *	that client connection closes: an smtpd process that exits or
 *	crashes without its disconnect request leaves no phantom connection
 *	behind. Counts live in memory only; a restarted anvil starts from
 *	zero.
 *
 *	Every anvil_status_update_time, and when it exits, anvil logs the
 *	largest count and rates since the last time and the largest number
 *	of clients it held ("statistics: max connection rate 5/60s for
 *	(smtp:192.0.2.1) at Dec  7 10:00:00").
 *
 *	Each client connection is greeted with the protocol name and version
 *	(ANVIL_PROTOCOL, ANVIL_VERSION) and may carry any number of
 *	requests. A malformed request ends the connection. The wake-up
 *	requests of master(8) are read and ignored.
 * DIAGNOSTICS
 *	Warnings: malformed requests. Fatal: bad parameter values.
 * SEE ALSO
 *	anvil_client(3) the client, anvil(8) the manual page
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Utility library. */
#include "attr.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "anvil_client.h"
#include "attr_dispatch.h"
#include "mail_params.h"
#include "mail_server.h"

/* Application-specific. */
#include "anvil.h"

/* Time limit for one request (see tlsmgr(8) for why it is short). */
#define ANVIL_REQUEST_TIMEOUT 10

/* The parameters, bound by main(). */
static int anvil_time_unit;     /* anvil_rate_time_unit, seconds */
static int anvil_status_update; /* anvil_status_update_time, seconds */

/* The counts. */
static ANVIL_TABLE *anvil_table;

/* Per client connection, by descriptor: ident -> connections it registered. */
static HTABLE **anvil_owners;
static int anvil_owner_slots;

/* anvil_owner - the connections a client registered, made on demand */

static HTABLE *anvil_owner(VSTREAM *client, bool create)
{
    int fd = vstream_fileno(client);

    if (fd >= anvil_owner_slots) {
        int old = anvil_owner_slots;

        if (!create)
            return NULL;
        anvil_owner_slots = fd + 64;
        anvil_owners = myrealloc(anvil_owners, anvil_owner_slots * sizeof(*anvil_owners));
        for (int i = old; i < anvil_owner_slots; i++)
            anvil_owners[i] = NULL;
    }
    if (anvil_owners[fd] == NULL && create)
        anvil_owners[fd] = htable_create(1);
    return anvil_owners[fd];
}

/* anvil_reply - status and up to two numbers */

static int anvil_reply(VSTREAM *client, int status, const char *name1, int value1,
                       const char *name2, int value2)
{
    if (name2)
        return attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(ANVIL_ATTR_STATUS, status),
                          SEND_ATTR_INT(name1, value1), SEND_ATTR_INT(name2, value2),
                          ATTR_TYPE_END);
    if (name1)
        return attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(ANVIL_ATTR_STATUS, status),
                          SEND_ATTR_INT(name1, value1), ATTR_TYPE_END);
    return attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(ANVIL_ATTR_STATUS, status),
                      ATTR_TYPE_END);
}

/* anvil_connect - one more connection, owned by this client */

static int anvil_connect(VSTREAM *client, const char *ident)
{
    HTABLE *owner = anvil_owner(client, true);
    int *mine = htable_find(owner, ident), count, rate;

    if (mine == NULL) {
        mine = mycalloc(1, sizeof(*mine));
        htable_enter(owner, ident, mine);
    }
    (*mine)++;
    anvil_table_connect(anvil_table, ident, time(NULL), &count, &rate);
    return anvil_reply(client, ANVIL_STAT_OK, ANVIL_ATTR_COUNT, count, ANVIL_ATTR_RATE, rate);
}

/* anvil_disconnect - one connection fewer, if this client registered it */

static int anvil_disconnect(VSTREAM *client, const char *ident)
{
    HTABLE *owner = anvil_owner(client, false);
    int *mine = owner ? htable_find(owner, ident) : NULL;

    /* Not ours: registered before an anvil restart, or by another connection. */
    if (mine != NULL) {
        anvil_table_disconnect(anvil_table, ident, time(NULL));
        if (--(*mine) == 0)
            htable_delete(owner, ident, myfree);
    }
    return anvil_reply(client, ANVIL_STAT_OK, NULL, 0, NULL, 0);
}

/* anvil_lookup - everything about an ident */

static int anvil_lookup(VSTREAM *client, const char *ident)
{
    ANVIL_COUNTS counts;

    anvil_table_lookup(anvil_table, ident, time(NULL), &counts);
    return attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(ANVIL_ATTR_STATUS, ANVIL_STAT_OK),
                      SEND_ATTR_INT(ANVIL_ATTR_COUNT, counts.count),
                      SEND_ATTR_INT(ANVIL_ATTR_RATE, counts.conn_rate),
                      SEND_ATTR_INT(ANVIL_ATTR_MAIL, counts.mail_rate),
                      SEND_ATTR_INT(ANVIL_ATTR_RCPT, counts.rcpt_rate),
                      SEND_ATTR_INT(ANVIL_ATTR_NEWTLS, counts.newtls_rate),
                      SEND_ATTR_INT(ANVIL_ATTR_AUTH, counts.auth_rate), ATTR_TYPE_END);
}

/* The requests, by name. */
typedef struct ANVIL_REQUEST {
    const char *name;                                   /* ANVIL_REQ_* */
    int (*handler)(VSTREAM *client, const char *ident); /* or NULL: a rate request */
    int kind;                                           /* ANVIL_EVENT of a rate request */
    bool count;                                         /* a rate request counts an event */
} ANVIL_REQUEST;

static const ANVIL_REQUEST anvil_requests[] = {
    {ANVIL_REQ_CONNECT, anvil_connect, 0, false},
    {ANVIL_REQ_DISCONNECT, anvil_disconnect, 0, false},
    {ANVIL_REQ_MESSAGE, NULL, ANVIL_EVENT_MESSAGE, true},
    {ANVIL_REQ_RECIPIENT, NULL, ANVIL_EVENT_RECIPIENT, true},
    {ANVIL_REQ_NEWTLS, NULL, ANVIL_EVENT_NEWTLS, true},
    {ANVIL_REQ_NEWTLS_STATUS, NULL, ANVIL_EVENT_NEWTLS, false},
    {ANVIL_REQ_AUTH, NULL, ANVIL_EVENT_AUTH, true},
    {ANVIL_REQ_LOOKUP, anvil_lookup, 0, false},
    {NULL, NULL, 0, false},
};

/* anvil_serve - one parsed request */

static int anvil_serve(VSTREAM *client, const ANVIL_REQUEST *rp, const char *ident)
{
    time_t now = time(NULL);
    int rate;

    if (rp->handler)
        return rp->handler(client, ident);
    rate = rp->count ? anvil_table_event(anvil_table, ident, rp->kind, now)
                     : anvil_table_rate(anvil_table, ident, rp->kind, now);
    return anvil_reply(client, ANVIL_STAT_OK, ANVIL_ATTR_RATE, rate, NULL, 0);
}

/* anvil_dispatch - read one request and serve it; -1: drop the client */

static int anvil_dispatch(VSTREAM *client)
{
    VSTRING *request = vstring_alloc(20);
    VSTRING *ident = vstring_alloc(100);
    ATTR_OPTS opts = {.value_max = ANVIL_IDENT_MAX};
    const ANVIL_REQUEST *rp;
    int status = -1;

    /* End of input, or a master wake-up ("W"): no attribute message follows. */
    if (attr_dispatch_ready(client) < 0) {
        vstring_free(request);
        vstring_free(ident);
        return -1;
    }
    if (attr_scan_opts(client, ATTR_FLAG_STRICT, &opts, RECV_ATTR_STR(ANVIL_ATTR_REQ, request),
                       RECV_ATTR_STR(ANVIL_ATTR_IDENT, ident), ATTR_TYPE_END) == 2) {
        for (rp = anvil_requests; rp->name; rp++)
            if (strcmp(rp->name, vstring_str(request)) == 0)
                break;
        if (rp->name == NULL)
            msg_warn("unknown request \"%.100s\"", vstring_str(request));
        else if (msg_verbose)
            msg_info("%s: %s %s", __func__, rp->name, vstring_str(ident));
        if (rp->name != NULL)
            status = anvil_serve(client, rp, vstring_str(ident)) < 0 || vstream_fflush(client) != 0
                         ? -1
                         : 0;
    }
    vstring_free(request);
    vstring_free(ident);
    return status;
}

/* anvil_forget_one - a closed client's connections are over */

static void anvil_forget_one(HTABLE_INFO *entry, void *unused_context)
{
    int *mine = entry->value;
    time_t now = time(NULL);

    while ((*mine)-- > 0)
        anvil_table_disconnect(anvil_table, entry->key, now);
}

/* anvil_close - forget what a client registered */

static void anvil_close(MAIL_SERVER *unused_server, VSTREAM *client)
{
    HTABLE *owner = anvil_owner(client, false);

    if (owner) {
        htable_walk(owner, anvil_forget_one, NULL);
        anvil_owners[vstream_fileno(client)] = htable_free(owner, myfree);
    }
}

/* anvil_service - serve one request of a client */

static void anvil_service(MAIL_SERVER *server, VSTREAM *client)
{
    if (anvil_dispatch(client) < 0)
        multi_server_disconnect(server, client);
}

/* anvil_accept - greet a new client */

static void anvil_accept(MAIL_SERVER *server, VSTREAM *client)
{
    vstream_set_timeout(client, ANVIL_REQUEST_TIMEOUT);
    if (attr_hello_send(client, ANVIL_PROTOCOL, ANVIL_VERSION) < 0 || vstream_fflush(client) != 0)
        multi_server_disconnect(server, client);
}

/* anvil_log_line - one statistics line */

static void anvil_log_line(const char *line, void *unused_context)
{
    msg_info("statistics: %s", line);
}

/* anvil_status_event - log the maxima, drop idle clients, again later */

static void anvil_status_event(EVENT_LOOP *loop, void *context)
{
    anvil_table_report(anvil_table, anvil_log_line, NULL);
    event_timer_add(loop, anvil_status_update * 1000, anvil_status_event, context);
}

/* anvil_expire_event - drop idle clients, again after one time unit */

static void anvil_expire_event(EVENT_LOOP *loop, void *context)
{
    anvil_table_expire(anvil_table, time(NULL));
    event_timer_add(loop, anvil_time_unit * 1000, anvil_expire_event, context);
}

/* anvil_post_jail - the table and the timers */

static void anvil_post_jail(MAIL_SERVER *server)
{
    anvil_table = anvil_table_create(anvil_time_unit);
    event_timer_add(server->loop, anvil_status_update * 1000, anvil_status_event, server);
    event_timer_add(server->loop, anvil_time_unit * 1000, anvil_expire_event, server);
}

/* anvil_pre_exit - the last statistics */

static void anvil_pre_exit(MAIL_SERVER *unused_server)
{
    if (anvil_table)
        anvil_table_report(anvil_table, anvil_log_line, NULL);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_TIME(VAR_ANVIL_RATE_TIME_UNIT, &anvil_time_unit),
        CONFIG_BIND_TIME(VAR_ANVIL_STATUS_UPDATE_TIME, &anvil_status_update),
        CONFIG_BIND_END,
    };

    multi_server_main(argc, argv, anvil_service,
                      &(MAIL_SERVER_PROPS){
                          .parameters = parameters,
                          .post_jail = anvil_post_jail,
                          .pre_exit = anvil_pre_exit,
                          .on_accept = anvil_accept,
                          .on_close = anvil_close,
                          .flags = MAIL_SERVER_FLAG_SOLITARY | MAIL_SERVER_FLAG_UNLIMITED,
                      });
}
