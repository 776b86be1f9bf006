/*++
 * NAME
 *	pickup - move local submissions from maildrop to cleanup
 * SYNOPSIS
 *	pickup [generic daemon options]
 * DESCRIPTION
 *	pickup runs under master(8) as a trigger service,
 *
 *		pickup unix n - n 60 1 pickup
 *
 *	and is woken up by master every 60 seconds and by sendmail(1) after
 *	each submission. It then scans the maildrop queue and, for each
 *	file, checks it (maildrop(3): the file comes from an ordinary user),
 *	opens a cleanup(8) session with CLEANUP_FLAG_ADD_HEADERS,
 *	CLEANUP_FLAG_BOUNCE (a message that header or body checks or
 *	message_size_limit refuse goes back to its sender as a non-delivery
 *	notification, as with Postfix; cleanup then answers OK) and
 *	CLEANUP_FLAG_MILTER (non_smtpd_milters apply; receive_override_options
 *	may turn that off, and turn off address mappings and header and body
 *	checks), hands on content_filter as the message's FILTER, logs
 *
 *		queue_id: uid=1000 from=<user>
 *
 *	sends the envelope, a Received: header that names the submitting
 *	user ID, and the content, and removes the maildrop file only after
 *	cleanup has answered that the message is safely in the incoming
 *	queue. The file is removed while pickup still holds its lock, so a
 *	second pickup can never send it again.
 *
 *	A file that is still locked by its writer (or cannot be read for a
 *	moment) is looked at again after a second, then after longer and
 *	longer delays while it stays busy.
 *
 *	A file that fails the checks, or that cleanup refuses for good
 *	without a bounce (no recipients), is moved to the corrupt queue with
 *	a warning. When cleanup cannot be reached or reports a temporary
 *	error, the file stays and the scan stops until the next wake-up.
 * DIAGNOSTICS
 *	Warnings: malformed maildrop files, dropped attributes, cleanup
 *	errors.
 * SEE ALSO
 *	pickup(8), sendmail(1), cleanup(8), maildrop(3)
 *--*/

/* System library. */
#include <stdbool.h>
#include <time.h>

/* Utility library. */
#include "events.h"
#include "msg.h"

/* Global library. */
#include "cleanup_client.h"
#include "mail_date.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "mail_server.h"
#include "maildrop.h"
#include "rec_type.h"
#include "receive_override.h"

/* How a file went. */
#define PICKUP_DONE  0 /* passed on, or set aside: go on with the next file */
#define PICKUP_LATER 1 /* a temporary problem: stop this scan */
#define PICKUP_BUSY  2 /* locked by its writer, or unreadable now: look again soon */

/* Rescans for busy files: 1 second, doubling up to the periodic wake-up. */
#define PICKUP_BUSY_DELAY_MIN 1000  /* milliseconds */
#define PICKUP_BUSY_DELAY_MAX 60000 /* milliseconds */

static int pickup_busy_delay = PICKUP_BUSY_DELAY_MIN; /* the next rescan delay */

#define PICKUP_SIZE_SLACK (1024 * 1024) /* envelope bytes allowed beyond message_size_limit */
#define PICKUP_RCPT_LIMIT 100000        /* recipients in one maildrop file */

/* The parameters pickup reads, bound by main(). */
static struct PICKUP_CONFIG {
    long message_size_limit;          /* message_size_limit, 0: none */
    const char *myhostname;           /* myhostname, for the Received: header */
    const char *mail_name;            /* mail_name, for the Received: header */
    const char *cleanup_service_name; /* cleanup_service_name */
    int ipc_timeout;                  /* ipc_timeout, seconds */
    const char *content_filter;       /* content_filter */
    const char *receive_override;     /* receive_override_options */
    int cleanup_flags;                /* CLEANUP_FLAG_* after receive_override_options */
} pickup_config;

/* pickup_set_aside - move a file that must never be delivered to corrupt */

static void pickup_set_aside(const char *id, const char *why)
{
    if (mail_queue_move(MAIL_QUEUE_MAILDROP, MAIL_QUEUE_CORRUPT, id) < 0)
        msg_warn("maildrop/%s: %s; cannot move it to the corrupt queue: %m", id, why);
    else
        msg_warn("maildrop/%s: %s; moved to the corrupt queue", id, why);
}

/* pickup_envelope - attributes, sender and recipients */

static void pickup_envelope(CLEANUP_CLIENT *client, const MAILDROP *md)
{
    const char *full_name = maildrop_attr(md, CLEANUP_ATTR_FULL_NAME);
    const char *encoding = maildrop_attr(md, REC_ATTR_ENCODING);
    const char *ret = maildrop_attr(md, REC_ATTR_DSN_RET);
    int dsn_ret = CLEANUP_DSN_RET_NONE;

    if (pickup_config.content_filter && *pickup_config.content_filter)
        cleanup_attr(client, REC_ATTR_FILTER, pickup_config.content_filter);
    if (full_name)
        cleanup_attr(client, CLEANUP_ATTR_FULL_NAME, full_name);
    if (encoding)
        cleanup_attr(client, REC_ATTR_ENCODING, encoding);
    if (maildrop_attr(md, REC_ATTR_REQUIRETLS))
        cleanup_attr(client, REC_ATTR_REQUIRETLS, "yes");
    if (ret)
        dsn_ret = ret[0] == 'F' ? CLEANUP_DSN_RET_FULL : CLEANUP_DSN_RET_HDRS;
    cleanup_sender(client, maildrop_sender(md), maildrop_attr(md, REC_ATTR_DSN_ENVID), dsn_ret);
    for (size_t i = 0; i < maildrop_rcpt_count(md); i++) {
        const QUEUE_MSG_RCPT *rcpt = maildrop_rcpt(md, i);

        cleanup_rcpt(client, rcpt->address, rcpt->orig_rcpt, rcpt->dsn_orcpt, rcpt->dsn_notify);
    }
}

/* pickup_content - the Received: header, then the content; -1 when damaged */

static int pickup_content(CLEANUP_CLIENT *client, MAILDROP *md)
{
    VSTRING *buf = vstring_alloc(1000);
    VSTRING *date = vstring_alloc(60);
    int type;

    vstring_sprintf(buf, "Received: by %s (%s, from userid %ld)", pickup_config.myhostname,
                    pickup_config.mail_name, (long)maildrop_uid(md));
    cleanup_content_line(client, vstring_str(buf), VSTRING_LEN(buf), 0);
    vstring_sprintf(buf, "\tid %s; %s", cleanup_queue_id(client), mail_date(date, time(NULL)));
    cleanup_content_line(client, vstring_str(buf), VSTRING_LEN(buf), 0);
    while ((type = maildrop_content_get(md, buf)) > 0)
        cleanup_content_line(client, vstring_str(buf), VSTRING_LEN(buf), type == REC_TYPE_CONT);
    vstring_free(buf);
    vstring_free(date);
    return type < 0 ? -1 : 0;
}

/* pickup_copy - one checked file through cleanup */

static int pickup_copy(const char *id, MAILDROP *md, const char *endpoint)
{
    VSTRING *why = vstring_alloc(100);
    CLEANUP_CLIENT *client;
    int status, result = PICKUP_DONE;

    if ((client = cleanup_open(endpoint, pickup_config.cleanup_flags, pickup_config.ipc_timeout,
                               why)) == NULL) {
        msg_warn("maildrop/%s: %s: will try again later", id, vstring_str(why));
        vstring_free(why);
        return PICKUP_LATER;
    }
    msg_info("%s: uid=%ld from=<%s>", cleanup_queue_id(client), (long)maildrop_uid(md),
             maildrop_sender(md));
    if (maildrop_dropped(md))
        msg_info("%s: uid=%ld: ignored %d attribute(s) that only a mail server may set",
                 cleanup_queue_id(client), (long)maildrop_uid(md), maildrop_dropped(md));
    pickup_envelope(client, md);
    if (pickup_content(client, md) < 0) {
        cleanup_abort(client);
        pickup_set_aside(id, "damaged content");
    } else if ((status = cleanup_finish(client, why)) == CLEANUP_STAT_OK) {
        if (mail_queue_remove(MAIL_QUEUE_MAILDROP, id) < 0)
            msg_warn("maildrop/%s: remove after pickup: %m", id);
    } else if (status & (CLEANUP_STAT_SIZE | CLEANUP_STAT_CONT | CLEANUP_STAT_RCPT)) {
        pickup_set_aside(id, vstring_str(why));
    } else {
        msg_warn("maildrop/%s: %s: will try again later", id, vstring_str(why));
        result = PICKUP_LATER;
    }
    cleanup_close(client);
    vstring_free(why);
    return result;
}

/* pickup_file - check one maildrop file and pass it on */

static int pickup_file(const char *id, const char *endpoint)
{
    MAILDROP_LIMITS limits = {
        .max_size = pickup_config.message_size_limit > 0
                        ? pickup_config.message_size_limit + PICKUP_SIZE_SLACK
                        : 0,
        .max_rcpt = PICKUP_RCPT_LIMIT,
    };
    VSTRING *why = vstring_alloc(100);
    MAILDROP *md;
    int result = PICKUP_DONE;

    switch (maildrop_open(id, &limits, &md, why)) {
    case MAILDROP_STAT_OK:
        result = pickup_copy(id, md, endpoint);
        maildrop_close(md);
        break;
    case MAILDROP_STAT_BAD:
        pickup_set_aside(id, vstring_str(why));
        break;
    case MAILDROP_STAT_RETRY:
        if (msg_verbose)
            msg_info("maildrop/%s: not now: %s", id, vstring_str(why));
        result = PICKUP_BUSY;
        break;
    default:
        break;
    }
    vstring_free(why);
    return result;
}

/* pickup_scan - pass on every maildrop file; true when one was busy */

static bool pickup_scan(void)
{
    VSTRING *endpoint = vstring_alloc(60);
    MAIL_QUEUE_SCAN *scan;
    const char *id;
    bool busy = false;
    int result;

    if ((scan = mail_queue_scan_open(MAIL_QUEUE_MAILDROP)) == NULL) {
        msg_warn("open the %s queue: %m", MAIL_QUEUE_MAILDROP);
        vstring_free(endpoint);
        return false;
    }
    vstring_sprintf(endpoint, "public/%s", pickup_config.cleanup_service_name);
    while ((id = mail_queue_scan_next(scan)) != NULL) {
        if ((result = pickup_file(id, vstring_str(endpoint))) == PICKUP_LATER)
            break;
        busy |= result == PICKUP_BUSY;
    }
    mail_queue_scan_close(scan);
    vstring_free(endpoint);
    return busy;
}

/* pickup_rescan_cb - look again at files that were busy */

static void pickup_rescan_cb(EVENT_LOOP *loop, void *unused_context)
{
    if (pickup_scan()) {
        /* Still busy: a writer that keeps its lock only delays its own mail. */
        pickup_busy_delay = pickup_busy_delay * 2 > PICKUP_BUSY_DELAY_MAX ? PICKUP_BUSY_DELAY_MAX
                                                                          : pickup_busy_delay * 2;
        event_timer_add(loop, pickup_busy_delay, pickup_rescan_cb, NULL);
    } else {
        pickup_busy_delay = PICKUP_BUSY_DELAY_MIN;
    }
}

/* pickup_service - a wake-up: scan the maildrop queue */

static void pickup_service(MAIL_SERVER *server, const char *unused_buf, size_t unused_len)
{
    /*
     * A writer may still hold the lock of a file it has just committed;
     * look at such files again soon rather than at the next wake-up.
     */
    if (pickup_scan() && event_timer_left(server->loop, pickup_rescan_cb, NULL) < 0)
        event_timer_add(server->loop, pickup_busy_delay, pickup_rescan_cb, NULL);
}

/* pickup_pre_jail - receive_override_options */

static void pickup_pre_jail(MAIL_SERVER *unused_server)
{
    VSTRING *why = vstring_alloc(100);
    int options;

    if (receive_override_parse(pickup_config.receive_override, &options, why) < 0)
        msg_fatal("%s = %s: %s", VAR_RECEIVE_OVERRIDE_OPTIONS, pickup_config.receive_override,
                  vstring_str(why));
    pickup_config.cleanup_flags = receive_override_cleanup_flags(
        options, CLEANUP_FLAG_ADD_HEADERS | CLEANUP_FLAG_BOUNCE | CLEANUP_FLAG_MILTER);
    vstring_free(why);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_SIZE(VAR_MESSAGE_SIZE_LIMIT, &pickup_config.message_size_limit),
        CONFIG_BIND_STR(VAR_MYHOSTNAME, &pickup_config.myhostname),
        CONFIG_BIND_STR(VAR_MAIL_NAME, &pickup_config.mail_name),
        CONFIG_BIND_STR(VAR_CLEANUP_SERVICE_NAME, &pickup_config.cleanup_service_name),
        CONFIG_BIND_TIME(VAR_IPC_TIMEOUT, &pickup_config.ipc_timeout),
        CONFIG_BIND_STR(VAR_CONTENT_FILTER, &pickup_config.content_filter),
        CONFIG_BIND_STR(VAR_RECEIVE_OVERRIDE_OPTIONS, &pickup_config.receive_override),
        CONFIG_BIND_END,
    };

    trigger_server_main(argc, argv, pickup_service,
                        &(MAIL_SERVER_PROPS){
                            .parameters = parameters,
                            .pre_jail = pickup_pre_jail,
                        });
}
