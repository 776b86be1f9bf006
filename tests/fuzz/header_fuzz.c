/*++
 * NAME
 *	header_fuzz - fuzz message header parsing and the missing-header fixer
 * SUMMARY
 *	libFuzzer harness for header_scan(3) and header_fix(3)
 * DESCRIPTION
 *	The input is message content as cleanup gets it from sendmail or
 *	smtpd. Its first byte picks how lines arrive (whole, or in pieces of
 *	1 to 63 bytes with the partial flag), the second a header size limit
 *	(0: the default, else 8 bytes per unit, so that the overflow path is
 *	reached), the third the fixer's options (add the missing headers, an
 *	undisclosed-recipients header). The bytes after that up to the first
 *	newline are the sender's full name; the rest is the content, split
 *	into lines at each newline.
 *
 *	Properties of header_scan: the header block ends exactly once; the
 *	headers and body lines it reports, in order, are exactly the input
 *	lines (a header's physical lines joined by newlines); every header
 *	starts with a field name and a colon (header_name_len() > 0), and
 *	every continuation line with a space or a tab.
 *
 *	Properties of header_fix: every input line comes out unchanged and in
 *	order; the lines it adds are all at one place, each a Message-Id:,
 *	Date:, From: or To: header, with no control character but a tab; the
 *	Message-Id it reports for the log is one line (its folding removed).
 *
 *	No memory error, leak or undefined behaviour.
 *
 *	Fatal errors: neither module has fatal reactions, so a msg_fatal() is
 *	a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	header_scan(3), header_fix(3), tests/fuzz/README
 *--*/

#include <stdlib.h>
#include <string.h>

#include "header_fix.h"
#include "header_scan.h"
#include "msg.h"
#include "vstring.h"

#include "fuzz.h"

struct header_job {
    const uint8_t *data; /* the content */
    size_t size;         /* its length */
    size_t chunk;        /* piece size, 0: whole lines */
    size_t limit;        /* header size limit, 0: the default */
    int options;         /* fixer options */
    char *full_name;     /* sender full name */
};

#define HEADER_OPT_ADD         (1 << 0) /* add missing headers */
#define HEADER_OPT_UNDISCLOSED (1 << 1) /* undisclosed-recipients header */

/* What came out of a module, as one text with a newline after each line. */
struct header_out {
    VSTRING *text;  /* the lines */
    VSTRING *line;  /* the line being assembled from pieces */
    int ends;       /* header block ends seen */
    int in_headers; /* still in the header block */
    size_t lines;   /* complete output lines */
};

/* header_feed - give the content to a line consumer, in pieces */

static void header_feed(const struct header_job *job,
                        void (*line_fn)(void *, const char *, size_t, int), void *context)
{
    const char *cp = (const char *)job->data;
    const char *end = cp + job->size;

    while (cp < end) {
        const char *nl = memchr(cp, '\n', end - cp);
        size_t len = (nl ? nl : end) - cp;

        if (job->chunk == 0) {
            line_fn(context, cp, len, 0);
        } else {
            size_t done = 0;

            do {
                size_t n = len - done > job->chunk ? job->chunk : len - done;

                line_fn(context, cp + done, n, done + n < len);
                done += n;
            } while (done < len);
        }
        cp += len + (nl != NULL);
    }
}

/* header_input - the content lines as one text, a newline after each */

static void header_input(const struct header_job *job, VSTRING *out)
{
    vstring_memcpy(out, (const char *)job->data, job->size);
    if (job->size > 0 && job->data[job->size - 1] != '\n')
        vstring_addch(out, '\n');
}

/* header_scan_seen - header_scan's callback */

static void header_scan_seen(void *context, int what, const char *text, size_t len, int partial)
{
    struct header_out *out = context;

    switch (what) {
    case HEADER_SCAN_HEADER:
        if (out->ends)
            msg_panic("header after the end of the header block");
        if (header_name_len(text, len) == 0)
            msg_panic("header without a field name: \"%.*s\"", (int)len, text);
        for (const char *nl = memchr(text, '\n', len); nl;
             nl = memchr(nl + 1, '\n', text + len - nl - 1))
            if (nl + 1 >= text + len || (nl[1] != ' ' && nl[1] != '\t'))
                msg_panic("continuation line without leading white space");
        vstring_memcat(out->text, text, len);
        vstring_addch(out->text, '\n');
        break;
    case HEADER_SCAN_END:
        out->ends++;
        break;
    case HEADER_SCAN_BODY:
        if (!out->ends)
            msg_panic("body line before the end of the header block");
        vstring_memcat(out->text, text, len);
        if (!partial)
            vstring_addch(out->text, '\n');
        break;
    default:
        msg_panic("unknown header_scan report %d", what);
    }
}

/* header_scan_feed - one line or piece into the scanner */

static void header_scan_feed(void *context, const char *data, size_t len, int partial)
{
    header_scan_line(context, data, len, partial);
}

/* header_fix_seen - header_fix's output */

static void header_fix_seen(void *context, const char *data, size_t len, int partial)
{
    struct header_out *out = context;

    vstring_memcat(out->line, data, len);
    if (partial)
        return;
    vstring_memcat(out->text, vstring_str(out->line), VSTRING_LEN(out->line));
    vstring_addch(out->text, '\n');
    VSTRING_RESET(out->line);
    out->lines++;
}

/* header_fix_feed - one line or piece into the fixer */

static void header_fix_feed(void *context, const char *data, size_t len, int partial)
{
    header_fix_line(context, data, len, partial);
}

/* header_added_ok - is this a header that the fixer may add */

static int header_added_ok(const char *line, size_t len)
{
    static const char *const names[] = {"Message-Id", "Date", "From", "To"};

    for (size_t i = 0; i < len; i++)
        if (((unsigned char)line[i] < ' ' && line[i] != '\t') || line[i] == 0x7f)
            return 0;
    if (len > 0 && (line[0] == ' ' || line[0] == '\t'))
        return 1; /* a folded From: */
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (header_name_is(line, len, names[i]))
            return 1;
    return 0;
}

/* header_check_fixed - the input, with added header lines in one place */

static void header_check_fixed(const VSTRING *in, const VSTRING *out)
{
    const char *ip = vstring_str(in), *op = vstring_str(out);
    size_t ilen = VSTRING_LEN(in), olen = VSTRING_LEN(out);
    size_t same = 0, tail;

    if (olen < ilen)
        msg_panic("header_fix lost %zu bytes", ilen - olen);
    /* The common start, in whole lines; the common end. */
    while (same < ilen && ip[same] == op[same])
        same++;
    while (same > 0 && ip[same - 1] != '\n')
        same--;
    tail = ilen - same;
    if (memcmp(ip + same, op + olen - tail, tail) != 0)
        msg_panic("header_fix changed the content");
    for (const char *cp = op + same, *stop = op + olen - tail; cp < stop;) {
        const char *nl = memchr(cp, '\n', stop - cp);

        if (nl == NULL)
            msg_panic("header_fix added a partial line");
        if (!header_added_ok(cp, nl - cp))
            msg_panic("header_fix added \"%.*s\"", (int)(nl - cp), cp);
        cp = nl + 1;
    }
}

/* header_run - both modules over the same content */

static void header_run(void *context)
{
    struct header_job *job = context;
    struct header_out scan_out = {vstring_alloc(100), vstring_alloc(10), 0, 1, 0};
    struct header_out fix_out = {vstring_alloc(100), vstring_alloc(10), 0, 1, 0};
    VSTRING *in = vstring_alloc(100);
    HEADER_SCAN *scan;
    HEADER_FIX *fix;
    HEADER_FIX_PROPS props = {
        .queue_id = "4abcDEF",
        .hostname = "mail.example.test",
        .sender = job->size % 2 ? "" : "alice@example.test",
        .full_name = job->full_name,
        .undisclosed = job->options & HEADER_OPT_UNDISCLOSED ? "To: undisclosed-recipients:;" : "",
        .now = 1700000000,
        .add_missing = (job->options & HEADER_OPT_ADD) != 0,
        .header_limit = job->limit,
    };
    const char *id;

    header_input(job, in);

    scan = header_scan_create(job->limit, header_scan_seen, &scan_out);
    header_feed(job, header_scan_feed, scan);
    header_scan_finish(scan);
    scan = header_scan_free(scan);
    if (scan_out.ends != 1)
        msg_panic("header block ended %d times", scan_out.ends);
    if (VSTRING_LEN(scan_out.text) != VSTRING_LEN(in) ||
        memcmp(vstring_str(scan_out.text), vstring_str(in), VSTRING_LEN(in)) != 0)
        msg_panic("header_scan does not give back its input");

    fix = header_fix_create(&props, header_fix_seen, &fix_out);
    header_feed(job, header_fix_feed, fix);
    header_fix_finish(fix);
    id = header_fix_message_id(fix);
    if (strchr(id, '\n') != NULL)
        msg_panic("message-id with its folding left in");
    fix = header_fix_free(fix);
    if (VSTRING_LEN(fix_out.line) != 0)
        msg_panic("header_fix left a partial line");
    header_check_fixed(in, fix_out.text);

    vstring_free(scan_out.text);
    vstring_free(scan_out.line);
    vstring_free(fix_out.text);
    vstring_free(fix_out.line);
    vstring_free(in);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct header_job job;
    const uint8_t *nl;

    if (size < 3)
        return 0;
    job.chunk = data[0] % 64;
    job.limit = (size_t)data[1] * 8;
    job.options = data[2];
    data += 3;
    size -= 3;
    nl = memchr(data, '\n', size > 100 ? 100 : size);
    job.full_name = nl ? fuzz_strndup(data, nl - data) : NULL;
    if (nl) {
        size -= nl + 1 - data;
        data = nl + 1;
    }
    job.data = data;
    job.size = size;
    fuzz_init("header_fuzz");
    fuzz_call(header_run, &job, FUZZ_FATAL_FINDING);
    free(job.full_name);
    return 0;
}
