/*++
 * NAME
 *	tlsrpt_client - send TLS session results to the TLSRPT collector
 * SYNOPSIS
 *	#include "tlsrpt_client.h"
 *
 *	void	tlsrpt_client_init(const char *endpoint, int timeout);
 *	int	tlsrpt_client_send(const TLSRPT_RECORD *record);
 *	bool	tlsrpt_result_ok(const char *result);
 *	bool	tlsrpt_policy_type_ok(const char *type);
 * DESCRIPTION
 *	tlsrpt_client_init() says where the collector listens (endpoint: a
 *	socket path relative to the queue directory, "private/tlsrpt" when
 *	NULL or empty, or any attr_clnt(3) endpoint) and how many seconds
 *	one request may take (timeout; 2 when not positive). A program
 *	calls it once; calling it again replaces the connection.
 *
 *	tlsrpt_client_send() sends one record (tlsrpt_client.h) and waits
 *	for the collector's status. It never blocks longer than the
 *	timeout and never fails a delivery: when the collector cannot be
 *	reached or does not store the record, the record is lost and a
 *	warning says so; for the next TLSRPT_CLIENT_PAUSE seconds the
 *	client does not try again (each record lost meanwhile is logged),
 *	so that a stalled collector costs one timeout, not one per
 *	session. It returns TLSRPT_STAT_OK, TLSRPT_STAT_ERR (the collector
 *	refused the record) or TLSRPT_STAT_FAIL.
 *
 *	tlsrpt_result_ok() is true for "success" and the RFC 8460 result
 *	types; tlsrpt_policy_type_ok() for tlsa, sts and no-policy-found.
 * DIAGNOSTICS
 *	Warnings: a lost record (with the policy domain and result).
 *	Panic: a record without policy domain, or with an unknown result
 *	or policy type.
 * SEE ALSO
 *	tlsrpt(8), attr_clnt(3)
 *--*/

/* System library. */
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "tlsrpt_client.h"

#define TLSRPT_CLIENT_TIMEOUT  2    /* seconds per connect or request */
#define TLSRPT_CLIENT_MAX_IDLE 5    /* seconds before an idle connection is replaced */
#define TLSRPT_CLIENT_MAX_TTL  1000 /* seconds before any connection is replaced */
#define TLSRPT_CLIENT_PAUSE    60   /* seconds without tries after a failure */

static ATTR_CLNT *tlsrpt_clnt;     /* the connection, or NULL */
static char *tlsrpt_endpoint;      /* where the collector listens, owned */
static int tlsrpt_timeout;         /* seconds */
static pid_t tlsrpt_pid;           /* process that owns the connection */
static time_t tlsrpt_paused_until; /* no tries before this time */

/* The result types of RFC 8460 section 4.3, and success. */
static const char *const tlsrpt_results[] = {
    TLSRPT_SUCCESS,
    TLSRPT_STARTTLS_NOT_SUPPORTED,
    TLSRPT_CERT_HOST_MISMATCH,
    TLSRPT_CERT_EXPIRED,
    TLSRPT_CERT_NOT_TRUSTED,
    TLSRPT_VALIDATION_FAILURE,
    TLSRPT_TLSA_INVALID,
    TLSRPT_DNSSEC_INVALID,
    TLSRPT_DANE_REQUIRED,
    TLSRPT_STS_POLICY_FETCH_ERROR,
    TLSRPT_STS_POLICY_INVALID,
    TLSRPT_STS_WEBPKI_INVALID,
    NULL,
};

/* tlsrpt_result_ok - success or an RFC 8460 result type */

bool tlsrpt_result_ok(const char *result)
{
    for (const char *const *rp = tlsrpt_results; *rp; rp++)
        if (strcmp(*rp, result) == 0)
            return true;
    return false;
}

/* tlsrpt_policy_type_ok - one of the RFC 8460 policy types */

bool tlsrpt_policy_type_ok(const char *type)
{
    return strcmp(type, TLSRPT_POLICY_TLSA) == 0 || strcmp(type, TLSRPT_POLICY_STS) == 0 ||
           strcmp(type, TLSRPT_POLICY_NONE) == 0;
}

/* tlsrpt_client_init - where the collector listens */

void tlsrpt_client_init(const char *endpoint, int timeout)
{
    myfree(tlsrpt_endpoint);
    tlsrpt_endpoint = mystrdup(endpoint && *endpoint ? endpoint : TLSRPT_SERVICE);
    tlsrpt_timeout = timeout > 0 ? timeout : TLSRPT_CLIENT_TIMEOUT;
    if (tlsrpt_clnt)
        tlsrpt_clnt = attr_clnt_free(tlsrpt_clnt);
    tlsrpt_paused_until = 0;
}

/* tlsrpt_client - the connection */

static ATTR_CLNT *tlsrpt_client(void)
{
    if (tlsrpt_endpoint == NULL)
        tlsrpt_client_init(NULL, 0);
    if (tlsrpt_clnt == NULL) {
        ATTR_OPTS opts = {.value_max = TLSRPT_FIELD_MAX};

        tlsrpt_clnt = attr_clnt_create(tlsrpt_endpoint, tlsrpt_timeout, TLSRPT_CLIENT_MAX_IDLE,
                                       TLSRPT_CLIENT_MAX_TTL);
        attr_clnt_set_protocol(tlsrpt_clnt, TLSRPT_PROTOCOL, TLSRPT_VERSION);
        attr_clnt_set_opts(tlsrpt_clnt, &opts);
        tlsrpt_pid = getpid();
    } else if (tlsrpt_pid != getpid()) {
        attr_clnt_disconnect(tlsrpt_clnt);
        tlsrpt_pid = getpid();
    }
    return tlsrpt_clnt;
}

/* tlsrpt_str - "" for NULL */

static const char *tlsrpt_str(const char *s)
{
    return s ? s : "";
}

/* tlsrpt_client_send - one record to the collector */

int tlsrpt_client_send(const TLSRPT_RECORD *rec)
{
    ATTR_CLNT *clnt;
    int status = TLSRPT_STAT_FAIL, got;
    time_t now = time(NULL);

    if (rec->policy_domain == NULL || *rec->policy_domain == 0 || rec->result == NULL ||
        !tlsrpt_result_ok(rec->result) || rec->policy_type == NULL ||
        !tlsrpt_policy_type_ok(rec->policy_type))
        msg_panic("%s: bad record: domain \"%s\" type \"%s\" result \"%s\"", __func__,
                  tlsrpt_str(rec->policy_domain), tlsrpt_str(rec->policy_type),
                  tlsrpt_str(rec->result));
    if (now >= tlsrpt_paused_until) {
        clnt = tlsrpt_client();
        got = attr_clnt_request(
            clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(TLSRPT_ATTR_REQ, TLSRPT_REQ_RECORD),
            SEND_ATTR_STR(TLSRPT_ATTR_DOMAIN, rec->policy_domain),
            SEND_ATTR_STR(TLSRPT_ATTR_TYPE, rec->policy_type),
            SEND_ATTR_STR(TLSRPT_ATTR_STRINGS, tlsrpt_str(rec->policy_strings)),
            SEND_ATTR_STR(TLSRPT_ATTR_MX_HOST, tlsrpt_str(rec->mx_host)),
            SEND_ATTR_STR(TLSRPT_ATTR_RESULT, rec->result),
            SEND_ATTR_STR(TLSRPT_ATTR_SEND_IP, tlsrpt_str(rec->sending_ip)),
            SEND_ATTR_STR(TLSRPT_ATTR_MX_NAME, tlsrpt_str(rec->receiving_mx)),
            SEND_ATTR_STR(TLSRPT_ATTR_MX_HELO, tlsrpt_str(rec->receiving_helo)),
            SEND_ATTR_STR(TLSRPT_ATTR_MX_IP, tlsrpt_str(rec->receiving_ip)),
            SEND_ATTR_STR(TLSRPT_ATTR_REASON, tlsrpt_str(rec->reason)), ATTR_TYPE_END,
            ATTR_FLAG_STRICT, RECV_ATTR_INT(TLSRPT_ATTR_STATUS, &status), ATTR_TYPE_END);
        if (got != 1) {
            status = TLSRPT_STAT_FAIL;
            tlsrpt_paused_until = now + TLSRPT_CLIENT_PAUSE;
            attr_clnt_disconnect(clnt);
        }
    }
    if (status != TLSRPT_STAT_OK)
        msg_warn("TLSRPT record lost for policy domain %s (%s, %s): the collector at %s %s",
                 rec->policy_domain, rec->policy_type, rec->result, tlsrpt_endpoint,
                 status == TLSRPT_STAT_ERR ? "refused it" : "is not available");
    return status == TLSRPT_STAT_OK || status == TLSRPT_STAT_ERR ? status : TLSRPT_STAT_FAIL;
}
