/*++
 * NAME
 *	postqueue_show - list the mail queue in Postfix's mailq format
 * SYNOPSIS
 *	#include "postqueue.h"
 *
 *	int	postqueue_show(VSTREAM *out);
 * DESCRIPTION
 *	postqueue_show() reads the queue directly (the current directory is
 *	queue_directory) and writes one block per message to out:
 *
 *	-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------
 *	4jYQnN5fcPz1bXxg*   392 Tue Nov 24 01:53:12  alice@example.com
 *	              (connect to mx.example.com[192.0.2.1]:25: Connection refused)
 *	                                         bob@example.com
 *
 *	The queues come in the order maildrop, incoming, active, deferred,
 *	hold. The ID is followed by "*" for a message in the active queue
 *	and by "!" for one on hold. The size is the content size, the time
 *	the arrival time, the null sender shows as MAILER-DAEMON. Only
 *	recipients still to be delivered are listed: first those without a
 *	recorded delay, then one group per reason (from the message's defer
 *	log), each after its reason in parentheses, right-aligned where it
 *	fits. A maildrop file that
 *	cannot be read shows "(to be determined)". The listing ends with
 *	"-- N Kbytes in M Requests." (the size of the queue files), or is
 *	the single line "Mail queue is empty".
 *
 *	It returns 0, or -1 after a warning when a queue directory cannot
 *	be read (the listing is then incomplete).
 * DIAGNOSTICS
 *	Warnings: unreadable queue directories, damaged queue files.
 * SEE ALSO
 *	postqueue(1), queue_msg(3), status_log(3)
 *--*/

/* System library. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "mail_queue.h"
#include "queue_msg.h"
#include "status_log.h"

/* Application-specific. */
#include "postqueue.h"

#define POSTQUEUE_HEADER_FORMAT "%-11s %8s %-20s %s\n"
#define POSTQUEUE_REASON_WIDTH  76 /* reasons end here when they fit */
#define POSTQUEUE_RCPT_INDENT   41 /* recipients line up under the sender */

/* What the listing has seen so far. */
typedef struct POSTQUEUE_TOTALS {
    int messages;         /* messages listed */
    long long file_bytes; /* their queue file sizes */
} POSTQUEUE_TOTALS;

/* postqueue_reasons - recipient -> reason from the defer log */

static HTABLE *postqueue_reasons(const char *id)
{
    HTABLE *reasons = htable_create(10);
    STATUS_LOG_ENTRY entry;
    STATUS_LOG *log;
    HTABLE_INFO *old;

    if ((log = status_log_open(MAIL_QUEUE_DEFER, id)) == NULL)
        return reasons;
    while (status_log_read(log, &entry) > 0) {
        if (entry.reason == NULL)
            continue;
        if ((old = htable_locate(reasons, entry.recipient)) != NULL) {
            myfree(old->value);
            old->value = mystrdup(entry.reason);
        } else {
            htable_enter(reasons, entry.recipient, mystrdup(entry.reason));
        }
    }
    status_log_close(log);
    return reasons;
}

/* postqueue_first - the header line before the first message, a blank line between */

static void postqueue_first(VSTREAM *out, POSTQUEUE_TOTALS *totals)
{
    if (totals->messages++ == 0)
        vstream_printf(out, POSTQUEUE_HEADER_FORMAT, "-Queue ID-", "--Size--",
                       "----Arrival Time----", "-Sender/Recipient-------");
    else
        vstream_printf(out, "\n");
}

/* postqueue_rcpts - the recipients still to be delivered that have this reason */

static void postqueue_rcpts(VSTREAM *out, QUEUE_MSG *msg, HTABLE *reasons, const char *reason)
{
    const char *found;
    int padding;

    if (reason) {
        padding = POSTQUEUE_REASON_WIDTH - (int)strlen(reason);
        vstream_printf(out, "%*s(%s)\n", padding > 0 ? padding : 0, "", reason);
    }
    for (size_t i = 0; i < queue_msg_rcpt_count(msg); i++) {
        const QUEUE_MSG_RCPT *rcpt = queue_msg_rcpt(msg, i);

        found = htable_find(reasons, rcpt->address);
        if (!rcpt->done && (reason ? found && strcmp(found, reason) == 0 : found == NULL))
            vstream_printf(out, "%*s%s\n", POSTQUEUE_RCPT_INDENT, "", rcpt->address);
    }
}

/* postqueue_message - one message's block */

static void postqueue_message(VSTREAM *out, const char *queue, QUEUE_MSG *msg)
{
    int status = strcmp(queue, MAIL_QUEUE_ACTIVE) == 0 ? '*'
                 : strcmp(queue, MAIL_QUEUE_HOLD) == 0 ? '!'
                                                       : ' ';
    struct timeval arrival = queue_msg_arrival(msg);
    time_t when = arrival.tv_sec;
    const char *sender = queue_msg_sender(msg);
    HTABLE *reasons = postqueue_reasons(queue_msg_id(msg));
    HTABLE *shown = htable_create(5);
    const char *reason;
    struct tm tm;
    char date[32];

    localtime_r(&when, &tm);
    asctime_r(&tm, date);
    vstream_printf(out, "%-10s%c%8lld %20.20s %s\n", queue_msg_id(msg), status,
                   queue_msg_content_size(msg), date, *sender ? sender : "MAILER-DAEMON");
    /* Recipients without a reason first, then one group per reason, in file order. */
    postqueue_rcpts(out, msg, reasons, NULL);
    for (size_t i = 0; i < queue_msg_rcpt_count(msg); i++) {
        const QUEUE_MSG_RCPT *rcpt = queue_msg_rcpt(msg, i);

        if (rcpt->done || (reason = htable_find(reasons, rcpt->address)) == NULL ||
            htable_find(shown, reason) != NULL)
            continue;
        htable_enter(shown, reason, "");
        postqueue_rcpts(out, msg, reasons, reason);
    }
    htable_free(shown, NULL);
    htable_free(reasons, myfree);
}

/* postqueue_file - one queue file, if it is there */

static void postqueue_file(VSTREAM *out, const char *queue, const char *id,
                           POSTQUEUE_TOTALS *totals)
{
    VSTRING *path = vstring_alloc(60), *why = vstring_alloc(100);
    struct stat st;
    QUEUE_MSG *msg;
    char date[32];
    struct tm tm;

    if (stat(mail_queue_path(path, queue, id), &st) == 0) {
        switch (queue_msg_open(queue, id, 0, &msg, why)) {
        case QUEUE_MSG_STAT_OK:
            postqueue_first(out, totals);
            totals->file_bytes += st.st_size;
            postqueue_message(out, queue, msg);
            queue_msg_close(msg);
            break;
        case QUEUE_MSG_STAT_MISSING:
            break;
        default:
            if (strcmp(queue, MAIL_QUEUE_MAILDROP) == 0) {
                postqueue_first(out, totals);
                totals->file_bytes += st.st_size;
                localtime_r(&st.st_mtime, &tm);
                asctime_r(&tm, date);
                vstream_printf(out, "%-10s%c%8lld %20.20s %s\n", id, ' ', (long long)st.st_size,
                               date, "(to be determined)");
            } else {
                msg_warn("%s", vstring_str(why));
            }
            break;
        }
    }
    vstring_free(path);
    vstring_free(why);
}

/* postqueue_show - list every queue */

int postqueue_show(VSTREAM *out)
{
    static const char *const queues[] = {MAIL_QUEUE_MAILDROP, MAIL_QUEUE_INCOMING,
                                         MAIL_QUEUE_ACTIVE, MAIL_QUEUE_DEFERRED, MAIL_QUEUE_HOLD};
    POSTQUEUE_TOTALS totals = {0};
    MAIL_QUEUE_SCAN *scan;
    const char *id;
    int ret = 0;

    for (size_t q = 0; q < sizeof(queues) / sizeof(queues[0]); q++) {
        if ((scan = mail_queue_scan_open(queues[q])) == NULL) {
            msg_warn("cannot read the %s queue: %m", queues[q]);
            ret = -1;
            continue;
        }
        while ((id = mail_queue_scan_next(scan)) != NULL)
            postqueue_file(out, queues[q], id, &totals);
        mail_queue_scan_close(scan);
    }
    if (totals.messages == 0)
        vstream_printf(out, "Mail queue is empty\n");
    else
        vstream_printf(out, "\n-- %lld Kbytes in %d Request%s.\n", totals.file_bytes / 1024,
                       totals.messages, totals.messages == 1 ? "" : "s");
    vstream_fflush(out);
    return ret;
}
