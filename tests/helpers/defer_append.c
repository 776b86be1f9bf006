/*++
 * NAME
 *	defer_append - add a delayed-recipient line to a defer log, for tests
 * SYNOPSIS
 *	obj/tests/helpers/defer_append queue_directory id recipient reason
 * DESCRIPTION
 *	defer_append appends one "delayed" event for recipient, with status
 *	4.4.1 and the given reason, to defer/id in queue_directory, as the
 *	queue manager will, so that tests can check what mailq shows.
 * DIAGNOSTICS
 *	Exit status 1 when the append fails.
 *--*/

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "mail_queue.h"
#include "msg.h"
#include "status_log.h"

int main(int argc, char **argv)
{
    STATUS_LOG_ENTRY entry = {
        .offset = -1,
        .status = "4.4.1",
        .action = "delayed",
    };

    msg_init("defer_append");
    if (argc != 5) {
        fprintf(stderr, "usage: defer_append queue_directory id recipient reason\n");
        return 2;
    }
    if (chdir(argv[1]) < 0)
        msg_fatal("chdir %s: %m", argv[1]);
    entry.recipient = argv[3];
    entry.reason = argv[4];
    entry.time = time(NULL);
    return status_log_append(MAIL_QUEUE_DEFER, argv[2], &entry) < 0 ? 1 : 0;
}
