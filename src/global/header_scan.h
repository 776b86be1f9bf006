/*
 * header_scan.h - split message content into logical headers and body lines
 *
 * Content arrives line by line (as in queue file records, without line
 * terminators, long lines possibly in pieces). The scanner joins each
 * header with its continuation lines, finds the end of the header block
 * (the first empty line, or the first line that is neither a header nor a
 * continuation), and reports what it found through one callback.
 */
#ifndef HEADER_SCAN_H
#define HEADER_SCAN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct HEADER_SCAN HEADER_SCAN;

/* What the callback gets. */
#define HEADER_SCAN_HEADER 1 /* one header: its physical lines, joined by '\n' */
#define HEADER_SCAN_END    2 /* end of the header block; no text; exactly once */
#define HEADER_SCAN_BODY   3 /* a body line (the empty separator line first), or a piece */

typedef void (*HEADER_SCAN_FN)(void *context, int what, const char *text, size_t len, int partial);

extern HEADER_SCAN *header_scan_create(size_t header_limit, HEADER_SCAN_FN fn, void *context);
extern void header_scan_line(HEADER_SCAN *scan, const char *data, size_t len, int partial);
extern void header_scan_finish(HEADER_SCAN *scan);
extern bool header_scan_overflow(const HEADER_SCAN *scan);
extern HEADER_SCAN *header_scan_free(HEADER_SCAN *scan);

/* Looking at one header. */
extern size_t header_name_len(const char *text, size_t len);
extern bool header_name_is(const char *text, size_t len, const char *name);
extern const char *header_value(const char *text, size_t len, size_t *out_len);

#endif
