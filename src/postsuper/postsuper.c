/*++
 * NAME
 *	postsuper - queue maintenance for the super-user
 * SYNOPSIS
 *	postsuper [-v] [-c config_dir] [-d queue_id] [-h queue_id]
 *		[-H queue_id] [queue]
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
 *
 *	postsuper -h puts messages on hold: they move into the hold queue,
 *	which the queue manager never schedules, and each is logged as
 *	"queue_id: placed on hold"; without a queue name it looks in
 *	incoming, active and deferred. The count is "Placed on hold: N
 *	messages". postsuper -H releases held messages into the deferred
 *	queue, where the queue manager finds them due at its next deferred
 *	queue run (or at once with postqueue -f), logged as "queue_id:
 *	released from hold"; the count is "Released from hold: N
 *	messages". Both take a queue ID, ALL or - (queue IDs on standard
 *	input), as -d does. The options may be combined; they run in the
 *	order -d, -h, -H.
 * DIAGNOSTICS
 *	Problems go to standard error and to the mail log. Exit status 0 on
 *	success, otherwise a sysexits(3) value: a malformed queue ID or
 *	queue name, or a queue directory that cannot be used.
 * SEE ALSO
 *	postsuper(1), postqueue(1), qmgr(8)
 *--*/

/* System library. */
#include <getopt.h>
#include <stdbool.h>
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

/* One kind of operation. */
typedef struct POSTSUPER_OP {
    char option;                       /* 'd', 'h' or 'H' */
    const char *const *default_queues; /* where it looks without a queue name */
    const char *target;                /* queue it moves to, or NULL: remove */
    const char *log_text;              /* "queue_id: <log_text>" per message */
    const char *summary;               /* "<summary>: N messages" */
} POSTSUPER_OP;

/* The queues that -d, -h and -H look in without a queue name. */
static const char *const postsuper_delete_queues[] = {
    MAIL_QUEUE_HOLD, MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_DEFERRED, NULL,
};
static const char *const postsuper_hold_queues[] = {
    MAIL_QUEUE_INCOMING,
    MAIL_QUEUE_ACTIVE,
    MAIL_QUEUE_DEFERRED,
    NULL,
};
static const char *const postsuper_release_queues[] = {MAIL_QUEUE_HOLD, NULL};

static const POSTSUPER_OP postsuper_ops[] = {
    {'d', postsuper_delete_queues, NULL, "removed", "Deleted"},
    {'h', postsuper_hold_queues, MAIL_QUEUE_HOLD, "placed on hold", "Placed on hold"},
    {'H', postsuper_release_queues, MAIL_QUEUE_DEFERRED, "released from hold",
     "Released from hold"},
};

#define POSTSUPER_OP_COUNT (sizeof(postsuper_ops) / sizeof(postsuper_ops[0]))

/* The queues a queue name may choose. */
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
    msg_fatal_status(EX_USAGE, "usage: postsuper [-v] [-c config_dir] [-d queue_id|ALL|-] "
                               "[-h queue_id|ALL|-] [-H queue_id|ALL|-] [queue]");
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

/* postsuper_one - one message in one queue; 1 when it was there */

static int postsuper_one(const POSTSUPER_OP *op, const char *queue, const char *id)
{
    if (op->target == NULL)
        return postsuper_remove_one(queue, id);
    if (strcmp(queue, op->target) == 0 || mail_queue_move(queue, op->target, id) < 0)
        return 0;
    /* A message that was in active lets the queue manager find it gone. */
    if (mail_queue_sync_dir(op->target) < 0)
        msg_warn("%s: sync directory %s: %m", id, op->target);
    msg_info("%s: %s", id, op->log_text);
    return 1;
}

/* postsuper_all - every message of a queue */

static int postsuper_all(const POSTSUPER_OP *op, const char *queue)
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
        count += postsuper_one(op, queue, ids->argv[i]);
    argv_free(ids);
    return count;
}

/* postsuper_what - one queue ID or ALL, in the chosen queues */

static int postsuper_what(const POSTSUPER_OP *op, const char *what, const char *const *queues)
{
    int count = 0;

    if (strcmp(what, "ALL") != 0 && !mail_queue_id_ok(what)) {
        msg_warn("invalid queue ID: \"%.100s\"", what);
        return 0;
    }
    for (const char *const *qp = queues; *qp; qp++)
        count += strcmp(what, "ALL") == 0 ? postsuper_all(op, *qp) : postsuper_one(op, *qp, what);
    return count;
}

/* postsuper_run - one operation: a queue ID, ALL, or IDs from standard input */

static void postsuper_run(const POSTSUPER_OP *op, const char *what, const char *queue_name)
{
    const char *const *queues = op->default_queues;
    const char *one[2] = {queue_name, NULL};
    int count = 0;

    if (queue_name != NULL)
        queues = one;
    if (strcmp(what, "-") == 0) {
        VSTREAM *in = vstream_fdopen(STDIN_FILENO, VSTREAM_FLAG_READ | VSTREAM_FLAG_NOCLOSE);
        VSTRING *line = vstring_alloc(100);

        while (vstream_gets(in, line, 1024) > 0)
            count += postsuper_what(op, trim_blanks(vstring_str(line)), queues);
        vstream_close(in);
        vstring_free(line);
    } else {
        count = postsuper_what(op, what, queues);
    }
    msg_info("%s: %d message%s", op->summary, count, count == 1 ? "" : "s");
}

/* postsuper_queue_name - a queue name from the command line */

static const char *postsuper_queue_name(const char *name)
{
    for (const char *const *qp = postsuper_named_queues; *qp; qp++)
        if (strcmp(*qp, name) == 0)
            return *qp;
    msg_fatal_status(EX_USAGE, "unknown queue name: \"%.100s\"", name);
}

int main(int argc, char **argv)
{
    const char *queue_directory = NULL;
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_QUEUE_DIRECTORY, &queue_directory),
        CONFIG_BIND_END,
    };
    const char *config_dir = NULL, *what[POSTSUPER_OP_COUNT] = {NULL}, *queue_name = NULL;
    VSTRING *why = vstring_alloc(100);
    CONFIG *config;
    bool any = false;
    int ch;

    msg_init("postsuper");
    opterr = 0;
    while ((ch = getopt(argc, argv, "c:d:h:H:v")) != -1) {
        switch (ch) {
        case 'c':
            config_dir = optarg;
            break;
        case 'd':
        case 'h':
        case 'H':
            for (size_t i = 0; i < POSTSUPER_OP_COUNT; i++)
                if (postsuper_ops[i].option == ch)
                    what[i] = optarg;
            any = true;
            break;
        case 'v':
            msg_verbose++;
            break;
        default:
            postsuper_usage();
        }
    }
    if (!any || argc - optind > 1)
        postsuper_usage();
    config = config_startup(config_dir, NULL, "postsuper");
    maillog_init(config, "postsuper", why);
    config_bind(config, parameters);
    if (chdir(queue_directory) < 0)
        msg_fatal_status(EX_UNAVAILABLE, "chdir %s: %m", queue_directory);
    if (optind < argc)
        queue_name = postsuper_queue_name(argv[optind]);
    for (size_t i = 0; i < POSTSUPER_OP_COUNT; i++)
        if (what[i] != NULL)
            postsuper_run(postsuper_ops + i, what[i], queue_name);
    vstring_free(why);
    return 0;
}
