/*
 * ehlo_mask.h - EHLO keywords as bits
 *
 * smtp_discard_ehlo_keywords, lmtp_discard_lhlo_keywords,
 * smtpd_discard_ehlo_keywords and their address maps name the EHLO
 * keywords that a client ignores or a server does not offer, with the
 * pseudo keyword "silent-discard" to keep quiet about it. ehlo_mask(3)
 * turns such a list into bits and bits back into the names that the log
 * line "discarding EHLO keywords: ..." shows.
 */
#ifndef EHLO_MASK_H
#define EHLO_MASK_H

#include "vstring.h"

#define EHLO_MASK_8BITMIME            (1 << 0)
#define EHLO_MASK_AUTH                (1 << 1)
#define EHLO_MASK_ETRN                (1 << 2)
#define EHLO_MASK_PIPELINING          (1 << 3)
#define EHLO_MASK_SIZE                (1 << 4)
#define EHLO_MASK_VERB                (1 << 5)
#define EHLO_MASK_VRFY                (1 << 6)
#define EHLO_MASK_XCLIENT             (1 << 7)
#define EHLO_MASK_XFORWARD            (1 << 8)
#define EHLO_MASK_STARTTLS            (1 << 9)
#define EHLO_MASK_ENHANCEDSTATUSCODES (1 << 10)
#define EHLO_MASK_DSN                 (1 << 11)
#define EHLO_MASK_SILENT              (1 << 12) /* "silent-discard": do not log */
#define EHLO_MASK_SMTPUTF8            (1 << 13)
#define EHLO_MASK_CHUNKING            (1 << 14)
#define EHLO_MASK_REQUIRETLS          (1 << 15)

extern int ehlo_mask(const char *list);
extern int ehlo_mask_keyword(const char *keyword);
extern const char *ehlo_mask_str(VSTRING *buf, int mask);

#endif
