/*
 * mail_trigger.h - wake up a daemon with a short request
 *
 * A trigger is one connection (or one fifo write) that carries a few
 * bytes and no reply. The receiving daemon (a trigger server, see
 * mail_server.h) reads the bytes and decides what to do; a trigger that
 * finds nobody listening is simply lost, and the periodic wake-up by
 * master(8) makes up for it.
 */
#ifndef MAIL_TRIGGER_H
#define MAIL_TRIGGER_H

#include <stddef.h>

#include "vstring.h"

/* Where a service's endpoint lives, relative to queue_directory. */
#define MAIL_CLASS_PUBLIC  "public"  /* reachable by local users (pickup, qmgr) */
#define MAIL_CLASS_PRIVATE "private" /* reachable by the mail system only */

/* Request bytes. */
#define MAIL_TRIGGER_WAKEUP        'W' /* general wake-up (master's periodic wake-up, sendmail) */
#define MAIL_TRIGGER_SCAN_INCOMING 'I' /* qmgr: a new message is in incoming */
#define MAIL_TRIGGER_SCAN_DEFERRED 'D' /* qmgr: scan the deferred queue */
#define MAIL_TRIGGER_SCAN_ALL      'A' /* qmgr: ignore retry times (postqueue -f) */
#define MAIL_TRIGGER_FLUSH_DEAD    'F' /* qmgr: forget dead destinations */

extern int mail_trigger(const char *class_name, const char *service, const void *buf, size_t len,
                        int timeout, VSTRING *why);
extern int mail_trigger_path(const char *path, const void *buf, size_t len, int timeout,
                             VSTRING *why);

#endif
