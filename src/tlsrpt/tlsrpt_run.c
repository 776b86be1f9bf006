/*++
 * NAME
 *	tlsrpt_run - report each finished period, in a child process
 * SYNOPSIS
 *	#include "tlsrpt.h"
 *
 *	void	tlsrpt_run_start(MAIL_SERVER *server,
 *				const TLSRPT_CONFIG *config);
 * DESCRIPTION
 *	tlsrpt_run_start() sets a timer that fires now and then one second
 *	after the end of each report period. Each time, the spool files
 *	of periods that have ended (tlsrpt_spool(3)), and those whose
 *	report an earlier run left unfinished, are renamed to NAME.report
 *	and a child process reports them one by one (tlsrpt_send(3)) and
 *	removes each file that it could read, whatever became of its
 *	deliveries (each is logged), so that a report goes out once. A
 *	file that it could not read (or a child that failed) waits for
 *	the next look at the end of the next period. The
 *	collector goes on receiving records meanwhile; while a child runs,
 *	no second one starts.
 * DIAGNOSTICS
 *	Warnings: a spool directory that cannot be read, a child that
 *	cannot be made or that fails.
 * SEE ALSO
 *	tlsrpt(8), tlsrpt_send(3)
 *--*/

/* System library. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "events.h"
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "mail_server.h"
#include "tlsrpt_spool.h"

/* Application-specific. */
#include "tlsrpt.h"

static const TLSRPT_CONFIG *tlsrpt_run_config; /* not owned */
static pid_t tlsrpt_run_child;                 /* the reporting child, or 0 */

/* tlsrpt_run_files - the files to report now, renamed to NAME.report */

static ARGV *tlsrpt_run_files(time_t now)
{
    const TLSRPT_CONFIG *config = tlsrpt_run_config;
    ARGV *files = argv_alloc(4);
    VSTRING *from = vstring_alloc(100), *to = vstring_alloc(100);
    struct dirent *dp;
    time_t start;
    DIR *dir;

    if ((dir = opendir(config->spool_dir)) == NULL) {
        msg_warn("open directory %s: %m", config->spool_dir);
        vstring_free(from);
        vstring_free(to);
        return files;
    }
    while ((dp = readdir(dir)) != NULL) {
        if (tlsrpt_spool_parse_name(dp->d_name, &start) < 0)
            continue;
        vstring_sprintf(from, "%s/%s", config->spool_dir, dp->d_name);
        if (strlen(dp->d_name) == TLSRPT_SPOOL_NAME_LEN) {
            if (start + config->report_interval > now)
                continue; /* the period goes on */
            vstring_sprintf(to, "%s%s", vstring_str(from), TLSRPT_SPOOL_REPORT);
            if (rename(vstring_str(from), vstring_str(to)) < 0) {
                msg_warn("rename %s to %s: %m", vstring_str(from), vstring_str(to));
                continue;
            }
            argv_add(files, vstring_str(to));
        } else {
            argv_add(files, vstring_str(from));
        }
    }
    closedir(dir);
    vstring_free(from);
    vstring_free(to);
    return files;
}

/* tlsrpt_run_child_main - report each file, then exit */

static _Noreturn void tlsrpt_run_child_main(ARGV *files)
{
    time_t start;

    for (size_t i = 0; i < files->argc; i++) {
        const char *path = files->argv[i], *name = strrchr(path, '/');

        if (tlsrpt_spool_parse_name(name ? name + 1 : path, &start) < 0)
            continue;
        if (tlsrpt_send_period(tlsrpt_run_config, path, start) == 0 && unlink(path) < 0)
            msg_warn("remove %s: %m", path);
    }
    _exit(0);
}

/* tlsrpt_run_delay - milliseconds until one second after the current period */

static int tlsrpt_run_delay(time_t now)
{
    int interval = tlsrpt_run_config->report_interval;
    time_t next = tlsrpt_spool_period(now, interval) + interval + 1;

    return (int)(next - now > 86400 ? 86400 : next - now) * 1000;
}

/* tlsrpt_run_event - the timer: reap, look, fork */

static void tlsrpt_run_event(EVENT_LOOP *loop, void *context)
{
    time_t now = time(NULL);
    ARGV *files;
    int status;
    pid_t pid;

    if (tlsrpt_run_child > 0) {
        if ((pid = waitpid(tlsrpt_run_child, &status, WNOHANG)) == 0) {
            event_timer_add(loop, 1000, tlsrpt_run_event, context);
            return;
        }
        if (pid > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
            msg_warn("TLSRPT report process %ld failed (status 0x%x)", (long)pid, status);
        tlsrpt_run_child = 0;
        /* What it left is tried again at the next period's end, not at once. */
        event_timer_add(loop, tlsrpt_run_delay(now), tlsrpt_run_event, context);
        return;
    }
    files = tlsrpt_run_files(now);
    if (files->argc > 0) {
        if ((pid = fork()) < 0) {
            msg_warn("fork: %m: TLSRPT reports wait");
        } else if (pid == 0) {
            tlsrpt_run_child_main(files);
        } else {
            tlsrpt_run_child = pid;
            /* Reap it soon; the next look is then due at the period's end. */
            event_timer_add(loop, 1000, tlsrpt_run_event, context);
            argv_free(files);
            return;
        }
    }
    argv_free(files);
    event_timer_add(loop, tlsrpt_run_delay(now), tlsrpt_run_event, context);
}

/* tlsrpt_run_start - the first look now */

void tlsrpt_run_start(MAIL_SERVER *server, const TLSRPT_CONFIG *config)
{
    tlsrpt_run_config = config;
    event_timer_add(server->loop, 0, tlsrpt_run_event, NULL);
}
