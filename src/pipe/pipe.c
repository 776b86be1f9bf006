/*++
 * NAME
 *	pipe - the delivery agent that hands mail to a command
 * SYNOPSIS
 *	pipe [options] command_attributes... (started by master(8))
 * DESCRIPTION
 *	pipe serves a master.cf entry such as
 *
 *	    dovecot unix - n n - - pipe
 *	      flags=DRhu user=vmail argv=/usr/lib/dovecot/dovecot-lda
 *	      -f ${sender} -d ${user}@${nexthop}
 *
 *	The command attributes (pipe_attr.c) are read once; a bad one is
 *	fatal. For each request the open recipients form one group (one
 *	group per recipient with flags D or O, whose headers name one
 *	recipient). For each group the command line is expanded
 *	(pipe_expand.c) and the command runs with the user= ids (never
 *	root), only the environment variables that export_environment names
 *	(taken from the agent's own environment, which master(8) limited to
 *	import_environment; a name=value word is set as written; no PATH
 *	unless listed, as in Postfix), the message on its standard input
 *	(pipe_message(): From line, Return-Path:, Delivered-To:,
 *	X-Original-To: as the flags say, then the content with eol= line
 *	ends and the flags' quoting) and its output collected (the first
 *	MAIL_COMMAND_OUTPUT_MAX bytes, mail_command(3)). It gets <service>_time_limit seconds
 *	(default $command_time_limit), then it is killed. With chroot= the
 *	command runs inside that directory (entered as root, before the
 *	user= ids; directory= then names a directory inside it); a command
 *	that cannot be started there is deferred.
 *
 *	The outcome: exit status 0 delivers ("delivered via SERVICE
 *	service"); an enhanced status code at the start of the output
 *	("4.2.1 ..." or "5.1.1 ...") decides the outcome of any other exit;
 *	else a sysexits.h code decides as Postfix's table says (75
 *	EX_TEMPFAIL and 71 EX_OSERR defer with 4.3.0, 67 EX_NOUSER bounces
 *	with 5.1.1, ...); an unknown status bounces ("Command died with
 *	status N"); a signal defers; the time limit bounces ("Command time
 *	limit exceeded"). The command's output follows the text
 *	(". Command output: ..."). A message larger than size= bounces
 *	(5.2.3) without running the command.
 *
 *	Without root privileges (a test instance) the command runs with the
 *	agent's own ids, and only when user= names them.
 * DIAGNOSTICS
 *	Fatal: a bad command attribute, user= naming root. Outcomes are
 *	logged by deliver_request(3).
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "spawn_command.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "deliver_request.h"
#include "export_env.h"
#include "mail_command.h"
#include "mail_copy.h"
#include "mail_owner.h"
#include "mail_params.h"
#include "mail_server.h"
#include "queue_msg.h"
#include "rec_type.h"

/* Application-specific. */
#include "pipe.h"

#define PIPE_TIME_LIMIT_SUFFIX "time_limit" /* <service>_time_limit */

/* What main.cf and master.cf say. */
static struct PIPE_CONFIG {
    PIPE_ATTR attr;                  /* command attributes */
    const char *service;             /* master.cf service name */
    int time_limit;                  /* <service>_time_limit, seconds */
    int command_time_limit;          /* command_time_limit: its default, and the fallback */
    const char *recipient_delimiter; /* recipient_delimiter */
    const char *export_names;        /* export_environment */
    ARGV *env;                       /* the commands' environment (export_env()); owned */
    bool privileged;                 /* running as root */
    uid_t owner_uid;                 /* mail_owner: the effective ids outside commands */
    gid_t owner_gid;                 /* mail_owner's group */
} pipe_config;

/* One outcome. */
typedef struct PIPE_RESULT {
    int outcome;     /* DELIVER_OUTCOME_* */
    char dsn[16];    /* RFC 3463 status */
    VSTRING *reason; /* text for the log and the DSN */
} PIPE_RESULT;

/* pipe_priv_root - effective root, to start a command as another user */

static void pipe_priv_root(void)
{
    if (pipe_config.privileged && (seteuid(0) < 0 || setegid(0) < 0))
        msg_fatal("%s: cannot regain root privileges: %m", __func__);
}

/* pipe_priv_owner - effective mail_owner, for queue files and status logs */

static void pipe_priv_owner(void)
{
    if (pipe_config.privileged &&
        (setegid(pipe_config.owner_gid) < 0 || seteuid(pipe_config.owner_uid) < 0))
        msg_fatal("%s: cannot become mail_owner: %m", __func__);
}

/* pipe_line - one content line with the flags' quoting and eol= */

static void pipe_line(VSTREAM *dst, const char *line, size_t len, bool whole)
{
    const PIPE_ATTR *attr = &pipe_config.attr;

    if ((attr->flags & PIPE_FLAG_DOT) && len > 0 && line[0] == '.')
        vstream_putc(dst, '.');
    if ((attr->flags & PIPE_FLAG_QUOTE_FROM) && mail_copy_needs_quote(line, len))
        vstream_putc(dst, '>');
    vstream_write(dst, line, len);
    if (whole)
        vstream_write(dst, vstring_str(attr->eol), VSTRING_LEN(attr->eol));
}

/* pipe_header - one prepended header line */

static void pipe_header(VSTREAM *dst, const char *name, const char *value)
{
    VSTRING *buf = vstring_alloc(100);

    vstring_sprintf(buf, "%s%s", name, value);
    pipe_line(dst, vstring_str(buf), VSTRING_LEN(buf), true);
    vstring_free(buf);
}

/* pipe_message - the message as the command reads it, into a file */

static int pipe_message(const DELIVER_REQUEST *request, const DELIVER_RCPT *rcpt, int fd,
                        VSTRING *why)
{
    const PIPE_ATTR *attr = &pipe_config.attr;
    VSTREAM *dst = vstream_fdopen(fd, VSTREAM_FLAG_WRITE | VSTREAM_FLAG_NOCLOSE);
    VSTRING *buf = vstring_alloc(200);
    bool line_start = true;
    int type, status = 0;

    if (attr->flags & PIPE_FLAG_FROM) {
        mail_copy_from_line(buf, request->sender, time(NULL));
        pipe_line(dst, vstring_str(buf), VSTRING_LEN(buf), true);
    }
    if (attr->flags & PIPE_FLAG_RETURN_PATH) {
        vstring_sprintf(buf, "<%s>", request->sender);
        pipe_header(dst, "Return-Path: ", vstring_str(buf));
    }
    if ((attr->flags & PIPE_FLAG_DELIVERED) && rcpt)
        pipe_header(dst, "Delivered-To: ", rcpt->address);
    if ((attr->flags & PIPE_FLAG_ORIGINAL) && rcpt)
        pipe_header(dst, "X-Original-To: ",
                    rcpt->orig_rcpt && *rcpt->orig_rcpt ? rcpt->orig_rcpt : rcpt->address);
    if (queue_msg_content_rewind(request->msg) < 0)
        status = -1;
    while (status == 0 && (type = queue_msg_content_get(request->msg, buf)) > 0) {
        /* A long line comes in pieces: quoting applies to its start only. */
        if (line_start)
            pipe_line(dst, vstring_str(buf), VSTRING_LEN(buf), type == REC_TYPE_NORM);
        else
            vstream_write(dst, vstring_str(buf), VSTRING_LEN(buf));
        if (!line_start && type == REC_TYPE_NORM)
            vstream_write(dst, vstring_str(attr->eol), VSTRING_LEN(attr->eol));
        line_start = type == REC_TYPE_NORM;
    }
    if (status == 0 && type < 0)
        status = -1;
    if (status < 0)
        vstring_sprintf(why, "cannot read the queue file");
    if (status == 0 && (attr->flags & PIPE_FLAG_BLANK))
        vstream_write(dst, vstring_str(attr->eol), VSTRING_LEN(attr->eol));
    if (status == 0 && (vstream_fflush(dst) < 0 || vstream_ferror(dst))) {
        vstring_sprintf(why, "cannot write the message to a temporary file: %m");
        status = -1;
    }
    vstream_close(dst);
    vstring_free(buf);
    return status;
}

/* pipe_temp_file - an unlinked temporary file */

static int pipe_temp_file(VSTRING *why)
{
    char path[] = "/tmp/pipe.XXXXXX";
    int fd = mkostemp(path, O_CLOEXEC);

    if (fd < 0) {
        vstring_sprintf(why, "cannot create a temporary file: %m");
        return -1;
    }
    (void)unlink(path);
    return fd;
}

/* pipe_result_set - fill in an outcome */

static void pipe_result_set(PIPE_RESULT *result, const char *dsn, const VSTRING *output,
                            const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void pipe_result_set(PIPE_RESULT *result, const char *dsn, const VSTRING *output,
                            const char *fmt, ...)
{
    va_list ap;

    snprintf(result->dsn, sizeof(result->dsn), "%s", dsn);
    result->outcome = dsn[0] == '2'   ? DELIVER_OUTCOME_SENT
                      : dsn[0] == '5' ? DELIVER_OUTCOME_BOUNCED
                                      : DELIVER_OUTCOME_DEFERRED;
    VSTRING_RESET(result->reason);
    va_start(ap, fmt);
    vstring_vsprintf_append(result->reason, fmt, ap);
    va_end(ap);
    if (output && VSTRING_LEN(output) > 0)
        vstring_sprintf_append(result->reason, ". Command output: %s", vstring_str(output));
}

/* pipe_exit_result - the outcome of a command that ended */

static void pipe_exit_result(int status, const char *command, VSTRING *output, PIPE_RESULT *result)
{
    const char *text, *sysexit_dsn;
    char dsn[16];
    int code = WEXITSTATUS(status);

    if (WIFSIGNALED(status)) {
        pipe_result_set(result, "4.3.0", output, "Command died with signal %d: \"%s\"",
                        WTERMSIG(status), command);
        return;
    }
    if (code == 0) {
        pipe_result_set(result, "2.0.0", NULL, "delivered via %s service%s%s%s",
                        pipe_config.service, VSTRING_LEN(output) ? " (" : "", vstring_str(output),
                        VSTRING_LEN(output) ? ")" : "");
        return;
    }
    if (mail_command_status_code(vstring_str(output), dsn, sizeof(dsn))) {
        /* The command said what happened: its status code decides. */
        pipe_result_set(result, dsn, NULL, "%s", vstring_str(output));
        return;
    }
    if ((text = mail_command_sysexit(code, &sysexit_dsn)) != NULL) {
        pipe_result_set(result, sysexit_dsn, output, "%s", text);
        return;
    }
    pipe_result_set(result, "5.3.0", output, "Command died with status %d: \"%s\"", code, command);
}

/* pipe_run - run the command for one group of recipients */

static void pipe_run(DELIVER_REQUEST *request, const size_t *rcpts, size_t count,
                     PIPE_RESULT *result)
{
    const PIPE_ATTR *attr = &pipe_config.attr;
    PIPE_MACRO_CONTEXT context = {
        .request = request,
        .rcpts = rcpts,
        .rcpt_count = count,
        .delimiters = *pipe_config.recipient_delimiter ? pipe_config.recipient_delimiter : NULL,
        .null_sender = attr->null_sender,
        .flags = attr->flags,
        .size = queue_msg_content_size(request->msg),
    };
    VSTRING *output = vstring_alloc(100), *why = vstring_alloc(100);
    ARGV *argv = NULL;
    int input = -1, pipefd[2] = {-1, -1}, status;
    time_t deadline = time(NULL) + pipe_config.time_limit;
    bool late;
    pid_t pid;

    if ((input = pipe_temp_file(why)) < 0 ||
        pipe_message(request, count == 1 ? request->rcpts + rcpts[0] : NULL, input, why) < 0 ||
        lseek(input, 0, SEEK_SET) < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
        pipe_result_set(result, "4.3.0", NULL, "%s",
                        VSTRING_LEN(why) ? vstring_str(why) : "cannot set up the command");
        goto done;
    }
    argv = pipe_expand(attr->argv, &context);
    pipe_priv_root();
    pid = spawn_command(&(SPAWN_PROPS){.argv = (const char *const *)argv->argv,
                                       .env = (const char *const *)pipe_config.env->argv,
                                       .stdin_fd = input,
                                       .stdout_fd = pipefd[1],
                                       .stderr_fd = pipefd[1],
                                       .root = attr->chroot,
                                       .uid = pipe_config.privileged ? attr->uid : 0,
                                       .gid = attr->gid,
                                       .cwd = attr->directory},
                        why);
    pipe_priv_owner();
    close(pipefd[1]);
    pipefd[1] = -1;
    if (pid < 0) {
        pipe_result_set(result, "4.3.0", NULL, "%s", vstring_str(why));
        goto done;
    }
    late = !mail_command_output(pipefd[0], deadline, output);
    /* Killing the command, which runs as another user, needs root. */
    pipe_priv_root();
    if (late) {
        (void)kill(pid, SIGKILL);
        (void)spawn_wait(pid, -1, &status);
    } else {
        long left = (long)(deadline - time(NULL));

        late = spawn_wait(pid, left > 0 ? (int)left * 1000 : 0, &status) < 0;
    }
    pipe_priv_owner();
    if (late) {
        pipe_result_set(result, "5.3.0", output, "Command time limit exceeded: \"%s\"",
                        argv->argv[0]);
        goto done;
    }
    pipe_exit_result(status, argv->argv[0], output, result);
done:
    if (input >= 0)
        close(input);
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (argv)
        argv_free(argv);
    vstring_free(output);
    vstring_free(why);
}

/* pipe_report - record one recipient's outcome */

static void pipe_report(DELIVER_REQUEST *request, size_t index, const PIPE_RESULT *result)
{
    DELIVER_STATUS status = {
        .dsn = result->dsn,
        .reason = vstring_str(result->reason),
        .relay = pipe_config.service,
        .action = (pipe_config.attr.flags & PIPE_FLAG_FINAL) ? NULL : "relayed",
    };

    deliver_outcome(request, index, result->outcome, &status);
}

/* pipe_deliver - the open recipients, in one group or one by one */

static void pipe_deliver(DELIVER_REQUEST *request, PIPE_RESULT *result)
{
    const PIPE_ATTR *attr = &pipe_config.attr;
    size_t *rcpts = mymalloc((request->rcpt_count + 1) * sizeof(*rcpts));
    size_t count = 0;
    bool one_by_one = (attr->flags & (PIPE_FLAG_DELIVERED | PIPE_FLAG_ORIGINAL)) != 0;
    long long size = queue_msg_content_size(request->msg);

    for (size_t i = 0; i < request->rcpt_count; i++)
        if (deliver_rcpt_pending(request, i))
            rcpts[count++] = i;
    if (attr->size_limit > 0 && size > attr->size_limit) {
        pipe_result_set(result, "5.2.3", NULL, "message too large");
        for (size_t i = 0; i < count; i++)
            pipe_report(request, rcpts[i], result);
    } else if (one_by_one) {
        for (size_t i = 0; i < count; i++) {
            pipe_run(request, rcpts + i, 1, result);
            pipe_report(request, rcpts[i], result);
        }
    } else if (count > 0) {
        pipe_run(request, rcpts, count, result);
        for (size_t i = 0; i < count; i++)
            pipe_report(request, rcpts[i], result);
    }
    myfree(rcpts);
}

/* pipe_service - one delivery request */

static void pipe_service(MAIL_SERVER *unused_server, VSTREAM *client)
{
    VSTRING *why = vstring_alloc(100);
    DELIVER_REQUEST *request = deliver_request_receive(client, why);
    PIPE_RESULT result = {.reason = vstring_alloc(100)};

    if (request) {
        pipe_deliver(request, &result);
        deliver_request_finish(request);
    }
    vstring_free(result.reason);
    vstring_free(why);
}

/* pipe_post_jail - the command attributes and the time limit */

static void pipe_post_jail(MAIL_SERVER *server)
{
    VSTRING *why = vstring_alloc(100);
    VSTRING *name = vstring_alloc(60);

    pipe_config.service = server->service;
    pipe_config.privileged = geteuid() == 0;
    pipe_config.env = export_env(pipe_config.export_names);
    if (pipe_attr_parse(server->args, &pipe_config.attr, why) < 0)
        msg_fatal("service %s: %s", server->service, vstring_str(why));
    if (pipe_config.privileged) {
        MAIL_OWNER owner;

        if (mail_owner_lookup(server->config, &owner, why) < 0)
            msg_fatal("%s", vstring_str(why));
        pipe_config.owner_uid = owner.uid;
        pipe_config.owner_gid = owner.gid;
        pipe_priv_owner();
    }
    if (!pipe_config.privileged && pipe_config.attr.uid != geteuid())
        msg_fatal("service %s: user= names uid %ld, but the agent runs without root privileges "
                  "as uid %ld",
                  server->service, (long)pipe_config.attr.uid, (long)geteuid());
    vstring_sprintf(name, "%s_%s", server->service, PIPE_TIME_LIMIT_SUFFIX);
    pipe_config.time_limit = config_get_time(server->config, vstring_str(name));
    if (pipe_config.time_limit <= 0)
        pipe_config.time_limit =
            pipe_config.command_time_limit > 0 ? pipe_config.command_time_limit : 1;
    vstring_free(name);
    vstring_free(why);
}

/* main - bind the parameters and serve */

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_RECIPIENT_DELIMITER, &pipe_config.recipient_delimiter),
        CONFIG_BIND_TIME(VAR_COMMAND_TIME_LIMIT, &pipe_config.command_time_limit),
        CONFIG_BIND_STR(VAR_EXPORT_ENVIRONMENT, &pipe_config.export_names),
        CONFIG_BIND_END,
    };

    single_server_main(argc, argv, pipe_service,
                       &(MAIL_SERVER_PROPS){
                           .parameters = parameters,
                           .post_jail = pipe_post_jail,
                       });
}
