/*
 * mail_copy.h - write a queued message to a mailbox file or a stream
 *
 * The local delivery agent's copy: optional Return-Path: and
 * Delivered-To: headers, then the message content from the queue file.
 * For mbox files the message is framed by a "From sender date" line and
 * an empty line, and content lines that start with "From " are quoted
 * as ">From ".
 */
#ifndef MAIL_COPY_H
#define MAIL_COPY_H

#include <time.h>

#include "queue_msg.h"
#include "vstream.h"
#include "vstring.h"

#define MAIL_COPY_MBOX        (1 << 0) /* "From " line, >From quoting, empty line at the end */
#define MAIL_COPY_RETURN_PATH (1 << 1) /* prepend Return-Path: <sender> */
#define MAIL_COPY_DELIVERED   (1 << 2) /* prepend Delivered-To: recipient */
#define MAIL_COPY_FROM        (1 << 3) /* the "From " line alone (for commands) */

extern int mail_copy(QUEUE_MSG *msg, VSTREAM *dst, int flags, const char *delivered_to, time_t now,
                     VSTRING *why);
extern const char *mail_copy_from_line(VSTRING *buf, const char *sender, time_t now);
extern int mail_copy_needs_quote(const char *line, size_t len);

#endif
