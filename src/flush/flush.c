/*++
 * NAME
 *	flush - the fast flush service
 * SYNOPSIS
 *	flush [generic daemon options]
 * DESCRIPTION
 *	flush keeps, for each destination in fast_flush_domains, a log of
 *	the queue IDs of its deferred mail (flush_log(3)), so that ETRN,
 *	"postqueue -s site" and "sendmail -qRsite" deliver one site's mail
 *	without a scan of the whole queue. A destination (a site) is the
 *	domain of a recipient address, or an address literal; it is
 *	matched in lower case, and with "fast_flush_domains" in
 *	parent_domain_matches_subdomains "example.com" also covers its
 *	subdomains.
 *
 *	It is a single server at public/$flush_service_name, speaking the
 *	request protocol of mail_flush(3), one request per connection:
 *	.IP "add site queue_id"
 *	the queue manager deferred the message with mail for site: append
 *	the ID to the site's log. DENY when the site is not eligible.
 *	.IP "send_site site"
 *	empty the site's log and move each listed message that is still in
 *	the deferred queue to the incoming queue; then ask the queue
 *	manager to forget which destinations it found unusable and to scan
 *	the incoming queue. DENY when the site is not eligible.
 *	.IP "send_file queue_id"
 *	the same for one deferred message.
 *	.IP "refresh, and master's periodic wake-up"
 *	delete empty logs unchanged for fast_flush_purge_time, and send the
 *	mail of every non-empty log that was not read for
 *	fast_flush_refresh_time.
 *	.IP purge
 *	as refresh, but send the mail of every non-empty log.
 *	.PP
 *	A malformed site (not a host name or address literal) or queue ID
 *	gets BAD.
 * CONFIGURATION PARAMETERS
 *	fast_flush_domains, fast_flush_refresh_time, fast_flush_purge_time,
 *	parent_domain_matches_subdomains, queue_service_name, ipc_timeout.
 * SEE ALSO
 *	flush(8), mail_flush(3), qmgr(8), smtpd(8), postqueue(1)
 *--*/

/* System library. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

/* Utility library. */
#include "argv.h"
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"
#include "valid_hostname.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "attr_dispatch.h"
#include "config.h"
#include "mail_flush.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "mail_server.h"
#include "mail_trigger.h"
#include "match_list.h"

/* Application-specific. */
#include "flush.h"

/* The parameters flush reads, bound by main(). */
static struct FLUSH_CONFIG {
    const char *domains;       /* fast_flush_domains */
    const char *parents;       /* parent_domain_matches_subdomains */
    int refresh_time;          /* fast_flush_refresh_time, seconds */
    int purge_time;            /* fast_flush_purge_time, seconds */
    const char *queue_service; /* queue_service_name */
    int ipc_timeout;           /* ipc_timeout, seconds */
} flush_config;

static MATCH_LIST *flush_domains; /* fast_flush_domains, made by flush_post_jail() */

/* flush_site_ok - a host name or an address literal */

static bool flush_site_ok(const char *site)
{
    return valid_hostname(site) || valid_hostliteral(site);
}

/* flush_site_eligible - is the site in fast_flush_domains? */

static bool flush_site_eligible(const char *site)
{
    return match_list_domain(flush_domains, site) != 0;
}

/* flush_wake_qmgr - forget unusable destinations, take the new arrivals */

static void flush_wake_qmgr(void)
{
    static const char request[] = {MAIL_TRIGGER_FLUSH_DEAD, MAIL_TRIGGER_SCAN_INCOMING};
    VSTRING *why = vstring_alloc(100);

    if (mail_trigger(MAIL_CLASS_PUBLIC, flush_config.queue_service, request, sizeof(request),
                     flush_config.ipc_timeout, why) < 0)
        msg_warn("cannot wake the queue manager: %s", vstring_str(why));
    vstring_free(why);
}

/* flush_one - move one deferred message to incoming; 1 moved, 0 not */

static int flush_one(const char *queue_id)
{
    if (mail_queue_move(MAIL_QUEUE_DEFERRED, MAIL_QUEUE_INCOMING, queue_id) == 0)
        return 1;
    /* Gone: delivered meanwhile, or in flight and logged again if deferred again. */
    if (errno != ENOENT)
        msg_warn("%s: move from %s to %s: %m", queue_id, MAIL_QUEUE_DEFERRED, MAIL_QUEUE_INCOMING);
    return 0;
}

/* flush_ids - deliver the listed messages now */

static void flush_ids(ARGV *ids, const char *what)
{
    int count = 0;

    for (size_t i = 0; i < ids->argc; i++)
        count += flush_one(ids->argv[i]);
    if (msg_verbose)
        msg_info("%s: %d of %zu queued messages scheduled for delivery", what, count, ids->argc);
    if (count > 0)
        flush_wake_qmgr();
    argv_free(ids);
}

/* flush_due - flush_log_refresh() callback: deliver a log's messages */

static void flush_due(const char *file_name, void *unused_context)
{
    flush_ids(flush_log_take_file(file_name), file_name);
}

/* flush_refresh - old logs: delete the empty ones, deliver the others */

static void flush_refresh(int refresh_age)
{
    (void)flush_log_refresh(refresh_age, flush_config.purge_time, flush_due, NULL);
}

/* flush_request - one request; a MAIL_FLUSH_STAT_* value */

static int flush_request(const char *request, char *site, const char *queue_id)
{
    for (char *cp = site; *cp; cp++)
        *cp = tolower((unsigned char)*cp);
    if (strcmp(request, MAIL_FLUSH_REQ_ADD) == 0) {
        if (!flush_site_ok(site) || !mail_queue_id_ok(queue_id))
            return MAIL_FLUSH_STAT_BAD;
        if (!flush_site_eligible(site))
            return MAIL_FLUSH_STAT_DENY;
        return flush_log_add(site, queue_id) < 0 ? MAIL_FLUSH_STAT_FAIL : MAIL_FLUSH_STAT_OK;
    }
    if (strcmp(request, MAIL_FLUSH_REQ_SEND_SITE) == 0) {
        if (!flush_site_ok(site))
            return MAIL_FLUSH_STAT_BAD;
        if (!flush_site_eligible(site))
            return MAIL_FLUSH_STAT_DENY;
        flush_ids(flush_log_take(site), site);
        return MAIL_FLUSH_STAT_OK;
    }
    if (strcmp(request, MAIL_FLUSH_REQ_SEND_FILE) == 0) {
        if (!mail_queue_id_ok(queue_id))
            return MAIL_FLUSH_STAT_BAD;
        if (flush_one(queue_id))
            flush_wake_qmgr();
        return MAIL_FLUSH_STAT_OK;
    }
    if (strcmp(request, MAIL_FLUSH_REQ_REFRESH) == 0 || strcmp(request, MAIL_FLUSH_REQ_PURGE) == 0)
        return MAIL_FLUSH_STAT_OK;
    msg_warn("unknown request \"%.100s\"", request);
    return MAIL_FLUSH_STAT_BAD;
}

/* flush_service - one client, one request */

static void flush_service(MAIL_SERVER *unused_server, VSTREAM *client)
{
    VSTRING *request = vstring_alloc(20), *site = vstring_alloc(100), *id = vstring_alloc(30);
    int status;

    vstream_set_timeout(client, flush_config.ipc_timeout);
    /* Master's wake-up ("W") is no attribute message, nor the end of input: refresh. */
    if (attr_dispatch_ready(client) < 0) {
        if (!vstream_feof(client) && !vstream_ferror(client))
            flush_refresh(flush_config.refresh_time);
    } else if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(MAIL_FLUSH_ATTR_REQUEST, request),
                         RECV_ATTR_STR(MAIL_FLUSH_ATTR_SITE, site),
                         RECV_ATTR_STR(MAIL_FLUSH_ATTR_QUEUE_ID, id), ATTR_TYPE_END) == 3) {
        status = flush_request(vstring_str(request), vstring_str(site), vstring_str(id));
        if (attr_hello_send(client, MAIL_FLUSH_PROTOCOL, MAIL_FLUSH_PROTOCOL_VERSION) == 0)
            (void)attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(MAIL_FLUSH_ATTR_STATUS, status),
                             ATTR_TYPE_END);
        (void)vstream_fflush(client);
        /* The long requests run after the answer. */
        if (strcmp(vstring_str(request), MAIL_FLUSH_REQ_REFRESH) == 0)
            flush_refresh(flush_config.refresh_time);
        else if (strcmp(vstring_str(request), MAIL_FLUSH_REQ_PURGE) == 0)
            flush_refresh(0);
    }
    vstring_free(request);
    vstring_free(site);
    vstring_free(id);
}

/* flush_post_jail - the eligible destinations */

static void flush_post_jail(MAIL_SERVER *unused_server)
{
    VSTRING *why = vstring_alloc(100);

    flush_domains = match_list_create(
        VAR_FAST_FLUSH_DOMAINS, flush_config.domains,
        match_list_parent_flag(VAR_FAST_FLUSH_DOMAINS, flush_config.parents), why);
    if (flush_domains == NULL)
        msg_fatal("%s: %s", VAR_FAST_FLUSH_DOMAINS, vstring_str(why));
    vstring_free(why);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_FAST_FLUSH_DOMAINS, &flush_config.domains),
        CONFIG_BIND_STR(VAR_PARENT_DOMAIN_MATCHES_SUBDOMAINS, &flush_config.parents),
        CONFIG_BIND_TIME(VAR_FAST_FLUSH_REFRESH_TIME, &flush_config.refresh_time),
        CONFIG_BIND_TIME(VAR_FAST_FLUSH_PURGE_TIME, &flush_config.purge_time),
        CONFIG_BIND_STR(VAR_QUEUE_SERVICE_NAME, &flush_config.queue_service),
        CONFIG_BIND_TIME(VAR_IPC_TIMEOUT, &flush_config.ipc_timeout),
        CONFIG_BIND_END,
    };

    single_server_main(argc, argv, flush_service,
                       &(MAIL_SERVER_PROPS){
                           .parameters = parameters,
                           .post_jail = flush_post_jail,
                       });
}
