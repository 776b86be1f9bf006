/*++
 * NAME
 *	sts_mgr - the mtasts client: the MTA-STS policy of a domain
 * SYNOPSIS
 *	#include <sts_mgr.h>
 *
 *	void	sts_mgr_init(const char *endpoint, int timeout);
 *	int	sts_mgr_lookup(const char *domain, STS_MGR_RESULT *result);
 *	void	sts_mgr_result_init(STS_MGR_RESULT *result);
 *	void	sts_mgr_result_free(STS_MGR_RESULT *result);
 * DESCRIPTION
 *	sts_mgr_init() sets where mtasts(8) listens (a service name, which
 *	is the socket private/NAME below the current directory, a path, or
 *	"unix:path"; NULL: STS_MGR_SERVICE) and the time limit in seconds
 *	for connecting and for each request (a lookup may include a DNS
 *	lookup and an HTTPS fetch). Call it before the first lookup.
 *
 *	sts_mgr_lookup() asks mtasts which policy is in force for domain
 *	and fills result (made with sts_mgr_result_init()): status
 *	STS_MGR_STAT_POLICY with the policy parsed (the text, id and source
 *	beside it), STS_MGR_STAT_NONE (failure and reason say why when
 *	discovery failed), or STS_MGR_STAT_FAIL when mtasts cannot be
 *	reached, times out, or answers with something that is not a valid
 *	policy. The connection is kept for later lookups (replaced after 5
 *	idle seconds, and in a child after fork()).
 *
 *	sts_mgr_result_free() releases what a result holds.
 * DIAGNOSTICS
 *	A warning when mtasts cannot be reached or answers nonsense.
 * SEE ALSO
 *	mtasts(8), attr_clnt(3)
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "sts_mgr.h"

#define STS_MGR_TIMEOUT  30   /* default seconds per connect or request */
#define STS_MGR_MAX_IDLE 5    /* seconds before an idle connection is replaced */
#define STS_MGR_MAX_TTL  1000 /* seconds before any connection is replaced */

static ATTR_CLNT *sts_mgr_clnt;               /* the connection, or NULL */
static char *sts_mgr_endpoint;                /* where mtasts listens, owned */
static int sts_mgr_timeout = STS_MGR_TIMEOUT; /* seconds */
static pid_t sts_mgr_pid;                     /* process that owns the connection */

/* sts_mgr_init - where mtasts listens */

void sts_mgr_init(const char *endpoint, int timeout)
{
    if (endpoint == NULL || *endpoint == 0)
        endpoint = STS_MGR_SERVICE;
    myfree(sts_mgr_endpoint);
    if (strchr(endpoint, '/') == NULL && strchr(endpoint, ':') == NULL) {
        size_t len = strlen(STS_MGR_CLASS) + strlen(endpoint) + 2;

        sts_mgr_endpoint = mymalloc(len);
        snprintf(sts_mgr_endpoint, len, "%s/%s", STS_MGR_CLASS, endpoint);
    } else {
        sts_mgr_endpoint = mystrdup(endpoint);
    }
    sts_mgr_timeout = timeout > 0 ? timeout : STS_MGR_TIMEOUT;
    if (sts_mgr_clnt)
        sts_mgr_clnt = attr_clnt_free(sts_mgr_clnt);
}

/* sts_mgr_client - the connection */

static ATTR_CLNT *sts_mgr_client(void)
{
    if (sts_mgr_clnt == NULL) {
        ATTR_OPTS opts = {.value_max = 2 * STS_POLICY_MAX};

        if (sts_mgr_endpoint == NULL)
            sts_mgr_init(NULL, 0);
        sts_mgr_clnt =
            attr_clnt_create(sts_mgr_endpoint, sts_mgr_timeout, STS_MGR_MAX_IDLE, STS_MGR_MAX_TTL);
        attr_clnt_set_protocol(sts_mgr_clnt, STS_MGR_PROTOCOL, STS_MGR_VERSION);
        attr_clnt_set_opts(sts_mgr_clnt, &opts);
        sts_mgr_pid = getpid();
    } else if (sts_mgr_pid != getpid()) {
        attr_clnt_disconnect(sts_mgr_clnt);
        sts_mgr_pid = getpid();
    }
    return sts_mgr_clnt;
}

/* sts_mgr_result_init - an empty result */

void sts_mgr_result_init(STS_MGR_RESULT *result)
{
    *result = (STS_MGR_RESULT){.id = vstring_alloc(32),
                               .text = vstring_alloc(200),
                               .source = vstring_alloc(10),
                               .failure = vstring_alloc(30),
                               .reason = vstring_alloc(100)};
}

/* sts_mgr_result_free - release a result */

void sts_mgr_result_free(STS_MGR_RESULT *result)
{
    sts_policy_free(result->policy);
    vstring_free(result->id);
    vstring_free(result->text);
    vstring_free(result->source);
    vstring_free(result->failure);
    vstring_free(result->reason);
    *result = (STS_MGR_RESULT){0};
}

/* sts_mgr_lookup - the policy of a domain */

int sts_mgr_lookup(const char *domain, STS_MGR_RESULT *result)
{
    VSTRING *why;
    int status = STS_MGR_STAT_FAIL, got;

    result->policy = sts_policy_free(result->policy);
    got = attr_clnt_request(
        sts_mgr_client(), ATTR_FLAG_NONE, SEND_ATTR_STR(STS_MGR_ATTR_REQ, STS_MGR_REQ_LOOKUP),
        SEND_ATTR_STR(STS_MGR_ATTR_DOMAIN, domain), ATTR_TYPE_END, ATTR_FLAG_STRICT,
        RECV_ATTR_INT(STS_MGR_ATTR_STATUS, &status), RECV_ATTR_STR(STS_MGR_ATTR_ID, result->id),
        RECV_ATTR_DATA(STS_MGR_ATTR_POLICY, result->text),
        RECV_ATTR_STR(STS_MGR_ATTR_SOURCE, result->source),
        RECV_ATTR_STR(STS_MGR_ATTR_FAILURE, result->failure),
        RECV_ATTR_STR(STS_MGR_ATTR_REASON, result->reason), ATTR_TYPE_END);
    if (got != 6 || (status != STS_MGR_STAT_POLICY && status != STS_MGR_STAT_NONE)) {
        msg_warn("%s: lookup request to the mtasts service failed: MTA-STS policy of %s unknown",
                 sts_mgr_endpoint, domain);
        attr_clnt_disconnect(sts_mgr_clnt);
        return result->status = STS_MGR_STAT_FAIL;
    }
    if (status == STS_MGR_STAT_POLICY) {
        why = vstring_alloc(100);
        result->policy =
            sts_policy_parse(vstring_str(result->text), VSTRING_LEN(result->text), why);
        if (result->policy == NULL) {
            msg_warn("%s: malformed MTA-STS policy of %s from the mtasts service: %s",
                     sts_mgr_endpoint, domain, vstring_str(why));
            status = STS_MGR_STAT_FAIL;
        }
        vstring_free(why);
    }
    return result->status = status;
}
