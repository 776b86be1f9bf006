/*++
 * NAME
 *	queue_inject - put a message straight into the incoming queue, for tests
 * SYNOPSIS
 *	obj/tests/helpers/queue_inject [-q queue] [-a name=value]... [-O orcpt]
 *		queue_directory sender recipient... <message
 * DESCRIPTION
 *	queue_inject writes the message on standard input (header, empty
 *	line, body; LF line ends) as a committed queue file in the incoming
 *	queue of queue_directory, with the given envelope sender ("" for the
 *	null sender) and recipients, prints its queue ID and wakes the queue
 *	manager (public/qmgr, request "I"). A recipient written as
 *	"address/NOTIFY" sets the DSN NOTIFY mask (decimal). Integration
 *	tests of the queue manager and the delivery agents use it where
 *	the SMTP server is not the subject.
 *
 *	-q writes into another queue (maildrop: a hand-made local
 *	submission). -a adds an attribute, -O gives every recipient that
 *	DSN ORCPT; both are written as they are, unchecked, so that tests
 *	can plant what a hostile or damaged file may hold.
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
    const char *queue = "incoming", *orcpt = NULL;
    char *attrs[16];
    int attr_count = 0, ch;
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    QUEUE_FILE *qf;

    msg_init("queue_inject");
    while ((ch = getopt(argc, argv, "a:O:q:")) != -1) {
        if (ch == 'a' && attr_count < 16 && strchr(optarg, '='))
            attrs[attr_count++] = optarg;
        else if (ch == 'O')
            orcpt = optarg;
        else if (ch == 'q')
            queue = optarg;
        else
            msg_fatal("bad option -%c", ch);
    }
    argv += optind - 1;
    argc -= optind - 1;
    if (argc < 4)
        msg_fatal("usage: queue_inject [-q queue] [-a name=value]... [-O orcpt] queue_directory "
                  "sender recipient...");
    if (chdir(argv[1]) < 0)
        msg_fatal("chdir %s: %m", argv[1]);
    qf = strcmp(queue, "incoming") == 0 ? queue_file_create(queue)
                                        : queue_file_create_mode(queue, 0644);
    if (qf == NULL)
        msg_fatal("cannot create a queue file: %m");
    for (int i = 0; i < attr_count; i++) {
        char *eq = strchr(attrs[i], '=');

        *eq = 0;
        queue_file_attr(qf, attrs[i], eq + 1);
    }
    queue_file_sender(qf, argv[2]);
    for (int i = 3; i < argc; i++) {
        char *slash = strrchr(argv[i], '/');
        QUEUE_RCPT rcpt = {.address = argv[i], .dsn_orcpt = orcpt};

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
    if (strcmp(queue, "incoming") == 0)
        (void)mail_trigger(MAIL_CLASS_PUBLIC, "qmgr", "I", 1, 5, why);
    vstring_free(why);
    return 0;
}
