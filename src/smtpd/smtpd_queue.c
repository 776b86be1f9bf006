/*++
 * NAME
 *	smtpd_queue - where the SMTP server puts a message
 * SYNOPSIS
 *	#include "smtpd_queue.h"
 *
 *	SMTPD_QUEUE *smtpd_queue_open(const SMTPD_QUEUE_PROPS *props,
 *				VSTRING *why);
 *	const char *smtpd_queue_id(const SMTPD_QUEUE *queue);
 *
 *	int	smtpd_queue_attr(SMTPD_QUEUE *queue, const char *name,
 *				const char *value);
 *	int	smtpd_queue_sender(SMTPD_QUEUE *queue, const char *sender,
 *				const char *dsn_envid, int dsn_ret);
 *	int	smtpd_queue_rcpt(SMTPD_QUEUE *queue, const char *rcpt,
 *				const char *dsn_orcpt, int dsn_notify);
 *	int	smtpd_queue_line(SMTPD_QUEUE *queue, const char *data,
 *				size_t len, bool partial);
 *
 *	int	smtpd_queue_finish(SMTPD_QUEUE *queue, VSTRING *reason);
 *	SMTPD_QUEUE *smtpd_queue_abort(SMTPD_QUEUE *queue);
 *	SMTPD_QUEUE *smtpd_queue_close(SMTPD_QUEUE *queue);
 * DESCRIPTION
 *	smtpd_queue_open() starts a message: in the maildrop queue (relative
 *	to the current directory, the queue_directory) when props->maildrop
 *	is set, else through the cleanup service at props->endpoint. It
 *	returns NULL with a reason when that is not possible; the caller
 *	then answers "451 4.3.0". smtpd_queue_id() is the queue ID, known
 *	from the start.
 *
 *	smtpd_queue_attr() records a fact about the session (REC_ATTR_*
 *	names); smtpd_queue_sender() the sender with its DSN ENVID (xtext)
 *	and RET (SMTPD_DSN_RET_*, 0: none); smtpd_queue_rcpt() one
 *	recipient with its DSN ORCPT ("type;xtext") and NOTIFY mask. These
 *	come before the content, in this order. smtpd_queue_line() adds one
 *	line of content without its line ending; partial means that the
 *	line continues in the next call. They return 0, or -1 once writing
 *	failed (the error is sticky and smtpd_queue_finish() reports it).
 *
 *	smtpd_queue_finish() ends the message and waits until it is safely
 *	queued. It returns SMTPD_QUEUE_OK only when the queue file is on
 *	disk under its queue ID; otherwise a mask of SMTPD_QUEUE_* bits and
 *	a reason.
 *
 *	smtpd_queue_abort() abandons an unfinished message (nothing stays
 *	in the queue) and returns NULL. smtpd_queue_close() releases a
 *	finished one and returns NULL.
 * DIAGNOSTICS
 *	Warnings: queue file errors (from the queue_file layer).
 *--*/

#include <errno.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "mail_queue.h"
#include "queue_file.h"
#include "rec_type.h"

#include "smtpd.h"
#include "smtpd_queue.h"

#define SMTPD_MAILDROP_MODE 0444 /* pickup reads it; nobody rewrites it */

struct SMTPD_QUEUE {
    QUEUE_FILE *qf;  /* maildrop writer, owned */
    bool in_content; /* content lines have started */
    bool failed;     /* a write failed */
    char *id;        /* queue ID, owned */
};

/* smtpd_queue_open - start a message */

SMTPD_QUEUE *smtpd_queue_open(const SMTPD_QUEUE_PROPS *props, VSTRING *why)
{
    SMTPD_QUEUE *queue;
    QUEUE_FILE *qf;

    if (!props->maildrop) {
        /* XXX The cleanup service is not available in this build yet. */
        vstring_sprintf(why, "cleanup service %s is not available", props->endpoint);
        return NULL;
    }
    if ((qf = queue_file_create_mode(MAIL_QUEUE_MAILDROP, SMTPD_MAILDROP_MODE)) == NULL) {
        vstring_sprintf(why, "cannot create a file in the %s queue", MAIL_QUEUE_MAILDROP);
        return NULL;
    }
    queue = mycalloc(1, sizeof(*queue));
    queue->qf = qf;
    queue->id = mystrdup(queue_file_id(qf));
    return queue;
}

/* smtpd_queue_id - the queue ID */

const char *smtpd_queue_id(const SMTPD_QUEUE *queue)
{
    return queue->id;
}

/* smtpd_queue_status - fold a writer result into the sticky state */

static int smtpd_queue_status(SMTPD_QUEUE *queue, int status)
{
    if (status < 0)
        queue->failed = true;
    return queue->failed ? -1 : 0;
}

/* smtpd_queue_attr - a session fact */

int smtpd_queue_attr(SMTPD_QUEUE *queue, const char *name, const char *value)
{
    if (queue->failed)
        return -1;
    return smtpd_queue_status(queue, queue_file_attr(queue->qf, name, value));
}

/* smtpd_queue_sender - the envelope sender and its DSN fields */

int smtpd_queue_sender(SMTPD_QUEUE *queue, const char *sender, const char *dsn_envid, int dsn_ret)
{
    if (queue->failed)
        return -1;
    if (dsn_envid && *dsn_envid)
        smtpd_queue_attr(queue, REC_ATTR_DSN_ENVID, dsn_envid);
    if (dsn_ret)
        smtpd_queue_attr(queue, REC_ATTR_DSN_RET, dsn_ret == SMTPD_DSN_RET_FULL ? "FULL" : "HDRS");
    return smtpd_queue_status(queue, queue_file_sender(queue->qf, sender));
}

/* smtpd_queue_rcpt - one recipient */

int smtpd_queue_rcpt(SMTPD_QUEUE *queue, const char *rcpt, const char *dsn_orcpt, int dsn_notify)
{
    QUEUE_RCPT qr = {
        .address = rcpt,
        .orig_rcpt = rcpt,
        .dsn_orcpt = dsn_orcpt,
        .dsn_notify = dsn_notify,
    };

    if (queue->failed)
        return -1;
    return smtpd_queue_status(queue, queue_file_rcpt(queue->qf, &qr));
}

/* smtpd_queue_line - one content line or the first part of one */

int smtpd_queue_line(SMTPD_QUEUE *queue, const char *data, size_t len, bool partial)
{
    if (queue->failed)
        return -1;
    if (!queue->in_content) {
        queue->in_content = true;
        if (smtpd_queue_status(queue, queue_file_content(queue->qf)) < 0)
            return -1;
    }
    return smtpd_queue_status(queue, partial ? queue_file_partial(queue->qf, data, len)
                                             : queue_file_line(queue->qf, data, len));
}

/* smtpd_queue_finish - make the message durable */

int smtpd_queue_finish(SMTPD_QUEUE *queue, VSTRING *reason)
{
    if (!queue->in_content && smtpd_queue_line(queue, "", 0, false) < 0)
        queue->failed = true;
    if (!queue->failed && queue_file_extra(queue->qf) < 0)
        queue->failed = true;
    if (!queue->failed && queue_file_commit(queue->qf) == 0)
        return SMTPD_QUEUE_OK;
    if (errno == ENOSPC || errno == EDQUOT) {
        vstring_strcpy(reason, "Insufficient system storage");
        return SMTPD_QUEUE_WRITE;
    }
    vstring_strcpy(reason, "queue file write error");
    return SMTPD_QUEUE_BAD;
}

/* smtpd_queue_free - release the writer */

static SMTPD_QUEUE *smtpd_queue_free(SMTPD_QUEUE *queue)
{
    if (queue->qf)
        queue_file_close(queue->qf);
    myfree(queue->id);
    myfree(queue);
    return NULL;
}

/* smtpd_queue_abort - abandon an unfinished message */

SMTPD_QUEUE *smtpd_queue_abort(SMTPD_QUEUE *queue)
{
    return smtpd_queue_free(queue);
}

/* smtpd_queue_close - release a finished message */

SMTPD_QUEUE *smtpd_queue_close(SMTPD_QUEUE *queue)
{
    return smtpd_queue_free(queue);
}
