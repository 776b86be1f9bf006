/*++
 * NAME
 *	qmgr - the queue manager
 * SYNOPSIS
 *	qmgr [generic daemon options]
 * DESCRIPTION
 *	qmgr takes new mail from the incoming queue into the active queue,
 *	decides for each recipient which transport and next hop deliver it
 *	(resolve_rcpt(3)), hands the recipients, grouped per destination
 *	and within each destination's concurrency and recipient limits, to
 *	the delivery agents behind private/<transport> (deliver_request(3)),
 *	and then removes finished messages (after the bounce service has
 *	sent their notifications) or moves them to the deferred queue with
 *	a back-off time.
 *
 *	It is a trigger server (mail_server(3)), reached at public/qmgr.
 *	Request bytes (mail_trigger.h):
 *	.IP "I, W"
 *	scan the incoming queue (cleanup after each new message; master's
 *	periodic wake-up).
 *	.IP D
 *	scan the deferred queue for messages that are due.
 *	.IP A
 *	forget which destinations were unusable and take every deferred
 *	message now (postqueue -f, postfix flush).
 *	.IP F
 *	forget which destinations were unusable (the fast flush service
 *	sends "FI" after it moved a site's deferred mail to incoming).
 *	.PP
 *	Besides, it scans the deferred queue every queue_run_delay.
 *
 *	At start-up, messages left in the active queue by an earlier queue
 *	manager go back to incoming and are taken again; recipients that the
 *	queue file marks done are never delivered again.
 * CONFIGURATION PARAMETERS
 *	minimal_backoff_time, maximal_backoff_time, queue_run_delay,
 *	maximal_queue_lifetime, bounce_queue_lifetime, qmgr_ipc_timeout,
 *	qmgr_daemon_timeout, qmgr_message_active_limit, soft_bounce,
 *	bounce_service_name, mydestination, relay_domains, transport_maps,
 *	fast_flush_domains, parent_domain_matches_subdomains,
 *	flush_service_name,
 *	myhostname, local_transport, relay_transport, default_transport,
 *	relayhost, delay_logging_resolution_limit, and per transport
 *	<transport>_destination_concurrency_limit and
 *	<transport>_destination_recipient_limit.
 * SEE ALSO
 *	qmgr(8), deliver_request(3), README_FILES/QUEUE_README
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "deliver_log.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "mail_server.h"
#include "mail_trigger.h"

/* Application-specific. */
#include "qmgr.h"

QMGR qmgr;

/* The table parameters, bound by main() and opened by qmgr_post_jail(). */
static struct QMGR_TABLES {
    RESOLVE_SETTINGS resolve;           /* the address classes and routes */
    int delay_logging_resolution_limit; /* delay_logging_resolution_limit */
} qmgr_tables;

#define QMGR_INCOMING_RETRY_MS 1000 /* a busy file in incoming: look again after this */
#define QMGR_TEMP_MAX_AGE      3600 /* seconds before an orphaned temporary file goes */

static void qmgr_incoming_retry(EVENT_LOOP *loop, void *context);

/* qmgr_schedule_retry - look at incoming again soon, if a file was busy */

static void qmgr_schedule_retry(void)
{
    if (qmgr.scan_incoming_again) {
        qmgr.scan_incoming_again = false;
        event_timer_cancel(qmgr.loop, qmgr_incoming_retry, NULL);
        event_timer_add(qmgr.loop, QMGR_INCOMING_RETRY_MS, qmgr_incoming_retry, NULL);
    }
}

/* qmgr_incoming_retry - timer: scan incoming again */

static void qmgr_incoming_retry(EVENT_LOOP *unused_loop, void *unused_context)
{
    qmgr_scan_incoming();
    qmgr_schedule_retry();
}

/* qmgr_queue_run - timer: the periodic deferred queue run */

static void qmgr_queue_run(EVENT_LOOP *loop, void *unused_context)
{
    qmgr_queue_revive_all();
    qmgr_scan_deferred(false);
    (void)mail_queue_sweep_temp(MAIL_QUEUE_INCOMING, QMGR_TEMP_MAX_AGE);
    qmgr_schedule_retry();
    event_timer_add(loop, qmgr.queue_run_delay * 1000, qmgr_queue_run, NULL);
}

/* qmgr_trigger - a wake-up request */

static void qmgr_trigger(MAIL_SERVER *unused_server, const char *buf, size_t len)
{
    bool incoming = false, deferred = false, all = false, revive = false;

    for (size_t i = 0; i < len; i++) {
        switch (buf[i]) {
        case MAIL_TRIGGER_SCAN_INCOMING:
        case MAIL_TRIGGER_WAKEUP:
            incoming = true;
            break;
        case MAIL_TRIGGER_SCAN_DEFERRED:
            deferred = true;
            break;
        case MAIL_TRIGGER_SCAN_ALL:
            deferred = all = revive = true;
            break;
        case MAIL_TRIGGER_FLUSH_DEAD:
            revive = true;
            break;
        default:
            msg_warn("unknown wake-up request 0x%02x", (unsigned char)buf[i]);
            break;
        }
    }
    if (revive)
        qmgr_queue_revive_all();
    if (deferred)
        qmgr_scan_deferred(all);
    if (incoming)
        qmgr_scan_incoming();
    qmgr_schedule_retry();
}

/* qmgr_post_jail - tables, recovery, the first scans */

static void qmgr_post_jail(MAIL_SERVER *server)
{
    VSTRING *why = vstring_alloc(100);

    if (resolve_props_init(&qmgr.resolve, &qmgr_tables.resolve, why) < 0)
        msg_fatal("%s", vstring_str(why));
    vstring_free(why);
    qmgr.loop = server->loop;
    qmgr.queues = htable_create(50);
    deliver_log_set_resolution(qmgr_tables.delay_logging_resolution_limit);
    qmgr_flush_init();
    if (qmgr.queue_run_delay < 1)
        qmgr.queue_run_delay = 1;

    qmgr_recover_active();
    (void)mail_queue_sweep_temp(MAIL_QUEUE_INCOMING, QMGR_TEMP_MAX_AGE);
    qmgr_scan_incoming();
    qmgr_scan_deferred(false);
    qmgr_schedule_retry();
    event_timer_add(qmgr.loop, qmgr.queue_run_delay * 1000, qmgr_queue_run, NULL);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_TIME(VAR_MINIMAL_BACKOFF_TIME, &qmgr.min_backoff),
        CONFIG_BIND_TIME(VAR_MAXIMAL_BACKOFF_TIME, &qmgr.max_backoff),
        CONFIG_BIND_TIME(VAR_QUEUE_RUN_DELAY, &qmgr.queue_run_delay),
        CONFIG_BIND_TIME(VAR_MAXIMAL_QUEUE_LIFETIME, &qmgr.max_lifetime),
        CONFIG_BIND_TIME(VAR_BOUNCE_QUEUE_LIFETIME, &qmgr.bounce_lifetime),
        CONFIG_BIND_TIME(VAR_QMGR_IPC_TIMEOUT, &qmgr.ipc_timeout),
        CONFIG_BIND_TIME(VAR_QMGR_DAEMON_TIMEOUT, &qmgr.daemon_timeout),
        CONFIG_BIND_INT(VAR_QMGR_MESSAGE_ACTIVE_LIMIT, &qmgr.active_limit),
        CONFIG_BIND_BOOL(VAR_SOFT_BOUNCE, &qmgr.soft_bounce),
        CONFIG_BIND_STR(VAR_BOUNCE_SERVICE_NAME, &qmgr.bounce_service),
        RESOLVE_SETTINGS_BIND(&qmgr_tables.resolve),
        CONFIG_BIND_INT(VAR_DELAY_LOGGING_RESOLUTION_LIMIT,
                        &qmgr_tables.delay_logging_resolution_limit),
        CONFIG_BIND_STR(VAR_FAST_FLUSH_DOMAINS, &qmgr.fast_flush_domains_text),
        CONFIG_BIND_STR(VAR_PARENT_DOMAIN_MATCHES_SUBDOMAINS, &qmgr.parent_domains),
        CONFIG_BIND_STR(VAR_FLUSH_SERVICE_NAME, &qmgr.flush_service),
        CONFIG_BIND_PER_TRANSPORT("destination_concurrency_limit", &qmgr.concurrency_limits),
        CONFIG_BIND_PER_TRANSPORT("destination_recipient_limit", &qmgr.recipient_limits),
        CONFIG_BIND_END,
    };

    trigger_server_main(argc, argv, qmgr_trigger,
                        &(MAIL_SERVER_PROPS){
                            .parameters = parameters,
                            .post_jail = qmgr_post_jail,
                            .flags = MAIL_SERVER_FLAG_UNLIMITED | MAIL_SERVER_FLAG_SOLITARY,
                        });
}
