/*
 * queue_msg.h - read a committed queue file and record delivery progress
 *
 * For qmgr, the delivery agents, bounce and the queue tools: open and
 * validate a message, read its envelope and content, mark recipients done
 * in place, update the retry schedule, move the file between queues.
 */
#ifndef QUEUE_MSG_H
#define QUEUE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

#include "rec_type.h"
#include "vstring.h"

typedef struct QUEUE_MSG QUEUE_MSG;

/* One recipient as read from the file. */
typedef struct QUEUE_MSG_RCPT {
    char *address;    /* recipient, owned by the QUEUE_MSG */
    char *orig_rcpt;  /* original recipient or NULL, owned by the QUEUE_MSG */
    char *dsn_orcpt;  /* DSN ORCPT or NULL, owned by the QUEUE_MSG */
    int dsn_notify;   /* REC_NOTIFY_* mask, 0 when not given */
    long long offset; /* file offset of its R or D record */
    bool done;        /* delivered, bounced or otherwise finished */
} QUEUE_MSG_RCPT;

/* The retry schedule (REC_TYPE_SCHED). */
typedef struct QUEUE_SCHED {
    long long next_attempt; /* time of the next attempt, 0: as soon as possible */
    long long attempts;     /* delivery attempts so far */
    long long warn_time;    /* time to send a delay warning, 0: none */
} QUEUE_SCHED;

/* queue_msg_open() flags. */
#define QUEUE_MSG_FLAG_UPDATE (1 << 0) /* open for marking and rescheduling */
#define QUEUE_MSG_FLAG_LOCK   (1 << 1) /* exclusive lock, or QUEUE_MSG_STAT_BUSY */
#define QUEUE_MSG_FLAG_SHARED (1 << 2) /* shared lock (after LOCK's test), or _BUSY */

/* queue_msg_open() results. */
#define QUEUE_MSG_STAT_OK      0 /* opened and valid */
#define QUEUE_MSG_STAT_MISSING 1 /* no such file (moved or removed meanwhile) */
#define QUEUE_MSG_STAT_BUSY    2 /* another process holds the lock */
#define QUEUE_MSG_STAT_CORRUPT 3 /* malformed, truncated or incomplete: quarantine it */
#define QUEUE_MSG_STAT_ERROR   4 /* system error: try again later */

extern int queue_msg_open(const char *queue, const char *id, int flags, QUEUE_MSG **out_msg,
                          VSTRING *why);
extern QUEUE_MSG *queue_msg_close(QUEUE_MSG *msg);

/* Envelope. */
extern const char *queue_msg_id(const QUEUE_MSG *msg);
extern const char *queue_msg_queue(const QUEUE_MSG *msg);
extern struct timeval queue_msg_arrival(const QUEUE_MSG *msg);
extern const char *queue_msg_sender(const QUEUE_MSG *msg);
extern const char *queue_msg_attr(const QUEUE_MSG *msg, const char *name);
extern size_t queue_msg_rcpt_count(const QUEUE_MSG *msg);
extern const QUEUE_MSG_RCPT *queue_msg_rcpt(const QUEUE_MSG *msg, size_t index);
extern size_t queue_msg_rcpt_left(const QUEUE_MSG *msg);
extern const QUEUE_SCHED *queue_msg_sched(const QUEUE_MSG *msg);
extern long long queue_msg_content_size(const QUEUE_MSG *msg);

/* Content. */
extern int queue_msg_content_rewind(QUEUE_MSG *msg);
extern int queue_msg_content_get(QUEUE_MSG *msg, VSTRING *buf);

/* Updates. */
extern int queue_msg_mark_done(QUEUE_MSG *msg, const size_t *indexes, size_t count);
extern int queue_msg_rcpt_reread(QUEUE_MSG *msg, size_t index);
extern int queue_msg_set_sched(QUEUE_MSG *msg, const QUEUE_SCHED *sched);
extern int queue_msg_move(QUEUE_MSG *msg, const char *new_queue);

#endif
