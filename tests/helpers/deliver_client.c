/*++
 * NAME
 *	deliver_client - queue one message and hand it to a delivery agent
 * SYNOPSIS
 *	obj/tests/helpers/deliver_client -q queue_directory -a agent
 *		-c config_directory [-t transport] [-n nexthop] [-f sender]
 *		[-A age] [-b body_file] [-e encoding] [-o name=value] [-r] [-R]
 *		recipient...
 * DESCRIPTION
 *	deliver_client plays the queue manager for one message, so that a
 *	delivery agent can be tested without qmgr. It creates the queue
 *	directories when needed, writes a message from sender (default
 *	sender@example.org) to the recipients into the active queue
 *	(content from body_file, else a short test message; arrival age
 *	seconds ago, default 0), starts "agent -S -c config_directory -n
 *	transport" (default transport smtp, with "-o name=value" for each
 *	-o, as master(8) passes master.cf overrides) on a socket pair, sends the
 *	delivery request with the next hop, and prints one line per
 *	result:
 *
 *	    rcpt=ADDRESS outcome=sent|bounced|deferred|done dsn=D
 *		relay=R reason=TEXT
 *
 *	then "end status=N [reason]" (DELIVER_STAT_*) and "queue_id=ID". The agent's standard error
 *	goes to ours. With -r the message is removed afterwards. With -R the
 *	message asks for REQUIRETLS (RFC 8689), as if its MAIL FROM had.
 * DIAGNOSTICS
 *	Exit status 1 on usage errors, a queue file that cannot be made,
 *	or a broken conversation with the agent.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argv.h"
#include "attr.h"
#include "file_io.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

#include "deliver_request.h"
#include "mail_queue.h"
#include "queue_file.h"
#include "queue_msg.h"

typedef struct OPTS {
    const char *queue_dir;
    const char *agent;
    const char *config_dir;
    const char *transport;
    const char *nexthop;
    const char *sender;
    const char *body_file;
    const char *encoding;
    long age;
    int remove;
    int requiretls; /* -R: the message asks for REQUIRETLS */
    ARGV *rcpts;
    ARGV *overrides; /* -o name=value for the agent */
} OPTS;

/* write_body - the content from a file or a default */

static void write_body(QUEUE_FILE *qf, const char *path)
{
    VSTRING *data = vstring_alloc(1000);
    const char *cp, *end, *nl;

    if (path) {
        VSTRING *why = vstring_alloc(100);

        if (read_file(path, data, 10 * 1024 * 1024, why) < 0)
            msg_fatal("%s", vstring_str(why));
        vstring_free(why);
    } else {
        vstring_strcpy(data, "From: sender@example.org\nSubject: test message\n\ntest body\n"
                             ".a line that starts with a dot\n");
    }
    cp = vstring_str(data);
    end = cp + VSTRING_LEN(data);
    while (cp < end) {
        nl = memchr(cp, '\n', (size_t)(end - cp));
        size_t len = nl ? (size_t)(nl - cp) : (size_t)(end - cp);

        if (len > 0 && cp[len - 1] == '\r')
            queue_file_line(qf, cp, len - 1);
        else
            queue_file_line(qf, cp, len);
        cp += len + (nl != NULL);
    }
    vstring_free(data);
}

/* make_message - the queue file */

static char *make_message(const OPTS *opts)
{
    QUEUE_FILE *qf = queue_file_create(MAIL_QUEUE_ACTIVE);
    struct timeval arrival;
    char *id;

    if (qf == NULL)
        msg_fatal("cannot create a queue file: %m");
    gettimeofday(&arrival, NULL);
    arrival.tv_sec -= opts->age;
    queue_file_set_arrival(qf, &arrival);
    if (opts->encoding)
        queue_file_attr(qf, REC_ATTR_ENCODING, opts->encoding);
    if (opts->requiretls)
        queue_file_attr(qf, REC_ATTR_REQUIRETLS, "yes");
    queue_file_sender(qf, opts->sender);
    for (size_t i = 0; i < opts->rcpts->argc; i++)
        queue_file_rcpt(qf, &(QUEUE_RCPT){.address = opts->rcpts->argv[i]});
    queue_file_content(qf);
    write_body(qf, opts->body_file);
    queue_file_extra(qf);
    if (queue_file_commit(qf) < 0)
        msg_fatal("cannot commit the queue file: %m");
    id = mystrdup(queue_file_id(qf));
    queue_file_close(qf);
    return id;
}

/* build_request - the request for every recipient */

static DELIVER_REQUEST *build_request(const OPTS *opts, const char *id)
{
    DELIVER_REQUEST *request = deliver_request_alloc();
    QUEUE_MSG *msg;
    char **fields[] = {&request->queue_name, &request->queue_id, &request->transport,
                       &request->nexthop, &request->sender};
    const char *values[] = {MAIL_QUEUE_ACTIVE, id, opts->transport, opts->nexthop, opts->sender};

    if (queue_msg_open(MAIL_QUEUE_ACTIVE, id, 0, &msg, NULL) != QUEUE_MSG_STAT_OK)
        msg_fatal("cannot open queue file %s", id);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        myfree(*fields[i]);
        *fields[i] = mystrdup(values[i]);
    }
    request->arrival_time = deliver_time_now() - opts->age * 1000000LL;
    request->active_time = deliver_time_now();
    request->request_time = deliver_time_now();
    for (size_t i = 0; i < queue_msg_rcpt_count(msg); i++) {
        const QUEUE_MSG_RCPT *rcpt = queue_msg_rcpt(msg, i);

        deliver_request_add_rcpt(request, rcpt->address, rcpt->orig_rcpt, rcpt->dsn_orcpt,
                                 rcpt->dsn_notify, rcpt->offset);
    }
    queue_msg_close(msg);
    return request;
}

/* start_agent - the agent on a socket pair */

static pid_t start_agent(const OPTS *opts, VSTREAM **out_stream)
{
    int sv[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        msg_fatal("socketpair: %m");
    if ((pid = fork()) < 0)
        msg_fatal("fork: %m");
    if (pid == 0) {
        dup2(sv[1], 0);
        dup2(sv[1], 1);
        close(sv[0]);
        close(sv[1]);
        ARGV *args = argv_alloc(10);

        argv_add(args, opts->agent);
        argv_add(args, "-S");
        argv_add(args, "-c");
        argv_add(args, opts->config_dir);
        argv_add(args, "-n");
        argv_add(args, opts->transport);
        for (size_t i = 0; i < opts->overrides->argc; i++) {
            argv_add(args, "-o");
            argv_add(args, opts->overrides->argv[i]);
        }
        execv(opts->agent, args->argv);
        msg_fatal("exec %s: %m", opts->agent);
    }
    close(sv[1]);
    *out_stream = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    vstream_set_timeout(*out_stream, 600);
    return pid;
}

/* outcome_name - printable outcome */

static const char *outcome_name(int outcome)
{
    static const char *names[] = {"none", "sent", "bounced", "deferred", "done"};

    return outcome >= 0 && outcome <= 4 ? names[outcome] : "unknown";
}

/* converse - send the request, print the results */

static int converse(VSTREAM *stream, DELIVER_REQUEST *request)
{
    VSTRING *why = vstring_alloc(100);
    int status, end_status = -1;

    if (deliver_request_send(stream, request) < 0 ||
        attr_hello_expect(stream, DELIVER_PROTOCOL, DELIVER_PROTOCOL_VERSION, NULL) < 0)
        msg_fatal("cannot talk to the delivery agent");
    while ((status = deliver_result_read(stream, request, &end_status, why)) == DELIVER_READ_RCPT)
        /* void */;
    for (size_t i = 0; i < request->rcpt_count; i++) {
        const DELIVER_RCPT *rcpt = request->rcpts + i;

        printf("rcpt=%s outcome=%s dsn=%s relay=%s reason=%s\n", rcpt->address,
               outcome_name(rcpt->outcome), rcpt->dsn ? rcpt->dsn : "",
               rcpt->relay ? rcpt->relay : "", rcpt->reason ? rcpt->reason : "");
    }
    printf("end status=%d%s%s\n", end_status, VSTRING_LEN(why) ? " " : "", vstring_str(why));
    vstring_free(why);
    return status == DELIVER_READ_END ? 0 : 1;
}

/* parse_options - the command line */

static void parse_options(int argc, char **argv, OPTS *opts)
{
    int ch;

    opts->transport = "smtp";
    opts->nexthop = "";
    opts->sender = "sender@example.org";
    opts->rcpts = argv_alloc(4);
    opts->overrides = argv_alloc(2);
    while ((ch = getopt(argc, argv, "A:a:b:c:e:f:n:o:q:rRt:")) != -1) {
        switch (ch) {
        case 'A':
            opts->age = atol(optarg);
            break;
        case 'a':
            opts->agent = optarg;
            break;
        case 'b':
            opts->body_file = optarg;
            break;
        case 'c':
            opts->config_dir = optarg;
            break;
        case 'e':
            opts->encoding = optarg;
            break;
        case 'f':
            opts->sender = optarg;
            break;
        case 'n':
            opts->nexthop = optarg;
            break;
        case 'o':
            argv_add(opts->overrides, optarg);
            break;
        case 'q':
            opts->queue_dir = optarg;
            break;
        case 'r':
            opts->remove = 1;
            break;
        case 'R':
            opts->requiretls = 1;
            break;
        case 't':
            opts->transport = optarg;
            break;
        default:
            msg_fatal("bad option");
        }
    }
    for (; optind < argc; optind++)
        argv_add(opts->rcpts, argv[optind]);
    if (!opts->queue_dir || !opts->agent || !opts->config_dir || opts->rcpts->argc == 0)
        msg_fatal("usage: deliver_client -q queue_dir -a agent -c config_dir [-t transport] "
                  "[-n nexthop] [-f sender] [-A age] [-b body] [-e encoding] [-o name=value] [-r] "
                  "[-R] rcpt...");
}

/* main - queue, deliver, report */

int main(int argc, char **argv)
{
    OPTS opts = {0};
    DELIVER_REQUEST *request;
    VSTREAM *stream;
    char *id;
    pid_t pid;
    int status, wstatus;

    msg_init("deliver_client");
    parse_options(argc, argv, &opts);
    if (chdir(opts.queue_dir) < 0)
        msg_fatal("chdir %s: %m", opts.queue_dir);
    if (mail_queue_mkdirs((uid_t)-1, (gid_t)-1, 0700) < 0)
        msg_fatal("create queue directories: %m");
    id = make_message(&opts);
    request = build_request(&opts, id);
    pid = start_agent(&opts, &stream);
    status = converse(stream, request);
    vstream_close(stream);
    if (waitpid(pid, &wstatus, 0) < 0 || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
        printf("agent exit status 0x%x\n", wstatus);
    printf("queue_id=%s\n", id);
    if (opts.remove)
        (void)mail_queue_remove(MAIL_QUEUE_ACTIVE, id);
    deliver_request_free(request);
    myfree(id);
    argv_free(opts.rcpts);
    return status;
}
