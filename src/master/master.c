/*++
 * NAME
 *	master - the process manager of the mail system
 * SYNOPSIS
 *	master [-c config_dir] [-d] [-t] [-v] [-w]
 * DESCRIPTION
 *	master reads main.cf and master.cf, opens the listener of every
 *	service, and starts service processes on demand (see master_avail(3)
 *	and master_spawn(3)). It runs in the queue directory, holds the lock
 *	of pid/master.pid for as long as it runs, and reacts to signals
 *	(master_sig(3)). Unless -d is given it detaches (daemon(3)).
 *
 *	Options:
 *
 *	-c config_dir	read main.cf and master.cf from config_dir; children
 *			learn it through MAIL_CONFIG.
 *	-d		stay in the foreground, keep standard error.
 *	-t		test: exit 0 when no master runs for this queue
 *			directory, 1 when one does.
 *	-v		verbose logging, passed on to every child.
 *	-w		wait until the detached master has finished starting,
 *			and exit 0 only if it did (postfix start uses this).
 *
 *	Before it starts the services, master rebuilds the environment:
 *	only the import_environment variables stay, and MAIL_CONFIG names
 *	the configuration directory.
 * DIAGNOSTICS
 *	"daemon started -- version V, configuration DIR". Fatal errors at
 *	start-up go to standard error and to the log: a bad main.cf or
 *	master.cf, a listener that cannot be opened, another master on the
 *	same queue directory.
 * SEE ALSO
 *	master(8), master(5), postfix(1), mail_server(3)
 *--*/

/* System library. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Utility library. */
#include "daemon.h"
#include "msg.h"
#include "mymalloc.h"
#include "pid_file.h"

/* Global library. */
#include "maillog.h"
#include "master_pid.h"

/* Master daemon. */
#include "master.h"

MASTER master;

/* master_usage - complain about the command line */

static _Noreturn void master_usage(void)
{
    msg_fatal("usage: master [-c config_dir] [-d] [-t] [-v] [-w]");
}

/* master_env_init - keep only the import_environment variables */

static void master_env_init(void)
{
    ARGV *names = config_get_list(master.config, VAR_IMPORT_ENVIRONMENT);
    ARGV *keep = argv_alloc(names->argc + 1);
    VSTRING *buf = vstring_alloc(100);
    const char *value;

    for (size_t i = 0; i < names->argc; i++) {
        if (strchr(names->argv[i], '=') != NULL) {
            argv_add(keep, names->argv[i]);
        } else if ((value = getenv(names->argv[i])) != NULL) {
            vstring_sprintf(buf, "%s=%s", names->argv[i], value);
            argv_add(keep, vstring_str(buf));
        }
    }
    clearenv();
    for (size_t i = 0; i < keep->argc; i++) {
        char *eq = strchr(keep->argv[i], '=');

        *eq = 0;
        setenv(keep->argv[i], eq + 1, 1);
    }
    setenv(CONFIG_DIR_ENV, master.config_dir, 1);
    argv_free(names);
    argv_free(keep);
    vstring_free(buf);
}

/* master_owner_init - who the services run as */

static void master_owner_init(void)
{
    VSTRING *why = vstring_alloc(100);
    struct passwd *pw;

    if (geteuid() == 0) {
        if (mail_owner_lookup(master.config, &master.owner, why) < 0)
            msg_fatal("%s", vstring_str(why));
        master.have_owner = true;
    } else {
        pw = getpwuid(geteuid());
        msg_info("running as user %s (uid %ld), not root: every service runs as this user and "
                 "privilege drop and chroot are skipped",
                 pw ? pw->pw_name : "unknown", (long)geteuid());
    }
    vstring_free(why);
}

/* master_init - read the configuration, before any process is started */

static void master_init(const char *config_dir, bool test)
{
    VSTRING *why = vstring_alloc(100);

    master.config = config_startup(config_dir, NULL, "master");
    master_config_bind(master.config);
    master.config_dir = mystrdup(config_directory(master.config));
    master.queue_dir = mystrdup(config_get_str(master.config, VAR_QUEUE_DIRECTORY));
    if (test)
        exit(master_pid_check(master.config, NULL, why) == 1 ? 1 : 0);
    if (maillog_init(master.config, "master", why) < 0)
        msg_fatal("%s", vstring_str(why));
    if (chdir(master.queue_dir) < 0)
        msg_fatal("chdir %s: %m", master.queue_dir);
    vstring_free(why);
}

/* main - start the mail system */

int main(int argc, char **argv)
{
    const char *config_dir = NULL;
    bool debug = false, test = false, wait = false;
    VSTRING *why = vstring_alloc(100);
    VSTRING *path = vstring_alloc(100);
    int ch;

    msg_init("master");
    if (daemon_stdio_fill() < 0)
        msg_fatal("open /dev/null: %m");
    umask(022);
    while ((ch = getopt(argc, argv, "c:dtvw")) != -1) {
        switch (ch) {
        case 'c':
            config_dir = optarg;
            break;
        case 'd':
            debug = true;
            break;
        case 't':
            test = true;
            break;
        case 'v':
            msg_verbose++;
            break;
        case 'w':
            wait = true;
            break;
        default:
            master_usage();
        }
    }
    if (optind != argc)
        master_usage();
    master_init(config_dir, test);
    master_owner_init();
    if (!debug && daemon_detach(wait ? DAEMON_FLAG_WAIT : 0, why) < 0)
        msg_fatal("%s", vstring_str(why));
    /* After the fork: the lock belongs to the process that lives on. */
    if (pid_file_open(master_pid_path(master.config, path), why) < 0)
        msg_fatal("%s", vstring_str(why));
    master_env_init();
    master.loop = event_loop_create();
    master.procs = htable_create(100);
    master_sig_init();
    master_config_start();
    if (!debug) {
        daemon_ready();
        msg_stderr_enable(0);
    }
    msg_info("daemon started -- version %s, configuration %s", master.settings.mail_version,
             master.config_dir);
    vstring_free(why);
    vstring_free(path);
    event_loop_run(master.loop);
    return 0;
}
