/*++
 * NAME
 *	cleanup_records - send a raw record stream to a cleanup service, for tests
 * SYNOPSIS
 *	obj/tests/helpers/cleanup_records [-l] endpoint <records
 * DESCRIPTION
 *	cleanup_records plays a local client of cleanup(8) that sends
 *	whatever it is told, to test what cleanup accepts: it opens a
 *	session on endpoint (a socket path; -l asks for a local
 *	submission), then sends one record per input line. The first
 *	character of a line is the record type (record.h), the rest its
 *	data, where \\r, \\n, \\0, \\\\ and \\xHH stand for the bytes they
 *	name. The input should end with the E record. It prints the
 *	outcome on standard output:
 *
 *		queued QUEUE_ID
 *		status N QUEUE_ID reason
 * DIAGNOSTICS
 *	Exit status 0 when queued, 1 when cleanup refused the message or
 *	went away, 2 for usage errors or when the session could not be
 *	opened.
 *--*/

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attr.h"
#include "msg.h"
#include "sockets.h"
#include "vstream.h"
#include "vstring.h"

#include "cleanup_client.h"
#include "record.h"

/* unescape - the bytes that a line of input names */

static void unescape(VSTRING *out, const char *text)
{
    VSTRING_RESET(out);
    for (const char *cp = text; *cp; cp++) {
        if (*cp != '\\' || cp[1] == 0) {
            vstring_addch(out, *cp);
            continue;
        }
        switch (*++cp) {
        case 'r':
            vstring_addch(out, '\r');
            break;
        case 'n':
            vstring_addch(out, '\n');
            break;
        case '0':
            vstring_addch(out, 0);
            break;
        case 'x':
            if (cp[1] && cp[2]) {
                char hex[3] = {cp[1], cp[2], 0};

                vstring_addch(out, (int)strtol(hex, NULL, 16));
                cp += 2;
            }
            break;
        default:
            vstring_addch(out, *cp);
            break;
        }
    }
}

/* open_session - connect, greet, send the flags, get the queue ID */

static VSTREAM *open_session(const char *endpoint, int flags, VSTRING *queue_id)
{
    ATTR_OPTS opts = {.peer = endpoint, .value_max = 4096};
    VSTRING *why = vstring_alloc(100), *reason = vstring_alloc(100);
    VSTREAM *stream;
    int fd, status = -1;

    if ((fd = unix_connect(endpoint, 10000, why)) < 0) {
        printf("open failed: %s\n", vstring_str(why));
        exit(2);
    }
    stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    vstream_set_timeout(stream, 10);
    if (attr_hello_expect(stream, CLEANUP_PROTOCOL, CLEANUP_PROTOCOL_VERSION, &opts) < 0 ||
        attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT(CLEANUP_ATTR_FLAGS, flags),
                   ATTR_TYPE_END) != 0 ||
        attr_scan_opts(stream, ATTR_FLAG_STRICT, &opts, RECV_ATTR_INT(CLEANUP_ATTR_STATUS, &status),
                       RECV_ATTR_STR(CLEANUP_ATTR_QUEUE_ID, queue_id),
                       RECV_ATTR_STR(CLEANUP_ATTR_REASON, reason), ATTR_TYPE_END) != 3 ||
        status != 0) {
        printf("open failed: status %d %s\n", status, vstring_str(reason));
        exit(2);
    }
    vstring_free(why);
    vstring_free(reason);
    return stream;
}

int main(int argc, char **argv)
{
    ATTR_OPTS opts = {.peer = "cleanup", .value_max = 4096};
    VSTRING *queue_id = vstring_alloc(32), *reason = vstring_alloc(100), *data = vstring_alloc(100);
    int flags = CLEANUP_FLAG_NONE, ch, status = -1;
    VSTREAM *stream;
    char *line = NULL;
    size_t size = 0;
    ssize_t len;

    msg_init("cleanup_records");
    signal(SIGPIPE, SIG_IGN);
    while ((ch = getopt(argc, argv, "l")) != -1) {
        if (ch != 'l')
            return 2;
        flags |= CLEANUP_FLAG_ADD_HEADERS;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "usage: cleanup_records [-l] endpoint <records\n");
        return 2;
    }
    stream = open_session(argv[optind], flags, queue_id);
    while ((len = getline(&line, &size, stdin)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = 0;
        if (len == 0)
            continue;
        unescape(data, line + 1);
        rec_put(stream, (unsigned char)line[0], vstring_str(data), VSTRING_LEN(data));
    }
    free(line);
    if (vstream_fflush(stream) != 0 ||
        attr_scan_opts(stream, ATTR_FLAG_STRICT, &opts, RECV_ATTR_INT(CLEANUP_ATTR_STATUS, &status),
                       RECV_ATTR_STR(CLEANUP_ATTR_REASON, reason), ATTR_TYPE_END) != 2) {
        printf("status -1 %s lost connection\n", vstring_str(queue_id));
        return 1;
    }
    if (status == 0)
        printf("queued %s\n", vstring_str(queue_id));
    else
        printf("status %d %s %s\n", status, vstring_str(queue_id), vstring_str(reason));
    vstream_close(stream);
    return status == 0 ? 0 : 1;
}
