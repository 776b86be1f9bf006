/*++
 * NAME
 *	queue_file - write a new queue file and commit it durably
 * SYNOPSIS
 *	#include <queue_file.h>
 *
 *	QUEUE_FILE *queue_file_create(const char *queue);
 *	QUEUE_FILE *queue_file_create_mode(const char *queue, mode_t mode);
 *	const char *queue_file_id(const QUEUE_FILE *qf);
 *	void	queue_file_set_arrival(QUEUE_FILE *qf,
 *				const struct timeval *arrival);
 *	void	queue_file_set_queue(QUEUE_FILE *qf, const char *queue);
 *
 *	int	queue_file_attr(QUEUE_FILE *qf, const char *name,
 *				const char *value);
 *	int	queue_file_sender(QUEUE_FILE *qf, const char *sender);
 *	int	queue_file_rcpt(QUEUE_FILE *qf, const QUEUE_RCPT *rcpt);
 *
 *	int	queue_file_content(QUEUE_FILE *qf);
 *	int	queue_file_line(QUEUE_FILE *qf, const char *data, size_t len);
 *	int	queue_file_partial(QUEUE_FILE *qf, const char *data, size_t len);
 *	int	queue_file_extra(QUEUE_FILE *qf);
 *	long long queue_file_content_size(const QUEUE_FILE *qf);
 *
 *	int	queue_file_commit(QUEUE_FILE *qf);
 *	QUEUE_FILE *queue_file_close(QUEUE_FILE *qf);
 * DESCRIPTION
 *	This module writes one message into a queue (normally incoming; the
 *	maildrop for local submissions) so that a crash at any moment leaves
 *	either no file under the message's queue ID or a complete one.
 *
 *	queue_file_create() creates a temporary file in the queue directory
 *	(relative to the current directory), locks it so that
 *	mail_queue_sweep_temp() leaves it alone while this process lives,
 *	and picks the queue ID from the time and the file's inode number.
 *	It writes the fixed-width size, schedule and arrival time records.
 *	It returns NULL after logging a warning when the file cannot be
 *	created. The file mode is 0600; queue_file_create_mode() takes
 *	another one (for example 0444 for maildrop files that postdrop
 *	writes as the submitting user and pickup must read). queue_file_id() returns the queue ID, which stays valid
 *	until queue_file_close(). queue_file_set_arrival() replaces the
 *	arrival time (by default the creation time), for example with the
 *	time that a maildrop file was submitted. queue_file_set_queue()
 *	chooses another queue for the commit (the hold queue for a message
 *	put on hold); the temporary file stays where it was created, and
 *	the rename moves it.
 *
 *	The envelope comes next: queue_file_attr() adds a "name=value"
 *	attribute (REC_ATTR_* in rec_type.h), queue_file_sender() the
 *	sender (exactly once; "" is the null sender) and queue_file_rcpt()
 *	a recipient with its original recipient and DSN fields.
 *
 *	queue_file_content() ends the envelope. queue_file_line() adds one
 *	content line, given without its line terminator; lines longer than
 *	QUEUE_FILE_LINE_CHUNK are split into continuation records.
 *	queue_file_partial() adds the first part of a line whose rest
 *	follows in the next call (for callers that read long lines in
 *	pieces). Header and body are content alike: the first empty line
 *	separates them. queue_file_extra() ends the content; attributes
 *	and recipients found in the content (such as sendmail -t) may
 *	follow. queue_file_content_size() returns the content size so far
 *	(one LF counted per line), for message_size_limit checks.
 *
 *	These functions return 0, or -1 once a write has failed; the error
 *	is sticky and queue_file_commit() will fail.
 *
 *	queue_file_commit() writes the end marker, completes the size
 *	records, flushes, fsyncs the file, renames it to its queue ID
 *	(never replacing an existing file) and fsyncs the directory. Only
 *	when it returns 0 may the caller report the message as accepted.
 *	On failure it removes the temporary file, logs a warning and
 *	returns -1 with errno set (ENOSPC and EDQUOT mean "insufficient
 *	storage"). A submitter that may write into the maildrop
 *	directory but not read it (mode 0730, sendmail with the
 *	setgid_group) cannot fsync it; there the file fsync is all the
 *	commit does after the rename.
 *
 *	queue_file_close() releases the writer and returns NULL; it removes
 *	the temporary file unless the message was committed, so it is also
 *	the way to abandon a message.
 * DIAGNOSTICS
 *	Panic: calls out of order (a sender twice, a recipient inside the
 *	content, no sender or no recipient at commit time), a malformed
 *	attribute name. Warnings: file system errors, naming the file.
 * SEE ALSO
 *	mail_queue(3), record(3), queue_msg(3), README_FILES/QUEUE_README.
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
#include "queue_file.h"
#include "record.h"

/* Where the writer is in the file. */
enum queue_file_state {
    QUEUE_FILE_ENVELOPE,  /* attributes, sender, recipients */
    QUEUE_FILE_CONTENT,   /* content lines */
    QUEUE_FILE_EXTRA,     /* recipients after the content */
    QUEUE_FILE_COMMITTED, /* visible under the queue ID */
    QUEUE_FILE_FAILED,    /* a write failed or the commit failed */
};

struct QUEUE_FILE {
    char *queue;                 /* queue name, owned */
    char *temp_path;             /* temporary path, owned; NULL once gone */
    VSTRING *id;                 /* queue ID, owned */
    VSTREAM *stream;             /* buffered writer, owns the descriptor */
    enum queue_file_state state; /* what may come next */
    int saved_errno;             /* of the first failure */
    long long offset;            /* bytes written so far */
    long long data_offset;       /* offset of the first content record */
    long long xtra_offset;       /* offset of the X record */
    long long mesg_offset;       /* offset of the M record */
    long long time_offset;       /* offset of the T record */
    long long content_size;      /* content bytes, one LF per line */
    long long rcpt_count;        /* recipients written */
    bool have_sender;            /* sender written */
    bool in_partial_line;        /* last content record was L */
    struct timeval arrival;      /* for the T record */
};

/* Fixed-width records start with a type byte and a one-byte length. */
#define QUEUE_FILE_FIXED_HEADER 2

/* queue_file_fail - remember the first failure */

static int queue_file_fail(QUEUE_FILE *qf)
{
    if (qf->state != QUEUE_FILE_FAILED) {
        qf->saved_errno = errno ? errno : EIO;
        msg_warn("%s: write queue file %s: %m", queue_file_id(qf), qf->temp_path);
        qf->state = QUEUE_FILE_FAILED;
    }
    return -1;
}

/* queue_file_put - append one record and count its bytes */

static int queue_file_put(QUEUE_FILE *qf, int type, const char *data, size_t len)
{
    if (qf->state == QUEUE_FILE_FAILED)
        return -1;
    errno = 0;
    if (rec_put(qf->stream, type, data, len) != type)
        return queue_file_fail(qf);
    qf->offset += rec_size(len);
    return 0;
}

/* queue_file_put_fields - append a fixed-width record */

static int queue_file_put_fields(QUEUE_FILE *qf, int type, int count, const long long *values)
{
    VSTRING *buf = vstring_alloc(100);
    int ret;

    rec_fields_format(buf, count, values);
    ret = queue_file_put(qf, type, vstring_str(buf), VSTRING_LEN(buf));
    vstring_free(buf);
    return ret;
}

/* queue_file_open_temp - create and lock the temporary file */

static int queue_file_open_temp(char *temp_path, mode_t mode, struct stat *st)
{
    int fd;

    if ((fd = mkostemp(temp_path, O_CLOEXEC)) < 0) {
        msg_warn("%s: create file %s: %m", __func__, temp_path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0 || fchmod(fd, mode) < 0 || fstat(fd, st) < 0) {
        msg_warn("%s: lock file %s: %m", __func__, temp_path);
        unlink(temp_path);
        close(fd);
        return -1;
    }
    return fd;
}

/* queue_file_create_mode - start a new queue file with a given mode */

QUEUE_FILE *queue_file_create_mode(const char *queue, mode_t mode)
{
    VSTRING *path = vstring_alloc(40);
    QUEUE_FILE *qf;
    struct stat st;
    int fd;

    if (!mail_queue_name_ok(queue))
        msg_panic("%s: unknown queue name: \"%s\"", __func__, queue);
    vstring_sprintf(path, "%s/%sXXXXXX", queue, MAIL_QUEUE_TEMP_PREFIX);
    if ((fd = queue_file_open_temp(vstring_str(path), mode, &st)) < 0) {
        vstring_free(path);
        return NULL;
    }
    qf = mycalloc(1, sizeof(*qf));
    qf->queue = mystrdup(queue);
    qf->temp_path = vstring_export(path);
    qf->id = vstring_alloc(MAIL_QUEUE_ID_MAX_LEN);
    qf->stream = vstream_fdopen(fd, VSTREAM_FLAG_WRITE);
    qf->state = QUEUE_FILE_ENVELOPE;
    gettimeofday(&qf->arrival, NULL);
    mail_queue_id_make(qf->id, &qf->arrival, (unsigned long long)st.st_ino);

    /* Placeholders for the fixed-width records; commit fills them in. */
    queue_file_put_fields(qf, REC_TYPE_SIZE, REC_SIZE_FIELDS,
                          (long long[REC_SIZE_FIELDS]){[REC_SIZE_VERSION] = REC_FORMAT_VERSION});
    queue_file_put_fields(qf, REC_TYPE_SCHED, REC_SCHED_FIELDS, (long long[REC_SCHED_FIELDS]){0});
    qf->time_offset = qf->offset;
    queue_file_put_fields(qf, REC_TYPE_TIME, REC_TIME_FIELDS, (long long[REC_TIME_FIELDS]){0});
    return qf;
}

/* queue_file_create - start a new queue file, mode 0600 */

QUEUE_FILE *queue_file_create(const char *queue)
{
    return queue_file_create_mode(queue, 0600);
}

/* queue_file_id - the queue ID of the new file */

const char *queue_file_id(const QUEUE_FILE *qf)
{
    return vstring_str(qf->id);
}

/* queue_file_set_arrival - replace the arrival time */

void queue_file_set_arrival(QUEUE_FILE *qf, const struct timeval *arrival)
{
    qf->arrival = *arrival;
}

/* queue_file_expect - abort on a call out of order */

static void queue_file_expect(QUEUE_FILE *qf, const char *caller, bool ok)
{
    if (!ok && qf->state != QUEUE_FILE_FAILED)
        msg_panic("%s: %s: call out of order", caller, queue_file_id(qf));
}

/* queue_file_check_len - refuse an envelope string that is too long */

static int queue_file_check_len(QUEUE_FILE *qf, const char *what, size_t len)
{
    if (len <= QUEUE_FILE_RECORD_LIMIT)
        return 0;
    msg_warn("%s: %s is longer than %d bytes", queue_file_id(qf), what, QUEUE_FILE_RECORD_LIMIT);
    errno = EFBIG;
    return queue_file_fail(qf);
}

/* queue_file_attr - add a named attribute */

int queue_file_attr(QUEUE_FILE *qf, const char *name, const char *value)
{
    VSTRING *buf;
    int ret;

    queue_file_expect(qf, __func__,
                      qf->state == QUEUE_FILE_ENVELOPE || qf->state == QUEUE_FILE_EXTRA);
    if (*name == 0 || strcspn(name, "=\n") != strlen(name))
        msg_panic("%s: malformed attribute name: \"%s\"", __func__, name);
    buf = vstring_alloc(100);
    vstring_sprintf(buf, "%s=%s", name, value);
    ret = queue_file_check_len(qf, name, VSTRING_LEN(buf));
    if (ret == 0)
        ret = queue_file_put(qf, REC_TYPE_ATTR, vstring_str(buf), VSTRING_LEN(buf));
    vstring_free(buf);
    return ret;
}

/* queue_file_sender - add the envelope sender */

int queue_file_sender(QUEUE_FILE *qf, const char *sender)
{
    queue_file_expect(qf, __func__, qf->state == QUEUE_FILE_ENVELOPE && !qf->have_sender);
    qf->have_sender = true;
    if (queue_file_check_len(qf, "sender", strlen(sender)) < 0)
        return -1;
    return queue_file_put(qf, REC_TYPE_FROM, sender, strlen(sender));
}

/* queue_file_rcpt - add a recipient with its DSN fields */

int queue_file_rcpt(QUEUE_FILE *qf, const QUEUE_RCPT *rcpt)
{
    char notify[20];

    queue_file_expect(qf, __func__,
                      qf->state == QUEUE_FILE_ENVELOPE || qf->state == QUEUE_FILE_EXTRA);
    if (rcpt->address == NULL || (rcpt->dsn_notify & ~REC_NOTIFY_MASK) != 0)
        msg_panic("%s: bad recipient", __func__);
    if (queue_file_check_len(qf, "recipient", strlen(rcpt->address)) < 0 ||
        (rcpt->orig_rcpt && queue_file_check_len(qf, "recipient", strlen(rcpt->orig_rcpt)) < 0) ||
        (rcpt->dsn_orcpt && queue_file_check_len(qf, "recipient", strlen(rcpt->dsn_orcpt)) < 0))
        return -1;
    if (rcpt->orig_rcpt)
        queue_file_put(qf, REC_TYPE_ORCP, rcpt->orig_rcpt, strlen(rcpt->orig_rcpt));
    if (rcpt->dsn_orcpt)
        queue_file_put(qf, REC_TYPE_DSN_ORCPT, rcpt->dsn_orcpt, strlen(rcpt->dsn_orcpt));
    if (rcpt->dsn_notify) {
        snprintf(notify, sizeof(notify), "%d", rcpt->dsn_notify);
        queue_file_put(qf, REC_TYPE_DSN_NOTIFY, notify, strlen(notify));
    }
    qf->rcpt_count++;
    return queue_file_put(qf, REC_TYPE_RCPT, rcpt->address, strlen(rcpt->address));
}

/* queue_file_content - end the envelope, start the content */

int queue_file_content(QUEUE_FILE *qf)
{
    queue_file_expect(qf, __func__, qf->state == QUEUE_FILE_ENVELOPE && qf->have_sender);
    qf->mesg_offset = qf->offset;
    if (queue_file_put_fields(qf, REC_TYPE_MESG, REC_MESG_FIELDS, (long long[REC_MESG_FIELDS]){0}) <
        0)
        return -1;
    qf->data_offset = qf->offset;
    qf->state = QUEUE_FILE_CONTENT;
    return 0;
}

/* queue_file_partial - add the first part of a line */

int queue_file_partial(QUEUE_FILE *qf, const char *data, size_t len)
{
    queue_file_expect(qf, __func__, qf->state == QUEUE_FILE_CONTENT);
    while (len > 0) {
        size_t chunk = len > QUEUE_FILE_LINE_CHUNK ? QUEUE_FILE_LINE_CHUNK : len;

        if (queue_file_put(qf, REC_TYPE_CONT, data, chunk) < 0)
            return -1;
        qf->content_size += chunk;
        qf->in_partial_line = true;
        data += chunk;
        len -= chunk;
    }
    return 0;
}

/* queue_file_line - add the (rest of a) content line */

int queue_file_line(QUEUE_FILE *qf, const char *data, size_t len)
{
    queue_file_expect(qf, __func__, qf->state == QUEUE_FILE_CONTENT);
    if (len > QUEUE_FILE_LINE_CHUNK) {
        size_t head = len - QUEUE_FILE_LINE_CHUNK;

        if (queue_file_partial(qf, data, head) < 0)
            return -1;
        data += head;
        len -= head;
    }
    if (queue_file_put(qf, REC_TYPE_NORM, data, len) < 0)
        return -1;
    qf->content_size += len + 1;
    qf->in_partial_line = false;
    return 0;
}

/* queue_file_extra - end the content */

int queue_file_extra(QUEUE_FILE *qf)
{
    queue_file_expect(qf, __func__, qf->state == QUEUE_FILE_CONTENT);
    if (qf->in_partial_line && queue_file_line(qf, "", 0) < 0)
        return -1;
    qf->xtra_offset = qf->offset;
    if (queue_file_put(qf, REC_TYPE_XTRA, "", 0) < 0)
        return -1;
    qf->state = QUEUE_FILE_EXTRA;
    return 0;
}

/* queue_file_content_size - content bytes so far */

long long queue_file_content_size(const QUEUE_FILE *qf)
{
    return qf->content_size;
}

/* queue_file_patch - overwrite the data of a fixed-width record */

static int queue_file_patch(QUEUE_FILE *qf, long long offset, int count, const long long *values)
{
    VSTRING *buf = vstring_alloc(100);
    ssize_t len;

    rec_fields_format(buf, count, values);
    len = pwrite(vstream_fileno(qf->stream), vstring_str(buf), VSTRING_LEN(buf),
                 offset + QUEUE_FILE_FIXED_HEADER);
    if (len >= 0 && len != (ssize_t)VSTRING_LEN(buf))
        errno = EIO;
    vstring_free(buf);
    return len >= 0 && (size_t)len == rec_fields_len(count) ? 0 : -1;
}

/* queue_file_finish - end marker, fixed-width fields, flush, fsync */

static int queue_file_finish(QUEUE_FILE *qf)
{
    long long size[REC_SIZE_FIELDS] = {
        [REC_SIZE_CONTENT] = qf->content_size,
        [REC_SIZE_DATA_OFFSET] = qf->data_offset,
        [REC_SIZE_RCPT_COUNT] = qf->rcpt_count,
        [REC_SIZE_VERSION] = REC_FORMAT_VERSION,
    };
    long long when[REC_TIME_FIELDS] = {
        [REC_TIME_SECONDS] = qf->arrival.tv_sec,
        [REC_TIME_MICROSECONDS] = qf->arrival.tv_usec,
    };
    long long mesg[REC_MESG_FIELDS] = {[REC_MESG_XTRA_OFFSET] = qf->xtra_offset};

    if (queue_file_put(qf, REC_TYPE_END, "", 0) < 0)
        return -1;
    errno = 0;
    if (vstream_fflush(qf->stream) < 0 || queue_file_patch(qf, 0, REC_SIZE_FIELDS, size) < 0 ||
        queue_file_patch(qf, qf->time_offset, REC_TIME_FIELDS, when) < 0 ||
        queue_file_patch(qf, qf->mesg_offset, REC_MESG_FIELDS, mesg) < 0 ||
        fsync(vstream_fileno(qf->stream)) < 0)
        return queue_file_fail(qf);
    return 0;
}

/* queue_file_set_queue - commit into another queue */

void queue_file_set_queue(QUEUE_FILE *qf, const char *queue)
{
    if (!mail_queue_name_ok(queue))
        msg_panic("%s: bad queue name \"%s\"", __func__, queue);
    myfree(qf->queue);
    qf->queue = mystrdup(queue);
}

/* queue_file_publish - give the file its queue ID, never replacing a file */

static int queue_file_publish(QUEUE_FILE *qf)
{
    const char *final_path = mail_queue_path(NULL, qf->queue, queue_file_id(qf));

    if (renameat2(AT_FDCWD, qf->temp_path, AT_FDCWD, final_path, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    /* File systems without RENAME_NOREPLACE: link() refuses to replace too. */
    if (link(qf->temp_path, final_path) < 0)
        return -1;
    if (unlink(qf->temp_path) < 0)
        msg_warn("%s: remove %s: %m", queue_file_id(qf), qf->temp_path);
    return 0;
}

/* queue_file_commit - make the message durable and visible */

int queue_file_commit(QUEUE_FILE *qf)
{
    queue_file_expect(qf, __func__, qf->state == QUEUE_FILE_EXTRA && qf->rcpt_count > 0);
    if (qf->state == QUEUE_FILE_FAILED || queue_file_finish(qf) < 0)
        goto failed;
    if (queue_file_publish(qf) < 0) {
        queue_file_fail(qf);
        goto failed;
    }
    myfree(qf->temp_path);
    qf->temp_path = NULL;
    qf->state = QUEUE_FILE_COMMITTED;
    if (mail_queue_sync_dir(qf->queue) < 0 &&
        !(errno == EACCES && strcmp(qf->queue, MAIL_QUEUE_MAILDROP) == 0)) {
        /* The name may not survive a crash: withdraw it rather than risk a lost message. */
        qf->saved_errno = errno;
        msg_warn("%s: sync directory %s: %m", queue_file_id(qf), qf->queue);
        mail_queue_remove(qf->queue, queue_file_id(qf));
        qf->state = QUEUE_FILE_FAILED;
        errno = qf->saved_errno;
        return -1;
    }
    return 0;

failed:
    if (qf->temp_path && unlink(qf->temp_path) == 0) {
        myfree(qf->temp_path);
        qf->temp_path = NULL;
    }
    errno = qf->saved_errno;
    return -1;
}

/* queue_file_close - release the writer; remove an uncommitted file */

QUEUE_FILE *queue_file_close(QUEUE_FILE *qf)
{
    if (qf->state != QUEUE_FILE_COMMITTED) {
        vstream_purge(qf->stream, VSTREAM_PURGE_WRITE);
        if (qf->temp_path && unlink(qf->temp_path) < 0 && errno != ENOENT)
            msg_warn("%s: remove %s: %m", queue_file_id(qf), qf->temp_path);
    }
    vstream_close(qf->stream);
    myfree(qf->queue);
    myfree(qf->temp_path);
    vstring_free(qf->id);
    myfree(qf);
    return NULL;
}
