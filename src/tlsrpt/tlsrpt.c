/*++
 * NAME
 *	tlsrpt - the TLSRPT collector and reporter
 * SYNOPSIS
 *	tlsrpt [options] (started by master(8))
 * DESCRIPTION
 *	tlsrpt receives, from the smtp and lmtp clients of every process,
 *	the result of each TLS session they attempt (tlsrpt_client(3)),
 *	and stores it in the spool file of the current report period
 *	below $data_directory/tlsrpt (tlsrpt_collect.c). Once a period
 *	has ended, it sends the reports (tlsrpt_run.c). See tlsrpt(8).
 *
 *	main() binds the parameters and runs the multi-server loop: one
 *	process serves every client, so records are appended in one
 *	place. tlsrpt_post_jail() makes the spool directory, as the
 *	unprivileged mail_owner, and starts the report timer.
 * DIAGNOSTICS
 *	Fatal: a spool directory that cannot be made. Warnings: a malformed
 *	record, a record that cannot be stored.
 *--*/

/* System library. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "attr_dispatch.h"
#include "mail_params.h"
#include "mail_server.h"
#include "tlsrpt_client.h"
#include "tlsrpt_spool.h"

/* Application-specific. */
#include "tlsrpt.h"

/*
 * Time limit for one request. Records come from local daemons and take
 * microseconds; a client that stalls mid-request must not stall every
 * other client of this single process.
 */
#define TLSRPT_REQUEST_TIMEOUT 10

/* The parameters, bound by main(). */
static TLSRPT_CONFIG tlsrpt_config;

/* tlsrpt_reply - a reply that is just a status */

static int tlsrpt_reply(VSTREAM *client, int status)
{
    return attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(TLSRPT_ATTR_STATUS, status),
                      ATTR_TYPE_END);
}

/* tlsrpt_record_request - one record: check it, store it */

static int tlsrpt_record_request(VSTREAM *client)
{
    VSTRING *v[10];
    int status, got;

    for (int i = 0; i < 10; i++)
        v[i] = vstring_alloc(50);
    got = attr_scan(
        client, ATTR_FLAG_STRICT, RECV_ATTR_STR(TLSRPT_ATTR_DOMAIN, v[0]),
        RECV_ATTR_STR(TLSRPT_ATTR_TYPE, v[1]), RECV_ATTR_STR(TLSRPT_ATTR_STRINGS, v[2]),
        RECV_ATTR_STR(TLSRPT_ATTR_MX_HOST, v[3]), RECV_ATTR_STR(TLSRPT_ATTR_RESULT, v[4]),
        RECV_ATTR_STR(TLSRPT_ATTR_SEND_IP, v[5]), RECV_ATTR_STR(TLSRPT_ATTR_MX_NAME, v[6]),
        RECV_ATTR_STR(TLSRPT_ATTR_MX_HELO, v[7]), RECV_ATTR_STR(TLSRPT_ATTR_MX_IP, v[8]),
        RECV_ATTR_STR(TLSRPT_ATTR_REASON, v[9]), ATTR_TYPE_END);
    if (got == 10) {
        TLSRPT_RECORD rec = {
            .policy_domain = vstring_str(v[0]),
            .policy_type = vstring_str(v[1]),
            .policy_strings = vstring_str(v[2]),
            .mx_host = vstring_str(v[3]),
            .result = vstring_str(v[4]),
            .sending_ip = vstring_str(v[5]),
            .receiving_mx = vstring_str(v[6]),
            .receiving_helo = vstring_str(v[7]),
            .receiving_ip = vstring_str(v[8]),
            .reason = vstring_str(v[9]),
        };

        if (*rec.policy_domain == 0 || !tlsrpt_policy_type_ok(rec.policy_type) ||
            !tlsrpt_result_ok(rec.result)) {
            msg_warn("malformed TLSRPT record: domain \"%.100s\" policy type \"%.100s\" "
                     "result \"%.100s\"",
                     rec.policy_domain, rec.policy_type, rec.result);
            status = TLSRPT_STAT_ERR;
        } else {
            status = tlsrpt_collect_add(time(NULL), &rec) < 0 ? TLSRPT_STAT_FAIL : TLSRPT_STAT_OK;
        }
    }
    for (int i = 0; i < 10; i++)
        vstring_free(v[i]);
    return got == 10 ? tlsrpt_reply(client, status) : -1;
}

/* The requests, by name. */
static const ATTR_DISPATCH tlsrpt_requests[] = {
    {TLSRPT_REQ_RECORD, tlsrpt_record_request},
    {NULL, NULL},
};

/* tlsrpt_service - serve one request of a client */

static void tlsrpt_service(MAIL_SERVER *server, VSTREAM *client)
{
    if (attr_dispatch(client, TLSRPT_ATTR_REQ, tlsrpt_requests) < 0)
        multi_server_disconnect(server, client);
}

/* tlsrpt_accept - greet a new client */

static void tlsrpt_accept(MAIL_SERVER *server, VSTREAM *client)
{
    vstream_set_timeout(client, TLSRPT_REQUEST_TIMEOUT);
    if (attr_hello_send(client, TLSRPT_PROTOCOL, TLSRPT_VERSION) < 0 || vstream_fflush(client) != 0)
        multi_server_disconnect(server, client);
}

/* tlsrpt_post_jail - the spool directory */

static void tlsrpt_post_jail(MAIL_SERVER *server)
{
    VSTRING *dir = vstring_alloc(100);

    vstring_sprintf(dir, "%s/%s", tlsrpt_config.data_directory, TLSRPT_SPOOL_DIR);
    if (mkdir(vstring_str(dir), 0700) < 0 && errno != EEXIST)
        msg_fatal("mkdir %s: %m", vstring_str(dir));
    tlsrpt_collect_init(vstring_str(dir), tlsrpt_config.report_interval);
    tlsrpt_config.spool_dir = vstring_export(dir);
    tlsrpt_run_start(server, &tlsrpt_config);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_DATA_DIRECTORY, &tlsrpt_config.data_directory),
        CONFIG_BIND_TIME(VAR_TLSRPT_REPORT_INTERVAL, &tlsrpt_config.report_interval),
        CONFIG_BIND_STR(VAR_TLSRPT_ORGANIZATION_NAME, &tlsrpt_config.organization),
        CONFIG_BIND_STR(VAR_TLSRPT_CONTACT_INFO, &tlsrpt_config.contact_info),
        CONFIG_BIND_STR(VAR_TLSRPT_REPORT_SENDER, &tlsrpt_config.sender),
        CONFIG_BIND_STR(VAR_TLSRPT_REPORT_SUBMITTER, &tlsrpt_config.submitter),
        CONFIG_BIND_TIME(VAR_TLSRPT_REPORT_TIMEOUT, &tlsrpt_config.report_timeout),
        CONFIG_BIND_TIME(VAR_TLSRPT_REPORT_RETRY_TIME, &tlsrpt_config.retry_time),
        CONFIG_BIND_TIME(VAR_TLSRPT_MINIMAL_BACKOFF_TIME, &tlsrpt_config.minimal_backoff),
        CONFIG_BIND_TIME(VAR_TLSRPT_MAXIMAL_BACKOFF_TIME, &tlsrpt_config.maximal_backoff),
        CONFIG_BIND_STR(VAR_CONFIG_DIRECTORY, &tlsrpt_config.config_directory),
        CONFIG_BIND_STR(VAR_COMMAND_DIRECTORY, &tlsrpt_config.command_directory),
        CONFIG_BIND_STR(VAR_SMTP_TLS_CAFILE, &tlsrpt_config.CAfile),
        CONFIG_BIND_STR(VAR_SMTP_TLS_CAPATH, &tlsrpt_config.CApath),
        CONFIG_BIND_STR(VAR_SMTP_DNS_RESOLVER, &tlsrpt_config.resolver_props.type),
        CONFIG_BIND_STR(VAR_SMTP_DNS_TRUST_ANCHOR_FILE,
                        &tlsrpt_config.resolver_props.trust_anchor_file),
        CONFIG_BIND_STR(VAR_SMTP_DNS_FORWARDERS, &tlsrpt_config.resolver_props.forwarders),
        CONFIG_BIND_END,
    };

    multi_server_main(argc, argv, tlsrpt_service,
                      &(MAIL_SERVER_PROPS){
                          .parameters = parameters,
                          .post_jail = tlsrpt_post_jail,
                          .on_accept = tlsrpt_accept,
                          .flags = MAIL_SERVER_FLAG_SOLITARY | MAIL_SERVER_FLAG_UNLIMITED,
                      });
}
