/*
 * maildrop.h - local submissions waiting in the maildrop queue
 *
 * sendmail writes a maildrop file with queue_file(3) (mode
 * MAILDROP_FILE_MODE) as the submitting user; pickup opens it with
 * maildrop_open(), which trusts nothing in it: the file comes from an
 * ordinary user.
 */
#ifndef MAILDROP_H
#define MAILDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "queue_msg.h"
#include "vstring.h"

typedef struct MAILDROP MAILDROP;

/* The mode of a maildrop file: pickup (mail_owner) must read it. */
#define MAILDROP_FILE_MODE 0444

/* Limits a maildrop file must respect. */
typedef struct MAILDROP_LIMITS {
    long long max_size; /* file size in bytes; 0: no limit */
    size_t max_rcpt;    /* recipients; 0: no limit */
} MAILDROP_LIMITS;

/* maildrop_open() results. */
#define MAILDROP_STAT_OK      0 /* valid; the handle is set */
#define MAILDROP_STAT_MISSING 1 /* gone (picked up or withdrawn) */
#define MAILDROP_STAT_RETRY   2 /* system error or busy: try later */
#define MAILDROP_STAT_BAD     3 /* malformed or not allowed: never deliver */

extern int maildrop_open(const char *id, const MAILDROP_LIMITS *limits, MAILDROP **out,
                         VSTRING *why);
extern uid_t maildrop_uid(const MAILDROP *md);
extern const char *maildrop_sender(const MAILDROP *md);
extern size_t maildrop_rcpt_count(const MAILDROP *md);
extern const QUEUE_MSG_RCPT *maildrop_rcpt(const MAILDROP *md, size_t index);
extern const char *maildrop_attr(const MAILDROP *md, const char *name);
extern int maildrop_dropped(const MAILDROP *md);
extern int maildrop_content_get(MAILDROP *md, VSTRING *buf);
extern MAILDROP *maildrop_close(MAILDROP *md);

#endif
