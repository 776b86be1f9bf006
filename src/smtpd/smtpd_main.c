/*++
 * NAME
 *	smtpd_main - the SMTP server program
 * SYNOPSIS
 *	smtpd [-c config_dir] [-n service] [-o name=value] [-v] -S
 * DESCRIPTION
 *	main() reads the options and the configuration, sets up logging
 *	(maillog_file when set, else syslog), and runs the server.
 *
 *	With -S the server takes one connection on standard input and
 *	standard output. Run by anybody other than mail_owner (or root),
 *	this is the stand-alone mode of "sendmail -bs": the session has no
 *	access restrictions and no TLS, and mail goes into the maildrop
 *	queue for pickup. Run as mail_owner or root, it is an ordinary
 *	network session on an inherited socket (inetd style).
 * DIAGNOSTICS
 *	Fatal: bad options, configuration errors, an inaccessible
 *	queue_directory.
 *--*/

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "argv.h"
#include "msg.h"
#include "msg_logfile.h"
#include "msg_syslog.h"
#include "mymalloc.h"
#include "vstream.h"

#include "config.h"
#include "mail_params.h"

#include "smtpd.h"
#include "smtpd_config.h"

/* Command-line settings. */
typedef struct SMTPD_OPTS {
    const char *config_dir; /* -c */
    const char *service;    /* -n */
    ARGV *overrides;        /* -o name=value; owned */
    bool single;            /* -S: one session on stdin/stdout */
} SMTPD_OPTS;

/* smtpd_usage - how to call us */

static _Noreturn void smtpd_usage(void)
{
    msg_fatal("usage: smtpd [-c config_dir] [-n service] [-o name=value] [-v] -S");
}

/* smtpd_options - parse the command line */

static void smtpd_options(int argc, char **argv, SMTPD_OPTS *opts)
{
    int ch;

    opts->service = "smtpd";
    opts->overrides = argv_alloc(4);
    while ((ch = getopt(argc, argv, "c:n:o:St:v")) != -1) {
        switch (ch) {
        case 'c':
            opts->config_dir = optarg;
            break;
        case 'n':
            opts->service = optarg;
            break;
        case 'o':
            argv_add(opts->overrides, optarg);
            break;
        case 'S':
            opts->single = true;
            break;
        case 't':
            break;
        case 'v':
            msg_verbose++;
            break;
        default:
            smtpd_usage();
        }
    }
    if (optind != argc)
        smtpd_usage();
}

/* smtpd_logging - maillog_file or syslog */

static void smtpd_logging(CONFIG *config)
{
    const char *logfile = config_get_str(config, VAR_MAILLOG_FILE);
    const char *syslog_name = config_get_str(config, VAR_SYSLOG_NAME);

    if (*logfile) {
        if (msg_logfile_open(logfile, syslog_name, "smtpd") < 0)
            msg_fatal("open %s %s: %m", VAR_MAILLOG_FILE, logfile);
    } else {
        msg_syslog_init(syslog_name, "smtpd");
    }
    msg_stderr_enable(0);
}

/* smtpd_is_owner - are we mail_owner (or root)? */

static bool smtpd_is_owner(CONFIG *config)
{
    const char *owner = config_get_str(config, VAR_MAIL_OWNER);
    struct passwd *pw = getpwnam(owner);

    return getuid() == 0 || (pw != NULL && pw->pw_uid == getuid());
}

/* smtpd_single - one session on standard input and output */

static int smtpd_single(CONFIG *config, const SMTPD_OPTS *opts)
{
    bool stand_alone = !smtpd_is_owner(config);
    const char *queue_dir = config_get_str(config, VAR_QUEUE_DIRECTORY);
    SMTPD_CONFIG *cfg;
    VSTREAM *in, *out;
    SMTPD_STATE *state;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (chdir(queue_dir) < 0)
        msg_fatal("chdir %s %s: %m", VAR_QUEUE_DIRECTORY, queue_dir);
    cfg = smtpd_config_init(config, opts->service, stand_alone);
    if (getpeername(0, (struct sockaddr *)&ss, &len) == 0) {
        in = out = vstream_fdopen(0, VSTREAM_FLAG_RW | VSTREAM_FLAG_NOCLOSE);
    } else {
        in = vstream_fdopen(0, VSTREAM_FLAG_READ | VSTREAM_FLAG_NOCLOSE);
        out = vstream_fdopen(1, VSTREAM_FLAG_WRITE | VSTREAM_FLAG_NOCLOSE);
    }
    state = smtpd_state_alloc(cfg, in, out, stand_alone);
    smtpd_session(state);
    smtpd_state_free(state);
    if (out != in)
        vstream_close(out);
    vstream_close(in);
    smtpd_config_free(cfg);
    return 0;
}

/* main - program entry */

int main(int argc, char **argv)
{
    SMTPD_OPTS opts = {0};
    CONFIG *config;
    int status;

    msg_init("smtpd");
    smtpd_options(argc, argv, &opts);
    config = config_startup(opts.config_dir, opts.overrides, "smtpd");
    smtpd_logging(config);
    if (!opts.single)
        msg_fatal("not started by master(8): use -S for a session on standard input");
    status = smtpd_single(config, &opts);
    argv_free(opts.overrides);
    return status;
}
