/*++
 * NAME
 *	sendmail - the Sendmail-compatible mail submission command
 * SYNOPSIS
 *	sendmail [option ...] [recipient ...]
 *	mailq
 *	newaliases
 * DESCRIPTION
 *	main() parses the Sendmail command line (sendmail(1) lists every
 *	option) and does what the mode asks: submit a message
 *	(sendmail_enqueue(3)), list the queue (exec postqueue -p), speak
 *	SMTP on standard input and output (exec smtpd -S, which writes into
 *	the maildrop queue and wakes pickup), deliver queued mail now (-q:
 *	exec postqueue -f; -qRsite: postqueue -s site; -qIqueue_id:
 *	postqueue -i queue_id; -qinterval is ignored), or report that
 *	a mode is not available. Invoked as mailq it lists the queue, as
 *	newaliases it rebuilds the alias databases.
 *
 *	Options that Sendmail has and that make no difference here are
 *	accepted and ignored, so that programs written for Sendmail keep
 *	working.
 * DIAGNOSTICS
 *	Problems go to standard error and to the mail log; the exit status
 *	follows sysexits(3).
 * SEE ALSO
 *	sendmail(1), postqueue(1), pickup(8), smtpd(8)
 *--*/

/* System library. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "config.h"
#include "mail_params.h"
#include "maillog.h"
#include "rec_type.h"
#include "xtext.h"

/* Application-specific. */
#include "sendmail.h"

/* sendmail_usage - complain about the command line */

static _Noreturn void sendmail_usage(const char *problem)
{
    msg_fatal_status(EX_USAGE,
                     "%s; usage: sendmail [-t] [-i] [-f sender] [-F full_name] "
                     "[-C config] [-bm|-bp|-bs] [recipient ...]",
                     problem);
}

/* sendmail_notify - the -N argument */

static int sendmail_notify(const char *arg)
{
    static const struct {
        const char *name; /* keyword */
        int bit;          /* REC_NOTIFY_* */
    } words[] = {
        {"never", REC_NOTIFY_NEVER},
        {"success", REC_NOTIFY_SUCCESS},
        {"failure", REC_NOTIFY_FAILURE},
        {"delay", REC_NOTIFY_DELAY},
    };
    char *copy = mystrdup(arg), *cp = copy, *word;
    int mask = 0, found;

    while ((word = mystrtok(&cp, ", \t")) != NULL) {
        found = 0;
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (strcasecmp(word, words[i].name) == 0)
                found = words[i].bit;
        if (found == 0)
            sendmail_usage("bad -N argument: expected never, or success, delay and failure");
        mask |= found;
    }
    myfree(copy);
    if (mask == 0 || ((mask & REC_NOTIFY_NEVER) && mask != REC_NOTIFY_NEVER))
        sendmail_usage("bad -N argument: \"never\" cannot be combined with another keyword");
    return mask;
}

/* sendmail_envid - the -V argument, refused here when the queue would refuse it */

static const char *sendmail_envid(const char *arg)
{
    VSTRING *encoded = xtext_quote(vstring_alloc(100), arg, strlen(arg));
    const char *why = xtext_envid_check(vstring_str(encoded), VSTRING_LEN(encoded));

    /*
     * The ENVID is stored as xtext. One that pickup, cleanup or smtpd would
     * refuse (a control character, too long once encoded) must fail here,
     * while the user still sees the error, not in the queue later.
     */
    if (why != NULL)
        msg_fatal_status(EX_USAGE, "bad -V argument: %s", why);
    vstring_free(encoded);
    return arg;
}

/* sendmail_config_dir - -C names a file or a directory */

static const char *sendmail_config_dir(const char *arg)
{
    struct stat st;
    char *slash;
    char *dir;

    if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
        dir = mystrdup(arg);
        if ((slash = strrchr(dir, '/')) == NULL)
            return ".";
        *slash = 0;
        return *dir ? dir : "/";
    }
    return arg;
}

/* sendmail_mode_option - -b mode */

static void sendmail_mode_option(SENDMAIL_OPTS *opts, const char *arg)
{
    if (strcmp(arg, "m") == 0)
        opts->mode = SENDMAIL_MODE_ENQUEUE;
    else if (strcmp(arg, "p") == 0)
        opts->mode = SENDMAIL_MODE_MAILQ;
    else if (strcmp(arg, "s") == 0)
        opts->mode = SENDMAIL_MODE_SMTP;
    else if (strcmp(arg, "i") == 0)
        opts->mode = SENDMAIL_MODE_NEWALIASES;
    else if (strcmp(arg, "d") == 0)
        opts->mode = SENDMAIL_MODE_DAEMON;
    else
        msg_fatal_status(EX_USAGE, "-b%s: this mode is not supported", arg);
}

/* sendmail_queue_option - -q, -qinterval, -qRsite, -qIqueue_id, -qSsite */

static void sendmail_queue_option(SENDMAIL_OPTS *opts, const char *arg)
{
    switch (*arg) {
    case 0:
        opts->mode = SENDMAIL_MODE_FLUSH;
        break;
    case 'R':
    case 'I':
        if (arg[1] == 0)
            msg_fatal_status(EX_USAGE, "specify: -q%c%s", *arg,
                             *arg == 'R' ? "sitename" : "queueid");
        opts->mode = *arg == 'R' ? SENDMAIL_MODE_FLUSH_SITE : SENDMAIL_MODE_FLUSH_FILE;
        opts->flush_arg = arg + 1;
        break;
    case 'S':
        msg_fatal_status(EX_TEMPFAIL, "-qS is not implemented");
    default:
        /* -q30m: a queue run interval, which queue_run_delay sets here. */
        if (!isdigit((unsigned char)*arg))
            msg_fatal_status(EX_USAGE, "-q%.100s is not implemented", arg);
        opts->mode = SENDMAIL_MODE_IGNORE;
        break;
    }
}

/* sendmail_option - one option of the command line */

static void sendmail_option(SENDMAIL_OPTS *opts, int ch, const char *arg)
{
    switch (ch) {
    case 'B':
        if (strcasecmp(arg, "8bitmime") == 0 || strcasecmp(arg, "7bit") == 0)
            opts->encoding = strcasecmp(arg, "7bit") == 0 ? "7bit" : "8bitmime";
        else
            sendmail_usage("bad -B argument: expected 7BIT or 8BITMIME");
        break;
    case 'C':
    case 'c':
        opts->config_dir = sendmail_config_dir(arg);
        break;
    case 'F':
        opts->full_name = arg;
        break;
    case 'I':
        opts->mode = SENDMAIL_MODE_NEWALIASES;
        break;
    case 'N':
        opts->dsn_notify = sendmail_notify(arg);
        break;
    case 'R':
        if (strcasecmp(arg, "full") != 0 && strcasecmp(arg, "hdrs") != 0)
            sendmail_usage("bad -R argument: expected full or hdrs");
        opts->dsn_ret = strcasecmp(arg, "full") == 0 ? "FULL" : "HDRS";
        break;
    case 'V':
        opts->dsn_envid = sendmail_envid(arg);
        break;
    case 'b':
        sendmail_mode_option(opts, arg);
        break;
    case 'f':
    case 'r':
        opts->sender = arg;
        break;
    case 'i':
        opts->dot_ends_input = false;
        break;
    case 'o':
        /* -oi is the only -o option that matters; -o7, -o8, -oA, -om, ... are ignored. */
        if (strcmp(arg, "i") == 0)
            opts->dot_ends_input = false;
        break;
    case 'q':
        sendmail_queue_option(opts, arg ? arg : "");
        break;
    case 't':
        opts->extract = true;
        break;
    case 'v':
        msg_verbose++;
        break;
    default:
        /* -G, -h hops, -L label, -m, -n, -U, -X file, -x: accepted and ignored. */
        break;
    }
}

/* sendmail_options - the whole command line */

static void sendmail_options(SENDMAIL_OPTS *opts, int argc, char **argv)
{
    int ch;

    opterr = 0;
    while ((ch = getopt(argc, argv, "+B:C:c:F:GIL:N:R:UV:X:b:e:f:h:imno:p:q::r:tvx")) != -1) {
        if (ch == '?')
            msg_fatal_status(EX_USAGE, "unknown option -%c; see sendmail(1)", optopt);
        sendmail_option(opts, ch, optarg);
    }
    for (int i = optind; i < argc; i++)
        argv_add(opts->rcpts, argv[i]);
}

/* sendmail_exec - run another program of the mail system in our place */

static _Noreturn void sendmail_exec(const SENDMAIL_CONFIG *config, const char *dir,
                                    const char *program, const char *arg, const char *arg2,
                                    const char *what)
{
    VSTRING *path = vstring_alloc(100);
    char *args[7];
    int n = 0;

    vstring_sprintf(path, "%s/%s", dir, program);
    args[n++] = vstring_str(path);
    args[n++] = (char *)arg;
    if (arg2)
        args[n++] = (char *)arg2;
    args[n++] = "-c";
    args[n++] = (char *)config->config_dir;
    args[n] = NULL;
    if (access(vstring_str(path), X_OK) < 0)
        msg_fatal_status(EX_UNAVAILABLE, "%s is not available: %s: %m", what, vstring_str(path));
    execv(vstring_str(path), args);
    msg_fatal_status(EX_OSERR, "execute %s: %m", vstring_str(path));
}

/* sendmail_run - do what the mode asks */

static int sendmail_run(const SENDMAIL_CONFIG *config, const SENDMAIL_OPTS *opts)
{
    switch (opts->mode) {
    case SENDMAIL_MODE_MAILQ:
        sendmail_exec(config, config->command_directory, "postqueue", "-p", NULL,
                      "the queue listing");
    case SENDMAIL_MODE_SMTP:
        /* smtpd -S writes into the maildrop queue and wakes pickup itself. */
        if (getuid() != 0 && getegid() != getgid() && setgid(getgid()) < 0)
            msg_fatal_status(EX_OSERR, "give up the set-group-ID privilege: %m");
        sendmail_exec(config, config->daemon_directory, "smtpd", "-S", NULL, "SMTP mode (-bs)");
    case SENDMAIL_MODE_FLUSH:
        sendmail_exec(config, config->command_directory, "postqueue", "-f", NULL,
                      "queue flush (-q)");
    case SENDMAIL_MODE_FLUSH_SITE:
        sendmail_exec(config, config->command_directory, "postqueue", "-s", opts->flush_arg,
                      "site flush (-qR)");
    case SENDMAIL_MODE_FLUSH_FILE:
        sendmail_exec(config, config->command_directory, "postqueue", "-i", opts->flush_arg,
                      "message flush (-qI)");
    case SENDMAIL_MODE_IGNORE:
        return 0;
    case SENDMAIL_MODE_NEWALIASES:
        sendmail_exec(config, config->command_directory, "postalias", "-I", NULL, "newaliases");
    case SENDMAIL_MODE_DAEMON:
        msg_fatal_status(EX_UNAVAILABLE, "-bd: start the mail system with \"postfix start\"");
    default:
        return sendmail_enqueue(config, opts);
    }
}

int main(int argc, char **argv)
{
    SENDMAIL_OPTS opts = {
        .mode = SENDMAIL_MODE_ENQUEUE,
        .dot_ends_input = true,
        .rcpts = argv_alloc(4),
    };
    const char *slash = strrchr(argv[0], '/');
    const char *name = slash ? slash + 1 : argv[0];
    static SENDMAIL_CONFIG sendmail_config;
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_QUEUE_DIRECTORY, &sendmail_config.queue_directory),
        CONFIG_BIND_STR(VAR_COMMAND_DIRECTORY, &sendmail_config.command_directory),
        CONFIG_BIND_STR(VAR_DAEMON_DIRECTORY, &sendmail_config.daemon_directory),
        CONFIG_BIND_STR(VAR_SENDMAIL_FIX_LINE_ENDINGS, &sendmail_config.fix_line_endings),
        CONFIG_BIND_STR(VAR_PICKUP_SERVICE_NAME, &sendmail_config.pickup_service),
        CONFIG_BIND_TIME(VAR_TRIGGER_TIMEOUT, &sendmail_config.trigger_timeout),
        CONFIG_BIND_SIZE(VAR_MESSAGE_SIZE_LIMIT, &sendmail_config.message_size_limit),
        CONFIG_BIND_SIZE(VAR_HEADER_SIZE_LIMIT, &sendmail_config.header_size_limit),
        CONFIG_BIND_STR(VAR_AUTHORIZED_SUBMIT_USERS, &sendmail_config.submit_users),
        CONFIG_BIND_END,
    };
    VSTRING *why = vstring_alloc(100);
    CONFIG *config;

    msg_init("sendmail");
    umask(022);
    if (strcmp(name, "mailq") == 0)
        opts.mode = SENDMAIL_MODE_MAILQ;
    else if (strcmp(name, "newaliases") == 0)
        opts.mode = SENDMAIL_MODE_NEWALIASES;
    sendmail_options(&opts, argc, argv);
    if (opts.mode == SENDMAIL_MODE_ENQUEUE && opts.extract == false && opts.rcpts->argc == 0)
        msg_fatal_status(EX_USAGE, "Recipient addresses must be specified on the command line "
                                   "or via the -t option");
    sendmail_trust_check(config_dir_choose(opts.config_dir));
    config = config_startup(opts.config_dir, NULL, "sendmail");
    maillog_init(config, "sendmail", why);
    config_bind(config, parameters);
    sendmail_config.config_dir = config_directory(config);
    if (chdir(sendmail_config.queue_directory) < 0)
        msg_fatal_status(EX_TEMPFAIL, "chdir %s: %m", sendmail_config.queue_directory);
    vstring_free(why);
    return sendmail_run(&sendmail_config, &opts);
}
