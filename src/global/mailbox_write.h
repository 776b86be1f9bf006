/*
 * mailbox_write.h - deliver a queued message into an mbox file or a
 * Maildir, as the mailbox's owner
 *
 * The writers that the local(8) and virtual(8) delivery agents share: a
 * child process with the user's ids appends to an mbox file (locked as
 * the target says, truncated back on failure) or writes a Maildir file
 * (tmp/, fsync, then new/), with Return-Path: and Delivered-To: headers.
 */
#ifndef MAILBOX_WRITE_H
#define MAILBOX_WRITE_H

#include <stdbool.h>
#include <sys/types.h>

#include "queue_msg.h"
#include "vstring.h"

/* Locks for an mbox file (virtual_mailbox_lock, Postfix's mailbox_delivery_lock). */
#define MAILBOX_LOCK_FCNTL   (1 << 0) /* fcntl(2) write lock */
#define MAILBOX_LOCK_FLOCK   (1 << 1) /* flock(2) exclusive lock */
#define MAILBOX_LOCK_DOTLOCK (1 << 2) /* path.lock, made by the caller's ids */

/* What to write where. */
typedef struct MAILBOX_TARGET {
    QUEUE_MSG *msg;           /* the message, not owned */
    const char *path;         /* mbox file, or Maildir directory without the "/" */
    bool maildir;             /* path is a Maildir */
    const char *delivered_to; /* Delivered-To: value */
    uid_t uid;                /* the owner: the child's ids when privileged */
    gid_t gid;                /* the owner's group */
    bool privileged;          /* running as root: the child takes uid and gid */
    bool make_dirs;           /* create missing parent directories (mode 0700, as the owner) */
    int lock_flags;           /* MAILBOX_LOCK_*, mbox only */
    int lock_attempts;        /* deliver_lock_attempts */
    int lock_delay;           /* deliver_lock_delay, seconds */
    int stale_lock_time;      /* stale_lock_time, seconds */
    const char *myhostname;   /* Maildir file names */
    long long size_limit;     /* largest mbox file or Maildir file, bytes; 0: none */
    bool any_owner;           /* an existing mbox file may belong to another user (/file) */
    bool refuse_executable;   /* an executable mbox file is refused (MAILBOX_REFUSED) */
} MAILBOX_TARGET;

/* Results. */
#define MAILBOX_SENT    0  /* written and synced */
#define MAILBOX_DEFER   75 /* try again later (EX_TEMPFAIL) */
#define MAILBOX_BOUNCE  69 /* the mailbox is full or too large (5.2.2) */
#define MAILBOX_REFUSED 77 /* refused by policy: an executable file (5.7.1) */

extern int mailbox_write(const MAILBOX_TARGET *target, VSTRING *why);
extern int mailbox_lock_parse(const char *value, int *out_flags, VSTRING *why);

#endif
