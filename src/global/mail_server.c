/*++
 * NAME
 *	mail_server - daemon start-up, privileges and the master protocol
 * SYNOPSIS
 *	#include <mail_server.h>
 *
 *	MAIL_SERVER *mail_server_start(int argc, char **argv,
 *				const MAIL_SERVER_PROPS *props);
 *	void	mail_server_report(MAIL_SERVER *server, int status);
 *	void	mail_server_idle_start(MAIL_SERVER *server);
 *	void	mail_server_idle_stop(MAIL_SERVER *server);
 *	bool	mail_server_retired(MAIL_SERVER *server);
 *	void	mail_server_exit(MAIL_SERVER *server, const char *why);
 *	VSTREAM	*mail_server_stdin_stream(void);
 * DESCRIPTION
 *	This module holds what single_server(3), multi_server(3) and
 *	trigger_server(3) share. mail_server.h documents the command line,
 *	the descriptors and the status protocol.
 *
 *	mail_server_start() parses the options, loads main.cf with the -o
 *	overrides (config_startup()), records service_name, starts logging
 *	(maillog_init()), warns about parameters that main.cf or -o sets but
 *	this version does not implement (only stand-alone, with -S: under
 *	master(8), master reports them once per start or reload), checks
 *	the descriptors that master(8) passes,
 *	changes to queue_directory, binds props->parameters, reads max_idle
 *	and max_use, sets the time limit of socketmap: and tcp: lookups
 *	(remote_table_timeout) and where proxy: tables find proxymap(8)
 *	(proxymap_service_name, proxywrite_service_name, ipc_timeout,
 *	ipc_idle, ipc_ttl), runs props->pre_jail, drops privileges, runs
 *	props->post_jail and creates the event loop with the watch
 *	descriptor enabled. The result lives until the process exits.
 *
 *	Privileges: when the process runs as root, -j makes it chroot to
 *	queue_directory and -u makes it become mail_owner (mail_owner(3)).
 *	Otherwise the identity stays as it is and -j is ignored.
 *
 *	mail_server_report() writes a MAIL_SERVER_STAT_* record to master;
 *	a master that has gone away ends the process.
 *
 *	mail_server_idle_start() arms the max_idle timer (unless the limit
 *	is 0) and mail_server_idle_stop() disarms it.
 *
 *	mail_server_retired() polls the watch descriptor without waiting: it
 *	is true once master has closed it (reload, stop, or master died).
 *
 *	mail_server_exit() logs why (at verbose level), runs
 *	props->pre_exit and exits with status 0.
 *
 *	mail_server_stdin_stream() opens the stand-alone client stream: it
 *	reads standard input and writes standard output.
 * DIAGNOSTICS
 *	Fatal: bad options, configuration errors, missing descriptors, a
 *	failing chroot or setuid, an unknown mail_owner.
 *--*/

/* System library. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Utility library. */
#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "set_ugid.h"
#include "sockets.h"
#include "stringops.h"
#include "timed_io.h"

/* Global library. */
#include "mail_owner.h"
#include "mail_proxy.h"
#include "mail_server.h"
#include "maillog.h"

/* Framework internals. */
struct MAIL_SERVER_PRIVATE {
    bool chroot;            /* -j */
    bool unprivileged;      /* -u */
    bool process_limit_one; /* -l */
    bool verbose_stderr;    /* -d */
    int idle_override;      /* -i, or -1 */
    int use_override;       /* -m, or -1 */
};

/* mail_server_usage - complain about the command line */

static _Noreturn void mail_server_usage(const char *program)
{
    msg_fatal("usage: %s [-c config_dir] [-n service] [-t type] [-s count] [-o name=value] "
              "[-i max_idle] [-m max_use] [-dSjluvz]",
              program);
}

/* mail_server_number - a positive option value */

static int mail_server_number(int opt, const char *text)
{
    if (!alldig(text) || strlen(text) > 6)
        msg_fatal("bad -%c value \"%s\": expected a number", opt, text);
    return atoi(text);
}

/* mail_server_options - parse the command line */

static void mail_server_options(MAIL_SERVER *server, int argc, char **argv, ARGV *overrides,
                                const char **out_config_dir)
{
    struct MAIL_SERVER_PRIVATE *priv = server->priv;
    int ch;

    optind = 1;
    opterr = 0;
    while ((ch = getopt(argc, argv, "+" MAIL_SERVER_OPTIONS)) != -1) {
        switch (ch) {
        case 'c':
            *out_config_dir = optarg;
            break;
        case 'd':
            priv->verbose_stderr = true;
            break;
        case 'i':
            priv->idle_override = mail_server_number(ch, optarg);
            break;
        case 'j':
            priv->chroot = true;
            break;
        case 'l':
            priv->process_limit_one = true;
            break;
        case 'm':
            priv->use_override = mail_server_number(ch, optarg);
            break;
        case 'n':
            server->service = optarg;
            break;
        case 'o':
            argv_add(overrides, optarg);
            break;
        case 's':
            server->listen_count = mail_server_number(ch, optarg);
            if (server->listen_count > MAIL_SERVER_LISTEN_MAX)
                msg_fatal("-s %s: at most %d listeners", optarg, MAIL_SERVER_LISTEN_MAX);
            break;
        case 'S':
            server->stand_alone = true;
            break;
        case 't':
            server->transport = optarg;
            break;
        case 'u':
            priv->unprivileged = true;
            break;
        case 'v':
            msg_verbose++;
            break;
        case 'z':
            break;
        default:
            mail_server_usage(server->program);
        }
    }
    for (int i = optind; i < argc; i++)
        argv_add(server->args, argv[i]);
}

/* mail_server_check_fds - the descriptors master passes must be there */

static void mail_server_check_fds(MAIL_SERVER *server)
{
    struct stat st;

    if (server->stand_alone)
        return;
    if (server->listen_count == 0)
        msg_fatal("%s: no -s option: this program is started by master(8); use -S to serve "
                  "standard input",
                  server->program);
    if (fstat(MAIL_SERVER_STATUS_FD, &st) < 0 || fstat(MAIL_SERVER_WATCH_FD, &st) < 0)
        msg_fatal("%s: master status descriptors %d and %d are not open: this program is "
                  "started by master(8)",
                  server->program, MAIL_SERVER_STATUS_FD, MAIL_SERVER_WATCH_FD);
    for (int i = 0; i < server->listen_count; i++) {
        if (fstat(MAIL_SERVER_LISTEN_FD + i, &st) < 0)
            msg_fatal("%s: listener descriptor %d is not open", server->program,
                      MAIL_SERVER_LISTEN_FD + i);
        set_cloexec(MAIL_SERVER_LISTEN_FD + i, 1);
        set_nonblock(MAIL_SERVER_LISTEN_FD + i, 1);
    }
    set_cloexec(MAIL_SERVER_STATUS_FD, 1);
    set_cloexec(MAIL_SERVER_WATCH_FD, 1);
}

/* mail_server_jail - chroot and setuid when running as root */

static void mail_server_jail(MAIL_SERVER *server, const char *queue_dir)
{
    struct MAIL_SERVER_PRIVATE *priv = server->priv;
    VSTRING *why = vstring_alloc(100);
    MAIL_OWNER owner;

    if (geteuid() != 0) {
        if (msg_verbose)
            msg_info("running as user ID %ld: privileges stay as they are", (long)geteuid());
        vstring_free(why);
        return;
    }
    if (priv->unprivileged && (server->props->flags & MAIL_SERVER_FLAG_ROOT))
        msg_fatal("service %s: %s needs root privileges: set the unpriv column in master.cf "
                  "to \"n\"",
                  server->service, server->program);
    /* Look the owner up before chroot: the jail has no password file. */
    if (priv->unprivileged && mail_owner_lookup(server->config, &owner, why) < 0)
        msg_fatal("%s", vstring_str(why));
    if (priv->chroot) {
        if (chroot(queue_dir) < 0)
            msg_fatal("chroot(%s): %m", queue_dir);
        if (chdir("/") < 0)
            msg_fatal("chdir(/) in %s: %m", queue_dir);
    }
    if (priv->unprivileged)
        set_ugid(owner.uid, owner.gid);
    server->privileged = geteuid() == 0;
    vstring_free(why);
}

/* mail_server_watch_cb - master closed the watch pipe */

static void mail_server_watch_cb(EVENT_LOOP *unused_loop, int unused_fd, int unused_events,
                                 void *context)
{
    mail_server_exit(context, "master disconnect -- exiting");
}

/* mail_server_idle_cb - max_idle expired */

static void mail_server_idle_cb(EVENT_LOOP *unused_loop, void *context)
{
    mail_server_exit(context, "idle timeout -- exiting");
}

/* mail_server_limits - max_idle and max_use */

static void mail_server_limits(MAIL_SERVER *server)
{
    struct MAIL_SERVER_PRIVATE *priv = server->priv;

    if (server->props->flags & MAIL_SERVER_FLAG_UNLIMITED)
        return;
    server->max_idle = priv->idle_override >= 0 ? priv->idle_override
                                                : config_get_time(server->config, VAR_MAX_IDLE);
    server->max_use =
        priv->use_override >= 0 ? priv->use_override : config_get_int(server->config, VAR_MAX_USE);
}

/* mail_server_warn - log a configuration warning */

static void mail_server_warn(CONFIG_REPORT_LEVEL unused_level, const char *text,
                             void *unused_context)
{
    msg_warn("%s", text);
}

/* mail_server_start - everything before the first client */

MAIL_SERVER *mail_server_start(int argc, char **argv, const MAIL_SERVER_PROPS *props)
{
    MAIL_SERVER *server = mycalloc(1, sizeof(*server));
    ARGV *overrides = argv_alloc(5);
    const char *config_dir = NULL;
    const char *queue_dir;
    const char *slash;
    VSTRING *why = vstring_alloc(100);

    server->priv = mycalloc(1, sizeof(*server->priv));
    server->props = props;
    server->priv->idle_override = server->priv->use_override = -1;
    server->program = (slash = strrchr(argv[0], '/')) ? slash + 1 : argv[0];
    server->transport = "";
    server->args = argv_alloc(5);
    server->context = props->context;
    msg_init(server->program);
    signal(SIGPIPE, SIG_IGN);

    mail_server_options(server, argc, argv, overrides, &config_dir);
    if (server->service == NULL)
        server->service = server->program;
    server->solitary = server->priv->process_limit_one;
    if (!server->stand_alone && (props->flags & MAIL_SERVER_FLAG_SOLITARY) &&
        !server->priv->process_limit_one)
        msg_fatal("service %s: %s must run as a single process: set the maxproc column in "
                  "master.cf to 1",
                  server->service, server->program);
    server->config = config_startup(config_dir, overrides, server->program);
    config_set_runtime(server->config, VAR_SERVICE_NAME, server->service);
    if (maillog_init(server->config, server->program, why) < 0 && !server->stand_alone)
        msg_fatal("%s", vstring_str(why));
    if (server->stand_alone)
        (void)config_check_unimplemented(server->config, NULL, mail_server_warn, NULL);
    mail_server_check_fds(server);
    if (!server->priv->verbose_stderr && !server->stand_alone)
        msg_stderr_enable(0);

    queue_dir = config_get_str(server->config, VAR_QUEUE_DIRECTORY);
    if (chdir(queue_dir) < 0)
        msg_fatal("chdir(%s): %m", queue_dir);
    if (props->parameters)
        config_bind(server->config, props->parameters);
    mail_server_limits(server);
    dict_remote_set_timeout(config_get_time(server->config, VAR_REMOTE_TABLE_TIMEOUT));
    mail_proxy_init(server->config, false);
    server->privileged = geteuid() == 0;

    server->loop = event_loop_create(); /* before the hooks: they may add timers */
    if (props->pre_jail)
        props->pre_jail(server);
    mail_server_jail(server, queue_dir);
    if (props->post_jail)
        props->post_jail(server);

    if (!server->stand_alone &&
        event_enable_read(server->loop, MAIL_SERVER_WATCH_FD, mail_server_watch_cb, server) < 0)
        msg_fatal("watch master descriptor %d: %m", MAIL_SERVER_WATCH_FD);
    if (msg_verbose)
        msg_info("daemon started: service %s, transport %s, %d listeners", server->service,
                 server->transport, server->listen_count);
    argv_free(overrides);
    vstring_free(why);
    return server;
}

/* mail_server_report - tell master whether this process can take a client */

void mail_server_report(MAIL_SERVER *server, int status)
{
    MAIL_SERVER_STATUS record = {
        .version = MAIL_SERVER_STATUS_VERSION,
        .pid = (int)getpid(),
        .status = status,
    };
    ssize_t n;

    if (server->stand_alone)
        return;
    do {
        n = write(MAIL_SERVER_STATUS_FD, &record, sizeof(record));
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(record))
        mail_server_exit(server, "master status pipe is gone -- exiting");
}

/* mail_server_idle_start - arm the max_idle timer */

void mail_server_idle_start(MAIL_SERVER *server)
{
    if (server->max_idle > 0 && !server->stand_alone)
        event_timer_add(server->loop, server->max_idle * 1000, mail_server_idle_cb, server);
}

/* mail_server_idle_stop - disarm the max_idle timer */

void mail_server_idle_stop(MAIL_SERVER *server)
{
    event_timer_cancel(server->loop, mail_server_idle_cb, server);
}

/* mail_server_retired - has master closed the watch pipe */

bool mail_server_retired(MAIL_SERVER *server)
{
    if (server->stand_alone)
        return false;
    return poll_fd(MAIL_SERVER_WATCH_FD, POLLIN, 0) != 0;
}

/* mail_server_exit - leave voluntarily */

void mail_server_exit(MAIL_SERVER *server, const char *why)
{
    if (msg_verbose)
        msg_info("%s", why);
    if (server->props->pre_exit)
        server->props->pre_exit(server);
    exit(0);
}

/* mail_server_stdout_write - stand-alone output goes to standard output */

static ssize_t mail_server_stdout_write(int unused_fd, const void *buf, size_t len, int timeout_ms,
                                        void *context)
{
    return sock_write_nosignal(STDOUT_FILENO, buf, len, timeout_ms, context);
}

/* mail_server_stdin_stream - the stand-alone client */

VSTREAM *mail_server_stdin_stream(void)
{
    VSTREAM *stream = vstream_fdopen(STDIN_FILENO, VSTREAM_FLAG_RW | VSTREAM_FLAG_NOCLOSE);

    vstream_set_io(stream, timed_read, mail_server_stdout_write, NULL);
    return stream;
}
