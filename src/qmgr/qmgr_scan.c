/*++
 * NAME
 *	qmgr_scan - find work in the incoming, deferred and active queues
 * SYNOPSIS
 *	#include "qmgr.h"
 *
 *	void	qmgr_recover_active(void);
 *	void	qmgr_scan_incoming(void);
 *	void	qmgr_scan_deferred(bool all);
 * DESCRIPTION
 *	qmgr_recover_active() runs once at start-up: whatever an earlier
 *	queue manager left in active goes back to incoming, to be taken
 *	again from scratch (recipients marked done stay done).
 *
 *	qmgr_scan_incoming() takes every message in incoming into active,
 *	until the active queue is full. A message that is still locked (a
 *	delivery agent of an earlier queue manager is finishing with it) is
 *	left for the next scan, which is then scheduled soon.
 *
 *	qmgr_scan_deferred() does the same for deferred messages whose next
 *	attempt time (the file's modification time) has come, or for every
 *	deferred message when all is true (postqueue -f).
 *
 *	Names are collected before any message is moved, so that a scan
 *	never sees a directory change under it.
 *--*/

/* System library. */
#include <sys/stat.h>
#include <time.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "mail_queue.h"
#include "qmgr_sched.h"

/* Application-specific. */
#include "qmgr.h"

/* qmgr_scan_list - the queue IDs in a queue */

static ARGV *qmgr_scan_list(const char *queue)
{
    MAIL_QUEUE_SCAN *scan = mail_queue_scan_open(queue);
    ARGV *ids = argv_alloc(10);
    const char *id;

    if (scan == NULL) {
        msg_warn("scan %s: %m", queue);
        return ids;
    }
    while ((id = mail_queue_scan_next(scan)) != NULL)
        argv_add(ids, id);
    mail_queue_scan_close(scan);
    return ids;
}

/* qmgr_recover_active - move leftovers of an earlier run back to incoming */

void qmgr_recover_active(void)
{
    ARGV *ids = qmgr_scan_list(MAIL_QUEUE_ACTIVE);

    for (size_t i = 0; i < ids->argc; i++)
        if (mail_queue_move(MAIL_QUEUE_ACTIVE, MAIL_QUEUE_INCOMING, ids->argv[i]) < 0)
            msg_warn("%s: move from %s to %s: %m", ids->argv[i], MAIL_QUEUE_ACTIVE,
                     MAIL_QUEUE_INCOMING);
    if (ids->argc > 0)
        msg_info("recovered %zu message%s from the %s queue", ids->argc, ids->argc == 1 ? "" : "s",
                 MAIL_QUEUE_ACTIVE);
    argv_free(ids);
}

/* qmgr_scan_incoming - take new messages */

void qmgr_scan_incoming(void)
{
    ARGV *ids = qmgr_scan_list(MAIL_QUEUE_INCOMING);

    for (size_t i = 0; i < ids->argc; i++) {
        int status = qmgr_message_load(MAIL_QUEUE_INCOMING, ids->argv[i]);

        if (status > 0 || (status < 0 && qmgr.message_count >= qmgr.active_limit))
            qmgr.scan_incoming_again = true;
        if (status < 0 && qmgr.message_count >= qmgr.active_limit)
            break;
    }
    argv_free(ids);
}

/* qmgr_scan_deferred - take deferred messages that are due */

void qmgr_scan_deferred(bool all)
{
    ARGV *ids = qmgr_scan_list(MAIL_QUEUE_DEFERRED);
    VSTRING *path = vstring_alloc(40);
    time_t now = time(NULL);
    struct stat st;

    for (size_t i = 0; i < ids->argc; i++) {
        if (!all && (stat(mail_queue_path(path, MAIL_QUEUE_DEFERRED, ids->argv[i]), &st) < 0 ||
                     !qmgr_sched_due(st.st_mtime, now)))
            continue;
        if (qmgr_message_load(MAIL_QUEUE_DEFERRED, ids->argv[i]) < 0 &&
            qmgr.message_count >= qmgr.active_limit)
            break;
    }
    vstring_free(path);
    argv_free(ids);
}
