/*
 * mail_flush.h - ask the queue manager to deliver the deferred mail now
 *
 * postqueue -f and postfix flush send the queue manager the request
 * MAIL_TRIGGER_SCAN_ALL on public/$queue_service_name: it forgets which
 * destinations were unusable and takes every deferred message now.
 */
#ifndef MAIL_FLUSH_H
#define MAIL_FLUSH_H

#include "vstring.h"

/* Where the queue manager listens; strings borrowed for the call. */
typedef struct MAIL_FLUSH_PROPS {
    const char *queue_directory; /* queue_directory */
    const char *queue_service;   /* queue_service_name */
    int timeout;                 /* trigger_timeout, seconds */
} MAIL_FLUSH_PROPS;

extern int mail_flush_deferred(const MAIL_FLUSH_PROPS *props, VSTRING *why);

#endif
