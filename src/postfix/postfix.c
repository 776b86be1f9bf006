/*++
 * NAME
 *	postfix - start, stop and check the mail system
 * SYNOPSIS
 *	postfix [-c config_dir] [-v] command
 * DESCRIPTION
 *	postfix controls the master(8) daemon of one instance, chosen by
 *	-c config_dir (else $MAIL_CONFIG, else /etc/postfix). Commands:
 *
 *	check	check main.cf and master.cf, create missing queue
 *		directories, warn about readable private keys
 *		(postfix_check(3)); exit status 1 on errors.
 *	start	the checks, then start master and wait until it runs.
 *	start-fg	the checks, then run master in the foreground.
 *	stop	ask master to stop (SIGTERM) and wait until it and its
 *		children are gone; force it with SIGKILL to the whole
 *		process group when that takes too long.
 *	abort	stop at once (SIGINT: master kills its children).
 *	reload	check main.cf and master.cf and refuse to reload when
 *		they are malformed; else ask master to re-read them
 *		(SIGHUP).
 *	status	say whether master runs (exit status 0) or not (1).
 *	flush	ask the queue manager to deliver the deferred mail now
 *		(mail_flush(3)); exit status 1 when it cannot be reached.
 *	set-permissions	repair owners and modes (postfix_perms(3)).
 *	post-install	create what is missing, then set-permissions.
 *	tls subcommand ...	TLS keys, certificates and settings
 *		(postfix_tls(3)).
 *
 *	-v makes the command and the master it starts verbose.
 * DIAGNOSTICS
 *	Progress and problems go to standard error and to the log as
 *	"postfix/postfix-script: ...", as Postfix's script does.
 *--*/

/* System library. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "spawn_command.h"
#include "timed_io.h"

/* Global library. */
#include "mail_flush.h"
#include "maillog.h"
#include "master_pid.h"

/* Application-specific. */
#include "postfix.h"

#define POSTFIX_STOP_WAIT_MS 10000                    /* how long stop waits before SIGKILL */
#define POSTFIX_POLL_MS      50                       /* how often it looks */
#define POSTFIX_STDERR_IDENT "postfix/postfix-script" /* as Postfix's script says it */

extern char **environ;

/* postfix_master_pid - the running master's pid, or 0 */

static pid_t postfix_master_pid(CONFIG *config)
{
    VSTRING *why = vstring_alloc(100);
    pid_t pid = 0;
    int status = master_pid_check(config, &pid, why);

    if (status < 0)
        msg_fatal("%s", vstring_str(why));
    vstring_free(why);
    return status == 1 ? pid : 0;
}

/* postfix_master_argv - the master command line */

static ARGV *postfix_master_argv(CONFIG *config, const char *mode)
{
    const char *daemon_directory;
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_DAEMON_DIRECTORY, &daemon_directory),
        CONFIG_BIND_END,
    };
    ARGV *argv = argv_alloc(6);
    VSTRING *path = vstring_alloc(100);

    config_bind(config, parameters);
    vstring_sprintf(path, "%s/master", daemon_directory);
    argv_add(argv, vstring_str(path));
    argv_add(argv, "-c");
    argv_add(argv, config_directory(config));
    argv_add(argv, mode);
    for (int i = 0; i < msg_verbose; i++)
        argv_add(argv, "-v");
    vstring_free(path);
    return argv;
}

/* postfix_preflight - checks shared by start and start-fg */

static void postfix_preflight(CONFIG *config)
{
    int errors = postfix_check(config, POSTFIX_CHECK_FLAG_QUIET);

    if (errors > 0)
        msg_fatal("%d configuration error%s: not starting the Postern mail system", errors,
                  errors == 1 ? "" : "s");
    if (postfix_master_pid(config) != 0)
        msg_fatal("the Postern mail system is already running");
}

/* postfix_start - start master and wait until it runs */

static int postfix_start(CONFIG *config)
{
    ARGV *argv;
    VSTRING *why = vstring_alloc(100);
    pid_t pid;
    int status;

    postfix_preflight(config);
    msg_info("starting the Postern mail system");
    argv = postfix_master_argv(config, "-w");
    pid = spawn_command(&(SPAWN_PROPS){.argv = (const char *const *)argv->argv,
                                       .env = (const char *const *)environ},
                        why);
    if (pid < 0)
        msg_fatal("%s", vstring_str(why));
    if (spawn_wait(pid, -1, &status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        msg_fatal("mail system startup failed");
    argv_free(argv);
    vstring_free(why);
    return 0;
}

/* postfix_start_fg - run master in the foreground */

static int postfix_start_fg(CONFIG *config)
{
    ARGV *argv;

    postfix_preflight(config);
    msg_info("starting the Postern mail system");
    argv = postfix_master_argv(config, "-d");
    execv(argv->argv[0], argv->argv);
    msg_fatal("exec %s: %m", argv->argv[0]);
}

/* postfix_running - the pid of master, or fatal */

static pid_t postfix_running(CONFIG *config)
{
    pid_t pid = postfix_master_pid(config);

    if (pid == 0)
        msg_fatal("the Postern mail system is not running");
    return pid;
}

/* postfix_signal - send a signal to master */

static void postfix_signal(pid_t pid, int signo)
{
    if (kill(pid, signo) < 0)
        msg_fatal("send signal %d to master pid %ld: %m", signo, (long)pid);
}

/* postfix_wait_gone - wait until master has released its lock */

static int postfix_wait_gone(CONFIG *config, int timeout_ms, bool chatty)
{
    int64_t start = monotonic_ms();
    int64_t next_note = start + 1000;

    while (postfix_master_pid(config) != 0) {
        int64_t now = monotonic_ms();

        if (now - start >= timeout_ms)
            return -1;
        if (chatty && now >= next_note) {
            msg_info("waiting for the Postern mail system to terminate");
            next_note = now + 1000;
        }
        (void)poll(NULL, 0, POSTFIX_POLL_MS);
    }
    return 0;
}

/* postfix_stop_common - stop or abort */

static int postfix_stop_common(CONFIG *config, int signo, const char *what)
{
    pid_t pid = postfix_running(config);

    msg_info("%s the Postern mail system", what);
    postfix_signal(pid, signo);
    if (postfix_wait_gone(config, POSTFIX_STOP_WAIT_MS, signo == SIGTERM) == 0)
        return 0;
    msg_warn("stopping the Postern mail system with force");
    if (kill(-pid, SIGKILL) < 0 && errno != ESRCH)
        msg_fatal("kill process group %ld: %m", (long)pid);
    return postfix_wait_gone(config, POSTFIX_STOP_WAIT_MS, false) == 0 ? 0 : 1;
}

/* postfix_stop - orderly stop */

static int postfix_stop(CONFIG *config)
{
    return postfix_stop_common(config, SIGTERM, "stopping");
}

/* postfix_abort - stop at once */

static int postfix_abort(CONFIG *config)
{
    return postfix_stop_common(config, SIGINT, "aborting");
}

/* postfix_reload - re-read the configuration */

static int postfix_reload(CONFIG *config)
{
    pid_t pid = postfix_running(config);
    int errors = postfix_check(config, POSTFIX_CHECK_FLAG_QUIET);

    if (errors > 0)
        msg_fatal("%d configuration error%s: not refreshing the Postern mail system", errors,
                  errors == 1 ? "" : "s");
    msg_info("refreshing the Postern mail system");
    postfix_signal(pid, SIGHUP);
    return 0;
}

/* postfix_status - does master run */

static int postfix_status(CONFIG *config)
{
    pid_t pid = postfix_master_pid(config);

    if (pid == 0) {
        msg_info("the Postern mail system is not running");
        return 1;
    }
    msg_info("the Postern mail system is running: PID: %ld", (long)pid);
    return 0;
}

/* postfix_check_cmd - check and repair */

static int postfix_check_cmd(CONFIG *config)
{
    return postfix_check(config, 0) > 0 ? 1 : 0;
}

/* postfix_flush - deliver the deferred mail now (mail_flush(3)) */

static int postfix_flush(CONFIG *config)
{
    MAIL_FLUSH_PROPS props;
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_QUEUE_DIRECTORY, &props.queue_directory),
        CONFIG_BIND_STR(VAR_QUEUE_SERVICE_NAME, &props.queue_service),
        CONFIG_BIND_TIME(VAR_TRIGGER_TIMEOUT, &props.timeout),
        CONFIG_BIND_END,
    };
    VSTRING *why = vstring_alloc(100);
    int status;

    config_bind(config, parameters);
    status = mail_flush_deferred(&props, why) < 0 ? 1 : 0;

    if (status)
        msg_warn("cannot flush the mail queue: %s", vstring_str(why));
    vstring_free(why);
    return status;
}

/* The commands. */
typedef struct POSTFIX_CMD {
    const char *name;              /* command word */
    int (*action)(CONFIG *config); /* what it does; returns the exit status */
    int (*action_args)(CONFIG *config, int argc, char **argv); /* instead, with arguments */
} POSTFIX_CMD;

static const POSTFIX_CMD postfix_cmds[] = {
    {"check", postfix_check_cmd, NULL},
    {"start", postfix_start, NULL},
    {"start-fg", postfix_start_fg, NULL},
    {"stop", postfix_stop, NULL},
    {"abort", postfix_abort, NULL},
    {"reload", postfix_reload, NULL},
    {"status", postfix_status, NULL},
    {"flush", postfix_flush, NULL},
    {"set-permissions", postfix_set_permissions, NULL},
    {"post-install", postfix_post_install, NULL},
    {"tls", NULL, postfix_tls},
    {NULL, NULL, NULL},
};

/* postfix_stderr - stderr lines with Postfix's "postfix/postfix-script: " prefix */

static void postfix_stderr(enum msg_level unused_level, const char *text, void *unused_context)
{
    VSTRING *line = vstring_alloc(100);

    vstring_sprintf(line, "%s: %s\n", POSTFIX_STDERR_IDENT, text);
    (void)!write(STDERR_FILENO, vstring_str(line), VSTRING_LEN(line));
    vstring_free(line);
}

/* postfix_usage - complain about the command line */

static _Noreturn void postfix_usage(void)
{
    msg_fatal("usage: postfix [-c config_dir] [-v] check|start|start-fg|stop|abort|reload|status|"
              "flush|set-permissions|post-install|tls subcommand ...");
}

/* main - dispatch a command */

int main(int argc, char **argv)
{
    const char *config_dir = NULL;
    const POSTFIX_CMD *cmd;
    VSTRING *why = vstring_alloc(100);
    CONFIG *config;
    int ch;

    msg_init("postfix-script");
    msg_stderr_enable(0);
    msg_output_add(postfix_stderr, NULL);
    while ((ch = getopt(argc, argv, "+c:v")) != -1) {
        switch (ch) {
        case 'c':
            config_dir = optarg;
            break;
        case 'v':
            msg_verbose++;
            break;
        default:
            postfix_usage();
        }
    }
    if (optind >= argc)
        postfix_usage();
    for (cmd = postfix_cmds; cmd->name && strcmp(cmd->name, argv[optind]) != 0; cmd++)
        /* void */;
    if (cmd->name == NULL || (cmd->action_args == NULL && optind != argc - 1))
        postfix_usage();
    config = config_load(config_dir);
    if (setenv(CONFIG_DIR_ENV, config_directory(config), 1) < 0)
        msg_fatal("setenv %s: %m", CONFIG_DIR_ENV);
    if (maillog_init(config, "postfix-script", why) < 0)
        msg_warn("%s", vstring_str(why));
    vstring_free(why);
    if (cmd->action_args)
        return cmd->action_args(config, argc - optind, argv + optind);
    return cmd->action(config);
}
