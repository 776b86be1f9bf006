/*++
 * NAME
 *	tlsrpt_retry - what the deliveries of an unfinished report did
 * SYNOPSIS
 *	#include "tlsrpt.h"
 *
 *	int	tlsrpt_retry_read(const char *report_path,
 *				TLSRPT_RETRY *out_retry);
 *	int	tlsrpt_retry_write(const char *report_path,
 *				const TLSRPT_RETRY *retry);
 *	int	tlsrpt_retry_backoff(const TLSRPT_CONFIG *config, int attempts);
 *	HTABLE	*tlsrpt_retry_sent(const char *report_path);
 *	bool	tlsrpt_retry_sent_find(HTABLE *sent, const char *domain,
 *				const char *uri);
 *	int	tlsrpt_retry_sent_add(const char *report_path,
 *				const char *domain, const char *uri);
 *	void	tlsrpt_retry_remove(const char *report_path);
 *	int	tlsrpt_retry_companion(const char *name, time_t *out_start);
 * DESCRIPTION
 *	A period's file being reported (NAME.report, tlsrpt_spool(3)) has
 *	two companions in the spool directory while some of its
 *	deliveries are still to be tried again: NAME.sent, one line per
 *	delivery done ("domain TAB uri"), appended and synced at once, so
 *	that a report that went out is not sent again; and NAME.retry, one
 *	line "first attempts next" (the time of the first attempt, the
 *	number of attempts made, the time of the next), replaced as a whole
 *	through a rename.
 *
 *	tlsrpt_retry_read() reads NAME.retry of the report file
 *	report_path; it returns 0, or -1 when there is none (no attempt
 *	failed yet) or it is malformed. tlsrpt_retry_write() replaces it
 *	and returns 0, or -1 (logged).
 *
 *	tlsrpt_retry_backoff() returns the seconds to wait after the
 *	given number of failed attempts (1 or more):
 *	tlsrpt_minimal_backoff_time, doubled after each further attempt, at
 *	most tlsrpt_maximal_backoff_time.
 *
 *	tlsrpt_retry_sent() reads NAME.sent into a table (empty when there
 *	is no file), for tlsrpt_retry_sent_find(); htable_free(table, NULL)
 *	releases it. tlsrpt_retry_sent_add() appends one delivery and syncs
 *	the file; it returns 0, or -1 (logged).
 *
 *	tlsrpt_retry_remove() removes the report file and then its
 *	companions: a crash in between leaves companions without a report
 *	file, which tlsrpt_run(3) removes later (tlsrpt_retry_companion()),
 *	and never a report without the record of its deliveries.
 *
 *	tlsrpt_retry_companion() returns 1 when name (a directory entry) is
 *	a companion file (or the temporary file of NAME.retry that a crash
 *	left), with the start of its period, else 0.
 * DIAGNOSTICS
 *	Warnings: files that cannot be written or synced.
 * SEE ALSO
 *	tlsrpt(8), tlsrpt_run(3), tlsrpt_send(3)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "tlsrpt_spool.h"

/* Application-specific. */
#include "tlsrpt.h"

#define TLSRPT_RETRY_SENT  ".sent"  /* deliveries done */
#define TLSRPT_RETRY_STATE ".retry" /* the schedule */

/* tlsrpt_retry_path - a companion's path: NAME.report becomes NAME.suffix */

static const char *tlsrpt_retry_path(VSTRING *out, const char *report_path, const char *suffix)
{
    size_t len = strlen(report_path), rlen = strlen(TLSRPT_SPOOL_REPORT);

    if (len < rlen || strcmp(report_path + len - rlen, TLSRPT_SPOOL_REPORT) != 0)
        msg_panic("%s: not a report file: %s", __func__, report_path);
    vstring_strncpy(out, report_path, len - rlen);
    vstring_strcat(out, suffix);
    return vstring_str(out);
}

/* tlsrpt_retry_read - the schedule of a report's next attempt */

int tlsrpt_retry_read(const char *report_path, TLSRPT_RETRY *out_retry)
{
    VSTRING *path = vstring_alloc(100);
    long long first, next;
    int attempts, status = -1;
    FILE *fp;

    if ((fp = fopen(tlsrpt_retry_path(path, report_path, TLSRPT_RETRY_STATE), "r")) != NULL) {
        if (fscanf(fp, "%lld %d %lld", &first, &attempts, &next) == 3 && attempts > 0) {
            *out_retry = (TLSRPT_RETRY){.first = first, .attempts = attempts, .next = next};
            status = 0;
        }
        fclose(fp);
    }
    vstring_free(path);
    return status;
}

/* tlsrpt_retry_write - replace the schedule */

int tlsrpt_retry_write(const char *report_path, const TLSRPT_RETRY *retry)
{
    VSTRING *path = vstring_alloc(100), *tmp = vstring_alloc(100), *line = vstring_alloc(50);
    int fd, status = -1;

    tlsrpt_retry_path(path, report_path, TLSRPT_RETRY_STATE);
    vstring_sprintf(tmp, "%s.tmp", vstring_str(path));
    vstring_sprintf(line, "%lld %d %lld\n", (long long)retry->first, retry->attempts,
                    (long long)retry->next);
    if ((fd = open(vstring_str(tmp), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) <
            0 ||
        write(fd, vstring_str(line), VSTRING_LEN(line)) != (ssize_t)VSTRING_LEN(line) ||
        fsync(fd) < 0 || rename(vstring_str(tmp), vstring_str(path)) < 0)
        msg_warn("write %s: %m", vstring_str(path));
    else
        status = 0;
    if (fd >= 0)
        close(fd);
    if (status < 0)
        unlink(vstring_str(tmp));
    vstring_free(line);
    vstring_free(tmp);
    vstring_free(path);
    return status;
}

/* tlsrpt_retry_backoff - the wait after some failed attempts */

int tlsrpt_retry_backoff(const TLSRPT_CONFIG *config, int attempts)
{
    long long wait = config->minimal_backoff;

    for (int i = 1; i < attempts && wait < config->maximal_backoff; i++)
        wait *= 2;
    return (int)(wait < config->maximal_backoff ? wait : config->maximal_backoff);
}

/* tlsrpt_retry_key - the table key of one delivery */

static const char *tlsrpt_retry_key(VSTRING *out, const char *domain, const char *uri)
{
    vstring_sprintf(out, "%s\t%s", domain, uri);
    return vstring_str(out);
}

/* tlsrpt_retry_sent - the deliveries done */

HTABLE *tlsrpt_retry_sent(const char *report_path)
{
    HTABLE *sent = htable_create(10);
    VSTRING *path = vstring_alloc(100);
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    FILE *fp;

    if ((fp = fopen(tlsrpt_retry_path(path, report_path, TLSRPT_RETRY_SENT), "r")) != NULL) {
        /* A line without its newline was never completed: not done. */
        while ((len = getline(&line, &size, fp)) > 0) {
            if (line[len - 1] != '\n')
                continue;
            line[len - 1] = 0;
            if (htable_locate(sent, line) == NULL)
                htable_enter(sent, line, NULL);
        }
        fclose(fp);
    }
    free(line);
    vstring_free(path);
    return sent;
}

/* tlsrpt_retry_sent_find - was this delivery done? */

bool tlsrpt_retry_sent_find(HTABLE *sent, const char *domain, const char *uri)
{
    VSTRING *key = vstring_alloc(100);
    bool found = htable_locate(sent, tlsrpt_retry_key(key, domain, uri)) != NULL;

    vstring_free(key);
    return found;
}

/* tlsrpt_retry_sent_add - one delivery done */

int tlsrpt_retry_sent_add(const char *report_path, const char *domain, const char *uri)
{
    VSTRING *path = vstring_alloc(100), *line = vstring_alloc(100);
    int fd, status = -1;

    tlsrpt_retry_path(path, report_path, TLSRPT_RETRY_SENT);
    tlsrpt_retry_key(line, domain, uri);
    vstring_addch(line, '\n');
    if ((fd = open(vstring_str(path), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                   0600)) < 0 ||
        write(fd, vstring_str(line), VSTRING_LEN(line)) != (ssize_t)VSTRING_LEN(line) ||
        fdatasync(fd) < 0)
        msg_warn("write %s: %m", vstring_str(path));
    else
        status = 0;
    if (fd >= 0)
        close(fd);
    vstring_free(line);
    vstring_free(path);
    return status;
}

/* tlsrpt_retry_remove - a report is done with: its file, then its companions */

void tlsrpt_retry_remove(const char *report_path)
{
    VSTRING *path = vstring_alloc(100);

    if (unlink(report_path) < 0 && errno != ENOENT)
        msg_warn("remove %s: %m", report_path);
    tlsrpt_retry_path(path, report_path, TLSRPT_RETRY_SENT);
    if (unlink(vstring_str(path)) < 0 && errno != ENOENT)
        msg_warn("remove %s: %m", vstring_str(path));
    tlsrpt_retry_path(path, report_path, TLSRPT_RETRY_STATE);
    if (unlink(vstring_str(path)) < 0 && errno != ENOENT)
        msg_warn("remove %s: %m", vstring_str(path));
    vstring_free(path);
}

/* tlsrpt_retry_companion - is name NAME.sent or NAME.retry? */

int tlsrpt_retry_companion(const char *name, time_t *out_start)
{
    char base[TLSRPT_SPOOL_NAME_LEN + 1];
    const char *suffix = name + TLSRPT_SPOOL_NAME_LEN;

    if (strlen(name) <= TLSRPT_SPOOL_NAME_LEN ||
        (strcmp(suffix, TLSRPT_RETRY_SENT) != 0 && strcmp(suffix, TLSRPT_RETRY_STATE) != 0 &&
         strcmp(suffix, TLSRPT_RETRY_STATE ".tmp") != 0))
        return 0;
    memcpy(base, name, TLSRPT_SPOOL_NAME_LEN);
    base[TLSRPT_SPOOL_NAME_LEN] = 0;
    return tlsrpt_spool_parse_name(base, out_start) == 0;
}
