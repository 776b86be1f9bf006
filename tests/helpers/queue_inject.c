/*++
 * NAME
 *	queue_inject - put a message straight into the incoming queue, for tests
 * SYNOPSIS
 *	obj/tests/helpers/queue_inject queue_directory sender recipient... <message
 * DESCRIPTION
 *	queue_inject writes the message on standard input (header, empty
 *	line, body; LF line ends) as a committed queue file in the incoming
 *	queue of queue_directory, with the given envelope sender ("" for the
 *	null sender) and recipients, prints its queue ID and wakes the queue
 *	manager (public/qmgr, request "I"). A recipient written as
 *	"address/NOTIFY" sets the DSN NOTIFY mask (decimal). Integration
 *	tests of the queue manager and the delivery agents use it where
 *	the SMTP server is not the subject.
 * DIAGNOSTICS
 *	Exit status 1 with a message on standard error on any failure.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "vstring.h"

#include "mail_trigger.h"
#include "queue_file.h"

int main(int argc, char **argv)
{
    VSTRING *why = vstring_alloc(100);
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    QUEUE_FILE *qf;

    msg_init("queue_inject");
    if (argc < 4)
        msg_fatal("usage: queue_inject queue_directory sender recipient...");
    if (chdir(argv[1]) < 0)
        msg_fatal("chdir %s: %m", argv[1]);
    if ((qf = queue_file_create("incoming")) == NULL)
        msg_fatal("cannot create a queue file: %m");
    queue_file_sender(qf, argv[2]);
    for (int i = 3; i < argc; i++) {
        char *slash = strrchr(argv[i], '/');
        QUEUE_RCPT rcpt = {.address = argv[i]};

        if (slash) {
            *slash = 0;
            rcpt.dsn_notify = atoi(slash + 1);
        }
        queue_file_rcpt(qf, &rcpt);
    }
    queue_file_content(qf);
    while ((len = getline(&line, &size, stdin)) > 0) {
        if (line[len - 1] == '\n')
            len--;
        queue_file_line(qf, line, (size_t)len);
    }
    free(line);
    queue_file_extra(qf);
    if (queue_file_commit(qf) < 0)
        msg_fatal("commit failed: %m");
    printf("%s\n", queue_file_id(qf));
    queue_file_close(qf);
    (void)mail_trigger(MAIL_CLASS_PUBLIC, "qmgr", "I", 1, 5, why);
    vstring_free(why);
    return 0;
}
