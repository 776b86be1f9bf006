/*
 * header_fix.h - add the headers a locally submitted message lacks
 *
 * cleanup passes every content line through header_fix. Lines go out
 * unchanged; at the end of the header block the missing Message-Id:,
 * Date: and From: headers (and, when configured, a To: header for
 * messages without recipient headers) are added.
 */
#ifndef HEADER_FIX_H
#define HEADER_FIX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "vstring.h"

typedef struct HEADER_FIX HEADER_FIX;

/* What the fixer needs to know; strings are borrowed for the fixer's lifetime. */
typedef struct HEADER_FIX_PROPS {
    const char *queue_id;    /* queue ID, for a new Message-Id */
    const char *hostname;    /* myhostname, for a new Message-Id */
    const char *sender;      /* envelope sender, for a new From:; "" is the null sender */
    const char *full_name;   /* sender's full name for From:, or NULL */
    const char *undisclosed; /* undisclosed_recipients_header, or NULL/"" for none */
    time_t now;              /* for a new Date: and Message-Id */
    bool add_missing;        /* add missing headers at all */
    size_t header_limit;     /* header_size_limit; 0: the default */
    /* Rewrite one header (its whole text), or NULL: true with the new text in out. */
    bool (*rewrite)(void *context, const char *text, size_t len, VSTRING *out);
    void *rewrite_context; /* for rewrite */
} HEADER_FIX_PROPS;

/* Receives each output line; partial != 0 when the line continues in the next call. */
typedef void (*HEADER_FIX_OUT_FN)(void *context, const char *data, size_t len, int partial);

extern HEADER_FIX *header_fix_create(const HEADER_FIX_PROPS *props, HEADER_FIX_OUT_FN out,
                                     void *context);
extern void header_fix_line(HEADER_FIX *fix, const char *data, size_t len, int partial);
extern void header_fix_finish(HEADER_FIX *fix);
extern const char *header_fix_message_id(const HEADER_FIX *fix);
extern bool header_fix_overflow(const HEADER_FIX *fix);
extern HEADER_FIX *header_fix_free(HEADER_FIX *fix);

/* Text of a From: header value for a sender and full name. */
extern const char *header_fix_from_value(VSTRING *buf, const char *sender, const char *full_name);

#endif
