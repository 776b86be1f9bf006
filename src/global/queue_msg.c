/*++
 * NAME
 *	queue_msg - read a committed queue file and record delivery progress
 * SYNOPSIS
 *	#include <queue_msg.h>
 *
 *	int	queue_msg_open(const char *queue, const char *id, int flags,
 *				QUEUE_MSG **out_msg, VSTRING *why);
 *	QUEUE_MSG *queue_msg_close(QUEUE_MSG *msg);
 *
 *	const char *queue_msg_id(const QUEUE_MSG *msg);
 *	const char *queue_msg_queue(const QUEUE_MSG *msg);
 *	struct timeval queue_msg_arrival(const QUEUE_MSG *msg);
 *	const char *queue_msg_sender(const QUEUE_MSG *msg);
 *	const char *queue_msg_attr(const QUEUE_MSG *msg, const char *name);
 *	size_t	queue_msg_rcpt_count(const QUEUE_MSG *msg);
 *	const QUEUE_MSG_RCPT *queue_msg_rcpt(const QUEUE_MSG *msg, size_t index);
 *	size_t	queue_msg_rcpt_left(const QUEUE_MSG *msg);
 *	const QUEUE_SCHED *queue_msg_sched(const QUEUE_MSG *msg);
 *	long long queue_msg_content_size(const QUEUE_MSG *msg);
 *
 *	int	queue_msg_content_rewind(QUEUE_MSG *msg);
 *	int	queue_msg_content_get(QUEUE_MSG *msg, VSTRING *buf);
 *
 *	int	queue_msg_mark_done(QUEUE_MSG *msg, const size_t *indexes,
 *				size_t count);
 *	int	queue_msg_rcpt_reread(QUEUE_MSG *msg, size_t index);
 *	int	queue_msg_set_sched(QUEUE_MSG *msg, const QUEUE_SCHED *sched);
 *	int	queue_msg_move(QUEUE_MSG *msg, const char *new_queue);
 * DESCRIPTION
 *	queue_msg_open() opens the file queue/id (relative to the current
 *	directory, the queue_directory) and validates its structure: the
 *	fixed-width records, the order of the envelope records, a sender,
 *	the recipient count, the pointer over the content, the records
 *	after the content and the end marker as the very last bytes. The
 *	whole envelope (without the content) is read into memory.
 *	With QUEUE_MSG_FLAG_UPDATE the file is opened for the update
 *	functions below; with QUEUE_MSG_FLAG_LOCK it is locked exclusively
 *	for as long as it is open, and a file that another process holds
 *	locked is not opened. QUEUE_MSG_FLAG_SHARED takes a shared lock
 *	instead (delivery agents: many may share a file); with both flags
 *	the exclusive lock is a test that no one else holds the file, and
 *	is then turned into a shared one (qmgr). The result is QUEUE_MSG_STAT_OK with the
 *	handle in *out_msg, or one of QUEUE_MSG_STAT_MISSING, _BUSY,
 *	_CORRUPT (the file is damaged or incomplete; move it to the corrupt
 *	queue) or _ERROR (a system error; try later), with a reason that
 *	names the file written into why (when not null). The queue ID must
 *	be well-formed (see mail_queue_id_ok()).
 *
 *	queue_msg_close() closes the file, releases the lock and the memory,
 *	and returns NULL.
 *
 *	The envelope functions return what the file holds. Strings belong
 *	to the handle. queue_msg_sender() returns "" for the null sender.
 *	queue_msg_attr() returns the value of the last attribute with that
 *	name, or NULL. queue_msg_rcpt() returns the index-th recipient (0
 *	to queue_msg_rcpt_count() - 1) in file order, done or not;
 *	queue_msg_rcpt_left() counts those not done.
 *
 *	queue_msg_content_get() reads the next content record into buf:
 *	it returns REC_TYPE_NORM for a line (or the end of a line), and
 *	REC_TYPE_CONT for the first part of a line that continues in the
 *	next record; the data has no line terminator. It returns 0 at the
 *	end of the content, and -1 (with a warning naming the file) when the
 *	content is damaged or cannot be read. queue_msg_content_rewind()
 *	goes back to the first line; it returns 0 or -1.
 *
 *	queue_msg_mark_done() marks the given recipients done in place: it
 *	rewrites the type byte of each R record to D (the length of the
 *	file does not change), then fsyncs the file, and only then updates
 *	the in-memory state. After a crash a recipient is thus either still
 *	to be delivered or durably done, never delivered twice once this
 *	has returned. Recipients already done are left alone. It returns 0,
 *	or -1 with a warning.
 *
 *	queue_msg_rcpt_reread() reads the index-th recipient's record type
 *	from the file again, for a reader whose copy may be stale: another
 *	process (a delivery agent that then broke its connection) may have
 *	marked it done meanwhile. It returns 1 when the file shows it done
 *	(the in-memory state then says so too), 0 when it is still to be
 *	delivered, and -1 with a warning when the record cannot be read.
 *
 *	queue_msg_set_sched() rewrites the fixed-width schedule record and
 *	sets the file's modification time to the next attempt time (so that
 *	a scanner can find due messages with stat() alone), then fsyncs.
 *	It returns 0, or -1 with a warning.
 *
 *	queue_msg_move() renames the open file into another queue and
 *	remembers the new place; it returns 0, or -1 with a warning.
 * DIAGNOSTICS
 *	Panic: an update function on a handle opened without
 *	QUEUE_MSG_FLAG_UPDATE, a recipient index out of range, a malformed
 *	queue ID. Warnings: system errors and damaged content, naming the
 *	file.
 * SEE ALSO
 *	queue_file(3), mail_queue(3), record(3), README_FILES/QUEUE_README.
 *--*/

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_queue.h"
#include "queue_file.h"
#include "queue_msg.h"
#include "record.h"

/* Recipient fields waiting for their R or D record. */
struct queue_msg_pending {
    char *orig_rcpt; /* owned; moves into the recipient */
    char *dsn_orcpt; /* owned; moves into the recipient */
    int dsn_notify;  /* REC_NOTIFY_* */
    bool notify_set; /* an n record was seen */
};

struct QUEUE_MSG {
    char *queue;                      /* current queue, owned */
    char *id;                         /* queue ID, owned */
    int flags;                        /* QUEUE_MSG_FLAG_* */
    VSTREAM *stream;                  /* reader, owns the descriptor */
    VSTRING *buf;                     /* record buffer, owned */
    long long offset;                 /* file offset of the next record */
    long long size[REC_SIZE_FIELDS];  /* the size record */
    long long sched_offset;           /* of the schedule record */
    QUEUE_SCHED sched;                /* the schedule record */
    struct timeval arrival;           /* the time record */
    char *sender;                     /* owned */
    ARGV *attrs;                      /* "name=value", owned */
    QUEUE_MSG_RCPT *rcpts;            /* owned */
    size_t rcpt_count;                /* recipients in rcpts */
    size_t rcpt_alloc;                /* slots in rcpts */
    struct queue_msg_pending pending; /* fields of the next recipient */
    long long xtra_offset;            /* of the X record */
    long long content_seen;           /* content bytes read so far */
    bool in_partial_line;             /* last content record was L */
    bool content_ended;               /* the X record was reached */
};

/* Fixed-width records start with a type byte and a one-byte length. */
#define QUEUE_MSG_FIXED_HEADER 2

/* queue_msg_corrupt - describe a damaged file */

__attribute__((format(printf, 3, 4))) static int queue_msg_corrupt(QUEUE_MSG *msg, VSTRING *why,
                                                                   const char *fmt, ...)
{
    va_list ap;

    if (why) {
        vstring_sprintf(why, "queue file %s/%s: offset %lld: ", msg->queue, msg->id, msg->offset);
        va_start(ap, fmt);
        vstring_vsprintf_append(why, fmt, ap);
        va_end(ap);
    }
    return QUEUE_MSG_STAT_CORRUPT;
}

/* queue_msg_get - read the next record and advance the offset */

static int queue_msg_get(QUEUE_MSG *msg, size_t limit, const char **out_why)
{
    int type = rec_get(msg->stream, msg->buf, limit, out_why);

    if (type >= 0)
        msg->offset += rec_size(VSTRING_LEN(msg->buf));
    return type;
}

/* queue_msg_get_error - classify a failed or unexpected read */

static int queue_msg_get_error(QUEUE_MSG *msg, VSTRING *why, int type, const char *rec_why)
{
    if (type == REC_TYPE_EOF)
        return queue_msg_corrupt(msg, why, "file ends before the end marker: incomplete");
    if (vstream_ferror(msg->stream)) {
        if (why)
            vstring_sprintf(why, "queue file %s/%s: read error: %m", msg->queue, msg->id);
        return QUEUE_MSG_STAT_ERROR;
    }
    return queue_msg_corrupt(msg, why, "%s", rec_why);
}

/* queue_msg_seek - continue reading at a file offset */

static int queue_msg_seek(QUEUE_MSG *msg, long long offset)
{
    vstream_purge(msg->stream, VSTREAM_PURGE_READ);
    vstream_clearerr(msg->stream);
    if (lseek(vstream_fileno(msg->stream), offset, SEEK_SET) < 0)
        return -1;
    msg->offset = offset;
    return 0;
}

/* queue_msg_get_fixed - read one fixed-width record of an expected type */

static int queue_msg_get_fixed(QUEUE_MSG *msg, VSTRING *why, int want, int count, long long *values)
{
    const char *rec_why = "";
    int type = queue_msg_get(msg, QUEUE_FILE_RECORD_LIMIT, &rec_why);

    if (type < 0)
        return queue_msg_get_error(msg, why, type, rec_why);
    if (type != want)
        return queue_msg_corrupt(msg, why, "%s record where a %s record belongs",
                                 rec_type_name(type), rec_type_name(want));
    if (rec_fields_parse(vstring_str(msg->buf), VSTRING_LEN(msg->buf), count, values) < 0)
        return queue_msg_corrupt(msg, why, "malformed %s record", rec_type_name(type));
    return QUEUE_MSG_STAT_OK;
}

/* queue_msg_read_head - the size, schedule and time records */

static int queue_msg_read_head(QUEUE_MSG *msg, VSTRING *why)
{
    long long sched[REC_SCHED_FIELDS];
    long long when[REC_TIME_FIELDS];
    int status;

    if ((status = queue_msg_get_fixed(msg, why, REC_TYPE_SIZE, REC_SIZE_FIELDS, msg->size)) != 0)
        return status;
    if (msg->size[REC_SIZE_VERSION] != REC_FORMAT_VERSION)
        return queue_msg_corrupt(msg, why, "unsupported format version %lld",
                                 msg->size[REC_SIZE_VERSION]);
    if (msg->size[REC_SIZE_RCPT_COUNT] < 1)
        return queue_msg_corrupt(msg, why, "no recipients");
    msg->sched_offset = msg->offset;
    if ((status = queue_msg_get_fixed(msg, why, REC_TYPE_SCHED, REC_SCHED_FIELDS, sched)) != 0)
        return status;
    msg->sched = (QUEUE_SCHED){.next_attempt = sched[REC_SCHED_NEXT_ATTEMPT],
                               .attempts = sched[REC_SCHED_ATTEMPTS],
                               .warn_time = sched[REC_SCHED_WARN_TIME]};
    if ((status = queue_msg_get_fixed(msg, why, REC_TYPE_TIME, REC_TIME_FIELDS, when)) != 0)
        return status;
    if (when[REC_TIME_MICROSECONDS] >= 1000000)
        return queue_msg_corrupt(msg, why, "malformed time record");
    msg->arrival.tv_sec = when[REC_TIME_SECONDS];
    msg->arrival.tv_usec = when[REC_TIME_MICROSECONDS];
    return QUEUE_MSG_STAT_OK;
}

/* queue_msg_add_rcpt - a recipient with its pending fields */

static void queue_msg_add_rcpt(QUEUE_MSG *msg, int type)
{
    QUEUE_MSG_RCPT *rcpt;

    if (msg->rcpt_count == msg->rcpt_alloc) {
        msg->rcpt_alloc = msg->rcpt_alloc ? 2 * msg->rcpt_alloc : 4;
        msg->rcpts = myrealloc(msg->rcpts, msg->rcpt_alloc * sizeof(*msg->rcpts));
    }
    rcpt = &msg->rcpts[msg->rcpt_count++];
    rcpt->address = mystrdup(vstring_str(msg->buf));
    rcpt->orig_rcpt = msg->pending.orig_rcpt;
    rcpt->dsn_orcpt = msg->pending.dsn_orcpt;
    rcpt->dsn_notify = msg->pending.dsn_notify;
    rcpt->offset = msg->offset - rec_size(VSTRING_LEN(msg->buf));
    rcpt->done = type == REC_TYPE_DONE;
    msg->pending = (struct queue_msg_pending){0};
}

/* queue_msg_pending_field - an O, o or n record */

static int queue_msg_pending_field(QUEUE_MSG *msg, VSTRING *why, int type)
{
    const char *data = vstring_str(msg->buf);
    char *end;
    long notify;

    if (strlen(data) != VSTRING_LEN(msg->buf))
        return queue_msg_corrupt(msg, why, "null byte in %s record", rec_type_name(type));
    if (type == REC_TYPE_ORCP && msg->pending.orig_rcpt == NULL) {
        msg->pending.orig_rcpt = mystrdup(data);
    } else if (type == REC_TYPE_DSN_ORCPT && msg->pending.dsn_orcpt == NULL) {
        msg->pending.dsn_orcpt = mystrdup(data);
    } else if (type == REC_TYPE_DSN_NOTIFY && !msg->pending.notify_set) {
        errno = 0;
        notify = strtol(data, &end, 10);
        if (*data < '1' || *data > '9' || *end || errno || notify < 1 || notify > REC_NOTIFY_MASK)
            return queue_msg_corrupt(msg, why, "malformed dsn notify record");
        msg->pending.dsn_notify = (int)notify;
        msg->pending.notify_set = true;
    } else {
        return queue_msg_corrupt(msg, why, "repeated %s record", rec_type_name(type));
    }
    return QUEUE_MSG_STAT_OK;
}

/* queue_msg_envelope_record - one record of the envelope or the extracted part */

static int queue_msg_envelope_record(QUEUE_MSG *msg, VSTRING *why, int type, bool extracted)
{
    const char *data = vstring_str(msg->buf);
    bool has_null = strlen(data) != VSTRING_LEN(msg->buf);

    switch (type) {
    case REC_TYPE_ATTR:
        if (has_null || data[0] == '=' || strchr(data, '=') == NULL)
            return queue_msg_corrupt(msg, why, "malformed attribute record");
        argv_add(msg->attrs, data);
        return QUEUE_MSG_STAT_OK;
    case REC_TYPE_FROM:
        if (extracted || msg->sender != NULL || has_null)
            break;
        msg->sender = mystrdup(data);
        return QUEUE_MSG_STAT_OK;
    case REC_TYPE_ORCP:
    case REC_TYPE_DSN_ORCPT:
    case REC_TYPE_DSN_NOTIFY:
        return queue_msg_pending_field(msg, why, type);
    case REC_TYPE_RCPT:
    case REC_TYPE_DONE:
        if (has_null || VSTRING_LEN(msg->buf) == 0)
            return queue_msg_corrupt(msg, why, "malformed recipient record");
        queue_msg_add_rcpt(msg, type);
        return QUEUE_MSG_STAT_OK;
    }
    return queue_msg_corrupt(msg, why, "unexpected %s record", rec_type_name(type));
}

/* queue_msg_read_segment - envelope records up to M (or after X, up to E) */

static int queue_msg_read_segment(QUEUE_MSG *msg, VSTRING *why, bool extracted)
{
    int end_type = extracted ? REC_TYPE_END : REC_TYPE_MESG;
    const char *rec_why = "";
    int status;
    int type;

    for (;;) {
        if ((type = queue_msg_get(msg, QUEUE_FILE_RECORD_LIMIT, &rec_why)) < 0)
            return queue_msg_get_error(msg, why, type, rec_why);
        if (type == end_type)
            break;
        if ((status = queue_msg_envelope_record(msg, why, type, extracted)) != 0)
            return status;
    }
    if (msg->pending.orig_rcpt || msg->pending.dsn_orcpt || msg->pending.notify_set)
        return queue_msg_corrupt(msg, why, "recipient fields without a recipient");
    if (type == REC_TYPE_END && VSTRING_LEN(msg->buf) != 0)
        return queue_msg_corrupt(msg, why, "malformed end marker");
    return QUEUE_MSG_STAT_OK;
}

/* queue_msg_get_xtra - the X record where the M record points */

static int queue_msg_get_xtra(QUEUE_MSG *msg, VSTRING *why)
{
    const char *rec_why = "";
    int type = queue_msg_get(msg, QUEUE_FILE_RECORD_LIMIT, &rec_why);

    if (type < 0)
        return queue_msg_get_error(msg, why, type, rec_why);
    if (type != REC_TYPE_XTRA || VSTRING_LEN(msg->buf) != 0)
        return queue_msg_corrupt(msg, why,
                                 "no content end record where the content start "
                                 "record points");
    return QUEUE_MSG_STAT_OK;
}

/* queue_msg_read_envelope - everything but the content, with cross-checks */

static int queue_msg_read_envelope(QUEUE_MSG *msg, VSTRING *why, long long file_size)
{
    long long mesg[REC_MESG_FIELDS];
    int status;

    if ((status = queue_msg_read_head(msg, why)) != 0 ||
        (status = queue_msg_read_segment(msg, why, false)) != 0)
        return status;
    if (msg->sender == NULL)
        return queue_msg_corrupt(msg, why, "no sender record");
    if (rec_fields_parse(vstring_str(msg->buf), VSTRING_LEN(msg->buf), REC_MESG_FIELDS, mesg) < 0)
        return queue_msg_corrupt(msg, why, "malformed content start record");
    msg->xtra_offset = mesg[REC_MESG_XTRA_OFFSET];
    if (msg->size[REC_SIZE_DATA_OFFSET] != msg->offset || msg->xtra_offset < msg->offset ||
        msg->xtra_offset >= file_size)
        return queue_msg_corrupt(msg, why, "content offsets out of range");
    if (queue_msg_seek(msg, msg->xtra_offset) < 0)
        return QUEUE_MSG_STAT_ERROR;
    if ((status = queue_msg_get_xtra(msg, why)) != 0 ||
        (status = queue_msg_read_segment(msg, why, true)) != 0)
        return status;
    if (msg->offset != file_size)
        return queue_msg_corrupt(msg, why, "data after the end marker");
    if ((long long)msg->rcpt_count != msg->size[REC_SIZE_RCPT_COUNT])
        return queue_msg_corrupt(msg, why, "%zu recipients, but the size record says %lld",
                                 msg->rcpt_count, msg->size[REC_SIZE_RCPT_COUNT]);
    return queue_msg_content_rewind(msg) < 0 ? QUEUE_MSG_STAT_ERROR : QUEUE_MSG_STAT_OK;
}

/* queue_msg_alloc - an empty handle */

static QUEUE_MSG *queue_msg_alloc(const char *queue, const char *id, int flags, int fd)
{
    QUEUE_MSG *msg = mycalloc(1, sizeof(*msg));

    msg->queue = mystrdup(queue);
    msg->id = mystrdup(id);
    msg->flags = flags;
    msg->stream = vstream_fdopen(fd, VSTREAM_FLAG_READ);
    msg->buf = vstring_alloc(100);
    msg->attrs = argv_alloc(10);
    return msg;
}

/* queue_msg_open_file - open and lock the file */

static int queue_msg_open_file(const char *path, int flags, struct stat *st, VSTRING *why)
{
    int fd;

    /* O_NONBLOCK: a FIFO planted in a queue must not hang the reader. */
    fd = open(path, ((flags & QUEUE_MSG_FLAG_UPDATE) ? O_RDWR : O_RDONLY) | O_NOFOLLOW |
                        O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (why)
            vstring_sprintf(why, "open queue file %s: %m", path);
        return errno == ENOENT  ? -QUEUE_MSG_STAT_MISSING
               : errno == ELOOP ? -QUEUE_MSG_STAT_CORRUPT
                                : -QUEUE_MSG_STAT_ERROR;
    }
    if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
        if (why)
            vstring_sprintf(why, "queue file %s: not a regular file", path);
        close(fd);
        return -QUEUE_MSG_STAT_CORRUPT;
    }
    if ((flags & QUEUE_MSG_FLAG_LOCK) && flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int busy = errno == EWOULDBLOCK;

        if (why)
            vstring_sprintf(why, "lock queue file %s: %m", path);
        close(fd);
        return busy ? -QUEUE_MSG_STAT_BUSY : -QUEUE_MSG_STAT_ERROR;
    }
    if ((flags & QUEUE_MSG_FLAG_SHARED) && flock(fd, LOCK_SH | LOCK_NB) < 0) {
        int busy = errno == EWOULDBLOCK;

        if (why)
            vstring_sprintf(why, "lock queue file %s: %m", path);
        close(fd);
        return busy ? -QUEUE_MSG_STAT_BUSY : -QUEUE_MSG_STAT_ERROR;
    }
    return fd;
}

/* queue_msg_open - open and validate a queue file */

int queue_msg_open(const char *queue, const char *id, int flags, QUEUE_MSG **out_msg, VSTRING *why)
{
    VSTRING *path = vstring_alloc(40);
    QUEUE_MSG *msg;
    struct stat st;
    int fd;
    int status;

    *out_msg = NULL;
    fd = queue_msg_open_file(mail_queue_path(path, queue, id), flags, &st, why);
    vstring_free(path);
    if (fd < 0)
        return -fd;
    msg = queue_msg_alloc(queue, id, flags, fd);
    if ((status = queue_msg_read_envelope(msg, why, st.st_size)) != QUEUE_MSG_STAT_OK) {
        if (status == QUEUE_MSG_STAT_ERROR && why && VSTRING_LEN(why) == 0)
            vstring_sprintf(why, "queue file %s/%s: %m", queue, id);
        queue_msg_close(msg);
        return status;
    }
    *out_msg = msg;
    return QUEUE_MSG_STAT_OK;
}

/* queue_msg_close - release a handle */

QUEUE_MSG *queue_msg_close(QUEUE_MSG *msg)
{
    vstream_close(msg->stream);
    vstring_free(msg->buf);
    argv_free(msg->attrs);
    for (size_t i = 0; i < msg->rcpt_count; i++) {
        myfree(msg->rcpts[i].address);
        myfree(msg->rcpts[i].orig_rcpt);
        myfree(msg->rcpts[i].dsn_orcpt);
    }
    myfree(msg->rcpts);
    myfree(msg->pending.orig_rcpt);
    myfree(msg->pending.dsn_orcpt);
    myfree(msg->sender);
    myfree(msg->queue);
    myfree(msg->id);
    myfree(msg);
    return NULL;
}

/* queue_msg_id - the queue ID */

const char *queue_msg_id(const QUEUE_MSG *msg)
{
    return msg->id;
}

/* queue_msg_queue - the queue that holds the file now */

const char *queue_msg_queue(const QUEUE_MSG *msg)
{
    return msg->queue;
}

/* queue_msg_arrival - the arrival time */

struct timeval queue_msg_arrival(const QUEUE_MSG *msg)
{
    return msg->arrival;
}

/* queue_msg_sender - the envelope sender */

const char *queue_msg_sender(const QUEUE_MSG *msg)
{
    return msg->sender;
}

/* queue_msg_attr - the value of a named attribute */

const char *queue_msg_attr(const QUEUE_MSG *msg, const char *name)
{
    size_t len = strlen(name);

    for (size_t i = msg->attrs->argc; i-- > 0;) {
        const char *attr = msg->attrs->argv[i];

        if (strncmp(attr, name, len) == 0 && attr[len] == '=')
            return attr + len + 1;
    }
    return NULL;
}

/* queue_msg_rcpt_count - number of recipients, done or not */

size_t queue_msg_rcpt_count(const QUEUE_MSG *msg)
{
    return msg->rcpt_count;
}

/* queue_msg_rcpt - one recipient */

const QUEUE_MSG_RCPT *queue_msg_rcpt(const QUEUE_MSG *msg, size_t index)
{
    if (index >= msg->rcpt_count)
        msg_panic("%s: %s: recipient index %zu out of range", __func__, msg->id, index);
    return &msg->rcpts[index];
}

/* queue_msg_rcpt_left - recipients not yet done */

size_t queue_msg_rcpt_left(const QUEUE_MSG *msg)
{
    size_t left = 0;

    for (size_t i = 0; i < msg->rcpt_count; i++)
        if (!msg->rcpts[i].done)
            left++;
    return left;
}

/* queue_msg_sched - the retry schedule */

const QUEUE_SCHED *queue_msg_sched(const QUEUE_MSG *msg)
{
    return &msg->sched;
}

/* queue_msg_content_size - content bytes, one LF counted per line */

long long queue_msg_content_size(const QUEUE_MSG *msg)
{
    return msg->size[REC_SIZE_CONTENT];
}

/* queue_msg_content_rewind - go back to the first content line */

int queue_msg_content_rewind(QUEUE_MSG *msg)
{
    msg->content_seen = 0;
    msg->in_partial_line = false;
    msg->content_ended = false;
    if (queue_msg_seek(msg, msg->size[REC_SIZE_DATA_OFFSET]) < 0) {
        msg_warn("%s: seek queue file %s/%s: %m", __func__, msg->queue, msg->id);
        return -1;
    }
    return 0;
}

/* queue_msg_content_end - check the content against the size record */

static int queue_msg_content_end(QUEUE_MSG *msg)
{
    const char *problem = NULL;

    if (msg->offset != msg->xtra_offset)
        problem = "content end record out of place";
    else if (msg->in_partial_line)
        problem = "content ends inside a line";
    else if (msg->content_seen != msg->size[REC_SIZE_CONTENT])
        problem = "content size differs from the size record";
    if (problem) {
        msg_warn("queue file %s/%s: %s", msg->queue, msg->id, problem);
        return -1;
    }
    msg->content_ended = true;
    return 0;
}

/* queue_msg_content_get - next content record */

int queue_msg_content_get(QUEUE_MSG *msg, VSTRING *buf)
{
    const char *rec_why = "";
    int type;

    if (msg->content_ended)
        return 0;
    type = rec_get(msg->stream, buf, QUEUE_FILE_LINE_CHUNK, &rec_why);
    if (type == REC_TYPE_XTRA)
        return queue_msg_content_end(msg);
    if (type != REC_TYPE_NORM && type != REC_TYPE_CONT) {
        msg_warn("queue file %s/%s: offset %lld: %s", msg->queue, msg->id, msg->offset,
                 type == REC_TYPE_ERROR ? rec_why
                 : type == REC_TYPE_EOF ? "file ends inside the content"
                                        : "unexpected record in the content");
        return -1;
    }
    msg->offset += rec_size(VSTRING_LEN(buf));
    msg->content_seen += VSTRING_LEN(buf) + (type == REC_TYPE_NORM);
    msg->in_partial_line = type == REC_TYPE_CONT;
    return type;
}

/* queue_msg_need_update - abort unless opened for updates */

static void queue_msg_need_update(const QUEUE_MSG *msg, const char *caller)
{
    if (!(msg->flags & QUEUE_MSG_FLAG_UPDATE))
        msg_panic("%s: %s: not opened for update", caller, msg->id);
}

/* queue_msg_mark_one - rewrite one R type byte as D */

static int queue_msg_mark_one(QUEUE_MSG *msg, const QUEUE_MSG_RCPT *rcpt)
{
    int fd = vstream_fileno(msg->stream);
    char type;

    if (pread(fd, &type, 1, rcpt->offset) != 1)
        return -1;
    if (type == REC_TYPE_DONE)
        return 0;
    if (type != REC_TYPE_RCPT) {
        errno = EINVAL;
        return -1;
    }
    type = REC_TYPE_DONE;
    return pwrite(fd, &type, 1, rcpt->offset) == 1 ? 0 : -1;
}

/* queue_msg_mark_done - mark recipients done, durably */

int queue_msg_mark_done(QUEUE_MSG *msg, const size_t *indexes, size_t count)
{
    queue_msg_need_update(msg, __func__);
    for (size_t i = 0; i < count; i++) {
        if (indexes[i] >= msg->rcpt_count)
            msg_panic("%s: %s: recipient index %zu out of range", __func__, msg->id, indexes[i]);
        if (!msg->rcpts[indexes[i]].done && queue_msg_mark_one(msg, &msg->rcpts[indexes[i]]) < 0) {
            msg_warn("%s: mark recipient %s done in %s/%s: %m", msg->id,
                     msg->rcpts[indexes[i]].address, msg->queue, msg->id);
            return -1;
        }
    }
    if (fsync(vstream_fileno(msg->stream)) < 0) {
        msg_warn("%s: fsync %s/%s: %m", msg->id, msg->queue, msg->id);
        return -1;
    }
    for (size_t i = 0; i < count; i++)
        msg->rcpts[indexes[i]].done = true;
    return 0;
}

/* queue_msg_rcpt_reread - has someone else marked a recipient done? */

int queue_msg_rcpt_reread(QUEUE_MSG *msg, size_t index)
{
    QUEUE_MSG_RCPT *rcpt;
    char type;

    if (index >= msg->rcpt_count)
        msg_panic("%s: %s: recipient index %zu out of range", __func__, msg->id, index);
    rcpt = &msg->rcpts[index];
    if (rcpt->done)
        return 1;
    if (pread(vstream_fileno(msg->stream), &type, 1, rcpt->offset) != 1) {
        msg_warn("%s: read recipient %s in %s/%s: %m", msg->id, rcpt->address, msg->queue, msg->id);
        return -1;
    }
    if (type == REC_TYPE_DONE)
        rcpt->done = true;
    return rcpt->done;
}

/* queue_msg_set_sched - rewrite the retry schedule, durably */

int queue_msg_set_sched(QUEUE_MSG *msg, const QUEUE_SCHED *sched)
{
    long long values[REC_SCHED_FIELDS] = {
        [REC_SCHED_NEXT_ATTEMPT] = sched->next_attempt,
        [REC_SCHED_ATTEMPTS] = sched->attempts,
        [REC_SCHED_WARN_TIME] = sched->warn_time,
    };
    int fd = vstream_fileno(msg->stream);
    VSTRING *buf = vstring_alloc(100);
    ssize_t len;

    queue_msg_need_update(msg, __func__);
    rec_fields_format(buf, REC_SCHED_FIELDS, values);
    len =
        pwrite(fd, vstring_str(buf), VSTRING_LEN(buf), msg->sched_offset + QUEUE_MSG_FIXED_HEADER);
    if (len >= 0 && (size_t)len != VSTRING_LEN(buf))
        errno = EIO;
    vstring_free(buf);
    if (len != (ssize_t)rec_fields_len(REC_SCHED_FIELDS) ||
        (sched->next_attempt > 0 &&
         futimens(fd, (struct timespec[2]){{.tv_nsec = UTIME_OMIT},
                                           {.tv_sec = sched->next_attempt}}) < 0) ||
        fsync(fd) < 0) {
        msg_warn("%s: update schedule of %s/%s: %m", msg->id, msg->queue, msg->id);
        return -1;
    }
    msg->sched = *sched;
    return 0;
}

/* queue_msg_move - rename the open file into another queue */

int queue_msg_move(QUEUE_MSG *msg, const char *new_queue)
{
    if (mail_queue_move(msg->queue, new_queue, msg->id) < 0) {
        msg_warn("%s: move %s/%s to %s: %m", msg->id, msg->queue, msg->id, new_queue);
        return -1;
    }
    myfree(msg->queue);
    msg->queue = mystrdup(new_queue);
    return 0;
}
