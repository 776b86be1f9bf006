/*++
 * NAME
 *	mime_walk - follow the MIME structure of a message, line by line
 * SYNOPSIS
 *	#include <mime_walk.h>
 *
 *	MIME_WALK *mime_walk_create(const MIME_WALK_PROPS *props,
 *				MIME_WALK_FN fn, void *context);
 *	void	mime_walk_line(MIME_WALK *walk, const char *data, size_t len,
 *				int partial);
 *	void	mime_walk_finish(MIME_WALK *walk);
 *	MIME_WALK *mime_walk_free(MIME_WALK *walk);
 *
 *	bool	mime_walk_mime_header(const char *text, size_t len);
 * DESCRIPTION
 *	mime_walk_create() starts one message. fn(context, what, class,
 *	text, len, partial) is called, in content order, for:
 * .IP MIME_WALK_HEADER
 *	one logical header (header_scan(3): its physical lines joined by
 *	'\n'), with the class of its header block: MIME_WALK_PRIMARY (the
 *	message's own headers), MIME_WALK_MULTIPART (the headers of a body
 *	part of a multipart entity) or MIME_WALK_NESTED (the headers of a
 *	message/rfc822 entity, at any depth).
 * .IP MIME_WALK_HEADER_END
 *	the end of a header block of that class.
 * .IP MIME_WALK_BODY
 *	any other line, or a piece of one (partial != 0: the line goes on
 *	in the next piece): the empty line after a header block,
 *	preambles, bodies, boundary lines and epilogues. class is 0.
 * .PP
 *	Every line given to mime_walk_line() comes out exactly once, as a
 *	header line or as a body line, in the same order, so that a caller
 *	that writes out what it gets writes the message unchanged.
 *
 *	The structure, as Postfix follows it: when a header block ends, its
 *	Content-Type decides what comes next. multipart/any with a boundary
 *	parameter: the body is a preamble, then a line "--boundary" starts
 *	a body part (its header block first), and "--boundary--" ends the
 *	multipart entity (the rest is its epilogue); a body part of
 *	multipart/digest without a Content-Type is message/rfc822 (RFC 2046
 *	section 5.1.5). message/rfc822 (not
 *	in a transfer encoding other than 7bit, 8bit or binary): the body
 *	is a message with its own header block. A boundary line of an
 *	enclosing multipart entity also ends everything inside it. Nesting
 *	stops at props->nesting_limit levels (deeper content is body; a
 *	negative limit: no MIME processing at all, only the message's own
 *	header block and its body);
 *	boundaries longer than props->boundary_limit are cut to it.
 *
 *	mime_walk_finish() ends the content: a header block that was still
 *	open is reported and ended. mime_walk_free() releases the walker
 *	and returns NULL.
 *
 *	mime_walk_mime_header() tells whether a header is one of those
 *	that mime_header_checks inspect: Content-* and MIME-Version.
 * BUGS
 *	RFC 2231 parameter continuations are not joined.
 * SEE ALSO
 *	RFC 2045, RFC 2046, header_scan(3), header_checks(5)
 *--*/

/* System library. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

/* Utility library. */
#include "argv.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "header_scan.h"
#include "mime_walk.h"

/* What a header block announced. */
enum mime_walk_type {
    MIME_WALK_TYPE_OTHER,     /* nothing to follow */
    MIME_WALK_TYPE_MULTIPART, /* multipart/any with a boundary */
    MIME_WALK_TYPE_MESSAGE,   /* message/rfc822, not encoded */
};

struct MIME_WALK {
    MIME_WALK_FN fn;          /* the caller's callback */
    void *context;            /* its context */
    size_t header_limit;      /* header_size_limit */
    int nesting_limit;        /* mime_nesting_limit */
    size_t boundary_limit;    /* mime_boundary_length_limit */
    HEADER_SCAN *scan;        /* the header block being read, owned, or NULL */
    int scan_class;           /* MIME_WALK_PRIMARY, ... of that block */
    bool scan_ended;          /* the block ended during the current line */
    enum mime_walk_type type; /* what the block's Content-Type announced */
    bool encoded;             /* its Content-Transfer-Encoding is not an identity */
    VSTRING *boundary;        /* its boundary parameter, owned */
    bool digest;              /* the block announced multipart/digest */
    ARGV *boundaries;         /* open multipart boundaries, innermost last, owned; each
                               * starts with MIME_WALK_KIND_* */
    int depth;                /* multiparts and messages entered */
    bool nested_next;         /* the next line starts a message/rfc822 header block */
    bool at_line_start;       /* the next piece starts a line */
};

/* The first byte of a boundaries element: what kind of multipart it closes. */
#define MIME_WALK_KIND_MIXED  'm' /* any multipart but digest: parts are text/plain */
#define MIME_WALK_KIND_DIGEST 'd' /* multipart/digest: parts are message/rfc822 */

#define MIME_WALK_DEF_HEADER_LIMIT   102400
#define MIME_WALK_DEF_NESTING_LIMIT  100
#define MIME_WALK_DEF_BOUNDARY_LIMIT 2048

/* mime_walk_mime_header - Content-* or MIME-Version */

bool mime_walk_mime_header(const char *text, size_t len)
{
    size_t name_len = header_name_len(text, len);

    return (name_len > 8 && strncasecmp(text, "Content-", 8) == 0) ||
           header_name_is(text, len, "MIME-Version");
}

/* mime_walk_token - the next token of a header value, lower-cased, into buf */

static const char *mime_walk_token(const char *cp, const char *end, VSTRING *buf)
{
    VSTRING_RESET(buf);
    while (cp < end && (*cp == ' ' || *cp == '\t' || *cp == '\n' || *cp == '\r'))
        cp++;
    while (cp < end && !strchr(" \t\r\n;=\"/", *cp))
        vstring_addch(buf, (char)tolower((unsigned char)*cp++));
    return cp;
}

/* mime_walk_param_value - a parameter value: a quoted string or a token */

static const char *mime_walk_param_value(const char *cp, const char *end, VSTRING *buf,
                                         size_t limit)
{
    VSTRING_RESET(buf);
    while (cp < end && (*cp == ' ' || *cp == '\t' || *cp == '\n'))
        cp++;
    if (cp < end && *cp == '"') {
        for (cp++; cp < end && *cp != '"'; cp++) {
            if (*cp == '\\' && cp + 1 < end)
                cp++;
            if (VSTRING_LEN(buf) < limit)
                vstring_addch(buf, *cp);
        }
        return cp < end ? cp + 1 : cp;
    }
    for (; cp < end && !strchr(" \t\r\n;", *cp); cp++)
        if (VSTRING_LEN(buf) < limit)
            vstring_addch(buf, *cp);
    return cp;
}

/* mime_walk_content_type - what a Content-Type header announces */

static void mime_walk_content_type(MIME_WALK *walk, const char *value, size_t len)
{
    const char *end = value + len, *cp;
    VSTRING *type = vstring_alloc(20), *subtype = vstring_alloc(20), *name = vstring_alloc(20);

    walk->type = MIME_WALK_TYPE_OTHER;
    VSTRING_RESET(walk->boundary);
    cp = mime_walk_token(value, end, type);
    if (cp < end && *cp == '/')
        cp = mime_walk_token(cp + 1, end, subtype);
    walk->digest =
        strcmp(vstring_str(type), "multipart") == 0 && strcmp(vstring_str(subtype), "digest") == 0;
    if (strcmp(vstring_str(type), "message") == 0 && strcmp(vstring_str(subtype), "rfc822") == 0)
        walk->type = MIME_WALK_TYPE_MESSAGE;
    while (strcmp(vstring_str(type), "multipart") == 0 && cp < end) {
        if ((cp = strchr(cp, ';')) == NULL || cp >= end)
            break;
        cp = mime_walk_token(cp + 1, end, name);
        if (cp >= end || *cp != '=')
            continue;
        if (strcmp(vstring_str(name), "boundary") == 0) {
            mime_walk_param_value(cp + 1, end, walk->boundary, walk->boundary_limit);
            if (VSTRING_LEN(walk->boundary) > 0)
                walk->type = MIME_WALK_TYPE_MULTIPART;
            break;
        }
        cp = mime_walk_param_value(cp + 1, end, name, walk->boundary_limit);
    }
    vstring_free(type);
    vstring_free(subtype);
    vstring_free(name);
}

/* mime_walk_header - what a header of the block says about the structure */

static void mime_walk_header(MIME_WALK *walk, const char *text, size_t len)
{
    VSTRING *encoding;
    const char *value;
    size_t value_len;

    if (header_name_is(text, len, "Content-Type")) {
        value = header_value(text, len, &value_len);
        mime_walk_content_type(walk, value, value_len);
    } else if (header_name_is(text, len, "Content-Transfer-Encoding")) {
        value = header_value(text, len, &value_len);
        encoding = vstring_alloc(20);
        mime_walk_token(value, value + value_len, encoding);
        walk->encoded = strcmp(vstring_str(encoding), "7bit") != 0 &&
                        strcmp(vstring_str(encoding), "8bit") != 0 &&
                        strcmp(vstring_str(encoding), "binary") != 0;
        vstring_free(encoding);
    }
}

/* mime_walk_scan_cb - header_scan(3) callback */

static void mime_walk_scan_cb(void *context, int what, const char *text, size_t len, int partial)
{
    MIME_WALK *walk = context;

    switch (what) {
    case HEADER_SCAN_HEADER:
        mime_walk_header(walk, text, len);
        walk->fn(walk->context, MIME_WALK_HEADER, walk->scan_class, text, len, 0);
        break;
    case HEADER_SCAN_END:
        walk->scan_ended = true;
        walk->fn(walk->context, MIME_WALK_HEADER_END, walk->scan_class, "", 0, 0);
        break;
    default:
        walk->fn(walk->context, MIME_WALK_BODY, 0, text, len, partial);
        break;
    }
}

/* mime_walk_block_start - a header block begins */

static void mime_walk_block_start(MIME_WALK *walk, int header_class)
{
    walk->scan = header_scan_create(walk->header_limit, mime_walk_scan_cb, walk);
    walk->scan_class = header_class;
    walk->scan_ended = false;
    walk->type = MIME_WALK_TYPE_OTHER;
    walk->encoded = false;
    walk->digest = false;
    /* A part of multipart/digest is a message unless its Content-Type says otherwise. */
    if (header_class == MIME_WALK_MULTIPART && walk->boundaries->argc > 0 &&
        walk->boundaries->argv[walk->boundaries->argc - 1][0] == MIME_WALK_KIND_DIGEST)
        walk->type = MIME_WALK_TYPE_MESSAGE;
}

/* mime_walk_block_end - a header block has ended: what its body is */

static void mime_walk_block_end(MIME_WALK *walk)
{
    walk->scan = header_scan_free(walk->scan);
    if (walk->depth >= walk->nesting_limit)
        return;
    if (walk->type == MIME_WALK_TYPE_MULTIPART) {
        VSTRING *element = vstring_alloc(VSTRING_LEN(walk->boundary) + 2);

        vstring_sprintf(element, "%c%s",
                        walk->digest ? MIME_WALK_KIND_DIGEST : MIME_WALK_KIND_MIXED,
                        vstring_str(walk->boundary));
        argv_add(walk->boundaries, vstring_str(element));
        vstring_free(element);
        walk->depth++;
    } else if (walk->type == MIME_WALK_TYPE_MESSAGE && !walk->encoded) {
        walk->nested_next = true;
        walk->depth++;
    }
}

/* mime_walk_boundary - the index of the boundary that a line is, or -1; *out_close for "--" */

static ssize_t mime_walk_boundary(const MIME_WALK *walk, const char *data, size_t len,
                                  bool *out_close)
{
    if (len < 3 || data[0] != '-' || data[1] != '-')
        return -1;
    for (ssize_t i = (ssize_t)walk->boundaries->argc - 1; i >= 0; i--) {
        const char *b = walk->boundaries->argv[i] + 1; /* after the kind */
        size_t blen = strlen(b);

        if (len - 2 >= blen && memcmp(data + 2, b, blen) == 0) {
            *out_close = len - 2 >= blen + 2 && data[2 + blen] == '-' && data[3 + blen] == '-';
            return i;
        }
    }
    return -1;
}

/* mime_walk_at_boundary - a boundary line: end what it ends, start what it starts */

static void mime_walk_at_boundary(MIME_WALK *walk, size_t index, bool close, const char *data,
                                  size_t len)
{
    if (walk->scan) {
        header_scan_finish(walk->scan);
        walk->scan = header_scan_free(walk->scan);
    }
    walk->nested_next = false;
    walk->fn(walk->context, MIME_WALK_BODY, 0, data, len, 0);
    /* Everything inside this multipart entity ends here. */
    argv_truncate(walk->boundaries, index + (close ? 0 : 1));
    walk->depth = (int)walk->boundaries->argc;
    if (!close)
        mime_walk_block_start(walk, MIME_WALK_MULTIPART);
}

/* mime_walk_create - start one message */

MIME_WALK *mime_walk_create(const MIME_WALK_PROPS *props, MIME_WALK_FN fn, void *context)
{
    MIME_WALK *walk = mycalloc(1, sizeof(*walk));

    walk->fn = fn;
    walk->context = context;
    walk->header_limit = props->header_limit ? props->header_limit : MIME_WALK_DEF_HEADER_LIMIT;
    walk->nesting_limit = props->nesting_limit > 0   ? props->nesting_limit
                          : props->nesting_limit < 0 ? 0
                                                     : MIME_WALK_DEF_NESTING_LIMIT;
    walk->boundary_limit =
        props->boundary_limit ? props->boundary_limit : MIME_WALK_DEF_BOUNDARY_LIMIT;
    walk->boundary = vstring_alloc(40);
    walk->boundaries = argv_alloc(4);
    walk->at_line_start = true;
    mime_walk_block_start(walk, MIME_WALK_PRIMARY);
    return walk;
}

/* mime_walk_line - the next line or piece */

void mime_walk_line(MIME_WALK *walk, const char *data, size_t len, int partial)
{
    ssize_t index;
    bool close = false;

    if (walk->at_line_start && !partial && walk->boundaries->argc > 0 &&
        (index = mime_walk_boundary(walk, data, len, &close)) >= 0) {
        mime_walk_at_boundary(walk, (size_t)index, close, data, len);
    } else {
        if (walk->nested_next) {
            walk->nested_next = false;
            mime_walk_block_start(walk, MIME_WALK_NESTED);
        }
        if (walk->scan) {
            header_scan_line(walk->scan, data, len, partial);
            if (walk->scan_ended)
                mime_walk_block_end(walk);
        } else {
            walk->fn(walk->context, MIME_WALK_BODY, 0, data, len, partial);
        }
    }
    walk->at_line_start = !partial;
}

/* mime_walk_finish - end of the content */

void mime_walk_finish(MIME_WALK *walk)
{
    if (walk->scan) {
        header_scan_finish(walk->scan);
        walk->scan = header_scan_free(walk->scan);
    } else if (!walk->at_line_start) {
        walk->fn(walk->context, MIME_WALK_BODY, 0, "", 0, 0);
    }
    walk->at_line_start = true;
}

/* mime_walk_free - release the walker */

MIME_WALK *mime_walk_free(MIME_WALK *walk)
{
    if (walk->scan)
        header_scan_free(walk->scan);
    vstring_free(walk->boundary);
    argv_free(walk->boundaries);
    myfree(walk);
    return NULL;
}
