/*++
 * NAME
 *	anvil_client - the anvil client: connection counts and event rates
 * SYNOPSIS
 *	#include <anvil_client.h>
 *
 *	void	anvil_client_init(const char *endpoint, int timeout);
 *	int	anvil_client_connect(const char *service, const char *addr,
 *				int *out_count, int *out_rate);
 *	int	anvil_client_disconnect(const char *service, const char *addr);
 *	int	anvil_client_message(const char *service, const char *addr,
 *				int *out_rate);
 *	int	anvil_client_recipient(const char *service, const char *addr,
 *				int *out_rate);
 *	int	anvil_client_newtls(const char *service, const char *addr,
 *				int *out_rate);
 *	int	anvil_client_newtls_status(const char *service,
 *				const char *addr, int *out_rate);
 *	int	anvil_client_auth(const char *service, const char *addr,
 *				int *out_rate);
 *	int	anvil_client_lookup(const char *service, const char *addr,
 *				ANVIL_COUNTS *out_counts);
 *	void	anvil_client_reset(void);
 * DESCRIPTION
 *	These functions talk to anvil(8) with the requests of
 *	anvil_client.h, over one connection per process that is opened on
 *	first use and kept for the life of the process (anvil ties the
 *	connections it counts to that connection, so that the counts of a
 *	process that dies go with it). service is the master.cf service name
 *	and addr the client's printable address. Each returns ANVIL_STAT_OK
 *	with the results filled in, or ANVIL_STAT_FAIL with them zero.
 *
 *	anvil_client_connect() reports a new connection and returns the
 *	number of connections now open and the connection rate.
 *	anvil_client_disconnect() reports its end. anvil_client_message(),
 *	_recipient(), _newtls() and _auth() count one event of their kind
 *	and return the rate, this event included.
 *	anvil_client_newtls_status() returns the new TLS session rate
 *	without counting. anvil_client_lookup() returns everything.
 *
 *	anvil_client_init() sets where anvil listens and the time limit in
 *	seconds for connecting and for each request (0: the default, 5).
 *	endpoint is a service name ("anvil": the socket private/anvil below
 *	the current directory, which for a daemon is queue_directory), a
 *	path, or "unix:path"; NULL means ANVIL_SERVICE.
 *
 *	anvil is an optional helper: mail must flow without it. A failure to
 *	reach anvil, a broken connection or a malformed reply is logged and
 *	turns the client off for ANVIL_CLIENT_PAUSE seconds; meanwhile every
 *	call returns ANVIL_STAT_FAIL at once, and the caller serves without
 *	limits. A hung anvil costs one request at most the time limit.
 *	anvil_client_reset() turns the client on again and forgets the
 *	connection (for tests).
 * DIAGNOSTICS
 *	One warning each time the client turns itself off (attr_clnt(3) adds
 *	the system's reason).
 * SEE ALSO
 *	anvil(8), attr_clnt(3)
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "anvil_client.h"

#define ANVIL_CLIENT_TIMEOUT 5  /* seconds per connect or request */
#define ANVIL_CLIENT_PAUSE   60 /* seconds off after a failure */

static ATTR_CLNT *anvil_clnt;                    /* the connection, or NULL */
static char *anvil_endpoint;                     /* where anvil listens, owned */
static int anvil_timeout = ANVIL_CLIENT_TIMEOUT; /* seconds */
static pid_t anvil_pid;                          /* process that owns the connection */
static time_t anvil_off_until;                   /* off while time() is before this */
static char anvil_ident[ANVIL_IDENT_MAX + 1];    /* the last ident */

/* anvil_client_ident - "service:addr", or NULL when too long */

static const char *anvil_client_ident(const char *service, const char *addr)
{
    int len = snprintf(anvil_ident, sizeof(anvil_ident), "%s:%s", service, addr);

    return len < 0 || (size_t)len >= sizeof(anvil_ident) ? NULL : anvil_ident;
}

/* anvil_client_handle - the connection, or NULL while the client is off */

static ATTR_CLNT *anvil_client_handle(void)
{
    if (anvil_off_until != 0) {
        if (time(NULL) < anvil_off_until)
            return NULL;
        anvil_off_until = 0;
    }
    if (anvil_clnt == NULL) {
        ATTR_OPTS opts = {.value_max = ANVIL_IDENT_MAX};

        if (anvil_endpoint == NULL)
            anvil_client_init(NULL, 0);
        /* Never idle out: anvil counts connections per client connection. */
        anvil_clnt = attr_clnt_create(anvil_endpoint, anvil_timeout, 0, 0);
        attr_clnt_set_protocol(anvil_clnt, ANVIL_PROTOCOL, ANVIL_VERSION);
        attr_clnt_set_opts(anvil_clnt, &opts);
        anvil_pid = getpid();
    } else if (anvil_pid != getpid()) {
        attr_clnt_disconnect(anvil_clnt);
        anvil_pid = getpid();
    }
    return anvil_clnt;
}

/* anvil_client_result - check a reply; an IPC failure turns the client off */

static int anvil_client_result(const char *request, int got, int want, int status)
{
    if (got != want) {
        msg_warn("%s: %s request to the anvil service failed: no client connection or rate "
                 "limits in this process for %d seconds",
                 anvil_endpoint, request, ANVIL_CLIENT_PAUSE);
        anvil_off_until = time(NULL) + ANVIL_CLIENT_PAUSE;
        attr_clnt_disconnect(anvil_clnt);
        return ANVIL_STAT_FAIL;
    }
    return status == ANVIL_STAT_OK ? ANVIL_STAT_OK : ANVIL_STAT_FAIL;
}

/* anvil_client_rate - one request with a rate in its reply */

static int anvil_client_rate(const char *request, const char *service, const char *addr,
                             int *out_rate)
{
    ATTR_CLNT *clnt;
    const char *ident;
    int status = ANVIL_STAT_FAIL, rate = 0, got;

    *out_rate = 0;
    if ((ident = anvil_client_ident(service, addr)) == NULL ||
        (clnt = anvil_client_handle()) == NULL)
        return ANVIL_STAT_FAIL;
    got = attr_clnt_request(clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(ANVIL_ATTR_REQ, request),
                            SEND_ATTR_STR(ANVIL_ATTR_IDENT, ident), ATTR_TYPE_END, ATTR_FLAG_STRICT,
                            RECV_ATTR_INT(ANVIL_ATTR_STATUS, &status),
                            RECV_ATTR_INT(ANVIL_ATTR_RATE, &rate), ATTR_TYPE_END);
    if ((status = anvil_client_result(request, got, 2, status)) == ANVIL_STAT_OK)
        *out_rate = rate;
    return status;
}

/* anvil_client_init - where anvil listens */

void anvil_client_init(const char *endpoint, int timeout)
{
    if (endpoint == NULL || *endpoint == 0)
        endpoint = ANVIL_SERVICE;
    myfree(anvil_endpoint);
    if (strchr(endpoint, '/') == NULL && strchr(endpoint, ':') == NULL) {
        size_t len = strlen(ANVIL_CLASS) + strlen(endpoint) + 2;

        anvil_endpoint = mymalloc(len);
        snprintf(anvil_endpoint, len, "%s/%s", ANVIL_CLASS, endpoint);
    } else {
        anvil_endpoint = mystrdup(endpoint);
    }
    anvil_timeout = timeout > 0 ? timeout : ANVIL_CLIENT_TIMEOUT;
    if (anvil_clnt)
        anvil_clnt = attr_clnt_free(anvil_clnt);
}

/* anvil_client_connect - a new connection: count and rate */

int anvil_client_connect(const char *service, const char *addr, int *out_count, int *out_rate)
{
    ATTR_CLNT *clnt;
    const char *ident;
    int status = ANVIL_STAT_FAIL, count = 0, rate = 0, got;

    *out_count = *out_rate = 0;
    if ((ident = anvil_client_ident(service, addr)) == NULL ||
        (clnt = anvil_client_handle()) == NULL)
        return ANVIL_STAT_FAIL;
    got = attr_clnt_request(clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(ANVIL_ATTR_REQ, ANVIL_REQ_CONNECT),
                            SEND_ATTR_STR(ANVIL_ATTR_IDENT, ident), ATTR_TYPE_END, ATTR_FLAG_STRICT,
                            RECV_ATTR_INT(ANVIL_ATTR_STATUS, &status),
                            RECV_ATTR_INT(ANVIL_ATTR_COUNT, &count),
                            RECV_ATTR_INT(ANVIL_ATTR_RATE, &rate), ATTR_TYPE_END);
    if ((status = anvil_client_result(ANVIL_REQ_CONNECT, got, 3, status)) == ANVIL_STAT_OK) {
        *out_count = count;
        *out_rate = rate;
    }
    return status;
}

/* anvil_client_disconnect - a connection ended */

int anvil_client_disconnect(const char *service, const char *addr)
{
    ATTR_CLNT *clnt;
    const char *ident;
    int status = ANVIL_STAT_FAIL, got;

    if ((ident = anvil_client_ident(service, addr)) == NULL ||
        (clnt = anvil_client_handle()) == NULL)
        return ANVIL_STAT_FAIL;
    got =
        attr_clnt_request(clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(ANVIL_ATTR_REQ, ANVIL_REQ_DISCONNECT),
                          SEND_ATTR_STR(ANVIL_ATTR_IDENT, ident), ATTR_TYPE_END, ATTR_FLAG_STRICT,
                          RECV_ATTR_INT(ANVIL_ATTR_STATUS, &status), ATTR_TYPE_END);
    return anvil_client_result(ANVIL_REQ_DISCONNECT, got, 1, status);
}

/* anvil_client_message - count a message */

int anvil_client_message(const char *service, const char *addr, int *out_rate)
{
    return anvil_client_rate(ANVIL_REQ_MESSAGE, service, addr, out_rate);
}

/* anvil_client_recipient - count a recipient */

int anvil_client_recipient(const char *service, const char *addr, int *out_rate)
{
    return anvil_client_rate(ANVIL_REQ_RECIPIENT, service, addr, out_rate);
}

/* anvil_client_newtls - count a new TLS session */

int anvil_client_newtls(const char *service, const char *addr, int *out_rate)
{
    return anvil_client_rate(ANVIL_REQ_NEWTLS, service, addr, out_rate);
}

/* anvil_client_newtls_status - the new TLS session rate, not counting */

int anvil_client_newtls_status(const char *service, const char *addr, int *out_rate)
{
    return anvil_client_rate(ANVIL_REQ_NEWTLS_STATUS, service, addr, out_rate);
}

/* anvil_client_auth - count an AUTH command */

int anvil_client_auth(const char *service, const char *addr, int *out_rate)
{
    return anvil_client_rate(ANVIL_REQ_AUTH, service, addr, out_rate);
}

/* anvil_client_lookup - everything about one ident */

int anvil_client_lookup(const char *service, const char *addr, ANVIL_COUNTS *out_counts)
{
    ATTR_CLNT *clnt;
    const char *ident;
    ANVIL_COUNTS counts = {0};
    int status = ANVIL_STAT_FAIL, got;

    *out_counts = counts;
    if ((ident = anvil_client_ident(service, addr)) == NULL ||
        (clnt = anvil_client_handle()) == NULL)
        return ANVIL_STAT_FAIL;
    got = attr_clnt_request(clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(ANVIL_ATTR_REQ, ANVIL_REQ_LOOKUP),
                            SEND_ATTR_STR(ANVIL_ATTR_IDENT, ident), ATTR_TYPE_END, ATTR_FLAG_STRICT,
                            RECV_ATTR_INT(ANVIL_ATTR_STATUS, &status),
                            RECV_ATTR_INT(ANVIL_ATTR_COUNT, &counts.count),
                            RECV_ATTR_INT(ANVIL_ATTR_RATE, &counts.conn_rate),
                            RECV_ATTR_INT(ANVIL_ATTR_MAIL, &counts.mail_rate),
                            RECV_ATTR_INT(ANVIL_ATTR_RCPT, &counts.rcpt_rate),
                            RECV_ATTR_INT(ANVIL_ATTR_NEWTLS, &counts.newtls_rate),
                            RECV_ATTR_INT(ANVIL_ATTR_AUTH, &counts.auth_rate), ATTR_TYPE_END);
    if ((status = anvil_client_result(ANVIL_REQ_LOOKUP, got, 7, status)) == ANVIL_STAT_OK)
        *out_counts = counts;
    return status;
}

/* anvil_client_reset - on again, without a connection */

void anvil_client_reset(void)
{
    anvil_off_until = 0;
    if (anvil_clnt)
        attr_clnt_disconnect(anvil_clnt);
}
