/*
 * queue_file.h - write a new queue file and commit it durably
 *
 * create -> attributes, sender, recipients -> content -> lines -> extra ->
 * (more recipients) -> commit -> close. Nothing is visible under the queue
 * ID until queue_file_commit() has returned 0.
 */
#ifndef QUEUE_FILE_H
#define QUEUE_FILE_H

#include <stddef.h>
#include <sys/time.h>
#include <sys/types.h>

#include "rec_type.h"

typedef struct QUEUE_FILE QUEUE_FILE;

/* One recipient as the writer takes it. */
typedef struct QUEUE_RCPT {
    const char *address;   /* recipient, required */
    const char *orig_rcpt; /* original recipient, or NULL */
    const char *dsn_orcpt; /* DSN ORCPT "addr-type;xtext", or NULL */
    int dsn_notify;        /* REC_NOTIFY_* mask, 0 when not given */
} QUEUE_RCPT;

/* Content lines longer than this become continuation records. */
#define QUEUE_FILE_LINE_CHUNK 4096

/* No envelope record may be longer than this. */
#define QUEUE_FILE_RECORD_LIMIT 65536

extern QUEUE_FILE *queue_file_create(const char *queue);
extern QUEUE_FILE *queue_file_create_mode(const char *queue, mode_t mode);
extern const char *queue_file_id(const QUEUE_FILE *qf);
extern void queue_file_set_arrival(QUEUE_FILE *qf, const struct timeval *arrival);
extern void queue_file_set_queue(QUEUE_FILE *qf, const char *queue);
extern int queue_file_attr(QUEUE_FILE *qf, const char *name, const char *value);
extern int queue_file_sender(QUEUE_FILE *qf, const char *sender);
extern int queue_file_rcpt(QUEUE_FILE *qf, const QUEUE_RCPT *rcpt);
extern int queue_file_content(QUEUE_FILE *qf);
extern int queue_file_line(QUEUE_FILE *qf, const char *data, size_t len);
extern int queue_file_partial(QUEUE_FILE *qf, const char *data, size_t len);
extern int queue_file_extra(QUEUE_FILE *qf);
extern long long queue_file_content_size(const QUEUE_FILE *qf);
extern int queue_file_commit(QUEUE_FILE *qf);
extern QUEUE_FILE *queue_file_close(QUEUE_FILE *qf);

#endif
