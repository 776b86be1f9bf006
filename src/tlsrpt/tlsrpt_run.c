/*++
 * NAME
 *	tlsrpt_run - report each finished period, in a child process
 * SYNOPSIS
 *	#include "tlsrpt.h"
 *
 *	void	tlsrpt_run_start(MAIL_SERVER *server,
 *				const TLSRPT_CONFIG *config);
 * DESCRIPTION
 *	tlsrpt_run_start() sets a timer that fires now, one second after
 *	the end of each report period, and when a report is due to be
 *	tried again. Each time, the spool files of periods that have ended
 *	(tlsrpt_spool(3)) are renamed to NAME.report, and a child process
 *	reports those and the NAME.report files that are due again, one by
 *	one (tlsrpt_send(3)). When every delivery of a file is done, the
 *	file goes. When some failed, it stays, with the time of the next
 *	attempt (tlsrpt_retry(3)): after tlsrpt_minimal_backoff_time,
 *	doubled after each failed attempt up to tlsrpt_maximal_backoff_time,
 *	for as long as tlsrpt_report_retry_time after the first attempt
 *	(RFC 8460 section 5.4); an attempt after which the next would come
 *	too late is the last, and what still fails then is given up (logged).
 *	A delivery that succeeded is never made again. A file that could
 *	not be read is tried again on the same schedule, and kept; a child
 *	that failed leaves its files to the next period's end. The collector goes on receiving records meanwhile; while a
 *	child runs, no second one starts.
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
#include <sys/stat.h>
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

/* tlsrpt_run_due - is a file being reported due now? If not, note when */

static bool tlsrpt_run_due(const char *path, time_t now, time_t *next_due)
{
    TLSRPT_RETRY retry;

    if (tlsrpt_retry_read(path, &retry) < 0 || retry.next <= now)
        return true;
    if (*next_due == 0 || retry.next < *next_due)
        *next_due = retry.next;
    return false;
}

/* tlsrpt_run_orphan - remove a companion file whose report file is gone */

static void tlsrpt_run_orphan(const char *dir, const char *name, VSTRING *buf)
{
    struct stat st;

    vstring_sprintf(buf, "%s/%.*s%s", dir, TLSRPT_SPOOL_NAME_LEN, name, TLSRPT_SPOOL_REPORT);
    if (stat(vstring_str(buf), &st) == 0 || errno != ENOENT)
        return;
    vstring_sprintf(buf, "%s/%s", dir, name);
    if (unlink(vstring_str(buf)) < 0 && errno != ENOENT)
        msg_warn("remove %s: %m", vstring_str(buf));
}

/* tlsrpt_run_files - the files to report now, renamed to NAME.report */

static ARGV *tlsrpt_run_files(time_t now, time_t *next_due)
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
        if (tlsrpt_retry_companion(dp->d_name, &start)) {
            tlsrpt_run_orphan(config->spool_dir, dp->d_name, from);
            continue;
        }
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
        } else if (tlsrpt_run_due(vstring_str(from), now, next_due)) {
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
    const TLSRPT_CONFIG *config = tlsrpt_run_config;
    TLSRPT_RETRY retry;
    time_t start, now;
    bool final;

    for (size_t i = 0; i < files->argc; i++) {
        const char *path = files->argv[i], *name = strrchr(path, '/');

        if (tlsrpt_spool_parse_name(name ? name + 1 : path, &start) < 0)
            continue;
        now = time(NULL);
        if (tlsrpt_retry_read(path, &retry) < 0)
            retry = (TLSRPT_RETRY){.first = now};
        retry.attempts++;
        retry.next = now + tlsrpt_retry_backoff(config, retry.attempts);
        final = retry.next > retry.first + config->retry_time;
        switch (tlsrpt_send_period(config, path, start, retry.attempts, final)) {
        case TLSRPT_SEND_DONE:
            tlsrpt_retry_remove(path);
            break;
        case TLSRPT_SEND_PENDING:
            /* A schedule that cannot be written means one attempt more. */
            if (final)
                tlsrpt_retry_remove(path);
            else
                tlsrpt_retry_write(path, &retry);
            break;
        default:
            /* Unreadable: look again later, and never give the file up unread. */
            if (final)
                retry.next = now + config->maximal_backoff;
            tlsrpt_retry_write(path, &retry);
            break;
        }
    }
    _exit(0);
}

/* tlsrpt_run_delay - milliseconds until one second after the current period, or a retry */

static int tlsrpt_run_delay(time_t now, time_t next_due)
{
    int interval = tlsrpt_run_config->report_interval;
    time_t next = tlsrpt_spool_period(now, interval) + interval + 1;

    if (next_due > 0 && next_due < next)
        next = next_due > now ? next_due : now;
    return (int)(next - now > 86400 ? 86400 : next - now) * 1000;
}

/* tlsrpt_run_event - the timer: reap, look, fork */

static void tlsrpt_run_event(EVENT_LOOP *loop, void *context)
{
    time_t now = time(NULL), next_due = 0;
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
        if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            /* Its retries are scheduled: look again soon (not at once: never a busy loop). */
            event_timer_add(loop, 1000, tlsrpt_run_event, context);
        } else {
            /* What it left is tried again at the next period's end, not at once. */
            event_timer_add(loop, tlsrpt_run_delay(now, 0), tlsrpt_run_event, context);
        }
        return;
    }
    files = tlsrpt_run_files(now, &next_due);
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
    event_timer_add(loop, tlsrpt_run_delay(now, next_due), tlsrpt_run_event, context);
}

/* tlsrpt_run_start - the first look now */

void tlsrpt_run_start(MAIL_SERVER *server, const TLSRPT_CONFIG *config)
{
    tlsrpt_run_config = config;
    event_timer_add(server->loop, 0, tlsrpt_run_event, NULL);
}
