/*
 * mail_queue.h - queue directories, queue IDs and queue file names
 *
 * Every path is relative to the current directory, which the caller makes
 * the queue_directory (daemons chdir or chroot there), so the same names
 * work inside and outside a chroot jail.
 */
#ifndef MAIL_QUEUE_H
#define MAIL_QUEUE_H

#include <stdbool.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>

#include "vstring.h"

/* Message queues. */
#define MAIL_QUEUE_MAILDROP "maildrop" /* local submissions, for pickup */
#define MAIL_QUEUE_INCOMING "incoming" /* new messages from cleanup */
#define MAIL_QUEUE_ACTIVE   "active"   /* messages that qmgr is delivering */
#define MAIL_QUEUE_DEFERRED "deferred" /* messages waiting for another attempt */
#define MAIL_QUEUE_HOLD     "hold"     /* messages held by the administrator */
#define MAIL_QUEUE_CORRUPT  "corrupt"  /* damaged queue files, kept for inspection */

/* Per-message status logs, named by the queue ID. */
#define MAIL_QUEUE_BOUNCE "bounce" /* recipients that failed */
#define MAIL_QUEUE_DEFER  "defer"  /* recipients that were delayed */
#define MAIL_QUEUE_TRACE  "trace"  /* delivery reports (sendmail -v, DSN SUCCESS) */

/* Per-site logs of deferred queue IDs, named by the site (flush(8)). */
#define MAIL_QUEUE_FLUSH "flush"

/* Temporary files start with this; no queue ID does. */
#define MAIL_QUEUE_TEMP_PREFIX ".tmp."

/* Queue ID layout: time in base 52, 'z', inode number in base 51. */
#define MAIL_QUEUE_ID_SEC_LEN  6   /* seconds, fixed width */
#define MAIL_QUEUE_ID_USEC_LEN 4   /* microseconds, fixed width */
#define MAIL_QUEUE_ID_SEP      'z' /* ends the time part */
#define MAIL_QUEUE_ID_MAX_LEN  (MAIL_QUEUE_ID_SEC_LEN + MAIL_QUEUE_ID_USEC_LEN + 1 + 12)

/* Names and IDs. */
extern bool mail_queue_name_ok(const char *queue);
extern const char *mail_queue_name(int index);
extern bool mail_queue_id_ok(const char *id);
extern const char *mail_queue_id_make(VSTRING *buf, const struct timeval *when,
                                      unsigned long long inode);
extern const char *mail_queue_path(VSTRING *buf, const char *queue, const char *id);

/* Files. */
extern int mail_queue_move(const char *old_queue, const char *new_queue, const char *id);
extern int mail_queue_remove(const char *queue, const char *id);
extern int mail_queue_sync_dir(const char *queue);
extern int mail_queue_sweep_temp(const char *queue, time_t max_age);
extern int mail_queue_mkdir(const char *queue, uid_t owner, gid_t group, mode_t mode);
extern int mail_queue_mkdirs(uid_t owner, gid_t group, mode_t mode);

/* Scanning a queue. */
typedef struct MAIL_QUEUE_SCAN MAIL_QUEUE_SCAN;

extern MAIL_QUEUE_SCAN *mail_queue_scan_open(const char *queue);
extern const char *mail_queue_scan_next(MAIL_QUEUE_SCAN *scan);
extern MAIL_QUEUE_SCAN *mail_queue_scan_close(MAIL_QUEUE_SCAN *scan);

#endif
