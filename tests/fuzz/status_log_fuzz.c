/*++
 * NAME
 *	status_log_fuzz - fuzz the bounce and defer logs as the bounce daemon reads them
 * SUMMARY
 *	libFuzzer harness for status_log(3)
 * DESCRIPTION
 *	The input is written as a defer log (defer/ID in a queue directory of
 *	the harness's own) and read back with status_log_open() and
 *	status_log_read(), as the bounce daemon reads it for a delay or
 *	failure report. Each entry read is appended to a bounce log with
 *	status_log_append(), which is read back in turn.
 *
 *	Properties: every entry read has a recipient, a status that
 *	status_log_status_ok() accepts and an action that
 *	status_log_action_ok() accepts; an entry read is written again
 *	(status_log_append() returns 0) and reads back with the same fields,
 *	one entry per entry; no memory error, leak or undefined behaviour.
 *
 *	Fatal errors: status_log(3) reports a malformed line with a warning
 *	and has no fatal reaction to a log's content, so a msg_fatal() is a
 *	finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	status_log(3), bounce(8), tests/fuzz/README
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "status_log.h"

#include "fuzz.h"

#define STATUS_FUZZ_ID  "4jjP3l6V0XzJDSb" /* the log that the input is */
#define STATUS_FUZZ_ID2 "4jjP3l6lZdzJDSh" /* the log that entries are written to */

struct status_log_job {
    const uint8_t *data; /* the log */
    size_t size;         /* its length */
};

/* A copy of an entry, since what status_log_read() returns changes. */
typedef struct STATUS_FUZZ_COPY {
    STATUS_LOG_ENTRY entry;
    char *strings[8];
} STATUS_FUZZ_COPY;

/* status_fuzz_dup - a copy of an optional string */

static char *status_fuzz_dup(const char *text)
{
    return text ? mystrdup(text) : NULL;
}

/* status_fuzz_copy - copy an entry */

static void status_fuzz_copy(STATUS_FUZZ_COPY *copy, const STATUS_LOG_ENTRY *entry)
{
    copy->entry = *entry;
    copy->entry.recipient = copy->strings[0] = status_fuzz_dup(entry->recipient);
    copy->entry.orig_rcpt = copy->strings[1] = status_fuzz_dup(entry->orig_rcpt);
    copy->entry.dsn_orcpt = copy->strings[2] = status_fuzz_dup(entry->dsn_orcpt);
    copy->entry.status = copy->strings[3] = status_fuzz_dup(entry->status);
    copy->entry.action = copy->strings[4] = status_fuzz_dup(entry->action);
    copy->entry.reason = copy->strings[5] = status_fuzz_dup(entry->reason);
    copy->entry.remote_mta = copy->strings[6] = status_fuzz_dup(entry->remote_mta);
    copy->entry.diag_code = copy->strings[7] = status_fuzz_dup(entry->diag_code);
}

/* status_fuzz_free - release a copy */

static void status_fuzz_free(STATUS_FUZZ_COPY *copy)
{
    for (int i = 0; i < 8; i++)
        if (copy->strings[i])
            myfree(copy->strings[i]);
}

/* status_fuzz_same_str - two optional strings are equal ("" as absent) */

static int status_fuzz_same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* status_fuzz_same - the fields survive a write and a read */

static int status_fuzz_same(const STATUS_LOG_ENTRY *a, const STATUS_LOG_ENTRY *b)
{
    return status_fuzz_same_str(a->recipient, b->recipient) &&
           status_fuzz_same_str(a->orig_rcpt, b->orig_rcpt) &&
           status_fuzz_same_str(a->dsn_orcpt, b->dsn_orcpt) &&
           status_fuzz_same_str(a->status, b->status) &&
           status_fuzz_same_str(a->action, b->action) &&
           status_fuzz_same_str(a->reason, b->reason) &&
           status_fuzz_same_str(a->remote_mta, b->remote_mta) &&
           status_fuzz_same_str(a->diag_code, b->diag_code) && a->dsn_notify == b->dsn_notify &&
           a->offset == b->offset && a->time == b->time;
}

/* status_fuzz_again - write one entry to a fresh log and read it back */

static void status_fuzz_again(const STATUS_LOG_ENTRY *entry)
{
    STATUS_LOG_ENTRY back;
    STATUS_LOG *log;

    (void)unlink("bounce/" STATUS_FUZZ_ID2);
    if (status_log_append("bounce", STATUS_FUZZ_ID2, entry) != 0)
        msg_panic("an entry that was read cannot be written: %s", entry->recipient);
    if ((log = status_log_open("bounce", STATUS_FUZZ_ID2)) == NULL)
        msg_panic("the log just written cannot be opened");
    if (status_log_read(log, &back) != 1)
        msg_panic("the entry just written does not read back: %s", entry->recipient);
    if (!status_fuzz_same(entry, &back))
        msg_panic("the entry reads back different: %s", entry->recipient);
    if (status_log_read(log, &back) != 0)
        msg_panic("one entry written, two read back");
    status_log_close(log);
}

/* status_log_run - read the log, check and rewrite each entry */

static void status_log_run(void *context)
{
    struct status_log_job *job = context;
    STATUS_LOG_ENTRY entry;
    STATUS_FUZZ_COPY copy;
    STATUS_LOG *log;
    FILE *fp;

    if ((fp = fopen("defer/" STATUS_FUZZ_ID, "w")) == NULL ||
        fwrite(job->data, 1, job->size, fp) != job->size || fclose(fp) != 0)
        msg_panic("cannot write the input log: %m");
    if ((log = status_log_open("defer", STATUS_FUZZ_ID)) == NULL)
        msg_panic("cannot open the input log: %m");
    while (status_log_read(log, &entry) == 1) {
        if (entry.recipient == NULL)
            msg_panic("entry without a recipient");
        if (entry.status == NULL || !status_log_status_ok(entry.status))
            msg_panic("entry with a malformed status");
        if (entry.action == NULL || !status_log_action_ok(entry.action))
            msg_panic("entry with an unknown action");
        status_fuzz_copy(&copy, &entry);
        status_fuzz_again(&copy.entry);
        status_fuzz_free(&copy);
    }
    status_log_close(log);
}

/* status_log_chdir - work in a queue directory of our own, once */

static void status_log_chdir(void)
{
    static int done;
    const char *path;
    char dir[4096];

    if (done)
        return;
    done = 1;
    path = fuzz_tempfile("main.cf", "", 0);
    snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
    if (chdir(dir) != 0 || mkdir("defer", 0700) != 0 || mkdir("bounce", 0700) != 0) {
        perror(dir);
        abort();
    }
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct status_log_job job = {data, size};

    fuzz_init("status_log_fuzz");
    status_log_chdir();
    fuzz_call(status_log_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
