/*
 * smtpd_queue.h - where the SMTP server puts a message
 *
 * A network session hands each message to the cleanup service; a
 * stand-alone session (sendmail -bs as an ordinary user) writes it into
 * the maildrop queue for pickup. The SMTP code sees one interface:
 * open (at the first accepted recipient), envelope, content lines, finish.
 * Results and DSN values are those of cleanup_client.h (CLEANUP_STAT_*,
 * CLEANUP_DSN_RET_*) for both.
 */
#ifndef SMTPD_QUEUE_H
#define SMTPD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "vstring.h"

#include "cleanup_client.h"
#include "milter_msg.h"

typedef struct SMTPD_QUEUE SMTPD_QUEUE;

/* Where to write. */
typedef struct SMTPD_QUEUE_PROPS {
    bool maildrop;          /* write a maildrop file instead of talking to cleanup */
    const char *endpoint;   /* cleanup socket, relative to queue_directory */
    bool add_headers;       /* cleanup adds missing From:, Date:, Message-ID: */
    int timeout;            /* cleanup I/O timeout, seconds */
    const char *pickup;     /* maildrop: the pickup service to wake up afterwards */
    int trigger_timeout;    /* maildrop: how long the wake-up may take, seconds */
    const char *postdrop;   /* maildrop: postdrop(1), when maildrop is not writable */
    const char *config_dir; /* maildrop: the configuration, for postdrop */
    bool milters;           /* hold the envelope and content back for milters (cleanup only) */
    int cleanup_flags;      /* more CLEANUP_FLAG_* (receive_override_options) */
} SMTPD_QUEUE_PROPS;

extern SMTPD_QUEUE *smtpd_queue_open(const SMTPD_QUEUE_PROPS *props, VSTRING *why);
extern const char *smtpd_queue_id(const SMTPD_QUEUE *queue);
extern int smtpd_queue_attr(SMTPD_QUEUE *queue, const char *name, const char *value);
extern int smtpd_queue_sender(SMTPD_QUEUE *queue, const char *sender, const char *dsn_envid,
                              int dsn_ret);
extern int smtpd_queue_rcpt(SMTPD_QUEUE *queue, const char *rcpt, const char *dsn_orcpt,
                            int dsn_notify);
extern int smtpd_queue_line(SMTPD_QUEUE *queue, const char *data, size_t len, bool partial);
extern MILTER_MSG *smtpd_queue_milter_msg(SMTPD_QUEUE *queue);
extern int smtpd_queue_finish(SMTPD_QUEUE *queue, VSTRING *reason);
extern SMTPD_QUEUE *smtpd_queue_abort(SMTPD_QUEUE *queue);
extern SMTPD_QUEUE *smtpd_queue_close(SMTPD_QUEUE *queue);

#endif
