/*++
 * NAME
 *	status_log - per-message delivery status logs (bounce, defer, trace)
 * SYNOPSIS
 *	#include <status_log.h>
 *
 *	int	status_log_append(const char *log_queue, const char *id,
 *				const STATUS_LOG_ENTRY *entry);
 *	STATUS_LOG *status_log_open(const char *log_queue, const char *id);
 *	int	status_log_read(STATUS_LOG *log, STATUS_LOG_ENTRY *out_entry);
 *	STATUS_LOG *status_log_close(STATUS_LOG *log);
 *	int	status_log_status_ok(const char *status);
 *	int	status_log_action_ok(const char *action);
 * DESCRIPTION
 *	A status log is the file log_queue/id, where log_queue is bounce
 *	(recipients that failed), defer (recipients that were delayed) or
 *	trace (delivery reports), relative to the current directory (the
 *	queue_directory). It holds one line per recipient event:
 *
 *		name=value name=value ...
 *
 *	with the fields recipient, orig_rcpt, dsn_orcpt, notify, offset,
 *	status, action, time, remote_mta, diag_code and reason (optional
 *	ones are left out). Every value is xtext (RFC 3461), so a value
 *	never holds a space, a newline or a bare '='; remote reply text
 *	cannot break the format. Readers skip names they do not know.
 *
 *	status_log_append() appends one entry. It takes an exclusive lock,
 *	ends a line that an earlier writer left unfinished, writes the line
 *	with one write(), fsyncs the file and, when it created the file,
 *	the directory. When it returns 0 the entry survives a crash, so a
 *	caller may then mark the recipient done in the queue file. It
 *	returns -1 with a warning when the entry lacks a recipient, has a
 *	malformed status or an unknown action, or the file cannot be
 *	written.
 *
 *	status_log_open() opens a log for reading under a shared lock; it
 *	returns NULL with errno set (ENOENT: no such log).
 *	status_log_read() fills in the next entry and returns 1, or returns
 *	0 at the end. The strings belong to the log and change with the
 *	next call. Malformed lines are skipped with a warning, and an
 *	unfinished last line (from a writer that crashed) is ignored.
 *	status_log_close() closes the log and returns NULL.
 *
 *	status_log_status_ok() accepts an RFC 3463 status code: class 2, 4
 *	or 5, then subject and detail of one to three digits.
 *	status_log_action_ok() accepts the RFC 3464 actions.
 * DIAGNOSTICS
 *	Panic: a log_queue other than bounce, defer or trace; a malformed
 *	queue ID. Warnings: as above, naming the file and line.
 * SEE ALSO
 *	xtext(3), mail_queue(3), README_FILES/QUEUE_README.
 *--*/

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_queue.h"
#include "rec_type.h"
#include "status_log.h"
#include "xtext.h"

/* The fields of a log line, in the order they are written. */
enum status_log_field {
    STATUS_LOG_RECIPIENT,
    STATUS_LOG_ORIG_RCPT,
    STATUS_LOG_DSN_ORCPT,
    STATUS_LOG_NOTIFY,
    STATUS_LOG_OFFSET,
    STATUS_LOG_STATUS,
    STATUS_LOG_ACTION,
    STATUS_LOG_TIME,
    STATUS_LOG_REMOTE_MTA,
    STATUS_LOG_DIAG_CODE,
    STATUS_LOG_REASON,
    STATUS_LOG_FIELDS,
};

static const char *const status_log_names[STATUS_LOG_FIELDS] = {
    [STATUS_LOG_RECIPIENT] = "recipient",   [STATUS_LOG_ORIG_RCPT] = "orig_rcpt",
    [STATUS_LOG_DSN_ORCPT] = "dsn_orcpt",   [STATUS_LOG_NOTIFY] = "notify",
    [STATUS_LOG_OFFSET] = "offset",         [STATUS_LOG_STATUS] = "status",
    [STATUS_LOG_ACTION] = "action",         [STATUS_LOG_TIME] = "time",
    [STATUS_LOG_REMOTE_MTA] = "remote_mta", [STATUS_LOG_DIAG_CODE] = "diag_code",
    [STATUS_LOG_REASON] = "reason",
};

/* RFC 3464 action values. */
static const char *const status_log_actions[] = {
    "failed", "delayed", "delivered", "relayed", "expanded",
};

struct STATUS_LOG {
    VSTREAM *stream;                    /* reader, owns the descriptor */
    char *path;                         /* for warnings, owned */
    long long lineno;                   /* of the last line read */
    VSTRING *line;                      /* the last line, owned */
    VSTRING *values[STATUS_LOG_FIELDS]; /* decoded values, owned */
    bool present[STATUS_LOG_FIELDS];    /* which fields the line had */
};

/* status_log_status_ok - is this an RFC 3463 status code */

int status_log_status_ok(const char *status)
{
    const char *cp = status;

    if (status == NULL || (*cp != '2' && *cp != '4' && *cp != '5') || cp[1] != '.')
        return 0;
    cp += 2;
    for (int part = 0; part < 2; part++) {
        size_t digits = strspn(cp, "0123456789");

        if (digits < 1 || digits > 3)
            return 0;
        cp += digits;
        if (part == 0 && *cp++ != '.')
            return 0;
    }
    return *cp == 0;
}

/* status_log_action_ok - is this an RFC 3464 action */

int status_log_action_ok(const char *action)
{
    for (size_t i = 0; action && i < sizeof(status_log_actions) / sizeof(*status_log_actions); i++)
        if (strcmp(action, status_log_actions[i]) == 0)
            return 1;
    return 0;
}

/* status_log_path - check the log name and format the path */

static const char *status_log_path(VSTRING *buf, const char *caller, const char *log_queue,
                                   const char *id)
{
    if (strcmp(log_queue, MAIL_QUEUE_BOUNCE) != 0 && strcmp(log_queue, MAIL_QUEUE_DEFER) != 0 &&
        strcmp(log_queue, MAIL_QUEUE_TRACE) != 0)
        msg_panic("%s: not a status log queue: \"%s\"", caller, log_queue);
    return mail_queue_path(buf, log_queue, id);
}

/* status_log_add - append one "name=xtext" field */

static void status_log_add(VSTRING *line, enum status_log_field field, const char *value)
{
    if (value == NULL)
        return;
    if (VSTRING_LEN(line) > 0)
        vstring_addch(line, ' ');
    vstring_sprintf_append(line, "%s=", status_log_names[field]);
    xtext_quote_append(line, value, strlen(value));
}

/* status_log_format - one entry as a line */

static void status_log_format(VSTRING *line, const STATUS_LOG_ENTRY *entry)
{
    char notify[20], offset[30], when[30];

    snprintf(notify, sizeof(notify), "%d", entry->dsn_notify);
    snprintf(offset, sizeof(offset), "%lld", entry->offset);
    snprintf(when, sizeof(when), "%lld", entry->time);
    VSTRING_RESET(line);
    status_log_add(line, STATUS_LOG_RECIPIENT, entry->recipient);
    status_log_add(line, STATUS_LOG_ORIG_RCPT, entry->orig_rcpt);
    status_log_add(line, STATUS_LOG_DSN_ORCPT, entry->dsn_orcpt);
    status_log_add(line, STATUS_LOG_NOTIFY, entry->dsn_notify ? notify : NULL);
    status_log_add(line, STATUS_LOG_OFFSET, entry->offset >= 0 ? offset : NULL);
    status_log_add(line, STATUS_LOG_STATUS, entry->status);
    status_log_add(line, STATUS_LOG_ACTION, entry->action);
    status_log_add(line, STATUS_LOG_TIME, when);
    status_log_add(line, STATUS_LOG_REMOTE_MTA, entry->remote_mta);
    status_log_add(line, STATUS_LOG_DIAG_CODE, entry->diag_code);
    status_log_add(line, STATUS_LOG_REASON, entry->reason);
    vstring_addch(line, '\n');
}

/* status_log_open_append - open for appending; tell whether it was created */

static int status_log_open_append(const char *path, bool *out_created)
{
    int fd;

    for (int tries = 0; tries < 3; tries++) {
        if ((fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) >= 0) {
            *out_created = false;
            return fd;
        }
        if (errno != ENOENT)
            return -1;
        fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
                  0600);
        if (fd >= 0) {
            *out_created = true;
            return fd;
        }
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

/* status_log_regular - refuse anything but a regular file */

static int status_log_regular(int fd)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return -1;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* status_log_write_all - write every byte */

static int status_log_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= n;
    }
    return 0;
}

/* status_log_write - lock, end an unfinished line, write, fsync */

static int status_log_write(int fd, const VSTRING *line)
{
    struct stat st;
    char last = '\n';

    if (status_log_regular(fd) < 0 || flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0)
        return -1;
    if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1)
        return -1;
    /* A writer that died mid-line left no newline: end its line first. */
    if (last != '\n' && status_log_write_all(fd, "\n", 1) < 0)
        return -1;
    if (status_log_write_all(fd, vstring_str(line), VSTRING_LEN(line)) < 0)
        return -1;
    return fsync(fd);
}

/* status_log_append - append one entry durably */

int status_log_append(const char *log_queue, const char *id, const STATUS_LOG_ENTRY *entry)
{
    VSTRING *path = vstring_alloc(40);
    VSTRING *line = vstring_alloc(200);
    bool created = false;
    int fd;
    int ret = -1;

    status_log_path(path, __func__, log_queue, id);
    if (entry->recipient == NULL || !status_log_status_ok(entry->status) ||
        !status_log_action_ok(entry->action)) {
        msg_warn("%s: %s: bad entry: recipient %s, status %s, action %s", __func__, id,
                 entry->recipient ? entry->recipient : "(none)",
                 entry->status ? entry->status : "(none)",
                 entry->action ? entry->action : "(none)");
        errno = EINVAL;
    } else if ((fd = status_log_open_append(vstring_str(path), &created)) < 0) {
        msg_warn("%s: open %s: %m", id, vstring_str(path));
    } else {
        status_log_format(line, entry);
        ret = status_log_write(fd, line);
        if (ret == 0 && created && mail_queue_sync_dir(log_queue) < 0)
            ret = -1;
        if (ret < 0)
            msg_warn("%s: append to %s: %m", id, vstring_str(path));
        close(fd);
    }
    vstring_free(path);
    vstring_free(line);
    return ret < 0 ? -1 : 0;
}

/* status_log_open - open a log for reading */

STATUS_LOG *status_log_open(const char *log_queue, const char *id)
{
    VSTRING *path = vstring_alloc(40);
    STATUS_LOG *log;
    int fd;

    status_log_path(path, __func__, log_queue, id);
    if ((fd = open(vstring_str(path), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0 ||
        status_log_regular(fd) < 0 || flock(fd, LOCK_SH) < 0) {
        int saved_errno = errno;

        if (fd >= 0)
            close(fd);
        vstring_free(path);
        errno = saved_errno;
        return NULL;
    }
    log = mycalloc(1, sizeof(*log));
    log->stream = vstream_fdopen(fd, VSTREAM_FLAG_READ);
    log->path = vstring_export(path);
    log->line = vstring_alloc(200);
    for (int i = 0; i < STATUS_LOG_FIELDS; i++)
        log->values[i] = vstring_alloc(20);
    return log;
}

/* status_log_field - find a field by name */

static int status_log_field(const char *name, size_t len)
{
    for (int i = 0; i < STATUS_LOG_FIELDS; i++)
        if (strlen(status_log_names[i]) == len && memcmp(status_log_names[i], name, len) == 0)
            return i;
    return -1;
}

/* status_log_number - parse a decimal field; -1 when absent or bad */

static long long status_log_number(STATUS_LOG *log, enum status_log_field field)
{
    const char *value = vstring_str(log->values[field]);
    char *end;
    long long number;

    if (!log->present[field] || *value < '0' || *value > '9')
        return -1;
    errno = 0;
    number = strtoll(value, &end, 10);
    return *end || errno ? -1 : number;
}

/* status_log_parse - split a line into decoded fields; NULL or a problem */

static const char *status_log_parse(STATUS_LOG *log)
{
    char *cp = vstring_str(log->line);
    char *end = vstring_end(log->line) - 1; /* the newline */

    memset(log->present, 0, sizeof(log->present));
    while (cp < end) {
        char *sp = memchr(cp, ' ', end - cp);
        char *eq;
        int field;

        if (sp == NULL)
            sp = end;
        if ((eq = memchr(cp, '=', sp - cp)) == NULL || eq == cp)
            return "field without a name=value form";
        if ((field = status_log_field(cp, eq - cp)) >= 0) {
            if (log->present[field])
                return "repeated field";
            if (xtext_unquote(log->values[field], eq + 1, sp - eq - 1) < 0 ||
                strlen(vstring_str(log->values[field])) != VSTRING_LEN(log->values[field]))
                return "malformed value";
            log->present[field] = true;
        }
        cp = sp + 1;
    }
    return NULL;
}

/* status_log_value - a decoded field, or NULL when the line lacked it */

static const char *status_log_value(STATUS_LOG *log, enum status_log_field field)
{
    return log->present[field] ? vstring_str(log->values[field]) : NULL;
}

/* status_log_entry - fill in an entry from the parsed fields; NULL or a problem */

static const char *status_log_entry(STATUS_LOG *log, STATUS_LOG_ENTRY *entry)
{
    long long notify = status_log_number(log, STATUS_LOG_NOTIFY);

    *entry = (STATUS_LOG_ENTRY){
        .recipient = status_log_value(log, STATUS_LOG_RECIPIENT),
        .orig_rcpt = status_log_value(log, STATUS_LOG_ORIG_RCPT),
        .dsn_orcpt = status_log_value(log, STATUS_LOG_DSN_ORCPT),
        .dsn_notify = notify > 0 && notify <= REC_NOTIFY_MASK ? (int)notify : 0,
        .offset = status_log_number(log, STATUS_LOG_OFFSET),
        .status = status_log_value(log, STATUS_LOG_STATUS),
        .action = status_log_value(log, STATUS_LOG_ACTION),
        .reason = status_log_value(log, STATUS_LOG_REASON),
        .remote_mta = status_log_value(log, STATUS_LOG_REMOTE_MTA),
        .diag_code = status_log_value(log, STATUS_LOG_DIAG_CODE),
        .time = status_log_number(log, STATUS_LOG_TIME),
    };
    if (entry->recipient == NULL)
        return "no recipient";
    if (!status_log_status_ok(entry->status))
        return "missing or malformed status";
    if (!status_log_action_ok(entry->action))
        return "missing or unknown action";
    if (log->present[STATUS_LOG_NOTIFY] && entry->dsn_notify == 0)
        return "malformed notify";
    return NULL;
}

/* status_log_skip_line - discard the rest of an over-long line */

static void status_log_skip_line(STATUS_LOG *log)
{
    int ret;

    do {
        ret = vstream_gets(log->stream, log->line, STATUS_LOG_LINE_LIMIT);
    } while (ret != '\n' && ret != VSTREAM_EOF && VSTRING_LEN(log->line) == STATUS_LOG_LINE_LIMIT);
}

/* status_log_read - the next well-formed entry */

int status_log_read(STATUS_LOG *log, STATUS_LOG_ENTRY *out_entry)
{
    const char *problem;
    int ret;

    for (;;) {
        ret = vstream_gets(log->stream, log->line, STATUS_LOG_LINE_LIMIT);
        if (ret == VSTREAM_EOF)
            return 0;
        log->lineno++;
        if (ret != '\n') {
            if (VSTRING_LEN(log->line) < STATUS_LOG_LINE_LIMIT) {
                msg_warn("%s: line %lld: ignoring an unfinished last line", log->path, log->lineno);
                return 0;
            }
            msg_warn("%s: line %lld: line longer than %d bytes", log->path, log->lineno,
                     STATUS_LOG_LINE_LIMIT);
            status_log_skip_line(log);
            continue;
        }
        if ((problem = status_log_parse(log)) == NULL &&
            (problem = status_log_entry(log, out_entry)) == NULL)
            return 1;
        msg_warn("%s: line %lld: %s", log->path, log->lineno, problem);
    }
}

/* status_log_close - close a log */

STATUS_LOG *status_log_close(STATUS_LOG *log)
{
    vstream_close(log->stream);
    myfree(log->path);
    vstring_free(log->line);
    for (int i = 0; i < STATUS_LOG_FIELDS; i++)
        vstring_free(log->values[i]);
    myfree(log);
    return NULL;
}
