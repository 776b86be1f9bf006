/*++
 * NAME
 *	queue_dump - print a queue file's envelope and content, for tests
 * SYNOPSIS
 *	obj/tests/helpers/queue_dump queue_directory queue id [attribute...]
 * DESCRIPTION
 *	queue_dump opens queue/id in queue_directory with queue_msg(3) and
 *	prints, one a line:
 *
 *		sender=ADDRESS
 *		rcpt=ADDRESS		(for each recipient; "done=" when done)
 *		attr NAME=VALUE		(for each attribute named on the
 *					command line that the file has)
 *		size=N			(the content size)
 *		|LINE			(each content line)
 * DIAGNOSTICS
 *	Exit status 1 with the reason when the file cannot be opened or is
 *	damaged.
 *--*/

#include <stdio.h>
#include <unistd.h>

#include "msg.h"
#include "queue_msg.h"
#include "rec_type.h"
#include "vstring.h"

int main(int argc, char **argv)
{
    VSTRING *why = vstring_alloc(100), *buf = vstring_alloc(1000);
    QUEUE_MSG *msg;
    int type, partial = 0;

    msg_init("queue_dump");
    if (argc < 4) {
        fprintf(stderr, "usage: queue_dump queue_directory queue id [attribute...]\n");
        return 2;
    }
    if (chdir(argv[1]) < 0)
        msg_fatal("chdir %s: %m", argv[1]);
    if (queue_msg_open(argv[2], argv[3], 0, &msg, why) != QUEUE_MSG_STAT_OK) {
        printf("error: %s\n", vstring_str(why));
        return 1;
    }
    printf("sender=%s\n", queue_msg_sender(msg));
    for (size_t i = 0; i < queue_msg_rcpt_count(msg); i++)
        printf("%s=%s\n", queue_msg_rcpt(msg, i)->done ? "done" : "rcpt",
               queue_msg_rcpt(msg, i)->address);
    for (int i = 4; i < argc; i++)
        if (queue_msg_attr(msg, argv[i]))
            printf("attr %s=%s\n", argv[i], queue_msg_attr(msg, argv[i]));
    printf("size=%lld\n", queue_msg_content_size(msg));
    while ((type = queue_msg_content_get(msg, buf)) > 0) {
        printf("%s%s", partial ? "" : "|", vstring_str(buf));
        partial = type == REC_TYPE_CONT;
        if (!partial)
            printf("\n");
    }
    queue_msg_close(msg);
    vstring_free(why);
    vstring_free(buf);
    return type < 0 ? 1 : 0;
}
