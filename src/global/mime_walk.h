/*
 * mime_walk.h - follow the MIME structure of a message, line by line
 *
 * Content arrives as it does in queue file records (lines without their
 * terminators, long lines in pieces). The walker reports each logical
 * header with the kind of header block it belongs to (the message's own
 * headers, the headers of a multipart body part, or the headers of an
 * attached message/rfc822 message), the end of each header block, and
 * every other line as body: preambles, part bodies, boundary lines and
 * epilogues. It is what header_checks, mime_header_checks,
 * nested_header_checks and body_checks look at.
 */
#ifndef MIME_WALK_H
#define MIME_WALK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct MIME_WALK MIME_WALK;

/* Header block classes. */
#define MIME_WALK_PRIMARY   1 /* the message's own headers */
#define MIME_WALK_MULTIPART 2 /* headers of a body part of a multipart entity */
#define MIME_WALK_NESTED    3 /* headers of an attached message/rfc822 message */

/* What the callback gets. */
#define MIME_WALK_HEADER     1 /* one logical header, physical lines joined by '\n' */
#define MIME_WALK_HEADER_END 2 /* the header block of that class ended; no text */
#define MIME_WALK_BODY       3 /* a body line or a piece of one (partial) */

typedef void (*MIME_WALK_FN)(void *context, int what, int header_class, const char *text,
                             size_t len, int partial);

/* Limits; 0 takes the default. */
typedef struct MIME_WALK_PROPS {
    size_t header_limit;   /* header_size_limit: bytes of one header block (102400) */
    int nesting_limit;     /* mime_nesting_limit (100); < 0: no MIME processing */
    size_t boundary_limit; /* mime_boundary_length_limit: longest boundary kept (2048) */
} MIME_WALK_PROPS;

extern MIME_WALK *mime_walk_create(const MIME_WALK_PROPS *props, MIME_WALK_FN fn, void *context);
extern void mime_walk_line(MIME_WALK *walk, const char *data, size_t len, int partial);
extern void mime_walk_finish(MIME_WALK *walk);
extern MIME_WALK *mime_walk_free(MIME_WALK *walk);

/* Is this a MIME header (Content-*, MIME-Version)? */
extern bool mime_walk_mime_header(const char *text, size_t len);

#endif
