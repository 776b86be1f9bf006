/*++
 * NAME
 *	cleanup_send - send one message to a cleanup service, for tests
 * SYNOPSIS
 *	obj/tests/helpers/cleanup_send [-l] [-p lines -w fifo] endpoint
 *		sender recipient... <message
 * DESCRIPTION
 *	cleanup_send opens a cleanup(8) session on endpoint (a socket path),
 *	sends the sender, the recipients and the message read from
 *	standard input (one content line per input line, without the line
 *	ending), and prints the outcome on standard output:
 *
 *		queued QUEUE_ID
 *		status N QUEUE_ID reason
 *
 *	-l asks for a local submission (CLEANUP_FLAG_ADD_HEADERS). With -p
 *	lines -w fifo it prints "paused QUEUE_ID" after that many content
 *	lines and waits until it can read a byte from the named pipe fifo
 *	before it goes on, so that a test can kill the cleanup process in
 *	the middle of a message.
 * DIAGNOSTICS
 *	Exit status 0 when queued, 1 when cleanup refused or failed, 2 for
 *	usage errors or when the session could not be opened.
 *--*/

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup_client.h"
#include "msg.h"
#include "vstring.h"

/* cleanup_send_pause - tell the test where we are and wait for it */

static void cleanup_send_pause(CLEANUP_CLIENT *client, const char *fifo)
{
    char ch;
    int fd;

    printf("paused %s\n", cleanup_queue_id(client));
    fflush(stdout);
    if ((fd = open(fifo, O_RDONLY)) < 0 || read(fd, &ch, 1) < 0)
        msg_fatal("wait on %s: %m", fifo);
    close(fd);
}

int main(int argc, char **argv)
{
    VSTRING *why = vstring_alloc(100);
    const char *fifo = NULL;
    CLEANUP_CLIENT *client;
    long pause_after = -1, lines = 0;
    int flags = CLEANUP_FLAG_NONE, ch, status;
    char *line = NULL;
    size_t size = 0;
    ssize_t len;

    msg_init("cleanup_send");
    signal(SIGPIPE, SIG_IGN);
    while ((ch = getopt(argc, argv, "lp:w:")) != -1) {
        if (ch == 'l')
            flags |= CLEANUP_FLAG_ADD_HEADERS;
        else if (ch == 'p')
            pause_after = atol(optarg);
        else if (ch == 'w')
            fifo = optarg;
        else
            return 2;
    }
    if (argc - optind < 3 || (pause_after >= 0 && fifo == NULL)) {
        fprintf(stderr, "usage: cleanup_send [-l] [-p lines -w fifo] endpoint sender rcpt...\n");
        return 2;
    }
    if ((client = cleanup_open(argv[optind], flags, 10, why)) == NULL) {
        printf("open failed: %s\n", vstring_str(why));
        return 2;
    }
    cleanup_sender(client, argv[optind + 1], NULL, CLEANUP_DSN_RET_NONE);
    for (int i = optind + 2; i < argc; i++)
        cleanup_rcpt(client, argv[i], NULL, NULL, 0);
    while ((len = getline(&line, &size, stdin)) >= 0) {
        if (lines++ == pause_after)
            cleanup_send_pause(client, fifo);
        if (len > 0 && line[len - 1] == '\n')
            len--;
        cleanup_content_line(client, line, len, 0);
    }
    free(line);
    if ((status = cleanup_finish(client, why)) == CLEANUP_STAT_OK)
        printf("queued %s\n", cleanup_queue_id(client));
    else
        printf("status %d %s %s\n", status, cleanup_queue_id(client), vstring_str(why));
    cleanup_close(client);
    vstring_free(why);
    return status == CLEANUP_STAT_OK ? 0 : 1;
}
