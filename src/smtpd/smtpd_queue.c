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
 *	MILTER_MSG *smtpd_queue_milter_msg(SMTPD_QUEUE *queue);
 *	int	smtpd_queue_finish(SMTPD_QUEUE *queue, VSTRING *reason);
 *	SMTPD_QUEUE *smtpd_queue_abort(SMTPD_QUEUE *queue);
 *	SMTPD_QUEUE *smtpd_queue_close(SMTPD_QUEUE *queue);
 * DESCRIPTION
 *	smtpd_queue_open() starts a message: through the cleanup service at
 *	props->endpoint (relative to the queue_directory, which is the
 *	current directory), or, when props->maildrop is set, as a file in
 *	the maildrop queue that pickup will read (written the way sendmail
 *	writes one: queue_file(3), MAILDROP_FILE_MODE, owned by the submitting
 *	user), after which pickup is woken up (props->pickup).
 *	It returns NULL with a reason when that is not possible; the caller
 *	then answers "451 4.3.0". smtpd_queue_id() is the queue ID, known
 *	from the start.
 *
 *	smtpd_queue_attr() records a fact about the session (REC_ATTR_*
 *	names); smtpd_queue_sender() the sender with its DSN ENVID (xtext)
 *	and RET (CLEANUP_DSN_RET_*); smtpd_queue_rcpt() one recipient (also
 *	its own original recipient) with its DSN ORCPT ("type;xtext") and
 *	NOTIFY mask. These come before the content, attributes and sender
 *	first. smtpd_queue_line() adds one line of content without its line
 *	ending; partial means that the line continues in the next call. They
 *	return 0, or -1 once writing failed (the error is sticky and
 *	smtpd_queue_finish() reports it).
 *
 *	With props->milters (and cleanup), the sender, the recipients and
 *	the content are held back in a MILTER_MSG, which
 *	smtpd_queue_milter_msg() returns (NULL otherwise) for the milters to
 *	read and edit; smtpd_queue_finish() then sends the edited message to
 *	cleanup. Attributes go to cleanup at once.
 *
 *	smtpd_queue_finish() ends the message and waits until it is safely
 *	queued. It returns CLEANUP_STAT_OK only when the queue file is on
 *	disk under its queue ID; otherwise CLEANUP_STAT_* bits and a reason.
 *
 *	smtpd_queue_abort() abandons an unfinished message (nothing stays
 *	in the queue) and returns NULL. smtpd_queue_close() releases a
 *	finished one and returns NULL.
 * DIAGNOSTICS
 *	Warnings: queue file errors (from queue_file(3)).
 *--*/

#include <errno.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "cleanup_client.h"
#include "mail_queue.h"
#include "mail_trigger.h"
#include "maildrop.h"
#include "maildrop_post.h"
#include "queue_file.h"
#include "rec_type.h"

#include "smtpd_queue.h"

struct SMTPD_QUEUE {
    CLEANUP_CLIENT *cleanup; /* cleanup session, owned, or NULL */
    MAILDROP_POST *post;     /* maildrop writer, owned, or NULL */
    QUEUE_FILE *qf;          /* its queue file */
    bool in_content;         /* maildrop: content lines have started */
    bool failed;             /* maildrop: a write failed */
    char *pickup;            /* maildrop: pickup service to wake up, owned */
    int trigger_timeout;     /* maildrop: wake-up timeout */
    char *id;                /* queue ID, owned */
    MILTER_MSG *msg;         /* held back for milters, owned, or NULL */
};

/* smtpd_queue_open - start a message */

SMTPD_QUEUE *smtpd_queue_open(const SMTPD_QUEUE_PROPS *props, VSTRING *why)
{
    SMTPD_QUEUE *queue = mycalloc(1, sizeof(*queue));

    if (props->maildrop) {
        queue->post = maildrop_post_create(props->postdrop, props->config_dir, why);
        if (queue->post == NULL) {
            myfree(queue);
            return NULL;
        }
        queue->qf = maildrop_post_file(queue->post);
        queue->id = mystrdup(queue_file_id(queue->qf));
        queue->pickup = mystrdup(props->pickup ? props->pickup : "pickup");
        queue->trigger_timeout = props->trigger_timeout;
    } else {
        queue->cleanup =
            cleanup_open(props->endpoint,
                         props->cleanup_flags |
                             (props->add_headers ? CLEANUP_FLAG_ADD_HEADERS : CLEANUP_FLAG_NONE),
                         props->timeout, why);
        if (queue->cleanup == NULL) {
            myfree(queue);
            return NULL;
        }
        queue->id = mystrdup(cleanup_queue_id(queue->cleanup));
        if (props->milters)
            queue->msg = milter_msg_create();
    }
    return queue;
}

/* smtpd_queue_id - the queue ID */

const char *smtpd_queue_id(const SMTPD_QUEUE *queue)
{
    return queue->id;
}

/* smtpd_queue_status - fold a maildrop writer result into the sticky state */

static int smtpd_queue_status(SMTPD_QUEUE *queue, int status)
{
    if (status < 0)
        queue->failed = true;
    return queue->failed ? -1 : 0;
}

/* smtpd_queue_attr - a session fact */

int smtpd_queue_attr(SMTPD_QUEUE *queue, const char *name, const char *value)
{
    if (queue->cleanup)
        return cleanup_attr(queue->cleanup, name, value);
    if (queue->failed)
        return -1;
    return smtpd_queue_status(queue, queue_file_attr(queue->qf, name, value));
}

/* smtpd_queue_sender - the envelope sender and its DSN fields */

int smtpd_queue_sender(SMTPD_QUEUE *queue, const char *sender, const char *dsn_envid, int dsn_ret)
{
    if (queue->msg) {
        milter_msg_sender(queue->msg, sender, dsn_envid, dsn_ret);
        return 0;
    }
    if (queue->cleanup)
        return cleanup_sender(queue->cleanup, sender, dsn_envid, dsn_ret);
    if (dsn_envid && *dsn_envid)
        smtpd_queue_attr(queue, REC_ATTR_DSN_ENVID, dsn_envid);
    if (dsn_ret != CLEANUP_DSN_RET_NONE)
        smtpd_queue_attr(queue, REC_ATTR_DSN_RET,
                         dsn_ret == CLEANUP_DSN_RET_FULL ? "FULL" : "HDRS");
    if (queue->failed)
        return -1;
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

    if (queue->msg) {
        milter_msg_rcpt(queue->msg, rcpt, dsn_orcpt, dsn_notify);
        return 0;
    }
    if (queue->cleanup)
        return cleanup_rcpt(queue->cleanup, rcpt, rcpt, dsn_orcpt, dsn_notify);
    if (queue->failed)
        return -1;
    return smtpd_queue_status(queue, queue_file_rcpt(queue->qf, &qr));
}

/* smtpd_queue_line - one content line or the first part of one */

int smtpd_queue_line(SMTPD_QUEUE *queue, const char *data, size_t len, bool partial)
{
    if (queue->msg) {
        milter_msg_line(queue->msg, data, len, partial);
        return 0;
    }
    if (queue->cleanup)
        return cleanup_content_line(queue->cleanup, data, len, partial);
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

/* smtpd_queue_wakeup - tell pickup about a new maildrop file */

static void smtpd_queue_wakeup(SMTPD_QUEUE *queue)
{
    VSTRING *why = vstring_alloc(100);
    char request = MAIL_TRIGGER_WAKEUP;

    /* A lost wake-up only delays the message until pickup's next scan. */
    if (mail_trigger(MAIL_CLASS_PUBLIC, queue->pickup, &request, 1, queue->trigger_timeout, why) <
            0 &&
        msg_verbose)
        msg_info("%s: no pickup wake-up: %s", queue->id, vstring_str(why));
    vstring_free(why);
}

/* smtpd_queue_finish_maildrop - commit a maildrop file */

static int smtpd_queue_finish_maildrop(SMTPD_QUEUE *queue, VSTRING *reason)
{
    if (!queue->in_content && smtpd_queue_line(queue, "", 0, false) < 0)
        queue->failed = true;
    if (!queue->failed && queue_file_extra(queue->qf) < 0)
        queue->failed = true;
    errno = 0;
    if (!queue->failed && maildrop_post_commit(queue->post, reason) == 0) {
        smtpd_queue_wakeup(queue);
        return CLEANUP_STAT_OK;
    }
    if (VSTRING_LEN(reason)) {
        int saved_errno = errno;

        msg_warn("%s: %s", queue->id, vstring_str(reason));
        errno = saved_errno;
    }
    if (errno == ENOSPC || errno == EDQUOT) {
        vstring_strcpy(reason, "Insufficient system storage");
        return CLEANUP_STAT_WRITE;
    }
    vstring_strcpy(reason, "queue file write error");
    return CLEANUP_STAT_BAD;
}

/* smtpd_queue_milter_msg - the message held back for milters, or NULL */

MILTER_MSG *smtpd_queue_milter_msg(SMTPD_QUEUE *queue)
{
    return queue->msg;
}

/* smtpd_queue_sink_sender - replay: the sender */

static int smtpd_queue_sink_sender(void *context, const char *sender, const char *dsn_envid,
                                   int dsn_ret)
{
    return cleanup_sender(context, sender, dsn_envid, dsn_ret);
}

/* smtpd_queue_sink_rcpt - replay: one recipient */

static int smtpd_queue_sink_rcpt(void *context, const char *rcpt, const char *dsn_orcpt,
                                 int dsn_notify)
{
    return cleanup_rcpt(context, rcpt, rcpt, dsn_orcpt, dsn_notify);
}

/* smtpd_queue_sink_line - replay: one content line */

static int smtpd_queue_sink_line(void *context, const char *data, size_t len, bool partial)
{
    return cleanup_content_line(context, data, len, partial);
}

/* smtpd_queue_finish - make the message durable */

int smtpd_queue_finish(SMTPD_QUEUE *queue, VSTRING *reason)
{
    static const MILTER_MSG_SINK sink = {
        .sender = smtpd_queue_sink_sender,
        .rcpt = smtpd_queue_sink_rcpt,
        .line = smtpd_queue_sink_line,
    };

    VSTRING_RESET(reason);
    /* A write error is sticky in the cleanup client, and cleanup_finish() reports it. */
    if (queue->msg)
        (void)milter_msg_replay(queue->msg, &sink, queue->cleanup);
    if (queue->cleanup)
        return cleanup_finish(queue->cleanup, reason);
    return smtpd_queue_finish_maildrop(queue, reason);
}

/* smtpd_queue_close - release a finished message */

SMTPD_QUEUE *smtpd_queue_close(SMTPD_QUEUE *queue)
{
    if (queue->cleanup)
        cleanup_close(queue->cleanup);
    if (queue->post)
        maildrop_post_close(queue->post);
    myfree(queue->id);
    myfree(queue->pickup);
    if (queue->msg)
        milter_msg_free(queue->msg);
    myfree(queue);
    return NULL;
}

/* smtpd_queue_abort - abandon an unfinished message */

SMTPD_QUEUE *smtpd_queue_abort(SMTPD_QUEUE *queue)
{
    /* Closing an unfinished message abandons it, for both kinds. */
    return smtpd_queue_close(queue);
}
