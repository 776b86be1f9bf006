/*++
 * NAME
 *	spawn - run a command per connection, with the connection as its
 *	standard input, output and error
 * SYNOPSIS
 *	spawn [generic daemon options] user=name argv=command [args...]
 * DESCRIPTION
 *	spawn is the mail system's inetd: for each client that connects to
 *	its master.cf service (UNIX-domain or TCP), it runs command with
 *	the connection as standard input, standard output and standard
 *	error, and waits for it to end. Policy servers written for
 *	Postfix's spawn (postgrey in its inetd mode, policyd-spf) run this
 *	way:
 *
 *	    policy  unix  -  n  n  -  0  spawn
 *	        user=nobody argv=/usr/bin/policyd-spf
 *
 *	user= names the account the command runs as (required; neither
 *	root nor mail_owner). When the daemon itself does not run as root
 *	(an instance started by an ordinary user), user= must be that user.
 *	argv= is the last attribute: the command's absolute path and its
 *	arguments follow it. The command gets the variables of
 *	export_environment and nothing else, and runs in queue_directory.
 *
 *	<service>_time_limit (default $command_time_limit, 1000s) limits
 *	how long one command may run, <service> being the master.cf service
 *	name ("policy_time_limit = 3600s"); a command that runs longer is
 *	killed.
 * DIAGNOSTICS
 *	Fatal: a missing or bad user= or argv=. Warnings: a command that
 *	cannot start, exits with a status other than zero, is killed by a
 *	signal or runs out of time.
 * SEE ALSO
 *	master(5), spawn(8), SMTPD_POLICY_README
 *--*/

/* System library. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "spawn_command.h"
#include "user_lookup.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "export_env.h"
#include "mail_params.h"
#include "mail_params_queue.h"
#include "mail_server.h"

/* What every connection runs; set up once. */
typedef struct SPAWN_CONFIG {
    ARGV *argv;               /* argv= and what follows; owned */
    ARGV *env;                /* "name=value" of export_environment; owned */
    uid_t uid;                /* user=, or 0 to keep the current ids */
    gid_t gid;                /* its group */
    int time_limit;           /* <service>_time_limit, seconds */
    int default_limit;        /* command_time_limit, its default */
    const char *queue_dir;    /* queue_directory: the command's directory */
    const char *export_names; /* export_environment */
} SPAWN_CONFIG;

static SPAWN_CONFIG spawn_config;

/* spawn_parse_args - user= and argv= from master.cf */

static void spawn_parse_args(MAIL_SERVER *server, SPAWN_CONFIG *cfg)
{
    const char *user = NULL;
    VSTRING *why = vstring_alloc(100);
    uid_t uid, owner_uid;
    gid_t gid, owner_gid;
    size_t i;

    for (i = 0; i < server->args->argc; i++) {
        const char *arg = server->args->argv[i];

        if (strncmp(arg, "user=", 5) == 0) {
            user = arg + 5;
        } else if (strncmp(arg, "argv=", 5) == 0) {
            cfg->argv = argv_alloc(server->args->argc);
            argv_add(cfg->argv, arg + 5);
            for (i++; i < server->args->argc; i++)
                argv_add(cfg->argv, server->args->argv[i]);
            break;
        } else {
            msg_fatal("service %s: unknown attribute \"%s\"", server->service, arg);
        }
    }
    if (cfg->argv == NULL || *cfg->argv->argv[0] == 0)
        msg_fatal("service %s: missing argv= attribute", server->service);
    if (cfg->argv->argv[0][0] != '/')
        msg_fatal("service %s: argv=%s: the command needs an absolute path", server->service,
                  cfg->argv->argv[0]);
    if (user == NULL || *user == 0)
        msg_fatal("service %s: missing user= attribute", server->service);
    if (user_lookup(user, &uid, &gid, why) < 0)
        msg_fatal("service %s: user=%s: %s", server->service, user, vstring_str(why));
    if (uid == 0)
        msg_fatal("service %s: user=%s: the command may not run as root", server->service, user);
    if (geteuid() == 0) {
        const char *owner = config_get_str(server->config, VAR_MAIL_OWNER);

        if (user_lookup(owner, &owner_uid, &owner_gid, why) == 0 && owner_uid == uid)
            msg_fatal("service %s: user=%s: the command may not run as mail_owner", server->service,
                      user);
        cfg->uid = uid;
        cfg->gid = gid;
    } else if (uid != geteuid()) {
        msg_fatal("service %s: user=%s: running as uid %ld, cannot become that user",
                  server->service, user, (long)geteuid());
    }
    vstring_free(why);
}

/* spawn_pre_jail - read the attributes while the user database is reachable */

static void spawn_pre_jail(MAIL_SERVER *server)
{
    VSTRING *name = vstring_alloc(60);

    spawn_parse_args(server, &spawn_config);
    spawn_config.env = export_env(spawn_config.export_names);
    /* A service named like a parameter family has no time limit of its own. */
    vstring_sprintf(name, "%s_time_limit", server->service);
    spawn_config.time_limit = config_known_name(server->config, vstring_str(name))
                                  ? config_get_time(server->config, vstring_str(name))
                                  : spawn_config.default_limit;
    vstring_free(name);
}

/* spawn_report - how the command ended, when that is worth a warning */

static void spawn_report(const char *service, const char *command, int status)
{
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        msg_warn("service %s: command %s exit status %d", service, command, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        msg_warn("service %s: command %s killed by signal %d", service, command, WTERMSIG(status));
}

/* spawn_service - one connection, one command */

static void spawn_service(MAIL_SERVER *server, VSTREAM *client)
{
    int fd = vstream_fileno(client);
    VSTRING *why = vstring_alloc(100);
    SPAWN_PROPS props = {
        .argv = (const char *const *)spawn_config.argv->argv,
        .env = (const char *const *)spawn_config.env->argv,
        .stdin_fd = fd,
        .stdout_fd = fd,
        .stderr_fd = fd,
        .uid = spawn_config.uid,
        .gid = spawn_config.gid,
        .cwd = spawn_config.queue_dir,
    };
    pid_t pid;
    int status;

    if ((pid = spawn_command(&props, why)) < 0) {
        msg_warn("service %s: %s", server->service, vstring_str(why));
    } else if (spawn_wait(pid, spawn_config.time_limit * 1000, &status) < 0) {
        if (errno == ETIMEDOUT)
            msg_warn("service %s: command %s killed after %d seconds (%s_time_limit)",
                     server->service, spawn_config.argv->argv[0], spawn_config.time_limit,
                     server->service);
        else
            msg_warn("service %s: wait for command %s: %m", server->service,
                     spawn_config.argv->argv[0]);
    } else {
        spawn_report(server->service, spawn_config.argv->argv[0], status);
    }
    vstring_free(why);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_EXPORT_ENVIRONMENT, &spawn_config.export_names),
        CONFIG_BIND_STR(VAR_QUEUE_DIRECTORY, &spawn_config.queue_dir),
        CONFIG_BIND_TIME(VAR_COMMAND_TIME_LIMIT, &spawn_config.default_limit),
        CONFIG_BIND_END,
    };

    single_server_main(argc, argv, spawn_service,
                       &(MAIL_SERVER_PROPS){
                           .parameters = parameters,
                           .pre_jail = spawn_pre_jail,
                           .flags = MAIL_SERVER_FLAG_ROOT,
                       });
}
