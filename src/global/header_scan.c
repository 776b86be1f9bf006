/*++
 * NAME
 *	header_scan - split message content into logical headers and body lines
 * SYNOPSIS
 *	#include <header_scan.h>
 *
 *	HEADER_SCAN *header_scan_create(size_t header_limit,
 *				HEADER_SCAN_FN fn, void *context);
 *	void	header_scan_line(HEADER_SCAN *scan, const char *data,
 *				size_t len, int partial);
 *	void	header_scan_finish(HEADER_SCAN *scan);
 *	bool	header_scan_overflow(const HEADER_SCAN *scan);
 *	HEADER_SCAN *header_scan_free(HEADER_SCAN *scan);
 *
 *	size_t	header_name_len(const char *text, size_t len);
 *	bool	header_name_is(const char *text, size_t len, const char *name);
 *	const char *header_value(const char *text, size_t len,
 *				size_t *out_len);
 * DESCRIPTION
 *	header_scan_create() starts scanning one message. fn(context, what,
 *	text, len, partial) is called for what the scanner finds, in
 *	content order:
 * .IP HEADER_SCAN_HEADER
 *	one complete header (RFC 5322 section 2.2): the physical lines of
 *	the header and its continuation lines, joined by '\n', without a
 *	final newline. partial is 0.
 * .IP HEADER_SCAN_END
 *	the header block has ended (exactly once per message, also for a
 *	message without headers or without a body). text is "".
 * .IP HEADER_SCAN_BODY
 *	a body line as it was given, the empty line that separates header
 *	and body included. partial is passed on from header_scan_line().
 * .PP
 *	header_scan_line() takes the next content line without its line
 *	terminator. With partial != 0 the line continues in the next call.
 *	A header starts with a field name (printable ASCII other than ':')
 *	and a colon, optionally after spaces and tabs; a continuation line
 *	starts with a space or a tab. The header block ends at the first
 *	empty line, or at the first line that is neither.
 *
 *	header_limit bounds the bytes of the header block that the scanner
 *	holds (0: 102400). When the block grows past it, the scanner
 *	reports the header it was assembling, ends the header block, and
 *	reports everything after as body lines; header_scan_overflow()
 *	then returns true.
 *
 *	header_scan_finish() ends the content: an unfinished header is
 *	reported and the header block ended, if that has not happened yet.
 *	header_scan_free() releases the scanner and returns NULL.
 *
 *	header_name_len() returns the length of the field name when text
 *	begins a header, otherwise 0. header_name_is() compares the field
 *	name with name, ignoring case. header_value() returns a pointer
 *	just past the colon, with leading spaces and tabs skipped, and the
 *	length of the rest in *out_len.
 * SEE ALSO
 *	RFC 5322 section 2.2 (header fields), header_fix(3)
 *--*/

/* System library. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "header_scan.h"

#define HEADER_SCAN_DEFAULT_LIMIT 102400

struct HEADER_SCAN {
    size_t limit;      /* header bytes held at most */
    size_t held;       /* header bytes seen so far */
    HEADER_SCAN_FN fn; /* the caller's callback */
    void *context;     /* the caller's context */
    VSTRING *header;   /* the header being assembled */
    VSTRING *line;     /* a physical line arriving in pieces */
    bool ended;        /* the header block has ended */
    bool overflow;     /* it ended because it was too large */
    bool body_partial; /* the last body piece had partial set */
};

/* header_name_len - length of the field name that begins a header */

size_t header_name_len(const char *text, size_t len)
{
    size_t name_len = 0, pos;

    while (name_len < len && text[name_len] > ' ' && text[name_len] < 127 && text[name_len] != ':')
        name_len++;
    if (name_len == 0)
        return 0;
    for (pos = name_len; pos < len && (text[pos] == ' ' || text[pos] == '\t'); pos++)
        /* obsolete syntax: white space before the colon */;
    return pos < len && text[pos] == ':' ? name_len : 0;
}

/* header_name_is - compare a header's field name */

bool header_name_is(const char *text, size_t len, const char *name)
{
    size_t name_len = header_name_len(text, len);

    return name_len > 0 && name_len == strlen(name) && strncasecmp(text, name, name_len) == 0;
}

/* header_value - the text after the colon */

const char *header_value(const char *text, size_t len, size_t *out_len)
{
    const char *colon = memchr(text, ':', len);
    const char *end = text + len;
    const char *value;

    if (colon == NULL) {
        *out_len = 0;
        return end;
    }
    for (value = colon + 1; value < end && (*value == ' ' || *value == '\t'); value++)
        /* void */;
    *out_len = end - value;
    return value;
}

/* header_scan_create - start scanning one message */

HEADER_SCAN *header_scan_create(size_t header_limit, HEADER_SCAN_FN fn, void *context)
{
    HEADER_SCAN *scan = mycalloc(1, sizeof(*scan));

    scan->limit = header_limit ? header_limit : HEADER_SCAN_DEFAULT_LIMIT;
    scan->fn = fn;
    scan->context = context;
    scan->header = vstring_alloc(200);
    scan->line = vstring_alloc(200);
    return scan;
}

/* header_scan_flush - report the header being assembled */

static void header_scan_flush(HEADER_SCAN *scan)
{
    if (VSTRING_LEN(scan->header) > 0) {
        scan->fn(scan->context, HEADER_SCAN_HEADER, vstring_str(scan->header),
                 VSTRING_LEN(scan->header), 0);
        VSTRING_RESET(scan->header);
    }
}

/* header_scan_end - end the header block */

static void header_scan_end(HEADER_SCAN *scan)
{
    header_scan_flush(scan);
    scan->ended = true;
    scan->fn(scan->context, HEADER_SCAN_END, "", 0, 0);
}

/* header_scan_body - report a body line or piece */

static void header_scan_body(HEADER_SCAN *scan, const char *data, size_t len, int partial)
{
    scan->body_partial = partial != 0;
    scan->fn(scan->context, HEADER_SCAN_BODY, data, len, partial);
}

/* header_scan_complete - one complete physical line inside the header block */

static void header_scan_complete(HEADER_SCAN *scan, const char *data, size_t len)
{
    bool continuation = len > 0 && (data[0] == ' ' || data[0] == '\t');

    if (continuation && VSTRING_LEN(scan->header) > 0) {
        vstring_addch(scan->header, '\n');
        vstring_memcat(scan->header, data, len);
        return;
    }
    header_scan_flush(scan);
    if (!continuation && header_name_len(data, len) > 0) {
        vstring_memcpy(scan->header, data, len);
        return;
    }
    header_scan_end(scan);
    header_scan_body(scan, data, len, 0);
}

/* header_scan_line - take the next content line or piece */

void header_scan_line(HEADER_SCAN *scan, const char *data, size_t len, int partial)
{
    if (scan->ended) {
        header_scan_body(scan, data, len, partial);
        return;
    }
    scan->held += len + 1;
    if (scan->held > scan->limit) {
        /* Too large: what was held is header, the rest is body. */
        scan->overflow = true;
        header_scan_end(scan);
        if (VSTRING_LEN(scan->line) > 0)
            header_scan_body(scan, vstring_str(scan->line), VSTRING_LEN(scan->line), 1);
        VSTRING_RESET(scan->line);
        header_scan_body(scan, data, len, partial);
        return;
    }
    vstring_memcat(scan->line, data, len);
    if (partial)
        return;
    header_scan_complete(scan, vstring_str(scan->line), VSTRING_LEN(scan->line));
    VSTRING_RESET(scan->line);
}

/* header_scan_finish - end of the content */

void header_scan_finish(HEADER_SCAN *scan)
{
    if (!scan->ended) {
        if (VSTRING_LEN(scan->line) > 0) {
            header_scan_complete(scan, vstring_str(scan->line), VSTRING_LEN(scan->line));
            VSTRING_RESET(scan->line);
        }
        if (!scan->ended)
            header_scan_end(scan);
    } else if (scan->body_partial) {
        /* A line left unfinished by the caller is finished here. */
        header_scan_body(scan, "", 0, 0);
    }
}

/* header_scan_overflow - did the header block exceed the limit */

bool header_scan_overflow(const HEADER_SCAN *scan)
{
    return scan->overflow;
}

/* header_scan_free - release the scanner */

HEADER_SCAN *header_scan_free(HEADER_SCAN *scan)
{
    vstring_free(scan->header);
    vstring_free(scan->line);
    myfree(scan);
    return NULL;
}
