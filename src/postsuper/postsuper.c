/*++
 * NAME
 *	postsuper - queue maintenance for the super-user
 * SYNOPSIS
 *	postsuper [-v] [-c config_dir] -d queue_id|ALL|- [queue]
 * DESCRIPTION
 *	postsuper -d removes messages from the queue: the message with the
 *	given queue ID, every message (ALL), or the queue IDs read from
 *	standard input one a line (-). Without a queue name it looks in
 *	hold, incoming, active and deferred; with one (maildrop, incoming,
 *	active, deferred, hold, corrupt) only there. With each message its
 *	bounce, defer and trace logs go too, and each removal is logged as
 *	"queue_id: removed". The count is reported as "Deleted: N
 *	messages".
 *
 *	A message in the active queue is removed even while it is being
 *	delivered: the queue manager then finds it gone and drops it. A
 *	recipient whose delivery had already started may still get the
 *	message.
 * DIAGNOSTICS
 *	Problems go to standard error and to the mail log. Exit status 0 on
 *	success, otherwise a sysexits(3) value: a malformed queue ID or
 *	queue name, or a queue directory that cannot be used.
 * SEE ALSO
 *	postsuper(1), postqueue(1), qmgr(8)
 *--*/

/* System library. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "deliver_log.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "maillog.h"

/* The queues -d looks in without a queue name. */
static const char *const postsuper_default_queues[] = {
    MAIL_QUEUE_HOLD, MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_DEFERRED, NULL,
};

/* The queues -d accepts by name. */
static const char *const postsuper_named_queues[] = {
    MAIL_QUEUE_MAILDROP,
    MAIL_QUEUE_INCOMING,
    MAIL_QUEUE_ACTIVE,
    MAIL_QUEUE_DEFERRED,
    MAIL_QUEUE_HOLD,
    MAIL_QUEUE_CORRUPT,
    NULL,
};

/* postsuper_usage - complain about the command line */

static _Noreturn void postsuper_usage(void)
{
    msg_fatal_status(EX_USAGE, "usage: postsuper [-v] [-c config_dir] -d queue_id|ALL|- [queue]");
}

/* postsuper_remove_one - one message and its logs; 1 when it was there */

static int postsuper_remove_one(const char *queue, const char *id)
{
    static const char *const logs[] = {MAIL_QUEUE_BOUNCE, MAIL_QUEUE_DEFER, MAIL_QUEUE_TRACE};

    if (mail_queue_remove(queue, id) < 0)
        return 0;
    for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++)
        (void)mail_queue_remove(logs[i], id);
    deliver_log_removed(id);
    return 1;
}

/* postsuper_remove_all - every message of a queue */

static int postsuper_remove_all(const char *queue)
{
    MAIL_QUEUE_SCAN *scan = mail_queue_scan_open(queue);
    ARGV *ids = argv_alloc(10);
    const char *id;
    int count = 0;

    if (scan == NULL) {
        msg_warn("cannot read the %s queue: %m", queue);
    } else {
        while ((id = mail_queue_scan_next(scan)) != NULL)
            argv_add(ids, id);
        mail_queue_scan_close(scan);
    }
    for (size_t i = 0; i < ids->argc; i++)
        count += postsuper_remove_one(queue, ids->argv[i]);
    argv_free(ids);
    return count;
}

/* postsuper_delete - one queue ID or ALL, in the chosen queues */

static int postsuper_delete(const char *what, const char *const *queues)
{
    int count = 0;

    if (strcmp(what, "ALL") != 0 && !mail_queue_id_ok(what)) {
        msg_warn("invalid queue ID: \"%.100s\"", what);
        return 0;
    }
    for (const char *const *qp = queues; *qp; qp++)
        count +=
            strcmp(what, "ALL") == 0 ? postsuper_remove_all(*qp) : postsuper_remove_one(*qp, what);
    return count;
}

/* postsuper_queues - the queues to look in */

static const char *const *postsuper_queues(const char *name, const char **one)
{
    if (name == NULL)
        return postsuper_default_queues;
    for (const char *const *qp = postsuper_named_queues; *qp; qp++)
        if (strcmp(*qp, name) == 0) {
            one[0] = *qp;
            one[1] = NULL;
            return one;
        }
    msg_fatal_status(EX_USAGE, "unknown queue name: \"%.100s\"", name);
}

int main(int argc, char **argv)
{
    const char *queue_directory = NULL;
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_QUEUE_DIRECTORY, &queue_directory),
        CONFIG_BIND_END,
    };
    const char *config_dir = NULL, *what = NULL, *one[2];
    const char *const *queues;
    VSTRING *why = vstring_alloc(100), *line = vstring_alloc(100);
    CONFIG *config;
    int ch, count = 0;

    msg_init("postsuper");
    opterr = 0;
    while ((ch = getopt(argc, argv, "c:d:v")) != -1) {
        switch (ch) {
        case 'c':
            config_dir = optarg;
            break;
        case 'd':
            what = optarg;
            break;
        case 'v':
            msg_verbose++;
            break;
        default:
            postsuper_usage();
        }
    }
    if (what == NULL || argc - optind > 1)
        postsuper_usage();
    config = config_startup(config_dir, NULL, "postsuper");
    maillog_init(config, "postsuper", why);
    config_bind(config, parameters);
    if (chdir(queue_directory) < 0)
        msg_fatal_status(EX_UNAVAILABLE, "chdir %s: %m", queue_directory);
    queues = postsuper_queues(optind < argc ? argv[optind] : NULL, one);
    if (strcmp(what, "-") == 0) {
        VSTREAM *in = vstream_fdopen(STDIN_FILENO, VSTREAM_FLAG_READ | VSTREAM_FLAG_NOCLOSE);

        while (vstream_gets(in, line, 1024) > 0)
            count += postsuper_delete(trim_blanks(vstring_str(line)), queues);
        vstream_close(in);
    } else {
        count = postsuper_delete(what, queues);
    }
    msg_info("Deleted: %d message%s", count, count == 1 ? "" : "s");
    vstring_free(why);
    vstring_free(line);
    return 0;
}
