/*
 * mail_flush.h - ask the queue manager to deliver the deferred mail now
 *
 * postqueue -f and postfix flush send the queue manager the request
 * MAIL_TRIGGER_SCAN_ALL on public/$queue_service_name: it forgets which
 * destinations were unusable and takes every deferred message now.
 */
#ifndef MAIL_FLUSH_H
#define MAIL_FLUSH_H

#include "config.h"
#include "vstring.h"

extern int mail_flush_deferred(CONFIG *config, VSTRING *why);

#endif
